import zlib from 'node:zlib';
import type { Element } from '@xmldom/xmldom';
import { chargeKontor, hasKontor } from './kontor';
import { qnbDate, qnbTimestamp } from './clock';
import type { OperationHandler, ServiceContext } from './context';
import { activeInvoiceAliases, findRegisteredUser } from './registry';
import { child, childElements, field, xmlEscape } from './soap';
import { readUblFacts } from '../../core/documents/ubl/read';
import { readZip } from './zip';

/**
 * EarsivWebService (namespace http://service.earsiv.uut.cs.com.tr/): synchronous e-Arşiv invoices. Parameters
 * come as a JSON string in `input` (XML-escaped text; CDATA is not read, as on eFinans' test platform), the
 * invoice in `fatura{belgeFormati, belgeIcerigi}`; the answer is `return{resultCode, resultExtra, resultText}`
 * plus `output{belgeFormati, belgeIcerigi}` (gzip, base64). Business errors are AExxxxx result codes, not faults
 * (integrator-api.md §14).
 */
export interface Result {
  code: string;
  text: string;
  extra?: [string, string][];
  output?: { format: string; content: Buffer };
}

const OK_TEXT = 'İşlem başarılı.';
export const ok = (extra: [string, string][], output?: Result['output']): Result => ({ code: 'AE00000', text: OK_TEXT, extra, ...(output ? { output } : {}) });
export const fail = (code: string, text: string): Result => ({ code, text });

export function resultXml(r: Result): string {
  const extra = r.extra?.length
    ? `<resultExtra>${r.extra.map(([k, v]) => `<entry><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></entry>`).join('')}</resultExtra>`
    : '';
  const output = r.output
    ? `<output><belgeFormati>${r.output.format}</belgeFormati><belgeIcerigi>${zlib.gzipSync(r.output.content).toString('base64')}</belgeIcerigi></output>`
    : '';
  return `<return><resultCode>${r.code}</resultCode>${extra}<resultText>${xmlEscape(r.text)}</resultText></return>${output}`;
}

export type Input = Record<string, unknown>;

/** The `input` JSON. CDATA content is skipped, which makes the JSON empty ("No content to map"). */
export function readInput(body: Element): { input: Input } | { error: Result } {
  const el = childElements(body, 'input')[0];
  const text = el
    ? [...el.childNodes]
        .filter((n) => n.nodeType === 3)
        .map((n) => n.nodeValue ?? '')
        .join('')
        .trim()
    : '';
  if (!text) return { error: fail('AE00004', 'No content to map due to end-of-input: input alanı boş (JSON, XML kaçışlı metin olarak gönderilmeli; CDATA okunmaz).') };
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('input must be a JSON object');
    return { input: parsed as Input };
  } catch (e) {
    return { error: fail('AE00004', `input JSON okunamadı: ${(e as Error).message}`) };
  }
}

export const str = (input: Input, key: string): string | undefined => {
  const v = input[key];
  return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
};

/** belgeIcerigi may be raw XML bytes, gzip or zip (integrator-api.md §14). */
export function unpack(content: Buffer): Buffer {
  if (content[0] === 0x1f && content[1] === 0x8b) return zlib.gunzipSync(content);
  if (content[0] === 0x50 && content[1] === 0x4b) return readZip(content)[0]?.data ?? Buffer.alloc(0);
  return content;
}

const FORMATS: Record<string, string | null> = { '0': 'UBL', '2': 'HTML', '3': 'PDF', '9': null };

