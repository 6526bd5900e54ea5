import Decimal from 'decimal.js';
import type { GibCodelists } from '../gibCodelists';
import type { DocumentIssue } from '../issues';
import { isValidTckn, isValidVkn } from '../taxid';
import {
  CALCULATION_TYPE,
  FEE_RECEIPT_TYPE,
  FEE_STOPAJ_RATES,
  KDV_RATES,
  PRODUCER_RECEIPT_TYPE,
  PRODUCER_STOPAJ_RATES,
  RECEIPT_PROFILE,
  RECEIPT_TAX_CODES,
  SENDING_TYPE_CODE,
  isOneOf,
} from './codes';
import { readReceiptFacts, type PartyFacts, type ReceiptFacts, type TaxSubtotalFacts, type TaxTotalFacts } from './facts';

/**
 * Konnektör's own rule set for e-MM and e-SMM receipts. GİB's e-Fatura schematron does not apply to them (it knows
 * neither EARSIVBELGE nor SERBESTMESLEKMAKBUZU: ubl-tr.md §10), so these rules — checked after GİB's XSD, before a
 * receipt is numbered, and by the sandbox on receipt — stand in for it. Every rule names its source:
 *
 * - [VUK-509] 509 Sıra No.lu VUK Genel Tebliği (e-belge rules; it took over 487 Sıra No.lu, which introduced e-MM and
 *   e-SMM on 1.1.2018): the facts each receipt must show — issuer's and customer's identity, tax office and VKN/TCKN
 *   where they are taxpayers, the farmer's name and TCKN, date *and time* of issue, number, ETTN, the amount with
 *   each withholding and KDV shown apart. GİB's e-SMM guide repeats the list (quoted by İzibiz, izibiz.com.tr
 *   "e-Serbest Meslek Makbuzunda Bulunması Gereken Bilgiler"). [C] text of the tebliğ, [R] for the quotation.
 * - [GIB-SCH] GİB's UBL-TR Common Schematron and code lists (shared/reference/gib/e-FaturaPaketi/schematron,
 *   release 20260312): ID, UUID and date patterns, one VKN/TCKN per party, tax-type, unit, exemption and
 *   withholding code lists — checks GİB makes on every UBL-TR document, applied here to receipts. [C]
 * - [QNB-WSDL] QNB's MustahsilWebService WSDL/XSD (belgeDTO: brutUcret, netUcret, netTahsilat, stpj… buckets). [C]
 * - [IZIBIZ] İzibiz's published receipt samples and .NET client (mustahsil_*.xml, BaseCreditNoteUBL, BaseESmmUBL). [K]/[R]
 * - [GVK-94] Gelir Vergisi Kanunu md. 94: only tax-withholding parties (vergi sorumluları) withhold gelir vergisi;
 *   [KDV-GUT] KDV Genel Uygulama Tebliği I/C-2.1: KDV tevkifat by designated buyers. [C] law, cited by number.
 * - [NVI] the public TCKN check-digit algorithm (core/documents/taxid.ts). [C]
 * - [KNK] Konnektör's own consistency checks (arithmetic a receipt must satisfy to be what it says). [I]
 */
export type ReceiptKind = 'emm' | 'esmm';

export interface ReceiptRuleContext {
  codelists: GibCodelists;
  /** Türkiye date YYYY-MM-DD. */
  today: string;
}

export interface ReceiptRule {
  id: string;
  appliesTo: readonly ReceiptKind[];
  /** Where the rule comes from (see the list above). */
  source: string;
  /** Turkish messages, one per violation; none when the receipt satisfies the rule. */
  check(f: ReceiptFacts, ctx: ReceiptRuleContext): string[];
}

