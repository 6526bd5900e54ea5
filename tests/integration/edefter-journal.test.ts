import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector } from '../../connectors/contract';
import { getConnector } from '../../connectors/registry';
import { checkJournal } from '../../core/edefter/checks';
import { monthBounds, type LedgerEntry } from '../../core/edefter/model';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoJournal } from '../../sandbox/demo/journal';
import { readMikroJournal } from '../../connectors/mikro/ledger';
import { demoWorld } from '../../sandbox/demo/scenario';

/** Journal reading (Logo EMFICHE/EMFLINE, Netsis TBLMUHMAS/TBLMUHFIS, Mikro MUHASEBE_FISLERI) and the checks, on the demo databases. */
let dir: string;
let server: string;
const connections = new ErpConnections();
const ctx = { connections };
const YEAR = 2026;
const SEED = 4;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-ledger-'));
  server = (await createDemoDatabases({ dir, invoices: 12, seed: SEED, year: YEAR })).server;
});
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const targets: [string, ErpTarget][] = [
  ['logo', { connector: 'logo', server: '', database: 'LOGODB', firm: '001', period: '02' }],
  ['netsis', { connector: 'netsis', server: '', database: `ORNEKTEKSTIL${YEAR}` }],
  ['mikro', { connector: 'mikro', server: '', database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR }],
];

/** The voucher number as each program shows it: Mikro numbers its vouchers (fis_sira_no), the others keep the text. */
const shownVoucherNo = (id: string, voucherNo: string) => (id === 'mikro' ? String(Number(voucherNo.replace(/\D/g, ''))) : voucherNo);

async function readMonth(connector: ErpConnector, target: ErpTarget, month: string): Promise<LedgerEntry[]> {
  const { first, last } = monthBounds(month);
  const out: LedgerEntry[] = [];
  for await (const e of connector.readJournal!(ctx, { ...target, server }, { from: first, to: last })) out.push(e);
  return out;
}

async function checkMonth(connector: ErpConnector, target: ErpTarget, month: string, previousJournalNo: number) {
  const { first, last } = monthBounds(month);
  const chart = await connector.readChartOfAccounts!(ctx, { ...target, server });
  return checkJournal(connector.readJournal!(ctx, { ...target, server }, { from: first, to: last }), {
    month,
    previousJournalNo,
    chart,
    numberingJob: connector.journalNumberingJob ?? '',
  });
}

