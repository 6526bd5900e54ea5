import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKonnektorError } from '../../core/errors';
import { createValidator } from '../../core/validation';
import { gibPackagePaths, locateGibPackage } from '../../core/validation/gibPackage';
import { installGibPackage } from '../../core/validation/gibInstall';
import { ensureSef } from '../../core/validation/sefCache';

const ROOT = path.resolve(__dirname, '../..');
const SHARED_GIB = path.resolve(ROOT, '..', 'shared', 'reference', 'gib');
const require = createRequire(import.meta.url);

/** The files of a folder as zip entries under `prefix` (GİB's zips: one with a top folder, one without). */
function entries(dir: string, prefix: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = path.join(dir, rel);
    if (fs.statSync(abs).isFile()) out[`${prefix}${rel.split(path.sep).join('/')}`] = new Uint8Array(fs.readFileSync(abs));
  }
  return out;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('konnektor gib install (GİB’s zips, built here from the reference files: no network on this machine)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-gib-install-'));
  const home = path.join(tmp, 'home');
  const ublZip = path.join(tmp, 'UBL-TR1.2.1_Paketi.zip');
  const efaturaZip = path.join(tmp, 'e-FaturaPaketi.zip');

  beforeAll(() => {
    fs.writeFileSync(ublZip, zipSync(entries(path.join(SHARED_GIB, 'UBL-TR1.2.1_Paketi'), 'UBL-TR1.2.1_Paketi/')));
    // GİB's e-Fatura zip as published: schematron, xsd, wsdl, xml at the top; no compiled stylesheet inside.
    const ef = entries(path.join(SHARED_GIB, 'e-FaturaPaketi'), '');
    fs.writeFileSync(efaturaZip, zipSync(ef));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('installs both packages into the data folder, prints each zip’s SHA-256, and is found there first', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'konnektor.js'), 'gib', 'install', '--from', ublZip, efaturaZip, '--json'], {
      env: { ...process.env, KONNEKTOR_HOME: home },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { dir: string; release: string; sources: { source: string; sha256: string; kinds: string[] }[] };
    expect(result.dir).toBe(path.join(home, 'gib'));
    expect(result.sources).toEqual([
      expect.objectContaining({ source: ublZip, sha256: sha256(ublZip), kinds: ['UBL-TR'] }),
      expect.objectContaining({ source: efaturaZip, sha256: sha256(efaturaZip), kinds: ['e-Fatura'] }),
    ]);
    expect(result.release).toMatch(/^20\d{6}$/);
    const paths = gibPackagePaths(result.dir);
    for (const f of [paths.invoiceXsd, paths.schematronXslt, ...paths.schematronSources]) expect(fs.existsSync(f)).toBe(true);
    // The table a person reads names the checksum too.
    const human = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'konnektor.js'), 'gib', 'install', '--from', ublZip, efaturaZip], {
      env: { ...process.env, KONNEKTOR_HOME: home },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(sha256(efaturaZip));
    expect(human.stdout).toContain('GİB paketi kuruldu');
    // Data folder first, before the configured folder and the development layout.
    expect(locateGibPackage(SHARED_GIB, { env: { KONNEKTOR_HOME: home }, resourcesPath: undefined })).toBe(path.join(home, 'gib'));
  }, 300_000);

  it('compiles GİB’s schematron sources to a stylesheet that judges GİB’s samples like GİB’s compiled one', async () => {
    const installed = path.join(home, 'gib');
    const saxon = require('saxon-js') as {
      transform(o: Record<string, unknown>, mode: 'sync'): { principalResult: unknown };
      XPath: { evaluate(x: string, c: unknown, o?: Record<string, unknown>): unknown };
    };
    const cache = fs.mkdtempSync(path.join(tmp, 'cache-'));
    const ours = await ensureSef(gibPackagePaths(installed).schematronXslt, cache);
    const reference = await ensureSef(gibPackagePaths(SHARED_GIB).schematronXslt);
    const failures = (sef: string, file: string, type: string) => {
      const svrl = saxon.transform({ stylesheetFileName: sef, sourceText: fs.readFileSync(file, 'utf8'), destination: 'raw', stylesheetParams: { type } }, 'sync').principalResult;
      return (saxon.XPath.evaluate("descendant::*:failed-assert ! (string(@test) || ' | ' || normalize-space(*:text))", svrl, { resultForm: 'array' }) as string[]).sort();
    };
    const samples = path.join(SHARED_GIB, 'UBL-TR1.2.1_Paketi', 'xml');
    const cases: [string, string][] = [
      ['TicariFaturaOrnegi.xml', 'efatura'],
      ['TemelFaturaOrnegi.xml', 'efatura'],
      ['TEVKIFAT.xml', 'efatura'],
      ['IadeFaturasiOrnegi.xml', 'efatura'],
      ['IDIS_Irsaliye.xml', 'efatura'],
    ];
    let failing = 0;
    for (const [name, type] of cases) {
      const file = path.join(samples, name);
      if (!fs.existsSync(file)) continue;
      const expected = failures(reference.sefPath, file, type);
      expect(failures(ours.sefPath, file, type), name).toEqual(expected);
      if (expected.length > 0) failing++;
    }
    // The comparison covered documents GİB's rules refuse, not only clean ones.
    expect(failing).toBeGreaterThan(0);
    const v = await createValidator({ gibPackage: installed, workers: 0, cacheDir: cache });
    try {
      expect((await v.validate(fs.readFileSync(path.join(samples, 'TicariFaturaOrnegi.xml'), 'utf8'), 'efatura')).valid).toBe(true);
      expect((await v.validate(fs.readFileSync(path.join(samples, 'TemelFaturaOrnegi.xml'), 'utf8'), 'efatura')).valid).toBe(false);
    } finally {
      await v.close();
    }
  }, 600_000);

  it('refuses a zip that is not GİB’s, a path leaving the package, and leaves the installed package as it was', async () => {
    const before = fs.readdirSync(path.join(home, 'gib')).sort();
    const notGib = path.join(tmp, 'baska.zip');
    fs.writeFileSync(notGib, zipSync({ 'readme.txt': new TextEncoder().encode('merhaba') }));
    const refused = await installGibPackage({ dataDir: home, sources: [ublZip, notGib] }).catch((e: unknown) => e);
    expect(isKonnektorError(refused) && refused.code).toBe('GIB_PACKAGE_INVALID');
    const slip = path.join(tmp, 'slip.zip');
    fs.writeFileSync(slip, zipSync({ 'x/schematron/UBL-TR_Main_Schematron.xml': new Uint8Array(1), 'x/../../evil.txt': new Uint8Array(1) }));
    const slipped = await installGibPackage({ dataDir: home, sources: [slip] }).catch((e: unknown) => e);
    expect(isKonnektorError(slipped) && slipped.code).toBe('GIB_PACKAGE_INVALID');
    expect(fs.existsSync(path.join(tmp, 'evil.txt'))).toBe(false);
    const onlyUbl = await installGibPackage({ dataDir: home, sources: [ublZip] }).catch((e: unknown) => e);
    expect(isKonnektorError(onlyUbl) && onlyUbl.code).toBe('GIB_PACKAGE_INVALID');
    expect(fs.readdirSync(path.join(home, 'gib')).sort()).toEqual(before);
    const offline = await installGibPackage({
      dataDir: home,
      fetch: (async () => {
        throw new Error('getaddrinfo ENOTFOUND');
      }) as typeof fetch,
    }).catch((e: unknown) => e);
    expect(isKonnektorError(offline) && offline.code).toBe('GIB_PACKAGE_DOWNLOAD_FAILED');
  });
});