const TOLERANCE = new Decimal('0.01');
const near = (a: Decimal | undefined, b: Decimal | undefined) => a !== undefined && b !== undefined && a.minus(b).abs().lte(TOLERANCE);
const fmt = (d: Decimal | undefined) => (d === undefined ? 'yok' : d.toFixed(2));
const sum = (xs: (Decimal | undefined)[]) => xs.reduce<Decimal>((a, x) => a.plus(x ?? 0), new Decimal(0));
const subtotalsOf = (totals: TaxTotalFacts[]) => totals.flatMap((t) => t.subtotals);
const ID_PATTERN = /^[A-Z0-9]{3}20\d{2}\d{9}$/;
const UUID_PATTERN = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;

/** The one VKN or TCKN of a party ([GIB-SCH]: exactly one per supplier and customer party). */
function taxIdOf(p: PartyFacts): { scheme: string; value: string }[] {
  return p.ids.filter((i) => i.scheme === 'VKN' || i.scheme === 'TCKN');
}

function checkTaxId(who: string, p: PartyFacts): string[] {
  const ids = taxIdOf(p);
  if (ids.length !== 1) return [`${who} tek bir VKN veya TCKN ile tanımlanmalıdır (bulunan: ${ids.length}).`];
  const id = ids[0]!;
  if (id.scheme === 'VKN' && !isValidVkn(id.value)) return [`${who} VKN’si geçersiz: “${id.value}” (10 hane ve kontrol hanesi).`];
  if (id.scheme === 'TCKN' && !isValidTckn(id.value)) return [`${who} TCKN’si geçersiz: “${id.value}” (11 hane ve kontrol haneleri).`];
  if (id.scheme === 'VKN' && !p.name) return [`${who} VKN ile tanımlandığında unvanı (PartyName) yazılmalıdır.`];
  if (id.scheme === 'TCKN' && (!p.person?.firstName || !p.person.familyName)) return [`${who} TCKN ile tanımlandığında adı ve soyadı (Person) yazılmalıdır.`];
  return [];
}

function subtotalArithmetic(where: string, s: TaxSubtotalFacts): string[] {
  if (s.taxable === undefined || s.amount === undefined || s.percent === undefined) return [`${where}: ${s.code ?? '?'} vergisinde matrah, oran ve tutar yazılmalıdır.`];
  const expected = s.taxable.mul(s.percent).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return near(s.amount, expected) ? [] : [`${where}: ${s.code} tutarı ${fmt(s.amount)}, matrah ${fmt(s.taxable)} × %${s.percent.toFixed()} = ${fmt(expected)} olmalıdır.`];
}

const lineLabel = (i: number) => `${i + 1}. satır`;

