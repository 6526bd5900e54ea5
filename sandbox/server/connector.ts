import crypto from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { requireVkn } from './accounts';
import { parseQnbDate, qnbDate, qnbTimestamp } from './clock';
import { StreamedAnswer, type OperationHandler, type ServiceContext } from './context';
import { findIncoming, listIncomingAfter, listIncomingArrived, markIncomingTaken, type IncomingRow } from './incoming';
import { getKontor, hasKontor } from './kontor';
import type { OutgoingRow, OutgoingStatusView } from './outgoing';
import { activeInvoiceAliases, findRegisteredUser } from './registry';
import { child, field, fields, requireField, SoapFault, xmlEscape, xmlFields, type XmlValue } from './soap';
import { getMeta, setMeta } from './store';
import { userListZip } from './userList';
import { writeZip } from './zip';

/**
 * connectorService (namespace http://service.connector.uut.cs.com.tr/): the e-Fatura operations Konnektör uses,
 * with eFinans' names and parameters (integrator-api.md §5–§13).
 */
export const CONNECTOR_FAULTS = {
  hash: 'Hash hatası: belgeHash, veri alanındaki baytların MD5 özeti ile uyuşmuyor.',
  duplicateBelgeNo: (belgeNo: string) => `Bu belgeNo (${belgeNo}) ile daha önce farklı içerikte bir belge gönderilmiş; belgeNo gönderici için tekil olmalıdır.`,
  veriNotBase64: 'veri alanı geçerli bir base64Binary değil.',
  belgeTuru: (t: string) => `Desteklenmeyen belgeTuru: ${t} (gönderimde FATURA_UBL, UYGULAMA_YANITI_UBL, IRSALIYE_UBL veya IRSALIYE_YANITI_UBL).`,
  kontor: 'Kontör bakiyesi yetersiz (FATURA).',
  vkn: (v: string) => `Geçersiz vergiTcKimlikNo: ${v} (10 haneli VKN veya 11 haneli TCKN).`,
} as const;

const TAX_ID = /^\d{10,11}$/;

function senderVkn(ctx: ServiceContext, vkn: string): string {
  if (!TAX_ID.test(vkn)) throw new SoapFault(CONNECTOR_FAULTS.vkn(vkn));
  requireVkn(ctx.account, vkn);
  return vkn;
}

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new SoapFault(CONNECTOR_FAULTS.veriNotBase64);
  return Buffer.from(compact, 'base64');
}

interface SendParams {
  vergiTcKimlikNo: string;
  belgeTuru: string;
  belgeNo: string;
  veri: string;
  belgeHash: string;
  mimeType?: string;
  belgeVersiyon?: string;
  erpKodu?: string;
  alanEtiket?: string;
  gonderenEtiket?: string;
}

function send(ctx: ServiceContext, p: SendParams): string {
  const vkn = senderVkn(ctx, p.vergiTcKimlikNo);
  if (p.belgeTuru !== 'FATURA_UBL' && p.belgeTuru !== 'UYGULAMA_YANITI_UBL' && p.belgeTuru !== 'IRSALIYE_UBL' && p.belgeTuru !== 'IRSALIYE_YANITI_UBL') throw new SoapFault(CONNECTOR_FAULTS.belgeTuru(p.belgeTuru));
  const xml = decodeBase64(p.veri);
  const md5 = crypto.createHash('md5').update(xml).digest('hex');
  if (md5 !== p.belgeHash.trim().toLowerCase()) throw new SoapFault(CONNECTOR_FAULTS.hash);
  // belgeNo is the sender's key: the same document again is the same belgeOid (a retry after a lost answer).
  const earlier = ctx.outgoing.findByLocalNo(vkn, p.belgeNo);
  if (earlier) {
    if (earlier.hash === md5) {
      ctx.outgoing.countSubmission(earlier.belge_oid);
      return earlier.belge_oid;
    }
    throw new SoapFault(CONNECTOR_FAULTS.duplicateBelgeNo(p.belgeNo));
  }
  if (p.belgeTuru === 'FATURA_UBL' && !hasKontor(ctx.db, vkn, 'FATURA')) throw new SoapFault(CONNECTOR_FAULTS.kontor);
  if (p.belgeTuru === 'IRSALIYE_UBL' && !hasKontor(ctx.db, vkn, 'IRSALIYE')) throw new SoapFault(CONNECTOR_FAULTS.kontor);
  const row = ctx.outgoing.receive({
    userId: ctx.account.userId,
    senderVkn: vkn,
    belgeTuru: p.belgeTuru,
    belgeNo: p.belgeNo,
    xml,
    hash: md5,
    ...(p.mimeType ? { mimeType: p.mimeType } : {}),
    ...(p.belgeVersiyon ? { belgeVersiyon: p.belgeVersiyon } : {}),
    ...(p.erpKodu ? { erpKodu: p.erpKodu } : {}),
    ...(p.alanEtiket ? { alanEtiket: p.alanEtiket } : {}),
    ...(p.gonderenEtiket ? { gonderenEtiket: p.gonderenEtiket } : {}),
  });
  return row.belge_oid;
}

