/**
 * Text from the ERP is text. xmlbuilder2 escapes `<` and `>` but leaves every `&` that already looks like an entity
 * (`&amp;`, `&lt;`, `&#65;`, even `&nbsp;`) as it is, so an ERP name holding `&amp;` would reach the invoice as `&`
 * (and `&nbsp;` as an undefined entity). Handing it every `&` already written as `&amp;` makes the output carry the
 * text exactly once escaped, whatever it contains.
 */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;');
}

/** Attribute values: the same rule. */
export function xmlAttributes(attrs: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!attrs) return attrs;
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, xmlText(v)]));
}

/**
 * The first character XML 1.0 does not allow in a document (§2.2 Char: tab, line feed, carriage return, U+0020–
 * U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; so no other control character, no lone surrogate, no U+FFFE/U+FFFF).
 */
export function forbiddenXmlChar(text: string): string | undefined {
  return /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text)?.[0];
}
