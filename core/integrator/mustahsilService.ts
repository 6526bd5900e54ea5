import type { Element } from '@xmldom/xmldom';
import zlib from 'node:zlib';
import type { SoapCaller } from './caller';
import { badResponse } from './faults';
import { NS, childText, childrenNamed, entries, type Field } from './soap';
import { endpointLabel } from './transport';

/**
 * QNB's MustahsilWebService (e-MM), exactly as its WSDL names it [C] (coderserdar/QNBFinansGIB, Web References/
 * GIBEMustahsil/MustahsilWebService0.wsdl + MustahsilWebService.xsd; efinans-despatch-receipts-ledger.md §2.1):
 * namespace `http://service.earsiv.uut.cs.com.tr/` (the EarsivWebService family), document/literal wrappers whose
 * parameters are unqualified elements:
 *
 *   mustahsilMakbuzOlustur(input, belge{belgeFormati, belgeIcerigi}) → mustahsilMakbuzOlusturResponse{output?, return}
 *   mustahsilMakbuzSorgula(input)                                     → {output?, return}
 *   mustahsilMakbuzIptalEt(input) / mustahsilMakbuzIptaliKaldir(input) → {return}
 *   mustahsilMakbuzListeSorgula(input)                                → {return, output: belgeDTO*}
 *   rapordaBelgeSorgula(input)                                        → {return}   (resultExtra: raporlandi …)
 *   raporDurumSorgula(donem)                                          → {return}
 *
 * `return` is an earsivServiceResult{resultCode, resultExtra{entry{key, value}}, resultText}; AE00000 is success and
 * business errors are result codes, not faults. `input` is a JSON string written as escaped XML text (never CDATA).
 *
 * Input keys: create `{islemId, vkn, sube, kasa}`, query/preview `{islemId, uuid, vkn, sube, kasa, erpKodu,
 * donenBelgeFormati}` [R: [CSER] DisServisler.cs]. The keys of IptalEt, IptaliKaldir, ListeSorgula and
 * rapordaBelgeSorgula are not published [?]; Konnektör sends the query's keys (`uuid`, `vkn`) plus `belgeNo`,
 * mirroring EarsivWebService's faturaIptalEt/rapordaFaturaSorgula [I] — they are built in `inputFor` below, the one
 * place to correct once QNB confirms them.
 */
export const MUSTAHSIL_OK = 'AE00000';
const DEFAULT_BRANCH = 'DFLT';
/** donenBelgeFormati 9: no document in the answer (as EarsivWebService). */
const NO_DOCUMENT = 9;
/** "Not found" answers of the EarsivWebService family (integrator-api.md §14). */
const UNKNOWN = new Set(['AE00002', 'AE00042']);

export interface ReceiptServiceResult {
  resultCode: string;
  resultText?: string;
  /** Every resultExtra entry (belgeNo, uuid, raporlandi, iptalTarihi…). */
  extra: Record<string, string>;
  /** The document the service returned (output{belgeFormati, belgeIcerigi}), unpacked. */
  output?: { format: string; content: Buffer };
}

/** A receipt at the integrator, as the outbox keys it. */
export interface ReceiptKey {
  senderVkn: string;
  /** ETTN; also the operation id (islemId), which makes a retried create idempotent. */
  uuid: string;
  /** The receipt number (belgeNo). */
  number?: string;
}

/** What the integrator says about a receipt and GİB's report. */
export interface ReceiptReportStatus {
  /** The receipt was included in a report sent to GİB. */
  reported: boolean;
  /** The cancellation was reported too. */
  cancellationReported?: boolean;
  detail?: string;
}

/** One service's receipt operations (e-MM: MustahsilWebService; e-SMM: see esmmService.ts). */
export interface ReceiptServiceClient {
  create(key: ReceiptKey, xml: Buffer): Promise<ReceiptServiceResult>;
  /** undefined when the integrator does not know the receipt. */
  query(key: ReceiptKey): Promise<ReceiptServiceResult | undefined>;
  cancel(key: ReceiptKey): Promise<ReceiptServiceResult>;
  undoCancel(key: ReceiptKey): Promise<ReceiptServiceResult>;
  reportStatus(key: ReceiptKey): Promise<ReceiptReportStatus | undefined>;
}

/** The operation names of one receipt service: MustahsilWebService's are QNB's [C]; e-SMM's are inferred. */
export interface ReceiptOperations {
  create: string;
  query: string;
  cancel: string;
  undoCancel: string;
  reportStatus: string;
  /** The name of the document element of `create`. */
  documentParam: string;
}

