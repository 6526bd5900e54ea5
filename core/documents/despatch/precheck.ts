import type { DocumentIssue } from '../issues';
import type { DespatchDocument, DespatchSourceField } from '../model';
import { partyIssues, type PrecheckContext } from '../precheck';
import { isValidTckn, isValidVkn } from '../taxid';

/**
 * Konnektör's checks of a despatch before anything is built. Each catches what GİB's schematron or the integrator
 * would refuse later (or what GİB's rules let through but the law asks: a MATBUDAN despatch's paper number, every
 * driver's TCKN) and names, where the connector said so, the field of the accounting program to fill.
 */
export const DESPATCH_PRECHECK_RULES = {
  SUPPLIER_MISSING: 'Gönderici (firma) bilgileri okunamadı.',
  CARRIER_MISSING: 'İrsaliyede taşıyan firma veya en az bir şoför bulunmalıdır.',
  DRIVER_NAME_MISSING: 'Şoförün adı ve soyadı ayrı ayrı bulunmalıdır.',
  DRIVER_TCKN_INVALID: 'Şoförün TCKN’si 11 haneli geçerli bir T.C. kimlik numarası olmalıdır.',
  CARRIER_TAXID_INVALID: 'Taşıyan firmanın vergi kimlik numarası geçersiz (VKN 10, TCKN 11 hane).',
  CARRIER_NAME_MISSING: 'Taşıyan firmanın unvanı boş.',
  PLATE_MISSING: 'Kendi aracıyla yapılan sevkiyatta araç plakası bulunmalıdır.',
  PLATE_INVALID: 'Plaka Türkiye plaka biçiminde olmalıdır (il kodu 01–81, 1–3 harf, 2–4 rakam; ör. 34ABC123).',
  DELIVERY_ADDRESS_INCOMPLETE: 'Teslimat adresinde il, ilçe ve ülke bulunmalıdır.',
  POSTAL_ZONE_MISSING: 'Teslimat adresinde posta kodu bulunmalıdır.',
  POSTAL_ZONE_INVALID: 'Teslimat adresinin posta kodu 5 haneli olmalı ve il kodu (ilk iki hane) 01–81 arasında olmalıdır.',
  DESPATCH_DATE_MISSING: 'Fiili sevk tarihi ve saati bulunmalıdır.',
  DESPATCH_BEFORE_ISSUE: 'Fiili sevk tarihi irsaliye tarihinden önce olamaz.',
  DATE_INVALID: 'İrsaliye tarihi geçersiz.',
  DATE_IN_FUTURE: 'İrsaliye tarihi bugünden sonra olamaz.',
  NO_LINES: 'İrsaliyede hiç satır yok.',
  QUANTITY_NOT_POSITIVE: 'Sevk edilen miktar sıfırdan büyük olmalıdır.',
  UNIT_MISSING: 'Satırda birim bulunmalıdır.',
  UNIT_UNKNOWN: 'Satırdaki birim GİB birim listesinde (UN/ECE) yok.',
  ITEM_NAME_MISSING: 'Satırda mal adı bulunmalıdır.',
  PAPER_DOCUMENT_MISSING: 'MATBUDAN irsaliyede önce düzenlenen kâğıt irsaliyenin numarası ve tarihi bulunmalıdır.',
  KUNYE_INVALID: 'HKS irsaliyesinde her satırda 19 karakterli künye numarası bulunmalıdır.',
  ETIKET_INVALID: 'İDİS irsaliyesinde her satırda 2 harf ve 7 rakamdan oluşan en az bir etiket numarası bulunmalıdır.',
  SHIPMENT_NO_INVALID: 'İDİS irsaliyesinde sevkiyat numarası SE-0000000 biçiminde bulunmalıdır.',
} as const;
export type DespatchPrecheckRule = keyof typeof DESPATCH_PRECHECK_RULES;

/** A Turkish road plate: province 01–81, 1–3 letters, 2–4 digits (spaces and dashes as printed are ignored). */
export const PLATE_PATTERN = /^(0[1-9]|[1-7][0-9]|8[01])[A-Z]{1,3}[0-9]{2,4}$/;
/** GİB's DespatchAddressCheck postal zone. */
export const POSTAL_ZONE_PATTERN = /^((0[1-9])|([1-7][0-9])|(8[0-1]))[0-9]{3}$/;

export const normalizePlate = (plate: string) => plate.toLocaleUpperCase('tr-TR').replace(/[\s-]/g, '');

function issue(rule: DespatchPrecheckRule, detail?: string): DocumentIssue {
  return { source: 'precheck', rule: `KNK_DESPATCH_${rule}`, message: detail ? `${DESPATCH_PRECHECK_RULES[rule]} (${detail})` : DESPATCH_PRECHECK_RULES[rule] };
}

