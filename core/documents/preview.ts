/**
 * The invoice's human view: the XSLT a UBL-TR invoice embeds (cac:AdditionalDocumentReference, DocumentType XSLT),
 * or Konnektör's own `konnektor-fatura.xslt`, run in-process with SaxonJS and returned as an HTML string.
 *
 * Compiling a stylesheet is the expensive part (GİB's 214 KB general.xslt: ~5–7 s; ours: ~1–2 s on 2 cores), running
 * a compiled one is cheap (ours ~10–60 ms, general.xslt ~70–250 ms). Compiled stylesheets (SaxonJS SEF) are therefore cached by the SHA-256 of their
 * text: in memory (a few, least recently used) and on disk under `<cache>/invoice-views/` (KONNEKTOR_CACHE or
 * ~/.konnektor/cache), so the CLI, which starts a new process per call, compiles a stylesheet only once.
 *
 * SaxonJS 2.7 has no public "compile this XSLT text" call in Node: `fn:transform(map{'stylesheet-text': …})`
 * compiles on every call and returns no reusable result, and the `xslt3` package is only a command line. We make the
 * same calls `xslt3 -export` makes (its `compileXSLT`): run SaxonJS's bundled XSLT compiler (`getPlatform()
 * .resource('compiler')`, initial mode `compile-complete`) with `internalTransform`, turn the SEF tree into JSON with
 * `XPath.sefToJSON`, and stamp the checksum SaxonJS verifies. These are internals of the pinned saxon-js 2.7.0;
 * `assertSaxonCompilerAvailable()` fails loudly (and a unit test with it) if an upgrade moves them.
 *
 * Embedded stylesheets are foreign code: SaxonJS lets a stylesheet read local files (doc(), unparsed-text(),
 * xsl:source-document…), write files (xsl:result-document) and run JavaScript in this process (ixsl:eval, ixsl:call,
 * the globalJS namespace). Every stylesheet is checked before it is compiled (no xsl:import/include) and after
 * (the compiled tree must not call any of those); one that does is refused, never run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { type ErrorCode, KonnektorError } from '../errors';
import { logger } from '../logging';
import { defaultCacheDir } from '../validation/sefCache';
import { NS } from './ubl/namespaces';

const require = createRequire(import.meta.url);

/** Our default view stylesheet (XSLT 1.0); the builder embeds it into every invoice. */
export const DEFAULT_INVOICE_XSLT_PATH = fileURLToPath(new URL('./ubl/stylesheets/konnektor-fatura.xslt', import.meta.url));

/** The error code for a view stylesheet that is refused, does not compile or fails while running. */
const VIEW_FAILED: ErrorCode = 'INVOICE_VIEW_FAILED';

const XSL_NS = 'http://www.w3.org/1999/XSL/Transform';
const IXSL_NS = 'http://saxonica.com/ns/interactiveXSLT';
const GLOBAL_JS_NS = 'http://saxonica.com/ns/globalJS';
const FN_NS = 'http://www.w3.org/2005/xpath-functions';
const SAXON_NS = 'http://saxon.sf.net/';

export type ViewStylesheetSource = 'embedded' | 'fallback' | 'default';

export interface RenderInvoiceOptions {
  /** Used when the invoice embeds no stylesheet; defaults to Konnektör's `konnektor-fatura.xslt`. */
  fallbackXslt?: string;
  /** false: ignore the embedded stylesheet and use the fallback/default one (e.g. after the embedded one was refused). */
  useEmbedded?: boolean;
  /** Folder for compiled stylesheets; false keeps them in memory only. Default: KONNEKTOR_CACHE or ~/.konnektor/cache. */
  cacheDir?: string | false;
}

export interface InvoicePreview {
  html: string;
  /** Which stylesheet rendered it. */
  stylesheet: ViewStylesheetSource;
  /** SHA-256 (hex) of the stylesheet text: the cache key. */
  sha256: string;
  /** Where the compiled stylesheet came from. */
  cache: 'memory' | 'disk' | 'compiled';
  /** Time to obtain the compiled stylesheet (compile, disk read or memory hit) and to run it. */
  compileMs: number;
  transformMs: number;
  /** xsl:message output of the stylesheet, if any. */
  messages: string[];
}

export interface PreviewCacheStats {
  /** Stylesheets compiled by this process. */
  compiles: number;
  /** Compiled stylesheets read from the disk cache. */
  diskHits: number;
  /** Renders that reused a stylesheet compiled (or read) earlier in this process. */
  memoryHits: number;
  /** Transformations run. */
  transforms: number;
}

