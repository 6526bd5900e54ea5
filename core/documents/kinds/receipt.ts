import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KonnektorError } from '../../errors';
import { EARSIV_OK } from '../../integrator/earsivService';
import type { ReceiptServiceClient } from '../../integrator/mustahsilService';
import type { DocumentValidator, ValidationResult } from '../../validation';
import { validateAgainstGibXsd } from '../../validation/xsd';
import { turkeyDateTime } from '../../time';
import type { DocumentIssue } from '../issues';
import type { StoredTotal } from '../model';
import { checkReceiptXml, type ReceiptKind } from '../receipts/rules';
import type { ViewStylesheet } from '../ubl/invoice';
import type { KindCancellation, KindCheckContext, KindClient, KindOutbox, KindRoute, KindWriteBack } from './types';

/**
 * What e-MM and e-SMM share as document kinds: the EARSIVBELGE route, GİB's XSD plus Konnektör's rule set instead of
 * GİB's schematron, an EarsivWebService-family client, the outbox's report follow-up and cancellation.
 */
export const RECEIPT_PROFILE_ID = 'EARSIVBELGE';

export async function routeReceipt(): Promise<KindRoute> {
  return { profile: RECEIPT_PROFILE_ID, issues: [] };
}

/** GİB's XSD of the root, then the receipt rule set; no GİB schematron (it does not know these documents). */
export function receiptChecks(kind: ReceiptKind, root: 'Invoice' | 'CreditNote') {
  return async (validator: DocumentValidator, xmls: readonly string[], ctx: KindCheckContext): Promise<ValidationResult[]> =>
    xmls.map((xml) => {
      const t0 = performance.now();
      const xsd = validateAgainstGibXsd(xml, { gibPackage: validator.gibPackage, expectedRoot: root });
      const t1 = performance.now();
      // A document that is not the schema's cannot be read reliably by the rules: XSD issues come alone.
      const rules = xsd.length > 0 ? [] : checkReceiptXml(xml, kind, { codelists: ctx.codelists, today: ctx.today });
      const issues = [...xsd, ...rules].map((i) => ({ ...i, source: i.source as 'xml' | 'xsd' | 'schematron' }));
      return { valid: issues.length === 0, issues, timings: { xsdMs: t1 - t0, schematronMs: performance.now() - t1 } };
    });
}

/** The totals guard for receipts: the net the program stored must be the net of the built receipt. */
export function checkStoredNet(stored: StoredTotal | undefined, net: string): DocumentIssue[] {
  if (!stored || stored.amount.toFixed(2) === net) return [];
  return [{ source: 'totals', rule: 'KNK_TOTALS_MISMATCH', message: `Muhasebe programındaki net tutar (${stored.amount.toFixed(2)}, ${stored.field}) hesaplanan net tutarla (${net}) aynı değil.` }];
}

/** A receipt service answer other than AE00000, as the outbox's KonnektorError. */
function refusal(operation: string, r: { resultCode: string; resultText?: string }): KonnektorError {
  const text = `${operation}: ${r.resultCode} ${r.resultText ?? ''}`.trim();
  // Operation id, number or UUID already used: the receipt is there (a retry after a lost answer).
  if (['AE00009', 'AE00014', 'AE00020', 'AE00051'].includes(r.resultCode)) return new KonnektorError('INTEGRATOR_DUPLICATE', text, { operation, aeCode: r.resultCode, transient: false });
  return new KonnektorError('INTEGRATOR_FAULT', text, { operation, aeCode: r.resultCode, transient: r.resultCode === 'AE00001' || r.resultCode === 'AE00044' });
}

/** The outbox operations of a receipt service: synchronous create (delivered at once), lookup by ETTN, cancel, report. */
export function receiptClient(service: ReceiptServiceClient): KindClient {
  const key = (d: { senderVkn: string; ettn: string; number?: string }) => ({ senderVkn: d.senderVkn, uuid: d.ettn, ...(d.number ? { number: d.number } : {}) });
  return {
    async send(d) {
      const r = await service.create(key(d), d.xml);
      if (r.resultCode !== EARSIV_OK) throw refusal('create', r);
      return { state: 'delivered', gibCode: r.resultCode, ...(r.extra.belgeNo ? { detail: r.extra.belgeNo } : {}) };
    },
    // islemId = ETTN: a receipt in doubt is found by it, and a retry of the same islemId is answered, not duplicated.
    async lookup(d) {
      const r = await service.query(key(d));
      return r?.resultCode === EARSIV_OK ? { state: 'delivered' } : undefined;
    },
    followDuplicates: true,
    async cancel(d) {
      const r = await service.cancel(key(d));
      if (r.resultCode !== EARSIV_OK) throw refusal('cancel', r);
      return { ...(r.extra.iptalTarihi ? { detail: `iptal ${r.extra.iptalTarihi}` } : {}) };
    },
    async undoCancel(d) {
      const r = await service.undoCancel(key(d));
      if (r.resultCode !== EARSIV_OK) throw refusal('undoCancel', r);
      return {};
    },
    reportStatus: (d) => service.reportStatus(key(d)),
  };
}

/**
 * Receipts are reported by the integrator to GİB in the report of the next day; cancelling one is an e-Arşiv-style
 * cancellation within 8 days of its delivery (e-Arşiv Fatura / e-SMM İptal-İtiraz Bildirim Kılavuzu: 8-day window
 * [R] izsmmmo.org.tr, muhasebedr.com; the same window is applied to e-MM [I]).
 */
export const RECEIPT_CANCELLATION: KindCancellation = {
  windowDays: 8,
  source: 'e-Arşiv/e-SMM iptal kılavuzu: teslimden itibaren 8 gün [R]; e-MM için aynı süre [I]',
  undo: true,
};

export const RECEIPT_OUTBOX: KindOutbox = {
  states: ['pending', 'built', 'validated', 'queued', 'delivered', 'cancelled', 'failed', 'invalid'],
  followed: false,
  reported: true,
};

export const RECEIPT_WRITE_BACK: KindWriteBack = { fields: ['ettn', 'number', 'status', 'gibCode', 'message'], statuses: ['delivered', 'cancelled', 'failed'] };

/** The receipt's date in Türkiye, for checks that need "today". */
export const todayInTurkey = (now = new Date()) => turkeyDateTime(now).date;

/** Konnektör's receipt view (both receipts): gross, each deduction and tax, what is paid, the amount in words. */
export const RECEIPT_XSLT_PATH = fileURLToPath(new URL('../ubl/stylesheets/konnektor-makbuz.xslt', import.meta.url));
let receiptXslt: ViewStylesheet | undefined;
export function receiptView(): ViewStylesheet {
  if (!receiptXslt) {
    try {
      receiptXslt = { name: 'konnektor-makbuz', content: fs.readFileSync(RECEIPT_XSLT_PATH, 'utf8') };
    } catch (e) {
      throw new KonnektorError('FILE_NOT_FOUND', `the receipt view stylesheet is missing: ${RECEIPT_XSLT_PATH}`, { file: RECEIPT_XSLT_PATH }, { cause: e });
    }
  }
  return receiptXslt;
}
