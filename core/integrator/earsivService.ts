import type { Element } from '@xmldom/xmldom';
import { KonnektorError } from '../errors';
import type { SoapCaller } from './caller';
import { badResponse } from './faults';
import { NS, childText, childrenNamed, entries, type Field } from './soap';
import { endpointLabel } from './transport';
import type { EarsivClient, EarsivCreateRequest, EarsivReportStatus, EarsivResult } from './types';

/**
 * EarsivWebService (integrator-api.md §14): parameters travel as a JSON string in `input` — written as escaped XML
 * text, never CDATA, which the service does not read ("No content to map") — plus, for faturaOlusturExt, the UBL
 * as `fatura{belgeFormati, belgeIcerigi}` with belgeIcerigi the raw UBL bytes in base64.
 *
 * Results: every AE code comes back in the EarsivResult (AE00000 is success); only transport trouble, SOAP faults
 * and unreadable answers throw. `earsivError` turns a non-success result into the KonnektorError the outbox needs.
 */
export interface EarsivOptions {
  url: URL;
  erpCode: string;
  /** The module's `sube` / `kasa` (settings); a request's own values win, `DFLT` when neither names one. */
  branch?: string;
  till?: string;
}

export const EARSIV_OK = 'AE00000';
/** donenBelgeFormati 9: no document in the answer (AE00085 enforces the value list). */
export const DONEN_BELGE_FORMATI_NONE = 9;
const DEFAULT_BRANCH = 'DFLT';

/** "Invoice not registered" / "UUID not found": faturaSorgula's way of saying the invoice does not exist. */
const UNKNOWN_INVOICE = new Set(['AE00002', 'AE00042']);
/** System error, invoice still being processed: worth another attempt later. */
const TRANSIENT_AE = new Set(['AE00001', 'AE00044']);
/** Number, islemId or UUID already used; exists and signed. */
const DUPLICATE_AE = new Set(['AE00009', 'AE00014', 'AE00020', 'AE00051']);

/** The KonnektorError for an e-Arşiv result other than AE00000 (details.aeCode, details.transient). */
export function earsivError(result: EarsivResult, operation = 'faturaOlusturExt'): KonnektorError {
  const text = `${result.resultCode} ${result.resultText ?? ''}`.trim();
  const details = { operation, aeCode: result.resultCode, ...(result.resultText ? { resultText: result.resultText } : {}) };
  if (DUPLICATE_AE.has(result.resultCode)) return new KonnektorError('INTEGRATOR_DUPLICATE', `${operation}: ${text}`, { ...details, transient: false });
  return new KonnektorError('INTEGRATOR_FAULT', `${operation}: ${text}`, { ...details, transient: TRANSIENT_AE.has(result.resultCode) });
}

export function createEarsivClient(caller: SoapCaller, options: EarsivOptions): EarsivClient {
  const endpoint = endpointLabel(options.url);
  const call = (operation: string, params: readonly Field[]) => caller.call({ url: options.url, namespace: NS.earsiv, operation, params });

  function result(response: Element, operation: string): EarsivResult {
    const ret = childrenNamed(response, 'return')[0];
    const resultCode = ret ? childText(ret, 'resultCode') : undefined;
    if (!ret || !resultCode) throw badResponse({ operation, endpoint }, 'no resultCode in the answer', false);
    const extra = entries(childrenNamed(ret, 'resultExtra')[0]);
    const resultText = childText(ret, 'resultText');
    return {
      resultCode,
      ...(resultText ? { resultText } : {}),
      ...(extra.faturaNo ? { faturaNo: extra.faturaNo } : {}),
      ...(extra.uuid ? { uuid: extra.uuid } : {}),
      ...(extra.faturaURL ? { faturaURL: extra.faturaURL } : {}),
      ...(Object.keys(extra).length > 0 ? { resultExtra: extra } : {}),
    };
  }

  return {
    async createInvoice(req: EarsivCreateRequest) {
      const operation = 'faturaOlusturExt';
      // islemId = ETTN: the service answers a repeated islemId with the invoice it already made, so a retry is safe.
      const input = {
        islemId: req.islemId,
        vkn: req.senderVkn,
        sube: req.branch || options.branch || DEFAULT_BRANCH,
        kasa: req.till || options.till || DEFAULT_BRANCH,
        erpKodu: options.erpCode,
        donenBelgeFormati: DONEN_BELGE_FORMATI_NONE,
      };
      const response = await call(operation, [
        ['input', JSON.stringify(input)],
        [
          'fatura',
          [
            ['belgeFormati', 'UBL'],
            ['belgeIcerigi', req.xml.toString('base64')],
          ],
        ],
      ]);
      return result(response, operation);
    },

    async queryInvoice(senderVkn: string, uuid: string) {
      const operation = 'faturaSorgula';
      const response = await call(operation, [['input', JSON.stringify({ vkn: senderVkn, faturaUuid: uuid, donenBelgeFormati: DONEN_BELGE_FORMATI_NONE })]]);
      const r = result(response, operation);
      return UNKNOWN_INVOICE.has(r.resultCode) ? undefined : r;
    },

    async cancelInvoice(senderVkn: string, uuid: string, faturaNo: string) {
      const operation = 'faturaIptalEt';
      const response = await call(operation, [['input', JSON.stringify({ vkn: senderVkn, faturaUuid: uuid, faturaNo })]]);
      return result(response, operation);
    },

    async undoCancelInvoice(senderVkn: string, uuid: string, faturaNo?: string) {
      const operation = 'faturaIptaliKaldir';
      const response = await call(operation, [['input', JSON.stringify({ vkn: senderVkn, faturaUuid: uuid, ...(faturaNo ? { faturaNo } : {}) })]]);
      return result(response, operation);
    },

    async reportStatus(senderVkn: string, uuid: string): Promise<EarsivReportStatus | undefined> {
      const operation = 'rapordaFaturaSorgula';
      const response = await call(operation, [['input', JSON.stringify({ vkn: senderVkn, faturaUuid: uuid })]]);
      const r = result(response, operation);
      if (UNKNOWN_INVOICE.has(r.resultCode)) return undefined;
      if (r.resultCode !== EARSIV_OK) throw earsivError(r, operation);
      const extra = r.resultExtra ?? {};
      const flag = (v: string | undefined) => v !== undefined && /^(true|1|evet)$/i.test(v.trim());
      if (extra.raporlandi === undefined) throw badResponse({ operation, endpoint }, 'no raporlandi in the answer', false);
      return {
        reported: flag(extra.raporlandi),
        ...(extra.iptal_raporlandi !== undefined ? { cancellationReported: flag(extra.iptal_raporlandi) } : {}),
        ...(extra.bolumRaporNo ? { reportPart: extra.bolumRaporNo } : {}),
      };
    },
  };
}
