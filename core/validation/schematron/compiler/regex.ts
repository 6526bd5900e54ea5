/**
 * XPath regular expressions (fn:matches) translated to JavaScript the way the reference engine, SaxonJS, does it:
 * the pattern goes to a JavaScript RegExp with the `u` flag; `\d` becomes the Unicode Nd ranges of SaxonJS's own
 * category table (not JavaScript's `\d`, not the newer `\p{Nd}`), `\w`/`\p{…}` likewise; every other escape,
 * `.`, `^`, `$` and `\s` keep their JavaScript meaning, exactly as SaxonJS leaves them. The category table is
 * taken from the installed SaxonJS at generation time, so the generated checks and the reference agree.
 */

/** Category name → ranges as [fromHex, toHex]; a one-letter category lists its members joined by '|'. */
export type RegexCategories = Record<string, [string, string][] | string>;

export class RegexError extends Error {}

function hex4(n: number): string {
  const h = n.toString(16).toUpperCase();
  return n > 0xffff ? `\\u{${h}}` : `\\u${h.padStart(4, '0')}`;
}

function rangesOf(cats: RegexCategories, names: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const name of names) {
    const v = cats[name];
    if (v === undefined) throw new RegexError(`unknown character category ${name}`);
    if (typeof v === 'string') out.push(...rangesOf(cats, v.split('|')));
    else for (const [a, b] of v) out.push([parseInt(a, 16), parseInt(b, 16)]);
  }
  return out;
}

/** The ranges as class content (inside [ ]) or as a whole class; negated by complementing the ranges. */
function classText(ranges: [number, number][], inClass: boolean, negate: boolean, sort: boolean): string {
  let rs = sort ? [...ranges].sort((a, b) => a[0] - b[0]) : ranges;
  if (negate) {
    const comp: [number, number][] = [];
    if (rs[0]![0] !== 0) comp.push([0, rs[0]![0] - 1]);
    for (let i = 1; i < rs.length; i++) {
      const from = rs[i - 1]![1] + 1;
      const to = rs[i]![0] - 1;
      if (to >= from) comp.push([from, to]);
    }
    if (rs[rs.length - 1]![1] < 0x10ffff) comp.push([rs[rs.length - 1]![1] + 1, 0x10ffff]);
    rs = comp;
  }
  let s = '';
  for (const [a, b] of rs) s += b > a ? `${hex4(a)}-${hex4(b)}` : hex4(a);
  return inClass ? s : `[${s}]`;
}

const ALLOWED_ESCAPES = 'nrt\\|.-^?*+{}()[]pPsSiIcCdDwW$';

/** Translates an XPath regex (flags limited to none, i, m, s, x) into a JavaScript RegExp source and flags. */
export function translateRegex(pattern: string, flags: string, cats: RegexCategories): { source: string; flags: string } {
  if (/[^imsx]/.test(flags)) throw new RegexError(`regex flags '${flags}' are not supported`);
  const has = (f: string): boolean => flags.includes(f);
  let out = '';
  let depth = 0; // inside [ ]
  let groups = 0;
  const open: number[] = [];
  let quantifiable = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    switch (c) {
      case '[':
        if (depth > 0) throw new RegexError('nested square brackets');
        if (/-\[/.test(pattern.slice(i + 1, pattern.indexOf(']', i + 1) + 1))) throw new RegexError('character class subtraction is not supported');
        if (pattern[i + 1] === ']') throw new RegexError('character group is empty');
        depth++;
        out += c;
        break;
      case ']':
        if (depth === 0) throw new RegexError("unmatched ']'");
        depth--;
        out += c;
        quantifiable = true;
        break;
      case '(':
        if (depth === 0) {
          let capturing = true;
          if (pattern[i + 1] === '?') {
            if (pattern[i + 2] !== ':') throw new RegexError("'(?' must be followed by ':'");
            capturing = false;
          }
          open.push(capturing ? ++groups : -1);
          quantifiable = false;
        }
        out += c;
        break;
      case ')':
        if (depth === 0) {
          if (open.length === 0) throw new RegexError("unmatched ')'");
          open.pop();
        }
        out += c;
        quantifiable = true;
        break;
      case '.':
        out += depth === 0 && has('s') ? '[^]' : c;
        quantifiable = true;
        break;
      case '{': {
        if (depth === 0) {
          const end = pattern.indexOf('}', i + 1);
          if (!quantifiable || end < 0 || !/^[0-9]+(,[0-9]*)?$/.test(pattern.slice(i + 1, end))) throw new RegexError(`invalid quantifier at ${i}`);
          quantifiable = false;
        }
        out += c;
        break;
      }
      case ' ':
      case '\n':
      case '\r':
      case '\t':
        if (!has('x') || depth > 0) out += c;
        quantifiable = true;
        break;
      case '\\': {
        const e = pattern[i + 1];
        if (e === undefined) throw new RegexError('no character for escape code');
        if (!ALLOWED_ESCAPES.includes(e) && !(depth === 0 && /[0-9]/.test(e))) throw new RegexError(`\\${e} is not allowed in XPath regular expressions`);
        const inClass = depth > 0;
        if (e === 'p' || e === 'P') {
          const end = pattern.indexOf('}', i);
          const name = pattern.slice(i + 3, end);
          const v = cats[name];
          if (v === undefined) throw new RegexError(`unknown category ${name}`);
          out += classText(rangesOf(cats, [name]), inClass, e === 'P', name.length === 1);
          i = end;
        } else if (e === 'd') {
          out += classText(rangesOf(cats, ['Nd']), inClass, false, false);
          i++;
        } else if (e === 'w' || e === 'W') {
          const w = cats.w;
          if (typeof w !== 'string') throw new RegexError('the category table has no \\w definition');
          out += classText(rangesOf(cats, w.split('|')), inClass, e === 'W', true);
          i++;
        } else if ('iIcC'.includes(e)) {
          throw new RegexError(`\\${e} is not supported`);
        } else if (e === '-') {
          out += inClass ? '\\-' : '-';
          i++;
        } else if (/[0-9]/.test(e)) {
          throw new RegexError('back-references are not supported');
        } else {
          out += `\\${e}`;
          i++;
        }
        quantifiable = true;
        break;
      }
      default:
        out += c;
        quantifiable = true;
    }
  }
  if (depth > 0) throw new RegexError("unmatched '['");
  if (open.length > 0) throw new RegexError("unmatched '('");
  const jsFlags = `${has('i') ? 'i' : ''}${has('m') ? 'm' : ''}u`;
  try {
    new RegExp(out, jsFlags);
  } catch (e) {
    throw new RegexError(`invalid regular expression /${pattern}/: ${(e as Error).message}`);
  }
  return { source: out, flags: jsFlags };
}
