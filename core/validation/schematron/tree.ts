/**
 * The XPath data model of one document, as the compiled schematron checks read it: elements, attributes, text
 * (adjacent text and CDATA merged into one node), comments and processing instructions, in document order.
 * Whitespace-only text is kept (no xsl:strip-space in GİB's stylesheet); namespace declarations are not attributes.
 * Parsed once with saxes (strict, namespace-aware). A document this parser does not take exactly as the reference
 * engine would (a DOCTYPE, which may declare entities or default attributes) is refused with TreeUnsupported, so
 * the caller can hand it to the reference engine.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export const ELEMENT = 1;
export const ATTRIBUTE = 2;
export const TEXT = 3;
export const PI = 7;
export const COMMENT = 8;
export const DOCUMENT = 9;
export const NAMESPACE = 13;

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';
const XML_URI = 'http://www.w3.org/XML/1998/namespace';

export class XDocument {
  readonly kind = DOCUMENT;
  readonly order = 0;
  readonly parent = null;
  readonly children: XChild[] = [];
  /** Elements by expanded name (`uri|local`), each list found on first use of a `//name` step. */
  byName: Map<string, XElement[]> | null = null;
  /** Every element in document order. */
  readonly elements: XElement[] = [];
}

export class XElement {
  readonly kind = ELEMENT;
  readonly children: XChild[] = [];
  readonly attrs: XAttr[] = [];
  /** Namespace declarations made on this element (prefix → uri; '' is the default namespace). */
  decls: [string, string][] | null = null;
  private sv: string | undefined;
  private inScope: XNamespace[] | undefined;
  constructor(
    readonly parent: XElement | XDocument,
    readonly order: number,
    readonly ns: string,
    readonly local: string,
    /** The lexical QName as written in the document (what name() returns). */
    readonly qname: string,
  ) {}

  /** The string value: the text of all descendant text nodes, in order. */
  stringValue(): string {
    if (this.sv !== undefined) return this.sv;
    let s = '';
    const c = this.children;
    if (c.length === 1 && c[0]!.kind === TEXT) s = c[0]!.value;
    else for (const child of c) if (child.kind === TEXT) s += child.value;
    else if (child.kind === ELEMENT) s += child.stringValue();
    this.sv = s;
    return s;
  }

  /** The in-scope namespaces (namespace axis), nearest declaration first wins, the xml namespace always present. */
  namespaces(): XNamespace[] {
    if (this.inScope) return this.inScope;
    const seen = new Map<string, string>();
    for (let e: XElement | XDocument = this; e.kind === ELEMENT; e = e.parent) {
      for (const [prefix, uri] of e.decls ?? []) if (!seen.has(prefix)) seen.set(prefix, uri);
    }
    const out: XNamespace[] = [new XNamespace(this, 'xml', XML_URI)];
    for (const [prefix, uri] of seen) if (uri !== '') out.push(new XNamespace(this, prefix, uri));
    this.inScope = out;
    return out;
  }
}

export class XAttr {
  readonly kind = ATTRIBUTE;
  constructor(
    readonly parent: XElement,
    readonly order: number,
    readonly ns: string,
    readonly local: string,
    readonly qname: string,
    readonly value: string,
  ) {}
  stringValue(): string {
    return this.value;
  }
}

export class XText {
  readonly kind = TEXT;
  constructor(
    readonly parent: XElement,
    readonly order: number,
    public value: string,
  ) {}
  stringValue(): string {
    return this.value;
  }
}

export class XComment {
  readonly kind = COMMENT;
  constructor(
    readonly parent: XElement | XDocument,
    readonly order: number,
    readonly value: string,
  ) {}
  stringValue(): string {
    return this.value;
  }
}

export class XPI {
  readonly kind = PI;
  constructor(
    readonly parent: XElement | XDocument,
    readonly order: number,
    readonly target: string,
    readonly value: string,
  ) {}
  stringValue(): string {
    return this.value;
  }
}

export class XNamespace {
  readonly kind = NAMESPACE;
  readonly order: number;
  constructor(
    readonly parent: XElement,
    readonly prefix: string,
    readonly uri: string,
  ) {
    // Namespace nodes come after their element and before its attributes in document order.
    this.order = parent.order + 0.5;
  }
  stringValue(): string {
    return this.uri;
  }
}

export type XChild = XElement | XText | XComment | XPI;
export type XNode = XDocument | XElement | XAttr | XText | XComment | XPI | XNamespace;

/** The document cannot be read by this tree builder; the reference engine must judge it. */
export class TreeUnsupported extends Error {}

/**
 * Parses XML text (already decoded; a leading BOM is ignored) into the data model. Not well-formed XML or a
 * document type declaration → TreeUnsupported.
 */
export function parseTree(xml: string): XDocument {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const doc = new XDocument();
  const parser = new SaxesParser({ xmlns: true, position: false });
  let order = 1;
  let current: XElement | XDocument = doc;
  let failure: Error | null = null;
  const addText = (value: string): void => {
    if (current.kind !== ELEMENT || value === '') return; // whitespace outside the root element is not a node
    const last = current.children[current.children.length - 1];
    if (last && last.kind === TEXT) last.value += value;
    else current.children.push(new XText(current, order++, value));
  };
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('doctype', () => {
    failure ??= new TreeUnsupported('a document type declaration is not supported by the compiled schematron');
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const el = new XElement(current, order++, tag.uri ?? '', tag.local, tag.name);
    for (const [prefix, uri] of Object.entries(tag.ns)) (el.decls ??= []).push([prefix, uri]);
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS_URI) continue;
      el.attrs.push(new XAttr(el, order++, a.uri ?? '', a.local, a.name, a.value));
    }
    current.children.push(el);
    doc.elements.push(el);
    current = el;
  });
  parser.on('closetag', () => {
    current = (current as XElement).parent;
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('comment', (c) => {
    current.children.push(new XComment(current, order++, c));
  });
  parser.on('processinginstruction', (pi) => {
    current.children.push(new XPI(current, order++, pi.target, pi.body));
  });
  try {
    parser.write(text).close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw failure instanceof TreeUnsupported ? failure : new TreeUnsupported((failure as Error).message);
  if (doc.elements.length === 0) throw new TreeUnsupported('the document has no root element');
  return doc;
}
