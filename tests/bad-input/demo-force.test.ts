import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MANIFEST, createDemoDatabases } from '../../sandbox/demo';

/**
 * `demo init --force` replaces the demo's own files and nothing else: a folder that also holds another database
 * is refused before anything is deleted (DEMO_DIR_FOREIGN_FILES), and the demo's manifest cannot point outside it.
 */
let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-demo-force-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const demo = (dir: string, force = true) => createDemoDatabases({ dir, invoices: 3, seed: 2, year: 2026, ...(force ? { force } : {}) });

describe('demo init --force', { timeout: 180_000 }, () => {
  it('never deletes a database the demo did not create', async () => {
    const dir = path.join(root, 'foreign');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'muhasebe.sqlite'), 'the accountant’s own database');
    fs.writeFileSync(path.join(dir, 'muhasebe.sqlite-wal'), 'its journal');
    await expect(demo(dir)).rejects.toMatchObject({ code: 'DEMO_DIR_FOREIGN_FILES', details: { files: ['muhasebe.sqlite', 'muhasebe.sqlite-wal'] } });
    expect(fs.readFileSync(path.join(dir, 'muhasebe.sqlite'), 'utf8')).toBe('the accountant’s own database');
    expect(fs.readdirSync(dir).sort()).toEqual(['muhasebe.sqlite', 'muhasebe.sqlite-wal']);
  });

  it('replaces its own files, keeps everything else, and refuses while a foreign database sits next to them', async () => {
    const dir = path.join(root, 'own');
    const first = await demo(dir, false);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, DEMO_MANIFEST), 'utf8')) as { files: string[] };
    expect(manifest.files).toEqual(expect.arrayContaining([...first.logo.databases, ...first.netsis.databases].map((d) => `${d}.sqlite`)));
    fs.writeFileSync(path.join(dir, 'notlar.txt'), 'keep me');

    fs.writeFileSync(path.join(dir, 'baska.sqlite'), 'another program');
    const before = fs.readdirSync(dir).sort();
    await expect(demo(dir)).rejects.toMatchObject({ code: 'DEMO_DIR_FOREIGN_FILES' });
    expect(fs.readdirSync(dir).sort()).toEqual(before);

    fs.rmSync(path.join(dir, 'baska.sqlite'));
    // A manifest edited to name a file outside the folder (or the folder itself) deletes nothing outside it.
    const outside = path.join(root, 'outside.sqlite');
    fs.writeFileSync(outside, 'outside');
    fs.writeFileSync(path.join(dir, DEMO_MANIFEST), JSON.stringify({ files: [...manifest.files, '../outside.sqlite', '..', '.'] }));
    const again = await demo(dir);
    expect(again.logo.databases).toEqual(first.logo.databases);
    expect(fs.readFileSync(path.join(dir, 'notlar.txt'), 'utf8')).toBe('keep me');
    expect(fs.readFileSync(outside, 'utf8')).toBe('outside');
  });

  it('without --force any database in the folder stops it (DEMO_DIR_INVALID), as before', async () => {
    const dir = path.join(root, 'no-force');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'x.sqlite'), 'x');
    await expect(demo(dir, false)).rejects.toMatchObject({ code: 'DEMO_DIR_INVALID' });
    expect(fs.readFileSync(path.join(dir, 'x.sqlite'), 'utf8')).toBe('x');
  });
});
