/**
 * Compiles a schematron schema (schema.ts) into a TypeScript module of checks over the tree of tree.ts, using the
 * XPath 2.0 semantics of runtime.ts. Every expression is typed statically (nodes, one node, string, strings,
 * integer, double, boolean) so each general comparison, argument conversion and cardinality rule is chosen at
 * generation time; an expression outside the supported subset stops generation with the rule it belongs to.
 */
import { svrlTestForm } from '../../ruleIndex';
import { translateRegex, type RegexCategories } from './regex';
import type { Assertion, MessagePart, Schema } from './schema';
import { XPathSyntaxError, parseMatchPattern, parseXPath as parseRaw, type Expr, type NodeTest, type Step } from './xpath';

type T = 'nodes' | 'node' | 'string' | 'strings' | 'integer' | 'decimal' | 'double' | 'boolean' | 'empty';
interface C {
  code: string;
  type: T;
}

export class CompileError extends Error {}

let failContext = '';
/** Parses an expression; a syntax error is reported with the rule or variable being compiled. */
function parseXPath(src: string): Expr {
  try {
    return parseRaw(src);
  } catch (e) {
    if (e instanceof XPathSyntaxError) throw new CompileError(`${failContext}: ${e.message}`);
    throw e;
  }
}

const NUMERIC = new Set<T>(['integer', 'decimal', 'double']);
const isNumeric = (t: T): boolean => NUMERIC.has(t);
const isNodes = (t: T): boolean => t === 'nodes' || t === 'node';

export interface EmitOptions {
  /** Stylesheet parameters the caller always supplies as strings (e.g. `type`). */
  externalParams: string[];
  /** The character categories of the reference engine's regex dialect. */
  regexCategories: RegexCategories;
  /** Header lines (provenance) written at the top of the module. */
  header: string[];
  /** Named constants exported as they are (release, source hashes). */
  exports: Record<string, unknown>;
  /** Import path of the runtime and tree modules, relative to the generated file. */
  runtimeImport: string;
  treeImport: string;
  typesImport: string;
}

interface GlobalInfo {
  kind: 'const' | 'lazy' | 'external';
  fn: string;
  type: T;
}

class Emitter {
  private readonly hoisted: string[] = [];
  private readonly hoistedByKey = new Map<string, string>();
  private readonly globals = new Map<string, GlobalInfo>();
  private tmp = 0;
  /** Where an error is reported: the assertion or let being compiled. */
  private whereText = '';
  get where(): string {
    return this.whereText;
  }
  set where(w: string) {
    this.whereText = w;
    failContext = w;
  }

  constructor(
    private readonly schema: Schema,
    private readonly opts: EmitOptions,
  ) {}

  fail(msg: string): never {
    throw new CompileError(`${this.where}: ${msg}`);
  }

  hoist(key: string, make: (name: string) => string, prefix: string): string {
    const found = this.hoistedByKey.get(key);
    if (found) return found;
    const name = `${prefix}${this.hoistedByKey.size + 1}`;
    this.hoistedByKey.set(key, name);
    this.hoisted.push(make(name));
    return name;
  }

  /** The namespace URI of a prefix ('' for none). */
  private ns(prefix: string): string {
    if (prefix === '') return '';
    const uri = this.schema.namespaces.get(prefix);
    if (uri === undefined) this.fail(`namespace prefix '${prefix}' is not declared with sch:ns`);
    return uri;
  }

