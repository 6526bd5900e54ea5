/**
 * The sandbox keeps its state in SQLite under dataDir: closing it and starting it again on the same folder loses
 * no document, state, session, delivery, kontör or incoming cursor, and documents mid-walk go on walking.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { connectorCall, returnRecords, userCall, valueOf } from '../../sandbox/server/testing';

const SUPPLIER = '4703101339';
const DEMO = { user: 'demo', password: 'demo123' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-restart-'));
let t = Date.parse('2026-03-05T09:00:00Z');
const clock = { now: () => new Date(t) };
const STEP = 1000;
let sb: SandboxHandle | undefined;

afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = () => startSandbox({ dataDir: dir, stepMs: STEP, clock, validate: false });

function invoice(): { xml: Buffer; ettn: string } {
  const src = fs.readFileSync(path.resolve(__dirname, '../fixtures/golden/01-TEMELFATURA-SATIS.xml'), 'utf8');
  const ettn = crypto.randomUUID();
  const id = `RST2026${String(crypto.randomInt(1e9)).padStart(9, '0')}`;
  return { xml: Buffer.from(src.replaceAll('3f2504e0-4f89-41d3-9a0c-0305e82c3300', ettn).replaceAll('KNF2026000000001', id)), ettn };
}

async function send(s: SandboxHandle, xml: Buffer, belgeNo: string): Promise<string> {
  const md5 = crypto.createHash('md5').update(xml).digest('hex');
  const r = await connectorCall(
    s.endpoints.connectorService,
    `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><belgeTuru>FATURA_UBL</belgeTuru><belgeNo>${belgeNo}</belgeNo>` +
      `<veri>${xml.toString('base64')}</veri><belgeHash>${md5}</belgeHash><mimeType>application/xml</mimeType><belgeVersiyon>1.0</belgeVersiyon></parametreler></ser:belgeGonderExt>`,
    DEMO,
  );
  await s.admin.idle();
  return valueOf(r.text, 'return')!;
}

async function status(s: SandboxHandle, belgeNo: string): Promise<Record<string, string> | undefined> {
  const r = await connectorCall(
    s.endpoints.connectorService,
    `<ser:gidenBelgeDurumSorgulaExt><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><parametreler><belgeNo>${belgeNo}</belgeNo><belgeNoTipi>YEREL</belgeNoTipi><donusTipiVersiyon>3.0</donusTipiVersiyon></parametreler></ser:gidenBelgeDurumSorgulaExt>`,
    { user: 'demo', password: 'demo123' },
  );
  return returnRecords(r.text)[0];
}

describe('restart on the same dataDir', () => {
  it('keeps documents, their states, deliveries, kontör, sessions and incoming documents', async () => {
    sb = await start();
    const done = invoice();
    const halfway = invoice();
    const doneOid = await send(sb, done.xml, 'belge-1');
    t += 5 * STEP;
    sb.admin.settle();
    const halfwayOid = await send(sb, halfway.xml, 'belge-2');
    t += 2 * STEP;
    sb.admin.settle();
    const login = await userCall(sb.endpoints.userService, '<ser:wsLogin><userId>demo</userId><password>demo123</password><lang>tr</lang></ser:wsLogin>');
    const cookie = login.setCookie!.split(';')[0]!;
    const before = { done: await status(sb, 'belge-1'), halfway: await status(sb, 'belge-2'), deliveries: sb.admin.deliveries(), state: sb.admin.state() };
    expect(before.done).toMatchObject({ gonderimCevabiKodu: '1300', yerelBelgeOid: doneOid });
    expect(before.halfway).toMatchObject({ gonderimCevabiKodu: '1000', yerelBelgeOid: halfwayOid });
    await sb.close();

    sb = await start();
    expect(await status(sb, 'belge-1')).toEqual(before.done);
    expect(await status(sb, 'belge-2')).toEqual(before.halfway);
    expect(sb.admin.deliveries()).toEqual(before.deliveries);
    expect(sb.admin.state().kontor).toEqual(before.state.kontor);
    expect(sb.admin.state().incoming).toEqual(before.state.incoming);
    // The same belgeNo after the restart is still the same document.
    expect(await send(sb, halfway.xml, 'belge-2')).toBe(halfwayOid);
    // The wsLogin session of the first run is still valid.
    const byCookie = await connectorCall(sb.endpoints.connectorService, `<ser:kontorBilgisiGetir><vknTckn>${SUPPLIER}</vknTckn></ser:kontorBilgisiGetir>`, { cookie });
    expect(byCookie.status).toBe(200);
    // The walk goes on where it stopped: delivered, charged once, recorded once.
    t += 3 * STEP;
    sb.admin.settle();
    expect(await status(sb, 'belge-2')).toMatchObject({ gonderimCevabiKodu: '1300', ulastiMi: 'true' });
    expect(sb.admin.deliveries().byEttn).toEqual({ [done.ettn]: 1, [halfway.ettn]: 1 });
    const fatura = sb.admin.state().kontor.find((k) => k.vkn === SUPPLIER && k.kontorTipi === 'FATURA')!;
    expect(fatura.kalan).toBe(fatura.toplamAlinan - 2);
  });
});
