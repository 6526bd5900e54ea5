import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnector } from '../../connectors/registry';
import { buildLedger, type LedgerBuildResult } from '../../core/documents/xbrl/ledger';
import { runEdefterSchematron } from '../../core/documents/xbrl/schematron';
import { QNB_CSV_COLUMNS, writeQnbCsv } from '../../core/edefter/csv';
import type { ChartAccount } from '../../core/edefter/model';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoEdefterSettings } from '../../sandbox/demo/ledger';
import { demoWorld } from '../../sandbox/demo/scenario';

/** A demo month through the builders: GİB XBRL-GL yevmiye + kebir (checked with GİB's schematrons) and QNB's CSV parts. */
let dir: string;
let server: string;
let chart: ChartAccount[];
const connections = new ErpConnections();
const ctx = { connections };
const logo = getConnector('logo');
const world = demoWorld(4);
const settings = demoEdefterSettings(world, 0, 2026);
const target = () => ({ connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' });
const january = () => logo.readJournal!(ctx, target(), { from: '2026-01-01', to: '2026-01-31' });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-xbrl-'));
  server = (await createDemoDatabases({ dir: path.join(dir, 'erp'), invoices: 12, seed: 4, year: 2026 })).server;
  chart = await logo.readChartOfAccounts!(ctx, target());
});
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = { settings, month: '2026-01', creationDate: '2026-02-05', previousUniqueSeq: 0, previousLineNumber: 0, version: '0.1.0' };
const signatureOnly = (issues: { message: string }[]) => issues.filter((i) => !i.message.startsWith('ds:Signature zorunlu'));

