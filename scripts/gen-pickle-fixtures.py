#!/usr/bin/env python3
"""Writes the pickle fixtures of test/storage/hdf5/pickle.test.ts into test/fixtures/pickles/.

Run with Debian's Python (`/usr/bin/python3 scripts/gen-pickle-fixtures.py`); the tests only read
the committed output. For every case it writes `<name>.p<protocol>.bin` (protocols 0 to 5, made
by Python's own pickle module) and records in `expected.json` the Python repr and a tagged JSON
form of the value (or, for objects h5traj must not unpickle, the class it should name).
It also copies the raw bytes of pypet's three PickleParameters out of
test/fixtures/pypet/results_types.hdf5 (needs python3-h5py); they are read from the file's
contiguous storage because HDF5's string conversion stops at the first NUL of a pickle.
"""
import collections
import fractions
import json
import os
import pickle
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'pickles')
PROTOCOLS = range(0, 6)


class Point:
    """A user class: h5traj must report it, not build it."""

    def __init__(self, x, y):
        self.x, self.y = x, y


shared = [1]
recursive = []
recursive.append(recursive)

CASES = {
    'none': None,
    'true': True,
    'false': False,
    'int_small': 7,
    'int_negative': -5,
    'int_huge': 2 ** 100,
    'int_negative_huge': -(2 ** 70) + 1,
    'int_edges': [0, 255, 256, 65535, 65536, -1, -256, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 + 1,
                  2 ** 63 - 1, -(2 ** 63), 2 ** 64, -(2 ** 64)],
    'float': 2.0,
    'floats': [1.0, -0.0, 0.1, 1e-300, 1e300, 1e16, 1234567890123456.0, 1e-5, 0.0001,
               float('nan'), float('inf'), float('-inf')],
    'str': 'héllo wörld ✓ 𝄞',
    'strs': ['', "it's", 'say "hi"', 'both \' and "', 'tab\tnew\nline\\', '\x00\x7f\u2028', 'x' * 300],
    'bytes': b'\x00abc\xff\x00',
    'bytes_empty': b'',
    'bytes_long': bytes(range(256)) * 2,
    'bytearray': bytearray(b'\x00x'),
    'complex': 1.5 - 2j,
    'complexes': [0j, 1j, complex(-0.0, 1), complex(1e16, -1), complex(2, 0)],
    'tuple': (1, 'a', None),
    'tuple_single': (1,),
    'tuple_empty': (),
    'tuple_long': (1, 2, 3, 4, 5),
    'list_empty': [],
    'list_nested': [1, [2, [3, []]], {'k': (4,)}, None, True],
    'list_long': list(range(2000)),
    'dict': {'a': 1, 'b': [1, 2], 'c': {'d': 'e'}, 'f': 1.0, 'g': None, 'h': True, 'with space': b'x'},
    'dict_empty': {},
    'dict_nonstr_keys': {1: 'one', (2, 3): 'tuple', None: 0, b'k': 1.5, 2.5: 'float'},
    'set': {1, 2, 3},
    'set_empty': set(),
    'set_mixed': {1, 'a', (1, 2), None, frozenset({3})},
    'frozenset': frozenset({1, 2}),
    'frozenset_empty': frozenset(),
    'ordered_dict': collections.OrderedDict([('z', 1), ('a', [2.5])]),
    'shared_refs': [shared, shared, shared],
    'fraction': fractions.Fraction(1, 3),
    'fraction_nested': {'x': [1, fractions.Fraction(1, 2)]},
    'custom_class': Point(1, 2),
    'recursive': recursive,
}
# Cases h5traj must decode to `unsupported`, with the start of the class name it must report.
UNSUPPORTED = {'fraction': 'fractions.Fraction', 'fraction_nested': 'fractions.Fraction',
               'custom_class': '__main__.Point', 'recursive': ''}
# Python's repr names OrderedDict and bytearray; h5traj gives a plain dict and bytes (a Buffer).
REPR = {'ordered_dict': "{'z': 1, 'a': [2.5]}", 'bytearray': "b'\\x00x'"}

try:
    import numpy
    # numpy arrays decode (test/storage/hdf5/pandas-read.test.ts); a numpy scalar is a class
    # outside the whitelist
    CASES['numpy_scalar'] = numpy.float64(1.5)
    UNSUPPORTED['numpy_scalar'] = 'numpy.'
except ImportError:
    pass


def tag(v):
    """JSON with the Python type kept: the test turns it back into h5traj's JS values."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return {'int': str(v)}
    if isinstance(v, float):
        return {'float': repr(v)}
    if isinstance(v, complex):
        return {'complex': [repr(v.real), repr(v.imag)]}
    if isinstance(v, (bytes, bytearray)):
        return {'bytes': v.hex()}
    if isinstance(v, tuple):
        return {'tuple': [tag(x) for x in v]}
    if isinstance(v, list):
        return [tag(x) for x in v]
    if isinstance(v, frozenset):
        return {'frozenset': [tag(x) for x in v]}
    if isinstance(v, set):
        return {'set': [tag(x) for x in v]}
    if isinstance(v, dict):
        return {'dict': [[tag(k), tag(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def pypet_pickles():
    """Raw bytes of pypet's PickleParameters in results_types.hdf5 (contiguous storage)."""
    import h5py
    path = os.path.join(ROOT, 'test', 'fixtures', 'pypet', 'results_types.hdf5')
    out = {}
    with h5py.File(path, 'r') as f, open(path, 'rb') as raw:
        for name in ('obj', 'fraction', 'set'):
            ds = f['/results_types/parameters/pickled/%s/data' % name]
            raw.seek(ds.id.get_offset())
            out[name] = raw.read(ds.id.get_storage_size())
    return out


def main():
    if os.environ.get('PYTHONHASHSEED') != '0':  # fixed set order, so that reruns give the same files
        os.environ['PYTHONHASHSEED'] = '0'
        os.execv(sys.executable, [sys.executable] + sys.argv)
    os.makedirs(OUT, exist_ok=True)
    expected = {'python': sys.version.split()[0], 'cases': {}}
    for name, value in CASES.items():
        files = []
        for p in PROTOCOLS:
            file = '%s.p%d.bin' % (name, p)
            with open(os.path.join(OUT, file), 'wb') as fh:
                fh.write(pickle.dumps(value, protocol=p))
            files.append(file)
        entry = {'files': files}
        if name in UNSUPPORTED:
            entry['unsupported'] = UNSUPPORTED[name]
        else:
            entry['repr'] = REPR.get(name, repr(value))
            entry['value'] = tag(value)
        expected['cases'][name] = entry
    try:
        pypet = pypet_pickles()
    except ImportError:
        sys.exit('python3-h5py is needed to copy the pypet pickles')
    for name, data in pypet.items():
        file = 'pypet_%s.bin' % name
        with open(os.path.join(OUT, file), 'wb') as fh:
            fh.write(data)
        value = pickle.loads(data)
        entry = {'files': [file]}
        if isinstance(value, fractions.Fraction):
            entry['unsupported'] = 'fractions.Fraction'
        else:
            entry['repr'], entry['value'] = repr(value), tag(value)
        expected['cases']['pypet_' + name] = entry
    with open(os.path.join(OUT, 'expected.json'), 'w', encoding='utf-8') as fh:
        json.dump(expected, fh, indent=1, ensure_ascii=False)
        fh.write('\n')


if __name__ == '__main__':
    main()
