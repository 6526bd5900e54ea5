import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INVOICE_XSLT_PATH,
  assertSaxonCompilerAvailable,
  clearPreviewCache,
  extractEmbeddedXslt,
  previewCacheStats,
  readDefaultInvoiceXslt,
  renderInvoiceHtml,
  renderInvoicePreview,
} from '../../core/documents/preview';
import { KonnektorError } from '../../core/errors';

const GIB_XML = path.resolve(__dirname, '../../../shared/reference/gib/UBL-TR1.2.1_Paketi/xml');
const sample = (name: string): string => fs.readFileSync(path.join(GIB_XML, name), 'utf8');

let cacheDir: string;
beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-preview-'));
});
afterAll(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

/** Catches the KonnektorError a promise rejects with (fails the test when it resolves or throws something else). */
async function rejection(p: Promise<unknown>): Promise<KonnektorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KonnektorError);
    return e as KonnektorError;
  }
  throw new Error('expected a KonnektorError');
}

const CUSTOMER = 'Öz & Şen "Tic." <Ltd>';
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An e-Arşiv internet sale in USD, two KDV rates, a discounted line, an XML-special customer; optionally embedding a view. */
function earsivInvoice(opts: { embed?: { xslt: string; bom?: boolean } } = {}): string {
  const view = opts.embed
    ? `<cac:AdditionalDocumentReference><cbc:ID>VIEW</cbc:ID><cbc:IssueDate>2025-03-10</cbc:IssueDate><cbc:DocumentType>XSLT</cbc:DocumentType>
  <cac:Attachment><cbc:EmbeddedDocumentBinaryObject characterSetCode="UTF-8" encodingCode="Base64" filename="EAR2025000000042.xslt" mimeCode="application/xml">${Buffer.from(
    (opts.embed.bom ? '\uFEFF' : '') + opts.embed.xslt,
    'utf8',
  )
    .toString('base64')
    .replace(/(.{76})/g, '$1\n')}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>`
    : '';
  const line = (id: number, name: string, qty: string, unit: string, price: string, amount: string, rate: string, tax: string, allowance = ''): string => `
  <cac:InvoiceLine><cbc:ID>${id}</cbc:ID><cbc:InvoicedQuantity unitCode="${unit}">${qty}</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="USD">${amount}</cbc:LineExtensionAmount>${allowance}
    <cac:TaxTotal><cbc:TaxAmount currencyID="USD">${tax}</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount currencyID="USD">${amount}</cbc:TaxableAmount><cbc:TaxAmount currencyID="USD">${tax}</cbc:TaxAmount><cbc:Percent>${rate}</cbc:Percent><cac:TaxCategory><cac:TaxScheme><cbc:Name>KDV</cbc:Name><cbc:TaxTypeCode>0015</cbc:TaxTypeCode></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>
    <cac:Item><cbc:Name>${name}</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="USD">${price}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2">
  <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><x:placeholder xmlns:x="urn:konnektor:imza-yeri"/></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>TR1.2</cbc:CustomizationID><cbc:ProfileID>EARSIVFATURA</cbc:ProfileID>
  <cbc:ID>EAR2025000000042</cbc:ID><cbc:CopyIndicator>false</cbc:CopyIndicator><cbc:UUID>3f2b8c1e-4d5a-4e6f-9a0b-1c2d3e4f5a6b</cbc:UUID>
  <cbc:IssueDate>2025-03-10</cbc:IssueDate><cbc:IssueTime>14:05:09</cbc:IssueTime><cbc:InvoiceTypeCode>SATIS</cbc:InvoiceTypeCode>
  <cbc:Note>Sipariş web sitesinden verilmiştir.
İkinci satır: ğüşıöç ĞÜŞİÖÇ</cbc:Note>
  <cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode><cbc:LineCountNumeric>2</cbc:LineCountNumeric>
  <cac:OrderReference><cbc:ID>WEB-778</cbc:ID><cbc:IssueDate>2025-03-09</cbc:IssueDate></cac:OrderReference>
  <cac:DespatchDocumentReference><cbc:ID>IRS2025000000007</cbc:ID><cbc:IssueDate>2025-03-10</cbc:IssueDate></cac:DespatchDocumentReference>
  <cac:AdditionalDocumentReference><cbc:ID>1</cbc:ID><cbc:IssueDate>2025-03-10</cbc:IssueDate><cbc:DocumentTypeCode>SendingType</cbc:DocumentTypeCode><cbc:DocumentType>ELEKTRONIK</cbc:DocumentType></cac:AdditionalDocumentReference>${view}
  <cac:Signature><cbc:ID schemeID="VKN_TCKN">1234567890</cbc:ID><cac:SignatoryParty><cac:PartyIdentification><cbc:ID schemeID="VKN">1234567890</cbc:ID></cac:PartyIdentification><cac:PostalAddress><cbc:CitySubdivisionName>Çankaya</cbc:CitySubdivisionName><cbc:CityName>Ankara</cbc:CityName><cac:Country><cbc:Name>Türkiye</cbc:Name></cac:Country></cac:PostalAddress></cac:SignatoryParty><cac:DigitalSignatureAttachment><cac:ExternalReference><cbc:URI>#Signature</cbc:URI></cac:ExternalReference></cac:DigitalSignatureAttachment></cac:Signature>
  <cac:AccountingSupplierParty><cac:Party><cbc:WebsiteURI>https://magaza.example.com.tr</cbc:WebsiteURI>
    <cac:PartyIdentification><cbc:ID schemeID="VKN">1234567890</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="MERSISNO">0123456789000015</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Satıcı Elektronik A.Ş.</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cbc:StreetName>Atatürk Bulvarı</cbc:StreetName><cbc:BuildingNumber>12</cbc:BuildingNumber><cbc:CitySubdivisionName>Çankaya</cbc:CitySubdivisionName><cbc:CityName>Ankara</cbc:CityName><cbc:PostalZone>06420</cbc:PostalZone><cac:Country><cbc:Name>Türkiye</cbc:Name></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cac:TaxScheme><cbc:Name>Kavaklıdere</cbc:Name></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:Contact><cbc:Telephone>0312 000 00 00</cbc:Telephone><cbc:ElectronicMail>satis@example.com.tr</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeID="TCKN">11111111110</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>${escapeXml(CUSTOMER)}</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cbc:StreetName>Kıyı Sokak</cbc:StreetName><cbc:CitySubdivisionName>Kadıköy</cbc:CitySubdivisionName><cbc:CityName>İstanbul</cbc:CityName><cac:Country><cbc:Name>Türkiye</cbc:Name></cac:Country></cac:PostalAddress>
    <cac:Person><cbc:FirstName>Ayşe</cbc:FirstName><cbc:FamilyName>Öztürk</cbc:FamilyName></cac:Person>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:Delivery><cac:CarrierParty><cac:PartyIdentification><cbc:ID schemeID="VKN">9876543210</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>Hızlı Kargo A.Ş.</cbc:Name></cac:PartyName><cac:PostalAddress><cbc:CitySubdivisionName>Ümraniye</cbc:CitySubdivisionName><cbc:CityName>İstanbul</cbc:CityName><cac:Country><cbc:Name>Türkiye</cbc:Name></cac:Country></cac:PostalAddress></cac:CarrierParty><cac:Despatch><cbc:ActualDespatchDate>2025-03-11</cbc:ActualDespatchDate></cac:Despatch></cac:Delivery>
  <cac:PaymentMeans><cbc:PaymentMeansCode>48</cbc:PaymentMeansCode><cbc:PaymentDueDate>2025-03-10</cbc:PaymentDueDate><cbc:InstructionNote>Örnek Ödeme Kuruluşu</cbc:InstructionNote></cac:PaymentMeans>
  <cac:PricingExchangeRate><cbc:SourceCurrencyCode>USD</cbc:SourceCurrencyCode><cbc:TargetCurrencyCode>TRY</cbc:TargetCurrencyCode><cbc:CalculationRate>36.5425</cbc:CalculationRate></cac:PricingExchangeRate>
  <cac:TaxTotal><cbc:TaxAmount currencyID="USD">256.91</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="USD">1234.56</cbc:TaxableAmount><cbc:TaxAmount currencyID="USD">246.91</cbc:TaxAmount><cbc:Percent>20</cbc:Percent><cac:TaxCategory><cac:TaxScheme><cbc:Name>KDV</cbc:Name><cbc:TaxTypeCode>0015</cbc:TaxTypeCode></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="USD">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="USD">10.00</cbc:TaxAmount><cbc:Percent>10</cbc:Percent><cac:TaxCategory><cac:TaxScheme><cbc:Name>KDV</cbc:Name><cbc:TaxTypeCode>0015</cbc:TaxTypeCode></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="USD">1334.56</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="USD">1334.56</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="USD">1591.47</cbc:TaxInclusiveAmount><cbc:AllowanceTotalAmount currencyID="USD">65.44</cbc:AllowanceTotalAmount><cbc:PayableAmount currencyID="USD">1591.47</cbc:PayableAmount></cac:LegalMonetaryTotal>${line(
    1,
    'Dizüstü Bilgisayar',
    '2',
    'C62',
    '650.00',
    '1234.56',
    '20',
    '246.91',
    '<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:MultiplierFactorNumeric>0.05034</cbc:MultiplierFactorNumeric><cbc:Amount currencyID="USD">65.44</cbc:Amount><cbc:BaseAmount currencyID="USD">1300.00</cbc:BaseAmount></cac:AllowanceCharge>',
  )}${line(2, 'Kitap', '2.5', 'KGM', '40.00', '100.00', '10', '10.00')}
</Invoice>`;
}

