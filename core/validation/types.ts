/** Public shapes of core/validation (re-exported by index.ts). */

/** `efatura` runs GİB's schematron with `type=efatura`, `earchive` with `type=earchive` (EARSIVFATURA profile). */
export type DocumentKind = 'efatura' | 'earchive';

export interface ValidationIssue {
  /** `xml`: not well-formed; `xsd`: GİB's UBL-TR 1.2.1 schema; `schematron`: GİB's business rules. */
  source: 'xml' | 'xsd' | 'schematron';
  /**
   * `XML_NOT_WELL_FORMED`, `XSD`, or GİB's schematron rule id (e.g. `InvoiceIDCheck`; the rule context when the
   * sources do not name it; `SCHEMATRON_RUNTIME_ERROR` when the schematron stopped on the document).
   */
  rule: string;
  /** Where in the document: libxml2's path for XSD errors, the SVRL location for schematron failures. */
  xpath?: string;
  line?: number;
  /** libxml2's English text for xml/xsd issues; GİB's Turkish message for schematron failures. */
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
  timings: { xsdMs: number; schematronMs: number };
}

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['efatura', 'earchive'];
