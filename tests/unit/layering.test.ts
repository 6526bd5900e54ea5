import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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

function resolveTs(target: string): string | undefined {
  return ['.ts', '/index.ts'].map((ext) => target + ext).find((f) => fs.existsSync(path.join(ROOT, f)));
}

/** A core/ module that imports nothing but other such modules: nothing of Node or of a package comes with it. */
function selfContained(target: string, seen = new Set<string>()): boolean {
  const resolved = resolveTs(target);
  if (!resolved || !/^core\//.test(resolved)) return false;
  if (seen.has(resolved)) return true;
  seen.add(resolved);
  return importsOf(resolved).every((spec) => spec.startsWith('.') && selfContained(path.normalize(path.join(path.dirname(resolved), spec)), seen));
}

function violations(dirs: string[], forbidden: RegExp): string[] {
  return dirs.flatMap((d) => sourceFiles(d)).flatMap((f) => importsOf(f).filter((i) => forbidden.test(i)).map((i) => `${f} → ${i}`));
}

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
          // Runtime code from core/ would drag Node into the bundle; a module whose imports are only core modules
          // with no other imports (all the way down) cannot.
          if (!selfContained(target)) bad.push(`${file} → ${spec} (runtime import from core)`);
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
