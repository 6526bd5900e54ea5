import { describe, expect, it } from 'vitest';
import type { ExportEntry } from '../../core/documents/export';
import { assignEttn, assignNumber } from '../../core/documents/numbering';
import type { EarsivClient, EfaturaClient, OutgoingStatus } from '../../core/integrator/types';
import { isResendable } from '../../core/api/documents';
import { enqueueValid } from '../../core/outbox/enqueue';
import { pollStatuses } from '../../core/outbox/poller';
import { renumberAfterProcessingError } from '../../core/outbox/renumber';
import { sendQueued } from '../../core/outbox/sender';
import { entryByEttn, historyOf } from '../../core/outbox/store';
import { openLocalStore } from '../../db/local';

const ERP_GUID = '6f0c2a1e-8d4b-4c1e-9a55-0d7c1f2e3a4b';
const ref = { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: '7' };
const key = { companyVkn: '4703101339', module: 'efatura', ref };
const series = { prefix: 'KNF', year: 2026 };

describe('durum 2: a new number and ETTN, only by the user’s action', () => {
  it('fails the document, offers no plain resend, and renumbers it once when asked; the rebuilt document goes with the new identity', async () => {
    const db = await openLocalStore(':memory:');
    const statuses = new Map<string, OutgoingStatus>();
    const efatura = {
      async sendInvoice(req: { localDocNo: string }) {
        statuses.set(req.localDocNo, { durum: 2, gonderimDurumu: -1, gonderimCevabiKodu: 0, yanitDurumu: -1, aciklama: 'Belge işlenirken hata oluştu' });
        return { belgeOid: `oid-${req.localDocNo}` };
      },
      async outgoingStatus(_vkn: string, k: { value: string }) {
        return statuses.get(k.value);
      },
    } as unknown as EfaturaClient;
    const first = await assignEttn(db, key, ERP_GUID);
    const firstNumber = await assignNumber(db, key, series);
    const exportEntry = (ettn: string, number: string): ExportEntry =>
      ({ erpRef: ref, companyVkn: key.companyVkn, erpNumber: 'SAT7', issueDate: '2026-03-10', ettn, number, profile: 'TEMELFATURA', type: 'SATIS', currency: 'TRY', valid: true, issues: [] }) as ExportEntry;
    await enqueueValid(db, 'efatura', exportEntry(first.ettn, firstNumber), '<Invoice>1</Invoice>');
    await sendQueued({ store: db, efatura, earsiv: {} as EarsivClient });
    await pollStatuses({ store: db, efatura });
    const failed = (await entryByEttn(db, first.ettn))!;
    expect(failed).toMatchObject({ state: 'failed', gibCode: 'DURUM_2', number: 'KNF2026000000001' });
    // Never automatic: a plain resend of the same ETTN and number is not offered.
    expect(isResendable(failed)).toBe(false);

    const outcome = await renumberAfterProcessingError(db, first.ettn, 'ayse');
    expect(outcome).toMatchObject({ erpNumber: 'SAT7', oldEttn: first.ettn, oldNumber: 'KNF2026000000001' });
    expect(outcome.newEttn).not.toBe(first.ettn);
    await expect(renumberAfterProcessingError(db, first.ettn, 'ayse')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_RENUMBERABLE' });
    expect(isResendable((await entryByEttn(db, first.ettn))!)).toBe(false);

    // The next send reads the document again: the ERP's GUID no longer wins, and the series moves on.
    const again = await assignEttn(db, key, ERP_GUID);
    expect(again.ettn).toBe(outcome.newEttn);
    expect(await assignNumber(db, key, series)).toBe('KNF2026000000002');
    await enqueueValid(db, 'efatura', exportEntry(again.ettn, 'KNF2026000000002'), '<Invoice>2</Invoice>');
    const requeued = (await entryByEttn(db, outcome.newEttn))!;
    expect(requeued).toMatchObject({ id: failed.id, state: 'queued', number: 'KNF2026000000002' });
    expect(await entryByEttn(db, first.ettn)).toBeUndefined();
    const history = await historyOf(db, failed.id);
    expect(history.map((h) => h.detail ?? '').join('\n')).toContain(`ETTN ${first.ettn} and number KNF2026000000001 given up`);
    await db.destroy();
  });

  it('refuses a document that did not fail with the processing error, changing nothing', async () => {
    const db = await openLocalStore(':memory:');
    const id = await assignEttn(db, key);
    await enqueueValid(db, 'efatura', { erpRef: ref, companyVkn: key.companyVkn, erpNumber: 'SAT7', issueDate: '2026-03-10', ettn: id.ettn, number: 'KNF2026000000001', profile: 'TEMELFATURA', type: 'SATIS', currency: 'TRY', valid: true, issues: [] } as ExportEntry, '<Invoice/>');
    await expect(renumberAfterProcessingError(db, id.ettn, 'ayse')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_RENUMBERABLE' });
    expect((await assignEttn(db, key)).ettn).toBe(id.ettn);
    await expect(renumberAfterProcessingError(db, '00000000-0000-4000-8000-000000000000', 'ayse')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_IN_OUTBOX' });
    await db.destroy();
  });
});
