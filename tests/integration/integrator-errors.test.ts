import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import { createIntegratorClients, type IntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import { NS_CONNECTOR, envelope, fault, fixture, ok, soapResponse, startFakeEfinans, type FakeEfinans } from '../fixtures/integrator/fakeEfinans';

/**
 * How network trouble, HTTP errors, malformed answers and SOAP faults reach the outbox: a stable code and
 * `details.transient`, which decides whether the document is tried again.
 */
const VKN = '3250566851';
const PASSWORD = 'Gizli-Parola-123';
const XML = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Invoice>ç</Invoice>', 'utf8');

let fake: FakeEfinans;
let clients: IntegratorClients | undefined;

beforeAll(async () => {
  fake = await startFakeEfinans();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await clients?.close();
  clients = undefined;
  fake.requests.length = 0;
});

function connect(base = fake.base, timeoutMs = 2_000, maxResponseBytes?: number) {
  clients = createIntegratorClients({
    endpoints: endpointsFromBase(base),
    credentials: { user: 'wsuser', password: PASSWORD },
    erpCode: 'ERP1',
    timeoutMs,
    ...(maxResponseBytes ? { maxResponseBytes } : {}),
  });
  return clients;
}

async function failure(p: Promise<unknown>): Promise<KonnektorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KonnektorError);
    const error = e as KonnektorError;
    // Never the password, whatever went wrong.
    expect(JSON.stringify({ ...error.toJSON(), stack: error.stack })).not.toContain(PASSWORD);
    return error;
  }
  throw new Error('expected a failure');
}

const send = (c: IntegratorClients) => c.efatura.sendInvoice({ senderVkn: VKN, localDocNo: 'L1', xml: XML });

describe('eFinans client: network and HTTP failures', () => {
  it('maps a refused connection to INTEGRATOR_UNREACHABLE, transient, certainly not processed', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const error = await failure(send(connect(`http://127.0.0.1:${port}`)));
    expect(error.code).toBe('INTEGRATOR_UNREACHABLE');
    expect(error.details).toMatchObject({ transient: true, reason: 'refused', errno: 'ECONNREFUSED', mayHaveReachedServer: false, operation: 'belgeGonderExt' });
  });

  it('maps a server that never answers to INTEGRATOR_TIMEOUT', async () => {
    fake.script(() => undefined);
    const error = await failure(send(connect(fake.base, 200)));
    expect(error.code).toBe('INTEGRATOR_TIMEOUT');
    expect(error.details).toMatchObject({ transient: true, timeoutMs: 200, mayHaveReachedServer: true });
  });

  it('gives up at the configured timeout, not at a later default: an answer after it is not waited for', async () => {
    // The answer comes a second late — well after 200 ms, well before any default — and must not be taken.
    fake.script((_req, { res }) => {
      setTimeout(() => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
        res.end(fixture('belgeGonderExt.response.xml'));
      }, 1_000).unref();
    });
    const error = await failure(send(connect(fake.base, 200)));
    expect(error).toMatchObject({ code: 'INTEGRATOR_TIMEOUT', details: { timeoutMs: 200 } });
    // The same answer in time is taken: the check above is about the timeout, not about the answer.
    fake.script(ok(fixture('belgeGonderExt.response.xml')));
    await expect(send(connect(fake.base, 10_000))).resolves.toMatchObject({ belgeOid: expect.any(String) });
  });

  it('maps HTTP 500/503 without a SOAP fault to INTEGRATOR_HTTP_ERROR, transient', async () => {
    fake.script(
      () => ({ status: 500, body: '<html><body>Internal Server Error</body></html>', headers: { 'Content-Type': 'text/html' } }),
      () => ({ status: 503, body: '' }),
    );
    const c = connect();
    const e500 = await failure(send(c));
    expect(e500.code).toBe('INTEGRATOR_HTTP_ERROR');
    expect(e500.details).toMatchObject({ status: 500, transient: true });
    const e503 = await failure(c.efatura.creditBalance(VKN));
    expect(e503.details).toMatchObject({ status: 503, transient: true });
  });

  it('treats a wrong address (HTTP 404) as not transient', async () => {
    fake.script(() => ({ status: 404, body: 'Not Found', headers: { 'Content-Type': 'text/plain' } }));
    const error = await failure(send(connect()));
    expect(error.code).toBe('INTEGRATOR_HTTP_ERROR');
    expect(error.details).toMatchObject({ status: 404, transient: false });
  });

  it('maps a dropped connection, before or during the answer, to INTEGRATOR_UNREACHABLE, transient', async () => {
    fake.script(
      (_r, { req }) => void req.socket.destroy(),
      (_r, { res }) => {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '5000' });
        res.write('<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>');
        setTimeout(() => res.socket?.destroy(), 10);
      },
    );
    const c = connect();
    const before = await failure(send(c));
    expect(before.code).toBe('INTEGRATOR_UNREACHABLE');
    expect(before.details).toMatchObject({ transient: true, mayHaveReachedServer: true });
    const during = await failure(send(c));
    expect(during.code).toBe('INTEGRATOR_UNREACHABLE');
    expect(during.details).toMatchObject({ transient: true, reason: 'dropped-during-answer' });
  });

  it('maps a malformed answer to INTEGRATOR_BAD_RESPONSE', async () => {
    fake.script(
      ok('not xml at all <<<'),
      ok('<html><body>proxy login</body></html>'),
      ok(soapResponse(NS_CONNECTOR, 'somethingElse', '<return>x</return>')),
      ok(soapResponse(NS_CONNECTOR, 'belgeGonderExt', '')),
      ok(soapResponse(NS_CONNECTOR, 'gidenBelgeDurumSorgulaExt', '<return><durum>üç</durum></return>')),
    );
    const c = connect();
    const garbled = await failure(send(c));
    expect(garbled.code).toBe('INTEGRATOR_BAD_RESPONSE');
    expect(garbled.details.transient).toBe(true);
    expect((await failure(send(c))).code).toBe('INTEGRATOR_BAD_RESPONSE');
    const wrongOperation = await failure(send(c));
    expect(wrongOperation.details).toMatchObject({ transient: false });
    expect(wrongOperation.message).toContain('belgeGonderExtResponse');
    expect((await failure(send(c))).message).toContain('belgeOid');
    expect((await failure(c.efatura.outgoingStatus(VKN, { by: 'YEREL', value: 'L1' }))).code).toBe('INTEGRATOR_BAD_RESPONSE');
  });
});

