import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Rules the suite keeps so that a green run means something: the end-to-end tests fail (never skip) without
 * their browser, and no test judges speed — performance targets live in `npm run bench:*`.
 */
const ROOT = path.resolve(__dirname, '../..');
const testFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(rel);
    return /\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('end-to-end tests without chromium', () => {
  it('fail with the reason instead of skipping', async () => {
    vi.stubEnv('KONNEKTOR_CHROMIUM', path.join(ROOT, 'no-such-dir', 'chromium'));
    vi.resetModules();
    const harness = await import('../e2e/harness');
    expect(harness.chromiumAvailable()).toBe(false);
    await expect(harness.startApp()).rejects.toThrow(/No chromium at .*no-such-dir.*apt-get install chromium/);
  });

  it('have no condition on the browser that would skip them', () => {
    const e2e = testFiles('tests/e2e');
    expect(e2e.length).toBeGreaterThanOrEqual(3);
    for (const file of e2e) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      // Skips are allowed only for what CI cannot have (the Electron binary), never for chromium.
      const skips = text.split('\n').filter((l) => /\.(skip|skipIf|runIf|todo)\b|\bctx\.skip\(/.test(l));
      expect({ file, skips: skips.filter((l) => !/skipIf\(!binary\)/.test(l)) }).toEqual({ file, skips: [] });
      expect({ file, mentions: /chromiumAvailable\(\)/.test(text) }).toEqual({ file, mentions: false });
    }
  });
});

describe('tests judge verdicts, not speed', () => {
  it('no test asserts on elapsed wall time', () => {
    const timed = /expect\(\s*(performance\.now\(\)|Date\.now\(\)|process\.hrtime)[^)]*-|toBe(LessThan|GreaterThan)(OrEqual)?\(\s*\d[\d_]*\s*\)\s*;?\s*\/\/.*\b(ms|s|seconds?)\b/;
    const offenders = testFiles('tests').flatMap((file) =>
      fs
        .readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .map((l, i) => ({ at: `${file}:${i + 1}`, l }))
        .filter(({ l }) => timed.test(l)),
    );
    expect(offenders).toEqual([]);
  });
});
