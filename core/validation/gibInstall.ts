/**
 * `konnektor gib install`: puts GİB's official packages into Konnektör's data folder (`<data>/gib`), so a machine
 * without the development layout validates with GİB's own files. The sources are GİB's published zips — the
 * UBL-TR package (XSD tree and samples) and the e-Fatura package (schematron, envelope schemas) — downloaded from
 * GİB or given as files; an e-Defter schematron zip may be added. Each zip's SHA-256 is reported so it can be
 * compared with the published one. GİB ships the schematron as .sch sources only: the XSLT the validator runs is
 * compiled here from them (ublTrSchematron.ts). The new package replaces the old one only once it is complete.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { KonnektorError } from '../errors';
import { GIB_FILES, installedGibDir, readSchematronRelease } from './gibPackage';
import { compileUblTrSchematron } from './ublTrSchematron';

/** GİB's published packages (ebelge.gib.gov.tr, "Kılavuzlar"). */
export const GIB_PACKAGE_URLS = [
  'https://ebelge.gib.gov.tr/dosyalar/kilavuzlar/UBL-TR1.2.1_Paketi.zip',
  'https://ebelge.gib.gov.tr/dosyalar/kilavuzlar/e-FaturaPaketi.zip',
] as const;

export type GibPackageKind = 'UBL-TR' | 'e-Fatura' | 'e-Defter';

/** Each kind of package: the file that identifies it inside a zip, and the folder it goes to in the package tree. */
const KINDS: { kind: GibPackageKind; marker: RegExp; folder: string }[] = [
  // …/xsdrt/maindoc/UBL-Invoice-2.1.xsd: the folder holding `xsdrt` becomes UBL-TR1.2.1_Paketi/.
  { kind: 'UBL-TR', marker: /(^|\/)xsdrt\/maindoc\/UBL-Invoice-2\.1\.xsd$/, folder: 'UBL-TR1.2.1_Paketi' },
  // …/schematron/UBL-TR_Main_Schematron.xml: the folder holding `schematron` becomes e-FaturaPaketi/.
  { kind: 'e-Fatura', marker: /(^|\/)schematron\/UBL-TR_Main_Schematron\.xml$/, folder: 'e-FaturaPaketi' },
  // …/schematron/edefter_yevmiye.sch: the folder holding `schematron` becomes e-Defter/.
  { kind: 'e-Defter', marker: /(^|\/)schematron\/edefter_yevmiye\.sch$/, folder: 'e-Defter' },
];

export interface InstalledSource {
  source: string;
  sha256: string;
  bytes: number;
  kinds: GibPackageKind[];
  files: number;
}

export interface GibInstallResult {
  dir: string;
  /** The schematron release (History.txt) now in use. */
  release: string;
  sources: InstalledSource[];
}

export interface GibInstallOptions {
  /** Files or https URLs of GİB's zips; default GİB's published UBL-TR and e-Fatura packages. */
  sources?: readonly string[];
  /** Konnektör's data folder. */
  dataDir: string;
  /** Downloads (tests and offline machines swap it). */
  fetch?: typeof fetch;
}

