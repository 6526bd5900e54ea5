/**
 * A parser for XPath 1.0 (W3C REC-xpath-19991116), used to accept or refuse the expressions of an invoice's view
 * stylesheet before anything compiles them. It accepts exactly the 1.0 grammar — no `if`, `for`, `let`, `!`, `||`,
 * `=>`, `#`, `?`, `{…}`, EQNames, comments, sequences — and returns the names of the functions the expression calls,
 * so the caller can hold them against its own list. What it does not recognise is an error, never a guess.
 */

export class XPathSyntaxError extends Error {}

type Token =
  | { k: 'punct'; v: '(' | ')' | '[' | ']' | '.' | '..' | '@' | ',' | '::' }
  | { k: 'op'; v: string }
  | { k: 'name'; v: string }
  | { k: 'nodetype'; v: string }
  | { k: 'func'; v: string }
  | { k: 'axis'; v: string }
  | { k: 'literal'; v: string }
  | { k: 'number'; v: string }
  | { k: 'var'; v: string };

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F\u2040A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const WHITESPACE = /[\x20\x09\x0D\x0A]/;
const OPERATOR_NAMES = new Set(['and', 'or', 'mod', 'div']);
const NODE_TYPES = new Set(['comment', 'text', 'processing-instruction', 'node']);
export const XPATH1_AXES = new Set([
  'ancestor',
  'ancestor-or-self',
  'attribute',
  'child',
  'descendant',
  'descendant-or-self',
  'following',
  'following-sibling',
  'namespace',
  'parent',
  'preceding',
  'preceding-sibling',
  'self',
]);

