/**
 * Keeping passwords out of what is shown, logged or saved. Two ways, both needed:
 * - a server URL is redacted by finding its credentials the way the connection finds them (the WHATWG URL parser
 *   that db/erp.ts uses): the userinfo is everything of the authority before its last `@`, so a password with `@`,
 *   `:` or `%40` in it is hidden whole; an address the parser refuses is redacted up to its last `@`;
 * - every password Konnektör has been handed (ERP connections, integrator logins) is remembered for this process
 *   and masked wherever it appears in a log line, however the text around it was written.
 */

const MASK = '***';

/** Passwords seen by this process (and their percent-encoded forms): masked in every log line. */
const known = new Set<string>();

/** Remembers a password so that no log line shows it. Too short a value would mask ordinary words: ignored. */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 4) return;
  known.add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) known.add(encoded);
}

/** Masks every remembered password in a text; the longest first, so one that contains another is masked whole. */
export function maskKnownSecrets(text: string): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A server or service URL with its password replaced by `***` (the user name stays, it helps support); the text
 * unchanged when it carries none. Parses like `new URL` does: the authority ends at the first `/`, `?` or `#`,
 * and the credentials end at the authority's last `@`.
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url);
  if (!scheme) return url;
  const start = scheme[0].length;
  let parses = true;
  try {
    new URL(url.trim());
  } catch {
    parses = false;
  }
  const rest = url.slice(start);
  if (parses) {
    // A backslash ends the authority only in the web's own schemes (http, https, ws, wss, ftp, file).
    const special = /^(https?|wss?|ftp|file):/i.test(url);
    const authorityEnd = rest.search(special ? /[/?#\\]/ : /[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at < 0) return url;
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return url; // a user name without a password
    return `${url.slice(0, start)}${userinfo.slice(0, colon)}:${MASK}${rest.slice(at)}`;
  }
  // Not a URL the connection would use; whatever stands before its last `@` may still be a typed password.
  const at = rest.lastIndexOf('@');
  if (at >= 0) return `${url.slice(0, start)}${MASK}${rest.slice(at)}`;
  const colon = rest.indexOf(':');
  return colon < 0 ? url : `${url.slice(0, start)}${rest.slice(0, colon)}:${MASK}`;
}

/**
 * Remembers the password of a server URL as the connection reads it, and — when the URL does not parse — whatever
 * stands between the user name and the last `@`, which is what the user meant as the password.
 */
export function registerUrlSecrets(url: string): void {
  const scheme = SCHEME.exec(url.trim());
  if (!scheme) return;
  try {
    const parsed = new URL(url.trim());
    registerSecret(parsed.password);
    try {
      registerSecret(decodeURIComponent(parsed.password));
    } catch {
      // not decodable: the raw form is registered
    }
  } catch {
    const rest = url.trim().slice(scheme[0].length);
    const at = rest.lastIndexOf('@');
    const colon = rest.indexOf(':');
    if (at > 0 && colon >= 0 && colon < at) registerSecret(rest.slice(colon + 1, at));
  }
}

/** Every remembered password masked and every URL's credentials redacted in a free text (a log line, a driver's message). */
export function redactText(text: string): string {
  // Masking first: a password with a space would otherwise split the URL it stands in.
  return maskKnownSecrets(text).replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi, (m) => redactUrl(m));
}
