import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHomeStore, prepareHome } from '../../db/local';
import { runCli } from '../support/cli';

/**
 * The home folder holds the outbox, the audit log and the profiles: the CLI creates it like the app and browser
 * mode do (core of both: db/local's openHomeStore) — the folder 0700, the store and its WAL files 0600 — whatever
 * the umask, and tightens a store file an older version left readable by others.
 */
let root: string;
let umask: number;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-perm-'));
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  fs.rmSync(root, { recursive: true, force: true });
});

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('home folder and store permissions', { timeout: 60_000 }, () => {
  it('a CLI run creates the home 0700 and the store 0600 (with its WAL files)', async () => {
    const home = path.join(root, 'cli', 'home');
    const r = await runCli(home, 'status', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(mode(home)).toBe(0o700);
    expect(mode(path.join(root, 'cli'))).toBe(0o700);
    const files = fs.readdirSync(home).filter((f) => f.startsWith('konnektor.sqlite'));
    expect(files).toContain('konnektor.sqlite');
    for (const f of files) expect([f, mode(path.join(home, f))]).toEqual([f, 0o600]);
  });

  it('the store a former version left 0644 is 0600 after the next open; an existing home folder is not changed', async () => {
    const home = path.join(root, 'old');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    const first = await openHomeStore(home);
    await first.destroy();
    fs.chmodSync(path.join(home, 'konnektor.sqlite'), 0o644);
    const again = await openHomeStore(home);
    try {
      await again.raw('select 1');
      expect(mode(path.join(home, 'konnektor.sqlite'))).toBe(0o600);
      expect(mode(home)).toBe(0o755);
    } finally {
      await again.destroy();
    }
  });

  it('browser mode and the app prepare the home the same way', () => {
    const home = path.join(root, 'app-home');
    expect(prepareHome(home)).toBe(home);
    expect(mode(home)).toBe(0o700);
  });
});