/** XPath 1.0 §3.7: after these (or at the start) a `*` is a name test and an NCName is not an operator. */
function operandMayFollow(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.k === 'op') return true;
  return prev.k === 'punct' && (prev.v === '@' || prev.v === '::' || prev.v === '(' || prev.v === '[' || prev.v === ',');
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new XPathSyntaxError(`${why} at position ${i + 1}`);
  };
  const readNcName = (): string => {
    const start = i;
    if (!NAME_START.test(expr[i] ?? '')) fail('a name was expected');
    i++;
    while (i < expr.length && NAME_CHAR.test(expr[i]!)) i++;
    return expr.slice(start, i);
  };
  const nextNonSpace = (from: number): number => {
    let j = from;
    while (j < expr.length && WHITESPACE.test(expr[j]!)) j++;
    return j;
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    const prev = tokens.at(-1);
    if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',' || c === '@') {
      tokens.push({ k: 'punct', v: c });
      i++;
    } else if (c === '.') {
      if (expr[i + 1] === '.') {
        tokens.push({ k: 'punct', v: '..' });
        i += 2;
      } else if (/[0-9]/.test(expr[i + 1] ?? '')) {
        const m = /^\.[0-9]+/.exec(expr.slice(i))!;
        tokens.push({ k: 'number', v: m[0] });
        i += m[0].length;
      } else {
        tokens.push({ k: 'punct', v: '.' });
        i++;
      }
    } else if (c === ':') {
      if (expr[i + 1] !== ':') fail('a lone ":" is not XPath 1.0');
      tokens.push({ k: 'punct', v: '::' });
      i += 2;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]*)?/.exec(expr.slice(i))!;
      tokens.push({ k: 'number', v: m[0] });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) fail('a string literal is not closed');
      tokens.push({ k: 'literal', v: expr.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '$') {
      i++;
      let name = readNcName();
      if (expr[i] === ':' && expr[i + 1] !== ':') {
        i++;
        name += `:${readNcName()}`;
      }
      tokens.push({ k: 'var', v: name });
    } else if (c === '*') {
      tokens.push(operandMayFollow(prev) ? { k: 'name', v: '*' } : { k: 'op', v: '*' });
      i++;
    } else if (c === '/') {
      if (expr[i + 1] === '/') {
        tokens.push({ k: 'op', v: '//' });
        i += 2;
      } else {
        tokens.push({ k: 'op', v: '/' });
        i++;
      }
    } else if (c === '|' || c === '+' || c === '-' || c === '=') {
      tokens.push({ k: 'op', v: c });
      i++;
    } else if (c === '!' && expr[i + 1] === '=') {
      tokens.push({ k: 'op', v: '!=' });
      i += 2;
    } else if (c === '<' || c === '>') {
      if (expr[i + 1] === '=') {
        tokens.push({ k: 'op', v: `${c}=` });
        i += 2;
      } else {
        tokens.push({ k: 'op', v: c });
        i++;
      }
    } else if (NAME_START.test(c)) {
      const start = i;
      const ncname = readNcName();
      if (!operandMayFollow(prev)) {
        if (!OPERATOR_NAMES.has(ncname)) {
          i = start;
          fail(`"${ncname}" cannot follow an operand here (XPath 1.0 has only the operators and, or, div, mod)`);
        }
        tokens.push({ k: 'op', v: ncname });
        continue;
      }
      let name = ncname;
      let prefixed = false;
      if (expr[i] === ':' && expr[i + 1] !== ':') {
        i++;
        if (expr[i] === '*') {
          i++;
          tokens.push({ k: 'name', v: `${ncname}:*` });
          continue;
        }
        name += `:${readNcName()}`;
        prefixed = true;
      }
      const after = nextNonSpace(i);
      if (expr[after] === '(') {
        tokens.push(!prefixed && NODE_TYPES.has(name) ? { k: 'nodetype', v: name } : { k: 'func', v: name });
      } else if (!prefixed && expr[after] === ':' && expr[after + 1] === ':') {
        tokens.push({ k: 'axis', v: name });
      } else {
        tokens.push({ k: 'name', v: name });
      }
    } else {
      fail(`"${c}" is not XPath 1.0`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  readonly functions: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  parse(): void {
    if (this.tokens.length === 0) throw new XPathSyntaxError('the expression is empty');
    this.orExpr();
    if (this.pos < this.tokens.length) throw new XPathSyntaxError(`unexpected ${describe(this.tokens[this.pos]!)}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t?.k === 'op' && ops.includes(t.v);
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.k === 'punct' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isPunct(v)) {
      const t = this.peek();
      throw new XPathSyntaxError(`expected "${v}"${t ? `, found ${describe(t)}` : ' at the end'}`);
    }
    this.pos++;
  }

  private binary(ops: string[], next: () => void): void {
    next();
    while (this.isOp(...ops)) {
      this.pos++;
      next();
    }
  }

  private orExpr = (): void => this.binary(['or'], this.andExpr);
  private andExpr = (): void => this.binary(['and'], this.equalityExpr);
  private equalityExpr = (): void => this.binary(['=', '!='], this.relationalExpr);
  private relationalExpr = (): void => this.binary(['<', '>', '<=', '>='], this.additiveExpr);
  private additiveExpr = (): void => this.binary(['+', '-'], this.multiplicativeExpr);
  private multiplicativeExpr = (): void => this.binary(['*', 'div', 'mod'], this.unaryExpr);

  private unaryExpr = (): void => {
    while (this.isOp('-')) this.pos++;
    this.binary(['|'], this.pathExpr);
  };

  private startsStep(t: Token | undefined): boolean {
    if (!t) return false;
    if (t.k === 'name' || t.k === 'nodetype' || t.k === 'axis') return true;
    return t.k === 'punct' && (t.v === '@' || t.v === '.' || t.v === '..');
  }

  private pathExpr = (): void => {
    const t = this.peek();
    if (!t) throw new XPathSyntaxError('the expression ends too early');
    if (t.k === 'op' && (t.v === '/' || t.v === '//')) {
      this.pos++;
      if (t.v === '//' || this.startsStep(this.peek())) this.relativePath();
      return;
    }
    if (t.k === 'var' || t.k === 'literal' || t.k === 'number' || t.k === 'func' || (t.k === 'punct' && t.v === '(')) {
      this.primaryExpr();
      while (this.isPunct('[')) this.predicate();
      if (this.isOp('/', '//')) {
        this.pos++;
        this.relativePath();
      }
      return;
    }
    this.relativePath();
  };

  private relativePath(): void {
    this.step();
    while (this.isOp('/', '//')) {
      this.pos++;
      this.step();
    }
  }

  private step(): void {
    const t = this.peek();
    if (!t) throw new XPathSyntaxError('a location step is missing at the end');
    if (t.k === 'punct' && (t.v === '.' || t.v === '..')) {
      this.pos++;
      return;
    }
    if (t.k === 'axis') {
      if (!XPATH1_AXES.has(t.v)) throw new XPathSyntaxError(`"${t.v}" is not an XPath 1.0 axis`);
      this.pos++;
      this.expect('::');
    } else if (t.k === 'punct' && t.v === '@') {
      this.pos++;
    }
    this.nodeTest();
    while (this.isPunct('[')) this.predicate();
  }

  private nodeTest(): void {
    const t = this.peek();
    if (t?.k === 'name') {
      this.pos++;
      return;
    }
    if (t?.k === 'nodetype') {
      this.pos++;
      this.expect('(');
      if (t.v === 'processing-instruction' && this.peek()?.k === 'literal') this.pos++;
      this.expect(')');
      return;
    }
    throw new XPathSyntaxError(t ? `a node test was expected, found ${describe(t)}` : 'a node test is missing at the end');
  }

  private predicate(): void {
    this.expect('[');
    this.orExpr();
    this.expect(']');
  }

  private primaryExpr(): void {
    const t = this.peek()!;
    if (t.k === 'var' || t.k === 'literal' || t.k === 'number') {
      this.pos++;
      return;
    }
    if (t.k === 'punct' && t.v === '(') {
      this.pos++;
      this.orExpr();
      this.expect(')');
      return;
    }
    // A function call: the only other primary expression of XPath 1.0.
    this.functions.push(t.v);
    this.pos++;
    this.expect('(');
    if (!this.isPunct(')')) {
      this.orExpr();
      while (this.isPunct(',')) {
        this.pos++;
        this.orExpr();
      }
    }
    this.expect(')');
  }
}

function describe(t: Token): string {
  switch (t.k) {
    case 'literal':
      return 'a string';
    case 'number':
      return `the number ${t.v}`;
    case 'var':
      return `$${t.v}`;
    default:
      return `"${t.v}"`;
  }
}

/** Parses one XPath 1.0 expression (or XSLT 1.0 pattern) and returns the functions it calls, in order. */
export function parseXPath1(expr: string): { functions: string[] } {
  const parser = new Parser(tokenize(expr));
  parser.parse();
  return { functions: parser.functions };
}

/**
 * The expressions of an attribute value template (XSLT 1.0 §7.6.2): `{expr}` parts, with `{{` and `}}` standing for
 * literal braces. A brace inside a string literal of an expression does not end it.
 */
export function avtExpressions(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === '{') {
      if (value[i + 1] === '{') {
        i += 2;
        continue;
      }
      let j = i + 1;
      let quote: string | undefined;
      for (; j < value.length; j++) {
        const d = value[j]!;
        if (quote) {
          if (d === quote) quote = undefined;
        } else if (d === '"' || d === "'") quote = d;
        else if (d === '}') break;
        else if (d === '{') throw new XPathSyntaxError('"{" inside an attribute value template expression');
      }
      if (j >= value.length) throw new XPathSyntaxError('an attribute value template expression is not closed');
      out.push(value.slice(i + 1, j));
      i = j + 1;
    } else if (c === '}') {
      if (value[i + 1] !== '}') throw new XPathSyntaxError('a lone "}" in an attribute value template');
      i += 2;
    } else {
      i++;
    }
  }
  return out;
}
