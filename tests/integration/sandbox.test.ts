/**
 * The eFinans sandbox over real HTTP with hand-written SOAP envelopes: WSDLs, authentication, belgeGonderExt and
 * the status walk, GİB's verdicts (1150, 1160, 1163, 1172), forced 1215 and resend, KABUL/RED. The clock is
 * injected so every status step is observed exactly; GİB validation is on.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { AUTH_FAULTS } from '../../sandbox/server/accounts';
import { NAMESPACES } from '../../sandbox/server/soap';
import { connectorCall, faultString, returnRecords, userCall, valueOf, type SoapAuth } from '../../sandbox/server/testing';

const GOLDEN = path.resolve(__dirname, '../fixtures/golden');
const golden = (name: string) => fs.readFileSync(path.join(GOLDEN, name), 'utf8');
const SUPPLIER = '4703101339'; // the golden files' supplier: demo company "Örnek Tekstil" (seed 1)
const CUSTOMER = '1189368801'; // registered demo customer, alias urn:mail:defaultpk@ozsengidauru.com.tr
const DEMO: SoapAuth = { user: 'demo', password: 'demo123' };
const STEP = 1000;

let sb: SandboxHandle;
let dir: string;
let t = Date.parse('2026-03-05T09:00:00Z');
const clock = { now: () => new Date(t) };

/** Moves the sandbox clock on by whole status steps and applies what became due. */
function advance(steps = 1): void {
  t += steps * STEP;
  sb.admin.settle();
}

let serial = 0;
/** A golden invoice with its own ETTN and number (and optional text substitutions). */
function invoice(file = '01-TEMELFATURA-SATIS.xml', edit: (xml: string) => string = (x) => x): { xml: Buffer; ettn: string; id: string } {
  serial += 1;
  const src = golden(file);
  const oldUuid = /<cbc:UUID>([^<]+)<\/cbc:UUID>/.exec(src)![1]!;
  const oldId = /<cbc:ID>(KNF\d+)<\/cbc:ID>/.exec(src)![1]!;
  const ettn = crypto.randomUUID();
  const id = `TST2026${String(serial).padStart(9, '0')}`;
  return { xml: Buffer.from(edit(src.replaceAll(oldUuid, ettn).replaceAll(oldId, id)), 'utf8'), ettn, id };
}

const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');

function sendBody(xml: Buffer, o: { belgeNo?: string; hash?: string; vkn?: string; alanEtiket?: string } = {}): string {
  return (
    `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${o.vkn ?? SUPPLIER}</vergiTcKimlikNo><belgeTuru>FATURA_UBL</belgeTuru>` +
    `<belgeNo>${o.belgeNo ?? crypto.randomUUID()}</belgeNo><veri>${xml.toString('base64')}</veri><belgeHash>${o.hash ?? md5(xml)}</belgeHash>` +
    `<mimeType>application/xml</mimeType><belgeVersiyon>1.0</belgeVersiyon><erpKodu>ERP1</erpKodu>` +
    `${o.alanEtiket ? `<alanEtiket>${o.alanEtiket}</alanEtiket>` : '<alanEtiket/>'}<gonderenEtiket/></parametreler></ser:belgeGonderExt>`
  );
}

async function send(xml: Buffer, o: Parameters<typeof sendBody>[1] = {}): Promise<string> {
  const r = await connectorCall(sb.endpoints.connectorService, sendBody(xml, o), DEMO);
  expect(r.status, r.text).toBe(200);
  const oid = valueOf(r.text, 'return')!;
  await sb.admin.idle();
  return oid;
}

async function status(key: string, tipi: 'OID' | 'YEREL' | 'ETTN' = 'OID', version = '6.0'): Promise<Record<string, string> | undefined> {
  const r = await connectorCall(
    sb.endpoints.connectorService,
    `<ser:gidenBelgeDurumSorgulaExt><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><parametreler><belgeNo>${key}</belgeNo>` +
      `<belgeNoTipi>${tipi}</belgeNoTipi><belgeTuru>FATURA</belgeTuru><donusTipiVersiyon>${version}</donusTipiVersiyon></parametreler></ser:gidenBelgeDurumSorgulaExt>`,
    DEMO,
  );
  expect(r.status, r.text).toBe(200);
  return returnRecords(r.text)[0];
}

/** Runs the walk to its end (at most `steps` steps) and returns the final status. */
async function finish(oid: string, steps = 6): Promise<Record<string, string>> {
  advance(steps);
  return (await status(oid))!;
}

