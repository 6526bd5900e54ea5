import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIntegratorClients, type IntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import {
  NS_CONNECTOR,
  NS_EARSIV,
  SOAP11,
  fixture,
  ok,
  parseRequest,
  shape,
  soapResponse,
  startFakeEfinans,
  textAt,
  textsAt,
  type FakeEfinans,
} from '../fixtures/integrator/fakeEfinans';

/**
 * Request shapes of the eFinans client, checked on the wire against integrator-api.md (namespaces, operation and
 * parameter names, WS-Security header, veri/belgeHash), and the doc's sample answers read back.
 */
const UBL = fs.readFileSync(path.resolve(__dirname, '../fixtures/golden/01-TEMELFATURA-SATIS.xml'));
const VKN = '3250566851';
const PASSWORD = 'pa<ss>&"wörd';

let fake: FakeEfinans;
let clients: IntegratorClients;

beforeAll(async () => {
  fake = await startFakeEfinans();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await clients?.close();
  fake.requests.length = 0;
});

function connect(over: Partial<Parameters<typeof createIntegratorClients>[0]> = {}) {
  clients = createIntegratorClients({
    endpoints: endpointsFromBase(fake.base),
    credentials: { user: 'wsuser', password: PASSWORD },
    erpCode: 'ERP1',
    timeoutMs: 5_000,
    ...over,
  });
  return clients;
}

function only() {
  expect(fake.requests).toHaveLength(1);
  const req = fake.requests[0]!;
  return { req, parsed: parseRequest(req.body) };
}

