import type { Element } from '@xmldom/xmldom';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { ESMM_CONTRACT } from '../../core/integrator/esmmService';
import { MUSTAHSIL_OPERATIONS, type ReceiptOperations } from '../../core/integrator/mustahsilService';
import { readReceiptFacts } from '../../core/documents/receipts/facts';
import { FEE_RECEIPT_TYPE, PRODUCER_RECEIPT_TYPE, RECEIPT_PROFILE } from '../../core/documents/receipts/codes';
import { checkReceiptXml, type ReceiptKind } from '../../core/documents/receipts/rules';
import { validateAgainstGibXsd } from '../../core/validation/xsd';
import { qnbDate, qnbTimestamp } from './clock';
import type { OperationHandler, ServiceContext } from './context';
import { authorised, fail, ok, readInput, resultXml, str, unpack, type Input, type Result } from './earsiv';
import { chargeKontor, hasKontor } from './kontor';
import { child, field } from './soap';

/**
 * The receipt services: QNB's MustahsilWebService (e-MM, operation names as its WSDL) and the e-SMM service under
 * the names Konnektör infers (core/integrator/esmmService.ts), both in the EarsivWebService family: `input` JSON,
 * `belge{belgeFormati, belgeIcerigi}`, `return{resultCode, resultExtra, resultText}` answers with AE codes.
 *
 * On receipt the sandbox makes the checks Konnektör's client makes — GİB's XSD of the root and the receipt rule
 * set (core/documents/receipts/rules.ts) — so a receipt the client would refuse is refused here too. GİB's report
 * is simulated as QNB describes it: a receipt is reported in the first hours of the day after its creation
 * (Türkiye time), a cancellation likewise; a reported cancellation can no longer be undone. A receipt can be
 * cancelled within 8 days of its creation.
 */
const CANCEL_WINDOW_MS = 8 * 86_400_000;

/** Sandbox-only result codes where QNB publishes none for receipts (the texts say what happened). */
const CODES = {
  unknown: 'AE00002',
  notFound: 'AE00042',
  alreadyCancelled: 'AE00091',
  windowPassed: 'AE00092',
  notCancelled: 'AE00093',
  cancellationReported: 'AE00094',
} as const;

interface ReceiptRow {
  uuid: string;
  islem_id: string;
  vkn: string;
  kind: ReceiptKind;
  belge_no: string;
  created_at: number;
  cancelled_at: number | null;
}

const EXPECTED: Record<ReceiptKind, { root: string; type: string; name: string }> = {
  emm: { root: 'CreditNote', type: PRODUCER_RECEIPT_TYPE, name: 'müstahsil makbuzu' },
  esmm: { root: 'Invoice', type: FEE_RECEIPT_TYPE, name: 'serbest meslek makbuzu' },
};

/** Reported to GİB: the Türkiye day after the event has begun. */
const reportedBy = (now: number, at: number | null) => at !== null && qnbDate(now) > qnbDate(at);

function codelistsOf(ctx: ServiceContext) {
  return ctx.validator ? loadGibCodelists(ctx.validator.gibPackage) : undefined;
}