async function read(source: string, doFetch: typeof fetch): Promise<Buffer> {
  if (/^https?:\/\//i.test(source)) {
    if (!/^https:\/\//i.test(source)) throw new KonnektorError('GIB_PACKAGE_DOWNLOAD_FAILED', `Refusing a plain http:// download: ${source}`, { value: source });
    let res: Response;
    try {
      res = await doFetch(source);
    } catch (e) {
      throw new KonnektorError('GIB_PACKAGE_DOWNLOAD_FAILED', `Download of ${source} failed: ${(e as Error).message}`, { value: source }, { cause: e });
    }
    if (!res.ok) throw new KonnektorError('GIB_PACKAGE_DOWNLOAD_FAILED', `Download of ${source} answered HTTP ${res.status}`, { value: source });
    return Buffer.from(await res.arrayBuffer());
  }
  try {
    return fs.readFileSync(source);
  } catch (e) {
    throw new KonnektorError('FILE_NOT_FOUND', `Cannot read ${source}: ${(e as Error).message}`, { value: source }, { cause: e });
  }
}

/** A zip entry's path inside the package folder, or undefined for anything that would leave it. */
function safeRelative(name: string): string | undefined {
  const parts = name.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..') || /^[a-zA-Z]:/.test(parts[0]!)) return undefined;
  return parts.join('/');
}

/** Unpacks one zip into `staging`, each package it holds into its own folder; returns which kinds it held. */
function unpack(zip: Buffer, source: string, staging: string): { kinds: GibPackageKind[]; files: number } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip));
  } catch (e) {
    throw new KonnektorError('GIB_PACKAGE_INVALID', `${source} is not a zip file: ${(e as Error).message}`, { value: source }, { cause: e });
  }
  const names = Object.keys(entries).map((n) => n.replace(/\\/g, '/'));
  const kinds: GibPackageKind[] = [];
  let files = 0;
  for (const k of KINDS) {
    const marker = names.find((n) => k.marker.test(n));
    if (!marker) continue;
    kinds.push(k.kind);
    // Everything under the folder that holds the marker's top part (xsdrt/ or schematron/) belongs to the package.
    const base = marker.replace(k.marker, '$1').replace(/\/$/, '');
    const prefix = base === '' ? '' : `${base}/`;
    for (const [raw, data] of Object.entries(entries)) {
      const name = raw.replace(/\\/g, '/');
      if (!name.startsWith(prefix) || name.endsWith('/')) continue;
      const rel = safeRelative(name.slice(prefix.length));
      if (!rel) throw new KonnektorError('GIB_PACKAGE_INVALID', `${source} holds a path outside the package: ${name}`, { value: name });
      const out = path.join(staging, k.folder, ...rel.split('/'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, data);
      files++;
    }
  }
  if (kinds.length === 0) throw new KonnektorError('GIB_PACKAGE_INVALID', `${source} holds neither GİB's UBL-TR nor its e-Fatura package`, { value: source });
  return { kinds, files };
}

/**
 * Installs GİB's packages into `<dataDir>/gib`. The UBL-TR and e-Fatura packages are both required (from one or
 * several zips); the schematron is compiled to XSLT; the folder is swapped in only when all of it is there.
 */
export async function installGibPackage(options: GibInstallOptions): Promise<GibInstallResult> {
  const sources = options.sources && options.sources.length > 0 ? options.sources : GIB_PACKAGE_URLS;
  const target = installedGibDir(options.dataDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(`${target}.new-`);
  try {
    const installed: InstalledSource[] = [];
    for (const source of sources) {
      const zip = await read(source, options.fetch ?? fetch);
      const sha256 = crypto.createHash('sha256').update(zip).digest('hex');
      const { kinds, files } = unpack(zip, source, staging);
      installed.push({ source, sha256, bytes: zip.length, kinds, files });
    }
    const have = new Set(installed.flatMap((s) => s.kinds));
    for (const needed of ['UBL-TR', 'e-Fatura'] as const) {
      if (!have.has(needed)) {
        throw new KonnektorError('GIB_PACKAGE_INVALID', `GİB's ${needed} package is missing from ${sources.join(', ')}`, { value: needed });
      }
    }
    const compiled = path.join(staging, ...GIB_FILES.schematronXslt.split('/'));
    fs.mkdirSync(path.dirname(compiled), { recursive: true });
    fs.writeFileSync(compiled, compileUblTrSchematron(path.join(staging, ...GIB_FILES.schematronSources[0].split('/'))));
    const release = readSchematronRelease(staging);
    fs.writeFileSync(path.join(staging, 'KURULUM.json'), `${JSON.stringify({ installedAt: new Date().toISOString(), release, sources: installed }, null, 2)}\n`);
    // Swap: the old package stays usable until the new one is complete.
    const old = `${target}.old-${process.pid}`;
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(staging, target);
    fs.rmSync(old, { recursive: true, force: true });
    return { dir: target, release, sources: installed };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
