/**
 * Parser of the XPath 2.0 expressions found in schematron (tests, lets, value-of selects, rule contexts).
 * It covers the XPath 2.0 grammar except FLWOR/quantified/conditional expressions and type operators, which GİB's
 * schematron does not use; meeting one of those fails generation with its position, never silently.
 */

export type Axis =
  | 'child'
  | 'attribute'
  | 'self'
  | 'parent'
  | 'descendant'
  | 'descendant-or-self'
  | 'ancestor'
  | 'ancestor-or-self'
  | 'following'
  | 'following-sibling'
  | 'preceding'
  | 'preceding-sibling'
  | 'namespace';

const AXES = new Set<string>([
  'child',
  'attribute',
  'self',
  'parent',
  'descendant',
  'descendant-or-self',
  'ancestor',
  'ancestor-or-self',
  'following',
  'following-sibling',
  'preceding',
  'preceding-sibling',
  'namespace',
]);

export type NodeTest =
  | { kind: 'name'; prefix: string; local: string }
  | { kind: 'any-name' }
  | { kind: 'prefix-wild'; prefix: string }
  | { kind: 'local-wild'; local: string }
  | { kind: 'node' }
  | { kind: 'text' }
  | { kind: 'comment' }
  | { kind: 'pi'; target?: string };

export type Step =
  | { t: 'axis'; axis: Axis; test: NodeTest; preds: Expr[] }
  | { t: 'filter'; primary: Expr; preds: Expr[] };

export type GeneralOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ValueOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type Expr =
  | { t: 'or' | 'and'; l: Expr; r: Expr }
  | { t: 'gcmp'; op: GeneralOp; l: Expr; r: Expr }
  | { t: 'vcmp'; op: ValueOp; l: Expr; r: Expr }
  | { t: 'arith'; op: '+' | '-' | '*' | 'div' | 'idiv' | 'mod'; l: Expr; r: Expr }
  | { t: 'neg'; e: Expr }
  | { t: 'union'; l: Expr; r: Expr }
  | { t: 'path'; root: '' | '/' | '//'; steps: Step[] }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number; kind: 'integer' | 'decimal' | 'double'; text: string }
  | { t: 'var'; name: string }
  | { t: 'ctx' }
  | { t: 'call'; name: string; args: Expr[] }
  | { t: 'seq'; items: Expr[] };

export class XPathSyntaxError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position: number,
  ) {
    super(`${message} at ${position} in: ${expression}`);
  }
}

type Tok =
  | { k: 'str'; v: string; p: number }
  | { k: 'num'; v: string; p: number }
  | { k: 'name'; v: string; p: number } // NCName or QName, may be prefix:* or *:local or *
  | { k: 'var'; v: string; p: number }
  | { k: 'sym'; v: string; p: number }
  | { k: 'eof'; v: ''; p: number };

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9A-Za-z_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const ncname = (): string => {
    const s = i;
    if (!NAME_START.test(src[i] ?? '')) throw new XPathSyntaxError('name expected', src, i);
    i++;
    while (i < src.length && NAME_CHAR.test(src[i]!)) i++;
    return src.slice(s, i);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const p = i;
    if (c === '(' && src[i + 1] === ':') {
      // (: comment :), nested
      let depth = 0;
      while (i < src.length) {
        if (src.startsWith('(:', i)) {
          depth++;
          i += 2;
        } else if (src.startsWith(':)', i)) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw new XPathSyntaxError('unterminated comment', src, p);
      continue;
    }
    if (c === '"' || c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new XPathSyntaxError('unterminated string literal', src, p);
        if (src[i] === c) {
          if (src[i + 1] === c) {
            v += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i];
        i++;
      }
      out.push({ k: 'str', v, p });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (NAME_START.test(src[i] ?? '')) throw new XPathSyntaxError('a number must not be followed by a name', src, i);
      out.push({ k: 'num', v: m[0], p });
      continue;
    }
    if (c === '$') {
      i++;
      while (src[i] === ' ') i++;
      let v = ncname();
      if (src[i] === ':' && NAME_START.test(src[i + 1] ?? '')) {
        i++;
        v += `:${ncname()}`;
      }
      out.push({ k: 'var', v, p });
      continue;
    }
    if (c === '*') {
      if (src[i + 1] === ':' && NAME_START.test(src[i + 2] ?? '')) {
        i += 2;
        out.push({ k: 'name', v: `*:${ncname()}`, p });
      } else {
        i++;
        out.push({ k: 'sym', v: '*', p });
      }
      continue;
    }
    if (NAME_START.test(c)) {
      let v = ncname();
      if (src[i] === ':' && src[i + 1] !== ':') {
        if (src[i + 1] === '*') {
          i += 2;
          v += ':*';
        } else if (NAME_START.test(src[i + 1] ?? '')) {
          i++;
          v += `:${ncname()}`;
        }
      }
      out.push({ k: 'name', v, p });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['//', '::', '..', '!=', '<=', '>=', '<<', '>>'].includes(two)) {
      out.push({ k: 'sym', v: two, p });
      i += 2;
      continue;
    }
    if ('()[],/@.=<>+-|'.includes(c)) {
      out.push({ k: 'sym', v: c, p });
      i++;
      continue;
    }
    throw new XPathSyntaxError(`unexpected character '${c}'`, src, i);
  }
  out.push({ k: 'eof', v: '', p: src.length });
  return out;
}

