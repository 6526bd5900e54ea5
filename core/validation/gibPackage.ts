/**
 * Where GİB's official UBL-TR package (XSD tree + compiled schematron) lives on this machine.
 * The files are GİB's, kept unchanged outside the project (`../shared/reference/gib` in development, the packaged
 * app's `resources/gib`); Konnektör never copies them into its own tree and never validates without them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KonnektorError } from '../errors';
import { logger } from '../logging';

/** The files inside a GİB package folder, relative to it. */
export const GIB_FILES = {
  /** UBL-TR 1.2.1 Invoice schema; its imports resolve to `../common/`. */
  invoiceXsd: 'UBL-TR1.2.1_Paketi/xsdrt/maindoc/UBL-Invoice-2.1.xsd',
  /** The whole XSD tree (maindoc + common). */
  xsdRoot: 'UBL-TR1.2.1_Paketi/xsdrt',
  /** GİB's schematron precompiled to XSLT 2.0 (stylesheet parameter `type` = efatura | earchive). */
  schematronXslt: 'compiled/UBL-TR_Main_Schematron.xslt',
  /** The schematron's release history; the newest date names the release. */
  schematronHistory: 'e-FaturaPaketi/schematron/History.txt',
  /** The schematron sources, used to name the rule behind each failed assert. */
  schematronSources: [
    'e-FaturaPaketi/schematron/UBL-TR_Main_Schematron.xml',
    'e-FaturaPaketi/schematron/UBL-TR_Common_Schematron.xml',
    'e-FaturaPaketi/schematron/UBL-TR_Codelist.xml',
  ],
} as const;

/** Files a folder must hold to count as a GİB package (validation cannot run without them). */
const REQUIRED = [GIB_FILES.invoiceXsd, GIB_FILES.schematronXslt] as const;

export interface GibPackagePaths {
  root: string;
  invoiceXsd: string;
  xsdRoot: string;
  schematronXslt: string;
  schematronHistory: string;
  schematronSources: string[];
}

export function gibPackagePaths(root: string): GibPackagePaths {
  const at = (rel: string): string => path.join(root, ...rel.split('/'));
  return {
    root,
    invoiceXsd: at(GIB_FILES.invoiceXsd),
    xsdRoot: at(GIB_FILES.xsdRoot),
    schematronXslt: at(GIB_FILES.schematronXslt),
    schematronHistory: at(GIB_FILES.schematronHistory),
    schematronSources: GIB_FILES.schematronSources.map(at),
  };
}

/** The project root: the nearest folder above this module that holds package.json. */
export function projectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

/** Where to look, in order. Overridable for tests and embedding; defaults to this process's environment. */
export interface GibSearchContext {
  env?: Record<string, string | undefined>;
  /**
   * Konnektör's data folder, where `konnektor gib install` puts GİB's packages (`<data>/gib`). Default:
   * KONNEKTOR_HOME, or ~/.konnektor for this process's own environment.
   */
  dataDir?: string | undefined;
  /** Electron's `process.resourcesPath` in a packaged app. */
  resourcesPath?: string | undefined;
  /** The folder holding package.json; the default package is `../shared/reference/gib` next to it. */
  projectRoot?: string;
}

interface Candidate {
  source: 'data folder' | 'explicit' | 'env KONNEKTOR_GIB_PACKAGE' | 'app resources' | 'default';
  dir: string;
}

/** Where `konnektor gib install` installs GİB's packages inside a data folder. */
export function installedGibDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'gib');
}

function dataDirOf(ctx: GibSearchContext): string | undefined {
  if ('dataDir' in ctx) return ctx.dataDir;
  const env = ctx.env ?? process.env;
  if (env.KONNEKTOR_HOME) return env.KONNEKTOR_HOME;
  return env === process.env ? path.join(os.homedir(), '.konnektor') : undefined;
}

function candidates(explicit: string | undefined, ctx: GibSearchContext): Candidate[] {
  const env = ctx.env ?? process.env;
  const resourcesPath = 'resourcesPath' in ctx ? ctx.resourcesPath : (process as { resourcesPath?: string }).resourcesPath;
  const out: Candidate[] = [];
  const data = dataDirOf(ctx);
  if (data) out.push({ source: 'data folder', dir: installedGibDir(data) });
  if (explicit) out.push({ source: 'explicit', dir: path.resolve(explicit) });
  if (env.KONNEKTOR_GIB_PACKAGE) out.push({ source: 'env KONNEKTOR_GIB_PACKAGE', dir: path.resolve(env.KONNEKTOR_GIB_PACKAGE) });
  if (resourcesPath) out.push({ source: 'app resources', dir: path.join(resourcesPath, 'gib') });
  let root: string | undefined = ctx.projectRoot;
  if (!root) {
    try {
      root = projectRoot();
    } catch {
      root = undefined;
    }
  }
  if (root) out.push({ source: 'default', dir: path.resolve(root, '..', 'shared', 'reference', 'gib') });
  return out;
}

/** The first required file missing from `dir`, or null when the folder is a complete GİB package. */
function missingFile(dir: string): string | null {
  if (!fs.existsSync(dir)) return '(folder does not exist)';
  for (const rel of REQUIRED) {
    const p = path.join(dir, ...rel.split('/'));
    if (!fs.existsSync(p) || !fs.statSync(p).isFile()) return rel;
  }
  return null;
}

/**
 * The folder holding GİB's package: the one `konnektor gib install` put in the data folder, the configured one
 * (the explicit setting, env `KONNEKTOR_GIB_PACKAGE`), the packaged app's `resources/gib`, then
 * `../shared/reference/gib` next to the project root (development); the first complete one wins. An incomplete
 * folder that is passed over is logged. None complete → GIB_PACKAGE_MISSING, naming the command that installs it.
 */
export function locateGibPackage(explicit?: string, ctx: GibSearchContext = {}): string {
  const tried: { source: string; dir: string; missing: string }[] = [];
  for (const c of candidates(explicit, ctx)) {
    const missing = missingFile(c.dir);
    if (missing === null) {
      if (tried.length > 0) logger.warn('GİB package: passed over incomplete folders', { tried, using: c.dir });
      return c.dir;
    }
    // Nothing installed in the data folder is the usual case, not worth a warning.
    if (c.source === 'data folder' && !fs.existsSync(c.dir)) continue;
    tried.push({ source: c.source, dir: c.dir, missing });
  }
  const list = tried.map((t) => `${t.source}: ${t.dir} (missing ${t.missing})`).join('; ');
  throw new KonnektorError('GIB_PACKAGE_MISSING', `GİB package not found; install it with \`konnektor gib install\`. Tried ${list || 'no places (nothing configured)'}`, {
    tried,
    required: [...REQUIRED],
  });
}

/**
 * The schematron release (the newest `YYYYMMDD` entry of `History.txt`, e.g. `20260312`), or `unknown` when the
 * package carries no history. The file is ISO-8859-9 text; the dates are ASCII.
 */
export function readSchematronRelease(root: string): string {
  const file = gibPackagePaths(root).schematronHistory;
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    logger.warn('GİB package has no schematron History.txt; release unknown', { file });
    return 'unknown';
  }
  const dates = [...text.matchAll(/^\s*(\d{8})\s*$/gm)].map((m) => m[1]!).sort();
  return dates.at(-1) ?? 'unknown';
}
