import type { ExportEntry } from '../../core/documents/export';

/** The demo company the outbox unit tests send for. */
export const OUTBOX_VKN = '4703101339';

/** A valid e-Fatura export entry numbered n (ETTN, number and ERP key derived from n), with fields overridden. */
export function outboxEntry(n: number, over: Partial<ExportEntry> = {}): ExportEntry {
  return {
    erpRef: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: String(n) },
    companyVkn: OUTBOX_VKN,
    erpNumber: `SAT${n}`,
    issueDate: '2026-03-01',
    ettn: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    number: `KNF2026${String(n).padStart(9, '0')}`,
    profile: 'TEMELFATURA',
    type: 'SATIS',
    currency: 'TRY',
    valid: true,
    issues: [],
    ...over,
  };
}
