import { trUpper } from '../text/turkish';

/**
 * Unit names typed in Turkish ERPs → UN/ECE Recommendation 20 codes, which GİB's UnitCode list accepts.
 * ERPs that store the international code themselves (Logo's unit lines may) bypass this table.
 */
const UNIT_CODES: Record<string, string> = {
  ADET: 'C62', AD: 'C62', 'AD.': 'C62', ADT: 'C62', TANE: 'C62', PCS: 'C62', C62: 'C62',
  KG: 'KGM', KILO: 'KGM', KILOGRAM: 'KGM', KGM: 'KGM',
  GR: 'GRM', GRAM: 'GRM', GRM: 'GRM',
  TON: 'TNE', TNE: 'TNE',
  LT: 'LTR', LITRE: 'LTR', LTR: 'LTR',
  M: 'MTR', MT: 'MTR', METRE: 'MTR', MTR: 'MTR',
  M2: 'MTK', 'M²': 'MTK', METREKARE: 'MTK', MTK: 'MTK',
  M3: 'MTQ', 'M³': 'MTQ', METREKÜP: 'MTQ', MTQ: 'MTQ',
  CM: 'CMT', CMT: 'CMT',
  KM: 'KTM', KTM: 'KTM',
  SAAT: 'HUR', SA: 'HUR', HUR: 'HUR',
  DAKİKA: 'D61', DK: 'D61',
  GÜN: 'DAY', GUN: 'DAY', DAY: 'DAY',
  AY: 'MON', MON: 'MON',
  YIL: 'ANN', ANN: 'ANN',
  PAKET: 'PA', PK: 'PA', PA: 'PA',
  KOLİ: 'CT', KOLI: 'CT', KUTU: 'BX', BX: 'BX', CT: 'CT',
  ÇİFT: 'PR', CIFT: 'PR', PR: 'PR',
  SET: 'SET', TAKIM: 'SET',
  DÜZİNE: 'DZN', DZN: 'DZN',
  KWH: 'KWH',
};

/** Returns the UN/ECE code for a Turkish unit name, or undefined when unknown (the caller decides). */
export function unitCodeFor(erpUnit: string | null | undefined): string | undefined {
  if (!erpUnit) return undefined;
  return UNIT_CODES[trUpper(erpUnit.trim())];
}
