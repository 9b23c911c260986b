/**
 * No import cycle between trajectory.ts and the trajectory/ helper modules, type-only imports
 * included: a helper sees a trajectory as a TrajectoryCore (trajectory/state.ts), so it can be
 * read, tested and changed without the Trajectory class. Imports are read with the TypeScript
 * compiler's own pre-processor (`import`, `import type`, `export … from`, `import('…')` types).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module of src/ (relative path) → the modules of src/ it imports, type-only included. */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const deps = importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.relative(SRC, path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(path.relative(SRC, file), [...new Set(deps)]);
  }
  return graph;
}

/** The strongly connected components with more than one module (or a module importing itself). */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** One cycle through `start` inside its component, as `a → b → … → a` (shortest, breadth first). */
function cycleThrough(graph: Graph, component: readonly string[], start: string): string {
  const inside = new Set(component);
  const from = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const w of graph.get(queue[i]!) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let at = queue[i]!; at !== start; at = from.get(at)!) between.unshift(at);
        return [start, ...between, start].join(' → ');
      }
      if (!from.has(w)) {
        from.set(w, queue[i]!);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

/** The cycles that involve a module of trajectory/, each named by one import path around it. */
function trajectoryCycles(graph: Graph): string[] {
  return cycles(graph)
    .filter((c) => c.some((f) => f.startsWith(`trajectory${path.sep}`)))
    .map((c) => {
      const start = c.find((f) => f === path.join('trajectory', 'trajectory.ts')) ?? c.filter((f) => f.startsWith(`trajectory${path.sep}`)).sort()[0]!;
      return cycleThrough(graph, c, start);
    });
}

test('the cycle finder names a cycle, type-only imports and import() types included', () => {
  const graph: Graph = new Map([
    [path.join('trajectory', 'trajectory.ts'), [path.join('trajectory', 'helper.ts')]],
    [path.join('trajectory', 'helper.ts'), [path.join('trajectory', 'other.ts')]],
    [path.join('trajectory', 'other.ts'), [path.join('trajectory', 'trajectory.ts')]],
    [path.join('tree', 'a.ts'), []],
  ]);
  assert.equal(trajectoryCycles(graph), [['trajectory.ts', 'helper.ts', 'other.ts', 'trajectory.ts'].map((f) => path.join('trajectory', f)).join(' → ')]);
  const { importedFiles } = ts.preProcessFile("import type { T } from './trajectory.js';\nlet x: typeof import('./state.js');\nexport { y } from './runs.js';", true, true);
  assert.equal(importedFiles.map((f) => f.fileName), ['./trajectory.js', './state.js', './runs.js']);
});

test('no import cycle (type-only included) between trajectory.ts and the trajectory/ helper modules', () => {
  const graph = importGraph();
  assert.ok(graph.get(path.join('trajectory', 'trajectory.ts'))!.length > 5, 'trajectory.ts was read with its imports');
  assert.equal(trajectoryCycles(graph), []);
});

test.run();
