import type { ErpReadError } from './model';

/**
 * One reason a document cannot be sent, from any stage: our pre-checks, routing, XML, XSD, GİB's schematron,
 * Konnektör's own rule set for documents GİB's schematron does not cover (e-MM, e-SMM: core/documents/receipts), or
 * the document's own view stylesheet.
 */
export interface DocumentIssue {
  source: 'precheck' | 'routing' | 'totals' | 'xml' | 'xsd' | 'schematron' | 'rules' | 'view';
  /** Stable rule code (ours) or the XSD/schematron rule. */
  rule: string;
  /** Turkish, for the bookkeeper. */
  message: string;
  xpath?: string;
  line?: number;
}

/** The issue of a document the connector could not read: which table, column and row hold the bad value. */
export function readErrorIssue(e: ErpReadError): DocumentIssue {
  const column = e.column ? `${e.table}.${e.column}` : e.table;
  const value = e.value !== undefined ? ` (değer: “${e.value}”)` : '';
  return {
    source: 'precheck',
    rule: e.code,
    message: `Muhasebe programındaki değer okunamadı: ${column}, kayıt ${e.row}${value}. Belge gönderilmedi; programda düzeltin.`,
  };
}
