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

  it('finds the imports it checks', () => {
    // Guards the checker itself: a known import must be seen.
    expect(importsOf('db/local.ts')).toContain('knex');
  });
});