async function create(kind: ReceiptKind, body: Element, ctx: ServiceContext): Promise<Result> {
  const read = readInput(body);
  if ('error' in read) return read.error;
  const input = read.input;
  const vkn = str(input, 'vkn');
  const denied = authorised(ctx, vkn);
  if (denied) return denied;
  const islemId = str(input, 'islemId');
  if (!islemId) return fail('AE00003', 'islemId alanı boş olamaz.');
  // The same islemId is the same receipt: a retry after a lost answer must not create a second one.
  const earlier = ctx.db.prepare('SELECT * FROM receipt WHERE vkn = ? AND kind = ? AND islem_id = ?').get(vkn, kind, islemId) as ReceiptRow | undefined;
  if (earlier) return created(earlier);
  const belge = child(body, 'belge');
  const content = belge ? field(belge, 'belgeIcerigi') : undefined;
  if (!content) return fail('AE00003', 'belge.belgeIcerigi boş olamaz.');
  const formati = belge ? (field(belge, 'belgeFormati') ?? 'UBL') : 'UBL';
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
    facts = readReceiptFacts(text);
  } catch (e) {
    return fail('AE00003', `Belge ayrıştırılamadı: ${(e as Error).message}`);
  }
  const want = EXPECTED[kind];
  if (facts.root !== want.root || facts.profileId !== RECEIPT_PROFILE || facts.typeCode !== want.type) {
    return fail('AE00003', `Bu servis yalnız ${want.name} alır: ${want.root}, ProfileID ${RECEIPT_PROFILE}, tip ${want.type} (belgede: ${facts.root}, ${facts.profileId ?? 'yok'}, ${facts.typeCode ?? 'yok'}).`);
  }
  const issuer = facts.supplier.ids.find((i) => i.scheme === 'VKN' || i.scheme === 'TCKN')?.value;
  if (issuer !== vkn) return fail('AE00003', `Belgedeki düzenleyen VKN/TCKN (${issuer ?? 'yok'}) input.vkn (${vkn}) ile aynı değil.`);
  const codelists = codelistsOf(ctx);
  if (ctx.validator && codelists) {
    const issues = [
      ...validateAgainstGibXsd(text, { gibPackage: ctx.validator.gibPackage, expectedRoot: want.root }),
      ...checkReceiptXml(text, kind, { codelists, today: `${qnbDate(ctx.now()).slice(0, 4)}-${qnbDate(ctx.now()).slice(4, 6)}-${qnbDate(ctx.now()).slice(6, 8)}` }),
    ];
    if (issues.length > 0) return fail('AE00003', `Doğrulama hatası: ${issues.slice(0, 5).map((i) => `${i.rule}: ${i.message}`).join(' | ')}`);
  }
  const uuid = facts.uuid;
  if (!uuid) return fail('AE00016', 'UUID okunamadı.');
  if (ctx.db.prepare('SELECT 1 FROM receipt WHERE uuid = ?').get(uuid)) return fail('AE00020', `${uuid} UUID'li belge sistemde zaten kayıtlı.`);
  const belgeNo = facts.id;
  if (!belgeNo) return fail('AE00017', 'Belge numarası okunamadı.');
  if (ctx.db.prepare('SELECT 1 FROM receipt WHERE vkn = ? AND belge_no = ?').get(vkn, belgeNo)) return fail('AE00009', `${belgeNo} numaralı belge bu VKN için zaten kayıtlı.`);
  if (!hasKontor(ctx.db, vkn!, 'ARSIV')) return fail('AE00001', 'Kontör bakiyesi yetersiz (ARSIV).');
  const row: ReceiptRow = { uuid, islem_id: islemId, vkn: vkn!, kind, belge_no: belgeNo, created_at: ctx.now(), cancelled_at: null };
  ctx.db.transaction(() => {
    ctx.db
      .prepare('INSERT INTO receipt (uuid, islem_id, vkn, kind, belge_no, xml, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(uuid, islemId, vkn, kind, belgeNo, xml, ctx.account.userId, row.created_at);
    chargeKontor(ctx.db, vkn!, 'ARSIV');
  })();
  return created(row);
}

function created(row: ReceiptRow): Result {
  return ok([
    ['islemID', row.islem_id],
    ['uuid', row.uuid],
    ['belgeNo', row.belge_no],
    ...(row.cancelled_at !== null ? ([['iptalTarihi', qnbDate(row.cancelled_at)]] as [string, string][]) : []),
  ]);
}

/** The receipt an `input` names (uuid, else islemId, else belgeNo), of this service's kind. */
function lookup(kind: ReceiptKind, ctx: ServiceContext, input: Input): ReceiptRow | undefined {
  const vkn = str(input, 'vkn');
  const by = (column: string, value: string) => ctx.db.prepare(`SELECT * FROM receipt WHERE vkn = ? AND kind = ? AND ${column} = ?`).get(vkn, kind, value) as ReceiptRow | undefined;
  const uuid = str(input, 'uuid');
  if (uuid) return by('uuid', uuid);
  const islemId = str(input, 'islemId');
  if (islemId) return by('islem_id', islemId);
  const no = str(input, 'belgeNo');
  return no ? by('belge_no', no) : undefined;
}