export const MUSTAHSIL_OPERATIONS: ReceiptOperations = {
  create: 'mustahsilMakbuzOlustur',
  query: 'mustahsilMakbuzSorgula',
  cancel: 'mustahsilMakbuzIptalEt',
  undoCancel: 'mustahsilMakbuzIptaliKaldir',
  reportStatus: 'rapordaBelgeSorgula',
  documentParam: 'belge',
};

export interface ReceiptServiceOptions {
  url: URL;
  erpCode: string;
  operations: ReceiptOperations;
  namespace?: string;
  branch?: string;
  till?: string;
}

/** The `input` JSON of each operation (the inferred keys live here, see above). */
function inputFor(operation: keyof Omit<ReceiptOperations, 'documentParam'>, key: ReceiptKey, o: ReceiptServiceOptions): Record<string, unknown> {
  const place = { vkn: key.senderVkn, sube: o.branch || DEFAULT_BRANCH, kasa: o.till || DEFAULT_BRANCH };
  if (operation === 'create') return { islemId: key.uuid, ...place, erpKodu: o.erpCode, donenBelgeFormati: NO_DOCUMENT };
  if (operation === 'query') return { islemId: key.uuid, uuid: key.uuid, ...place, erpKodu: o.erpCode, donenBelgeFormati: NO_DOCUMENT };
  return { uuid: key.uuid, vkn: key.senderVkn, ...(key.number ? { belgeNo: key.number } : {}) };
}

function unpack(content: Buffer): Buffer {
  return content[0] === 0x1f && content[1] === 0x8b ? zlib.gunzipSync(content) : content;
}

export function createReceiptServiceClient(caller: SoapCaller, options: ReceiptServiceOptions): ReceiptServiceClient {
  const endpoint = endpointLabel(options.url);
  const ns = options.namespace ?? NS.earsiv;
  const call = (operation: string, params: readonly Field[]) => caller.call({ url: options.url, namespace: ns, operation, params });

  function result(response: Element, operation: string): ReceiptServiceResult {
    const ret = childrenNamed(response, 'return')[0];
    const resultCode = ret ? childText(ret, 'resultCode') : undefined;
    if (!ret || !resultCode) throw badResponse({ operation, endpoint }, 'no resultCode in the answer', false);
    const out = childrenNamed(response, 'output')[0];
    const content = out ? childText(out, 'belgeIcerigi') : undefined;
    const resultText = childText(ret, 'resultText');
    return {
      resultCode,
      ...(resultText ? { resultText } : {}),
      extra: entries(childrenNamed(ret, 'resultExtra')[0]),
      ...(out && content ? { output: { format: childText(out, 'belgeFormati') ?? 'UBL', content: unpack(Buffer.from(content, 'base64')) } } : {}),
    };
  }

  const simple = async (op: 'cancel' | 'undoCancel', key: ReceiptKey) => {
    const operation = options.operations[op];
    return result(await call(operation, [['input', JSON.stringify(inputFor(op, key, options))]]), operation);
  };

  return {
    async create(key, xml) {
      const operation = options.operations.create;
      const response = await call(operation, [
        ['input', JSON.stringify(inputFor('create', key, options))],
        [options.operations.documentParam, [['belgeFormati', 'UBL'], ['belgeIcerigi', xml.toString('base64')]]],
      ]);
      return result(response, operation);
    },
    async query(key) {
      const operation = options.operations.query;
      const r = result(await call(operation, [['input', JSON.stringify(inputFor('query', key, options))]]), operation);
      return UNKNOWN.has(r.resultCode) ? undefined : r;
    },
    cancel: (key) => simple('cancel', key),
    undoCancel: (key) => simple('undoCancel', key),
    async reportStatus(key) {
      const operation = options.operations.reportStatus;
      const r = result(await call(operation, [['input', JSON.stringify(inputFor('reportStatus', key, options))]]), operation);
      if (UNKNOWN.has(r.resultCode)) return undefined;
      if (r.resultCode !== MUSTAHSIL_OK) throw badResponse({ operation, endpoint }, `${r.resultCode} ${r.resultText ?? ''}`.trim(), false);
      // rapordaFaturaSorgula's fields (efinans-despatch-receipts-ledger.md §4.3): raporlandi, iptal_raporlandi [C for e-Arşiv, I here].
      const yes = (v: string | undefined) => v === 'true' || v === '1' || v === 'EVET';
      return {
        reported: yes(r.extra.raporlandi),
        ...(r.extra.iptal_raporlandi !== undefined ? { cancellationReported: yes(r.extra.iptal_raporlandi) } : {}),
        ...(r.extra.bolumRaporNo ? { detail: `rapor bölümü ${r.extra.bolumRaporNo}` } : {}),
      };
    },
  };
}
