/**
 * What the main thread knows of SaxonJS: the SEF checksum (stamped on a compiled view, verified on one read from
 * the disk cache), the version (part of the cache key) and a check that the installed saxon-js still exposes the
 * compiler internals the view process (viewProcess.mjs) uses.
 */
import { createRequire } from 'node:module';
import { KonnektorError } from '../../errors';

const require = createRequire(import.meta.url);

/** A node of SaxonJS's exported stylesheet tree (SEF): N = kind, C = children, other keys are attributes. */
export interface SefNode {
  N: string;
  C?: SefNode[];
  [key: string]: unknown;
}

/** The part of the saxon-js 2.7 API the view process uses (the package ships no type declarations). */
interface SaxonJs {
  getPlatform(): { resource(name: string): SefNode | undefined } & Record<string, unknown>;
  checkOptions: unknown;
  internalTransform: unknown;
  XdmMap: unknown;
  XPath: { sefToJSON: unknown };
}

let saxonModule: SaxonJs | undefined;

function saxon(): SaxonJs {
  saxonModule ??= require('saxon-js') as SaxonJs;
  return saxonModule;
}

export function saxonVersion(): string {
  return (require('saxon-js/package.json') as { version: string }).version;
}

/** Throws unless the installed saxon-js exposes the compiler internals this module relies on. */
export function assertSaxonCompilerAvailable(): void {
  const s = saxon();
  const platform = typeof s.getPlatform === 'function' ? s.getPlatform() : undefined;
  const compiler = platform && typeof platform.resource === 'function' ? platform.resource('compiler') : undefined;
  const ok =
    compiler?.N === 'package' &&
    typeof s.internalTransform === 'function' &&
    typeof s.checkOptions === 'function' &&
    typeof s.XPath?.sefToJSON === 'function' &&
    typeof s.XdmMap === 'function' &&
    RESOURCE_FUNCTIONS.every((name) => typeof platform?.[name] === 'function');
  if (!ok) {
    throw new KonnektorError('INVOICE_VIEW_FAILED', `saxon-js ${saxonVersion()} does not expose the XSLT compiler this module uses (written for 2.7)`, {
      saxonJs: saxonVersion(),
    });
  }
}

/** SaxonJS's platform functions through which stylesheets reach files and URLs: the view process closes them. */
const RESOURCE_FUNCTIONS = ['readFile', 'writeFileAsync', 'writeFileSync', 'resourcePromise', 'makeHttpRequest'] as const;

/** The key under which a SEF carries its checksum ("Σ"). */
export const SIGMA = String.fromCharCode(931);

/** SaxonJS 2.7's SEF checksum (the algorithm it verifies on load; xslt3 stamps the same). */
export function sefChecksum(sef: SefNode): string {
  const EXPORT_NS = 'http://ns.saxonica.com/xslt/export';
  const hash = (s: string, seed: number): number => {
    let h = seed << 8;
    for (let i = 0; i < s.length; i++) h = (h << 1) + s.charCodeAt(i);
    return h;
  };
  const pair = (a: string, b: string, seed: number): number => hash(a, seed) ^ hash(b, seed);
  let acc = 0;
  let counter = 0;
  const visit = (node: SefNode): void => {
    acc ^= pair(node.N, EXPORT_NS, counter++);
    for (const key of Object.keys(node)) {
      if (key === 'N' || key === 'C' || key === SIGMA || key === 'ELAB' || key === 'PUSH' || key === 'parentNode') continue;
      if (node.N === 'catch' && key === 'test') continue;
      acc ^= pair(key, '', counter);
      acc ^= hash(String(node[key]), counter);
    }
    node.C?.forEach(visit);
    acc ^= 1;
  };
  visit(sef);
  return (acc < 0 ? 4294967295 + acc + 1 : acc).toString(16);
}

