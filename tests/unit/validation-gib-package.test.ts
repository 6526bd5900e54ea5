import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isKonnektorError, type KonnektorError } from '../../core/errors';
import { logger } from '../../core/logging';
import { GIB_FILES, gibPackagePaths, locateGibPackage, projectRoot, readSchematronRelease } from '../../core/validation/gibPackage';

const ROOT = path.resolve(__dirname, '../..');
const SHARED_GIB = path.resolve(ROOT, '..', 'shared', 'reference', 'gib');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-gib-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const quietWarnings = () => vi.spyOn(logger, 'warn').mockImplementation(() => logger);

/** A folder shaped like a GİB package (empty files: locating checks presence only). */
function fakePackage(name: string, files: string[] = [GIB_FILES.invoiceXsd, GIB_FILES.schematronXslt]): string {
  const dir = path.join(tmp, name);
  for (const rel of files) {
    const p = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '');
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function thrown(f: () => unknown): KonnektorError {
  try {
    f();
  } catch (e) {
    if (isKonnektorError(e)) return e;
    throw e;
  }
  throw new Error('expected a KonnektorError');
}

/** No env, no Electron resources, and a project root whose ../shared/reference/gib does not exist. */
const nowhere = { env: {}, resourcesPath: undefined, projectRoot: path.join(tmp, 'no-project') };

describe('locating the GİB package', () => {
  it('finds the project root by its package.json', () => {
    expect(projectRoot()).toBe(ROOT);
  });

  it('defaults to ../shared/reference/gib next to the project root', () => {
    expect(locateGibPackage(undefined, { env: {}, resourcesPath: undefined })).toBe(SHARED_GIB);
    expect(fs.existsSync(gibPackagePaths(SHARED_GIB).invoiceXsd)).toBe(true);
  });

  it('prefers the explicit setting, then env KONNEKTOR_GIB_PACKAGE, then the app resources folder', () => {
    const explicit = fakePackage('explicit');
    const fromEnv = fakePackage('env');
    const resources = path.join(tmp, 'resources');
    const bundled = fakePackage(path.join('resources', 'gib'));
    const env = { KONNEKTOR_GIB_PACKAGE: fromEnv };
    expect(locateGibPackage(explicit, { env, resourcesPath: resources })).toBe(explicit);
    expect(locateGibPackage(undefined, { env, resourcesPath: resources })).toBe(fromEnv);
    expect(locateGibPackage(undefined, { env: {}, resourcesPath: resources })).toBe(bundled);
    expect(locateGibPackage(undefined, { ...nowhere, env })).toBe(fromEnv);
  });

  it('uses the real process environment by default', () => {
    const fromEnv = fakePackage('real-env');
    const before = process.env.KONNEKTOR_GIB_PACKAGE;
    process.env.KONNEKTOR_GIB_PACKAGE = fromEnv;
    try {
      expect(locateGibPackage()).toBe(fromEnv);
    } finally {
      if (before === undefined) delete process.env.KONNEKTOR_GIB_PACKAGE;
      else process.env.KONNEKTOR_GIB_PACKAGE = before;
    }
  });

  it('passes over an incomplete folder to the next complete one, with a warning in the log', () => {
    const warn = quietWarnings();
    const incomplete = fakePackage('incomplete', [GIB_FILES.invoiceXsd]);
    expect(locateGibPackage(incomplete, { env: {}, resourcesPath: undefined })).toBe(SHARED_GIB);
    expect(warn).toHaveBeenCalledWith('GİB package: passed over incomplete folders', {
      tried: [{ source: 'explicit', dir: incomplete, missing: GIB_FILES.schematronXslt }],
      using: SHARED_GIB,
    });
  });

  it('throws GIB_PACKAGE_MISSING listing every place tried and the missing file', () => {
    const noXslt = fakePackage('no-xslt', [GIB_FILES.invoiceXsd]);
    const noXsd = fakePackage('no-xsd', [GIB_FILES.schematronXslt]);
    const e = thrown(() => locateGibPackage(noXslt, { ...nowhere, env: { KONNEKTOR_GIB_PACKAGE: noXsd } }));
    expect(e.code).toBe('GIB_PACKAGE_MISSING');
    expect(e.kind).toBe('internal');
    expect(e.userMessage).toMatch(/GİB şema ve kural paketi/);
    // The message names the command that installs the package.
    expect(e.userMessage).toContain('konnektor gib install');
    expect(e.message).toContain('konnektor gib install');
    expect(e.message).toContain(`explicit: ${noXslt} (missing compiled/UBL-TR_Main_Schematron.xslt)`);
    expect(e.message).toContain(`env KONNEKTOR_GIB_PACKAGE: ${noXsd} (missing UBL-TR1.2.1_Paketi/xsdrt/maindoc/UBL-Invoice-2.1.xsd)`);
    expect(e.message).toContain('default:');
    expect(e.details.tried).toEqual([
      { source: 'explicit', dir: noXslt, missing: GIB_FILES.schematronXslt },
      { source: 'env KONNEKTOR_GIB_PACKAGE', dir: noXsd, missing: GIB_FILES.invoiceXsd },
      { source: 'default', dir: path.join(tmp, 'shared', 'reference', 'gib'), missing: '(folder does not exist)' },
    ]);
  });

  it('looks first in the data folder where `konnektor gib install` puts the package, then the configured one', () => {
    const home = path.join(tmp, 'home');
    const installed = fakePackage(path.join('home', 'gib'));
    const configured = fakePackage('configured');
    expect(locateGibPackage(configured, { env: { KONNEKTOR_HOME: home }, resourcesPath: undefined })).toBe(installed);
    expect(locateGibPackage(configured, { env: { KONNEKTOR_HOME: path.join(tmp, 'empty-home') }, resourcesPath: undefined })).toBe(configured);
    expect(locateGibPackage(undefined, { env: {}, dataDir: home, resourcesPath: undefined })).toBe(installed);
  });

  it('throws GIB_PACKAGE_MISSING for a folder that does not exist', () => {
    const e = thrown(() => locateGibPackage(path.join(tmp, 'nope'), nowhere));
    expect(e.code).toBe('GIB_PACKAGE_MISSING');
    expect(e.message).toContain('(missing (folder does not exist))');
  });
});

describe('schematron release', () => {
  it('is the newest History.txt entry of the shared package', () => {
    expect(readSchematronRelease(SHARED_GIB)).toMatch(/^20\d{6}$/);
  });

  it('takes the newest date wherever it stands, and says unknown without a history', () => {
    const dir = fakePackage('history');
    const history = path.join(dir, ...GIB_FILES.schematronHistory.split('/'));
    fs.mkdirSync(path.dirname(history), { recursive: true });
    fs.writeFileSync(history, Buffer.from('20260312\r\n--------\r\n1) X g\xfcncellendi.\r\n\r\n20170317\r\n----\r\n20251209\r\n', 'latin1'));
    expect(readSchematronRelease(dir)).toBe('20260312');
    quietWarnings();
    expect(readSchematronRelease(fakePackage('no-history'))).toBe('unknown');
  });
});
