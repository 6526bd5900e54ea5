import type { GibCodelists } from '../gibCodelists';
import type { DocumentIssue } from '../issues';
import type { FeeReceiptDocument, Party, ProducerReceiptDocument } from '../model';
import { isValidTckn, isValidVkn } from '../taxid';
import { FEE_STOPAJ_RATES, KDV_RATES, PRODUCER_STOPAJ_RATES, RECEIPT_TAX_CODES, isOneOf } from './codes';
import { computeFeeReceipt, computeProducerReceipt } from './totals';

/**
 * What Konnektör checks on a receipt as the program gave it, before anything is built or numbered: each failure a
 * stable rule code and a Turkish message naming the document's line, so the bookkeeper knows what to fix in the
 * program. The same facts are checked again on the built XML by the rule set (rules.ts), which is also what the
 * sandbox applies; these come first so that bad input changes nothing (no number, no outbox entry).
 */
const issue = (rule: string, message: string): DocumentIssue => ({ source: 'precheck', rule, message });
const lineLabel = (n: number) => `${n}. satır`;

function issuer(supplier: Party | undefined): DocumentIssue[] {
  if (!supplier) return [issue('KNK_RECEIPT_ISSUER_MISSING', 'Makbuzu düzenleyen firmanın bilgileri (unvan, VKN) muhasebe programında bulunamadı.')];
  const id = supplier.taxId;
  const valid = id.scheme === 'VKN' ? isValidVkn(id.value) : isValidTckn(id.value);
  return valid ? [] : [issue('KNK_RECEIPT_ISSUER_TAX_ID', `Makbuzu düzenleyenin ${id.scheme} numarası geçersiz: “${id.value}”.`)];
}

/** e-MM: a farmer with a valid TCKN, rates in the allowed set, no negative deduction, deductions within the gross. */
export function precheckProducerReceipt(doc: ProducerReceiptDocument): DocumentIssue[] {
  const out = issuer(doc.supplier);
  if (doc.lines.length === 0) out.push(issue('KNK_RECEIPT_NO_LINES', 'Makbuzda hiç satır yok.'));
  const p = doc.customer;
  if (p.taxId.scheme !== 'TCKN' || !p.taxId.value) {
    out.push(issue('KNK_EMM_PRODUCER_NO_TCKN', `Üretici “${p.name}” için T.C. kimlik numarası yok; müstahsil makbuzu yalnız TCKN’li çiftçiye düzenlenir.`));
  } else if (!isValidTckn(p.taxId.value)) {
    out.push(issue('KNK_EMM_PRODUCER_TCKN_INVALID', `Üretici “${p.name}” için TCKN geçersiz: “${p.taxId.value}” (11 hane ve kontrol haneleri).`));
  }
  for (const line of doc.lines) {
    const stopaj = line.deductions.filter((d) => d.code === RECEIPT_TAX_CODES.stopaj);
    if (stopaj.length !== 1) out.push(issue('KNK_EMM_STOPAJ_MISSING', `${lineLabel(line.lineNo)} (${line.itemName}): tek bir gelir vergisi stopajı olmalıdır (bulunan: ${stopaj.length}).`));
    for (const s of stopaj) {
      if (!isOneOf(s.percent, PRODUCER_STOPAJ_RATES)) {
        out.push(issue('KNK_EMM_STOPAJ_RATE', `${lineLabel(line.lineNo)} (${line.itemName}): stopaj oranı %${s.percent.toFixed()} izinli değil; %0, %1, %2 veya %4 olmalıdır.`));
      }
    }
    for (const d of line.deductions) {
      if (d.amount.isNegative() || d.percent.isNegative() || d.taxable.isNegative()) {
        out.push(issue('KNK_RECEIPT_NEGATIVE_DEDUCTION', `${lineLabel(line.lineNo)} (${line.itemName}): ${d.code} kesintisi negatif olamaz (tutar ${d.amount.toFixed(2)}, oran %${d.percent.toFixed()}).`));
      }
    }
    if (line.grossAmount.isNegative() || line.quantity.lte(0) || line.unitPrice.isNegative()) {
      out.push(issue('KNK_RECEIPT_NEGATIVE_AMOUNT', `${lineLabel(line.lineNo)} (${line.itemName}): miktar sıfırdan büyük, fiyat ve tutar negatif olmayan olmalıdır.`));
    }
  }
  const totals = computeProducerReceipt(doc);
  if (totals.net.isNegative()) {
    out.push(issue('KNK_EMM_DEDUCTIONS_EXCEED_GROSS', `Kesintiler (${totals.deductions.toFixed(2)}) brüt tutarı (${totals.gross.toFixed(2)}) aşıyor; çiftçiye ödenecek tutar negatif olamaz.`));
  }
  return out;
}

