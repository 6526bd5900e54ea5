import { KonnektorError } from '../errors';
import type { SoapFaultInfo } from './soap';
import type { CallContext } from './transport';

/**
 * What an integrator refusal means for the caller. Business errors on connectorService arrive as SOAP faults with a
 * free-text faultstring and no numeric code (integrator-api.md §17), so the classes below rest on the strings that
 * sources report (`username.pwd.mismatch`, "Kullanıcı adı veya şifre hatalı.", "Hash hatası") plus the standard
 * WS-Security fault codes. Anything else is a plain INTEGRATOR_FAULT that is not retried, unless the text asks to
 * try again later.
 *
 * `details.transient` tells the outbox what is worth another attempt: network trouble, timeouts, 5xx and "try
 * later" faults are; wrong passwords, hash and validation faults are not.
 */
export type FaultClass = 'auth' | 'session' | 'hash' | 'duplicate' | 'noCredit' | 'retryLater' | 'other';

/** Standard WS-Security fault codes (OASIS WSS 1.0 §12). */
const WSSE_AUTH_CODES = /(^|:)(FailedAuthentication|InvalidSecurity|InvalidSecurityToken|FailedCheck|SecurityTokenUnavailable)$/;
const AUTH_TEXT =
  /username\.pwd\.mismatch|kullan[ıi]c[ıi]\s+ad[ıi]\s+(veya|ya\s+da)\s+[şs]ifre|[şs]ifre(niz)?\s+(hatal[ıi]|yanl[ıi][şs])|invalid\s+(user\s*name|password|credentials)|authentication\s+failed|unauthori[sz]ed|kullan[ıi]c[ıi]\s+(kilitlen|bloke)|user\s+(is\s+)?(locked|blocked)/i;
/** A wsLogin session that is gone: worth one new login (session mode), an authentication failure otherwise. */
const SESSION_TEXT = /oturum|session|giri[şs]\s+yap(ın|iniz|manız)|login\s+required|not\s+logged\s+in/i;
const HASH_TEXT = /\bhash\b|özet\s+de[ğg]er/i;
const DUPLICATE_TEXT =
  /daha\s+önce\b.*\b(gönderil|kaydedil|kayded|kullan[ıi]l|al[ıi]n|olu[şs]tur)|zaten\s+(mevcut|kay[ıi]tl[ıi]|gönderil|var)|mükerrer|already\s+exists?|duplicate|sistemde\s+(mevcut|kay[ıi]tl[ıi])/i;
/**
 * The account's kontör (credit) is used up. QNB's exact wording is not documented (integrator-api.md §13); this
 * matches the usual Turkish and English phrasings. It is about the account, not the document: every further document
 * would be refused the same way.
 */
const NO_CREDIT_TEXT = /kont[öo]r\S*\s+(bakiye\S*\s+)?(yetersiz|bitmi[şs]|kalmam[ıi][şs]|yok)|bakiye\S*\s+yetersiz|insufficient\s+(credit|balance)|no\s+credits?\s+left/i;
const RETRY_LATER_TEXT = /tekrar\s+deneyin|daha\s+sonra\s+(tekrar\s+)?dene|ge[çc]ici\s+(olarak|bir)|temporar|try\s+again|service\s+unavailable|zaman\s+a[şs][ıi]m[ıi]/i;

export function classifyFault(fault: SoapFaultInfo): FaultClass {
  const text = `${fault.faultstring}\n${fault.detail ?? ''}`;
  if (WSSE_AUTH_CODES.test(fault.faultcode) || AUTH_TEXT.test(text)) return 'auth';
  if (HASH_TEXT.test(text)) return 'hash';
  if (DUPLICATE_TEXT.test(text)) return 'duplicate';
  if (NO_CREDIT_TEXT.test(text)) return 'noCredit';
  if (SESSION_TEXT.test(text)) return 'session';
  // A client fault is about our request: sending it again changes nothing.
  if (!/(^|:)Client$/i.test(fault.faultcode) && RETRY_LATER_TEXT.test(text)) return 'retryLater';
  return 'other';
}

const AUTH_ADVICE =
  'Not retried: a client that keeps presenting a wrong password gets the integrator user blocked. Check the WS user and ' +
  'password (the portal forces a password change every 3 months; use a dedicated WS user).';

export function authError(ctx: CallContext, why: string, details: Record<string, unknown> = {}): KonnektorError {
  return new KonnektorError('INTEGRATOR_AUTH_FAILED', `${ctx.operation}: eFinans refused the credentials (${why}). ${AUTH_ADVICE}`, {
    ...ctx,
    ...details,
    transient: false,
  });
}

export function faultError(fault: SoapFaultInfo, ctx: CallContext, httpStatus: number, cls = classifyFault(fault)): KonnektorError {
  const details = { ...ctx, faultcode: fault.faultcode, faultstring: fault.faultstring, httpStatus, ...(fault.detail ? { faultDetail: fault.detail } : {}) };
  switch (cls) {
    case 'auth':
    case 'session':
      return authError(ctx, fault.faultstring || fault.faultcode, details);
    case 'hash':
      return new KonnektorError(
        'INTEGRATOR_HASH_MISMATCH',
        `${ctx.operation}: eFinans reports a hash error (“${fault.faultstring}”): belgeHash is not the MD5 of the bytes in veri (double base64 encoding is the usual cause)`,
        { ...details, transient: false },
      );
    case 'duplicate':
      return new KonnektorError('INTEGRATOR_DUPLICATE', `${ctx.operation}: eFinans already has this document (“${fault.faultstring}”)`, { ...details, transient: false });
    case 'noCredit':
      return new KonnektorError('INTEGRATOR_NO_CREDIT', `${ctx.operation}: eFinans reports the account's credit (kontör) is used up: ${fault.faultstring}`, { ...details, transient: false });
    case 'retryLater':
      return new KonnektorError('INTEGRATOR_FAULT', `${ctx.operation}: eFinans fault, retry later: ${fault.faultstring}`, { ...details, transient: true });
    default:
      return new KonnektorError('INTEGRATOR_FAULT', `${ctx.operation}: eFinans fault ${fault.faultcode}: ${fault.faultstring}`, { ...details, transient: false });
  }
}

/** An HTTP error status without a SOAP fault in the body. */
export function httpError(status: number, ctx: CallContext, bodyStart: string): KonnektorError {
  // 5xx, 429 and 408 pass; 404/405/3xx mean a wrong address and stay wrong.
  const transient = status >= 500 || status === 429 || status === 408;
  return new KonnektorError('INTEGRATOR_HTTP_ERROR', `${ctx.operation}: HTTP ${status} without a SOAP answer`, {
    ...ctx,
    status,
    transient,
    ...(bodyStart ? { bodyStart } : {}),
  });
}

export function badResponse(ctx: CallContext, why: string, transient: boolean, extra: Record<string, unknown> = {}): KonnektorError {
  return new KonnektorError('INTEGRATOR_BAD_RESPONSE', `${ctx.operation}: unexpected answer from eFinans: ${why}`, { ...ctx, ...extra, transient });
}