const TINY_VIEW = (marker: string): string =>
  `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" exclude-result-prefixes="cbc"><xsl:output method="html"/><xsl:template match="/"><p class="${marker}"><xsl:value-of select="/*/cbc:ID"/></p></xsl:template></xsl:stylesheet>`;

describe('embedded view extraction', () => {
  it('decodes the base64 XSLT a GİB sample embeds (IDIS_Fatura carries GİB’s general.xslt)', () => {
    const xslt = extractEmbeddedXslt(sample('IDIS_Fatura.xml'));
    expect(xslt).toBe(fs.readFileSync(path.join(GIB_XML, 'general.xslt'), 'utf8'));
  });

  it('returns undefined when there is none, or only an empty attachment (IHRACAT.xml)', () => {
    expect(extractEmbeddedXslt(sample('TicariFaturaOrnegi.xml'))).toBeUndefined();
    expect(extractEmbeddedXslt(sample('IHRACAT.xml'))).toBeUndefined();
  });

  it('drops a UTF-8 BOM inside the attachment and keeps Turkish letters', () => {
    const xslt = extractEmbeddedXslt(earsivInvoice({ embed: { xslt: TINY_VIEW('ğüşİ'), bom: true } }));
    expect(xslt?.startsWith('<xsl:stylesheet')).toBe(true);
    expect(xslt).toContain('ğüşİ');
  });

  it('reports a document that is not well-formed', () => {
    expect(() => extractEmbeddedXslt('<Invoice><cbc:ID>1</Invoice>')).toThrow(KonnektorError);
  });
});

