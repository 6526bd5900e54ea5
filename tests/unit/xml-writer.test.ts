/**
 * The UBL writer's escaping: whatever text or attribute value goes in is exactly what an XML parser reads back —
 * including text that already looks escaped, line ends and markup-like characters.
 */
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { XmlElement, escapeAttribute, escapeText, xmlDocumentText } from '../../core/documents/ubl/xmlWriter';
import { parseTree } from '../../core/validation/schematron/tree';

const SAMPLES = [
  'Öz & Şen Gıda "Tic." <Ltd.> Şti.',
  'A&amp;B already looks escaped',
  '&#x41; and &lt; typed by a user',
  'x]]>y',
  'line 1\r\nline 2\rline 3\nline 4',
  '\ttabbed\t',
  "it's 'quoted'",
  '',
  'İıŞşĞğÜüÖöÇç 😀',
];

describe('xmlWriter', () => {
  it.each(SAMPLES)('text and attribute %j read back unchanged', (value) => {
    const root = new XmlElement('r', { xmlns: 'urn:x', a: value });
    root.ele('t').txt(value);
    const xml = xmlDocumentText(root);
    const tree = parseTree(xml);
    expect(tree.elements[0]!.attrs.find((a) => a.local === 'a')!.value).toBe(value);
    expect(tree.elements[1]!.stringValue()).toBe(value);
    const dom = new DOMParser().parseFromString(xml, 'text/xml');
    expect(dom.documentElement!.getAttribute('a')).toBe(value);
  });

  it('writes empty elements as <a/>, empty text as <a></a>, the declaration first and no whitespace', () => {
    const root = new XmlElement('Invoice', { xmlns: 'urn:x', 'xmlns:cbc': 'urn:cbc' });
    root.ele('cbc:Empty');
    root.ele('cbc:ID').txt('');
    root.ele('cbc:Note', { languageID: 'tr' }).txt('a<b');
    expect(xmlDocumentText(root)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:x" xmlns:cbc="urn:cbc"><cbc:Empty/><cbc:ID></cbc:ID><cbc:Note languageID="tr">a&lt;b</cbc:Note></Invoice>',
    );
  });

  it('escapes only what needs escaping', () => {
    expect(escapeText('plain text 123')).toBe('plain text 123');
    expect(escapeText('a&amp;b<c>\r')).toBe('a&amp;amp;b&lt;c&gt;&#xD;');
    expect(escapeAttribute('a"b\tc\nd\re&<>')).toBe('a&quot;b&#x9;c&#xA;d&#xD;e&amp;&lt;&gt;');
  });
});