describe.each(targets)('journal of %s', (id, target) => {
  const connector = getConnector(id);
  const world = demoWorld(SEED);
  const written = [...demoJournal(world, { seed: SEED, company: world.companies[0]!, year: YEAR, toMonth: 3 })];

  it('reads January voucher by voucher as the demo wrote it: madde no, date, user, lines, amounts, documents', async () => {
    const read = await readMonth(connector, target, `${YEAR}-01`);
    const jan = written.filter((e) => e.date.startsWith(`${YEAR}-01`));
    expect(read.map((e) => e.voucherNo)).toEqual(jan.map((e) => shownVoucherNo(id, e.voucherNo)));
    expect(read.map((e) => e.journalNo)).toEqual(jan.map((e) => e.journalNo));
    expect(read[0]!.enteredBy).toMatch(/^(Ayşe Yılmaz|Mehmet Şahin)$/);
    const sale = jan.findIndex((e) => e.lines[0]!.document?.type === 'invoice');
    const got = read[sale]!;
    const want = jan[sale]!;
    expect(got.date).toBe(want.date);
    expect(got.lines.map((l) => [l.account.replaceAll('-', '.'), l.debitCredit, l.amountKurus])).toEqual(
      want.lines.map((l) => [l.account, l.debitCredit, l.amountKurus]),
    );
    expect(got.lines[0]!.document).toMatchObject({ type: 'invoice', number: want.lines[0]!.document!.number, date: want.date });
  });

  it('January passes every check; its madde numbers run from 1', async () => {
    const summary = await checkMonth(connector, target, `${YEAR}-01`, 0);
    expect(summary.issues).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.firstJournalNo).toBe(1);
    expect(summary.debitKurus).toBe(summary.creditKurus);
  });

  it('February is blocked by its unnumbered voucher, named with the ERP numbering job as the fix', async () => {
    const jan = await checkMonth(connector, target, `${YEAR}-01`, 0);
    const feb = await checkMonth(connector, target, `${YEAR}-02`, jan.lastJournalNo!);
    expect(feb.ok).toBe(false);
    expect(feb.issues.map((i) => i.code)).toEqual(['LEDGER_ENTRY_UNNUMBERED']);
    const unnumbered = written.find((e) => e.journalNo === null)!;
    expect(feb.issues[0]!.voucherNo).toBe(shownVoucherNo(id, unnumbered.voucherNo));
    expect(feb.issues[0]!.field).toBe('journalNo');
    expect(feb.issues[0]!.message).toContain(connector.journalNumberingJob!);
  });

  it('March is blocked by its unbalanced voucher, with both totals', async () => {
    const mar = await checkMonth(connector, target, `${YEAR}-03`, written.filter((e) => e.date < `${YEAR}-03`).reduce((a, e) => Math.max(a, e.journalNo ?? 0), 0));
    expect(mar.issues.map((i) => i.code)).toEqual(['LEDGER_ENTRY_UNBALANCED']);
    expect(mar.issues[0]!.message).toMatch(/Borç [\d.]+,\d\d TL, alacak [\d.]+,\d\d TL/);
  });

  it('a gap from the last approved month is reported on the first voucher', async () => {
    const summary = await checkMonth(connector, target, `${YEAR}-01`, 5);
    expect(summary.issues[0]).toMatchObject({ code: 'LEDGER_NUMBER_OVERLAP', journalNo: 1, field: 'journalNo' });
    const gap = await checkMonth(connector, target, `${YEAR}-02`, 3);
    expect(gap.issues.map((i) => i.code)).toContain('LEDGER_NUMBER_GAP');
  });
});

describe('Mikro journal paging', () => {
  it('reads the same vouchers, lines and order whether a page holds 5000 lines or 7 (vouchers cut across pages)', async () => {
    const target: ErpTarget = { connector: 'mikro', server, database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR };
    const erp = await connections.database(server, 'MikroDB_V17_ORNEK');
    const master = await connections.database(server, 'MikroDB_V17');
    const query = { from: `${YEAR}-01-01`, to: `${YEAR}-03-31` };
    const whole: LedgerEntry[] = [];
    for await (const e of getConnector('mikro').readJournal!(ctx, target, query)) whole.push(e);
    const paged: LedgerEntry[] = [];
    for await (const e of readMikroJournal({ erp, master, fiscalYear: YEAR, pageSize: 7 }, query)) paged.push(e);
    expect(whole).toHaveLength(72);
    expect(paged).toEqual(whole);
    // Unnumbered first, then book order.
    expect(whole[0]!.journalNo).toBeNull();
    const numbered = whole.slice(1).map((e) => [e.date, e.journalNo!] as const);
    expect(numbered).toEqual([...numbered].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]));
  });

  it('reads only the target’s fiscal year: the same dates booked under another fiscal year stay out', async () => {
    const target: ErpTarget = { connector: 'mikro', server, database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR };
    const erp = await connections.database(server, 'MikroDB_V17_ORNEK');
    await erp.db('MUHASEBE_FISLERI').insert({
      fis_Guid: '00000000-0000-4000-a000-00000000f15c', fis_maliyil: YEAR - 1, fis_tarih: `${YEAR}-01-05`, fis_sira_no: 99999, fis_satir_no: 0,
      fis_hesap_kod: '100.01', fis_meblag0: 5, fis_yevmiye_no: 1, fis_create_user: 1,
    });
    try {
      const read: LedgerEntry[] = [];
      for await (const e of getConnector('mikro').readJournal!(ctx, target, { from: `${YEAR}-01-01`, to: `${YEAR}-01-31` })) read.push(e);
      expect(read).toHaveLength(24);
      expect(read.map((e) => e.voucherNo)).not.toContain('99999');
    } finally {
      await erp.db('MUHASEBE_FISLERI').where('fis_Guid', '00000000-0000-4000-a000-00000000f15c').delete();
    }
  });
});
