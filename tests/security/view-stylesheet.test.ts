import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearPreviewCache, closeViewSandboxes, embeddedViewIssues, previewCacheStats, renderInvoicePreview } from '../../core/documents/preview';
import { checkViewStylesheet } from '../../core/documents/view/policy';
import { ViewRunError, ViewSandbox } from '../../core/documents/view/sandbox';
import { KonnektorError } from '../../core/errors';

/**
 * An invoice's view stylesheet can never reach the file system or the network, whatever XSLT feature it uses: the
 * stylesheet is held against a whitelist before anything compiles it, and compiles and runs in a worker where no
 * resource resolver answers, within time and memory limits. Nothing of a refused stylesheet is compiled or cached.
 */
const GIB_XML = path.resolve(__dirname, '../../../shared/reference/gib/UBL-TR1.2.1_Paketi/xml');
const gib = (name: string): string => fs.readFileSync(path.join(GIB_XML, name), 'utf8');

let dir: string;
let secret: string;
let written: string;
const SECRET_TEXT = `GIZLI-${crypto.randomBytes(6).toString('hex')}`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-view-sec-'));
  secret = path.join(dir, 'secret.txt');
  written = path.join(dir, 'written.txt');
  fs.writeFileSync(secret, SECRET_TEXT);
  fs.writeFileSync(path.join(dir, 'secret.xml'), `<s>${SECRET_TEXT}</s>`);
  fs.writeFileSync(path.join(dir, 'secret.json'), JSON.stringify({ s: SECRET_TEXT }));
});
afterAll(async () => {
  await closeViewSandboxes();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A small TEMELFATURA carrying `xslt` as its embedded view. */
function invoiceWithView(xslt: string): string {
  const base64 = Buffer.from(xslt, 'utf8').toString('base64');
  return gib('TEVKIFAT.xml').replace(
    /(<cac:AccountingSupplierParty>)/,
    `<cac:AdditionalDocumentReference><cbc:ID>VIEW</cbc:ID><cbc:IssueDate>2025-01-01</cbc:IssueDate><cbc:DocumentType>XSLT</cbc:DocumentType><cac:Attachment><cbc:EmbeddedDocumentBinaryObject characterSetCode="UTF-8" encodingCode="Base64" filename="v.xslt" mimeCode="application/xml">${base64}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>$1`,
  );
}

const XSL = 'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"';
const view = (body: string, top = '', version = '3.0', rootAttrs = ''): string =>
  `<xsl:stylesheet version="${version}" ${XSL} ${rootAttrs}>${top}<xsl:template match="/"><html><body>${body}</body></html></xsl:template></xsl:stylesheet>`;

/** Every way out of the invoice we know of, one stylesheet each; each must be refused before it compiles. */
function attacks(): [string, string][] {
  const f = `file://${secret}`;
  const x = `file://${path.join(dir, 'secret.xml')}`;
  const j = `file://${path.join(dir, 'secret.json')}`;
  return [
    ['static param', view('<p><xsl:value-of select="$p"/></p>', `<xsl:param name="p" static="yes" select="unparsed-text('${f}')"/>`)],
    ['static variable', view('<p><xsl:value-of select="$v"/></p>', `<xsl:variable name="v" static="yes" select="unparsed-text('${f}')"/>`)],
    ['use-when on an instruction', view(`<xsl:value-of select="'x'" use-when="unparsed-text('${f}') = ''"/>`)],
    ['xsl:use-when on a literal element', view(`<p xsl:use-when="unparsed-text-available('${f}')">x</p>`)],
    ['shadow attribute', view(`<xsl:value-of _select="unparsed-text('${f}')"/>`)],
    ['shadow attribute with a static param', view(`<xsl:value-of _select="{$p}"/>`, `<xsl:param name="p" static="yes" select="'unparsed-text(&quot;${f}&quot;)'"/>`)],
    ['unparsed-text', view(`<xsl:value-of select="unparsed-text('${f}')"/>`)],
    ['unparsed-text-lines', view(`<xsl:value-of select="unparsed-text-lines('${f}')"/>`)],
    ['unparsed-text-available', view(`<xsl:value-of select="unparsed-text-available('${f}')"/>`)],
    ['document()', view(`<xsl:value-of select="document('${x}')"/>`, '', '1.0')],
    ['document() in XSLT 1.0 form', view(`<xsl:copy-of select="document('${x}')/s"/>`, '', '1.0')],
    ['doc()', view(`<xsl:value-of select="doc('${x}')"/>`)],
    ['doc-available()', view(`<xsl:value-of select="doc-available('${x}')"/>`)],
    ['collection()', view(`<xsl:value-of select="count(collection('file://${dir}/'))"/>`)],
    ['uri-collection()', view(`<xsl:value-of select="uri-collection('file://${dir}/')"/>`)],
    ['json-doc()', view(`<xsl:value-of select="json-doc('${j}')?s"/>`)],
    ['transform()', view(`<xsl:value-of select="transform(map{'stylesheet-location':'${f}'})"/>`)],
    ['xsl:evaluate', view(`<xsl:evaluate xpath="'unparsed-text(&quot;${f}&quot;)'"/>`)],
    ['xsl:result-document', view(`<xsl:result-document href="file://${written}" method="text">x</xsl:result-document>`)],
    ['xsl:source-document', view(`<xsl:source-document href="${x}" streamable="no"><xsl:value-of select="."/></xsl:source-document>`)],
    ['xsl:import', `<xsl:stylesheet version="1.0" ${XSL}><xsl:import href="${f}"/></xsl:stylesheet>`],
    ['xsl:include', `<xsl:stylesheet version="1.0" ${XSL}><xsl:include href="${f}"/></xsl:stylesheet>`],
    ['xsl:import-schema', view('<p/>', `<xsl:import-schema schema-location="${f}"/>`)],
    ['xsl:function', view(`<xsl:value-of select="k:f()" xmlns:k="urn:k"/>`, `<xsl:function name="k:f" xmlns:k="urn:k"><xsl:sequence select="unparsed-text('${f}')"/></xsl:function>`)],
    ['extension function (saxon:)', view(`<xsl:value-of select="saxon:compile-XPath('1')" xmlns:saxon="http://saxon.sf.net/"/>`)],
    ['extension function (ixsl:eval)', view(`<xsl:value-of select="ixsl:eval('1+1')" xmlns:ixsl="http://saxonica.com/ns/interactiveXSLT"/>`)],
    ['extension function (js:)', view(`<xsl:value-of select="js:parseInt('7')" xmlns:js="http://saxonica.com/ns/globalJS"/>`)],
    ['extension instruction', view(`<ixsl:set-property name="x" select="1" xmlns:ixsl="http://saxonica.com/ns/interactiveXSLT"/>`, '', '3.0', 'extension-element-prefixes="ixsl" xmlns:ixsl="http://saxonica.com/ns/interactiveXSLT"')],
    ['function-lookup()', view(`<xsl:value-of select="function-lookup(QName('http://www.w3.org/2005/xpath-functions','unparsed-text'),1)('${f}')"/>`)],
    ['named function reference', view(`<xsl:value-of select="let $f := unparsed-text#1 return $f('${f}')"/>`)],
    ['partial application', view(`<xsl:value-of select="unparsed-text(?)('${f}')"/>`)],
    ['inline function', view(`<xsl:value-of select="(function($u){unparsed-text($u)})('${f}')"/>`)],
    ['EQName function call', view(`<xsl:value-of select="Q{http://www.w3.org/2005/xpath-functions}unparsed-text('${f}')"/>`)],
    ['prefixed fn: call', view(`<xsl:value-of select="fn:unparsed-text('${f}')" xmlns:fn="http://www.w3.org/2005/xpath-functions"/>`)],
    ['arrow operator', view(`<xsl:value-of select="'${f}' => unparsed-text()"/>`)],
    ['text value template', view(`<p>{unparsed-text('${f}')}</p>`, '', '3.0', 'expand-text="yes"')],
    ['attribute value template', view(`<p title="{unparsed-text('${f}')}"/>`)],
    ['AVT of xsl:sort', view(`<xsl:for-each select="*"><xsl:sort select="." lang="{unparsed-text('${f}')}"/></xsl:for-each>`, '', '1.0')],
    ['xsl:element name AVT', view(`<xsl:element name="{document('${x}')/s}"/>`, '', '1.0')],
    ['xsl:copy-of of document("")', view(`<xsl:copy-of select="document('')"/>`, '', '1.0')],
    ['environment-variable()', view(`<xsl:value-of select="environment-variable('HOME')"/>`)],
    ['xsl:message select', view(`<xsl:message select="unparsed-text('${f}')"/>`)],
    ['xsl:output parameter-document', view('<p/>', `<xsl:output method="html" parameter-document="${x}"/>`)],
    ['xsl:package root', `<xsl:package version="3.0" ${XSL}><xsl:template match="/"><xsl:value-of select="unparsed-text('${f}')"/></xsl:template></xsl:package>`],
    ['version 3.0', view(`<xsl:value-of select="'x'"/>`, '', '3.0')],
    ['DOCTYPE with an external entity', `<!DOCTYPE xsl:stylesheet [<!ENTITY s SYSTEM "${f}">]><xsl:stylesheet version="1.0" ${XSL}><xsl:template match="/"><p>&s;</p></xsl:template></xsl:stylesheet>`],
    ['XPath 2 if-expression', view(`<xsl:value-of select="if (true()) then unparsed-text('${f}') else ''"/>`)],
    ['XPath 2 for-expression', view(`<xsl:value-of select="for $u in '${f}' return unparsed-text($u)"/>`)],
    ['simple map operator', view(`<xsl:value-of select="'${f}' ! unparsed-text(.)"/>`)],
    ['top-level foreign element', view('<p/>', '<saxon:option xmlns:saxon="http://saxon.sf.net/"/>', '1.0')],
    ['xsl:stylesheet extension-element-prefixes', view('<p/>', '', '1.0', 'extension-element-prefixes="saxon" xmlns:saxon="http://saxon.sf.net/"')],
  ];
}

describe('view stylesheets that try to leave the invoice', () => {
  it('refuses every one of them with INVOICE_VIEW_REFUSED before compiling, and caches nothing', async () => {
    clearPreviewCache();
    const cacheDir = path.join(dir, 'cache');
    const list = attacks();
    let refused = 0;
    for (const [name, xslt] of list) {
      let error: unknown;
      let html = '';
      try {
        html = (await renderInvoicePreview(invoiceWithView(xslt), { cacheDir })).html;
      } catch (e) {
        error = e;
      }
      expect(html, name).not.toContain(SECRET_TEXT);
      expect(error, name).toBeInstanceOf(KonnektorError);
      expect((error as KonnektorError).code, `${name}: ${(error as Error).message}`).toBe('INVOICE_VIEW_REFUSED');
      expect((error as KonnektorError).details.stage, name).toBe('check');
      expect(String((error as KonnektorError).userMessage)).toMatch(/güvenlik nedeniyle reddedildi/);
      refused++;
    }
    expect(refused).toBe(list.length);
    // Nothing of them was compiled, run or cached; nothing was written.
    expect(previewCacheStats()).toMatchObject({ compiles: 0, transforms: 0, diskHits: 0 });
    expect(fs.existsSync(path.join(cacheDir, 'invoice-views'))).toBe(false);
    expect(fs.existsSync(written)).toBe(false);
    console.log(`view stylesheets refused: ${refused} of ${list.length}`);
  });

  it('`validate` reports a refused view on the invoice itself', () => {
    const issues = embeddedViewIssues(invoiceWithView(attacks()[0]![1]));
    expect(issues).toEqual([expect.objectContaining({ source: 'view', rule: 'INVOICE_VIEW_REFUSED' })]);
    expect(embeddedViewIssues(gib('IDIS_Fatura.xml'))).toEqual([]);
    expect(embeddedViewIssues(gib('TEVKIFAT.xml'))).toEqual([]);
  });
});

describe('the views invoices and despatches really use', () => {
  it("accepts GİB's view stylesheets, the ones GİB's samples embed and Konnektör's own", () => {
    const names = fs.readdirSync(GIB_XML).filter((f) => f.endsWith('.xslt'));
    expect(names).toEqual(expect.arrayContaining(['general.xslt', 'irsaliye.xslt', 'irsaliyeyaniti.xslt', 'appResponse.xslt']));
    const texts = names.map((n) => [n, gib(n)] as const);
    texts.push(['konnektor-fatura.xslt', fs.readFileSync(path.resolve(__dirname, '../../core/documents/ubl/stylesheets/konnektor-fatura.xslt'), 'utf8')]);
    for (const sample of ['IDIS_Fatura.xml', 'IDIS_Irsaliye.xml', 'HKS-Ornek1.xml', 'YTB_Satıs_Efatura.xml']) {
      const m = /<cbc:EmbeddedDocumentBinaryObject[^>]*filename="[^"]*\.xslt"[^>]*>([^<]*)</.exec(gib(sample));
      texts.push([`embedded in ${sample}`, Buffer.from(m![1]!.replace(/\s+/g, ''), 'base64').toString('utf8').replace(/^\uFEFF/, '')]);
    }
    for (const [name, text] of texts) expect(checkViewStylesheet(text.replace(/^\uFEFF/, '')).refused, name).toEqual([]);
  });

  it("renders a despatch advice with GİB's irsaliye.xslt", async () => {
    const r = await renderInvoicePreview(gib('Irsaliye-Ornek1.xml'), { fallbackXslt: gib('irsaliye.xslt'), useEmbedded: false, cacheDir: false });
    expect(r.stylesheet).toBe('fallback');
    const id = /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(gib('Irsaliye-Ornek1.xml').split('</cbc:CopyIndicator>')[0]!)?.[1];
    expect(r.html).toContain(id!);
  });
});

describe('the view process', () => {
  it('answers no resource request, at compile time or at run time, even for a stylesheet that was never checked', async () => {
    const sandbox = new ViewSandbox({ compileMs: 120_000, renderMs: 60_000, memoryMb: 256 });
    try {
      // Straight to the view process, past the whitelist: the sandbox alone must hold.
      const atCompile = view('<p><xsl:value-of select="$p"/></p>', `<xsl:param name="p" static="yes" select="unparsed-text('file://${secret}')"/>`);
      const e1 = await sandbox.compile(atCompile, 'a'.repeat(64)).then(() => undefined, (e: unknown) => e);
      expect(e1).toBeInstanceOf(ViewRunError);
      expect(String((e1 as Error).message)).not.toContain(SECRET_TEXT);
      expect(String((e1 as Error).message)).toMatch(/may not open resources/);

      const atRun = view(`<p><xsl:value-of select="unparsed-text('file://${secret}')"/></p><p><xsl:value-of select="doc('file://${path.join(dir, 'secret.xml')}')"/></p>`);
      const json = await sandbox.compile(atRun, 'b'.repeat(64));
      const e2 = await sandbox.render('b'.repeat(64), () => json, '<a/>').then((r) => r.html, (e: unknown) => e);
      expect(e2).toBeInstanceOf(ViewRunError);
      expect(String((e2 as Error).message)).not.toContain(SECRET_TEXT);
    } finally {
      await sandbox.close();
    }
  });

  const LOOP = view(
    '<p><xsl:call-template name="f"><xsl:with-param name="n" select="40"/></xsl:call-template></p>',
    '<xsl:template name="f"><xsl:param name="n"/><xsl:if test="$n &gt; 0"><xsl:call-template name="f"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template><xsl:call-template name="f"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:if></xsl:template>',
    '1.0',
  );
  // Doubles a string 30 times (8 GB of text): far beyond the heap limit long before the time limit.
  const GROW = view(
    `<p><xsl:call-template name="g"><xsl:with-param name="s" select="'abcdefgh'"/><xsl:with-param name="n" select="30"/></xsl:call-template></p>`,
    '<xsl:template name="g"><xsl:param name="s"/><xsl:param name="n"/><xsl:choose><xsl:when test="$n &gt; 0"><xsl:call-template name="g"><xsl:with-param name="s" select="upper-case(concat($s, $s))"/><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:when><xsl:otherwise><xsl:value-of select="string-length($s)"/></xsl:otherwise></xsl:choose></xsl:template>',
    '2.0',
  );

  it('ends a view that runs past its time limit, and the next one renders', async () => {
    expect(checkViewStylesheet(LOOP).refused).toEqual([]);
    const e = await renderInvoicePreview(invoiceWithView(LOOP), { cacheDir: false, limits: { renderMs: 3000 } }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KonnektorError);
    expect((e as KonnektorError).code).toBe('INVOICE_VIEW_FAILED');
    expect((e as KonnektorError).details).toMatchObject({ stage: 'transform', limit: 'time' });
    // Ended by the limit (2^40 template calls would take days), and the process replaced:
    const next = await renderInvoicePreview(invoiceWithView(view('<p class="ok"><xsl:value-of select="count(//*)"/></p>', '', '1.0')), { cacheDir: false, limits: { renderMs: 3000 } });
    expect(next.html).toMatch(/<p class="ok">\d+<\/p>/);
  });

  it('ends a view that outgrows its memory limit', async () => {
    expect(checkViewStylesheet(GROW).refused).toEqual([]);
    const e = await renderInvoicePreview(invoiceWithView(GROW), { cacheDir: false, limits: { memoryMb: 96, renderMs: 120_000 } }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KonnektorError);
    expect((e as KonnektorError).details).toMatchObject({ stage: 'transform', limit: 'memory' });
    // This process lives on and renders the next invoice.
    const next = await renderInvoicePreview(invoiceWithView(view('<p class="ok">x</p>', '', '1.0')), { cacheDir: false, limits: { memoryMb: 96, renderMs: 120_000 } });
    expect(next.html).toContain('<p class="ok">x</p>');
  }, 300_000);
});
