import type { GibCodelists } from './gibCodelists';
import type { DocumentIssue } from './issues';
import type { InvoiceDocument, Party } from './model';
import { hasValidCheckDigits } from './taxid';

/**
 * Fast checks of the canonical document before anything is built: each catches a mistake that GİB or the
 * integrator would reject later (1150/1160), and says in plain Turkish what to correct in the ERP.
 */
export const PRECHECK_RULES = {
  SUPPLIER_MISSING: 'Satıcı (firma) bilgileri okunamadı.',
  TAXID_MISSING: 'Alıcının VKN veya TCKN bilgisi boş.',
  TAXID_INVALID: 'Alıcının vergi kimlik numarası geçersiz: VKN 10, TCKN 11 rakam olmalıdır.',
  TAXID_CHECK_DIGIT: 'Alıcının vergi kimlik numarasının kontrol hanesi tutmuyor; numarada yazım hatası var, muhasebe programında düzeltin.',
  NAME_MISSING: 'Alıcının unvanı boş.',
  PERSON_NAME_MISSING: 'TCKN ile tanımlı alıcının adı ve soyadı ayrı ayrı bulunmalıdır.',
  ADDRESS_INCOMPLETE: 'Alıcı adresinde il ve ilçe bilgisi bulunmalıdır.',
  NO_LINES: 'Faturada hiç satır yok.',
  NEGATIVE_QUANTITY: 'Satış faturasında eksi miktar olamaz.',
  NEGATIVE_PRICE: 'Birim fiyat eksi olamaz.',
  EXEMPTION_MISSING: 'KDV oranı %0 olan satırda istisna/muafiyet kodu ve sebebi bulunmalıdır.',
  EXEMPTION_UNKNOWN: 'İstisna/muafiyet kodu GİB listesinde yok.',
  WITHHOLDING_NOT_ALLOWED: 'Tevkifat yalnızca TEVKIFAT ve IADE tipindeki faturalarda olabilir.',
  WITHHOLDING_MISSING: 'TEVKIFAT tipindeki faturada en az bir satırda tevkifat bulunmalıdır.',
  WITHHOLDING_INVALID: 'Tevkifat kodu ve oranı GİB listesindeki bir eşleşme değil.',
  RETURN_REFERENCE_MISSING: 'İade faturasında iade edilen faturanın numarası (16 karakter) ve tarihi bulunmalıdır.',
  CURRENCY_UNKNOWN: 'Para birimi tanınmıyor (ISO 4217 kodu olmalıdır).',
  EXCHANGE_RATE_MISSING: 'Döviz cinsinden faturada kur bilgisi bulunmalıdır.',
  UNIT_UNKNOWN: 'Satırdaki birim GİB birim listesinde (UN/ECE) yok.',
  DATE_IN_FUTURE: 'Fatura tarihi bugünden sonra olamaz.',
  DATE_INVALID: 'Fatura tarihi geçersiz.',
  PAYABLE_NEGATIVE: 'Ödenecek tutar eksi olamaz.',
} as const;
export type PrecheckRule = keyof typeof PRECHECK_RULES;

function issue(rule: PrecheckRule, detail?: string): DocumentIssue {
  return { source: 'precheck', rule: `KNK_${rule}`, message: detail ? `${PRECHECK_RULES[rule]} (${detail})` : PRECHECK_RULES[rule] };
}

export function partyIssues(p: Party): DocumentIssue[] {
  const out: DocumentIssue[] = [];
  const id = p.taxId.value.trim();
  if (id === '') out.push(issue('TAXID_MISSING'));
  else if (!(p.taxId.scheme === 'VKN' ? /^\d{10}$/ : /^\d{11}$/).test(id)) out.push(issue('TAXID_INVALID', `${p.taxId.scheme} ${id}`));
  else if (!hasValidCheckDigits(id)) out.push(issue('TAXID_CHECK_DIGIT', `${p.taxId.scheme} ${id}`));
  if (p.taxId.scheme === 'VKN' && p.name.trim() === '') out.push(issue('NAME_MISSING'));
  if (p.taxId.scheme === 'TCKN' && (!p.person?.firstName.trim() || !p.person?.familyName.trim())) out.push(issue('PERSON_NAME_MISSING'));
  if (!p.address.city?.trim() || !(p.address.citySubdivision ?? p.address.district)?.trim()) out.push(issue('ADDRESS_INCOMPLETE'));
  return out;
}

