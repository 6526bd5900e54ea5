import type { ReceiptOperations } from './mustahsilService';
import { NS } from './soap';

/**
 * ─── INFERRED CONTRACT ─────────────────────────────────────────────────────────────────────────────────────────
 * QNB publishes no e-SMM web-service operation: none is in its guides, its WSDLs or any public client (searched
 * `serbestMeslekMakbuz*`, `SerbestMeslekWebService`: efinans-despatch-receipts-ledger.md §2.1 and open question 1).
 * What is known: QNB creates e-SMM in its own system and reports them to GİB the next day [C qnbefinans.com/e-smm];
 * the MustahsilWebService belgeDTO already carries the e-SMM amounts (brutUcret, netUcret, netTahsilat, kdvTevkifat-
 * Tutar, stpj… buckets) and a `tip`, so one backend probably serves both receipts [I]; GİB's report names the
 * records `mustahsilMakbuz` and `serbestMeslekMakbuz` [C ubl-tr.md §7].
 *
 * Inference used until QNB confirms the contract: a sibling of MustahsilWebService on the same e-Arşiv host and
 * namespace, `…/earsiv/ws/SerbestMeslekMakbuzWebService`, whose operations follow the mustahsilMakbuz* pattern
 * with the report's record name: serbestMeslekMakbuzOlustur(input, belge), …Sorgula, …IptalEt, …IptaliKaldir, and
 * rapordaBelgeSorgula; same `input` JSON and earsivServiceResult answers. Everything e-SMM-specific about the wire
 * is this one object: when QNB names the real service, change it here (and the sandbox serves whatever it says).
 * ───────────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
export const ESMM_CONTRACT: { serviceName: string; namespace: string; operations: ReceiptOperations; confirmed: false } = {
  serviceName: 'SerbestMeslekMakbuzWebService',
  namespace: NS.earsiv,
  operations: {
    create: 'serbestMeslekMakbuzOlustur',
    query: 'serbestMeslekMakbuzSorgula',
    cancel: 'serbestMeslekMakbuzIptalEt',
    undoCancel: 'serbestMeslekMakbuzIptaliKaldir',
    reportStatus: 'rapordaBelgeSorgula',
    documentParam: 'belge',
  },
  confirmed: false,
};

/** MustahsilWebService lives beside EarsivWebService on the e-Arşiv host [C: QNB test host earsivtest…/earsiv/ws/]. */
export const MUSTAHSIL_SERVICE_NAME = 'MustahsilWebService';

/** The receipt services' URLs: the e-Arşiv service's folder with the service's own name. */
export function receiptServiceUrls(earsivService: string): { mustahsil: string; esmm: string } {
  return {
    mustahsil: new URL(MUSTAHSIL_SERVICE_NAME, earsivService).toString(),
    esmm: new URL(ESMM_CONTRACT.serviceName, earsivService).toString(),
  };
}
