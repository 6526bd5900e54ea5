import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import { createIntegratorClients, type IntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import {
  NS_USER,
  fault,
  fixture,
  ok,
  parseRequest,
  shape,
  soapResponse,
  startFakeEfinans,
  type FakeEfinans,
  type Responder,
} from '../fixtures/integrator/fakeEfinans';

/** userService.wsLogin and its session cookie (integrator-api.md §3.2): one login, one re-login when it expired. */
const VKN = '3250566851';

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

function connect() {
  clients = createIntegratorClients({
    endpoints: endpointsFromBase(fake.base),
    credentials: { user: 'wsuser', password: 'parola', auth: 'wsLogin' },
    erpCode: 'ERP1',
    timeoutMs: 2_000,
    // Each test scripts one client's own session from login to logout; sharing across clients is tested on its own.
    sessionPool: null,
  });
  return clients;
}

const login = (session: string): Responder => ok(soapResponse(NS_USER, 'wsLogin'), { 'Set-Cookie': [`TEST_CSAPSESSIONID=${session}; Path=/; HttpOnly`] });
const kontor = ok(fixture('kontorBilgisiGetir.response.xml'));
const ops = () => fake.requests.map((r) => `${r.url} ${parseRequest(r.body).operation.localName}`);

describe('eFinans client: wsLogin sessions', () => {
  it('logs in once with userId/password/lang, then sends the cookie and no WS-Security header', async () => {
    const { efatura } = connect();
    fake.script(login('S1'), kontor, kontor, ok(soapResponse(NS_USER, 'logout')));
    expect(await efatura.creditBalance(VKN)).toBe(998.5);
    expect(await efatura.creditBalance(VKN)).toBe(998.5);
    await clients!.close();
    clients = undefined;
    expect(ops()).toEqual([
      '/connector/ws/userService wsLogin',
      '/connector/ws/connectorService kontorBilgisiGetir',
      '/connector/ws/connectorService kontorBilgisiGetir',
      '/connector/ws/userService logout',
    ]);
    const [loginReq, call, , logout] = fake.requests;
    const loginOp = parseRequest(loginReq!.body);
    expect(loginOp.operation.namespaceURI).toBe(NS_USER);
    expect(loginOp.usernameToken).toBeUndefined();
    expect(shape(loginOp.operation)).toEqual([
      ['userId', 'wsuser'],
      ['password', 'parola'],
      ['lang', 'tr'],
    ]);
    expect(call!.headers.cookie).toBe('TEST_CSAPSESSIONID=S1');
    expect(parseRequest(call!.body).usernameToken).toBeUndefined();
    expect(logout!.headers.cookie).toBe('TEST_CSAPSESSIONID=S1');
  });

  it('shares one login between concurrent calls', async () => {
    const { efatura } = connect();
    fake.script(login('S1'), kontor, kontor, kontor);
    await Promise.all([efatura.creditBalance(VKN), efatura.creditBalance(VKN), efatura.creditBalance(VKN)]);
    expect(ops().filter((o) => o.endsWith('wsLogin'))).toHaveLength(1);
  });

  it('logs in again once when the session has expired, and repeats the call with the new cookie', async () => {
    const { efatura } = connect();
    fake.script(login('S1'), kontor, fault('Oturum bulunamadı veya süresi doldu.'), login('S2'), kontor);
    await efatura.creditBalance(VKN);
    expect(await efatura.creditBalance(VKN)).toBe(998.5);
    expect(ops().map((o) => o.split(' ')[1])).toEqual(['wsLogin', 'kontorBilgisiGetir', 'kontorBilgisiGetir', 'wsLogin', 'kontorBilgisiGetir']);
    expect(fake.requests[4]!.headers.cookie).toBe('TEST_CSAPSESSIONID=S2');
  });

  it('gives up after one re-login: INTEGRATOR_AUTH_FAILED, no storm', async () => {
    const { efatura } = connect();
    const expired = fault('Oturum bulunamadı veya süresi doldu.');
    fake.script(login('S1'), kontor, expired, login('S2'), expired);
    await efatura.creditBalance(VKN);
    const error = await efatura.creditBalance(VKN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KonnektorError);
    expect((error as KonnektorError).code).toBe('INTEGRATOR_AUTH_FAILED');
    expect((error as KonnektorError).details.transient).toBe(false);
    expect(fake.requests).toHaveLength(5);
    await expect(efatura.creditBalance(VKN)).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(fake.requests).toHaveLength(5);
  });

  it('does not retry a refused wsLogin: one request, INTEGRATOR_AUTH_FAILED', async () => {
    const { efatura, earsiv } = connect();
    fake.script(() => ({ status: 500, body: fixture('fault-username-pwd-mismatch.xml') }));
    await expect(efatura.sendInvoice({ senderVkn: VKN, localDocNo: 'L1', xml: Buffer.from('<a/>') })).rejects.toMatchObject({
      code: 'INTEGRATOR_AUTH_FAILED',
      details: { transient: false, operation: 'wsLogin' },
    });
    await expect(earsiv.queryInvoice(VKN, 'U1')).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(fake.requests).toHaveLength(1);
  });

  it('does not log in twice when the call right after a fresh login is refused', async () => {
    const { efatura } = connect();
    fake.script(login('S1'), fault('Kullanıcı adı veya şifre hatalı.'));
    await expect(efatura.creditBalance(VKN)).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(fake.requests).toHaveLength(2);
  });

  it('sends the session cookie to the e-Arşiv service as well', async () => {
    const { earsiv } = connect();
    fake.script(login('S1'), ok(soapResponse('http://service.earsiv.uut.cs.com.tr/', 'faturaSorgula', '<return><resultCode>AE00000</resultCode></return>')));
    expect(await earsiv.queryInvoice(VKN, 'U1')).toEqual({ resultCode: 'AE00000' });
    expect(fake.requests[1]!.url).toBe('/earsiv/ws/EarsivWebService');
    expect(fake.requests[1]!.headers.cookie).toBe('TEST_CSAPSESSIONID=S1');
  });
});
