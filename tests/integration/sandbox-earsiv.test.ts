/**
 * EarsivWebService of the sandbox: faturaOlusturExt with its JSON input (idempotent on islemId), GİB's e-Arşiv
 * validation, the SendingType rule, faturaSorgula and faturaIptalEt, all as AExxxxx result codes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { xmlEscape } from '../../sandbox/server/soap';
import { earsivCall, faultString, valueOf, valuesOf } from '../../sandbox/server/testing';

const SUPPLIER = '4703101339';
const DEMO = { user: 'demo', password: 'demo123' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-earsiv-'));
let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: dir, stepMs: 10 });
}, 60_000);
afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
function earsivInvoice(file = '10-EARSIVFATURA-SATIS.xml', edit: (x: string) => string = (x) => x): { xml: Buffer; uuid: string; id: string } {
  serial += 1;
  const src = fs.readFileSync(path.resolve(__dirname, '../fixtures/golden', file), 'utf8');
  const oldUuid = /<cbc:UUID>([^<]+)<\/cbc:UUID>/.exec(src)![1]!;
  const oldId = /<cbc:ID>(KNF\d+)<\/cbc:ID>/.exec(src)![1]!;
  const uuid = crypto.randomUUID();
  const id = `EAT2026${String(serial).padStart(9, '0')}`;
  return { xml: Buffer.from(edit(src.replaceAll(oldUuid, uuid).replaceAll(oldId, id))), uuid, id };
}

const input = (o: Record<string, unknown>) => xmlEscape(JSON.stringify(o));

function create(xml: Buffer, o: Record<string, unknown>) {
  return earsivCall(
    sb.endpoints.earsivService,
    `<ser:faturaOlusturExt><input>${input({ vkn: SUPPLIER, sube: 'DFLT', kasa: 'DFLT', erpKodu: 'ERP1', donenBelgeFormati: 9, ...o })}</input>` +
      `<fatura><belgeFormati>UBL</belgeFormati><belgeIcerigi>${xml.toString('base64')}</belgeIcerigi></fatura></ser:faturaOlusturExt>`,
    DEMO,
  );
}

const extra = (xml: string) => {
  const keys = valuesOf(xml, 'key');
  const values = valuesOf(xml, 'value');
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
};

const arsivKontor = () => sb.admin.state().kontor.find((k) => k.vkn === SUPPLIER && k.kontorTipi === 'ARSIV')!.kalan;

describe('faturaOlusturExt', () => {
  it('creates the invoice (AE00000, uuid, faturaNo, faturaURL) and a retry with the same islemId returns the same one', async () => {
    const doc = earsivInvoice();
    const islemId = doc.uuid;
    const before = arsivKontor();
    const first = await create(doc.xml, { islemId, donenBelgeFormati: 0 });
    expect(first.status).toBe(200);
    expect(valueOf(first.text, 'resultCode')).toBe('AE00000');
    expect(valueOf(first.text, 'resultText')).toBe('İşlem başarılı.');
    const e = extra(first.text);
    expect(e).toMatchObject({ islemID: islemId, uuid: doc.uuid, faturaNo: doc.id });
    expect(e.faturaURL).toBe(`${sb.url}/earsiv/goruntule.jsp?vkn=${SUPPLIER}&uuid=${doc.uuid}`);
    // output.belgeIcerigi is gzip (H4sI…) of the UBL.
    const content = valueOf(first.text, 'belgeIcerigi')!;
    expect(content.startsWith('H4sI')).toBe(true);
    expect(zlib.gunzipSync(Buffer.from(content, 'base64')).equals(doc.xml)).toBe(true);
    expect(await (await fetch(e.faturaURL!)).text()).toBe(doc.xml.toString());

    const retry = await create(doc.xml, { islemId, donenBelgeFormati: 9 });
    expect(valueOf(retry.text, 'resultCode')).toBe('AE00000');
    expect(extra(retry.text)).toEqual({ ...e });
    expect(valueOf(retry.text, 'belgeIcerigi')).toBeUndefined();
    expect(arsivKontor()).toBe(before - 1);
    expect(sb.admin.state().earsiv.total).toBe(1);
  });

  it('assigns the number when numaraVerilsinMi=1 (series from faturaSeri)', async () => {
    const a = await create(earsivInvoice().xml, { islemId: crypto.randomUUID(), numaraVerilsinMi: 1, faturaSeri: 'SBX' });
    const b = await create(earsivInvoice().xml, { islemId: crypto.randomUUID(), numaraVerilsinMi: 1, faturaSeri: 'SBX' });
    expect(extra(a.text).faturaNo).toBe('SBX2026000000001');
    expect(extra(b.text).faturaNo).toBe('SBX2026000000002');
  });

  it('requires the SendingType AdditionalDocumentReference (AE00003)', async () => {
    const doc = earsivInvoice('10-EARSIVFATURA-SATIS.xml', (x) => x.replace(/<cac:AdditionalDocumentReference><cbc:ID>[^<]*<\/cbc:ID><cbc:IssueDate>[^<]*<\/cbc:IssueDate><cbc:DocumentTypeCode>SendingType<\/cbc:DocumentTypeCode><cbc:DocumentType>ELEKTRONIK<\/cbc:DocumentType><\/cac:AdditionalDocumentReference>/, ''));
    expect(doc.xml.toString()).not.toContain('SendingType');
    const r = await create(doc.xml, { islemId: doc.uuid });
    expect(valueOf(r.text, 'resultCode')).toBe('AE00003');
    expect(valueOf(r.text, 'resultText')).toContain('Gönderim Şekli');
  });

  it('reports GİB e-Arşiv validation errors as AE00003 with the messages', async () => {
    const doc = earsivInvoice('10-EARSIVFATURA-SATIS.xml', (x) => x.replace('<cbc:InvoiceTypeCode>SATIS', '<cbc:InvoiceTypeCode>XYZ'));
    const r = await create(doc.xml, { islemId: doc.uuid });
    expect(valueOf(r.text, 'resultCode')).toBe('AE00003');
    expect(valueOf(r.text, 'resultText')).toContain('InvoiceTypeCodeCheck');
  });

  it('refuses a registered e-Fatura buyer (AE00084), an unknown VKN (AE00052), a bad format (AE00085) and CDATA input (AE00004)', async () => {
    const registeredBuyer = earsivInvoice('12-EARSIVFATURA-TEVKIFAT.xml');
    expect(valueOf((await create(registeredBuyer.xml, { islemId: registeredBuyer.uuid })).text, 'resultCode')).toBe('AE00084');
    const doc = earsivInvoice();
    expect(valueOf((await create(doc.xml, { islemId: doc.uuid, vkn: '1111111111' })).text, 'resultCode')).toBe('AE00052');
    expect(valueOf((await create(doc.xml, { islemId: doc.uuid, donenBelgeFormati: 7 })).text, 'resultCode')).toBe('AE00085');
    const cdata = await earsivCall(
      sb.endpoints.earsivService,
      `<ser:faturaOlusturExt><input><![CDATA[${JSON.stringify({ islemId: doc.uuid, vkn: SUPPLIER })}]]></input><fatura><belgeFormati>UBL</belgeFormati><belgeIcerigi>${doc.xml.toString('base64')}</belgeIcerigi></fatura></ser:faturaOlusturExt>`,
      DEMO,
    );
    expect(valueOf(cdata.text, 'resultCode')).toBe('AE00004');
  });

  it('authenticates like connectorService (wrong password is a SOAP fault)', async () => {
    const doc = earsivInvoice();
    const r = await earsivCall(sb.endpoints.earsivService, `<ser:faturaOlusturExt><input>${input({ islemId: doc.uuid, vkn: SUPPLIER })}</input></ser:faturaOlusturExt>`, { user: 'demo', password: 'x' });
    expect(r.status).toBe(500);
    expect(faultString(r.text)).toContain('username.pwd.mismatch');
  });
});

describe('faturaSorgula and faturaIptalEt', () => {
  it('finds an invoice by uuid, says AE00002 for an unknown one, cancels once', async () => {
    const doc = earsivInvoice();
    await create(doc.xml, { islemId: doc.uuid });
    const query = (uuid: string) => earsivCall(sb.endpoints.earsivService, `<ser:faturaSorgula><input>${input({ vkn: SUPPLIER, faturaUuid: uuid, donenBelgeFormati: 9 })}</input></ser:faturaSorgula>`, DEMO);
    const found = await query(doc.uuid);
    expect(valueOf(found.text, 'resultCode')).toBe('AE00000');
    expect(extra(found.text)).toMatchObject({ uuid: doc.uuid, faturaNo: doc.id });
    const unknown = await query(crypto.randomUUID());
    expect(valueOf(unknown.text, 'resultCode')).toBe('AE00002');
    expect(valueOf(unknown.text, 'resultText')).toContain('kayıtlı değildir');

    const cancel = () => earsivCall(sb.endpoints.earsivService, `<ser:faturaIptalEt><input>${input({ vkn: SUPPLIER, faturaUuid: doc.uuid, faturaNo: doc.id })}</input></ser:faturaIptalEt>`, DEMO);
    expect(valueOf((await cancel()).text, 'resultCode')).toBe('AE00000');
    expect(valueOf((await cancel()).text, 'resultCode')).toBe('AE00091');
    expect(extra((await query(doc.uuid)).text).iptalTarihi).toMatch(/^\d{8}$/);
  });
});
