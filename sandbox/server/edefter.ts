import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { unzipSync } from 'fflate';
import { buildLedger } from '../../core/documents/xbrl/ledger';
import { XML_DECLARATION } from '../../core/documents/xbrl/canonical';
import { JournalChecker } from '../../core/edefter/checks';
import { QNB_CSV_COLUMNS } from '../../core/edefter/csv';
import { kurusOf, type ChartAccount, type LedgerEntry } from '../../core/edefter/model';
import type { EdefterSettings } from '../../core/edefter/settings';
import { EDEFTER_OPERATIONS, EDEFTER_RESULT, EDEFTER_STATUS, type SealingManifest } from '../../core/integrator/edefterProtocol';
import { requireVkn } from './accounts';
import type { OperationHandler, ServiceContext } from './context';
import { child, childElements, field, SoapFault, xmlEscape } from './soap';

/**
 * QNB's `DefterOlusturWebServices` in the sandbox (core/integrator/edefterProtocol.ts, which also marks the inferred
 * sealing exchange). Upload CSV parts (907) → status: the parts are checked like QNB checks them (402 passed / 403
 * with the refused lines in `hataDosya`) → `…DosyaIsle` (909) builds the ledger → after one step 412, the unsigned
 * parts are handed out → sealed files back (915) → after one step GİB's verdict: 416 approved, or 418 with GİB's
 * reason when a defter's digest or its berat's copy of the SignatureValue does not match.
 */

type DonemRow = { vkn: string; donem: string; sube: string; state: string; durum_kodu: string; aciklama: string | null; hata: Buffer | null; last_journal_no: number | null; sealed_submissions: number; updated_at: number };

const result = (code: string, text: string, extra = '') => `<return><sonucKodu>${code}</sonucKodu><sonucAciklama>${xmlEscape(text)}</sonucAciklama>${extra}</return>`;

function args(body: Element): { arg: Element; donem: string; sube: string; vkn: string } {
  const arg = child(body, 'arg0');
  if (!arg) throw new SoapFault('arg0 zorunludur.', 'S:Client');
  const donem = field(arg, 'donem') ?? '';
  const vkn = field(arg, 'vknTckn') ?? '';
  if (!/^\d{6}$/.test(donem)) throw new SoapFault(`Geçersiz dönem: ${donem} (YYYYMM)`, 'S:Client');
  if (!/^\d{10,11}$/.test(vkn)) throw new SoapFault(`Geçersiz VKN/TCKN: ${vkn}`, 'S:Client');
  return { arg, donem, sube: field(arg, 'subeKodu') ?? '0000', vkn };
}

function entriesOf(arg: Element): { key: string; value: string }[] {
  const list = child(arg, 'parametreList');
  if (!list) return [];
  return childElements(list, 'entry').map((e) => ({ key: field(e, 'key') ?? '', value: field(e, 'value') ?? '' }));
}

function donemRow(ctx: ServiceContext, vkn: string, donem: string, sube: string): DonemRow | undefined {
  return ctx.db.prepare('SELECT * FROM edefter_donem WHERE vkn = ? AND donem = ? AND sube = ?').get(vkn, donem, sube) as DonemRow | undefined;
}

function setDonem(ctx: ServiceContext, vkn: string, donem: string, sube: string, state: string, code: string, aciklama: string | null, extra: { hata?: Buffer | null; lastJournalNo?: number } = {}): void {
  ctx.db
    .prepare(`INSERT INTO edefter_donem (vkn, donem, sube, state, durum_kodu, aciklama, hata, last_journal_no, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (vkn, donem, sube) DO UPDATE SET state = excluded.state, durum_kodu = excluded.durum_kodu, aciklama = excluded.aciklama,
      hata = COALESCE(excluded.hata, edefter_donem.hata), last_journal_no = COALESCE(excluded.last_journal_no, edefter_donem.last_journal_no), updated_at = excluded.updated_at`)
    .run(vkn, donem, sube, state, code, aciklama, extra.hata ?? null, extra.lastJournalNo ?? null, ctx.now());
}