export const RECEIPT_RULES: readonly ReceiptRule[] = [
  {
    id: 'KNK_RECEIPT_PROFILE',
    appliesTo: ['emm', 'esmm'],
    source: '[IZIBIZ] [K] ubl-tr.md §10: e-MM = CreditNote/EARSIVBELGE/MUSTAHSILMAKBUZ; e-SMM = Invoice/EARSIVBELGE/SERBESTMESLEKMAKBUZU',
    check: (f) => {
      const root = f.typeCode === FEE_RECEIPT_TYPE ? 'Invoice' : 'CreditNote';
      const out: string[] = [];
      if (f.profileId !== RECEIPT_PROFILE) out.push(`ProfileID ${RECEIPT_PROFILE} olmalıdır (belgede: ${f.profileId ?? 'yok'}).`);
      if (f.typeCode !== PRODUCER_RECEIPT_TYPE && f.typeCode !== FEE_RECEIPT_TYPE) out.push(`Belge tipi ${PRODUCER_RECEIPT_TYPE} veya ${FEE_RECEIPT_TYPE} olmalıdır (belgede: ${f.typeCode ?? 'yok'}).`);
      else if (f.root !== root) out.push(`${f.typeCode} belgesi ${root} olarak düzenlenmelidir (belgede: ${f.root}).`);
      return out;
    },
  },
  {
    id: 'KNK_RECEIPT_ID',
    appliesTo: ['emm', 'esmm'],
    source: '[GIB-SCH] InvoiceIDCheck (3 karakter seri + yıl + 9 hane), UUIDCheck; [VUK-509] belge numarası ve ETTN',
    check: (f) => [
      ...(f.id && ID_PATTERN.test(f.id) ? [] : [`Belge numarası ABC2026000000001 biçiminde 16 karakter olmalıdır (belgede: ${f.id ?? 'yok'}).`]),
      ...(f.uuid && UUID_PATTERN.test(f.uuid) ? [] : [`ETTN (UUID) geçersiz: ${f.uuid ?? 'yok'}.`]),
    ],
  },
  {
    id: 'KNK_RECEIPT_ISSUE_TIME',
    appliesTo: ['emm', 'esmm'],
    source: '[VUK-509] düzenlenme tarihi ile saat ve dakika olarak düzenlenme zamanı; [GIB-SCH] TimeCheck (IssueDate ≤ bugün)',
    check: (f, ctx) => [
      ...(f.issueDate && /^\d{4}-\d{2}-\d{2}$/.test(f.issueDate) && f.issueDate <= ctx.today && f.issueDate >= '2005-01-01' ? [] : [`Düzenlenme tarihi geçersiz veya ileri tarihli: ${f.issueDate ?? 'yok'}.`]),
      ...(f.issueTime && /^\d{2}:\d{2}:\d{2}$/.test(f.issueTime) ? [] : ['Düzenlenme saati (IssueTime) yazılmalıdır.']),
    ],
  },
  {
    id: 'KNK_RECEIPT_ISSUER',
    appliesTo: ['emm', 'esmm'],
    source: '[VUK-509] düzenleyenin adı soyadı/unvanı, vergi dairesi ve VKN/TCKN’si; [GIB-SCH] tek VKN/TCKN, VKN → PartyName, TCKN → Person',
    check: (f) => [...checkTaxId('Makbuzu düzenleyen', f.supplier), ...(f.supplier.taxOffice ? [] : ['Makbuzu düzenleyenin vergi dairesi yazılmalıdır.'])],
  },
  {
    id: 'KNK_EMM_PRODUCER_TCKN',
    appliesTo: ['emm'],
    source: '[VUK-509] e-Müstahsil Makbuzunda çiftçinin adı soyadı ve T.C. kimlik numarası; [NVI] TCKN kontrol haneleri',
    check: (f) => {
      const ids = taxIdOf(f.customer);
      if (ids.length !== 1 || ids[0]!.scheme !== 'TCKN') return ['Üretici (çiftçi) T.C. kimlik numarası (TCKN) ile tanımlanmalıdır.'];
      return checkTaxId('Üretici', f.customer);
    },
  },
  {
    id: 'KNK_EMM_DELIVERY_DATE',
    appliesTo: ['emm'],
    source: '[IZIBIZ] Delivery/ActualDeliveryDate (teslim tarihi) her e-MM örneğinde; [KNK] teslim, makbuzdan sonra olamaz',
    check: (f) =>
      !f.deliveryDate || !/^\d{4}-\d{2}-\d{2}$/.test(f.deliveryDate)
        ? ['Malın teslim tarihi (Delivery/ActualDeliveryDate) yazılmalıdır.']
        : f.issueDate && f.deliveryDate > f.issueDate
          ? [`Teslim tarihi (${f.deliveryDate}) makbuz tarihinden (${f.issueDate}) sonra olamaz.`]
          : [],
  },
  {
    id: 'KNK_RECEIPT_TAX_CODE',
    appliesTo: ['emm', 'esmm'],
    source: '[GIB-SCH] TaxType kod listesi (0003, 0015, 8001, 9040…)',
    check: (f, ctx) =>
      [...subtotalsOf(f.taxTotals), ...f.lines.flatMap((l) => subtotalsOf(l.taxTotals))]
        .filter((s) => !s.code || !ctx.codelists.taxTypes.has(s.code))
        .map((s) => `Vergi kodu GİB listesinde yok: ${s.code ?? 'boş'}.`),
  },
  {
    id: 'KNK_RECEIPT_NEGATIVE',
    appliesTo: ['emm', 'esmm'],
    source: '[KNK] kesinti, matrah ve oran negatif olamaz',
    check: (f) =>
      [...subtotalsOf(f.taxTotals), ...subtotalsOf(f.withholdingTotals), ...f.lines.flatMap((l) => [...subtotalsOf(l.taxTotals), ...subtotalsOf(l.withholdingTotals)])]
        .filter((s) => [s.taxable, s.amount, s.percent].some((d) => d?.isNegative()))
        .map((s) => `Negatif kesinti veya vergi: ${s.code ?? '?'} tutar ${fmt(s.amount)}, matrah ${fmt(s.taxable)}.`),
  },
  {
    id: 'KNK_RECEIPT_TAX_ARITHMETIC',
    appliesTo: ['emm', 'esmm'],
    source: '[KNK] her kesinti = matrah × oran (±0,01); toplam = alt toplamların toplamı',
    check: (f) => {
      const out: string[] = [];
      for (const t of f.taxTotals) {
        if (!near(t.amount, sum(t.subtotals.map((s) => s.amount)))) out.push(`TaxTotal tutarı ${fmt(t.amount)}, alt toplamların toplamı ${fmt(sum(t.subtotals.map((s) => s.amount)))}.`);
        for (const s of t.subtotals) if (!s.amount?.isNegative()) out.push(...subtotalArithmetic('Belge', s));
      }
      f.lines.forEach((l, i) => {
        for (const t of l.taxTotals) for (const s of t.subtotals) if (!s.amount?.isNegative()) out.push(...subtotalArithmetic(lineLabel(i), s));
      });
      return out;
    },
  },
  {
    id: 'KNK_RECEIPT_LINES',
    appliesTo: ['emm', 'esmm'],
    source: '[GIB-SCH] UnitCodeList, satırda mal/hizmet adı; [VUK-509] malın cinsi, miktarı, fiyatı ve tutarı',
    check: (f, ctx) => {
      if (f.lines.length === 0) return ['Makbuzda en az bir satır olmalıdır.'];
      const out: string[] = [];
      f.lines.forEach((l, i) => {
        if (!l.name) out.push(`${lineLabel(i)}: mal veya hizmetin adı yazılmalıdır.`);
        if (!l.unitCode || !ctx.codelists.units.has(l.unitCode)) out.push(`${lineLabel(i)}: birim kodu GİB listesinde yok: ${l.unitCode ?? 'boş'}.`);
        if (l.quantity === undefined || !l.quantity.gt(0)) out.push(`${lineLabel(i)}: miktar sıfırdan büyük olmalıdır.`);
        if (l.lineExtension === undefined || l.lineExtension.isNegative()) out.push(`${lineLabel(i)}: tutar negatif olamaz.`);
        else if (l.quantity && l.price && !near(l.lineExtension, l.quantity.mul(l.price).toDecimalPlaces(2, Decimal.ROUND_HALF_UP))) {
          out.push(`${lineLabel(i)}: tutar ${fmt(l.lineExtension)}, miktar × fiyat ${fmt(l.quantity.mul(l.price))} olmalıdır.`);
        }
      });
      return out;
    },
  },
  {
    id: 'KNK_EMM_STOPAJ',
    appliesTo: ['emm'],
    source: '[QNB-WSDL] belgeDTO stpj0/1/2/4_Tutar: e-MM gelir vergisi stopajı oranları 0, 1, 2, 4; [GVK-94] her üründe stopaj',
    check: (f) => {
      const out: string[] = [];
      f.lines.forEach((l, i) => {
        const stopaj = subtotalsOf(l.taxTotals).filter((s) => s.code === RECEIPT_TAX_CODES.stopaj);
        if (stopaj.length !== 1) out.push(`${lineLabel(i)}: tek bir gelir vergisi stopajı (0003) olmalıdır (bulunan: ${stopaj.length}).`);
        for (const s of stopaj) if (!s.percent || !isOneOf(s.percent, PRODUCER_STOPAJ_RATES)) out.push(`${lineLabel(i)}: stopaj oranı %${s.percentText ?? '?'} izinli değil (0, 1, 2 veya 4).`);
      });
      return out;
    },
  },
  {
    id: 'KNK_RECEIPT_STOPAJ_EXEMPTION',
    appliesTo: ['emm'],
    source: '[R] coderserdar/QNBFinansGIB XMLIslemleri.cs: stopaj 0 iken istisna kodu (350; küspe/yem 325); [GIB-SCH] TaxExemptionReasonCodeType listesi',
    check: (f, ctx) =>
      [...subtotalsOf(f.taxTotals), ...f.lines.flatMap((l) => subtotalsOf(l.taxTotals))]
        .filter((s) => s.code === RECEIPT_TAX_CODES.stopaj && s.percent?.isZero())
        .filter((s) => !s.exemptionCode || !ctx.codelists.exemptionCodes.has(s.exemptionCode))
        .map((s) => `Stopaj oranı %0 olan kesintide GİB listesinden bir istisna kodu yazılmalıdır (belgede: ${s.exemptionCode ?? 'yok'}).`),
  },
  {
    id: 'KNK_EMM_DEDUCTIONS_EXCEED_GROSS',
    appliesTo: ['emm'],
    source: '[KNK] kesintiler brüt tutarı aşamaz (çiftçiye ödenen net negatif olamaz)',
    check: (f) => {
      const out: string[] = [];
      f.lines.forEach((l, i) => {
        const d = sum(subtotalsOf(l.taxTotals).map((s) => s.amount));
        if (l.lineExtension && d.gt(l.lineExtension)) out.push(`${lineLabel(i)}: kesintiler (${fmt(d)}) brüt tutarı (${fmt(l.lineExtension)}) aşıyor.`);
      });
      const total = sum(f.taxTotals.map((t) => t.amount));
      if (f.totals.lineExtension && total.gt(f.totals.lineExtension)) out.push(`Kesintiler toplamı (${fmt(total)}) brüt toplamı (${fmt(f.totals.lineExtension)}) aşıyor.`);
      return out;
    },
  },
  {
    id: 'KNK_EMM_TOTALS',
    appliesTo: ['emm'],
    source: '[IZIBIZ] [K] toplamlar: LineExtension = Σ brüt; TaxExclusive = TaxInclusive = Payable = brüt − Σ kesinti (totals.ts)',
    check: (f) => {
      const gross = sum(f.lines.map((l) => l.lineExtension));
      const deductions = sum(f.taxTotals.map((t) => t.amount));
      const net = gross.minus(deductions);
      const out: string[] = [];
      if (!near(f.totals.lineExtension, gross)) out.push(`LineExtensionAmount ${fmt(f.totals.lineExtension)}, satırların toplamı ${fmt(gross)} olmalıdır.`);
      if (!near(sum(f.lines.flatMap((l) => l.taxTotals.map((t) => t.amount))), deductions)) out.push('Belge kesintileri satır kesintilerinin toplamına eşit olmalıdır.');
      for (const [name, value] of [['TaxExclusiveAmount', f.totals.taxExclusive], ['TaxInclusiveAmount', f.totals.taxInclusive], ['PayableAmount', f.totals.payable]] as const) {
        if (!near(value, net)) out.push(`${name} ${fmt(value)}, brüt − kesintiler = ${fmt(net)} olmalıdır.`);
      }
      return out;
    },
  },
  {
    id: 'KNK_RECEIPT_AMOUNT_IN_WORDS',
    appliesTo: ['emm', 'esmm'],
    source: '[IZIBIZ] "Yazı ile" notu; makbuz tutarının yazıyla gösterimi',
    check: (f) => (f.notes.some((n) => /^Yazı ile: YALNIZ /.test(n)) ? [] : ['Ödenen tutar yazıyla (“Yazı ile: YALNIZ …”) not olarak yazılmalıdır.']),
  },
  {
    id: 'KNK_ESMM_SENDING_TYPE',
    appliesTo: ['esmm'],
    source: '[IZIBIZ] BaseESmmUBL: AdditionalDocumentReference DocumentTypeCode SendingType, DocumentType KAGIT|ELEKTRONIK',
    check: (f) => {
      const refs = f.references.filter((r) => r.typeCode === SENDING_TYPE_CODE);
      return refs.length === 1 && (refs[0]!.type === 'KAGIT' || refs[0]!.type === 'ELEKTRONIK') ? [] : ['Gönderim şekli (SendingType: KAGIT veya ELEKTRONIK) tek bir belge referansıyla yazılmalıdır.'];
    },
  },
  {
    id: 'KNK_ESMM_CALCULATION_TYPE',
    appliesTo: ['esmm'],
    source: '[IZIBIZ] BaseESmmUBL: DocumentType CalculationType, DocumentTypeCode BRUT; qnbefinans.com/e-smm: brüt/net/tahsilat esaslı hesaplama',
    check: (f) => {
      const refs = f.references.filter((r) => r.type === CALCULATION_TYPE);
      return refs.length === 1 && ['BRUT', 'NET', 'TAHSILAT'].includes(refs[0]!.typeCode ?? '') ? [] : ['Hesaplama şekli (CalculationType: BRUT, NET veya TAHSILAT) tek bir belge referansıyla yazılmalıdır.'];
    },
  },
  {
    id: 'KNK_ESMM_KDV',
    appliesTo: ['esmm'],
    source: '[VUK-509] KDV ayrıca gösterilir; KDV oranları 0/1/10/20; [GIB-SCH] %0 KDV için istisna kodu (TaxExemptionReasonCodeType)',
    check: (f, ctx) => {
      const out: string[] = [];
      f.lines.forEach((l, i) => {
        const kdv = subtotalsOf(l.taxTotals).filter((s) => s.code === RECEIPT_TAX_CODES.kdv);
        if (kdv.length !== 1) out.push(`${lineLabel(i)}: tek bir KDV (0015) olmalıdır (bulunan: ${kdv.length}).`);
        for (const s of kdv) {
          if (!s.percent || !isOneOf(s.percent, KDV_RATES)) out.push(`${lineLabel(i)}: KDV oranı %${s.percentText ?? '?'} geçersiz.`);
          else if (s.percent.isZero() && (!s.exemptionCode || !ctx.codelists.exemptionCodes.has(s.exemptionCode))) out.push(`${lineLabel(i)}: %0 KDV için GİB listesinden istisna kodu yazılmalıdır.`);
        }
      });
      return out;
    },
  },
  {
    id: 'KNK_ESMM_STOPAJ',
    appliesTo: ['esmm'],
    source: '[QNB-WSDL] belgeDTO stpj0/1/2/3/4/5/7/10/15/17/20_Tutar; [GVK-94] serbest meslek ödemelerinde %20',
    check: (f) => {
      const out: string[] = [];
      f.lines.forEach((l, i) => {
        const stopaj = subtotalsOf(l.taxTotals).filter((s) => s.code === RECEIPT_TAX_CODES.stopaj);
        if (stopaj.length !== 1) out.push(`${lineLabel(i)}: tek bir gelir vergisi stopajı (0003) olmalıdır (bulunan: ${stopaj.length}).`);
        for (const s of stopaj) if (!s.percent || !isOneOf(s.percent, FEE_STOPAJ_RATES)) out.push(`${lineLabel(i)}: stopaj oranı %${s.percentText ?? '?'} izinli değil.`);
      });
      return out;
    },
  },
  {
    id: 'KNK_ESMM_CUSTOMER',
    appliesTo: ['esmm'],
    source: '[VUK-509] müşterinin adı soyadı/unvanı; vergi mükellefi ise vergi dairesi ve VKN/TCKN; [GVK-94] stopajı yalnız vergi sorumlusu yapar; [KDV-GUT] I/C-2.1 tevkifatı belirlenmiş alıcı yapar',
    check: (f) => {
      const out = checkTaxId('Müşteri', f.customer);
      const stopaj = f.lines.some((l) => subtotalsOf(l.taxTotals).some((s) => s.code === RECEIPT_TAX_CODES.stopaj && s.percent?.gt(0)));
      const withheld = f.withholdingTotals.length > 0 || f.lines.some((l) => l.withholdingTotals.length > 0);
      if (stopaj || withheld) {
        // A customer who withholds is a taxpayer: a company (VKN) or a sole trader (TCKN) with a tax office.
        if (!f.customer.taxOffice) out.push('Stopaj veya KDV tevkifatı yapan müşteri vergi mükellefidir: vergi dairesi yazılmalıdır.');
        if (withheld && !taxIdOf(f.customer).some((i) => i.scheme === 'VKN')) out.push('KDV tevkifatı yapan müşteri (şirket) VKN ile tanımlanmalıdır.');
      }
      return out;
    },
  },
  {
    id: 'KNK_ESMM_WITHHOLDING',
    appliesTo: ['esmm'],
    source: '[GIB-SCH] WithholdingTaxTypeWithPercent (kod + oran GİB listesinde); [IZIBIZ] matrah = KDV tutarı',
    check: (f, ctx) => {
      const out: string[] = [];
      const kdv = sum(subtotalsOf(f.taxTotals).filter((s) => s.code === RECEIPT_TAX_CODES.kdv).map((s) => s.amount));
      for (const s of subtotalsOf(f.withholdingTotals)) {
        if (!s.code || !s.percentText || !ctx.codelists.withholdingWithPercent.has(`${s.code}${s.percentText}`)) {
          out.push(`KDV tevkifat kodu ve oranı GİB listesinde yok: ${s.code ?? '?'} %${s.percentText ?? '?'}.`);
        }
        if (s.taxable && s.taxable.gt(kdv.plus(TOLERANCE))) out.push(`Tevkifat matrahı (${fmt(s.taxable)}) KDV tutarını (${fmt(kdv)}) aşamaz.`);
      }
      return out;
    },
  },
  {
    id: 'KNK_ESMM_TOTALS',
    appliesTo: ['esmm'],
    source: '[IZIBIZ] BaseESmmUBL: TaxExclusive = brüt; TaxInclusive = brüt + KDV; Payable = brüt + KDV − stopaj − tevkifat (totals.ts)',
    check: (f) => {
      const gross = sum(f.lines.map((l) => l.lineExtension));
      const subs = subtotalsOf(f.taxTotals);
      const kdv = sum(subs.filter((s) => s.code === RECEIPT_TAX_CODES.kdv).map((s) => s.amount));
      const stopaj = sum(subs.filter((s) => s.code === RECEIPT_TAX_CODES.stopaj).map((s) => s.amount));
      const withheld = sum(f.withholdingTotals.map((t) => t.amount));
      const out: string[] = [];
      const expect = (name: string, value: Decimal | undefined, want: Decimal) => {
        if (!near(value, want)) out.push(`${name} ${fmt(value)}, ${fmt(want)} olmalıdır.`);
      };
      expect('LineExtensionAmount', f.totals.lineExtension, gross);
      expect('TaxExclusiveAmount', f.totals.taxExclusive, gross);
      expect('TaxInclusiveAmount', f.totals.taxInclusive, gross.plus(kdv));
      expect('PayableAmount (net tahsilat)', f.totals.payable, gross.plus(kdv).minus(stopaj).minus(withheld));
      return out;
    },
  },
];

/** The rule set over a built receipt's XML; one issue per violation, with the rule id and its Turkish message. */
export function checkReceiptXml(xml: string, kind: ReceiptKind, ctx: ReceiptRuleContext): DocumentIssue[] {
  let facts: ReceiptFacts;
  try {
    facts = readReceiptFacts(xml);
  } catch (e) {
    return [{ source: 'xml', rule: 'XML_NOT_WELL_FORMED', message: `Makbuz XML olarak okunamadı: ${(e as Error).message}` }];
  }
  return RECEIPT_RULES.filter((r) => r.appliesTo.includes(kind)).flatMap((r) => r.check(facts, ctx).map((message) => ({ source: 'rules' as const, rule: r.id, message })));
}