/** "… (doldurulacak alan: LG_001_02_STFICHE.SHPAGNCOD)" when the connector named where the program keeps it. */
function where(doc: DespatchDocument, field: DespatchSourceField, detail?: string): string | undefined {
  const column = doc.sourceFields[field];
  const parts = [detail, column ? `doldurulacak alan: ${column}` : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function precheckDespatch(doc: DespatchDocument, ctx: PrecheckContext): DocumentIssue[] {
  const out: DocumentIssue[] = [];
  if (!doc.supplier || doc.supplier.taxId.value.trim() === '') out.push(issue('SUPPLIER_MISSING'));
  out.push(...partyIssues(doc.customer));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.issueDate) || Number.isNaN(Date.parse(doc.issueDate))) out.push(issue('DATE_INVALID', doc.issueDate));
  else if (doc.issueDate > ctx.today) out.push(issue('DATE_IN_FUTURE', doc.issueDate));

  // How the goods travel: a carrier firm, or the company's own vehicle with its drivers.
  if (!doc.carrier && doc.drivers.length === 0) {
    const fields = [doc.sourceFields.carrier, doc.sourceFields.driver].filter(Boolean);
    out.push(issue('CARRIER_MISSING', fields.length > 0 ? `doldurulacak alan: ${fields.join(' veya ')}` : undefined));
  }
  doc.drivers.forEach((d, i) => {
    const who = `${i + 1}. şoför`;
    if (!d.firstName.trim() || !d.familyName.trim()) out.push(issue('DRIVER_NAME_MISSING', where(doc, 'driver', who)));
    if (!isValidTckn(d.tckn.trim())) out.push(issue('DRIVER_TCKN_INVALID', where(doc, 'driver', `${who}: ${d.tckn.trim() || '(boş)'}`)));
  });
  if (doc.carrier) {
    const { taxId, name } = doc.carrier;
    const valid = taxId.scheme === 'VKN' ? isValidVkn(taxId.value) : isValidTckn(taxId.value);
    if (!valid) out.push(issue('CARRIER_TAXID_INVALID', where(doc, 'carrier', `${taxId.scheme} ${taxId.value || '(boş)'}`)));
    if (!name.trim()) out.push(issue('CARRIER_NAME_MISSING', where(doc, 'carrier')));
  }
  if (!doc.carrier && doc.vehiclePlates.length === 0) out.push(issue('PLATE_MISSING', where(doc, 'plate')));
  for (const p of doc.vehiclePlates) if (!PLATE_PATTERN.test(normalizePlate(p))) out.push(issue('PLATE_INVALID', where(doc, 'plate', p)));
  for (const p of doc.trailerPlates) if (!PLATE_PATTERN.test(normalizePlate(p))) out.push(issue('PLATE_INVALID', where(doc, 'trailer', `dorse ${p}`)));

  const a = doc.deliveryAddress;
  if (!a.city?.trim() || !(a.citySubdivision ?? a.district)?.trim() || !a.country.trim()) out.push(issue('DELIVERY_ADDRESS_INCOMPLETE', where(doc, 'deliveryAddress')));
  const postal = a.postalCode?.trim() ?? '';
  if (postal === '') out.push(issue('POSTAL_ZONE_MISSING', where(doc, 'deliveryAddress')));
  else if (!POSTAL_ZONE_PATTERN.test(postal)) out.push(issue('POSTAL_ZONE_INVALID', where(doc, 'deliveryAddress', postal)));

  if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.despatchDate) || !/^\d{2}:\d{2}:\d{2}$/.test(doc.despatchTime)) {
    out.push(issue('DESPATCH_DATE_MISSING', where(doc, 'despatchDate', `${doc.despatchDate || '-'} ${doc.despatchTime || '-'}`)));
  } else if (doc.despatchDate < doc.issueDate) out.push(issue('DESPATCH_BEFORE_ISSUE', `${doc.despatchDate} < ${doc.issueDate}`));

  if (doc.type === 'MATBUDAN' && (!doc.paperDocument?.id.trim() || !doc.paperDocument.issueDate)) out.push(issue('PAPER_DOCUMENT_MISSING', where(doc, 'paperDocument')));

  if (doc.lines.length === 0) out.push(issue('NO_LINES'));
  for (const l of doc.lines) {
    const at = `satır ${l.lineNo}`;
    if (!l.quantity.isFinite() || l.quantity.lte(0)) out.push(issue('QUANTITY_NOT_POSITIVE', `${at}: ${l.quantity.toFixed()}`));
    if (!l.unitCode.trim()) out.push(issue('UNIT_MISSING', at));
    else if (!ctx.codelists.units.has(l.unitCode)) out.push(issue('UNIT_UNKNOWN', `${at}: ${l.unitCode}`));
    if (!l.itemName.trim()) out.push(issue('ITEM_NAME_MISSING', at));
  }
  const profile = doc.profileHint;
  if (profile === 'HKSIRSALIYE') {
    for (const l of doc.lines) if ((l.kunyeNo ?? '').trim().length !== 19) out.push(issue('KUNYE_INVALID', where(doc, 'kunyeNo', `satır ${l.lineNo}`)));
  }
  if (profile === 'IDISIRSALIYE' || doc.lines.some((l) => (l.etiketNos ?? []).length > 0)) {
    for (const l of doc.lines) if (!(l.etiketNos ?? []).some((e) => /^[A-Za-z]{2}[0-9]{7}$/.test(e))) out.push(issue('ETIKET_INVALID', where(doc, 'etiketNo', `satır ${l.lineNo}`)));
    if (!/^SE-[0-9]{7}$/.test(doc.shipmentNo ?? '')) out.push(issue('SHIPMENT_NO_INVALID', where(doc, 'shipmentNo', doc.shipmentNo || '(boş)')));
  }
  return out;
}