/** One CSV line → fields, honouring "…" quoting with doubled quotes. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

interface ParsedMonth {
  header?: string[];
  entries: LedgerEntry[];
  chart: ChartAccount[];
}

/** The uploaded parts, in part order, back into vouchers (QNB's reading of its own CSV format). */
function parseParts(ctx: ServiceContext, vkn: string, donem: string, sube: string): ParsedMonth {
  const rows = ctx.db.prepare('SELECT name, zip FROM edefter_part WHERE vkn = ? AND donem = ? AND sube = ?').all(vkn, donem, sube) as { name: string; zip: Buffer }[];
  rows.sort((a, b) => Number(/_(\d+)\.zip$/.exec(a.name)?.[1] ?? 0) - Number(/_(\d+)\.zip$/.exec(b.name)?.[1] ?? 0));
  const entries: LedgerEntry[] = [];
  const chart = new Map<string, string>();
  let header: string[] | undefined;
  const col = Object.fromEntries(QNB_CSV_COLUMNS.map((c, i) => [c, i])) as Record<(typeof QNB_CSV_COLUMNS)[number], number>;
  for (const r of rows) {
    const files = unzipSync(new Uint8Array(r.zip));
    for (const content of Object.values(files)) {
      let text = Buffer.from(content).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const lines = text.split('\r\n').filter((l) => l !== '');
      for (const [i, line] of lines.entries()) {
        const f = csvFields(line);
        if (f.length === 6 && i === 0) {
          header = f;
          continue;
        }
        const journalNo = Number(f[col.yevmiyeNo]);
        const voucherNo = f[col.entryNumber] ?? '';
        let e = entries.at(-1);
        if (!e || e.journalNo !== journalNo || e.voucherNo !== voucherNo) {
          e = { erpRef: voucherNo, voucherNo, journalNo: Number.isFinite(journalNo) && journalNo > 0 ? journalNo : null, date: f[col.enteredDate] ?? '', enteredBy: f[col.enteredBy] ?? '', lines: [] };
          entries.push(e);
        }
        const main = f[col.accountMainID] ?? '';
        const sub = f[col.accountSubID] ?? '';
        chart.set(main, f[col.accountMainDescription] ?? main);
        if (sub) chart.set(sub, f[col.accountSubDescription] || (f[col.accountMainDescription] ?? sub));
        const type = f[col.documentType];
        e.lines.push({
          lineNo: e.lines.length + 1,
          account: sub || main,
          debitCredit: f[col.debitCreditCode] === 'C' ? 'C' : 'D',
          amountKurus: kurusOf(f[col.amount]),
          ...(f[col.detailComment] ? { comment: f[col.detailComment] } : {}),
          ...(type
            ? {
                document: {
                  type: type as never,
                  ...(f[col.documentTypeDescription] ? { typeDescription: f[col.documentTypeDescription] } : {}),
                  ...(f[col.documentNumber] ? { number: f[col.documentNumber] } : {}),
                  ...(f[col.documentDate] ? { date: f[col.documentDate] } : {}),
                },
              }
            : {}),
          ...(f[col.paymentMethod] ? { paymentMethod: f[col.paymentMethod] } : {}),
        });
      }
    }
  }
  return { ...(header ? { header } : {}), entries, chart: [...chart].map(([code, name]) => ({ code, name })) };
}

/**
 * The firm data QNB keeps from its portal's Firma Ayarları (the sandbox has no portal): the CSV header's title and
 * fiscal year, with stand-in contact data.
 */
function portalSettings(vkn: string, header: string[] | undefined, donem: string): EdefterSettings {
  const year = donem.slice(0, 4);
  return {
    firm: {
      taxId: vkn,
      title: header?.[0] || `Mükellef ${vkn}`,
      phone: '0212 000 00 00',
      email: `edefter@${vkn}.example.com.tr`,
      webSite: `www.${vkn}.example.com.tr`,
      address: { buildingNumber: '1', street: 'Sandbox Caddesi', city: 'İstanbul', postalCode: '34000', country: 'Türkiye' },
      nace: '00.00.00',
      fiscalYearStart: header?.[3] || `${year}-01-01`,
      fiscalYearEnd: header?.[4] || `${year}-12-31`,
      firstTransitionDate: `${year}-01-01`,
      foundationDate: '2000-01-01',
      ledger: { partSizeMb: 200, sourceApplication: '0000000000##QNB eFinans Sandbox##eFinans ERP Bağımsız e-Defter Uygulaması##1.0' },
    },
    contracts: [{ kind: '-', title: 'Muhasebe Müdürü', name: 'Sandbox Yetkilisi', date: '-', number: '-', type: '-', description: '-', fullCertification: false }],
    branches: [],
  };
}

