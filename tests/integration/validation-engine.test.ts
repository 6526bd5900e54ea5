/**
 * The validation engine's moving parts: the on-disk SEF cache (concurrent compiles, damaged entries, compile
 * failures), worker start-up failures, inline vs worker equivalence, and close().
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isKonnektorError } from '../../core/errors';
import { logger } from '../../core/logging';
import { createValidator } from '../../core/validation';
import { gibPackagePaths, locateGibPackage } from '../../core/validation/gibPackage';
import { WorkerPool } from '../../core/validation/pool';
import { defaultCacheDir, ensureSef } from '../../core/validation/sefCache';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-engine-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const GIB = gibPackagePaths(locateGibPackage());
const SAMPLES = path.join(GIB.root, 'UBL-TR1.2.1_Paketi', 'xml');

/** A small stylesheet: compiles in about a second, unlike GİB's. */
function tinyXslt(name: string, body = '<xsl:template match="/"><ok/></xsl:template>'): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">${body}</xsl:stylesheet>`);
  return file;
}

async function engineError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isKonnektorError(e)) throw new Error(`expected a KonnektorError, got ${String(e)}`);
  return e.code;
}

describe('SEF cache', () => {
  it('caches in the user’s cache folder shared by every data folder, or KONNEKTOR_CACHE', () => {
    expect(defaultCacheDir({}, 'linux', '/home/muhasebe')).toBe(path.join('/home/muhasebe', '.cache', 'konnektor'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, 'linux', '/home/muhasebe')).toBe(path.join('/var/cache/u', 'konnektor'));
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\m\\AppData\\Local' }, 'win32', 'C:\\Users\\m')).toContain(path.join('Konnektor', 'Cache'));
    expect(defaultCacheDir({ KONNEKTOR_CACHE: '/x/cache', KONNEKTOR_HOME: '/y' })).toBe(path.resolve('/x/cache'));
    // Another data folder (a second demo) does not mean another cache: a GİB release compiles once.
    expect(defaultCacheDir({ KONNEKTOR_HOME: '/y' }, 'linux', '/home/muhasebe')).toBe(defaultCacheDir({ KONNEKTOR_HOME: '/z' }, 'linux', '/home/muhasebe'));
  });

  it('compiles once when two callers race, via a lock and an atomic rename', async () => {
    const xslt = tinyXslt('race.xsl');
    const cache = path.join(tmp, 'race-cache');
    const [a, b] = await Promise.all([ensureSef(xslt, cache), ensureSef(xslt, cache)]);
    expect([a.origin, b.origin].sort()).toEqual(['cached', 'compiled']);
    expect(a.sefPath).toBe(b.sefPath);
    expect(fs.readdirSync(cache)).toEqual([path.basename(a.sefPath)]); // no .tmp or .lock left
    expect(JSON.parse(fs.readFileSync(a.sefPath, 'utf8')).N).toBe('package');
    expect(a.sefPath).toContain(a.sha256);
    expect((await ensureSef(xslt, cache)).origin).toBe('cached');
  }, 60_000);

  it('a changed stylesheet gets a new cache entry', async () => {
    const cache = path.join(tmp, 'change-cache');
    const first = await ensureSef(tinyXslt('change.xsl'), cache);
    const second = await ensureSef(tinyXslt('change.xsl', '<xsl:template match="/"><changed/></xsl:template>'), cache);
    expect(second.origin).toBe('compiled');
    expect(second.sha256).not.toBe(first.sha256);
  }, 60_000);

  it('replaces a damaged cache entry', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => logger);
    const xslt = tinyXslt('damaged.xsl');
    const cache = path.join(tmp, 'damaged-cache');
    const good = await ensureSef(xslt, cache);
    fs.writeFileSync(good.sefPath, '{"N":"package","C":[');
    const again = await ensureSef(xslt, cache);
    expect(again.origin).toBe('compiled');
    expect(JSON.parse(fs.readFileSync(again.sefPath, 'utf8')).N).toBe('package');
  }, 60_000);

  it('takes over the lock of a compile that crashed (its process is gone)', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => logger);
    const xslt = tinyXslt('crashed.xsl');
    const cache = path.join(tmp, 'crashed-cache');
    const first = await ensureSef(xslt, cache);
    fs.rmSync(first.sefPath);
    fs.writeFileSync(`${first.sefPath}.lock`, `4194303 ${os.hostname()} 2026-01-01T00:00:00.000Z\n`);
    const again = await ensureSef(xslt, cache);
    expect(again.origin).toBe('compiled');
    expect(fs.readdirSync(cache)).toEqual([path.basename(again.sefPath)]);
  }, 60_000);

  it('a stylesheet that does not compile → VALIDATION_ENGINE_FAILED, nothing left in the cache', async () => {
    const cache = path.join(tmp, 'broken-cache');
    expect(await engineError(ensureSef(tinyXslt('broken.xsl', '<xsl:template match="/"><xsl:value-of select="1 +"/></xsl:template>'), cache))).toBe(
      'VALIDATION_ENGINE_FAILED',
    );
    expect(fs.readdirSync(cache)).toEqual([]);
  }, 60_000);
});

