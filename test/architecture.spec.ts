// The house rules of src/ (README "How it is built"), checked from the source text: no import
// cycle, type imports included, and arrows that point down the layers only.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file imports or re-exports, statically or with import(), types included; as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms),
    ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.map((s) => relative(root, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const graph = new Map(sourceFiles(root).map((f) => [relative(root, f), importsOf(f)]));

/**
 * The layers, bottom first: a module may import its own layer and the layers below it. The
 * facade (network.ts) checks and delegates to the engine; the backends know nothing above them.
 */
const LAYERS: Array<[name: string, matches: (path: string) => boolean]> = [
  ['kernel contract, errors, random, platform', (p) => ['kernels.ts', 'errors.ts', 'random.ts', 'platform.ts'].includes(p)],
  ['backends and registries', (p) => p.startsWith('backends/') || p.startsWith('registry/')],
  ['validation, custom registrations', (p) => p.startsWith('validate/') || p === 'custom.ts'],
  ['engine', (p) => p.startsWith('engine/') || p === 'trace.ts'],
  ['worker, saved forms and files', (p) => p.startsWith('worker/') || p.startsWith('persist/') || p.startsWith('module/')],
  ['facade', (p) => p === 'network.ts'],
  ['tools on the facade', (p) => ['explain.ts', 'gradient-check.ts'].includes(p) || p.startsWith('exchange/') || p.startsWith('data/') || p.startsWith('model/')],
  ['command line, package entry', (p) => p.startsWith('cli/') || p === 'index.ts'],
];

const layerOf = (path: string): number => LAYERS.findIndex(([, matches]) => matches(path));

describe('architecture of src/', () => {
  it('every module belongs to a layer', () => {
    const unplaced = [...graph.keys()].filter((p) => layerOf(p) < 0 && p !== 'worker/worker-entry.ts');
    expect(unplaced).toEqual([]);
  });

  it('imports point down the layers (the worker script, loaded by URL, imports the package entry)', () => {
    const upward: string[] = [];
    for (const [from, imports] of graph) {
      if (from === 'worker/worker-entry.ts') continue;
      for (const to of imports) {
        if (layerOf(to) > layerOf(from)) upward.push(`${from} (${LAYERS[layerOf(from)][0]}) imports ${to} (${LAYERS[layerOf(to)][0]})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle, type imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string): void => {
      state.set(node, 'open');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('the import scan sees what it should (a guard against a regex that matches nothing)', () => {
    expect(graph.get('network.ts')).toContain('engine/engine.ts');
    expect(graph.get('network.ts')).toContain('backends/backend.ts'); // a type-only import
    expect(graph.get('index.ts')).toContain('network.ts');
  });
});
