import fs from 'node:fs';
import path from 'node:path';

/**
 * Code lists read from GİB's own schematron code list (e-FaturaPaketi/schematron/UBL-TR_Codelist.xml), so the
 * pre-checks accept exactly what GİB accepts and follow a new release without a code change.
 */
export interface GibCodelists {
  currencies: ReadonlySet<string>;
  units: ReadonlySet<string>;
  /** concat(code, percent), e.g. "60370". */
  withholdingWithPercent: ReadonlySet<string>;
  exemptionCodes: ReadonlySet<string>;
  countries: ReadonlySet<string>;
  /** TaxTypeCode values (0003 GV stopajı, 0015 KDV, 8001 borsa tescil, 9040 mera fonu…). */
  taxTypes: ReadonlySet<string>;
}

export function parseCodelist(text: string, name: string): Set<string> {
  const m = new RegExp(`<sch:let\\s+name="${name}"\\s+value\\s*=\\s*"([^"]*)"`).exec(text);
  if (!m) throw new Error(`Code list ${name} not found in UBL-TR_Codelist.xml`);
  return new Set(m[1]!.replace(/'/g, '').split(',').map((s) => s.trim()).filter(Boolean));
}

const cache = new Map<string, GibCodelists>();

export function loadGibCodelists(gibPackage: string): GibCodelists {
  const file = path.join(gibPackage, 'e-FaturaPaketi', 'schematron', 'UBL-TR_Codelist.xml');
  const hit = cache.get(file);
  if (hit) return hit;
  const text = fs.readFileSync(file, 'utf8');
  const lists: GibCodelists = {
    currencies: parseCodelist(text, 'CurrencyCodeList'),
    units: parseCodelist(text, 'UnitCodeList'),
    withholdingWithPercent: parseCodelist(text, 'WithholdingTaxTypeWithPercent'),
    exemptionCodes: parseCodelist(text, 'TaxExemptionReasonCodeType'),
    countries: parseCodelist(text, 'CountryCodeList'),
    taxTypes: parseCodelist(text, 'TaxType'),
  };
  cache.set(file, lists);
  return lists;
}