/** Renders the invoice as HTML with its embedded view stylesheet, or with ours when it embeds none. */
export async function renderInvoiceHtml(xml: string, options: RenderInvoiceOptions = {}): Promise<string> {
  return (await renderInvoicePreview(xml, options)).html;
}

/** As renderInvoiceHtml, with what was used and how long it took (for the CLI and the UI). */
export async function renderInvoicePreview(xml: string, options: RenderInvoiceOptions = {}): Promise<InvoicePreview> {
  const text = stripBom(xml);
  const invoice = parseXml(text);
  const embedded = options.useEmbedded === false ? undefined : embeddedXsltOf(invoice);
  const [stylesheet, xslt]: [ViewStylesheetSource, string] =
    embedded !== undefined
      ? ['embedded', embedded]
      : options.fallbackXslt !== undefined
        ? ['fallback', options.fallbackXslt]
        : ['default', readDefaultInvoiceXslt()];
  const xsltText = stripBom(xslt);

  const t0 = performance.now();
  const { view, cache } = await compiledView(xsltText, stylesheet, options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir);
  const t1 = performance.now();
  const { html, messages } = runView(view, text, stylesheet);
  const t2 = performance.now();
  return { html, stylesheet, sha256: view.sha256, cache, compileMs: t1 - t0, transformMs: t2 - t1, messages };
}

/** The embedded view stylesheet's text, or undefined when the invoice carries none (or an empty one). */
export function extractEmbeddedXslt(xml: string): string | undefined {
  return embeddedXsltOf(parseXml(stripBom(xml)));
}

let defaultXslt: string | undefined;

/** The text of `konnektor-fatura.xslt`. */
export function readDefaultInvoiceXslt(): string {
  if (defaultXslt === undefined) {
    try {
      defaultXslt = fs.readFileSync(DEFAULT_INVOICE_XSLT_PATH, 'utf8');
    } catch (e) {
      throw new KonnektorError('FILE_NOT_FOUND', `the default invoice view stylesheet is missing: ${DEFAULT_INVOICE_XSLT_PATH}`, { file: DEFAULT_INVOICE_XSLT_PATH }, { cause: e });
    }
  }
  return defaultXslt;
}

const stats: PreviewCacheStats = { compiles: 0, diskHits: 0, memoryHits: 0, transforms: 0 };

/** Counters since the process started (or the last clearPreviewCache); tests use them to see the cache at work. */
export function previewCacheStats(): Readonly<PreviewCacheStats> {
  return { ...stats };
}

/** Forgets the compiled stylesheets held in memory (not the disk cache) and zeroes the counters. */
export function clearPreviewCache(): void {
  memory.clear();
  stats.compiles = stats.diskHits = stats.memoryHits = stats.transforms = 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Input parsing and extraction

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Strict parse (xmldom): anything beyond a warning counts as not well-formed. */
function strictParse(text: string): Document | { reason: string; cause: unknown } {
  let reason: string | undefined;
  try {
    return new DOMParser({
      onError: (level, msg) => {
        if (level === 'warning') return;
        reason ??= msg.split('\n')[0];
        throw new Error(msg);
      },
    }).parseFromString(text, 'application/xml');
  } catch (e) {
    return { reason: reason ?? (e instanceof Error ? e.message : String(e)).split('\n')[0]!, cause: e };
  }
}

function parseXml(text: string): Document {
  const parsed = strictParse(text);
  if ('reason' in parsed) {
    throw new KonnektorError('XML_NOT_WELL_FORMED', `the invoice is not well-formed XML: ${parsed.reason}`, { reason: parsed.reason }, { cause: parsed.cause });
  }
  return parsed;
}

function childElements(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  }
  return out;
}

function embeddedXsltOf(doc: Document): string | undefined {
  const root = doc.documentElement;
  if (!root) return undefined;
  for (const ref of childElements(root, NS.cac, 'AdditionalDocumentReference')) {
    const type = childElements(ref, NS.cbc, 'DocumentType')[0]?.textContent?.trim().toUpperCase();
    const attachment = childElements(ref, NS.cac, 'Attachment')[0];
    const object = attachment && childElements(attachment, NS.cbc, 'EmbeddedDocumentBinaryObject')[0];
    if (!object) continue;
    const filename = object.getAttribute('filename') ?? '';
    if (type !== 'XSLT' && !/\.xslt?$/i.test(filename.trim())) continue;
    const text = decodeAttachment(object.textContent ?? '', object.getAttribute('characterSetCode'));
    if (text !== undefined && text.trim() !== '') return text;
  }
  return undefined;
}

