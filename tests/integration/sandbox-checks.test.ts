/**
 * The sandbox's own checks of what it is sent, as eFinans makes them: only the four document types belgeGonderExt
 * takes; a caller acting only for its own taxpayers; the document's sender being the taxpayer named in the call;
 * the UBL root being the one of the document type. A client (or a test) relying on the sandbox learns from these
 * the same refusals production would give.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { AUTH_FAULTS } from '../../sandbox/server/accounts';
import { CONNECTOR_FAULTS } from '../../sandbox/server/connector';
import { connectorCall, faultString, returnRecords, valueOf, type SoapAuth } from '../../sandbox/server/testing';

const GOLDEN = path.resolve(__dirname, '../fixtures/golden');
const SUPPLIER = '4703101339'; // the golden files' supplier
const DEMO: SoapAuth = { user: 'demo', password: 'demo123' };
const STEP = 1000;

let sb: SandboxHandle;
let dir: string;
let t = Date.parse('2026-03-05T09:00:00Z');
const clock = { now: () => new Date(t) };
let otherCompany: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-sandbox-checks-'));
  sb = await startSandbox({ dataDir: dir, validate: false, stepMs: STEP, clock });
  otherCompany = sb.describe().accounts.find((a) => a.userId === 'demo')!.vkns.find((v) => v !== SUPPLIER)!;
  expect(otherCompany).toMatch(/^\d{10,11}$/);
});
afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A golden invoice with its own ETTN and number. */
function invoice(): Buffer {
  const src = fs.readFileSync(path.join(GOLDEN, '01-TEMELFATURA-SATIS.xml'), 'utf8');
  const oldUuid = /<cbc:UUID>([^<]+)<\/cbc:UUID>/.exec(src)![1]!;
  const oldId = /<cbc:ID>(KNF\d+)<\/cbc:ID>/.exec(src)![1]!;
  return Buffer.from(src.replaceAll(oldUuid, crypto.randomUUID()).replaceAll(oldId, `CHK2026${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`), 'utf8');
}

