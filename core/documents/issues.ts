/** One reason a document cannot be sent, from any stage: our pre-checks, routing, XML, XSD or GİB's schematron. */
export interface DocumentIssue {
  source: 'precheck' | 'routing' | 'totals' | 'xml' | 'xsd' | 'schematron';
  /** Stable rule code (ours) or the XSD/schematron rule. */
  rule: string;
  /** Turkish, for the bookkeeper. */
  message: string;
  xpath?: string;
  line?: number;
}