/** e-SMM: a company customer with a valid VKN, KDV and stopaj rates in the allowed sets, tevkifat on GİB's list. */
export function precheckFeeReceipt(doc: FeeReceiptDocument, codelists: GibCodelists): DocumentIssue[] {
  const out = issuer(doc.supplier);
  if (doc.lines.length === 0) out.push(issue('KNK_RECEIPT_NO_LINES', 'Makbuzda hiç satır yok.'));
  const c = doc.customer;
  const withholds = doc.lines.some((l) => l.withholding || l.stopajRate.gt(0));
  if (doc.customerIsTaxpayer || withholds) {
    // A customer who withholds (stopaj or KDV tevkifat) is a taxpayer, identified by its VKN (or a sole trader's TCKN).
    const valid = c.taxId.scheme === 'VKN' ? isValidVkn(c.taxId.value) : c.taxId.scheme === 'TCKN' && isValidTckn(c.taxId.value);
    if (!c.taxId.value) out.push(issue('KNK_ESMM_CUSTOMER_NO_TAX_ID', `Vergi mükellefi müşteri “${c.name}” için VKN yok; stopaj yapan müşteriye makbuz VKN ile düzenlenir.`));
    else if (!valid) out.push(issue('KNK_ESMM_CUSTOMER_TAX_ID_INVALID', `Müşteri “${c.name}” için ${c.taxId.scheme} geçersiz: “${c.taxId.value}”.`));
    if (!c.taxOffice) out.push(issue('KNK_ESMM_CUSTOMER_TAX_OFFICE', `Vergi mükellefi müşteri “${c.name}” için vergi dairesi yazılmalıdır.`));
  } else if (c.taxId.value && !(c.taxId.scheme === 'VKN' ? isValidVkn(c.taxId.value) : isValidTckn(c.taxId.value))) {
    out.push(issue('KNK_ESMM_CUSTOMER_TAX_ID_INVALID', `Müşteri “${c.name}” için ${c.taxId.scheme} geçersiz: “${c.taxId.value}”.`));
  }
  if (doc.lines.some((l) => l.withholding) && c.taxId.scheme !== 'VKN') {
    out.push(issue('KNK_ESMM_WITHHOLDING_CUSTOMER', `KDV tevkifatını yalnız belirlenmiş alıcı (şirket, VKN ile) yapar; müşteri “${c.name}” VKN ile tanımlı değil.`));
  }
  for (const line of doc.lines) {
    const at = `${lineLabel(line.lineNo)} (${line.itemName})`;
    if (line.amount.lte(0)) out.push(issue('KNK_RECEIPT_NEGATIVE_AMOUNT', `${at}: ücret sıfırdan büyük olmalıdır.`));
    if (!isOneOf(line.vatRate, KDV_RATES)) out.push(issue('KNK_ESMM_KDV_RATE', `${at}: KDV oranı %${line.vatRate.toFixed()} geçersiz; %0, %1, %10 veya %20 olmalıdır.`));
    else if (line.vatRate.isZero() && (!line.vatExemption || !codelists.exemptionCodes.has(line.vatExemption.code))) {
      out.push(issue('KNK_ESMM_KDV_EXEMPTION', `${at}: %0 KDV için GİB listesinden bir istisna kodu gerekir (verilen: ${line.vatExemption?.code ?? 'yok'}).`));
    }
    if (!isOneOf(line.stopajRate, FEE_STOPAJ_RATES)) out.push(issue('KNK_ESMM_STOPAJ_RATE', `${at}: stopaj oranı %${line.stopajRate.toFixed()} izinli değil.`));
    if (line.withholding) {
      const w = line.withholding;
      if (!codelists.withholdingWithPercent.has(`${w.code}${w.percent.toFixed()}`)) {
        out.push(issue('KNK_ESMM_WITHHOLDING_RATE', `${at}: KDV tevkifatı ${w.code} %${w.percent.toFixed()} GİB’in tevkifat listesinde yok.`));
      }
      if (line.vatRate.isZero()) out.push(issue('KNK_ESMM_WITHHOLDING_RATE', `${at}: KDV’siz ücrette KDV tevkifatı olamaz.`));
    }
  }
  const t = computeFeeReceipt(doc);
  if (t.collected.isNegative() || t.net.isNegative()) {
    out.push(issue('KNK_ESMM_DEDUCTIONS_EXCEED_GROSS', `Kesintiler brüt ücreti aşıyor (brüt ${t.gross.toFixed(2)}, tahsil edilen ${t.collected.toFixed(2)}).`));
  }
  return out;
}
