/**
 * One reason a document cannot be sent, from any stage: our pre-checks, routing, XML, XSD, GİB's schematron, or
 * Konnektör's own rule set for documents GİB's schematron does not cover (e-MM, e-SMM: core/documents/receipts).
 */
export interface DocumentIssue {
  source: 'precheck' | 'routing' | 'totals' | 'xml' | 'xsd' | 'schematron' | 'rules';
  /** Stable rule code (ours) or the XSD/schematron rule. */
  rule: string;
  /** Turkish, for the bookkeeper. */
  message: string;
  xpath?: string;
  line?: number;
}