  /** Code for the namespace URI of a prefix: a module constant named after the prefix. */
  private nsCode(prefix: string): string {
    const uri = this.ns(prefix);
    if (uri === '') return "''";
    const name = `NS_${prefix.replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (!this.hoistedByKey.has(`ns:${prefix}`)) {
      this.hoistedByKey.set(`ns:${prefix}`, name);
      this.hoisted.push(`const ${name} = ${JSON.stringify(uri)};`);
    }
    return name;
  }

  // ---- globals (parameters and pattern lets) ---------------------------------------------------------------

  /** Parameters and pattern lets, compiled when first referenced (unused code lists are left out). */
  private global(name: string): GlobalInfo {
    const known = this.globals.get(name);
    if (known) return known;
    const param = this.schema.params.find((p) => p.name === name);
    const l = param ?? this.schema.globals.find((g) => g.name === name);
    if (!l) this.fail(`unknown variable $${name}`);
    const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
    let info: GlobalInfo;
    if (param && this.opts.externalParams.includes(name)) {
      info = { kind: 'external', fn: `d.params[${JSON.stringify(name)}]!`, type: 'string' };
    } else {
      const where = this.where;
      this.where = `$${name}`;
      const e = parseXPath(l.value);
      if (e.t === 'str') {
        const fn = `V_${safe}`;
        this.hoisted.push(`const ${fn} = ${JSON.stringify(e.v)};`);
        info = { kind: 'const', fn, type: 'string' };
      } else {
        // Evaluated on first use, with the document node as the context item, once per document.
        this.globals.set(name, { kind: 'lazy', fn: `G_${safe}(d)`, type: 'nodes' }); // guards against cycles
        const c = this.expr(e, { ctx: 'd.doc', ctxType: 'node' });
        const fn = `G_${safe}`;
        const tsType = this.tsType(c.type);
        this.hoisted.push(
          `function ${fn}(d: DocContext): ${tsType} {\n  let v = d.cache.get(${JSON.stringify(name)}) as ${tsType} | undefined;\n  if (v === undefined) {\n    v = ${c.code};\n    d.cache.set(${JSON.stringify(name)}, v);\n  }\n  return v;\n}`,
        );
        info = { kind: 'lazy', fn: `${fn}(d)`, type: c.type };
      }
      this.where = where;
    }
    this.globals.set(name, info);
    return info;
  }

  /** Every variable must be declared once. */
  checkGlobals(): void {
    const names = [...this.schema.params, ...this.schema.globals].map((l) => l.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new CompileError(`variable $${dup} is declared twice`);
  }

  private tsType(t: T): string {
    switch (t) {
      case 'nodes':
      case 'empty':
        return 'X.Nodes';
      case 'node':
        return 'XNode';
      case 'string':
        return 'string';
      case 'strings':
        return 'string[]';
      case 'boolean':
        return 'boolean';
      default:
        return 'number';
    }
  }

  // ---- expressions -----------------------------------------------------------------------------------------

  expr(e: Expr, s: Scope): C {
    switch (e.t) {
      case 'str':
        return { code: JSON.stringify(e.v), type: 'string' };
      case 'num':
        return { code: String(e.v), type: e.kind };
      case 'var': {
        const local = s.lets?.get(e.name);
        if (local) return local(s);
        const g = this.global(e.name);
        return { code: g.fn, type: g.type };
      }
      case 'ctx':
        return { code: s.ctx, type: s.ctxType };
      case 'or':
      case 'and':
        return { code: `(${this.ebv(this.expr(e.l, s))} ${e.t === 'or' ? '||' : '&&'} ${this.ebv(this.expr(e.r, s))})`, type: 'boolean' };
      case 'gcmp':
        return this.compare(e.op, this.expr(e.l, s), this.expr(e.r, s));
      case 'union': {
        const l = this.expr(e.l, s);
        const r = this.expr(e.r, s);
        if (!isNodes(l.type) && l.type !== 'empty') this.fail('union of non-nodes');
        if (!isNodes(r.type) && r.type !== 'empty') this.fail('union of non-nodes');
        return { code: `X.docOrder([...${this.asNodes(l)}, ...${this.asNodes(r)}])`, type: 'nodes' };
      }
      case 'seq':
        return this.sequence(e.items, s);
      case 'call':
        return this.call(e.name, e.args, s);
      case 'path':
        return this.path(e, s);
      case 'vcmp':
        return this.fail(`value comparison '${e.op}' is not supported`);
      case 'arith':
      case 'neg':
        return this.fail('arithmetic is not supported');
    }
  }

  private sequence(items: Expr[], s: Scope): C {
    if (items.length === 0) return { code: 'X.EMPTY', type: 'empty' };
    if (items.length === 1) return this.expr(items[0]!, s);
    const cs = items.map((i) => this.expr(i, s));
    if (cs.every((c) => c.type === 'string' || c.type === 'strings')) {
      return { code: `[${cs.map((c) => (c.type === 'string' ? c.code : `...${c.code}`)).join(', ')}]`, type: 'strings' };
    }
    if (cs.every((c) => isNodes(c.type) || c.type === 'empty')) return { code: `[${cs.map((c) => `...${this.asNodes(c)}`).join(', ')}]`, type: 'nodes' };
    return this.fail('mixed sequences are not supported');
  }

  asNodes(c: C): string {
    if (c.type === 'nodes' || c.type === 'empty') return c.code;
    if (c.type === 'node') return `[${c.code}]`;
    return this.fail(`nodes expected, got ${c.type}`);
  }

  ebv(c: C): string {
    switch (c.type) {
      case 'boolean':
        return c.code;
      case 'nodes':
        return `(${c.code}.length !== 0)`;
      case 'node':
        return 'true';
      case 'empty':
        return 'false';
      case 'string':
        return `(${c.code} !== '')`;
      case 'strings':
        return `X.ebvStrings(${c.code})`;
      default:
        return `X.ebvNumber(${c.code})`;
    }
  }

  /** An argument declared `xs:string?` (or promoted untypedAtomic): '' for the empty sequence. */
  private stringArg(c: C, fn: string, n: number): string {
    switch (c.type) {
      case 'string':
        return c.code;
      case 'nodes':
        return `X.str1(${c.code}, '${fn}', ${n})`;
      case 'node':
        return `X.sv(${c.code})`;
      case 'strings':
        return `X.strs1(${c.code}, '${fn}', ${n})`;
      case 'empty':
        return "''";
      default:
        return this.fail(`${fn}() argument ${n} must be a string, got ${c.type}`);
    }
  }

  /** An `xs:anyAtomicType?` argument turned into its string (concat, string). */
  private atomicAsString(c: C, fn: string, n: number): string {
    switch (c.type) {
      case 'integer':
      case 'decimal':
        return `String(${c.code})`;
      case 'double':
        return `X.doubleToString(${c.code})`;
      case 'boolean':
        return `String(${c.code})`;
      default:
        return this.stringArg(c, fn, n);
    }
  }

  private numberArg(c: C, fn: string, n: number): string {
    if (isNumeric(c.type)) return c.code;
    return this.fail(`${fn}() argument ${n} must be numeric, got ${c.type}`);
  }

  private compare(op: string, l: C, r: C): C {
    const o = JSON.stringify(op);
    const flip: Record<string, string> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const lt = l.type;
    const rt = r.type;
    const B = (code: string): C => ({ code, type: 'boolean' });
    if (lt === 'empty' || rt === 'empty') return B(`X.evaluatedThen(false, ${l.code}, ${r.code})`);
    if (isNodes(lt) && isNodes(rt)) return B(`X.gcNodesNodes(${o}, ${this.asNodes(l)}, ${this.asNodes(r)})`);
    if (isNodes(lt) && rt === 'string') return B(`X.gcNodesStr(${o}, ${this.asNodes(l)}, ${r.code})`);
    if (lt === 'string' && isNodes(rt)) return B(`X.gcStrNodes(${o}, ${l.code}, ${this.asNodes(r)})`);
    if (isNodes(lt) && isNumeric(rt)) return B(`X.gcNodesNum(${o}, ${this.asNodes(l)}, ${r.code})`);
    if (isNumeric(lt) && isNodes(rt)) return B(`X.gcNumNodes(${o}, ${l.code}, ${this.asNodes(r)})`);
    if (isNodes(lt) && rt === 'boolean') return B(`X.gcNodesBool(${o}, ${this.asNodes(l)}, ${r.code})`);
    if (lt === 'boolean' && isNodes(rt)) return B(`X.gcNodesBool(${JSON.stringify(flip[op])}, ${this.asNodes(r)}, ${l.code})`);
    if (isNumeric(lt) && isNumeric(rt)) return B(`X.gcNum(${o}, ${l.code}, ${r.code})`);
    if (lt === 'boolean' && rt === 'boolean') return B(`X.gcBool(${o}, ${l.code}, ${r.code})`);
    const strs = (c: C): string | null =>
      c.type === 'string' ? `[${c.code}]` : c.type === 'strings' ? c.code : isNodes(c.type) ? `${this.asNodes(c)}.map(X.sv)` : null;
    const ls = strs(l);
    const rs = strs(r);
    if (ls && rs) {
      if (lt === 'string' && rt === 'string') return B(`X.cmpStr(${o}, ${l.code}, ${r.code})`);
      return B(`X.gcStrsStrs(${o}, ${ls}, ${rs})`);
    }
    return this.fail(`cannot compare ${lt} with ${rt} (a type error in XPath 2.0)`);
  }

  private call(name: string, args: Expr[], s: Scope): C {
    const a = (i: number): C => this.expr(args[i]!, s);
    const arity = (min: number, max = min): void => {
      if (args.length < min || args.length > max) this.fail(`${name}() takes ${min === max ? min : `${min}–${max}`} arguments, got ${args.length}`);
    };
    const ctxNode = (): string => {
      if (!isNodes(s.ctxType) || s.ctxType === 'nodes') this.fail(`${name}() without argument needs a node as context item`);
      return s.ctx;
    };
    const B = (code: string): C => ({ code, type: 'boolean' });
    const S = (code: string): C => ({ code, type: 'string' });
    switch (name) {
      case 'not':
        arity(1);
        return B(`!${this.ebv(a(0))}`);
      case 'boolean':
        arity(1);
        return B(this.ebv(a(0)));
      case 'true':
      case 'false':
        arity(0);
        return B(name);
      case 'count': {
        arity(1);
        const c = a(0);
        if (c.type === 'nodes' || c.type === 'strings') return { code: `${c.code}.length`, type: 'integer' };
        if (c.type === 'empty') return { code: '0', type: 'integer' };
        return { code: `X.evaluatedThen(1, ${c.code})`, type: 'integer' };
      }
      case 'exists':
      case 'empty': {
        arity(1);
        const c = a(0);
        const exists = c.type === 'nodes' || c.type === 'strings' ? `(${c.code}.length !== 0)` : c.type === 'empty' ? 'false' : `X.evaluatedThen(true, ${c.code})`;
        return B(name === 'exists' ? exists : `!${exists}`);
      }
      case 'string': {
        arity(0, 1);
        if (args.length === 0) return S(`X.sv(${ctxNode()})`);
        return S(this.atomicAsString(a(0), 'string', 1));
      }
      case 'string-length': {
        arity(0, 1);
        const v = args.length === 0 ? `X.sv(${ctxNode()})` : this.stringArg(a(0), name, 1);
        return { code: `X.stringLength(${v})`, type: 'integer' };
      }
      case 'normalize-space': {
        arity(0, 1);
        const v = args.length === 0 ? `X.sv(${ctxNode()})` : this.stringArg(a(0), name, 1);
        return S(`X.normalizeSpace(${v})`);
      }
      case 'concat': {
        if (args.length < 2) this.fail('concat() takes at least 2 arguments');
        return S(`(${args.map((_, i) => this.atomicAsString(a(i), 'concat', i + 1)).join(' + ')})`);
      }
      case 'contains':
      case 'starts-with':
      case 'ends-with': {
        arity(2);
        const method = { contains: 'includes', 'starts-with': 'startsWith', 'ends-with': 'endsWith' }[name];
        return B(`${this.stringArg(a(0), name, 1)}.${method}(${this.stringArg(a(1), name, 2)})`);
      }
      case 'substring': {
        arity(2, 3);
        const rest = args.length === 3 ? `, ${this.numberArg(a(2), name, 3)}` : '';
        return S(`X.substring(${this.stringArg(a(0), name, 1)}, ${this.numberArg(a(1), name, 2)}${rest})`);
      }
      case 'translate':
        arity(3);
        return S(`X.translate(${this.stringArg(a(0), name, 1)}, ${this.stringArg(a(1), name, 2)}, ${this.stringArg(a(2), name, 3)})`);
      case 'matches': {
        arity(2, 3);
        const pattern = this.literalString(args[1]!, 'the pattern of matches()');
        const flags = args.length === 3 ? this.literalString(args[2]!, 'the flags of matches()') : '';
        const re = this.regex(pattern, flags);
        return B(`${re}.test(${this.stringArg(a(0), name, 1)})`);
      }
      case 'number': {
        arity(0, 1);
        if (args.length === 0) return { code: `X.number(X.sv(${ctxNode()}))`, type: 'double' };
        const c = a(0);
        if (c.type === 'nodes') return { code: `X.number(X.opt1(${c.code}, 'number', 1))`, type: 'double' };
        if (c.type === 'node') return { code: `X.number(X.sv(${c.code}))`, type: 'double' };
        if (c.type === 'string') return { code: `X.number(${c.code})`, type: 'double' };
        if (c.type === 'strings') return { code: `X.number(X.strsOpt1(${c.code}, 'number', 1))`, type: 'double' };
        if (isNumeric(c.type)) return { code: `(${c.code})`, type: 'double' };
        if (c.type === 'boolean') return { code: `(${c.code} ? 1 : 0)`, type: 'double' };
        return { code: 'NaN', type: 'double' };
      }
      case 'name':
      case 'local-name':
      case 'namespace-uri': {
        arity(0, 1);
        const fn = { name: 'nodeName', 'local-name': 'localName', 'namespace-uri': 'namespaceUri' }[name];
        if (args.length === 0) return S(`X.${fn}(${ctxNode()})`);
        const c = a(0);
        if (c.type === 'node') return S(`X.${fn}(${c.code})`);
        if (c.type === 'nodes' || c.type === 'empty') return S(`X.${fn}(X.one(${c.code}, '${name}', 1))`);
        return this.fail(`${name}() needs a node`);
      }
      default:
        return this.fail(`function ${name}() is not supported`);
    }
  }

  private literalString(e: Expr, what: string): string {
    if (e.t === 'str') return e.v;
    if (e.t === 'var') {
      const g = this.global(e.name);
      const l = g.kind === 'const' ? this.schema.globals.find((x) => x.name === e.name) : undefined;
      const parsed = l ? parseXPath(l.value) : undefined;
      if (parsed?.t === 'str') return parsed.v;
    }
    return this.fail(`${what} must be a literal string`);
  }

  private regex(pattern: string, flags: string): string {
    let t: { source: string; flags: string };
    try {
      t = translateRegex(pattern, flags, this.opts.regexCategories);
    } catch (e) {
      return this.fail((e as Error).message);
    }
    return this.hoist(`re:${flags}:${pattern}`, (n) => `const ${n} = new RegExp(${JSON.stringify(t.source)}, ${JSON.stringify(t.flags)}); // ${pattern.replace(/\n/g, ' ')}`, 'RE');
  }