const ublRoot = (root: string, ns: string) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${ns}" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">` +
      `<cbc:UUID>${crypto.randomUUID()}</cbc:UUID><cac:SenderParty><cac:PartyIdentification><cbc:ID schemeID="VKN">${SUPPLIER}</cbc:ID></cac:PartyIdentification></cac:SenderParty></${root}>`,
  );

function sendBody(xml: Buffer, o: { belgeTuru?: string; vkn?: string; hash?: string; veri?: string } = {}): string {
  return (
    `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${o.vkn ?? SUPPLIER}</vergiTcKimlikNo><belgeTuru>${o.belgeTuru ?? 'FATURA_UBL'}</belgeTuru>` +
    `<belgeNo>${crypto.randomUUID()}</belgeNo><veri>${o.veri ?? xml.toString('base64')}</veri><belgeHash>${o.hash ?? crypto.createHash('md5').update(xml).digest('hex')}</belgeHash>` +
    `<mimeType>application/xml</mimeType><belgeVersiyon>1.0</belgeVersiyon><erpKodu>ERP1</erpKodu><alanEtiket/><gonderenEtiket/></parametreler></ser:belgeGonderExt>`
  );
}

/** A call the sandbox refuses: its fault text, and nothing kept. */
async function refused(xml: Buffer, o: Parameters<typeof sendBody>[1] = {}): Promise<string> {
  const before = sb.admin.documents().length;
  const r = await connectorCall(sb.endpoints.connectorService, sendBody(xml, o), DEMO);
  expect(r.status, r.text).toBe(500);
  expect(sb.admin.documents()).toHaveLength(before);
  return faultString(r.text) ?? '';
}

/** A call the sandbox takes: the status its processing ends in. */
async function processed(xml: Buffer, o: Parameters<typeof sendBody>[1] = {}): Promise<Record<string, string>> {
  const r = await connectorCall(sb.endpoints.connectorService, sendBody(xml, o), DEMO);
  expect(r.status, r.text).toBe(200);
  const oid = valueOf(r.text, 'return')!;
  expect(oid).toMatch(/^[0-9a-z]{14}$/);
  await sb.admin.idle();
  t += 6 * STEP;
  sb.admin.settle();
  const vkn = o.vkn ?? SUPPLIER;
  const status = await connectorCall(
    sb.endpoints.connectorService,
    `<ser:gidenBelgeDurumSorgulaExt><vergiTcKimlikNo>${vkn}</vergiTcKimlikNo><parametreler><belgeNo>${oid}</belgeNo><belgeNoTipi>OID</belgeNoTipi><donusTipiVersiyon>2.0</donusTipiVersiyon></parametreler></ser:gidenBelgeDurumSorgulaExt>`,
    DEMO,
  );
  expect(status.status, status.text).toBe(200);
  return returnRecords(status.text)[0]!;
}

const NS_INVOICE = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
const NS_RESPONSE = 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2';
const NS_DESPATCH = 'urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2';

describe('belgeGonderExt takes only the document types eFinans takes', () => {
  it.each(['FATURA', 'EARSIV_UBL', 'fatura_ubl', 'IRSALIYE_YANITI', 'ZARF', 'UYGULAMA_YANITI'])('refuses belgeTuru %j and keeps nothing', async (belgeTuru) => {
    expect(await refused(invoice(), { belgeTuru })).toBe(CONNECTOR_FAULTS.belgeTuru(belgeTuru));
  });

  it('takes an invoice as FATURA_UBL and ends it delivered', async () => {
    expect(await processed(invoice())).toMatchObject({ durum: '3' });
  });

  it.each([
    ['UYGULAMA_YANITI_UBL', 'ApplicationResponse'],
    ['IRSALIYE_UBL', 'DespatchAdvice'],
    ['IRSALIYE_YANITI_UBL', 'ReceiptAdvice'],
  ])('takes %s, and an invoice sent as one ends in a processing error naming the root it expects', async (belgeTuru, root) => {
    const s = await processed(invoice(), { belgeTuru });
    expect(s).toMatchObject({ durum: '2', gonderimDurumu: '-2' });
    expect(s.aciklama).toBe(`belgeTuru ${belgeTuru} bir UBL ${root} bekler, belge Invoice.`);
  });
});

describe('the UBL root must be the document type’s', () => {
  it.each([
    ['ApplicationResponse', NS_RESPONSE],
    ['DespatchAdvice', NS_DESPATCH],
    ['CreditNote', 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'],
  ])('a %s sent as FATURA_UBL ends in a processing error', async (root, ns) => {
    const s = await processed(ublRoot(root, ns));
    expect(s).toMatchObject({ durum: '2', gonderimDurumu: '-2' });
    expect(s.aciklama).toBe(`belgeTuru FATURA_UBL bir UBL Invoice bekler, belge ${root}.`);
  });

  it.each([
    ['Invoice', 'urn:example:not-ubl'],
    ['Fatura', NS_INVOICE],
  ])('a %s root in %s is no GİB document at all', async (root, ns) => {
    const s = await processed(ublRoot(root, ns));
    expect(s).toMatchObject({ durum: '2' });
    expect(s.aciklama).toBe(`Belge ayrıştırılamadı: root element {${ns}}${root} is not a UBL-TR document`);
  });

  it('a despatch sent as IRSALIYE_UBL passes the root check', async () => {
    const s = await processed(ublRoot('DespatchAdvice', NS_DESPATCH), { belgeTuru: 'IRSALIYE_UBL' });
    expect(s.aciklama ?? '').not.toContain('bekler');
  });

  it('a response sent as UYGULAMA_YANITI_UBL passes the root check', async () => {
    const s = await processed(ublRoot('ApplicationResponse', NS_RESPONSE), { belgeTuru: 'UYGULAMA_YANITI_UBL' });
    expect(s.aciklama ?? '').not.toContain('bekler');
  });

  it('an invoice that is not XML at all ends in a processing error, not in a crash', async () => {
    const s = await processed(Buffer.from('%PDF-1.4 not xml'));
    expect(s).toMatchObject({ durum: '2' });
    expect(s.aciklama).toMatch(/^Belge ayrıştırılamadı/);
  });
});

describe('the sender is the caller’s taxpayer, in the call and in the document', () => {
  it('refuses a taxpayer the user may not act for, and a malformed number', async () => {
    expect(await refused(invoice(), { vkn: '1234567890' })).toBe(AUTH_FAULTS.vknNotAuthorized('1234567890'));
    for (const vkn of ['470310133', '470310133X', '47031013391234', ' 4703101339x']) {
      expect(await refused(invoice(), { vkn })).toBe(CONNECTOR_FAULTS.vkn(vkn.trim()));
    }
  });

  it('ends an invoice whose supplier is another of the caller’s taxpayers in a processing error', async () => {
    const s = await processed(invoice(), { vkn: otherCompany });
    expect(s).toMatchObject({ durum: '2', gonderimDurumu: '-2' });
    expect(s.aciklama).toBe(`Belgedeki gönderici VKN/TCKN (${SUPPLIER}) vergiTcKimlikNo (${otherCompany}) ile aynı değil.`);
  });

  it('ends a response naming no sender in a processing error', async () => {
    const xml = Buffer.from(`<?xml version="1.0"?><ApplicationResponse xmlns="${NS_RESPONSE}"><UUID>${crypto.randomUUID()}</UUID></ApplicationResponse>`);
    const s = await processed(xml, { belgeTuru: 'UYGULAMA_YANITI_UBL' });
    expect(s.aciklama).toBe(`Belgedeki gönderici VKN/TCKN (yok) vergiTcKimlikNo (${SUPPLIER}) ile aynı değil.`);
  });
});

describe('e-Arşiv and staff', () => {
  it('ends an EARSIVFATURA sent through connectorService in a processing error pointing to EarsivWebService', async () => {
    const src = fs.readFileSync(path.join(GOLDEN, '10-EARSIVFATURA-SATIS.xml'), 'utf8');
    const oldUuid = /<cbc:UUID>([^<]+)<\/cbc:UUID>/.exec(src)![1]!;
    const s = await processed(Buffer.from(src.replaceAll(oldUuid, crypto.randomUUID())));
    expect(s).toMatchObject({ durum: '2' });
    expect(s.aciklama).toBe('EARSIVFATURA senaryosundaki belge e-Fatura olarak gönderilemez; EarsivWebService kullanın.');
  });

  it('judges the EARSIVFATURA profile only on invoices', async () => {
    const xml = Buffer.from(
      `<?xml version="1.0"?><ApplicationResponse xmlns="${NS_RESPONSE}" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">` +
        `<cbc:ProfileID>EARSIVFATURA</cbc:ProfileID><cbc:UUID>${crypto.randomUUID()}</cbc:UUID><cac:SenderParty><cac:PartyIdentification><cbc:ID schemeID="VKN">${SUPPLIER}</cbc:ID></cac:PartyIdentification></cac:SenderParty></ApplicationResponse>`,
    );
    const s = await processed(xml, { belgeTuru: 'UYGULAMA_YANITI_UBL' });
    expect(s.aciklama ?? '').not.toContain('EARSIVFATURA');
  });

  it('lets eFinans staff act for any taxpayer, and no one else', async () => {
    const staff: SoapAuth = { user: 'efinans.destek', password: 'destek123' };
    const r = await connectorCall(sb.endpoints.connectorService, sendBody(invoice()), staff);
    expect(r.status, r.text).toBe(200);
    const stranger = await connectorCall(sb.endpoints.connectorService, sendBody(invoice(), { vkn: '1234567890' }), staff);
    // Staff are not limited to a list of taxpayers: what stops this one is its kontör, not the authorisation.
    expect(faultString(stranger.text)).toBe(CONNECTOR_FAULTS.kontor);
    const demo = await connectorCall(sb.endpoints.connectorService, sendBody(invoice(), { vkn: '1234567890' }), DEMO);
    expect(faultString(demo.text)).toBe(AUTH_FAULTS.vknNotAuthorized('1234567890'));
  });
});

