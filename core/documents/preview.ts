/**
 * The invoice's human view: the XSLT a UBL-TR invoice embeds (cac:AdditionalDocumentReference, DocumentType XSLT),
 * or Konnektör's own `konnektor-fatura.xslt`, run in-process with SaxonJS and returned as an HTML string.
 *
 * Compiling a stylesheet is the expensive part (GİB's 214 KB general.xslt: ~5–7 s; ours: ~1–2 s on 2 cores), running
 * a compiled one is cheap (ours ~10–60 ms, general.xslt ~70–250 ms). Compiled stylesheets (SaxonJS SEF) are therefore cached by the SHA-256 of their
 * text: in memory (a few, least recently used) and on disk under `<cache>/invoice-views/` (KONNEKTOR_CACHE or
 * ~/.konnektor/cache), so the CLI, which starts a new process per call, compiles a stylesheet only once.
 *
 * Embedded stylesheets are foreign code. Three things keep them inside the invoice (view/):
 * - policy.ts accepts only the XSLT 1.0 instructions and XPath 1.0 expressions views are written with, and functions
 *   that read nothing but the invoice, checked on the parsed stylesheet before anything compiles it; a refused one
 *   is INVOICE_VIEW_REFUSED and nothing of it is compiled or cached;
 * - sandbox.ts compiles and runs stylesheets in a process of their own whose SaxonJS has every resource function
 *   closed (files, URLs, result documents, collections: no resolver answers), with an empty environment, a heap
 *   limit and, where Node has it, a file-system permission to read only its own code;
 * - and a time limit on every compile and render, after which that process is ended.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { type ErrorCode, KonnektorError } from '../errors';
import { logger } from '../logging';
import { defaultCacheDir } from '../validation/sefCache';
import type { DocumentIssue } from './issues';
import { NS } from './ubl/namespaces';
import { checkViewStylesheet } from './view/policy';
import { SIGMA, saxonVersion, sefChecksum, type SefNode } from './view/saxon';
import { DEFAULT_VIEW_LIMITS, ViewLimitExceeded, ViewRunError, ViewSandbox, type ViewLimits } from './view/sandbox';

export { assertSaxonCompilerAvailable } from './view/saxon';
export type { ViewLimits } from './view/sandbox';

/** Our default view stylesheet (XSLT 1.0); the builder embeds it into every invoice. */
export const DEFAULT_INVOICE_XSLT_PATH = fileURLToPath(new URL('./ubl/stylesheets/konnektor-fatura.xslt', import.meta.url));

/** A view stylesheet that does not compile or fails while running (or outlives its limits). */
const VIEW_FAILED: ErrorCode = 'INVOICE_VIEW_FAILED';
/** A view stylesheet that uses something outside what views may use (policy.ts): never compiled. */
const VIEW_REFUSED: ErrorCode = 'INVOICE_VIEW_REFUSED';

export type ViewStylesheetSource = 'embedded' | 'fallback' | 'default';

export interface RenderInvoiceOptions {
  /** Used when the invoice embeds no stylesheet; defaults to Konnektör's `konnektor-fatura.xslt`. */
  fallbackXslt?: string;
  /** false: ignore the embedded stylesheet and use the fallback/default one (e.g. after the embedded one was refused). */
  useEmbedded?: boolean;
  /** Folder for compiled stylesheets; false keeps them in memory only. Default: KONNEKTOR_CACHE or ~/.konnektor/cache. */
  cacheDir?: string | false;
  /** Time and memory limits of the view process (tests lower them). */
  limits?: Partial<ViewLimits>;
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

