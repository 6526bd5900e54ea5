import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { precheckInvoice } from '../../core/documents/precheck';
import { buildInvoiceUbl } from '../../core/documents/ubl/invoice';
import { NS } from '../../core/documents/ubl/namespaces';
import { COMPANY_CUSTOMER, SUPPLIER, invoice, line } from '../fixtures/invoices';

/**
 * Text from the ERP is text: whatever an ERP name holds — something that looks like an entity, markup, quotes — the
 * invoice shows exactly that, escaped once; a character XML 1.0 forbids is a pre-check error naming the field and
 * the ERP row, never an ill-formed document.
 */
const codelists = loadGibCodelists(path.resolve(__dirname, '../../../shared/reference/gib'));
const ctx = { codelists, today: '2026-11-23' };
const VIEW = { name: 'v', content: '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>' };

/** ERP texts that XML gives a meaning to. */
const TRICKY = [
  'Öz &amp; Şen',
  'A &lt;b&gt; C',
  'Kod &#65; ve &#x42;',
  'Boşluk&nbsp;Ltd',
  '&',
  '&&amp;;',
  '<script>alert(1)</script>',
  'Tırnak "çift" ve \'tek\'',
  ']]> CDATA sonu',
  '&lt;&amp;&gt;',
  'Yüzde %20 & 5 > 3',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ve emoji 🧾',
];

function parse(xml: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(xml, 'application/xml');
  return { doc, errors };
}

function texts(doc: ReturnType<typeof parse>['doc'], local: string, ns = NS.cbc): string[] {
  const list = doc.getElementsByTagNameNS(ns, local);
  return Array.from({ length: list.length }, (_, i) => (list.item(i) as Element).textContent ?? '');
}

describe('ERP text in the built invoice', () => {
  it('comes out exactly as the ERP holds it, escaped once, in every text field', () => {
    let checked = 0;
    for (const text of TRICKY) {
      const doc = invoice({
        customer: { ...COMPANY_CUSTOMER, name: text, address: { ...COMPANY_CUSTOMER.address, street: text } },
        lines: [line(1, { itemName: text, description: text })],
        notes: [text],
      });
      const { xml } = buildInvoiceUbl({ doc, id: 'KNF2026000000001', uuid: '0b6e3c55-8a51-4d3e-9a8e-2f0c1d7a4b11', profile: 'TEMELFATURA', supplier: SUPPLIER, issueTime: '10:00:00', view: VIEW });
      const parsed = parse(xml);
      expect(parsed.errors, text).toEqual([]);
      expect(texts(parsed.doc, 'Note'), text).toContain(text);
      expect(texts(parsed.doc, 'StreetName'), text).toContain(text);
      expect(texts(parsed.doc, 'Name'), text).toContain(text);
      checked++;
    }
    expect(checked).toBe(TRICKY.length);
    console.log(`ERP texts XML gives a meaning to, round-tripped exactly: ${checked}`);
  });
});

describe('characters XML 1.0 forbids', () => {
  const BAD = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00'];

  it('are a pre-check error naming the field and the ERP row, in every text field', () => {
    const fields: [string, (bad: string) => Parameters<typeof precheckInvoice>[0], RegExp][] = [
      ['customer name', (b) => invoice({ customer: { ...COMPANY_CUSTOMER, name: `Öz${b}Şen` } }), /alıcı › unvan\/ad \(customer\.name\)/],
      ['customer street', (b) => invoice({ customer: { ...COMPANY_CUSTOMER, address: { ...COMPANY_CUSTOMER.address, street: `Cad.${b}` } } }), /alıcı › adres › cadde\/sokak/],
      ['item name of line 2', (b) => invoice({ lines: [line(1), line(2, { itemName: `Ürün${b}` })] }), /satır › 2 › mal\/hizmet adı \(lines\.1\.itemName\)/],
      ['note', (b) => invoice({ notes: ['ilk', `not${b}`] }), /not › 2 \(notes\.1\)/],
      ['supplier tax office', (b) => invoice({ supplier: { ...SUPPLIER, taxOffice: `VD${b}` } }), /satıcı › vergi dairesi/],
    ];
    let caught = 0;
    for (const bad of BAD) {
      for (const [name, make, where] of fields) {
        const issues = precheckInvoice(make(bad), ctx).filter((i) => i.rule === 'KNK_TEXT_INVALID_CHAR');
        expect(issues, `${name} with U+${bad.charCodeAt(0).toString(16)}`).toHaveLength(1);
        expect(issues[0]!.message).toMatch(where);
        expect(issues[0]!.message).toMatch(/belge SAT0001, kayıt 1/);
        expect(issues[0]!.message).toMatch(/U\+[0-9A-F]{4}/);
        caught++;
      }
    }
    // Tab, line feed and carriage return are text.
    expect(precheckInvoice(invoice({ notes: ['a\tb\nc\r\nd'] }), ctx)).toEqual([]);
    console.log(`forbidden characters caught by the pre-check: ${caught}`);
  });
});
