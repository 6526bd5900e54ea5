/**
 * One thread's validation engine: GİB's XSD through libxml2 (compiled to WebAssembly, schema compiled once) and
 * GİB's schematron either as compiled checks (schematron/, generated from GİB's .sch sources; the default) or
 * through SaxonJS from the SEF (the reference engine). Runs inside a pool worker, or inline when workers = 0.
 * A document the compiled checks cannot judge (a DOCTYPE, an XPath dynamic error) comes back marked for the
 * reference engine, which the validator runs for it. Schematron failures carry their raw context/test; the caller
 * names the GİB rule (ruleIndex.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  XmlDocument,
  XmlParseError,
  XmlValidateError,
  XsdValidator,
  xmlRegisterInputProvider,
  type ErrorDetail,
} from 'libxml2-wasm';
import { SaxonSchematron, SchematronStopped, isError } from './saxonSchematron';
import { CompiledSchematron, XPathDynamicError, type SchematronFailure } from './schematron/engine';
import { externalParams, patterns } from './schematron/generated/gibSchematron';
import { TreeUnsupported, parseTree } from './schematron/tree';
import type { DocumentKind, ValidationIssue } from './types';

/** A schematron failure as the SVRL reports it; `context`/`test` let the caller name the rule. */
export interface EngineIssue extends ValidationIssue {
  context?: string;
  test?: string;
}

export interface EngineResult {
  issues: EngineIssue[];
  timings: { xsdMs: number; schematronMs: number };
  /**
   * Set when the compiled checks could not judge the document (why, in English): `issues` then holds the XML/XSD
   * issues only and the reference engine must run GİB's schematron on it.
   */
  reference?: string;
}

/** Which schematron engine a worker runs: the compiled checks, or SaxonJS from a SEF. */
export type SchematronEngineConfig = { engine: 'compiled' } | { engine: 'saxon'; sefPath: string };

export interface EngineConfig {
  /** GİB's `xsdrt` folder (maindoc + common). */
  xsdRoot: string;
  /** `xsdrt/maindoc/UBL-Invoice-2.1.xsd`. */
  invoiceXsd: string;
  schematron: SchematronEngineConfig;
}

export const RULE_NOT_WELL_FORMED = 'XML_NOT_WELL_FORMED';
export const RULE_XSD = 'XSD';
export const RULE_SCHEMATRON_RUNTIME = 'SCHEMATRON_RUNTIME_ERROR';

/** The compiled checks, built once per thread. */
let compiledChecks: CompiledSchematron | null = null;
export function compiledSchematron(): CompiledSchematron {
  return (compiledChecks ??= new CompiledSchematron(patterns, externalParams));
}

// ---- libxml2 reads the XSD tree from memory only: no file or network access from documents -------------------

const VIRTUAL_ROOT = 'file:///konnektor-gib';
const virtualFiles = new Map<string, Uint8Array>();
const openFiles = new Map<number, { data: Uint8Array; pos: number }>();
let nextFd = 1;
let providerRegistered = false;

/** Reads every .xsd under `dir` into memory under `prefix` (also used by xsd.ts, the XSD-only check). */
export function registerVirtualFiles(prefix: string, dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = path.join(dir, entry);
    if (!entry.endsWith('.xsd') || !fs.statSync(abs).isFile()) continue;
    virtualFiles.set(`${prefix}/${entry.split(path.sep).join('/')}`, fs.readFileSync(abs));
  }
  if (providerRegistered) return;
  providerRegistered = xmlRegisterInputProvider({
    match: (name) => virtualFiles.has(name),
    open: (name) => {
      const data = virtualFiles.get(name);
      if (!data) return undefined;
      const fd = nextFd++;
      openFiles.set(fd, { data, pos: 0 });
      return fd;
    },
    read: (fd, buf) => {
      const f = openFiles.get(fd);
      if (!f) return -1;
      const n = Math.min(buf.byteLength, f.data.byteLength - f.pos);
      buf.set(f.data.subarray(f.pos, f.pos + n));
      f.pos += n;
      return n;
    },
    close: (fd) => openFiles.delete(fd),
  });
}

/** A schema file read by registerVirtualFiles. */
export const virtualFile = (url: string): Uint8Array | undefined => virtualFiles.get(url);

let engineCount = 0;

const WARMUP = '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>';

function detailMessage(d: ErrorDetail | undefined, fallback: string): string {
  return (d?.message ?? fallback).trim() || fallback;
}

/**
 * The UBL-TR main documents GİB's package has a schema for besides the Invoice: an ApplicationResponse (KABUL/RED),
 * a DespatchAdvice and its ReceiptAdvice, a CreditNote (e-MM). A document is checked against its root's schema;
 * each schema is compiled on first use.
 */
const MAIN_SCHEMAS = new Set(['Invoice', 'ApplicationResponse', 'DespatchAdvice', 'ReceiptAdvice', 'CreditNote']);

export class ValidationEngine {
  private readonly saxon: SaxonSchematron | null;
  private readonly compiled: CompiledSchematron | null;
  private readonly prefix: string;
  private readonly schemas = new Map<string, { doc: XmlDocument; validator: XsdValidator }>();