  const sandbox = sandboxFor(options.limits);
  const t0 = performance.now();
  const { view, cache } = await compiledView(sandbox, xsltText, stylesheet, options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir);
  const t1 = performance.now();
  const { html, messages } = await runView(sandbox, view, text, stylesheet);
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

/** Ends the view processes (they are started again on the next render); for a clean shutdown and for tests. */
export async function closeViewSandboxes(): Promise<void> {
  const all = [...sandboxes.values()];
  sandboxes.clear();
  await Promise.all(all.map((s) => s.close()));
}

/**
 * Why the invoice's embedded view stylesheet would not be shown, as issues of the invoice (`validate` reports
 * them): refused by the policy, or not a stylesheet at all. None when it embeds none or an acceptable one.
 */
export function embeddedViewIssues(xml: string): DocumentIssue[] {
  let xslt: string | undefined;
  try {
    xslt = extractEmbeddedXslt(xml);
  } catch {
    return []; // not well-formed: the XML check reports it
  }
  if (xslt === undefined) return [];
  try {
    const { refused } = checkViewStylesheet(stripBom(xslt));
    if (refused.length === 0) return [];
    return [{ source: 'view', rule: VIEW_REFUSED, message: `Faturanın görüntüleme şablonu (XSLT) güvenlik nedeniyle reddedildi: ${refused.join('; ')}` }];
  } catch (e) {
    return [{ source: 'view', rule: VIEW_REFUSED, message: `Faturanın görüntüleme şablonu (XSLT) okunamadı: ${e instanceof Error ? e.message : String(e)}` }];
  }
}

/**
 * Checks a company's own view stylesheet (`--view-xslt`) before it is embedded in invoices: XSLT 1.0, and nothing
 * outside what views may use. Throws INVOICE_VIEW_REFUSED (or INVOICE_VIEW_FAILED when it is not a stylesheet).
 */
export function assertAcceptableView(xslt: string, file: string): void {
  const sha256 = crypto.createHash('sha256').update(xslt, 'utf8').digest('hex');
  checkPolicy(stripBom(xslt), 'fallback', sha256, { file });
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
  // UBL documents have no DTD; one with entity declarations is refused before any parser could resolve them.
  if (parsed.doctype) throw new KonnektorError('XML_DOCTYPE_FORBIDDEN', 'the invoice carries a DOCTYPE', {});
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
// The policy, the cache and the sandbox

interface CompiledView {
  sha256: string;
  /** The SEF as JSON: what the disk cache holds and what the view process loads. */
  json: string;
}

const sandboxes = new Map<string, ViewSandbox>();

function sandboxFor(limits: Partial<ViewLimits> | undefined): ViewSandbox {
  const l: ViewLimits = { ...DEFAULT_VIEW_LIMITS, ...limits };
  const key = `${l.compileMs}/${l.renderMs}/${l.memoryMb}`;
  let s = sandboxes.get(key);
  if (!s) sandboxes.set(key, (s = new ViewSandbox(l)));
  return s;
}

/** Texts (by SHA-256) the policy accepted in this process: the check runs once per stylesheet. */
const accepted = new Set<string>();

function checkPolicy(xslt: string, source: ViewStylesheetSource, sha256: string, extra: Record<string, unknown> = {}): void {
  if (accepted.has(sha256)) return;
  let refused: string[];
  try {
    refused = checkViewStylesheet(xslt).refused;
  } catch (e) {
    throw viewError('compile', source, sha256, e instanceof Error ? e.message : String(e), extra, e);
  }
  if (refused.length > 0) {
    throw new KonnektorError(VIEW_REFUSED, `${describeSource(source)} is refused: it uses ${refused.join('; ')}`, { stage: 'check', stylesheet: source, sha256, refused, ...extra });
  }
  accepted.add(sha256);
}

const MEMORY_LIMIT = 12;
const memory = new Map<string, Promise<CompiledView>>();

async function compiledView(
  sandbox: ViewSandbox,
  xslt: string,
  source: ViewStylesheetSource,
  cacheDir: string | false,
): Promise<{ view: CompiledView; cache: InvoicePreview['cache'] }> {
  const sha256 = crypto.createHash('sha256').update(xslt, 'utf8').digest('hex');
  // First of all, and whatever any cache holds: a refused stylesheet is never compiled, cached or run.
  checkPolicy(xslt, source, sha256);
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
    const fromDisk = file ? readCachedSef(file) : undefined;
    if (fromDisk) {
      stats.diskHits++;
      cache = 'disk';
      return { sha256, json: fromDisk };
    }
    const t0 = performance.now();
    let json: string;
    try {
      json = await sandbox.compile(xslt, sha256);
    } catch (e) {
      throw sandboxError(e, 'compile', source, sha256);
    }
    stats.compiles++;
    logger.info('view stylesheet compiled', { stylesheet: source, sha256, ms: Math.round(performance.now() - t0), sefBytes: json.length });
    if (file) writeCachedSef(file, json);
    return { sha256, json };
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

/** A cached SEF whose checksum holds, as JSON text; anything else is dropped and compiled again. */
function readCachedSef(file: string): string | undefined {
  let json: string;
  let sef: SefNode;
  try {
    json = fs.readFileSync(file, 'utf8');
    sef = JSON.parse(json) as SefNode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('ignoring an unreadable compiled view stylesheet', { file, error: String(e) });
    return undefined;
  }
  if (sef?.N !== 'package' || sef[SIGMA] !== sefChecksum(sef)) {
    logger.warn('removing a damaged compiled view stylesheet from the cache', { file });
    fs.rmSync(file, { force: true });
    return undefined;
  }
  return json;
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

function describeSource(source: ViewStylesheetSource): string {
  return source === 'embedded' ? "the invoice's embedded view stylesheet" : source === 'fallback' ? 'the fallback view stylesheet' : 'the default view stylesheet';
}

function viewError(stage: 'compile' | 'transform', source: ViewStylesheetSource, sha256: string, why: string, extra: Record<string, unknown> = {}, cause?: unknown): KonnektorError {
  const verb = stage === 'compile' ? 'does not compile' : 'failed';
  return new KonnektorError(VIEW_FAILED, `${describeSource(source)} ${verb}: ${why}`, { stage, stylesheet: source, sha256, ...extra }, { cause });
}

function sandboxError(e: unknown, stage: 'compile' | 'transform', source: ViewStylesheetSource, sha256: string): KonnektorError {
  if (e instanceof ViewLimitExceeded) return viewError(stage, source, sha256, e.message, { limit: e.limit }, e);
  if (e instanceof ViewRunError) {
    return viewError(stage, source, sha256, e.message, { ...(e.xsltError ? { xsltError: e.xsltError } : {}), ...(stage === 'transform' ? { messages: e.messages } : {}) }, e);
  }
  return viewError(stage, source, sha256, e instanceof Error ? e.message : String(e), {}, e);
}

async function runView(sandbox: ViewSandbox, view: CompiledView, xml: string, source: ViewStylesheetSource): Promise<{ html: string; messages: string[] }> {
  stats.transforms++;
  try {
    return await sandbox.render(view.sha256, () => view.json, xml);
  } catch (e) {
    if (e instanceof ViewRunError && e.kind === 'parse') {
      // xmldom accepted it, SaxonJS's parser did not (e.g. a DTD with entity declarations)
      throw new KonnektorError('XML_NOT_WELL_FORMED', `the invoice cannot be parsed: ${e.message}`, {}, { cause: e });
    }
    throw sandboxError(e, 'transform', source, view.sha256);
  }
}