describe('eFinans client: oversized answers', () => {
  it('stops reading an answer over the size limit', async () => {
    fake.script(ok(soapResponse(NS_CONNECTOR, 'kayitliKullaniciListeleExtended', `<return>${'QUJD'.repeat(2_000)}</return>`)));
    const error = await failure(connect(fake.base, 2_000, 4_096).efatura.registeredUserList());
    expect(error.code).toBe('INTEGRATOR_BAD_RESPONSE');
    expect(error.details).toMatchObject({ transient: false, limitBytes: 4_096 });
  });
});

describe('eFinans client: SOAP faults', () => {
  it('maps username.pwd.mismatch to INTEGRATOR_AUTH_FAILED, never retries, and sends nothing more afterwards', async () => {
    fake.script(() => ({ status: 500, body: fixture('fault-username-pwd-mismatch.xml') }));
    const c = connect();
    const error = await failure(send(c));
    expect(error.code).toBe('INTEGRATOR_AUTH_FAILED');
    expect(error.details).toMatchObject({ transient: false, faultstring: 'username.pwd.mismatch', faultcode: 'S:Server' });
    expect(error.message).toContain('blocked');
    const again = await failure(c.efatura.outgoingStatus(VKN, { by: 'YEREL', value: 'L1' }));
    expect(again.code).toBe('INTEGRATOR_AUTH_FAILED');
    expect(again.details).toMatchObject({ notSent: true, transient: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('recognises the Turkish wrong-password text and WS-Security fault codes', async () => {
    fake.script(fault('Kullanıcı adı veya şifre hatalı.'));
    expect((await failure(send(connect()))).code).toBe('INTEGRATOR_AUTH_FAILED');
    await clients?.close();
    fake.script(fault('The security token could not be authenticated or authorized', 'wsse:FailedAuthentication'));
    expect((await failure(send(connect()))).code).toBe('INTEGRATOR_AUTH_FAILED');
  });

  it('maps HTTP 401 without a fault to INTEGRATOR_AUTH_FAILED', async () => {
    fake.script(() => ({ status: 401, body: '', headers: { 'WWW-Authenticate': 'Basic' } }));
    const error = await failure(send(connect()));
    expect(error.code).toBe('INTEGRATOR_AUTH_FAILED');
    expect(error.details).toMatchObject({ status: 401, transient: false });
  });

  it('specialises hash and duplicate faults, keeps faultcode and faultstring, and is not transient', async () => {
    fake.script(
      fault('Hash hatası'),
      fault('Bu belgeNo (L1) ile daha önce bir belge gönderilmiş.'),
      fault('schematronControl failed: Geçersiz cbc:InvoiceTypeCode', 'S:Client'),
    );
    const c = connect();
    const hash = await failure(send(c));
    expect(hash.code).toBe('INTEGRATOR_HASH_MISMATCH');
    expect(hash.details).toMatchObject({ transient: false, faultstring: 'Hash hatası', httpStatus: 500 });
    const duplicate = await failure(send(c));
    expect(duplicate.code).toBe('INTEGRATOR_DUPLICATE');
    expect(duplicate.details.transient).toBe(false);
    const validation = await failure(send(c));
    expect(validation.code).toBe('INTEGRATOR_FAULT');
    expect(validation.details).toMatchObject({ transient: false, faultcode: 'S:Client', faultstring: 'schematronControl failed: Geçersiz cbc:InvoiceTypeCode' });
  });

  it('lets a "try again later" server fault be retried', async () => {
    fake.script(fault('Sistem hatası. Lütfen daha sonra tekrar deneyiniz.'));
    const error = await failure(send(connect()));
    expect(error.code).toBe('INTEGRATOR_FAULT');
    expect(error.details.transient).toBe(true);
  });

  it('reads a fault even when it comes with HTTP 200; used-up kontör is its own code', async () => {
    fake.script(ok(envelope('<S:Fault><faultcode>S:Server</faultcode><faultstring>Kontör bakiyesi yetersiz.</faultstring></S:Fault>')));
    const error = await failure(send(connect()));
    expect(error.code).toBe('INTEGRATOR_NO_CREDIT');
    expect(error.details).toMatchObject({ faultstring: 'Kontör bakiyesi yetersiz.', httpStatus: 200, transient: false });
  });
});

describe('eFinans client: configuration', () => {
  it('refuses plain http to anything but the loopback', () => {
    expect(() => connect('http://efaturaconnector.qnbesolutions.com.tr')).toThrow(KonnektorError);
    expect(() => connect('ftp://127.0.0.1')).toThrow(/https/);
    expect(() => connect('https://efaturaconnector.qnbesolutions.com.tr')).not.toThrow();
  });
});