function sendParams(el: Element): SendParams {
  const optional = (name: string) => field(el, name);
  return {
    vergiTcKimlikNo: requireField(el, 'vergiTcKimlikNo'),
    belgeTuru: requireField(el, 'belgeTuru'),
    belgeNo: requireField(el, 'belgeNo'),
    veri: requireField(el, 'veri'),
    belgeHash: requireField(el, 'belgeHash'),
    ...Object.fromEntries(
      (['mimeType', 'belgeVersiyon', 'erpKodu', 'alanEtiket', 'gonderenEtiket'] as const).flatMap((k) => {
        const v = optional(k);
        return v === undefined ? [] : [[k, v]];
      }),
    ),
  };
}

const ret = (value: XmlValue) => (value === undefined || value === null ? '' : `<return>${xmlEscape(String(value))}</return>`);

/** `donusTipiVersiyon` "N.0" → N (1…6); absent means the base type. */
function returnVersion(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Math.trunc(Number(value));
  if (!Number.isFinite(n) || n < 1) throw new SoapFault(`Geçersiz donusTipiVersiyon: ${value}`);
  return Math.min(n, 6);
}

/** gidenBelgeDurum(vN): base fields, then each version's additions (JAXB: alphabetical per type, nulls left out). */
function statusXml(v: OutgoingStatusView, version: number): string {
  const base: [string, XmlValue][] = [
    ['aciklama', v.aciklama],
    ['alimTarihi', qnbTimestamp(v.alimTarihi)],
    ['belgeNo', v.belgeNo],
    ['durum', v.durum],
    ['ettn', v.ettn],
    ['gonderimCevabiDetayi', v.gonderimCevabiDetayi],
    ['gonderimCevabiKodu', v.gonderimCevabiKodu],
    ['gonderimDurumu', v.gonderimDurumu],
    ['gonderimTarihi', v.gonderimTarihi === undefined ? undefined : qnbTimestamp(v.gonderimTarihi)],
    ['olusturulmaTarihi', v.olusturulmaTarihi === undefined ? undefined : qnbTimestamp(v.olusturulmaTarihi)],
    ['yanitDetayi', v.yanitDetayi],
    ['yanitDurumu', v.yanitDurumu],
    ['yanitTarihi', v.yanitTarihi === undefined ? undefined : qnbTimestamp(v.yanitTarihi)],
  ];
  if (version >= 2) base.push(['ulastiMi', v.ulastiMi], ['yenidenGonderilebilirMi', v.yenidenGonderilebilirMi]);
  if (version >= 3) base.push(['yerelBelgeOid', v.belgeOid]);
  return xmlFields(base);
}

function statusReturn(ctx: ServiceContext, row: OutgoingRow | undefined, version: number, typed: boolean): string {
  if (!row) return '';
  const type = version === 1 ? 'gidenBelgeDurum' : `gidenBelgeDurumv${version}`;
  return `<return${typed ? ` xsi:type="ns2:${type}"` : ''}>${statusXml(ctx.outgoing.status(row), version)}</return>`;
}

function findOutgoing(ctx: ServiceContext, vkn: string, by: string, value: string): OutgoingRow | undefined {
  switch (by) {
    case 'YEREL':
      return ctx.outgoing.findByLocalNo(vkn, value);
    case 'OID':
      return ctx.outgoing.findByOid(vkn, value);
    case 'ETTN':
      return ctx.outgoing.findByEttn(vkn, value);
    default:
      throw new SoapFault(`Geçersiz belgeNoTipi: ${by} (YEREL, OID veya ETTN).`);
  }
}