const KIND_TESTS = new Set(['node', 'text', 'comment', 'processing-instruction', 'element', 'attribute', 'document-node', 'schema-element', 'schema-attribute', 'item', 'empty-sequence']);
const UNSUPPORTED_KEYWORDS = new Set(['for', 'some', 'every', 'if']);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly src: string,
  ) {}

  private get tok(): Tok {
    return this.toks[this.i]!;
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private fail(msg: string, at: Tok = this.tok): never {
    throw new XPathSyntaxError(msg, this.src, at.p);
  }
  private isSym(v: string, t: Tok = this.tok): boolean {
    return t.k === 'sym' && t.v === v;
  }
  private isWord(v: string, t: Tok = this.tok): boolean {
    return t.k === 'name' && t.v === v;
  }
  private expectSym(v: string): void {
    if (!this.isSym(v)) this.fail(`'${v}' expected`);
    this.i++;
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.tok.k !== 'eof') this.fail(`unexpected '${this.tok.v}'`);
    return e;
  }

  private expr(): Expr {
    const first = this.single();
    if (!this.isSym(',')) return first;
    const items = [first];
    while (this.isSym(',')) {
      this.i++;
      items.push(this.single());
    }
    return { t: 'seq', items };
  }

  private single(): Expr {
    if (this.tok.k === 'name' && UNSUPPORTED_KEYWORDS.has(this.tok.v) && (this.isSym('(', this.peek()) || this.peek().k === 'var')) {
      this.fail(`'${this.tok.v}' expressions are not supported by the schematron compiler`);
    }
    return this.or();
  }

  private or(): Expr {
    let l = this.and();
    while (this.isWord('or')) {
      this.i++;
      l = { t: 'or', l, r: this.and() };
    }
    return l;
  }

  private and(): Expr {
    let l = this.comparison();
    while (this.isWord('and')) {
      this.i++;
      l = { t: 'and', l, r: this.comparison() };
    }
    return l;
  }

  private comparison(): Expr {
    const l = this.range();
    const t = this.tok;
    if (t.k === 'sym' && ['=', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.i++;
      return { t: 'gcmp', op: t.v as GeneralOp, l, r: this.range() };
    }
    if (t.k === 'name' && ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(t.v)) {
      this.i++;
      return { t: 'vcmp', op: t.v as ValueOp, l, r: this.range() };
    }
    if ((t.k === 'name' && t.v === 'is') || this.isSym('<<') || this.isSym('>>')) this.fail('node comparisons are not supported');
    return l;
  }

  private range(): Expr {
    const l = this.additive();
    if (this.isWord('to')) this.fail("range expressions ('to') are not supported");
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isSym('+') || this.isSym('-')) {
      const op = this.tok.v as '+' | '-';
      this.i++;
      l = { t: 'arith', op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.union();
    for (;;) {
      if (this.isSym('*')) {
        this.i++;
        l = { t: 'arith', op: '*', l, r: this.union() };
      } else if (this.tok.k === 'name' && ['div', 'idiv', 'mod'].includes(this.tok.v)) {
        const op = this.tok.v as 'div' | 'idiv' | 'mod';
        this.i++;
        l = { t: 'arith', op, l, r: this.union() };
      } else return l;
    }
  }

  private union(): Expr {
    let l = this.intersect();
    while (this.isSym('|') || this.isWord('union')) {
      this.i++;
      l = { t: 'union', l, r: this.intersect() };
    }
    return l;
  }

  private intersect(): Expr {
    const l = this.typeOps();
    if (this.isWord('intersect') || this.isWord('except')) this.fail(`'${this.tok.v}' is not supported`);
    return l;
  }

  private typeOps(): Expr {
    const l = this.unary();
    if (['instance', 'treat', 'castable', 'cast'].some((w) => this.isWord(w))) this.fail(`'${this.tok.v}' expressions are not supported`);
    return l;
  }

  private unary(): Expr {
    if (this.isSym('-')) {
      this.i++;
      return { t: 'neg', e: this.unary() };
    }
    if (this.isSym('+')) {
      this.i++;
      return this.unary();
    }
    return this.path();
  }

  private path(): Expr {
    if (this.isSym('/')) {
      this.i++;
      // A lone '/' is the root; it continues only if a step can start here.
      if (!this.stepStarts()) return { t: 'path', root: '/', steps: [] };
      return { t: 'path', root: '/', steps: this.relative() };
    }
    if (this.isSym('//')) {
      this.i++;
      return { t: 'path', root: '//', steps: this.relative() };
    }
    const steps = this.relative();
    if (steps.length === 1 && steps[0]!.t === 'filter' && steps[0]!.preds.length === 0) return steps[0]!.primary;
    return { t: 'path', root: '', steps };
  }

  private stepStarts(): boolean {
    const t = this.tok;
    if (t.k === 'name' || t.k === 'var' || t.k === 'str' || t.k === 'num') return true;
    return t.k === 'sym' && ['@', '.', '..', '*', '('].includes(t.v);
  }

  private relative(): Step[] {
    const steps = [this.step()];
    for (;;) {
      if (this.isSym('/')) {
        this.i++;
        steps.push(this.step());
      } else if (this.isSym('//')) {
        this.i++;
        steps.push({ t: 'axis', axis: 'descendant-or-self', test: { kind: 'node' }, preds: [] });
        steps.push(this.step());
      } else return steps;
    }
  }

  private preds(): Expr[] {
    const out: Expr[] = [];
    while (this.isSym('[')) {
      this.i++;
      out.push(this.expr());
      this.expectSym(']');
    }
    return out;
  }

  private step(): Step {
    const t = this.tok;
    if (this.isSym('..')) {
      this.i++;
      return { t: 'axis', axis: 'parent', test: { kind: 'node' }, preds: this.preds() };
    }
    if (this.isSym('@')) {
      this.i++;
      return { t: 'axis', axis: 'attribute', test: this.nodeTest(), preds: this.preds() };
    }
    if (t.k === 'name' && this.isSym('::', this.peek())) {
      if (!AXES.has(t.v)) this.fail(`unknown axis '${t.v}'`);
      this.i += 2;
      return { t: 'axis', axis: t.v as Axis, test: this.nodeTest(), preds: this.preds() };
    }
    if (this.isSym('*') || (t.k === 'name' && (!this.isSym('(', this.peek()) || KIND_TESTS.has(t.v)))) {
      const test = this.nodeTest();
      return { t: 'axis', axis: 'child', test, preds: this.preds() };
    }
    const primary = this.primary();
    return { t: 'filter', primary, preds: this.preds() };
  }

  private nodeTest(): NodeTest {
    const t = this.tok;
    if (this.isSym('*')) {
      this.i++;
      return { kind: 'any-name' };
    }
    if (t.k !== 'name') this.fail('node test expected');
    if (this.isSym('(', this.peek()) && KIND_TESTS.has(t.v)) {
      this.i += 2;
      let test: NodeTest;
      if (t.v === 'node') test = { kind: 'node' };
      else if (t.v === 'text') test = { kind: 'text' };
      else if (t.v === 'comment') test = { kind: 'comment' };
      else if (t.v === 'processing-instruction') {
        const target = this.tok.k === 'name' || this.tok.k === 'str' ? this.tok.v : undefined;
        if (target !== undefined) this.i++;
        test = target === undefined ? { kind: 'pi' } : { kind: 'pi', target };
      } else this.fail(`kind test ${t.v}() is not supported`, t);
      this.expectSym(')');
      return test;
    }
    this.i++;
    if (t.v.startsWith('*:')) return { kind: 'local-wild', local: t.v.slice(2) };
    if (t.v.endsWith(':*')) return { kind: 'prefix-wild', prefix: t.v.slice(0, -2) };
    const c = t.v.indexOf(':');
    return c < 0 ? { kind: 'name', prefix: '', local: t.v } : { kind: 'name', prefix: t.v.slice(0, c), local: t.v.slice(c + 1) };
  }

  private primary(): Expr {
    const t = this.tok;
    if (t.k === 'str') {
      this.i++;
      return { t: 'str', v: t.v };
    }
    if (t.k === 'num') {
      this.i++;
      const kind = /[eE]/.test(t.v) ? 'double' : t.v.includes('.') ? 'decimal' : 'integer';
      return { t: 'num', v: Number(t.v), kind, text: t.v };
    }
    if (t.k === 'var') {
      this.i++;
      return { t: 'var', name: t.v };
    }
    if (this.isSym('.')) {
      this.i++;
      return { t: 'ctx' };
    }
    if (this.isSym('(')) {
      this.i++;
      if (this.isSym(')')) {
        this.i++;
        return { t: 'seq', items: [] };
      }
      const e = this.expr();
      this.expectSym(')');
      return e.t === 'seq' ? e : { t: 'seq', items: [e] };
    }
    if (t.k === 'name' && this.isSym('(', this.peek())) {
      this.i += 2;
      const args: Expr[] = [];
      if (!this.isSym(')')) {
        args.push(this.single());
        while (this.isSym(',')) {
          this.i++;
          args.push(this.single());
        }
      }
      this.expectSym(')');
      return { t: 'call', name: t.v, args };
    }
    this.fail(t.k === 'eof' ? 'unexpected end of expression' : `unexpected '${t.v}'`);
  }
}

export function parseXPath(src: string): Expr {
  return new Parser(tokenize(src), src).parseAll();
}

/**
 * A rule context as an XSLT match pattern: `a/b/c`, `/a/b`, `//a`, `a//b` — the forms schematron contexts use.
 * Returned as steps from the top: each with the separator before it ('/' or '//') and its node test.
 */
export interface MatchPattern {
  absolute: boolean;
  steps: { sep: '/' | '//'; axis: 'child' | 'attribute'; test: NodeTest }[];
}

export function parseMatchPattern(src: string): MatchPattern {
  const e = parseXPath(src);
  if (e.t !== 'path') throw new XPathSyntaxError('a rule context must be a path pattern', src, 0);
  const out: MatchPattern = { absolute: e.root !== '', steps: [] };
  let sep: '/' | '//' = e.root === '//' ? '//' : '/';
  for (const s of e.steps) {
    if (s.t === 'axis' && s.axis === 'descendant-or-self' && s.test.kind === 'node' && s.preds.length === 0) {
      sep = '//';
      continue;
    }
    if (s.t !== 'axis' || (s.axis !== 'child' && s.axis !== 'attribute') || s.preds.length > 0) {
      throw new XPathSyntaxError('only child/attribute steps without predicates are supported in rule contexts', src, 0);
    }
    out.steps.push({ sep, axis: s.axis, test: s.test });
    sep = '/';
  }
  if (e.root === '//') out.absolute = false;
  return out;
}