describe('engine start-up and life cycle', () => {
  it('a worker that cannot load the schematron → VALIDATION_ENGINE_FAILED from start()', async () => {
    const badSef = path.join(tmp, 'bad.sef.json');
    fs.writeFileSync(badSef, 'not json');
    const code = await engineError(WorkerPool.start({ xsdRoot: GIB.xsdRoot, invoiceXsd: GIB.invoiceXsd, schematron: { engine: 'saxon', sefPath: badSef } }, 1));
    expect(code).toBe('VALIDATION_ENGINE_FAILED');
  }, 60_000);

  it('inline (0 workers) and worker threads give the same results; a closed validator refuses work', async () => {
    const files = ['TicariFaturaOrnegi.xml', 'TemelFaturaOrnegi.xml', 'HKS-Ornek2.xml'];
    const docs = files.map((f) => ({ xml: fs.readFileSync(path.join(SAMPLES, f), 'utf8'), kind: 'efatura' as const }));
    const inline = await createValidator({ workers: 0 });
    const pooled = await createValidator({ workers: 1 });
    try {
      expect(inline.workers).toBe(0);
      expect(pooled.workers).toBe(1);
      const a = await inline.validateMany(docs);
      const b = await pooled.validateMany(docs);
      expect(a.map((r) => r.issues)).toEqual(b.map((r) => r.issues));
      expect(a.map((r) => r.valid)).toEqual([true, false, false]);
    } finally {
      await inline.close();
      await pooled.close();
    }
    expect(await engineError(inline.validate(docs[0]!.xml, 'efatura'))).toBe('VALIDATION_ENGINE_FAILED');
    expect(await engineError(pooled.validate(docs[0]!.xml, 'efatura'))).toBe('VALIDATION_ENGINE_FAILED');
  }, 120_000);
});

describe('the schematron engines', () => {
  const sample = (f: string) => fs.readFileSync(path.join(SAMPLES, f), 'utf8');
  const withoutTimings = (r: { valid: boolean; issues: unknown[] }) => ({ valid: r.valid, issues: r.issues });

  it('production runs the compiled checks; SaxonJS gives the same results and stays available as the reference', async () => {
    const files = ['TicariFaturaOrnegi.xml', 'TemelFaturaOrnegi.xml', 'HASTANE.xml', 'IrsaliyeYaniti-Ornek1.xml', 'KabulUygulamaYanitiOrnegi.xml'];
    const docs = files.map((f) => ({ xml: sample(f), kind: 'efatura' as const }));
    const compiled = await createValidator({ workers: 1 });
    const saxon = await createValidator({ workers: 1, schematronEngine: 'saxon' });
    try {
      expect(compiled.schematronEngine).toBe('compiled');
      expect(compiled.sef).toBeNull(); // SaxonJS and its SEF are not loaded until a document needs them
      expect(saxon.schematronEngine).toBe('saxon');
      expect(saxon.sef?.sefPath).toMatch(/\.sef\.json$/);
      const a = await compiled.validateMany(docs);
      const b = await saxon.validateMany(docs);
      expect(a.map(withoutTimings)).toEqual(b.map(withoutTimings));
      expect(a.filter((r) => !r.valid).length).toBeGreaterThanOrEqual(2);
      expect(compiled.referenceRuns).toBe(0);
    } finally {
      await compiled.close();
      await saxon.close();
    }
  }, 180_000);

  it('a document the compiled checks cannot judge goes to the reference engine, started on demand and stopped when idle', async () => {
    const v = await createValidator({ workers: 1, referenceIdleMs: 200 });
    try {
      // GİB's despatch sample with two drivers: XPTY0004 in GİB's rules; the compiled checks stop and hand it over.
      const r = await v.validate(sample('Irsaliye-Ornek2.xml'), 'efatura');
      expect(r.issues).toContainEqual({ source: 'schematron', rule: 'SCHEMATRON_RUNTIME_ERROR', message: expect.stringContaining('XPTY0004') });
      expect(v.referenceRuns).toBe(1);
      expect(v.sef?.origin).toMatch(/cached|compiled/);
      const ok = await v.validate(sample('TicariFaturaOrnegi.xml'), 'efatura');
      expect(ok.valid).toBe(true);
      expect(v.referenceRuns).toBe(1);
      await new Promise((res) => setTimeout(res, 600));
      // After the idle time the reference worker is gone; the next hand-over starts it again.
      const again = await v.validate(sample('Irsaliye-Ornek2.xml'), 'efatura');
      expect(again.issues).toEqual(r.issues);
      expect(v.referenceRuns).toBe(2);
    } finally {
      await v.close();
    }
  }, 180_000);

  it('a GİB package whose schematron differs from the compiled one is validated by SaxonJS; asking for the compiled checks then fails', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => logger);
    const pkg = path.join(tmp, 'other-release');
    fs.mkdirSync(path.join(pkg, 'e-FaturaPaketi', 'schematron'), { recursive: true });
    fs.symlinkSync(path.join(GIB.root, 'UBL-TR1.2.1_Paketi'), path.join(pkg, 'UBL-TR1.2.1_Paketi'));
    fs.symlinkSync(path.join(GIB.root, 'compiled'), path.join(pkg, 'compiled'));
    for (const f of fs.readdirSync(path.join(GIB.root, 'e-FaturaPaketi', 'schematron'))) {
      fs.copyFileSync(path.join(GIB.root, 'e-FaturaPaketi', 'schematron', f), path.join(pkg, 'e-FaturaPaketi', 'schematron', f));
    }
    const main = path.join(pkg, 'e-FaturaPaketi', 'schematron', 'UBL-TR_Main_Schematron.xml');
    fs.appendFileSync(main, '\n<!-- a later release -->\n');
    const v = await createValidator({ gibPackage: pkg, workers: 0 });
    try {
      expect(v.schematronEngine).toBe('saxon');
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('schematron other than the compiled checks'), expect.objectContaining({ gibPackage: pkg }));
      expect((await v.validate(sample('TemelFaturaOrnegi.xml'), 'efatura')).issues).toContainEqual(expect.objectContaining({ rule: 'InvoiceIDCheck' }));
    } finally {
      await v.close();
    }
    expect(await engineError(createValidator({ gibPackage: pkg, workers: 0, schematronEngine: 'compiled' }))).toBe('VALIDATION_ENGINE_FAILED');
  }, 180_000);
});