async function kontor(): Promise<number> {
  const r = await connectorCall(
    sb.endpoints.connectorService,
    `<ser:kontorBilgisiGetir><vknTckn>${SUPPLIER}</vknTckn><kontorTipi>FATURA</kontorTipi><kontorBirimi>ADET</kontorBirimi></ser:kontorBilgisiGetir>`,
    DEMO,
  );
  return Number(valueOf(r.text, 'kalan'));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-'));
  sb = await startSandbox({ dataDir: dir, stepMs: STEP, clock });
}, 60_000);

afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('WSDL', () => {
  it.each([
    ['connectorService', NAMESPACES.connector, ['belgeGonderExt', 'gidenBelgeDurumSorgulaExt', 'belgeleriTekrarGonder', 'kayitliKullaniciListeleExtended', 'gelenBelgeleriListeleExt']],
    ['userService', NAMESPACES.user, ['wsLogin', 'logout']],
    ['earsivService', NAMESPACES.earsiv, ['faturaOlusturExt', 'faturaSorgula', 'faturaIptalEt']],
  ] as const)('serves the %s WSDL with eFinans’ namespace, operations and this address', async (service, ns, ops) => {
    const res = await fetch(`${sb.endpoints[service]}?wsdl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const wsdl = await res.text();
    expect(wsdl).toContain(`targetNamespace="${ns}"`);
    expect(wsdl).toContain(`<soap:address location="${sb.endpoints[service]}"/>`);
    expect(wsdl).toContain('style="document"');
    for (const op of ops) expect(wsdl).toContain(`<operation name="${op}">`);
  });
});

describe('authentication', () => {
  const kontorBody = `<ser:kontorBilgisiGetir><vknTckn>${SUPPLIER}</vknTckn><kontorTipi>FATURA</kontorTipi></ser:kontorBilgisiGetir>`;

  it('accepts a WS-Security UsernameToken with the plain password', async () => {
    const r = await connectorCall(sb.endpoints.connectorService, kontorBody, DEMO);
    expect(r.status).toBe(200);
    expect(valueOf(r.text, 'vknTckn')).toBe(SUPPLIER);
  });

  it('answers a wrong password with a SOAP fault carrying username.pwd.mismatch', async () => {
    const r = await connectorCall(sb.endpoints.connectorService, kontorBody, { user: 'demo', password: 'eski-sifre' });
    expect(r.status).toBe(500);
    expect(faultString(r.text)).toBe(AUTH_FAULTS.badCredentials);
    expect(faultString(r.text)).toContain('username.pwd.mismatch');
    const login = await userCall(sb.endpoints.userService, '<ser:wsLogin><userId>demo</userId><password>yanlis</password><lang>tr</lang></ser:wsLogin>');
    expect(faultString(login.text)).toContain('username.pwd.mismatch');
    expect(login.setCookie).toBeUndefined();
  });

  it('refuses a call without credentials, and a sender VKN the account does not own', async () => {
    expect(faultString((await connectorCall(sb.endpoints.connectorService, kontorBody)).text)).toBe(AUTH_FAULTS.noCredentials);
    const foreign = await connectorCall(sb.endpoints.connectorService, sendBody(invoice().xml, { vkn: '1111111111' }), DEMO);
    expect(foreign.status).toBe(500);
    expect(faultString(foreign.text)).toBe(AUTH_FAULTS.vknNotAuthorized('1111111111'));
  });

  it('lets eFinans staff act for any taxpayer', async () => {
    const r = await connectorCall(sb.endpoints.connectorService, kontorBody, { user: 'efinans.destek', password: 'destek123' });
    expect(r.status).toBe(200);
  });

  it('wsLogin sets a CSAPSESSIONID cookie that authenticates every service until logout', async () => {
    const login = await userCall(sb.endpoints.userService, '<ser:wsLogin><userId>demo</userId><password>demo123</password><lang>tr</lang></ser:wsLogin>');
    expect(login.status).toBe(200);
    expect(login.text).toContain('wsLoginResponse');
    expect(login.setCookie).toMatch(/^CSAPSESSIONID=[0-9a-f]{48}; Path=\/; HttpOnly$/);
    const cookie = login.setCookie!.split(';')[0]!;
    expect((await connectorCall(sb.endpoints.connectorService, kontorBody, { cookie })).status).toBe(200);
    await userCall(sb.endpoints.userService, '<ser:logout/>', { cookie });
    const after = await connectorCall(sb.endpoints.connectorService, kontorBody, { cookie });
    expect(faultString(after.text)).toBe(AUTH_FAULTS.noSession);
  });

  it('a session idles out after 30 minutes', async () => {
    const login = await userCall(sb.endpoints.userService, '<ser:wsLogin><userId>demo</userId><password>demo123</password><lang>tr</lang></ser:wsLogin>');
    const cookie = login.setCookie!.split(';')[0]!;
    t += 29 * 60_000;
    expect((await connectorCall(sb.endpoints.connectorService, kontorBody, { cookie })).status).toBe(200);
    t += 31 * 60_000;
    expect(faultString((await connectorCall(sb.endpoints.connectorService, kontorBody, { cookie })).text)).toBe(AUTH_FAULTS.noSession);
  });

  it('rejects SOAP 1.2 (application/soap+xml) like JAX-WS, qualified parameters and unknown operations with a clear fault', async () => {
    const r = await fetch(sb.endpoints.connectorService, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml' }, body: '<x/>' });
    expect(r.status).toBe(415);
    const qualified = await connectorCall(sb.endpoints.connectorService, `<ser:kontorBilgisiGetir><ser:vknTckn>${SUPPLIER}</ser:vknTckn></ser:kontorBilgisiGetir>`, DEMO);
    expect(faultString(qualified.text)).toContain('unqualified');
    const unknown = await connectorCall(sb.endpoints.connectorService, '<ser:belgeUcur/>', DEMO);
    expect(faultString(unknown.text)).toBe(`Cannot find dispatch method for {${NAMESPACES.connector}}belgeUcur`);
  });
});

describe('belgeGonderExt and the status walk', () => {
  it('walks a valid TEMELFATURA through durum 1→3 and 1000→1200→1300, charges one kontör, delivers it once', async () => {
    const before = await kontor();
    const doc = invoice();
    const belgeNo = crypto.randomUUID();
    const oid = await send(doc.xml, { belgeNo });
    expect(oid).toMatch(/^[0-9a-z]{14}$/);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = (await status(oid))!;
      seen.push(`${s.durum}/${s.gonderimDurumu}/${s.gonderimCevabiKodu}/${s.ulastiMi}`);
      advance();
    }
    expect(seen).toEqual(['1/-1/0/false', '3/-1/0/false', '3/2/1000/false', '3/3/1200/false', '3/4/1300/true']);
    const final = (await status(belgeNo, 'YEREL'))!;
    expect(final).toMatchObject({ belgeNo, ettn: doc.ettn, yanitDurumu: '-1', yerelBelgeOid: oid, yenidenGonderilebilirMi: 'false', gonderimCevabiDetayi: 'BASARIYLA TAMAMLANDI' });
    expect(final.alimTarihi).toMatch(/^\d{17}$/);
    expect((await status(doc.ettn, 'ETTN'))?.yerelBelgeOid).toBe(oid);
    expect(await kontor()).toBe(before - 1);
    expect(sb.admin.deliveries().byEttn[doc.ettn]).toBe(1);
  });

  it('answers the returned type asked for with donusTipiVersiyon (xsi:type gidenBelgeDurumvN)', async () => {
    const oid = await send(invoice().xml);
    const r = await connectorCall(
      sb.endpoints.connectorService,
      `<ser:gidenBelgeDurumSorgulaExt><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><parametreler><belgeNo>${oid}</belgeNo><belgeNoTipi>OID</belgeNoTipi><donusTipiVersiyon>2.0</donusTipiVersiyon></parametreler></ser:gidenBelgeDurumSorgulaExt>`,
      DEMO,
    );
    expect(r.text).toContain('xsi:type="ns2:gidenBelgeDurumv2"');
    expect(returnRecords(r.text)[0]).not.toHaveProperty('yerelBelgeOid');
    expect(returnRecords(r.text)[0]).toHaveProperty('ulastiMi', 'false');
  });

  it('finds nothing for an unknown document (an empty answer, not a fault), and nothing by ETTN before processing', async () => {
    expect(await status('yokboyle000000', 'OID')).toBeUndefined();
    expect(await status(crypto.randomUUID(), 'YEREL')).toBeUndefined();
    const doc = invoice();
    const oid = await send(doc.xml);
    expect(await status(doc.ettn, 'ETTN')).toBeUndefined();
    advance();
    expect((await status(doc.ettn, 'ETTN'))?.yerelBelgeOid).toBe(oid);
  });

  it('faults on a hash that is not the MD5 of veri (e.g. double base64), accepts it in upper case', async () => {
    const doc = invoice();
    const doubled = Buffer.from(doc.xml.toString('base64'));
    const bad = await connectorCall(sb.endpoints.connectorService, sendBody(doubled, { hash: md5(doc.xml) }), DEMO);
    expect(bad.status).toBe(500);
    expect(faultString(bad.text)).toContain('Hash hatası');
    const upper = await connectorCall(sb.endpoints.connectorService, sendBody(doc.xml, { hash: md5(doc.xml).toUpperCase() }), DEMO);
    expect(upper.status).toBe(200);
  });

  it('returns the same belgeOid for the same belgeNo and bytes, and faults for the same belgeNo with other bytes', async () => {
    const doc = invoice();
    const belgeNo = crypto.randomUUID();
    const first = await send(doc.xml, { belgeNo });
    expect(await send(doc.xml, { belgeNo })).toBe(first);
    const other = await connectorCall(sb.endpoints.connectorService, sendBody(invoice().xml, { belgeNo }), DEMO);
    expect(faultString(other.text)).toContain(belgeNo);
    expect(sb.admin.documents().filter((d) => d.belgeNo === belgeNo)).toHaveLength(1);
  });

  it('ends a schema-invalid invoice at 1160 and a schematron-invalid one at 1150, with GİB’s messages', async () => {
    const xsd = await send(invoice('01-TEMELFATURA-SATIS.xml', (x) => x.replace('<cbc:CopyIndicator>false</cbc:CopyIndicator>', '')).xml);
    const sch = await send(invoice('01-TEMELFATURA-SATIS.xml', (x) => x.replace('<cbc:InvoiceTypeCode>SATIS', '<cbc:InvoiceTypeCode>XYZ')).xml);
    const a = await finish(xsd);
    const b = await finish(sch);
    expect(a).toMatchObject({ durum: '3', gonderimDurumu: '3', gonderimCevabiKodu: '1160', ulastiMi: 'false', yenidenGonderilebilirMi: 'true' });
    expect(a.gonderimCevabiDetayi).toContain('CopyIndicator');
    expect(b).toMatchObject({ durum: '3', gonderimCevabiKodu: '1150', yenidenGonderilebilirMi: 'true' });
    expect(b.gonderimCevabiDetayi).toContain('InvoiceTypeCodeCheck');
  });

  it('ends a second invoice with an ETTN or number GİB already has at 1163; a failed one frees them', async () => {
    const doc = invoice();
    const original = await send(doc.xml);
    const sameEttn = await send(doc.xml);
    expect(sameEttn).not.toBe(original);
    const renumbered = invoice();
    const sameNumber = await send(Buffer.from(renumbered.xml.toString().replaceAll(renumbered.id, doc.id)));
    expect((await finish(original)).gonderimCevabiKodu).toBe('1300');
    const dup = await finish(sameEttn);
    expect(dup).toMatchObject({ gonderimCevabiKodu: '1163', yenidenGonderilebilirMi: 'false' });
    expect((await finish(sameNumber)).gonderimCevabiKodu).toBe('1163');
    // 1160 registered nothing: the corrected invoice with the same ETTN and number goes through.
    const broken = invoice('01-TEMELFATURA-SATIS.xml', (x) => x.replace('<cbc:CopyIndicator>false</cbc:CopyIndicator>', ''));
    expect((await finish(await send(broken.xml))).gonderimCevabiKodu).toBe('1160');
    const fixed = Buffer.from(broken.xml.toString().replace('<cbc:UUID>', '<cbc:CopyIndicator>false</cbc:CopyIndicator><cbc:UUID>'));
    expect((await finish(await send(fixed))).gonderimCevabiKodu).toBe('1300');
    expect(sb.admin.deliveries().byEttn[doc.ettn]).toBe(1);
  });

  it('ends an invoice to an unregistered receiver, or to an alias not the receiver’s, at 1172', async () => {
    const unregistered = await send(invoice('01-TEMELFATURA-SATIS.xml', (x) => x.replaceAll(CUSTOMER, '1234567890')).xml);
    expect(await finish(unregistered)).toMatchObject({ gonderimCevabiKodu: '1172', yenidenGonderilebilirMi: 'true' });
    const wrongAlias = await send(invoice().xml, { alanEtiket: 'urn:mail:defaultpk@baskasi.com.tr' });
    expect((await finish(wrongAlias)).gonderimCevabiDetayi).toContain('urn:mail:defaultpk@baskasi.com.tr');
    const rightAlias = await send(invoice().xml, { alanEtiket: 'urn:mail:defaultpk@ozsengidauru.com.tr' });
    expect((await finish(rightAlias)).gonderimCevabiKodu).toBe('1300');
  });

  it('ends an unreadable document at durum 2 with aciklama', async () => {
    const xml = Buffer.from('<?xml version="1.0"?><Invoice><eksik>');
    const r = await connectorCall(sb.endpoints.connectorService, sendBody(xml), DEMO);
    const oid = valueOf(r.text, 'return')!;
    await sb.admin.idle();
    const s = await finish(oid);
    expect(s).toMatchObject({ durum: '2', gonderimDurumu: '-2', yenidenGonderilebilirMi: 'true' });
    expect(s.aciklama).toContain('ayrıştırılamadı');
  });

  it('gets TICARIFATURA answered with KABUL, or RED when forced for its ETTN', async () => {
    const accepted = invoice('07-TICARIFATURA-SATIS.xml');
    const rejected = invoice('07-TICARIFATURA-SATIS.xml');
    sb.admin.setFaults({ responses: [{ ettn: rejected.ettn, yanit: 'RED', detail: 'Fiyat hatalı' }] });
    const a = await send(accepted.xml);
    const r = await send(rejected.xml);
    advance(4);
    expect(await status(a)).toMatchObject({ gonderimCevabiKodu: '1300', yanitDurumu: '0', ulastiMi: 'true' });
    advance();
    expect(await status(a)).toMatchObject({ yanitDurumu: '2', yanitDetayi: 'KABUL' });
    expect((await status(a))!.yanitTarihi).toMatch(/^\d{17}$/);
    expect(await status(r)).toMatchObject({ yanitDurumu: '1', yanitDetayi: 'RED: Fiyat hatalı' });
    sb.admin.clearFaults();
  });

  it('after a forced 1215, belgeleriTekrarGonder sends a new envelope that reaches 1300; delivered exactly once', async () => {
    const doc = invoice();
    sb.admin.setFaults({ outcomes: [{ invoiceId: doc.id, code: 1215 }] });
    const oid = await send(doc.xml);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      advance();
      codes.push((await status(oid))!.gonderimCevabiKodu!);
    }
    expect(codes).toEqual(['0', '1000', '1200', '1210', '1215', '1215']);
    expect(await status(oid)).toMatchObject({ yenidenGonderilebilirMi: 'true', ulastiMi: 'false' });
    expect(sb.admin.deliveries().byEttn[doc.ettn]).toBeUndefined();
    const resend = (ettn: string) =>
      connectorCall(
        sb.endpoints.connectorService,
        `<ser:belgeleriTekrarGonder><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><ettn>${ettn}</ettn><belgeTuru>FATURA</belgeTuru></ser:belgeleriTekrarGonder>`,
        DEMO,
      );
    expect(valueOf((await resend(doc.ettn)).text, 'return')).toBe('true');
    expect((await status(oid))!.gonderimCevabiKodu).toBe('1000');
    // Not resendable while the new envelope is under way.
    expect(valueOf((await resend(doc.ettn)).text, 'return')).toBe('false');
    expect((await finish(oid)).gonderimCevabiKodu).toBe('1300');
    expect(sb.admin.deliveries().byEttn[doc.ettn]).toBe(1);
    expect(sb.admin.documents().find((d) => d.belgeOid === oid)?.envelopes).toBe(2);
  });

  it('walks 1220 → 1230 when forced, and the resent envelope is delivered', async () => {
    const doc = invoice();
    sb.admin.setFaults({ outcomes: [{ ettn: doc.ettn, code: 1230 }] });
    const oid = await send(doc.xml);
    advance(4);
    expect((await status(oid))!.gonderimCevabiKodu).toBe('1220');
    advance();
    expect((await status(oid))!.gonderimCevabiKodu).toBe('1230');
    const r = await connectorCall(
      sb.endpoints.connectorService,
      `<ser:belgeleriTekrarGonderBelgeOid><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><belgeOid>${oid}</belgeOid></ser:belgeleriTekrarGonderBelgeOid>`,
      DEMO,
    );
    expect(valueOf(r.text, 'return')).toBe('true');
    expect((await finish(oid)).gonderimCevabiKodu).toBe('1300');
    expect(sb.admin.deliveries().byInvoiceId[`${SUPPLIER}/${doc.id}`]).toBe(1);
  });
});