function previousDonem(donem: string): string {
  const y = Number(donem.slice(0, 4));
  const m = Number(donem.slice(4));
  return m === 1 ? `${y - 1}12` : `${y}${String(m - 1).padStart(2, '0')}`;
}

/** The sandbox's check of uploaded parts: GİB's entry rules, numbering continuing from the previous approved month. */
function checkUploaded(ctx: ServiceContext, d: DonemRow): void {
  const parsed = parseParts(ctx, d.vkn, d.donem, d.sube);
  const prev = donemRow(ctx, d.vkn, previousDonem(d.donem), d.sube);
  const firstNo = parsed.entries.find((e) => e.journalNo !== null)?.journalNo ?? 1;
  // Without an approved previous month here, the start comes from "Yevmiye Numarası Doğrulama" done in the portal.
  const previous = prev?.state === 'approved' && prev.last_journal_no ? prev.last_journal_no : firstNo - 1;
  const checker = new JournalChecker({ month: `${d.donem.slice(0, 4)}-${d.donem.slice(4)}`, previousJournalNo: previous, numberingJob: 'yevmiye madde numaralama' });
  for (const e of parsed.entries) checker.check(e);
  const s = checker.finish();
  if (s.ok) setDonem(ctx, d.vkn, d.donem, d.sube, 'checked', EDEFTER_STATUS.checksPassed, 'Defter kontrolünüz başarıyla tamamlandı. Defter oluşturabilirsiniz.', { lastJournalNo: s.lastJournalNo ?? previous });
  else {
    const hata = Buffer.from(s.issues.map((i) => i.message).join('\r\n'), 'utf8');
    setDonem(ctx, d.vkn, d.donem, d.sube, 'failed', EDEFTER_STATUS.checksFailed, 'Defter kontrolünde hatalar bulundu; hata dosyasını inceleyin.', { hata });
  }
}