function rendered(format: string | null, xml: Buffer, faturaNo: string, uuid: string): Result['output'] | undefined {
  if (format === null) return undefined;
  if (format === 'UBL') return { format, content: xml };
  if (format === 'HTML') {
    return { format, content: Buffer.from(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${faturaNo}</title></head><body><h1>e-Arşiv Fatura ${xmlEscape(faturaNo)}</h1><p>ETTN ${xmlEscape(uuid)}</p><p>Sandbox</p></body></html>`) };
  }
  return { format, content: minimalPdf(`e-Arsiv Fatura ${faturaNo}`) };
}

/** A one-page PDF (sandbox stand-in for eFinans' rendering). */
function minimalPdf(text: string): Buffer {
  const safe = text.replace(/[^A-Za-z0-9 .\-]/g, '');
  const stream = `BT /F1 14 Tf 72 760 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

interface EarsivRow {
  uuid: string;
  islem_id: string;
  vkn: string;
  fatura_no: string;
  xml: Buffer;
  created_at: number;
  cancelled_at: number | null;
}

const faturaUrl = (ctx: ServiceContext, vkn: string, uuid: string) =>
  `${ctx.baseUrl}/earsiv/goruntule.jsp?vkn=${encodeURIComponent(vkn)}&uuid=${encodeURIComponent(uuid)}`;

export function authorised(ctx: ServiceContext, vkn: string | undefined): Result | undefined {
  if (!vkn) return fail('AE00003', 'vkn alanı boş olamaz.');
  if (!ctx.account.staff && !ctx.account.vkns.includes(vkn)) return fail('AE00052', `${vkn} için yetkili VKN bulunamadı.`);
  return undefined;
}

/** The operation's `input` JSON, read and checked against the caller's authorised VKNs in one step. */
function authorisedInput(body: Element, ctx: ServiceContext): { input: Input } | { error: Result } {
  const read = readInput(body);
  if ('error' in read) return read;
  const denied = authorised(ctx, str(read.input, 'vkn'));
  return denied ? { error: denied } : read;
}

function donenFormat(input: Input): string | null | Result {
  const value = str(input, 'donenBelgeFormati') ?? '9';
  if (!(value in FORMATS)) return fail('AE00085', `Geçersiz donenBelgeFormati: ${value} (0 UBL, 2 HTML, 3 PDF, 9 yok).`);
  return FORMATS[value]!;
}

const INVOICE_NO = /^[A-Z0-9]{3}20\d{2}\d{9}$/;

async function create(body: Element, ctx: ServiceContext): Promise<Result> {
  const read = readInput(body);
  if ('error' in read) return read.error;
  const input = read.input;
  const vkn = str(input, 'vkn');
  const denied = authorised(ctx, vkn);
  if (denied) return denied;
  const islemId = str(input, 'islemId');
  if (!islemId) return fail('AE00003', 'islemId alanı boş olamaz.');
  const format = donenFormat(input);
  if (format !== null && typeof format === 'object') return format;
  // The same islemId is the same invoice: a retry after a lost answer must not create a second one.
  const earlier = ctx.db.prepare('SELECT * FROM earsiv WHERE vkn = ? AND islem_id = ?').get(vkn, islemId) as EarsivRow | undefined;
  if (earlier) return created(ctx, earlier, format);

  const fatura = child(body, 'fatura') ?? child(body, 'belge');
  const content = fatura ? field(fatura, 'belgeIcerigi') : undefined;
  if (!content) return fail('AE00003', 'fatura.belgeIcerigi boş olamaz.');
  const formati = fatura ? field(fatura, 'belgeFormati') ?? 'UBL' : 'UBL';
  if (formati !== 'UBL') return fail('AE00013', `Desteklenmeyen belgeFormati: ${formati}`);
  let xml: Buffer;
  try {
    xml = unpack(Buffer.from(content.replace(/\s+/g, ''), 'base64'));
  } catch (e) {
    return fail('AE00005', `belgeIcerigi açılamadı: ${(e as Error).message}`);
  }
  const text = xml.toString('utf8');
  let facts;
  try {
    facts = readUblFacts(text);
  } catch (e) {
    return fail('AE00003', `Belge ayrıştırılamadı: ${(e as Error).message}`);
  }
  if (facts.root !== 'Invoice' || facts.profileId !== 'EARSIVFATURA') return fail('AE00003', `ProfileID EARSIVFATURA olmalı, belgede ${facts.profileId ?? 'yok'}.`);
  if (facts.sender.id !== vkn) return fail('AE00003', `Belgedeki satıcı VKN/TCKN (${facts.sender.id ?? 'yok'}) input.vkn (${vkn}) ile aynı değil.`);
  if (!facts.sendingType) return fail('AE00003', 'Gönderim Şekli bilgisi bulunamadı (DocumentTypeCode SendingType olan AdditionalDocumentReference).');
  if (facts.sendingType !== 'ELEKTRONIK' && facts.sendingType !== 'KAGIT') return fail('AE00003', `Geçersiz Gönderim Şekli: ${facts.sendingType} (ELEKTRONIK veya KAGIT).`);
  if (/nihai\s*(\/\s*muhtelif\s*)?tüketici/i.test(facts.receiver.name ?? '')) return fail('AE00313', 'Alıcı bilgisi Nihai/Muhtelif Tüketici olamaz.');
  const buyer = facts.receiver.id ? findRegisteredUser(ctx.db, facts.receiver.id) : undefined;
  if (buyer && activeInvoiceAliases(buyer).length > 0) return fail('AE00084', `Alıcı (${facts.receiver.id}) e-Fatura kayıtlı kullanıcısı; e-Arşiv faturası düzenlenemez.`);
  if (ctx.validator) {
    const result = await ctx.validator.validate(text, 'earchive');
    if (!result.valid) {
      return fail('AE00003', `Doğrulama hatası: ${result.issues.slice(0, 5).map((i) => (i.source === 'schematron' ? `${i.rule}: ${i.message}` : i.message)).join(' | ')}`);
    }
  }
  // The validation awaited: a parallel retry of the same islemId may have created it meanwhile.
  const raced = ctx.db.prepare('SELECT * FROM earsiv WHERE vkn = ? AND islem_id = ?').get(vkn, islemId) as EarsivRow | undefined;
  if (raced) return created(ctx, raced, format);
  const uuid = facts.uuid;
  if (!uuid) return fail('AE00016', 'UUID okunamadı.');
  if (ctx.db.prepare('SELECT 1 FROM earsiv WHERE uuid = ?').get(uuid)) return fail('AE00020', `${uuid} UUID'li fatura sistemde zaten kayıtlı.`);
  let faturaNo = facts.id;
  if (str(input, 'numaraVerilsinMi') === '1') {
    const seri = str(input, 'faturaSeri') ?? 'EAR';
    if (!/^[A-Z0-9]{3}$/.test(seri)) return fail('AE00003', `Geçersiz faturaSeri: ${seri}`);
    const year = (facts.issueDate ?? qnbDate(ctx.now())).slice(0, 4);
    const last = ctx.db.prepare('SELECT MAX(fatura_no) AS n FROM earsiv WHERE vkn = ? AND fatura_no LIKE ?').get(vkn, `${seri}${year}%`) as { n: string | null };
    faturaNo = `${seri}${year}${String(Number(last.n?.slice(7) ?? 0) + 1).padStart(9, '0')}`;
  }
  if (!faturaNo || !INVOICE_NO.test(faturaNo)) return fail('AE00017', `Fatura numarası okunamadı: ${faturaNo ?? 'yok'}`);
  if (ctx.db.prepare('SELECT 1 FROM earsiv WHERE vkn = ? AND fatura_no = ?').get(vkn, faturaNo)) return fail('AE00009', `${faturaNo} numaralı fatura bu VKN için zaten kayıtlı.`);
  if (!hasKontor(ctx.db, vkn!, 'ARSIV')) return fail('AE00001', 'Kontör bakiyesi yetersiz (ARSIV).');
  const row: EarsivRow = { uuid, islem_id: islemId, vkn: vkn!, fatura_no: faturaNo, xml, created_at: ctx.now(), cancelled_at: null };
  ctx.db.transaction(() => {
    ctx.db
      .prepare('INSERT INTO earsiv (uuid, islem_id, vkn, sube, kasa, fatura_no, xml, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(uuid, islemId, vkn, str(input, 'sube') ?? 'DFLT', str(input, 'kasa') ?? 'DFLT', faturaNo, xml, ctx.account.userId, row.created_at);
    chargeKontor(ctx.db, vkn!, 'ARSIV');
  })();
  return created(ctx, row, format);
}

function created(ctx: ServiceContext, row: EarsivRow, format: string | null): Result {
  return ok(
    [
      ['islemID', row.islem_id],
      ['uuid', row.uuid],
      ['faturaNo', row.fatura_no],
      ['faturaURL', faturaUrl(ctx, row.vkn, row.uuid)],
    ],
    rendered(format, row.xml, row.fatura_no, row.uuid),
  );
}

function lookup(ctx: ServiceContext, input: Input): EarsivRow | undefined {
  const vkn = str(input, 'vkn');
  const uuid = str(input, 'faturaUuid');
  const no = str(input, 'faturaNo');
  if (uuid) return ctx.db.prepare('SELECT * FROM earsiv WHERE vkn = ? AND uuid = ?').get(vkn, uuid) as EarsivRow | undefined;
  if (no) return ctx.db.prepare('SELECT * FROM earsiv WHERE vkn = ? AND fatura_no = ?').get(vkn, no) as EarsivRow | undefined;
  return undefined;
}

function query(body: Element, ctx: ServiceContext): Result {
  const read = authorisedInput(body, ctx);
  if ('error' in read) return read.error;
  const input = read.input;
  const format = donenFormat(input);
  if (format !== null && typeof format === 'object') return format;
  if (!str(input, 'faturaUuid') && !str(input, 'faturaNo')) return fail('AE00003', 'faturaUuid veya faturaNo gerekli.');
  const row = lookup(ctx, input);
  if (!row) {
    return fail('AE00002', `${str(input, 'vkn')} VKN'ye ait ${str(input, 'faturaUuid') ?? str(input, 'faturaNo')} UUID'li fatura sistemde kayıtlı değildir!`);
  }
  const result = created(ctx, row, format);
  if (row.cancelled_at !== null) result.extra!.push(['iptalTarihi', qnbDate(row.cancelled_at)]);
  return result;
}

function cancel(body: Element, ctx: ServiceContext): Result {
  const read = authorisedInput(body, ctx);
  if ('error' in read) return read.error;
  const input = read.input;
  const row = lookup(ctx, input);
  if (!row) return fail('AE00042', 'Fatura sistemde kayıtlı değil.');
  const no = str(input, 'faturaNo');
  if (no && no !== row.fatura_no) return fail('AE00018', `UUID ile fatura numarası uyuşmuyor (${row.fatura_no}).`);
  if (row.cancelled_at !== null) return fail('AE00091', `Fatura ${qnbDate(row.cancelled_at)} tarihinde zaten iptal edilmiş.`);
  const at = ctx.now();
  ctx.db.prepare('UPDATE earsiv SET cancelled_at = ? WHERE uuid = ?').run(at, row.uuid);
  return ok([['iptalTarihi', qnbTimestamp(at).slice(0, 8)]]);
}

/**
 * The integrator reports each invoice to GİB in the report of the day after its creation (Türkiye time; VUK 509:
 * due by the end of the next day), a cancellation likewise — the same rule the receipt services follow here.
 */
const reportedBy = (now: number, at: number | null) => at !== null && qnbDate(now) > qnbDate(at);

/** rapordaFaturaSorgula: per invoice, whether it (and its cancellation) is in a report sent to GİB. */
function reportStatus(body: Element, ctx: ServiceContext): Result {
  const read = authorisedInput(body, ctx);
  if ('error' in read) return read.error;
  const input = read.input;
  if (!str(input, 'faturaUuid') && !str(input, 'faturaNo')) return fail('AE00003', 'faturaUuid veya faturaNo gerekli.');
  const row = lookup(ctx, input);
  if (!row) return fail('AE00002', `${str(input, 'vkn')} VKN'ye ait ${str(input, 'faturaUuid') ?? str(input, 'faturaNo')} UUID'li fatura sistemde kayıtlı değildir!`);
  const reported = reportedBy(ctx.now(), row.created_at);
  return ok([
    ['raporlandi', String(reported)],
    ...(reported ? ([['bolumRaporNo', `${row.vkn}-${qnbDate(row.created_at)}-1`], ['raporBolumDurum', '4']] as [string, string][]) : []),
    ...(row.cancelled_at !== null ? ([['iptal_raporlandi', String(reportedBy(ctx.now(), row.cancelled_at))]] as [string, string][]) : []),
  ]);
}

/** faturaIptaliKaldir: only while the cancellation is not yet in a report. */
function undoCancel(body: Element, ctx: ServiceContext): Result {
  const read = authorisedInput(body, ctx);
  if ('error' in read) return read.error;
  const input = read.input;
  const row = lookup(ctx, input);
  if (!row) return fail('AE00042', 'Fatura sistemde kayıtlı değil.');
  if (row.cancelled_at === null) return fail('AE00053', 'Fatura iptal edilmemiş.');
  if (reportedBy(ctx.now(), row.cancelled_at)) return fail('AE00053', `İptal ${qnbDate(row.cancelled_at)} raporuyla GİB'e bildirildi; geri alınamaz.`);
  ctx.db.prepare('UPDATE earsiv SET cancelled_at = NULL WHERE uuid = ?').run(row.uuid);
  return ok([]);
}

export const earsivOperations: Record<string, OperationHandler> = {
  rapordaFaturaSorgula: (body, ctx) => resultXml(reportStatus(body, ctx)),
  faturaIptaliKaldir: (body, ctx) => resultXml(undoCancel(body, ctx)),
  faturaOlusturExt: async (body, ctx) => resultXml(await create(body, ctx)),
  faturaOlustur: async (body, ctx) => resultXml(await create(body, ctx)),
  faturaSorgula: (body, ctx) => resultXml(query(body, ctx)),
  faturaIptalEt: (body, ctx) => resultXml(cancel(body, ctx)),
};

/** GET /earsiv/goruntule.jsp?vkn=…&uuid=…: the invoice behind a faturaURL. */
export function earsivInvoiceXml(ctx: Pick<ServiceContext, 'db'>, vkn: string, uuid: string): Buffer | undefined {
  return (ctx.db.prepare('SELECT xml FROM earsiv WHERE vkn = ? AND uuid = ?').get(vkn, uuid) as { xml: Buffer } | undefined)?.xml;
}