  // ---- paths -----------------------------------------------------------------------------------------------

  private testFn(axis: string, test: NodeTest): string {
    const principalAttr = axis === 'attribute';
    const key = `${axis}:${JSON.stringify(test)}`;
    let code: string;
    switch (test.kind) {
      case 'node':
        code = 'X.test.node';
        break;
      case 'text':
        code = 'X.test.text';
        break;
      case 'comment':
        code = 'X.test.comment';
        break;
      case 'pi':
        code = test.target === undefined ? 'X.test.pi()' : `X.test.pi(${JSON.stringify(test.target)})`;
        break;
      case 'any-name':
        code = 'X.test.anyElement';
        break;
      case 'prefix-wild':
        code = `X.test.elementNs(${this.nsCode(test.prefix)})`;
        break;
      case 'local-wild':
        code = `X.test.elementLocal(${JSON.stringify(test.local)})`;
        break;
      case 'name':
        code = `X.test.element(${this.nsCode(test.prefix)}, ${JSON.stringify(test.local)})`;
        break;
    }
    if (principalAttr) this.fail('attribute tests are compiled separately');
    if (code.startsWith('X.test.') && !code.includes('(')) return code;
    return this.hoist(key, (n) => `const ${n} = ${code};`, 'T');
  }

  /** One axis step from a single node (code of an XNode), predicates applied. */
  private axisStep(from: string, step: Extract<Step, { t: 'axis' }>, s: Scope): string {
    const { axis, test } = step;
    let code: string;
    switch (axis) {
      case 'child':
        code = test.kind === 'name' ? `X.child(${from}, ${this.nsCode(test.prefix)}, ${JSON.stringify(test.local)})` : `X.childWhere(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'attribute':
        if (test.kind === 'name') code = `X.attr(${from}, ${this.nsCode(test.prefix)}, ${JSON.stringify(test.local)})`;
        else if (test.kind === 'any-name' || test.kind === 'node') code = `X.attrWhere(${from}, () => true)`;
        else if (test.kind === 'prefix-wild') code = `X.attrWhere(${from}, (a) => a.ns === ${this.nsCode(test.prefix)})`;
        else if (test.kind === 'local-wild') code = `X.attrWhere(${from}, (a) => a.local === ${JSON.stringify(test.local)})`;
        else code = 'X.EMPTY';
        break;
      case 'parent':
        code = test.kind === 'node' ? `X.parent(${from})` : `X.filter(X.parent(${from}), ${this.testFn(axis, test)})`;
        break;
      case 'self':
        code = test.kind === 'node' ? `[${from}]` : `X.self(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'namespace':
        if (test.kind === 'name' && test.prefix === '') code = `X.namespaceAxis(${from}, ${JSON.stringify(test.local)})`;
        else if (test.kind === 'any-name' || test.kind === 'node') code = `X.namespaceAxis(${from}, null)`;
        else code = 'X.EMPTY';
        break;
      case 'following':
        code = `X.following(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'following-sibling':
        code = `X.followingSibling(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'preceding':
        code = `X.preceding(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'preceding-sibling':
        code = `X.precedingSibling(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'descendant':
        code = `X.descendant(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'descendant-or-self':
        code = `X.descendantOrSelf(${from}, ${this.testFn(axis, test)})`;
        break;
      case 'ancestor':
      case 'ancestor-or-self':
        code = `X.ancestor(${from}, ${this.testFn(axis, test)}, ${axis === 'ancestor-or-self'})`;
        break;
    }
    return this.predicates(code, step.preds, s);
  }

  private predicates(code: string, preds: Expr[], s: Scope): string {
    for (const p of preds) {
      const v = `c${++this.tmp}`;
      const inner: Scope = { ...s, ctx: v, ctxType: 'node' };
      const c = this.expr(p, inner);
      if (isNumeric(c.type)) {
        if (c.code !== String(Number(c.code))) this.fail('only literal positional predicates are supported');
        code = `X.at(${code}, ${c.code})`;
      } else {
        code = `X.filter(${code}, (${v}: XNode) => ${this.ebv(c)})`;
      }
    }
    return code;
  }

  private path(e: Extract<Expr, { t: 'path' }>, s: Scope): C {
    let cur: C;
    let steps = e.steps;
    if (e.root === '/' || e.root === '//') {
      if (!isNodes(s.ctxType) || s.ctxType === 'nodes') this.fail('a path from the root needs a node as context item');
      const root = `X.root(${s.ctx})`;
      if (e.root === '/') cur = { code: root, type: 'node' };
      else {
        const first = steps[0];
        if (first && first.t === 'axis' && first.axis === 'child' && first.test.kind === 'name' && first.preds.length === 0) {
          // //ns:local — every element of that name, from the per-document index
          cur = { code: `X.byName(${root}, ${this.nsCode(first.test.prefix)}, ${JSON.stringify(first.test.local)})`, type: 'nodes' };
          steps = steps.slice(1);
        } else {
          cur = { code: `X.descendantOrSelf(${root}, X.test.node)`, type: 'nodes' };
        }
      }
    } else {
      cur = { code: s.ctx, type: s.ctxType };
    }
    for (const [i, step] of steps.entries()) {
      const last = i === steps.length - 1;
      if (step.t === 'axis') {
        if (cur.type === 'node') cur = { code: this.axisStep(cur.code, step, s), type: 'nodes' };
        else if (cur.type === 'nodes' || cur.type === 'empty') {
          const v = `n${++this.tmp}`;
          cur = { code: `X.stepMany(${cur.code}, (${v}: XNode) => ${this.axisStep(v, step, { ...s, ctx: v, ctxType: 'node' })})`, type: 'nodes' };
        } else this.fail(`a path step after a ${cur.type} value`);
        continue;
      }
      // A filter expression as a step: evaluated for each context node.
      if (i === 0 && e.root === '') {
        cur = this.expr(step.primary, s);
        if (step.preds.length) {
          if (!isNodes(cur.type)) this.fail('predicates on atomic values are not supported');
          cur = { code: this.predicates(this.asNodes(cur), step.preds, s), type: 'nodes' };
        }
        continue;
      }
      if (!isNodes(cur.type)) this.fail(`a path step after a ${cur.type} value`);
      const v = `n${++this.tmp}`;
      const inner: Scope = { ...s, ctx: v, ctxType: 'node' };
      const r = this.expr(step.primary, inner);
      if (step.preds.length) this.fail('predicates on a filter step are not supported');
      if (isNodes(r.type)) {
        cur = { code: `X.stepMany(${this.asNodes(cur)}, (${v}: XNode) => ${this.asNodes(r)})`, type: 'nodes' };
      } else {
        if (!last) this.fail('an atomic step must be the last step of a path');
        if (r.type !== 'string') this.fail(`an atomic path step of type ${r.type} is not supported`);
        cur = { code: `X.mapAtomic(${this.asNodes(cur)}, (${v}: XNode) => ${r.code})`, type: 'strings' };
      }
    }
    return cur;
  }

  // ---- messages and assertions -----------------------------------------------------------------------------

  message(parts: MessagePart[]): string {
    const s: Scope = { ctx: 'n', ctxType: 'node' };
    const pieces: string[] = [];
    for (const p of parts) {
      if (p.t === 'text') {
        // The stylesheet drops whitespace-only text between its instructions.
        if (/^[ \t\n\r]*$/.test(p.v)) continue;
        pieces.push(JSON.stringify(p.v));
      } else if (p.t === 'name') {
        pieces.push(p.path ? this.call('name', [parseXPath(p.path)], s).code : 'X.nodeName(n)');
      } else {
        const c = this.expr(parseXPath(p.select), s);
        pieces.push(this.valueOf(c));
      }
    }
    return pieces.length ? pieces.join(' + ') : "''";
  }

  private valueOf(c: C): string {
    switch (c.type) {
      case 'nodes':
        return `X.joinValues(${c.code})`;
      case 'node':
        return `X.sv(${c.code})`;
      case 'strings':
        return `${c.code}.join(' ')`;
      case 'empty':
        return "''";
      default:
        return this.atomicAsString(c, 'value-of', 1);
    }
  }

  assertionTest(a: Assertion, lets: Map<string, (s: Scope) => C>): string {
    const s: Scope = { ctx: 'n', ctxType: 'node', lets };
    return this.ebv(this.expr(parseXPath(a.test), s));
  }

  emit(): string {
    this.checkGlobals();
    const patternsCode: string[] = [];
    const checks = new Map<string, string>();
    const messages = new Map<string, string>();
    const fnFor = (map: Map<string, string>, key: string, prefix: string, body: () => string, ret: string): string => {
      const found = map.get(key);
      if (found) return found;
      const name = `${prefix}${map.size + 1}`;
      map.set(key, name);
      this.hoisted.push(`function ${name}(n: XNode, d: DocContext): ${ret} {\n  return ${body()};\n}`);
      return name;
    };
    for (const p of this.schema.patterns) {
      const rules: string[] = [];
      for (const r of p.rules) {
        this.where = `rule ${r.context}`;
        const match = parseMatchPattern(r.context);
        const last = match.steps[match.steps.length - 1];
        if (!last) this.fail('empty rule context');
        const matchSteps = [...match.steps].reverse().map((st) => ({
          sep: st.sep,
          axis: st.axis,
          ...this.matchTest(st.test),
        }));
        const lets = new Map<string, (s: Scope) => C>();
        for (const l of r.lets) {
          const parsed = parseXPath(l.value);
          lets.set(l.name, (s) => this.expr(parsed, s));
        }
        const asserts: string[] = [];
        for (const a of r.assertions) {
          this.where = `rule ${r.context}, ${a.ruleId}: ${a.test}`;
          // Checks depend on the test (and the rule's lets) only, so rules sharing an abstract rule share them.
          const letKey = r.lets.map((l) => `${l.name}=${l.value}`).join(';');
          const check = fnFor(checks, `${letKey}|${a.test}`, 'check', () => this.assertionTest(a, lets), 'boolean');
          const msgKey = `${letKey}|${JSON.stringify(a.message)}`;
          const message = fnFor(messages, msgKey, 'message', () => this.message(a.message), 'string');
          const fields = [
            `kind: '${a.kind}'`,
            `ruleId: ${JSON.stringify(a.ruleId)}`,
            `test: ${JSON.stringify(svrlTestForm(normalizeXmlSpace(a.test)))}`,
            ...(a.role !== undefined ? [`role: ${JSON.stringify(a.role)}`] : []),
            ...(a.flag !== undefined ? [`flag: ${JSON.stringify(a.flag)}`] : []),
            `check: ${check}`,
            `message: ${message}`,
          ];
          asserts.push(`      { ${fields.join(', ')} },`);
        }
        rules.push(
          `    {\n      context: ${JSON.stringify(r.context)},\n      absolute: ${match.absolute},\n      match: ${JSON.stringify(matchSteps)},\n      assertions: [\n${asserts.map((x) => `  ${x}`).join('\n')}\n      ],\n    },`,
        );
      }
      patternsCode.push(`  {\n    id: ${JSON.stringify(p.id)},\n    rules: [\n${rules.join('\n')}\n    ],\n  },`);
    }
    const exportsCode = Object.entries(this.opts.exports).map(([k, v]) => `export const ${k} = ${JSON.stringify(v, null, 2)} as const;`);
    return [
      ...this.opts.header.map((h) => `// ${h}`),
      '/* eslint-disable */',
      `import * as X from '${this.opts.runtimeImport}';`,
      `import type { DocContext } from '${this.opts.runtimeImport}';`,
      `import type { XNode } from '${this.opts.treeImport}';`,
      `import type { CompiledPattern } from '${this.opts.typesImport}';`,
      '',
      ...exportsCode,
      `export const externalParams = ${JSON.stringify(this.opts.externalParams)} as const;`,
      `/** Rules GİB wrote outside any pattern: the reference skeleton never applies them. */`,
      `export const inactiveRules = ${JSON.stringify(this.schema.inactiveRules, null, 2)} as const;`,
      '',
      ...this.hoisted,
      '',
      `export const patterns: CompiledPattern[] = [\n${patternsCode.join('\n')}\n];`,
      '',
    ].join('\n');
  }

  private matchTest(t: NodeTest): { ns?: string; local?: string } {
    switch (t.kind) {
      case 'name':
        return { ns: this.ns(t.prefix), local: t.local };
      case 'any-name':
        return {};
      case 'prefix-wild':
        return { ns: this.ns(t.prefix) };
      case 'local-wild':
        return { local: t.local };
      default:
        return this.fail(`node test ${t.kind}() is not supported in a rule context`);
    }
  }
}

/** The skeleton writes the SVRL's test attribute whitespace-normalised. */
function normalizeXmlSpace(s: string): string {
  return s.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '').replace(/[ \t\n\r]+/g, ' ');
}

interface Scope {
  ctx: string;
  ctxType: T;
  lets?: Map<string, (s: Scope) => C>;
}

export function emitSchematron(schema: Schema, opts: EmitOptions): string {
  return new Emitter(schema, opts).emit();
}

/** Compiles one XPath expression against a context node `n` (for tests of the compiler itself). */
export function compileExpression(
  schema: Pick<Schema, 'namespaces'>,
  xpath: string,
  opts: Pick<EmitOptions, 'regexCategories'>,
): { code: string; type: string; hoisted: string } {
  const em = new Emitter({ namespaces: schema.namespaces, params: [], globals: [], patterns: [], inactiveRules: [], files: [] }, {
    externalParams: [],
    regexCategories: opts.regexCategories,
    header: [],
    exports: {},
    runtimeImport: '',
    treeImport: '',
    typesImport: '',
  });
  em.where = xpath;
  const c = em.expr(parseXPath(xpath), { ctx: 'n', ctxType: 'node' });
  return { code: c.code, type: c.type, hoisted: (em as unknown as { hoisted: string[] }).hoisted.join('\n') };
}