/** Base64 → text: UTF-8 unless a BOM or characterSetCode says otherwise; undefined when it is not base64. */
function decodeAttachment(base64: string, charset: string | null): string | undefined {
  const compact = base64.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else if (charset && !/^utf-?8$/i.test(charset.trim())) encoding = charset.trim();
  try {
    return stripBom(new TextDecoder(encoding).decode(bytes));
  } catch {
    return stripBom(new TextDecoder('utf-8').decode(bytes));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SaxonJS: compile, cache, run

/** A node of SaxonJS's exported stylesheet tree (SEF): N = kind, C = children, other keys are attributes. */
interface SefNode {
  N: string;
  C?: SefNode[];
  name?: string;
  [key: string]: unknown;
}

interface SaxonDocument {
  firstChild: unknown;
  _saxonBaseUri?: string;
}

/** The part of the saxon-js 2.7 API this module uses (the package ships no type declarations). */
interface SaxonJs {
  transform(options: Record<string, unknown>, mode: 'sync'): { principalResult: unknown };
  getPlatform(): { resource(name: string): SefNode | undefined; parseXmlFromString(text: string): SaxonDocument };
  checkOptions(options: Record<string, unknown>): { resultPromise: Promise<{ principalResult: unknown }> };
  internalTransform(sef: SefNode, source: SaxonDocument, options: unknown): void;
  XdmMap: new () => { inSituPut(key: unknown, value: unknown[]): void };
  XS: { QName: { fromParts(prefix: string, uri: string, local: string): unknown } };
  XPath: { sefToJSON(node: unknown, relocatable: boolean): SefNode };
}

let saxonModule: SaxonJs | undefined;
let compilerReady = false;

function saxon(): SaxonJs {
  saxonModule ??= require('saxon-js') as SaxonJs;
  return saxonModule;
}

function saxonVersion(): string {
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
    typeof s.XdmMap === 'function';
  if (!ok) {
    throw new KonnektorError(VIEW_FAILED, `saxon-js ${saxonVersion()} does not expose the XSLT compiler this module uses (written for 2.7)`, {
      saxonJs: saxonVersion(),
    });
  }
}

interface CompiledView {
  sha256: string;
  sef: SefNode;
}

const MEMORY_LIMIT = 12;
const memory = new Map<string, Promise<CompiledView>>();

async function compiledView(
  xslt: string,
  source: ViewStylesheetSource,
  cacheDir: string | false,
): Promise<{ view: CompiledView; cache: InvoicePreview['cache'] }> {
  const sha256 = crypto.createHash('sha256').update(xslt, 'utf8').digest('hex');
  const held = memory.get(sha256);
  if (held) {
    memory.delete(sha256); // most recently used goes last
    memory.set(sha256, held);
    stats.memoryHits++;
    return { view: await held, cache: 'memory' };
  }
  let cache: InvoicePreview['cache'] = 'compiled';
  const pending = (async (): Promise<CompiledView> => {
    const file = cacheDir === false ? undefined : path.join(cacheDir, 'invoice-views', `${sha256}-saxon-js-${saxonVersion()}.sef.json`);
    const fromDisk = file ? readCachedSef(file, sha256, source) : undefined;
    if (fromDisk) {
      stats.diskHits++;
      cache = 'disk';
      return { sha256, sef: fromDisk };
    }
    const { sef, json } = await compileXslt(xslt, source, sha256);
    stats.compiles++;
    if (file) writeCachedSef(file, json);
    return { sha256, sef };
  })();
  memory.set(sha256, pending);
  while (memory.size > MEMORY_LIMIT) memory.delete(memory.keys().next().value as string);
  try {
    return { view: await pending, cache };
  } catch (e) {
    memory.delete(sha256);
    throw e;
  }
}

function readCachedSef(file: string, sha256: string, source: ViewStylesheetSource): SefNode | undefined {
  let sef: SefNode;
  try {
    sef = JSON.parse(fs.readFileSync(file, 'utf8')) as SefNode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('ignoring an unreadable compiled view stylesheet', { file, error: String(e) });
    return undefined;
  }
  if (sef?.N !== 'package' || sef[SIGMA] !== sefChecksum(sef)) {
    logger.warn('removing a damaged compiled view stylesheet from the cache', { file });
    fs.rmSync(file, { force: true });
    return undefined;
  }
  assertSafeSef(sef, source, sha256); // the cache folder is not trusted more than the invoice
  return sef;
}

function writeCachedSef(file: string, json: string): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, json);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    logger.warn('could not cache a compiled view stylesheet', { file, error: String(e) });
  }
}