describe('renderInvoiceHtml', () => {

  it('renders a GİB sample with the GİB general.xslt it embeds, and reuses the compiled stylesheet', { timeout: 180_000 }, async () => {
    clearPreviewCache();
    const first = await renderInvoicePreview(sample('IDIS_Fatura.xml'), { cacheDir });
    expect(first.stylesheet).toBe('embedded');
    expect(first.cache).toBe('compiled');
    expect(first.html).toContain('GIB2025000000001');
    expect(first.html).toContain('2A4E52B8-2DE5-4FBB-8EEC-D99FA029621B');
    expect(first.html).toContain('AAA Anonim A.Ş.');
    expect(first.html).toContain('3333333888');
    expect(first.html).toContain('32.400,00'); // ödenecek tutar, Turkish style
    expect(first.html).toContain('5.400,00');

    // A second invoice embedding the same general.xslt: no new compile.
    const second = await renderInvoicePreview(sample('YTB_Tevkıfat_Efatura.xml'), { cacheDir });
    expect(second.sha256).toBe(first.sha256);
    expect(second.cache).toBe('memory');
    expect(previewCacheStats()).toMatchObject({ compiles: 1, memoryHits: 1, transforms: 2 });
    console.log(`general.xslt: first preview ${Math.round(first.compileMs + first.transformMs)} ms (compile ${Math.round(first.compileMs)} ms), next ${Math.round(second.compileMs + second.transformMs)} ms`);
  });

  it('renders with Konnektör’s default stylesheet when the invoice embeds none (TicariFaturaOrnegi)', async () => {
    const r = await renderInvoicePreview(sample('TicariFaturaOrnegi.xml'), { cacheDir: false });
    expect(r.stylesheet).toBe('default');
    const { html } = r;
    expect(html).toContain('e-Fatura');
    expect(html).toContain('GIB2009000000011');
    expect(html).toContain('F47AC10B-58CC-4372-A567-0E02B2C3D479');
    expect(html).toContain('05.01.2009');
    expect(html).toContain('TICARIFATURA');
    expect(html).toContain('AAA Anonim Şirketi');
    expect(html).toContain('BBB Limited  Şirketi');
    expect(html).toContain('VKN: 1288331521');
    expect(html).toContain('Vergi Dairesi: Çankaya');
    expect(html).toContain('180921 (02.01.2009)'); // irsaliye
    expect(html).toContain('12 Adet'); // NIU
    expect(html).toContain('200 Kutu'); // BX
    expect(html).toContain('%5'); // iskonto oranı of line 1
    expect(html).toContain('495,30 TL');
    expect(html).toContain('KDV Matrahı (%18)');
    expect(html).toContain('25.216,50 TL');
    expect(html).toContain('4.538,97 TL');
    expect(html).toContain('786,90 TL'); // toplam iskonto
    expect(html).toMatch(/Ödenecek Tutar<\/th><td class="r">29\.755,47 TL/);
    expect(html).not.toContain('<script');
  });

  it('shows tevkifat and the reduced payable amount (TEVKIFAT.xml)', async () => {
    const html = await renderInvoiceHtml(sample('TEVKIFAT.xml'), { cacheDir: false });
    expect(html).toContain('KDV Tevkifatı (606 – %90)');
    expect(html).toContain('3.240,00 TL');
    expect(html).toContain('23.600,00 TL');
    expect(html).toMatch(/Ödenecek Tutar<\/th><td class="r">20\.360,00 TL/);
  });

  it('shows exemption reasons and the ALICI block of an export invoice (IHRACAT.xml)', async () => {
    const html = await renderInvoiceHtml(sample('IHRACAT.xml'), { cacheDir: false });
    expect(html).toContain('301 – 11/1-a Mal ihracatı');
    expect(html).toContain('ALICI');
    expect(html).toContain('Farthing Purchasing Consortium');
    expect(html).toContain('GTİP: 020622000000');
    expect(html).toContain('1 ton');
  });

  it('renders an e-Arşiv internet sale: escapes an XML-special name, keeps Turkish letters, shows currency, rate and sending type', async () => {
    const html = await renderInvoiceHtml(earsivInvoice(), { cacheDir: false });
    expect(html).toContain('e-Arşiv Fatura');
    expect(html).toContain('Öz &amp; Şen "Tic." &lt;Ltd&gt;');
    expect(html).not.toContain('<Ltd>');
    expect(html).toContain('Ayşe Öztürk');
    expect(html).toContain('TCKN: 11111111110');
    expect(html).toContain('Mersis No: 0123456789000015');
    expect(html).toContain('İkinci satır: ğüşıöç ĞÜŞİÖÇ');
    expect(html).toContain('10.03.2025');
    expect(html).toContain('14:05:09');
    expect(html).toContain('1 USD = 36,5425 TRY');
    expect(html).toContain('WEB-778 (09.03.2025)');
    expect(html).toContain('IRS2025000000007');
    expect(html).toMatch(/Gönderim Şekli<\/th><td>Elektronik/);
    expect(html).toContain('e-Arşiv izni kapsamında elektronik ortamda iletilmiştir.');
    expect(html).toContain('İNTERNET SATIŞ BİLGİLERİ');
    expect(html).toContain('https://magaza.example.com.tr');
    expect(html).toContain('Kredi / Banka Kartı');
    expect(html).toContain('Örnek Ödeme Kuruluşu');
    expect(html).toContain('Hızlı Kargo A.Ş. (VKN 9876543210)');
    expect(html).toContain('11.03.2025');
    expect(html).toContain('1.234,56 USD');
    expect(html).toContain('2,5 kg');
    expect(html).toContain('%5,03'); // 0.05034 → %5,03
    expect(html).toContain('KDV Matrahı (%20)');
    expect(html).toContain('Hesaplanan KDV (%10)');
    expect(html).toMatch(/Ödenecek Tutar<\/th><td class="r">1\.591,47 USD/);
    expect(html).toContain('58.156,29 TL'); // 1591.47 × 36.5425
  });

  it('uses the given fallback stylesheet, and ignores the embedded one on request', async () => {
    const withFallback = await renderInvoicePreview(sample('TicariFaturaOrnegi.xml'), { fallbackXslt: TINY_VIEW('fb'), cacheDir: false });
    expect(withFallback.stylesheet).toBe('fallback');
    expect(withFallback.html).toContain('<p class="fb">GIB2009000000011</p>');

    const embedded = earsivInvoice({ embed: { xslt: TINY_VIEW('emb'), bom: true } });
    expect(await renderInvoiceHtml(embedded, { cacheDir: false })).toContain('<p class="emb">EAR2025000000042</p>');
    const ignored = await renderInvoicePreview(embedded, { useEmbedded: false, cacheDir: false });
    expect(ignored.stylesheet).toBe('default');
    expect(ignored.html).toContain('e-Arşiv Fatura');
  });

  it('rejects input that is not well-formed XML with XML_NOT_WELL_FORMED', async () => {
    for (const bad of ['<Invoice><cbc:ID>1</Invoice>', '', 'not xml at all', '<a>1</a><b/>']) {
      const e = await rejection(renderInvoiceHtml(bad, { cacheDir: false }));
      expect(e.code).toBe('XML_NOT_WELL_FORMED');
    }
  });

  it('reports a stylesheet that does not compile, and one that fails while running', async () => {
    const broken = TINY_VIEW('x').replace('select="/*/cbc:ID"', 'select="$tanimsiz"');
    const c = await rejection(renderInvoiceHtml(earsivInvoice({ embed: { xslt: broken } }), { cacheDir: false }));
    expect(c.code).toBe('INVOICE_VIEW_FAILED');
    expect(c.details).toMatchObject({ stage: 'compile', stylesheet: 'embedded', xsltError: 'XPST0008' });
    expect(c.message).toMatch(/embedded view stylesheet does not compile/);

    const notXslt = await rejection(renderInvoiceHtml(sample('TicariFaturaOrnegi.xml'), { fallbackXslt: '<html/>', cacheDir: false }));
    expect(notXslt.details).toMatchObject({ stage: 'compile', stylesheet: 'fallback' });

    const dies = TINY_VIEW('x').replace('<p class', '<xsl:message terminate="yes">kapalı</xsl:message><p class');
    const t = await rejection(renderInvoiceHtml(earsivInvoice({ embed: { xslt: dies } }), { cacheDir: false }));
    expect(t.details).toMatchObject({ stage: 'transform', stylesheet: 'embedded' });
  });

  it('refuses embedded stylesheets that read files, write files or run JavaScript', async () => {
    const secret = path.join(cacheDir, 'secret.txt');
    const written = path.join(cacheDir, 'written.txt');
    fs.writeFileSync(secret, 'GIZLI');
    const attempts = [
      `<p><xsl:value-of select="unparsed-text('file://${secret}')"/></p>`,
      `<p><xsl:value-of select="document('file://${secret}')"/></p>`,
      `<xsl:result-document href="file://${written}" method="text">x</xsl:result-document><p/>`,
      `<p><xsl:value-of select="ixsl:eval('1+1')" xmlns:ixsl="http://saxonica.com/ns/interactiveXSLT"/></p>`,
      `<p><xsl:value-of select="js:parseInt('7')" xmlns:js="http://saxonica.com/ns/globalJS"/></p>`,
      `<p><xsl:value-of select="let $f := unparsed-text#1 return $f('file://${secret}')"/></p>`,
      `<p><xsl:value-of select="unparsed-text(?)('file://${secret}')"/></p>`,
      `<xsl:copy-of select="saxon:compile-XPath('1')" xmlns:saxon="http://saxon.sf.net/"/><p/>`,
      `<xsl:source-document href="file://${secret}" streamable="no"><p/></xsl:source-document>`,
    ];
    for (const body of attempts) {
      const xslt = `<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/">${body}</xsl:template></xsl:stylesheet>`;
      const e = await rejection(renderInvoiceHtml(earsivInvoice({ embed: { xslt } }), { cacheDir: false }));
      expect(e.code, body).toBe('INVOICE_VIEW_REFUSED');
      expect(e.details, body).toMatchObject({ stage: 'check', stylesheet: 'embedded' });
    }
    const include = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:include href="file://${secret}"/></xsl:stylesheet>`;
    expect((await rejection(renderInvoiceHtml(earsivInvoice({ embed: { xslt: include } }), { cacheDir: false }))).details).toMatchObject({ refused: ['the instruction xsl:include'] });
    expect(fs.existsSync(written)).toBe(false);
  });

  it('compiles a stylesheet once: later renders reuse it from memory, a new process from disk', async () => {
    clearPreviewCache();
    const dir = fs.mkdtempSync(path.join(cacheDir, 'disk-'));
    const a = await renderInvoicePreview(sample('TicariFaturaOrnegi.xml'), { cacheDir: dir });
    const b = await renderInvoicePreview(sample('OZELMATRAH.xml'), { cacheDir: dir });
    expect([a.cache, b.cache]).toEqual(['compiled', 'memory']);
    expect(previewCacheStats()).toMatchObject({ compiles: 1, memoryHits: 1, diskHits: 0 });
    expect(fs.readdirSync(path.join(dir, 'invoice-views')).filter((f) => f.endsWith('.sef.json'))).toHaveLength(1);

    clearPreviewCache(); // as if a new process started
    const c = await renderInvoicePreview(sample('TEVKIFAT.xml'), { cacheDir: dir });
    expect(c.cache).toBe('disk');
    expect(previewCacheStats()).toMatchObject({ compiles: 0, diskHits: 1 });
    expect(c.html).toContain('SRM2012000086985');

    // A damaged cache file is dropped and compiled again.
    clearPreviewCache();
    const file = path.join(dir, 'invoice-views', fs.readdirSync(path.join(dir, 'invoice-views'))[0]!);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"N":"package"', '"N":"package","x":"1"'));
    const d = await renderInvoicePreview(sample('TEVKIFAT.xml'), { cacheDir: dir });
    expect(d.cache).toBe('compiled');
    console.log(`konnektor-fatura.xslt: compile ${Math.round(a.compileMs)} ms + run ${Math.round(a.transformMs)} ms; next ${Math.round(b.compileMs + b.transformMs)} ms; from disk ${Math.round(c.compileMs)} ms + ${Math.round(c.transformMs)} ms`);
  });

  it('runs on the saxon-js it was written for', () => {
    expect(() => assertSaxonCompilerAvailable()).not.toThrow();
  });
});

describe('konnektor-fatura.xslt stays XSLT 1.0', () => {
  const text = readDefaultInvoiceXslt();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const XSL = 'http://www.w3.org/1999/XSL/Transform';

  /** Every XPath expression in the stylesheet: select/test/match/use/value attributes and {…} in other attributes. */
  function expressions(): string[] {
    const out: string[] = [];
    const all = doc.getElementsByTagNameNS('*', '*');
    for (let i = 0; i < all.length; i++) {
      const el = all.item(i) as Element;
      for (let j = 0; j < el.attributes.length; j++) {
        const a = el.attributes.item(j)!;
        if (el.namespaceURI === XSL && ['select', 'test', 'match', 'use', 'value', 'count', 'from'].includes(a.name)) out.push(a.value);
        else for (const m of a.value.matchAll(/\{([^{}]*)\}/g)) out.push(m[1]!);
      }
    }
    return out;
  }

  it('declares version 1.0, is small, self-contained and never disables escaping', () => {
    expect(doc.documentElement?.getAttribute('version')).toBe('1.0');
    expect(Buffer.byteLength(text)).toBeLessThan(40_000);
    expect(text).not.toMatch(/disable-output-escaping|<script|\bhref=|\bsrc=|url\(|@import/i);
    expect(DEFAULT_INVOICE_XSLT_PATH.endsWith(path.join('ubl', 'stylesheets', 'konnektor-fatura.xslt'))).toBe(true);
  });

  it('uses only XSLT 1.0 instructions', () => {
    const XSLT1 = new Set(
      'apply-imports apply-templates attribute attribute-set call-template choose comment copy copy-of decimal-format element fallback for-each if import include key message namespace-alias number otherwise output param preserve-space processing-instruction sort strip-space stylesheet template text transform value-of variable when with-param'.split(
        ' ',
      ),
    );
    const used = new Set<string>();
    const all = doc.getElementsByTagNameNS(XSL, '*');
    for (let i = 0; i < all.length; i++) used.add(all.item(i)!.localName!);
    expect([...used].filter((n) => !XSLT1.has(n))).toEqual([]);
  });

  it('uses only XPath 1.0 functions and syntax', () => {
    const XPATH1 = new Set(
      'last position count id local-name namespace-uri name string concat starts-with contains substring-before substring-after substring string-length normalize-space translate boolean not true false lang number sum floor ceiling round document key format-number current unparsed-entity-uri generate-id system-property element-available function-available node text comment processing-instruction and or div mod'.split(
        ' ',
      ),
    );
    const problems: string[] = [];
    for (const expr of expressions()) {
      const code = expr.replace(/'[^']*'|"[^"]*"/g, "''");
      for (const m of code.matchAll(/([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(/g)) if (!XPATH1.has(m[1]!)) problems.push(`${m[1]}() in ${expr}`);
      if (/\b(if|for|some|every|let)\s*[($]|\s(eq|ne|lt|le|gt|ge|is|idiv|to|except|intersect|instance of|treat as|castable as|cast as)\s|\|\||!(?!=)|\(:|:=|\$\w+\s*\(/.test(code)) {
        problems.push(`XPath 2 syntax in ${expr}`);
      }
    }
    expect(problems).toEqual([]);
  });

  const xsltproc = (() => {
    try {
      execFileSync('xsltproc', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!xsltproc)(`runs under xsltproc (libxslt, XSLT 1.0)${xsltproc ? '' : ' — skipped: xsltproc is not installed on this machine'}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-xsltproc-'));
    try {
      const input = path.join(dir, 'invoice.xml');
      fs.writeFileSync(input, earsivInvoice());
      const html = execFileSync('xsltproc', [DEFAULT_INVOICE_XSLT_PATH, input], { encoding: 'utf8' });
      expect(html).toContain('EAR2025000000042');
      expect(html).toContain('Öz &amp; Şen "Tic." &lt;Ltd&gt;');
      expect(html).toContain('1.234,56 USD');
      expect(html).toContain('KDV Matrahı (%20)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
