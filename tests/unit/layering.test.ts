import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImportGraph, runtimeCycles, upwardImports, type Layer } from '../support/importGraph';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

function violations(dirs: string[], forbidden: RegExp): string[] {
  return dirs.flatMap((d) => sourceFiles(d)).flatMap((f) => importsOf(f).filter((i) => forbidden.test(i)).map((i) => `${f} → ${i}`));
}

/**
 * The layers of ARCHITECTURE.md §1 from the bottom up: a file may load (at run time) only files of its own layer or
 * of a lower rank; layers of one rank sit side by side and do not load each other. The domain is core/ (but its
 * API), the stores, the migrations and the connectors' contract. The programs (connectors/) and the API (core/api)
 * both stand on it without knowing each other: the shipped programs reach the API through ApiDeps. The sandbox
 * (integrator stand-in, demo generator) builds on both; runtime/ wires everything for a host; the hosts (Electron,
 * the CLI with browser mode, the renderer, benches and scripts) come last and never import each other.
 */
const LAYERS: Layer[] = [
  { name: 'domain', rank: 0, paths: ['core', 'db', 'migrations', 'connectors/contract.ts', 'connectors/shared'] },
  { name: 'connectors', rank: 1, paths: ['connectors'] },
  { name: 'core/api', rank: 1, paths: ['core/api'] },
  { name: 'sandbox', rank: 2, paths: ['sandbox'] },
  { name: 'runtime', rank: 3, paths: ['runtime'] },
  { name: 'electron', rank: 4, paths: ['electron'] },
  { name: 'cli', rank: 4, paths: ['cli'] },
  { name: 'renderer', rank: 4, paths: ['renderer'] },
  { name: 'bench', rank: 4, paths: ['bench'] },
  { name: 'scripts', rank: 4, paths: ['scripts', 'bin'] },
];
const SOURCE_DIRS = ['core', 'connectors', 'db', 'migrations', 'sandbox', 'runtime', 'electron', 'cli', 'renderer', 'bench', 'scripts', 'bin'];

describe('import graph (ARCHITECTURE.md §4: no cycles, no upward imports)', () => {
  const graph = readImportGraph(ROOT, SOURCE_DIRS);

  it('reads the project: every layer has files and a known import is seen', () => {
    expect(graph.files).toContain('core/api/index.ts');
    expect(graph.edges).toContainEqual({ from: 'connectors/registry.ts', to: 'connectors/logo/index.ts', typeOnly: false, dynamic: false });
    expect(graph.files.filter((f) => !LAYERS.some((l) => l.paths.some((p) => f === p || f.startsWith(`${p}/`))))).toEqual([]);
  });

  it('has no import cycle at run time', () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });

  it('has no import that runs up the layers or across hosts', () => {
    expect(upwardImports(graph, LAYERS)).toEqual([]);
  });

  it('fails on a cycle, an upward import and a host importing another host (fixture)', () => {
    const fixture = readImportGraph(path.join(ROOT, 'tests/fixtures/layering'), ['core', 'electron', 'cli']);
    expect(runtimeCycles(fixture)).toEqual([['core/cycleA.ts', 'core/cycleB.ts', 'core/cycleA.ts']]);
    expect(upwardImports(fixture, LAYERS).sort()).toEqual([
      'core/upward.ts → electron/window.ts (domain imports electron, a higher layer)',
      'electron/host.ts → cli/command.ts (electron imports cli, a layer beside it)',
    ]);
    // Type-only imports load nothing: neither the type-only cycle nor the type reaching up is a finding.
    expect(fixture.edges.filter((e) => e.typeOnly).map((e) => `${e.from} → ${e.to}`).sort()).toEqual([
      'core/typeOnlyA.ts → core/typeOnlyB.ts',
      'core/typeOnlyB.ts → core/typeOnlyA.ts',
      'core/typeUp.ts → electron/window.ts',
    ]);
  });

  it('finds a cycle through three files and a lazy import()', () => {
    const edges = [
      { from: 'core/a.ts', to: 'core/b.ts', typeOnly: false, dynamic: false },
      { from: 'core/b.ts', to: 'core/c.ts', typeOnly: false, dynamic: true },
      { from: 'core/c.ts', to: 'core/a.ts', typeOnly: false, dynamic: false },
      { from: 'core/c.ts', to: 'core/d.ts', typeOnly: false, dynamic: false },
    ];
    expect(runtimeCycles({ root: '', files: ['core/a.ts', 'core/b.ts', 'core/c.ts', 'core/d.ts'], edges })).toEqual([['core/a.ts', 'core/b.ts', 'core/c.ts', 'core/a.ts']]);
  });
});

describe('layering (ARCHITECTURE.md §1)', () => {
  it('core/, connectors/, db/ and migrations/ never import Electron or React', () => {
    expect(violations(['core', 'connectors', 'db', 'migrations', 'sandbox', 'cli'], /^(electron|react|react-dom)(\/|$)/)).toEqual([]);
  });

  it('connectors know nothing of UBL, SOAP or the integrator', () => {
    expect(violations(['connectors'], /core\/(documents\/ubl|integrator|outbox|validation)|xmlbuilder|soap/)).toEqual([]);
  });

  it('the renderer never imports Node code', () => {
    expect(violations(['renderer'], /^(node:|fs|path|os|child_process|knex|better-sqlite3|mssql|tedious|electron)(\/|$)|\.\.\/(db|connectors|sandbox)\//)).toEqual([]);
  });

  it('the renderer takes only types from core/ (or a dependency-free constant module), never electron/ or cli/', () => {
    const bad: string[] = [];
    for (const file of sourceFiles('renderer')) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^\s*(import|export)(\s+type)?\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const [, , isType, spec] = m;
        const target = path.normalize(path.join(path.dirname(file), spec!));
        if (/^(electron|cli)(\/|$)/.test(target)) bad.push(`${file} → ${spec}`);
        if (!isType && /^core(\/|$)/.test(target)) {
          // Runtime code from core/ would drag Node into the bundle; a module with no imports of its own cannot.
          const resolved = ['.ts', '/index.ts'].map((ext) => target + ext).find((f) => fs.existsSync(path.join(ROOT, f)));
          if (!resolved || importsOf(resolved).length > 0) bad.push(`${file} → ${spec} (runtime import from core)`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('the preload gives the renderer nothing but the invoke bridge', () => {
    const text = fs.readFileSync(path.join(ROOT, 'electron/preload.ts'), 'utf8');
    expect(importsOf('electron/preload.ts').filter((i) => !i.startsWith('../core/api/bridge'))).toEqual(['electron']);
    expect([...text.matchAll(/exposeInMainWorld\(/g)]).toHaveLength(1);
  });

  it('finds the imports it checks', () => {
    // Guards the checker itself: a known import must be seen.
    expect(importsOf('db/local.ts')).toContain('knex');
  });
});