  constructor(config: EngineConfig) {
    const prefix = `${VIRTUAL_ROOT}/${process.pid}-${engineCount++}/xsdrt`;
    this.prefix = prefix;
    registerVirtualFiles(prefix, config.xsdRoot);
    const rel = path.relative(config.xsdRoot, config.invoiceXsd).split(path.sep).join('/');
    const url = `${prefix}/${rel}`;
    const schemaBytes = virtualFiles.get(url);
    if (!schemaBytes) throw new Error(`the Invoice schema ${config.invoiceXsd} is not under ${config.xsdRoot}`);
    const xsdDoc = XmlDocument.fromBuffer(schemaBytes, { url });
    this.schemas.set('Invoice', { doc: xsdDoc, validator: XsdValidator.fromDoc(xsdDoc) });
    if (config.schematron.engine === 'saxon') {
      this.compiled = null;
      this.saxon = new SaxonSchematron(config.schematron.sefPath);
      // Proves the SEF runs (and warms the JIT) before the first real document.
      this.saxon.run(WARMUP, { type: 'efatura' });
    } else {
      this.saxon = null;
      this.compiled = compiledSchematron();
      this.compiled.run(parseTree(WARMUP), { type: 'efatura' });
    }
  }

  validate(xml: string, kind: DocumentKind): EngineResult {
    const t0 = performance.now();
    let doc: XmlDocument;
    try {
      // The text is already decoded: its bytes are UTF-8 whatever its declaration says (e.g. ISO-8859-9).
      doc = XmlDocument.fromString(xml, { encoding: 'utf-8' });
    } catch (e) {
      if (!(e instanceof XmlParseError)) throw e;
      const d = e.details.find((x) => x.level >= 2) ?? e.details[0];
      const issue: EngineIssue = { source: 'xml', rule: RULE_NOT_WELL_FORMED, message: detailMessage(d, xml.trim() ? e.message : 'Document is empty') };
      if (d?.line) issue.line = d.line;
      return { issues: [issue], timings: { xsdMs: performance.now() - t0, schematronMs: 0 } };
    }
    try {
      const issues: EngineIssue[] = [];
      try {
        this.schemaFor(doc.root.name).validate(doc);
      } catch (e) {
        if (!(e instanceof XmlValidateError)) throw e;
        const details = e.details.filter((d) => d.level >= 2);
        if (details.length === 0) issues.push({ source: 'xsd', rule: RULE_XSD, message: e.message.trim() });
        for (const d of details) {
          const issue: EngineIssue = { source: 'xsd', rule: RULE_XSD, message: detailMessage(d, e.message) };
          if (d.xpath) issue.xpath = d.xpath;
          if (d.line) issue.line = d.line;
          issues.push(issue);
        }
      }
      const t1 = performance.now();
      const schematron = this.schematron(xml, kind, doc);
      const t2 = performance.now();
      const timings = { xsdMs: t1 - t0, schematronMs: t2 - t1 };
      if ('reference' in schematron) return { issues, timings, reference: schematron.reference };
      issues.push(...schematron.issues);
      return { issues, timings };
    } finally {
      doc.dispose();
    }
  }

  dispose(): void {
    for (const s of this.schemas.values()) {
      s.validator.dispose();
      s.doc.dispose();
    }
    this.schemas.clear();
  }

  /** The schema of the document's root; an unknown root is checked against the Invoice schema (and fails it). */
  private schemaFor(root: string): XsdValidator {
    const name = MAIN_SCHEMAS.has(root) ? root : 'Invoice';
    const known = this.schemas.get(name);
    if (known) return known.validator;
    const url = `${this.prefix}/maindoc/UBL-${name}-2.1.xsd`;
    const bytes = virtualFiles.get(url);
    if (!bytes) return this.schemas.get('Invoice')!.validator;
    const doc = XmlDocument.fromBuffer(bytes, { url });
    const validator = XsdValidator.fromDoc(doc);
    this.schemas.set(name, { doc, validator });
    return validator;
  }

  private schematron(xml: string, kind: DocumentKind, doc: XmlDocument): { issues: EngineIssue[] } | { reference: string } {
    let failures: SchematronFailure[];
    const params = { type: kind };
    if (this.compiled) {
      try {
        failures = this.compiled.run(parseTree(xml), params);
      } catch (e) {
        // The compiled checks stop where SaxonJS might not (or with its own message): the reference engine decides.
        if (e instanceof TreeUnsupported || e instanceof XPathDynamicError) return { reference: `${e.constructor.name}: ${e.message}` };
        throw e;
      }
    } else {
      try {
        failures = this.saxon!.run(xml, params);
      } catch (e) {
        // A dynamic error of the stylesheet on this document (e.g. XPTY0004 on repeated elements): the rules could
        // not be checked, so the document is not valid; the batch goes on.
        if (!(e instanceof SchematronStopped)) throw e;
        return { issues: [{ source: 'schematron', rule: RULE_SCHEMATRON_RUNTIME, message: `Schematron stopped on this document (${e.code}): ${e.message}` }] };
      }
    }
    return {
      issues: failures.filter(isError).map((f) => {
        const issue: EngineIssue = { source: 'schematron', rule: f.context, message: f.message, context: f.context, test: f.test };
        if (f.location) {
          issue.xpath = f.location;
          const line = lineOf(doc, f.location);
          if (line) issue.line = line;
        }
        return issue;
      }),
    };
  }
}

/** The source line of the node at an SVRL location (an XPath 1.0 path of `*[local-name()=…]` steps). */
function lineOf(doc: XmlDocument, location: string): number | undefined {
  try {
    const node = doc.get(location);
    if (!node) return undefined;
    const line = node.line || node.parent?.line || 0;
    return line > 0 ? line : undefined;
  } catch {
    return undefined;
  }
}