function resend(ctx: ServiceContext, body: Element, listName: string, by: 'ETTN' | 'OID' | 'YEREL'): string {
  const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
  const keys = fields(body, listName);
  if (keys.length === 0) throw new SoapFault(`${listName} listesi boş olamaz.`);
  return ret(ctx.outgoing.resend(keys.map((k) => findOutgoing(ctx, vkn, by, k))));
}

/** Java prints a float with at least one decimal (998.0). */
const javaFloat = (n: number) => (Number.isInteger(n) ? `${n}.0` : String(n));

/** `2020-01-01T00:00:00` (UserList) → `20200101000000` (kayitZamani). */
const compactTime = (iso: string | undefined) => (iso ? iso.replace(/\D/g, '').padEnd(14, '0').slice(0, 14) : undefined);

/** belge … belgev6: each version adds fields (integrator-api.md §9); list calls leave the content empty. */
function incomingXml(r: IncomingRow, version: number): string {
  const values: [string, XmlValue][] = [
    ['belgeNo', r.belge_no],
    ['belgeSiraNo', r.belge_sira_no],
    ['belgeTarihi', r.belge_tarihi?.replace(/-/g, '')],
    ['belgeTuru', r.belge_turu],
    ['ettn', r.ettn],
    ['gonderenEtiket', r.sender_alias],
    ['gonderenVknTckn', r.sender_vkn],
  ];
  if (version >= 2) {
    values.push(
      ['alanEtiket', r.receiver_alias],
      ['aliciUnvan', r.receiver_title],
      ['belgeVersiyon', '1.0'],
      ['saticiUnvan', r.sender_title],
      ['zarfId', r.zarf_id],
    );
  }
  if (version >= 3) values.push(['odenecekTutar', r.payable], ['odenecekTutarDovizCinsi', r.currency]);
  if (version >= 4) values.push(['arsivlenmis', 'false'], ['belgeHash', crypto.createHash('sha256').update(r.xml).digest('base64')]);
  if (version >= 5) values.push(['faturaGelisTarihi', qnbTimestamp(r.arrived_at)]);
  if (version >= 6) values.push(['profileId', r.profile_id]);
  const type = version === 1 ? 'belge' : `belgev${version}`;
  return `<return xsi:type="ns2:${type}">${xmlFields(values)}</return>`;
}

const INCOMING_KINDS = new Set(['FATURA', 'UYGULAMA_YANITI', 'IRSALIYE', 'IRSALIYE_YANITI']);

function incomingKind(value: string | undefined): string {
  const kind = value ?? 'FATURA';
  if (!INCOMING_KINDS.has(kind)) throw new SoapFault(`Geçersiz belgeTuru: ${kind} (FATURA, UYGULAMA_YANITI, IRSALIYE, IRSALIYE_YANITI).`);
  return kind;
}

function download(ctx: ServiceContext, vkn: string, ettns: string[], format: string | undefined): string {
  if (format !== undefined && format !== 'UBL') throw new SoapFault(`Desteklenmeyen belgeFormati: ${format} (bu ortamda yalnızca UBL).`);
  if (ettns.length === 0) throw new SoapFault('ettn listesi boş olamaz.');
  const rows = findIncoming(ctx.db, vkn, ettns);
  if (rows.length === 0) throw new SoapFault(`Belge bulunamadı: ${ettns.join(', ')}`);
  return ret(writeZip(rows.map((r) => ({ name: `${r.ettn}.xml`, data: r.xml }))).toString('base64'));
}

function requireParams(body: Element): Element {
  const p = child(body, 'parametreler');
  if (!p) throw new SoapFault('parametreler alanı boş olamaz.');
  return p;
}

const PREFIX = /^[A-Z0-9]{3}$/;