describe('eFinans client: request shapes', () => {
  it('sends belgeGonderExt with the raw UBL base64-encoded once, its MD5 and a WS-Security PasswordText token', async () => {
    const { efatura } = connect();
    fake.script(ok(fixture('belgeGonderExt.response.xml')));
    const ettn = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
    const result = await efatura.sendInvoice({ senderVkn: VKN, localDocNo: ettn, xml: UBL, receiverAlias: 'urn:mail:defaultpk@efinans.com.tr' });
    expect(result).toEqual({ belgeOid: '3ul4dvqhmd1095' });

    const { req, parsed } = only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/connector/ws/connectorService');
    expect(req.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(req.headers.soapaction).toBe('""');
    expect(parsed.envelope.namespaceURI).toBe(SOAP11);
    expect(parsed.usernameToken).toEqual({
      username: 'wsuser',
      password: PASSWORD,
      passwordType: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
    });
    expect(parsed.operation.localName).toBe('belgeGonderExt');
    expect(parsed.operation.namespaceURI).toBe(NS_CONNECTOR);

    const veri = textAt(parsed.operation, 'parametreler/veri')!;
    const bytes = Buffer.from(veri, 'base64');
    expect(bytes.equals(UBL)).toBe(true);
    expect(bytes.subarray(0, 5).toString()).toBe('<?xml');
    expect(shape(parsed.operation)).toEqual([
      [
        'parametreler',
        [
          ['alanEtiket', 'urn:mail:defaultpk@efinans.com.tr'],
          ['belgeHash', createHash('md5').update(UBL).digest('hex')],
          ['belgeNo', ettn],
          ['belgeTuru', 'FATURA_UBL'],
          ['belgeVersiyon', '1.0'],
          ['erpKodu', 'ERP1'],
          ['mimeType', 'application/xml'],
          ['vergiTcKimlikNo', VKN],
          ['veri', veri],
        ],
      ],
    ]);
  });

  it('writes belgeHash in upper case when configured, and reads a belgeOid sent as <return>', async () => {
    const { efatura } = connect({ belgeHashCase: 'upper' });
    fake.script(ok(soapResponse(NS_CONNECTOR, 'belgeGonderExt', '<return>3ul4dvqhmd1096</return>')));
    expect(await efatura.sendInvoice({ senderVkn: VKN, localDocNo: 'X', xml: UBL })).toEqual({ belgeOid: '3ul4dvqhmd1096' });
    const { parsed } = only();
    expect(textAt(parsed.operation, 'parametreler/belgeHash')).toBe(createHash('md5').update(UBL).digest('hex').toUpperCase());
    expect(textAt(parsed.operation, 'parametreler/alanEtiket')).toBeUndefined();
  });

  it('asks gidenBelgeDurumSorgulaExt with belgeNoTipi and reads the documented sample answer', async () => {
    const { efatura } = connect();
    fake.script(ok(fixture('gidenBelgeDurumSorgulaExt.response.xml')));
    const status = await efatura.outgoingStatus(VKN, { by: 'OID', value: '3ul4dvqhmd1095' });
    expect(status).toEqual({
      durum: 3,
      gonderimDurumu: -1,
      gonderimCevabiKodu: 0,
      yanitDurumu: 0,
      ulastiMi: false,
      yenidenGonderilebilirMi: false,
      ettn: '25ADF33C-C065-4AB9-A0F2-30A72419C607',
      belgeNo: 'SAL2022090578078',
      alimTarihi: '20220617214636473',
      olusturulmaTarihi: '20220617214644893',
      yerelBelgeOid: '3ul4dvqhmd1095',
    });
    const { parsed } = only();
    expect(parsed.operation.localName).toBe('gidenBelgeDurumSorgulaExt');
    expect(shape(parsed.operation)).toEqual([
      ['vergiTcKimlikNo', VKN],
      [
        'parametreler',
        [
          ['belgeNo', '3ul4dvqhmd1095'],
          ['belgeNoTipi', 'OID'],
          ['belgeTuru', 'FATURA'],
          ['donusTipiVersiyon', '2.0'],
        ],
      ],
    ]);
  });

  it('answers undefined for a document the integrator does not know (empty answer or a not-found fault)', async () => {
    const { efatura } = connect();
    fake.script(
      ok(soapResponse(NS_CONNECTOR, 'gidenBelgeDurumSorgulaExt')),
      () => ({ status: 500, body: fixture('fault-username-pwd-mismatch.xml').replace(/username\.pwd\.mismatch/g, 'Belge bulunamadı.') }),
    );
    expect(await efatura.outgoingStatus(VKN, { by: 'YEREL', value: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' })).toBeUndefined();
    expect(await efatura.outgoingStatus(VKN, { by: 'YEREL', value: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' })).toBeUndefined();
  });

  it('resends by ETTN, belgeOid or local number with repeated list elements', async () => {
    const { efatura } = connect();
    fake.script(
      ok(soapResponse(NS_CONNECTOR, 'belgeleriTekrarGonder', '<return>true</return>')),
      ok(soapResponse(NS_CONNECTOR, 'belgeleriTekrarGonderBelgeOid', '<return>true</return>')),
      ok(soapResponse(NS_CONNECTOR, 'belgeleriTekrarGonderYerelBelgeNo', '<return>false</return>')),
    );
    expect(await efatura.resend(VKN, ['E1', 'E2'])).toBe(true);
    expect(await efatura.resend(VKN, ['3ul4dvqhmd1095'], { by: 'OID', receiverAlias: 'urn:mail:pk@x.com' })).toBe(true);
    expect(await efatura.resend(VKN, ['L1'], { by: 'YEREL' })).toBe(false);
    const [a, b, c] = fake.requests.map((r) => parseRequest(r.body).operation);
    expect(a!.localName).toBe('belgeleriTekrarGonder');
    expect(shape(a!)).toEqual([
      ['vergiTcKimlikNo', VKN],
      ['ettn', 'E1'],
      ['ettn', 'E2'],
      ['belgeTuru', 'FATURA'],
    ]);
    expect(b!.localName).toBe('belgeleriTekrarGonderBelgeOid');
    expect(shape(b!)).toEqual([
      ['vergiTcKimlikNo', VKN],
      ['belgeOid', '3ul4dvqhmd1095'],
      ['belgeTuru', 'FATURA'],
      ['alanEtiket', 'urn:mail:pk@x.com'],
    ]);
    expect(c!.localName).toBe('belgeleriTekrarGonderYerelBelgeNo');
    expect(textsAt(c!, 'yerelBelgeNo')).toEqual(['L1']);
  });

  it('reads efaturaKullaniciBilgisi aliases with the VKN kept as text', async () => {
    const { efatura } = connect();
    fake.script(ok(fixture('efaturaKullaniciBilgisi.response.xml')));
    expect(await efatura.registeredUser('0123456789')).toEqual([
      { vkn: '0123456789', alias: 'urn:mail:defaultpk@efinans.com.tr', title: 'ÖRNEK İŞLETME A.Ş.', kamu: false, registeredAt: '20131004102437' },
      { vkn: '0123456789', alias: 'urn:mail:ikincipk@efinans.com.tr', title: 'ÖRNEK İŞLETME A.Ş.', kamu: false, registeredAt: '20200101000000' },
    ]);
    expect(shape(only().parsed.operation)).toEqual([['vergiTcKimlikNo', '0123456789']]);
  });

  it('unzips the base64 user list of kayitliKullaniciListeleExtended', async () => {
    const { efatura } = connect();
    const list = '<?xml version="1.0" encoding="UTF-8"?><UserList><User><Identifier>0123456789</Identifier><Title>ŞİRKET</Title></User></UserList>';
    const zip = Buffer.from(zipSync({ 'EFATURA_KAYITLI_KULLANICI_LISTESI.xml': Buffer.from(list, 'utf8') }));
    fake.script(ok(soapResponse(NS_CONNECTOR, 'kayitliKullaniciListeleExtended', `<return>${zip.toString('base64')}</return>`)));
    expect(await efatura.registeredUserList()).toBe(list);
    expect(shape(only().parsed.operation)).toEqual([
      ['urun', 'EFATURA'],
      ['gecmisEklensin', '0'],
    ]);
  });

  it('reads the kontör balance with the documented parameters', async () => {
    const { efatura } = connect();
    fake.script(ok(fixture('kontorBilgisiGetir.response.xml')));
    expect(await efatura.creditBalance(VKN)).toBe(998.5);
    expect(shape(only().parsed.operation)).toEqual([
      ['vknTckn', VKN],
      ['kontorTipi', 'FATURA'],
      ['kontorBirimi', 'ADET'],
    ]);
  });

  it('lists incoming documents after a cursor, oldest first, with every value kept as text', async () => {
    const { incoming } = connect();
    fake.script(ok(fixture('gelenBelgeleriListeleExt.response.xml')));
    const docs = await incoming.list(VKN, { after: '8' });
    expect(docs.map((d) => d.belgeSiraNo)).toEqual(['9', '10']);
    expect(docs[1]).toMatchObject({
      ettn: '0B4C1F3E-7A1D-4C55-9E2B-3F4A5B6C7D8E',
      gonderenVknTckn: '0987654321',
      odenecekTutar: '1180.00',
      profileId: 'TICARIFATURA',
      faturaGelisTarihi: '20260301101500123',
    });
    expect(docs[0]!.odenecekTutar).toBe('0.10');
    expect(shape(only().parsed.operation)).toEqual([
      [
        'parametreler',
        [
          ['belgeTuru', 'FATURA'],
          ['donusTipiVersiyon', '6.0'],
          ['erpKodu', 'ERP1'],
          ['sonAlinanBelgeSiraNumarasi', '8'],
          ['vergiTcKimlikNo', VKN],
        ],
      ],
    ]);
  });

  it('downloads incoming documents as a zip and marks them received', async () => {
    const { incoming } = connect();
    const ettn = '0B4C1F3E-7A1D-4C55-9E2B-3F4A5B6C7D8E';
    const zip = Buffer.from(zipSync({ [`${ettn}.xml`]: UBL }));
    fake.script(ok(soapResponse(NS_CONNECTOR, 'gelenBelgeleriIndirExt', `<return>${zip.toString('base64')}</return>`)), ok(soapResponse(NS_CONNECTOR, 'belgelerAlindi')));
    const files = await incoming.download(VKN, [ettn]);
    expect(files).toHaveLength(1);
    expect(files[0]!.ettn).toBe(ettn);
    expect(files[0]!.data.equals(UBL)).toBe(true);
    await incoming.markReceived(VKN, [ettn]);
    const [download, taken] = fake.requests.map((r) => parseRequest(r.body).operation);
    expect(shape(download!)).toEqual([
      [
        'parametreler',
        [
          ['belgeFormati', 'UBL'],
          ['belgeTuru', 'FATURA'],
          ['erpKodu', 'ERP1'],
          ['ettn', ettn],
          ['vergiTcKimlikNo', VKN],
        ],
      ],
    ]);
    expect(taken!.localName).toBe('belgelerAlindi');
    expect(shape(taken!)).toEqual([
      ['vergiTcKimlikNo', VKN],
      ['ettn', ettn],
      ['belgeTuru', 'FATURA'],
    ]);
  });
});

describe('e-Arşiv client', () => {
  it('sends faturaOlusturExt with the input JSON as escaped text and the UBL base64-encoded once', async () => {
    const { earsiv } = connect();
    fake.script(ok(fixture('faturaOlusturExt.response.xml')));
    const islemId = '6f1c2a3b-0c4d-4e5f-8a9b-0c1d2e3f4a5b';
    const result = await earsiv.createInvoice({ senderVkn: VKN, islemId, xml: UBL });
    expect(result).toMatchObject({
      resultCode: 'AE00000',
      resultText: 'İşlem başarılı.',
      faturaNo: 'TTT2026000000001',
      uuid: islemId,
      faturaURL: `https://earsivtest.qnbesolutions.com.tr/earsiv/goruntule.jsp?vkn=3250566851&uuid=${islemId}`,
    });
    expect(result.resultExtra).toMatchObject({ islemID: islemId });

    const { req, parsed } = only();
    expect(req.url).toBe('/earsiv/ws/EarsivWebService');
    expect(req.body).not.toContain('CDATA');
    expect(parsed.operation.localName).toBe('faturaOlusturExt');
    expect(parsed.operation.namespaceURI).toBe(NS_EARSIV);
    expect(parsed.usernameToken?.username).toBe('wsuser');
    const names = shape(parsed.operation).map(([n]) => n);
    expect(names).toEqual(['input', 'fatura']);
    expect(JSON.parse(textAt(parsed.operation, 'input')!)).toEqual({ islemId, vkn: VKN, sube: 'DFLT', kasa: 'DFLT', erpKodu: 'ERP1', donenBelgeFormati: 9 });
    expect(textAt(parsed.operation, 'fatura/belgeFormati')).toBe('UBL');
    expect(Buffer.from(textAt(parsed.operation, 'fatura/belgeIcerigi')!, 'base64').equals(UBL)).toBe(true);
  });

  it('returns AE error codes in the result, treats AE00002 on a query as unknown, and cancels with vkn, uuid and number', async () => {
    const { earsiv } = connect();
    const aeAnswer = (op: string, code: string, text: string) => ok(soapResponse(NS_EARSIV, op, `<return><resultCode>${code}</resultCode><resultText>${text}</resultText></return>`));
    fake.script(
      aeAnswer('faturaOlusturExt', 'AE00003', 'Gönderim Şekli bilgisi bulunamadı.'),
      aeAnswer('faturaSorgula', 'AE00002', 'Fatura bulunamadı.'),
      aeAnswer('faturaIptalEt', 'AE00000', 'İşlem başarılı.'),
    );
    expect(await earsiv.createInvoice({ senderVkn: VKN, islemId: 'U1', xml: UBL, branch: 'MERKEZ', till: 'K1' })).toEqual({ resultCode: 'AE00003', resultText: 'Gönderim Şekli bilgisi bulunamadı.' });
    expect(await earsiv.queryInvoice(VKN, 'U1')).toBeUndefined();
    expect(await earsiv.cancelInvoice(VKN, 'U1', 'TTT2026000000001')).toEqual({ resultCode: 'AE00000', resultText: 'İşlem başarılı.' });
    const [create, query, cancel] = fake.requests.map((r) => parseRequest(r.body).operation);
    expect(JSON.parse(textAt(create!, 'input')!)).toMatchObject({ sube: 'MERKEZ', kasa: 'K1' });
    expect(query!.localName).toBe('faturaSorgula');
    expect(JSON.parse(textAt(query!, 'input')!)).toEqual({ vkn: VKN, faturaUuid: 'U1', donenBelgeFormati: 9 });
    expect(cancel!.localName).toBe('faturaIptalEt');
    expect(JSON.parse(textAt(cancel!, 'input')!)).toEqual({ vkn: VKN, faturaUuid: 'U1', faturaNo: 'TTT2026000000001' });
  });
});