describe('what arrives is what was sent', () => {
  it('refuses a hash that is not the MD5 of the bytes, and veri that is not base64', async () => {
    const xml = invoice();
    expect(await refused(xml, { hash: crypto.createHash('md5').update('other').digest('hex') })).toBe(CONNECTOR_FAULTS.hash);
    expect(await refused(xml, { veri: 'not*base64' })).toBe(CONNECTOR_FAULTS.veriNotBase64);
    expect(await refused(xml, { veri: 'QUJDRA=x' })).toBe(CONNECTOR_FAULTS.veriNotBase64);
    expect(await refused(xml, { veri: 'QUJDR' })).toBe(CONNECTOR_FAULTS.veriNotBase64);
  });

  it('takes a hash with spaces around it, as a hand-written envelope may have', async () => {
    const xml = invoice();
    const body = sendBody(xml).replace(/<belgeHash>([^<]+)<\/belgeHash>/, (_m, h: string) => `<belgeHash>\n  ${h}  \n</belgeHash>`);
    expect((await connectorCall(sb.endpoints.connectorService, body, DEMO)).status).toBe(200);
  });

  it('takes the hash in upper case and base64 broken over lines', async () => {
    const xml = invoice();
    const veri = xml.toString('base64').replace(/(.{76})/g, '$1\n');
    expect(await processed(xml, { hash: crypto.createHash('md5').update(xml).digest('hex').toUpperCase(), veri })).toMatchObject({ durum: '3' });
  });

  it('answers the same number and bytes again with the same belgeOid, and refuses the number with other bytes', async () => {
    const xml = invoice();
    const belgeNo = crypto.randomUUID();
    const body = (x: Buffer) => sendBody(x).replace(/<belgeNo>[^<]+<\/belgeNo>/, `<belgeNo>${belgeNo}</belgeNo>`);
    const first = await connectorCall(sb.endpoints.connectorService, body(xml), DEMO);
    const again = await connectorCall(sb.endpoints.connectorService, body(xml), DEMO);
    expect(valueOf(again.text, 'return')).toBe(valueOf(first.text, 'return'));
    expect(sb.admin.documents().filter((d) => d.belgeNo === belgeNo).map((d) => d.submissions)).toEqual([2]);
    const other = await connectorCall(sb.endpoints.connectorService, body(invoice()), DEMO);
    expect(other.status).toBe(500);
    expect(faultString(other.text)).toBe(CONNECTOR_FAULTS.duplicateBelgeNo(belgeNo));
  });

  it('refuses an invoice or a despatch when the taxpayer has no kontör left', async () => {
    sb.admin.setKontor(otherCompany, 'FATURA', 0);
    const fatura = await connectorCall(sb.endpoints.connectorService, sendBody(invoice(), { vkn: otherCompany }), DEMO);
    expect(faultString(fatura.text)).toBe(CONNECTOR_FAULTS.kontor);
    // A despatch spends the despatch kontör, not the invoice one.
    const despatch = await connectorCall(sb.endpoints.connectorService, sendBody(ublRoot('DespatchAdvice', NS_DESPATCH), { vkn: otherCompany, belgeTuru: 'IRSALIYE_UBL' }), DEMO);
    expect(despatch.status, despatch.text).toBe(200);
    // The admin API takes any kontör type its store knows (IRSALIYE too), though its type names the invoice ones.
    (sb.admin.setKontor as (vkn: string, kontorTipi: string, kalan: number) => void)(otherCompany, 'IRSALIYE', 0);
    sb.admin.setKontor(otherCompany, 'FATURA', 5);
    const noDespatch = await connectorCall(sb.endpoints.connectorService, sendBody(ublRoot('DespatchAdvice', NS_DESPATCH), { vkn: otherCompany, belgeTuru: 'IRSALIYE_UBL' }), DEMO);
    expect(faultString(noDespatch.text)).toBe(CONNECTOR_FAULTS.kontor);
    expect((await connectorCall(sb.endpoints.connectorService, sendBody(invoice(), { vkn: otherCompany }), DEMO)).status).toBe(200);
    // A response costs no kontör.
    expect((await connectorCall(sb.endpoints.connectorService, sendBody(ublRoot('ApplicationResponse', NS_RESPONSE), { vkn: otherCompany, belgeTuru: 'UYGULAMA_YANITI_UBL' }), DEMO)).status).toBe(200);
  });
});