export interface PrecheckContext {
  codelists: GibCodelists;
  /** Türkiye date YYYY-MM-DD of today. */
  today: string;
}

export function precheckInvoice(doc: InvoiceDocument, ctx: PrecheckContext): DocumentIssue[] {
  const out: DocumentIssue[] = [];
  if (!doc.supplier || doc.supplier.taxId.value.trim() === '') out.push(issue('SUPPLIER_MISSING'));
  // An export invoice's buyer is abroad: identified by its foreign tax number, not a VKN/TCKN.
  if (doc.profileHint !== 'IHRACAT') out.push(...partyIssues(doc.customer));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.issueDate) || Number.isNaN(Date.parse(doc.issueDate))) out.push(issue('DATE_INVALID', doc.issueDate));
  else if (doc.issueDate > ctx.today) out.push(issue('DATE_IN_FUTURE', doc.issueDate));
  if (!ctx.codelists.currencies.has(doc.currency)) out.push(issue('CURRENCY_UNKNOWN', doc.currency));
  else if (doc.currency !== 'TRY' && (!doc.exchangeRate || doc.exchangeRate.lte(0))) out.push(issue('EXCHANGE_RATE_MISSING', doc.currency));
  if (doc.lines.length === 0) out.push(issue('NO_LINES'));
  const withholdingAllowed = doc.type === 'TEVKIFAT' || doc.type === 'IADE';
  for (const l of doc.lines) {
    const at = `satır ${l.lineNo}`;
    if (l.quantity.isNegative() && doc.type !== 'IADE') out.push(issue('NEGATIVE_QUANTITY', `${at}: ${l.quantity.toFixed()}`));
    if (l.unitPrice.isNegative()) out.push(issue('NEGATIVE_PRICE', at));
    if (!ctx.codelists.units.has(l.unitCode)) out.push(issue('UNIT_UNKNOWN', `${at}: ${l.unitCode || '(boş)'}`));
    if (l.vatRate.isZero() && doc.type !== 'IADE') {
      if (!l.exemption?.code || !l.exemption.reason?.trim()) out.push(issue('EXEMPTION_MISSING', at));
    }
    if (l.exemption?.code && !ctx.codelists.exemptionCodes.has(l.exemption.code)) out.push(issue('EXEMPTION_UNKNOWN', `${at}: ${l.exemption.code}`));
    if (l.withholding) {
      if (!withholdingAllowed) out.push(issue('WITHHOLDING_NOT_ALLOWED', `${at}: ${doc.type}`));
      else if (!l.withholding.percent.isInteger() || !ctx.codelists.withholdingWithPercent.has(`${l.withholding.code}${l.withholding.percent.toFixed(0)}`)) {
        out.push(issue('WITHHOLDING_INVALID', `${at}: ${l.withholding.code} %${l.withholding.percent.toFixed()}`));
      }
    }
  }
  if (doc.type === 'TEVKIFAT' && !doc.lines.some((l) => l.withholding)) out.push(issue('WITHHOLDING_MISSING'));
  if (doc.type === 'IADE' && (doc.returnRefs.length === 0 || doc.returnRefs.some((r) => r.id.trim().length !== 16 || !r.issueDate))) {
    out.push(issue('RETURN_REFERENCE_MISSING', doc.returnRefs.map((r) => r.id).join(', ') || undefined));
  }
  return out;
}