describe('GİB XBRL-GL yevmiye and kebir of a demo month', () => {
  let single: LedgerBuildResult;
  beforeAll(async () => {
    single = await buildLedger(january(), { ...base, chart, outDir: path.join(dir, 'single') });
  });

  it('writes one part per book under GİB file names, numbering lines and madde from the fiscal year start', () => {
    expect(single.parts).toHaveLength(1);
    const p = single.parts[0]!;
    expect(p.y.name).toBe(`${settings.firm.taxId}-202601-Y-000000.xml`);
    expect(p.k.name).toBe(`${settings.firm.taxId}-202601-K-000000.xml`);
    expect([p.y.uniqueID, p.k.uniqueID]).toEqual(['YEV202601000001', 'KEB202601000001']);
    expect([p.periodStart, p.periodEnd, p.firstJournalNo, p.firstLineNumber]).toEqual(['2026-01-01', '2026-01-31', 1, 1]);
    expect(p.lastLineNumber).toBe(single.lines);
  });

  it('passes GİB’s yevmiye and kebir schematrons (only the signature is missing before sealing)', async () => {
    const p = single.parts[0]!;
    const y = await runEdefterSchematron('yevmiye', p.y.file);
    const k = await runEdefterSchematron('kebir', p.k.file);
    expect(signatureOnly(y)).toEqual([]);
    expect(signatureOnly(k)).toEqual([]);
    expect(y.map((i) => i.message)).toEqual(['ds:Signature zorunlu bir elemandır.']);
  });

  it('the schematron catches a broken yevmiye (a madde number skipped, a line without its account)', async () => {
    const p = single.parts[0]!;
    const broken = path.join(dir, 'single', 'broken', p.y.name);
    fs.mkdirSync(path.dirname(broken), { recursive: true });
    const xml = fs.readFileSync(p.y.file, 'utf8')
      .replace('unitRef="countable">2</gl-cor:entryNumberCounter>', 'unitRef="countable">7</gl-cor:entryNumberCounter>')
      .replace(/<gl-cor:accountMainID contextRef="journal_context">\d+<\/gl-cor:accountMainID>/, '<gl-cor:accountMainID contextRef="journal_context">1</gl-cor:accountMainID>');
    fs.writeFileSync(broken, xml);
    const messages = signatureOnly(await runEdefterSchematron('yevmiye', broken)).map((i) => i.message);
    expect(messages.some((m) => m.includes('müteselsil'))).toBe(true);
    expect(messages.some((m) => m.includes('accountMainID'))).toBe(true);
  });

  it('kebir lists each account once, sorted, with its totals on the positive side', () => {
    const xml = fs.readFileSync(single.parts[0]!.k.file, 'utf8');
    const headers = xml.split('<gl-cor:entryHeader>').slice(1);
    const mains = headers.map((h) => /<gl-cor:accountMainID[^>]*>([^<]+)</.exec(h)![1]!);
    expect(mains).toEqual([...mains].sort());
    for (const h of headers) {
      const d = Number(/<gl-bus:totalDebit[^>]*>([^<]+)</.exec(h)![1]);
      const c = Number(/<gl-bus:totalCredit[^>]*>([^<]+)</.exec(h)![1]);
      expect(d === 0 || c === 0).toBe(true);
    }
  });

  it('splits by size into parts 000001… with contiguous periods, never splitting a voucher', async () => {
    const split = await buildLedger(january(), { ...base, chart, outDir: path.join(dir, 'split'), partSizeBytes: 96 * 1024 });
    expect(split.parts.length).toBeGreaterThan(1);
    expect(split.parts.map((p) => p.y.name)).toEqual(split.parts.map((_, i) => `${settings.firm.taxId}-202601-Y-${String(i + 1).padStart(6, '0')}.xml`));
    expect(split.parts[0]!.periodStart).toBe('2026-01-01');
    expect(split.parts.at(-1)!.periodEnd).toBe('2026-01-31');
    for (let i = 1; i < split.parts.length; i++) {
      const prev = split.parts[i - 1]!;
      const cur = split.parts[i]!;
      expect(cur.firstJournalNo).toBe(prev.lastJournalNo + 1);
      expect(cur.firstLineNumber).toBe(prev.lastLineNumber + 1);
      const dayAfter = new Date(Date.parse(`${prev.periodEnd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect([prev.periodEnd, dayAfter]).toContain(cur.periodStart);
    }
    expect(split.parts.reduce((a, p) => a + p.entries, 0)).toBe(single.entries);
    const last = split.parts.at(-1)!;
    expect(signatureOnly(await runEdefterSchematron('yevmiye', last.y.file))).toEqual([]);
  });
});

describe('QNB CSV parts of a demo month', () => {
  it('zips UTF-8 CSV with BOM, `;` and `.` decimals, the header record in part 1, named VKN_şube_YYYYMM_part', async () => {
    const parts = await writeQnbCsv(january(), { settings, month: '2026-01', chart, outDir: path.join(dir, 'csv'), linesPerPart: 40 });
    expect(parts.map((p) => p.zipName)).toEqual([`${settings.firm.taxId}_0000_202601_1.zip`, `${settings.firm.taxId}_0000_202601_2.zip`]);
    const texts = parts.map((p) => {
      const files = unzipSync(fs.readFileSync(p.zipFile));
      expect(Object.keys(files)).toEqual([p.csvName]);
      return Buffer.from(files[p.csvName]!).toString('utf8');
    });
    expect(texts.every((t) => t.startsWith('\uFEFF'))).toBe(true);
    const [head, ...rows] = texts[0]!.slice(1).trimEnd().split('\r\n');
    expect(head).toBe(`${settings.firm.title};2026-01-01;2026-01-31;2026-01-01;2026-12-31;${settings.firm.taxId}`);
    expect(texts[1]!.slice(1).split('\r\n')[0]!.split(';')).toHaveLength(QNB_CSV_COLUMNS.length);
    const allRows = [...rows, ...texts[1]!.slice(1).trimEnd().split('\r\n')];
    expect(allRows).toHaveLength(parts.reduce((a, p) => a + p.lines, 0));
    const sale = allRows.find((r) => r.split(';')[15] === 'invoice')!.split(';');
    expect(sale[10]).toMatch(/^\d+\.\d\d$/);
    expect(sale[17]).toMatch(/^ORN2026\d{9}$/);
  });
});