/** The operations that name one receipt: read the input, check the caller, find the receipt. */
function withReceipt(kind: ReceiptKind, missing: string, act: (row: ReceiptRow, ctx: ServiceContext, input: Input) => Result) {
  return (body: Element, ctx: ServiceContext): Result => {
    const read = readInput(body);
    if ('error' in read) return read.error;
    const denied = authorised(ctx, str(read.input, 'vkn'));
    if (denied) return denied;
    const row = lookup(kind, ctx, read.input);
    if (!row) return fail(missing, `${str(read.input, 'vkn')} VKN'ye ait ${str(read.input, 'uuid') ?? str(read.input, 'islemId') ?? str(read.input, 'belgeNo') ?? '?'} belge sistemde kayıtlı değildir!`);
    const no = str(read.input, 'belgeNo');
    if (no && no !== row.belge_no) return fail('AE00018', `UUID ile belge numarası uyuşmuyor (${row.belge_no}).`);
    return act(row, ctx, read.input);
  };
}

function receiptOperations(kind: ReceiptKind, names: ReceiptOperations): Record<string, OperationHandler> {
  const query = withReceipt(kind, CODES.unknown, (row) => created(row));
  const cancel = withReceipt(kind, CODES.notFound, (row, ctx) => {
    if (row.cancelled_at !== null) return fail(CODES.alreadyCancelled, `Belge ${qnbDate(row.cancelled_at)} tarihinde zaten iptal edilmiş.`);
    if (ctx.now() - row.created_at > CANCEL_WINDOW_MS) return fail(CODES.windowPassed, `İptal süresi geçti: belge ${qnbDate(row.created_at)} tarihinde oluşturuldu; iptal 8 gün içinde yapılabilir.`);
    const at = ctx.now();
    ctx.db.prepare('UPDATE receipt SET cancelled_at = ? WHERE uuid = ?').run(at, row.uuid);
    return ok([['iptalTarihi', qnbTimestamp(at).slice(0, 8)]]);
  });
  const undoCancel = withReceipt(kind, CODES.notFound, (row, ctx) => {
    if (row.cancelled_at === null) return fail(CODES.notCancelled, 'Belge iptal edilmemiş.');
    if (reportedBy(ctx.now(), row.cancelled_at)) return fail(CODES.cancellationReported, `İptal ${qnbDate(row.cancelled_at)} raporuyla GİB'e bildirildi; geri alınamaz.`);
    ctx.db.prepare('UPDATE receipt SET cancelled_at = NULL WHERE uuid = ?').run(row.uuid);
    return ok([]);
  });
  const reportStatus = withReceipt(kind, CODES.unknown, (row, ctx) =>
    ok([
      ['raporlandi', String(reportedBy(ctx.now(), row.created_at))],
      ...(row.cancelled_at !== null ? ([['iptal_raporlandi', String(reportedBy(ctx.now(), row.cancelled_at))]] as [string, string][]) : []),
    ]),
  );
  return {
    [names.create]: async (body, ctx) => resultXml(await create(kind, body, ctx)),
    [names.query]: (body, ctx) => resultXml(query(body, ctx)),
    [names.cancel]: (body, ctx) => resultXml(cancel(body, ctx)),
    [names.undoCancel]: (body, ctx) => resultXml(undoCancel(body, ctx)),
    [names.reportStatus]: (body, ctx) => resultXml(reportStatus(body, ctx)),
  };
}

export const mustahsilOperations = receiptOperations('emm', MUSTAHSIL_OPERATIONS);
export const esmmOperations = receiptOperations('esmm', ESMM_CONTRACT.operations);

/** The operation names each receipt service answers (its WSDL lists them). */
export const RECEIPT_SERVICE_OPERATIONS = {
  mustahsilService: Object.keys(mustahsilOperations),
  esmmService: Object.keys(esmmOperations),
};