function viewError(stage: 'check' | 'compile' | 'transform', source: ViewStylesheetSource, sha256: string, why: string, extra: Record<string, unknown> = {}, cause?: unknown): KonnektorError {
  const what = source === 'embedded' ? "the invoice's embedded view stylesheet" : source === 'fallback' ? 'the fallback view stylesheet' : 'the default view stylesheet';
  const verb = stage === 'check' ? 'is refused' : stage === 'compile' ? 'does not compile' : 'failed';
  return new KonnektorError(VIEW_FAILED, `${what} ${verb}: ${why}`, { stage, stylesheet: source, sha256, ...extra }, { cause });
}

function saxonErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code.replace(/^Q\{[^}]*\}/, '') : undefined;
}

/** XSLT text → SEF (the calls xslt3 2.7's `compileXSLT` makes), checked before and after for unsafe features. */
async function compileXslt(xslt: string, source: ViewStylesheetSource, sha256: string): Promise<{ sef: SefNode; json: string }> {
  assertSafeXsltSource(xslt, source, sha256);
  assertSaxonCompilerAvailable();
  const s = saxon();
  const platform = s.getPlatform();
  const compiler = platform.resource('compiler') as SefNode;
  if (!compilerReady) {
    addParentPointers(compiler);
    compilerReady = true;
  }
  const t0 = performance.now();
  let sef: SefNode;
  try {
    const doc = platform.parseXmlFromString(xslt);
    doc._saxonBaseUri = `file:///konnektor-view-${sha256.slice(0, 12)}.xslt`;
    const stylesheetParams = new s.XdmMap();
    stylesheetParams.inSituPut(s.XS.QName.fromParts('', '', 'staticParameters'), [new s.XdmMap()]);
    const options = s.checkOptions({
      destination: 'application',
      initialMode: 'compile-complete',
      templateParams: { 'Q{}options': { noXPath: false } },
      stylesheetParams,
      stylesheetInternal: compiler,
      stylesheetText: '',
      async: true,
      deliverMessage: () => undefined,
    });
    s.internalTransform(compiler, doc, options);
    let result = (await options.resultPromise).principalResult;
    if (Array.isArray(result)) result = result[0];
    sef = s.XPath.sefToJSON((result as SaxonDocument).firstChild, false);
  } catch (e) {
    const code = saxonErrorCode(e);
    throw viewError('compile', source, sha256, e instanceof Error ? e.message : String(e), code ? { xsltError: code } : {}, e);
  }
  sef[SIGMA] = sefChecksum(sef);
  const json = JSON.stringify(sef); // before the first run: SaxonJS then adds parent pointers (cycles)
  assertSafeSef(sef, source, sha256);
  logger.info('view stylesheet compiled', { stylesheet: source, sha256, ms: Math.round(performance.now() - t0), sefBytes: json.length });
  return { sef, json };
}

function addParentPointers(node: SefNode): void {
  for (const child of node.C ?? []) {
    (child as SefNode & { parentNode?: SefNode }).parentNode = node;
    addParentPointers(child);
  }
}

/** The key under which a SEF carries its checksum ("Σ"). */
const SIGMA = String.fromCharCode(931);

