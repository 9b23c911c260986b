/**
 * Unknown option names are a typed error naming the nearest known option (issue 11, gap 8);
 * pypet options without a meaning here are accepted; renamed and unsupported ones say so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Environment, InvalidArgumentError, Parameter, Result, Trajectory, UnknownOptionError } from '../../src/index.js';
import { checkOptions } from '../../src/options.js';
import { throwsKind } from '../helpers.js';

function unknown(fn: () => unknown): UnknownOptionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnknownOptionError) return e;
    throw e;
  }
  throw new Error('expected an UnknownOptionError');
}

test('the error names the option, the nearest known one and the call', () => {
  const e = unknown(() => new Trajectory('t', { add_time: false, overwrite_fil: true } as any));
  assert.is(e.option, 'overwrite_fil');
  assert.is(e.suggestion, 'overwrite_file');
  assert.is(e.code, 'UNKNOWN_OPTION');
  assert.ok(e instanceof InvalidArgumentError);
  assert.match(e.message, /^new Trajectory\(\) has no option 'overwrite_fil'\. Did you mean 'overwrite_file'\? Its options are: add_time, comment, filename/);
});

test('every public options object is checked', () => {
  const traj = new Trajectory('t', { add_time: false });
  traj.f_add_parameter('x', 1);
  traj.f_explore({ x: [1, 2] });
  const calls: [string, () => unknown, string][] = [
    ['f_add_parameter', () => traj.f_add_parameter('y', 1, { coment: 'c' } as any), 'comment'],
    ['f_add_result', () => traj.f_add_result('r', 1, { dtyp: 'int' } as any), 'dtype'],
    ['new Parameter', () => new Parameter('p', 1, { comment: '', dtpe: 'int' } as any), 'dtype'],
    ['new Result', () => new Result('p', 1, { commnt: '' } as any), 'comment'],
    ['f_add_group', () => traj.f_add_group('g', { commment: '' } as any), 'comment'],
    ['f_get', () => traj.f_get('x', { fast_acess: true } as any), 'fast_access'],
    ['f_get_from_runs', () => traj.f_get_from_runs('z', { autoload: true } as any), 'auto_load'],
    ['f_store', () => traj.f_store({ only_int: true } as any), 'only_init'],
    ['f_load', () => traj.f_load({ load_paramters: 2 } as any), 'load_parameters'],
    ['f_iter_runs', () => [...traj.f_iter_runs({ yield: 'idx' } as any)], 'yields'],
    ['f_shrink', () => traj.f_shrink({ forced: true } as any), 'force'],
    ['f_get_parameters', () => traj.f_get_parameters({ fastaccess: true } as any), 'fast_access'],
    ['f_merge', () => traj.f_merge(traj, { remove_duplicate: true } as any), 'remove_duplicates'],
    ['f_store_items', () => traj.f_store_items([], { overwrit: true } as any), 'overwrite'],
    ['f_to_records', () => traj.f_to_records({ result: ['z'] } as any), 'results'],
    ['group f_store', () => traj.results.f_store({ store_dat: 2 }), 'store_data'],
    ['new Environment', () => new Environment({ trajectory: traj, ncore: 2 } as any), 'ncores'],
  ];
  for (const [what, call, nearest] of calls) {
    const e = unknown(call);
    assert.is(e.suggestion, nearest, what);
  }
});

test("pypet options with no meaning here are accepted; renamed and unsupported ones explain", () => {
  const env = new Environment({ trajectory: 'env_opts', filename: '/nonexistent-dir-h5traj/x.hdf5', wrap_mode: 'LOCK', log_stdout: true, log_config: null, use_pool: true, accept_failures: true } as any);
  assert.is(env.traj, env.trajectory);
  const renamed = unknown(() => new Environment({ continuable: true } as any));
  assert.match(renamed.message, /pypet's 'continuable' is called 'resume' in h5traj/);
  assert.is(renamed.suggestion, 'resume');
  const traj = new Trajectory('t', { add_time: false, file_title: 'ignored' } as any);
  throwsKind(() => traj.f_load({ with_run_information: false } as any), UnknownOptionError, /does not support pypet's option 'with_run_information': run information is always loaded/);
  throwsKind(() => traj.results.f_load({ max_depth: 2 } as any), UnknownOptionError, /does not support pypet's option 'max_depth'/);
  throwsKind(() => new Trajectory('t', { wildcard_functions: {} } as any), UnknownOptionError, /wildcards are fixed/);
});

test('options must be an object', () => {
  assert.throws(() => checkOptions('f()', 3, { known: ['a'] }), /must be an object such as .*not number/);
  assert.throws(() => checkOptions('f()', null, { known: ['a'] }), /not null/);
  checkOptions('f()', undefined, { known: [] });
  throwsKind(() => checkOptions('f()', { a: 1 }, { known: [] }), UnknownOptionError, /f\(\) has no option 'a'\. It takes no options\./);
});

test.run();