export const connectorOperations: Record<string, OperationHandler> = {
  belgeGonderExt: (body, ctx) => ret(send(ctx, sendParams(requireParams(body)))),

  belgeGonder: (body, ctx) => ret(send(ctx, sendParams(body))),

  gidenBelgeDurumSorgulaExt: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    const p = requireParams(body);
    const version = returnVersion(field(p, 'donusTipiVersiyon'));
    const by = field(p, 'belgeNoTipi') ?? 'YEREL';
    const keys = [field(p, 'belgeNo'), ...fields(p, 'belgeNoList')].filter((k): k is string => k !== undefined);
    if (keys.length === 0) throw new SoapFault('belgeNo alanı boş olamaz.');
    // An unknown document is an empty answer, not a fault: the caller then knows it never arrived.
    return keys.map((k) => statusReturn(ctx, findOutgoing(ctx, vkn, by, k), version, true)).join('');
  },

  gidenBelgeDurumSorgula: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    return statusReturn(ctx, ctx.outgoing.findByOid(vkn, requireField(body, 'belgeOid')), 1, false);
  },

  gidenBelgeDurumSorgulaEttn: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    return statusReturn(ctx, ctx.outgoing.findByEttn(vkn, requireField(body, 'ettn')), 1, false);
  },

  gidenBelgeDurumSorgulaYerelBelgeNo: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    return statusReturn(ctx, ctx.outgoing.findByLocalNo(vkn, requireField(body, 'yerelBelgeNo')), 1, false);
  },

  belgeleriTekrarGonder: (body, ctx) => resend(ctx, body, 'ettn', 'ETTN'),
  belgeleriTekrarGonderBelgeOid: (body, ctx) => resend(ctx, body, 'belgeOid', 'OID'),
  belgeleriTekrarGonderYerelBelgeNo: (body, ctx) => resend(ctx, body, 'yerelBelgeNo', 'YEREL'),

  efaturaKullanicisi: (body, ctx) => {
    const user = findRegisteredUser(ctx.db, requireField(body, 'vergiTcKimlikNo'));
    return ret(user !== undefined && activeInvoiceAliases(user).length > 0);
  },

  efaturaKullaniciBilgisi: (body, ctx) => {
    const user = findRegisteredUser(ctx.db, requireField(body, 'vergiTcKimlikNo'));
    if (!user) return '';
    return activeInvoiceAliases(user)
      .map(
        (a) =>
          `<return>${xmlFields([
            ['etiket', a.name],
            ['kamuKurulusu', user.type === 'KAMU'],
            ['kayitZamani', compactTime(a.creationTime ?? user.firstCreationTime)],
            ['unvan', user.title],
            ['vergiTcKimlikNo', user.identifier],
          ])}</return>`,
      )
      .join('');
  },

  kayitliKullaniciListeleExtended: (body, ctx) => {
    const urun = field(body, 'urun') ?? 'EFATURA';
    if (urun !== 'EFATURA' && urun !== 'EIRSALIYE') throw new SoapFault(`Geçersiz urun: ${urun} (EFATURA veya EIRSALIYE).`);
    const gecmis = field(body, 'gecmisEklensin') ?? '0';
    if (gecmis !== '0' && gecmis !== '1') throw new SoapFault(`Geçersiz gecmisEklensin: ${gecmis} (0 veya 1).`);
    return new StreamedAnswer(userListZip(ctx.db, { urun, withHistory: gecmis === '1', generated: ctx.generatedUsers, faults: ctx.faults.userList }));
  },

  kontorBilgisiGetir: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vknTckn'));
    const tipi = field(body, 'kontorTipi') ?? 'FATURA';
    const birimi = field(body, 'kontorBirimi') ?? 'ADET';
    const k = getKontor(ctx.db, vkn, tipi);
    return `<return>${xmlFields([
      ['kalan', javaFloat(k.kalan)],
      ['kontorBirimi', birimi],
      ['kontorTipi', tipi],
      ['limitAsimMiktari', javaFloat(k.limitAsimMiktari)],
      ['toplamAlinan', javaFloat(k.toplamAlinan)],
      ['vknTckn', vkn],
    ])}</return>`;
  },

  faturaNoUret: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vknTckn'));
    const prefix = requireField(body, 'faturaKodu');
    if (!PREFIX.test(prefix)) throw new SoapFault(`Geçersiz faturaKodu: ${prefix} (3 büyük harf veya rakam).`);
    const year = qnbDate(ctx.now()).slice(0, 4);
    const key = `faturaNo:${vkn}:${prefix}${year}`;
    const used = ctx.db
      .prepare("SELECT MAX(CAST(substr(invoice_id, 8) AS INTEGER)) AS n FROM outgoing WHERE sender_vkn = ? AND invoice_id LIKE ? || '%'")
      .get(vkn, `${prefix}${year}`) as { n: number | null };
    const next = Math.max(Number(getMeta(ctx.db, key) ?? 0), used.n ?? 0) + 1;
    setMeta(ctx.db, key, String(next));
    return ret(`${prefix}${year}${String(next).padStart(9, '0')}`);
  },

  gelenBelgeleriListeleExt: (body, ctx) => {
    const p = requireParams(body);
    const vkn = senderVkn(ctx, requireField(p, 'vergiTcKimlikNo'));
    const kind = incomingKind(field(p, 'belgeTuru'));
    const version = returnVersion(field(p, 'donusTipiVersiyon'));
    const cursor = field(p, 'sonAlinanBelgeSiraNumarasi');
    const from = field(p, 'gelisTarihiBaslangic');
    const to = field(p, 'gelisTarihiBitis');
    let rows: IncomingRow[];
    if (cursor !== undefined) {
      const excluded = ['gelisTarihiBaslangic', 'gelisTarihiBitis', 'onayDurum', 'subeKodu', 'alanEtiket'].filter((n) => field(p, n) !== undefined);
      if (excluded.length > 0) throw new SoapFault(`sonAlinanBelgeSiraNumarasi ile ${excluded.join(', ')} birlikte kullanılamaz.`);
      if (!/^\d+$/.test(cursor)) throw new SoapFault(`Geçersiz sonAlinanBelgeSiraNumarasi: ${cursor}`);
      rows = listIncomingAfter(ctx.db, vkn, kind, Number(cursor), 100);
    } else if (from !== undefined || to !== undefined) {
      const start = from === undefined ? 0 : parseQnbDate(from);
      const end = to === undefined ? Number.MAX_SAFE_INTEGER : parseQnbDate(to, true);
      if (start === undefined || end === undefined) throw new SoapFault('Geçersiz gelisTarihi: yyyyMMdd, yyyyMMddHHmmss veya yyyyMMddHHmmssSSS.');
      rows = listIncomingArrived(ctx.db, vkn, kind, start, end, 100);
    } else {
      throw new SoapFault('sonAlinanBelgeSiraNumarasi veya gelisTarihiBaslangic/gelisTarihiBitis gerekli.');
    }
    return rows.map((r) => incomingXml(r, version)).join('');
  },

  gelenBelgeleriIndirExt: (body, ctx) => {
    const p = requireParams(body);
    const vkn = senderVkn(ctx, requireField(p, 'vergiTcKimlikNo'));
    incomingKind(field(p, 'belgeTuru'));
    return download(ctx, vkn, fields(p, 'ettn'), field(p, 'belgeFormati'));
  },

  gelenBelgeleriIndir: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    incomingKind(field(body, 'belgeTuru'));
    return download(ctx, vkn, fields(body, 'ettnler'), field(body, 'belgeFormati'));
  },

  belgelerAlindi: (body, ctx) => {
    const vkn = senderVkn(ctx, requireField(body, 'vergiTcKimlikNo'));
    incomingKind(field(body, 'belgeTuru'));
    const ettns = fields(body, 'ettn');
    if (ettns.length === 0) throw new SoapFault('ettn listesi boş olamaz.');
    markIncomingTaken(ctx.db, vkn, ettns, ctx.now());
    return '';
  },
};

/** For the admin view and tests: what eFinans would answer gidenBelgeDurumSorgulaExt with, as data. */
export function statusFields(view: OutgoingStatusView): Record<string, unknown> {
  return {
    ...view,
    alimTarihi: qnbTimestamp(view.alimTarihi),
    ...(view.olusturulmaTarihi !== undefined ? { olusturulmaTarihi: qnbTimestamp(view.olusturulmaTarihi) } : {}),
    ...(view.gonderimTarihi !== undefined ? { gonderimTarihi: qnbTimestamp(view.gonderimTarihi) } : {}),
    ...(view.yanitTarihi !== undefined ? { yanitTarihi: qnbTimestamp(view.yanitTarihi) } : {}),
  };
}