async function buildForSealing(ctx: ServiceContext, d: DonemRow): Promise<void> {
  const parsed = parseParts(ctx, d.vkn, d.donem, d.sube);
  const settings = portalSettings(d.vkn, parsed.header, d.donem);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-edefter-'));
  try {
    const month = `${d.donem.slice(0, 4)}-${d.donem.slice(4)}`;
    const today = new Date(ctx.now()).toISOString().slice(0, 10);
    async function* stream() {
      yield* parsed.entries;
    }
    const built = await buildLedger(stream(), { settings, month, creationDate: today, chart: parsed.chart, previousUniqueSeq: 0, previousLineNumber: 0, version: 'sandbox', outDir: work });
    const ins = ctx.db.prepare('INSERT OR REPLACE INTO edefter_file (vkn, donem, sube, kind, name, content) VALUES (?, ?, ?, ?, ?, ?)');
    ctx.db.prepare("DELETE FROM edefter_file WHERE vkn = ? AND donem = ? AND sube = ? AND kind = 'unsigned'").run(d.vkn, d.donem, d.sube);
    for (const p of built.parts) {
      const manifest: SealingManifest = { part: p.part, periodStart: p.periodStart, periodEnd: p.periodEnd, entries: p.entries, y: { name: p.y.name, uniqueID: p.y.uniqueID }, k: { name: p.k.name, uniqueID: p.k.uniqueID }, vat: p.vat };
      ins.run(d.vkn, d.donem, d.sube, 'unsigned', p.y.name, fs.readFileSync(p.y.file));
      ins.run(d.vkn, d.donem, d.sube, 'unsigned', p.k.name, fs.readFileSync(p.k.file));
      ins.run(d.vkn, d.donem, d.sube, 'unsigned', `${p.y.name.replace(/\.xml$/, '')}.json`, Buffer.from(JSON.stringify(manifest)));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** GİB's first checks on a sealed defter: its enveloped digest, and the berat carrying its SignatureValue. */
function gibVerdict(files: Map<string, Buffer>): string | undefined {
  const defters = [...files.keys()].filter((n) => /-(Y|K)-\d{6}(-\d{4})?\.xml$/.test(n));
  if (defters.length === 0) return 'Pakette defter bulunamadı.';
  for (const name of defters) {
    const text = files.get(name)!.toString('utf8');
    const start = text.lastIndexOf('<ds:Signature ');
    const end = text.lastIndexOf('</ds:Signature>');
    if (start < 0 || end < 0) return `${name}: defter mühürlenmemiş.`;
    const unsigned = text.slice(XML_DECLARATION.length, start) + text.slice(end + '</ds:Signature>'.length);
    const digest = crypto.createHash('sha256').update(unsigned, 'utf8').digest('base64');
    const claimed = /<ds:Reference Id="[^"]*" URI=""><ds:Transforms>.*?<ds:DigestValue>([^<]+)<\/ds:DigestValue>/.exec(text.slice(start))?.[1];
    if (claimed !== digest) return `${name}: defterin özet değeri imzadaki değerle uyuşmuyor; defter mühürlendikten sonra değiştirilmiş.`;
    const value = /<ds:SignatureValue Id="[^"]*">([^<]+)<\/ds:SignatureValue>/.exec(text.slice(start))?.[1];
    const beratName = name.replace(/-(Y|K)-/, (_m, k: string) => `-${k}B-`);
    const berat = files.get(beratName)?.toString('utf8');
    if (!berat) return `${beratName}: berat eksik.`;
    if (!value || !berat.includes(`>${value}</ds:SignatureValue>`)) return `${beratName}: beratın imza değeri defter ile uyuşmuyor.`;
  }
  return undefined;
}

export const edefterOperations: Record<string, OperationHandler> = {
  [EDEFTER_OPERATIONS.upload]: (body, ctx) => {
    const { arg, donem, sube, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const params = Object.fromEntries(entriesOf(arg).map((e) => [e.key, e.value]));
    const name = params.dosyaIsmi ?? '';
    if (!new RegExp(`^${vkn}_${sube}_${donem}_\\d+\\.zip$`).test(name)) throw new SoapFault(`Dosya adı hatalı: ${name} (<VKN>_<şube>_<dönem>_<parça>.zip)`, 'S:Client');
    const zip = Buffer.from(params.dosya ?? '', 'base64');
    if (zip.length < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) throw new SoapFault('dosya bir zip değil.', 'S:Client');
    const d = donemRow(ctx, vkn, donem, sube);
    if (d && ['submitted', 'approved'].includes(d.state)) throw new SoapFault(`${donem} dönemi GİB'e gönderilmiş; yeni dosya yüklenemez.`, 'S:Client');
    // The same part again replaces the earlier copy (a client retrying after a lost answer).
    ctx.db
      .prepare(`INSERT INTO edefter_part (vkn, donem, sube, name, zip, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (vkn, donem, sube, name) DO UPDATE SET zip = excluded.zip, uploads = edefter_part.uploads + 1, uploaded_at = excluded.uploaded_at`)
      .run(vkn, donem, sube, name, zip, ctx.now());
    setDonem(ctx, vkn, donem, sube, 'uploaded', '401', 'Dosyalar yüklendi, kontrol bekleniyor.');
    return result(EDEFTER_RESULT.uploaded, 'CSV dosyası başarıyla yüklendi.');
  },

  [EDEFTER_OPERATIONS.status]: async (body, ctx) => {
    const { donem, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const rows = ctx.db.prepare('SELECT * FROM edefter_donem WHERE vkn = ? AND donem = ?').all(vkn, donem) as DonemRow[];
    let d = rows[0];
    if (!d) throw new SoapFault(`${donem} dönemine ait yüklenmiş dosya yok.`, 'S:Client');
    const due = ctx.now() - d.updated_at >= ctx.stepMs;
    if (d.state === 'uploaded') checkUploaded(ctx, d);
    else if (d.state === 'building' && due) {
      await buildForSealing(ctx, d);
      setDonem(ctx, vkn, donem, d.sube, 'ready', EDEFTER_STATUS.readyForSealing, 'Defter oluşturuldu; mali mühür ile mühürlenmeyi bekliyor.');
    } else if (d.state === 'submitted' && due) {
      const files = new Map((ctx.db.prepare("SELECT name, content FROM edefter_file WHERE vkn = ? AND donem = ? AND sube = ? AND kind = 'sealed'").all(vkn, donem, d.sube) as { name: string; content: Buffer }[]).map((r) => [r.name, r.content]));
      const reason = gibVerdict(files);
      if (reason) setDonem(ctx, vkn, donem, d.sube, 'rejected', EDEFTER_STATUS.gibRejected, reason);
      else setDonem(ctx, vkn, donem, d.sube, 'approved', EDEFTER_STATUS.gibApproved, 'Paket Başarıyla İşlendi.');
    }
    d = donemRow(ctx, vkn, donem, d.sube)!;
    const hata = d.hata ? `<hataDosya>${d.hata.toString('base64')}</hataDosya>` : '';
    return `${result(EDEFTER_RESULT.statusReturned, 'Durum bilgisi döndü.')}<arg1><durumKodu>${d.durum_kodu}</durumKodu><durumAciklama>${xmlEscape(d.aciklama ?? '')}</durumAciklama>${hata}</arg1>`;
  },

  [EDEFTER_OPERATIONS.process]: (body, ctx) => {
    const { donem, sube, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const d = donemRow(ctx, vkn, donem, sube);
    if (!d) throw new SoapFault(`${donem} dönemine ait yüklenmiş dosya yok.`, 'S:Client');
    if (d.state === 'checked') setDonem(ctx, vkn, donem, sube, 'building', EDEFTER_STATUS.building, 'Defter oluşturulmak için sıraya alındı.');
    else if (!['building', 'ready'].includes(d.state)) throw new SoapFault(`${donem} dönemi işlenemez (durum ${d.durum_kodu}).`, 'S:Client');
    return result(EDEFTER_RESULT.queued, 'Defter oluşturulmak için sıraya alındı.');
  },

  [EDEFTER_OPERATIONS.fetchForSealing]: (body, ctx) => {
    const { donem, sube, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const d = donemRow(ctx, vkn, donem, sube);
    if (!d || !['ready', 'submitted'].includes(d.state)) throw new SoapFault(`${donem} dönemine ait mühürlenecek defter yok.`, 'S:Client');
    const files = ctx.db.prepare("SELECT name, content FROM edefter_file WHERE vkn = ? AND donem = ? AND sube = ? AND kind = 'unsigned' ORDER BY name").all(vkn, donem, sube) as { name: string; content: Buffer }[];
    const list = files.map((f) => `<entry><key>${xmlEscape(f.name)}</key><value>${f.content.toString('base64')}</value></entry>`).join('');
    return result(EDEFTER_RESULT.filesForSealing, 'Mühürlenecek defterler döndü.', `<parametreList>${list}</parametreList>`);
  },

  [EDEFTER_OPERATIONS.uploadSealed]: (body, ctx) => {
    const { arg, donem, sube, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const d = donemRow(ctx, vkn, donem, sube);
    if (!d || d.state !== 'ready') throw new SoapFault(`${donem} dönemi mühürlü defter beklemiyor (durum ${d?.durum_kodu ?? '-'}).`, 'S:Client');
    const ins = ctx.db.prepare("INSERT OR REPLACE INTO edefter_file (vkn, donem, sube, kind, name, content) VALUES (?, ?, ?, 'sealed', ?, ?)");
    for (const e of entriesOf(arg)) ins.run(vkn, donem, sube, e.key, Buffer.from(e.value, 'base64'));
    ctx.db.prepare('UPDATE edefter_donem SET sealed_submissions = sealed_submissions + 1 WHERE vkn = ? AND donem = ? AND sube = ?').run(vkn, donem, sube);
    setDonem(ctx, vkn, donem, sube, 'submitted', EDEFTER_STATUS.submittedToGib, 'Defter ve beratlar GİB’e gönderildi; onay bekleniyor.');
    return result(EDEFTER_RESULT.sealedAccepted, 'Mühürlü defterler alındı.');
  },

  [EDEFTER_OPERATIONS.fetchApproved]: (body, ctx) => {
    const { donem, sube, vkn } = args(body);
    requireVkn(ctx.account, vkn);
    const d = donemRow(ctx, vkn, donem, sube);
    if (!d || d.state !== 'approved') throw new SoapFault(`${donem} dönemine ait GİB onaylı berat yok.`, 'S:Client');
    // GİB countersigns the berat; the sandbox returns the sealed berat under GİB's "GIB-" name.
    const files = ctx.db.prepare("SELECT name, content FROM edefter_file WHERE vkn = ? AND donem = ? AND sube = ? AND kind = 'sealed' AND (name LIKE '%-YB-%' OR name LIKE '%-KB-%') ORDER BY name").all(vkn, donem, sube) as { name: string; content: Buffer }[];
    const list = files.map((f) => `<entry><key>GIB-${xmlEscape(f.name)}</key><value>${f.content.toString('base64')}</value></entry>`).join('');
    return result(EDEFTER_RESULT.approvedReturned, 'GİB onaylı beratlar döndü.', `<parametreList>${list}</parametreList>`);
  },
};
