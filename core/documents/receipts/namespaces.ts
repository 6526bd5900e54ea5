/** The CreditNote namespace (GİB's UBL-CreditNote-2.1.xsd); the Invoice and common ones are in ../ubl/namespaces.ts. */
export const NS_CREDIT_NOTE = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';