/** SaxonJS 2.7's SEF checksum (the algorithm it verifies on load; xslt3 stamps the same). */
function sefChecksum(sef: SefNode): string {
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

/** XSLT elements that make the compiler or the run reach outside the invoice. */
const REFUSED_XSL_ELEMENTS = new Set(['import', 'include', 'import-schema', 'use-package', 'result-document', 'evaluate', 'source-document', 'merge-source']);

function assertSafeXsltSource(xslt: string, source: ViewStylesheetSource, sha256: string): void {
  const doc = strictParse(stripBom(xslt));
  if ('reason' in doc) throw viewError('compile', source, sha256, `not well-formed XML (${doc.reason})`, {}, doc.cause);
  const root = doc.documentElement;
  const isXslt = root && (root.namespaceURI === XSL_NS ? ['stylesheet', 'transform', 'package'].includes(root.localName ?? '') : root.hasAttributeNS(XSL_NS, 'version'));
  if (!root || !isXslt) throw viewError('compile', source, sha256, 'not an XSLT stylesheet');
  const refused = new Set<string>();
  const all = doc.getElementsByTagNameNS('*', '*');
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i)!;
    if (el.namespaceURI === XSL_NS && REFUSED_XSL_ELEMENTS.has(el.localName ?? '')) refused.add(`xsl:${el.localName}`);
    if (el.namespaceURI === IXSL_NS) refused.add(`ixsl:${el.localName}`);
  }
  if (refused.size > 0) {
    throw viewError('check', source, sha256, `it uses ${[...refused].join(', ')}, which reach outside the invoice`, { refused: [...refused] });
  }
}

/** Functions that read files or URLs, look up functions dynamically, run a nested transformation or read the environment. */
const REFUSED_FUNCTIONS = new Set([
  'doc',
  'document',
  'doc-available',
  'collection',
  'uri-collection',
  'unparsed-text',
  'unparsed-text-lines',
  'unparsed-text-available',
  'json-doc',
  'environment-variable',
  'available-environment-variables',
  'transform',
  'function-lookup',
  'load-xquery-module',
]);
/** SaxonJS's own extensions that compile or parse XPath at run time (they serve its XSLT compiler). */
const REFUSED_SAXON_FUNCTIONS = new Set(['compile-XPath', 'compile-GlobalContext', 'parse-XPath']);
const REFUSED_NODES = new Set(['resultDoc', 'evaluate', 'mergeSrc']);

/** Walks the compiled tree: the safety net behind assertSafeXsltSource (covers anything the compiler expands). */
function assertSafeSef(sef: SefNode, source: ViewStylesheetSource, sha256: string): void {
  const refused = new Set<string>();
  const visit = (node: SefNode): void => {
    if (REFUSED_NODES.has(node.N)) refused.add(node.N);
    if (typeof node.name === 'string') {
      const m = /^Q\{([^}]*)\}(.*)$/.exec(node.name);
      const [ns, local] = m ? [m[1]!, m[2]!] : [node.N === 'fn' ? FN_NS : '', node.name];
      if (ns === FN_NS && REFUSED_FUNCTIONS.has(local) && (node.N === 'fn' || node.N === 'fnRef' || node.N === 'ifCall')) refused.add(`${local}()`);
      if (ns === SAXON_NS && REFUSED_SAXON_FUNCTIONS.has(local)) refused.add(`saxon:${local}()`);
      if (ns === IXSL_NS || ns === GLOBAL_JS_NS) refused.add(`${ns === IXSL_NS ? 'ixsl' : 'js'}:${local}`);
    }
    node.C?.forEach(visit);
  };
  visit(sef);
  if (refused.size > 0) {
    throw viewError('check', source, sha256, `it uses ${[...refused].join(', ')}, which reach outside the invoice`, { refused: [...refused] });
  }
}

function runView(view: CompiledView, xml: string, source: ViewStylesheetSource): { html: string; messages: string[] } {
  const s = saxon();
  let doc: SaxonDocument;
  try {
    doc = s.getPlatform().parseXmlFromString(xml);
  } catch (e) {
    // xmldom accepted it, SaxonJS's parser did not (e.g. a DTD with entity declarations)
    throw new KonnektorError('XML_NOT_WELL_FORMED', `the invoice cannot be parsed: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  }
  const messages: string[] = [];
  try {
    stats.transforms++;
    const result = s.transform(
      {
        stylesheetInternal: view.sef,
        sourceNode: doc,
        destination: 'serialized',
        // GİB's general.xslt asks for HTML 4.0, which SaxonJS does not serialize; the markup is the same.
        outputProperties: { 'html-version': 5 },
        deliverMessage: (message: unknown) => {
          if (messages.length < 50) messages.push(String((message as { textContent?: unknown })?.textContent ?? message));
        },
      },
      'sync',
    );
    return { html: String(result.principalResult ?? ''), messages };
  } catch (e) {
    const code = saxonErrorCode(e);
    throw viewError('transform', source, view.sha256, e instanceof Error ? e.message : String(e), code ? { xsltError: code, messages } : { messages }, e);
  }
}
