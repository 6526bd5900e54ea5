/**
 * GİB's XSD alone, for documents whose business rules are not GİB's e-Fatura schematron (e-MM and e-SMM receipts:
 * core/documents/receipts/rules.ts holds theirs). A document is checked against the main schema of its root
 * (UBL-TR1.2.1_Paketi/xsdrt/maindoc/UBL-<Root>-2.1.xsd); the schemas are read from the GİB package into memory by
 * the validation engine's loader, so a document can make libxml2 read no file and reach no network. Each schema is
 * compiled once per process.
 */
import { XmlDocument, XmlParseError, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { registerVirtualFiles, virtualFile } from './engine';
import { gibPackagePaths, locateGibPackage } from './gibPackage';
import type { ValidationIssue } from './types';

const VIRTUAL_ROOT = 'file:///konnektor-gib-xsd-only';
const prefixes = new Map<string, string>();
const validators = new Map<string, XsdValidator>();

function validatorFor(xsdRoot: string, root: string): XsdValidator | undefined {
  const key = `${xsdRoot}\u0000${root}`;
  const known = validators.get(key);
  if (known) return known;
  let prefix = prefixes.get(xsdRoot);
  if (!prefix) {
    prefix = `${VIRTUAL_ROOT}/${prefixes.size}`;
    registerVirtualFiles(prefix, xsdRoot);
    prefixes.set(xsdRoot, prefix);
  }
  const url = `${prefix}/maindoc/UBL-${root}-2.1.xsd`;
  const bytes = virtualFile(url);
  if (!bytes) return undefined;
  const validator = XsdValidator.fromDoc(XmlDocument.fromBuffer(bytes, { url }));
  validators.set(key, validator);
  return validator;
}

/** XSD issues of one document against GİB's schema for its root element (`expectedRoot` when given). */
export function validateAgainstGibXsd(xml: string, options: { gibPackage?: string; expectedRoot?: string } = {}): ValidationIssue[] {
  const xsdRoot = gibPackagePaths(locateGibPackage(options.gibPackage)).xsdRoot;
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml, { encoding: 'utf-8' });
  } catch (e) {
    if (!(e instanceof XmlParseError)) throw e;
    const d = e.details[0];
    return [{ source: 'xml', rule: 'XML_NOT_WELL_FORMED', message: (d?.message ?? e.message).trim(), ...(d?.line ? { line: d.line } : {}) }];
  }
  try {
    const root = doc.root.name;
    if (options.expectedRoot && root !== options.expectedRoot) return [{ source: 'xsd', rule: 'XSD', message: `the root element must be ${options.expectedRoot}, not ${root}` }];
    const validator = validatorFor(xsdRoot, root);
    if (!validator) return [{ source: 'xsd', rule: 'XSD', message: `GİB's package has no main schema for ${root}` }];
    try {
      validator.validate(doc);
      return [];
    } catch (e) {
      if (!(e instanceof XmlValidateError)) throw e;
      const details = e.details.filter((d) => d.level >= 2);
      if (details.length === 0) return [{ source: 'xsd', rule: 'XSD', message: e.message.trim() }];
      return details.map((d) => ({ source: 'xsd' as const, rule: 'XSD', message: (d.message ?? e.message).trim(), ...(d.xpath ? { xpath: d.xpath } : {}), ...(d.line ? { line: d.line } : {}) }));
    }
  } finally {
    doc.dispose();
  }
}
