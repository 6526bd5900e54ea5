/**
 * The first character XML 1.0 does not allow in a document (§2.2 Char: tab, line feed, carriage return, U+0020–
 * U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; so no other control character, no lone surrogate, no U+FFFE/U+FFFF).
 */
export function forbiddenXmlChar(text: string): string | undefined {
  return /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text)?.[0];
}
