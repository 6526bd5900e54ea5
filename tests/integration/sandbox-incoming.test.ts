/**
 * Incoming documents and registered users in the sandbox: the seeded mailbox of the demo companies, paging by the
 * belgeSiraNo cursor (at most 100), download as a base64 ZIP, belgelerAlindi, an invoice between two demo
 * companies landing in the receiver's mailbox, GİB's user list and single-user lookups.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { readUserListXml, type ListedUser } from '../../core/registry/userListFile';
import { demoRegisteredUsers, demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SEED_INCOMING_PER_COMPANY } from '../../sandbox/server/seed';
import { connectorCall, faultString, returnRecords, valueOf } from '../../sandbox/server/testing';
import { readZip } from '../../sandbox/server/zip';
import { qnbDate } from '../../sandbox/server/clock';

const world = demoWorld(1);
const [ORNEK, ANADOLU] = world.companies.map((c) => c.vkn) as [string, string];
const DEMO = { user: 'demo', password: 'demo123' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-incoming-'));
let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: dir, stepMs: 5, validate: false });
});
afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (body: string) => connectorCall(sb.endpoints.connectorService, body, DEMO);

async function list(vkn: string, cursor: number | string, extra = ''): Promise<Record<string, string>[]> {
  const r = await call(
    `<ser:gelenBelgeleriListeleExt><parametreler><belgeTuru>FATURA</belgeTuru><donusTipiVersiyon>6.0</donusTipiVersiyon>` +
      `<sonAlinanBelgeSiraNumarasi>${cursor}</sonAlinanBelgeSiraNumarasi><vergiTcKimlikNo>${vkn}</vergiTcKimlikNo>${extra}</parametreler></ser:gelenBelgeleriListeleExt>`,
  );
  expect(r.status, r.text).toBe(200);
  return returnRecords(r.text);
}

describe('incoming documents', () => {
  it('holds the seeded invoices of each demo company, paged by an increasing belgeSiraNo', async () => {
    const page = await list(ORNEK, 0);
    expect(page).toHaveLength(SEED_INCOMING_PER_COMPANY);
    const numbers = page.map((d) => Number(d.belgeSiraNo));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(page[0]).toMatchObject({ belgeTuru: 'FATURA', aliciUnvan: world.companies[0]!.name, alanEtiket: 'urn:mail:defaultpk@ornektekstil.com.tr', arsivlenmis: 'false' });
    expect(page[0]!.ettn).toMatch(/^[0-9a-f-]{36}$/);
    expect(page[0]!.belgeNo).toMatch(/^[A-Z0-9]{3}20\d{2}\d{9}$/);
    expect(page[0]!.profileId).toMatch(/^(TEMELFATURA|TICARIFATURA)$/);
    expect(page[0]!.faturaGelisTarihi).toMatch(/^\d{17}$/);
    expect(page.some((d) => d.belgeVerisi || d.belgeXmlZipped)).toBe(false);
    expect(await list(ORNEK, numbers.at(-1)!)).toEqual([]);
    expect(await list(ANADOLU, 0)).toHaveLength(SEED_INCOMING_PER_COMPANY);
  });

  it('returns at most 100 per call; the cursor pages through the rest', async () => {
    const last = Number((await list(ANADOLU, 0)).at(-1)!.belgeSiraNo);
    for (let i = 0; i < 130; i++) sb.admin.addIncoming({ receiverVkn: ANADOLU });
    const first = await list(ANADOLU, last);
    expect(first).toHaveLength(100);
    const second = await list(ANADOLU, first.at(-1)!.belgeSiraNo!);
    expect(second).toHaveLength(30);
    expect(new Set([...first, ...second].map((d) => d.ettn)).size).toBe(130);
  });

  it('refuses the cursor together with an arrival date, and another company’s mailbox', async () => {
    const r = await call(
      `<ser:gelenBelgeleriListeleExt><parametreler><belgeTuru>FATURA</belgeTuru><sonAlinanBelgeSiraNumarasi>0</sonAlinanBelgeSiraNumarasi><gelisTarihiBaslangic>20260101</gelisTarihiBaslangic><vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo></parametreler></ser:gelenBelgeleriListeleExt>`,
    );
    expect(faultString(r.text)).toContain('birlikte kullanılamaz');
    const other = await call(`<ser:gelenBelgeleriListeleExt><parametreler><sonAlinanBelgeSiraNumarasi>0</sonAlinanBelgeSiraNumarasi><vergiTcKimlikNo>1189368801</vergiTcKimlikNo></parametreler></ser:gelenBelgeleriListeleExt>`);
    expect(faultString(other.text)).toContain('vkn.not.authorized');
  });

  it('downloads chosen documents as a base64 ZIP of UBL files; belgelerAlindi hides them from the date listing', async () => {
    const page = await list(ORNEK, 0);
    const chosen = page.slice(0, 2).map((d) => d.ettn!);
    const r = await call(
      `<ser:gelenBelgeleriIndirExt><parametreler><belgeFormati>UBL</belgeFormati><belgeTuru>FATURA</belgeTuru>${chosen.map((e) => `<ettn>${e}</ettn>`).join('')}<vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo></parametreler></ser:gelenBelgeleriIndirExt>`,
    );
    const entries = readZip(Buffer.from(valueOf(r.text, 'return')!, 'base64'));
    expect(entries.map((e) => e.name)).toEqual(chosen.map((e) => `${e}.xml`));
    expect(entries[0]!.data.toString()).toContain(`<cbc:UUID>${chosen[0]}</cbc:UUID>`);

    const byDate = async () =>
      returnRecords(
        (
          await call(
            `<ser:gelenBelgeleriListeleExt><parametreler><belgeTuru>FATURA</belgeTuru><gelisTarihiBaslangic>20000101</gelisTarihiBaslangic><gelisTarihiBitis>${qnbDate(Date.now() + 86_400_000)}</gelisTarihiBitis><vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo></parametreler></ser:gelenBelgeleriListeleExt>`,
          )
        ).text,
      ).map((d) => d.ettn);
    expect(await byDate()).toEqual(expect.arrayContaining(chosen));
    const taken = await call(`<ser:belgelerAlindi><vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo>${chosen.map((e) => `<ettn>${e}</ettn>`).join('')}<belgeTuru>FATURA</belgeTuru></ser:belgelerAlindi>`);
    expect(taken.status).toBe(200);
    expect(await byDate()).not.toEqual(expect.arrayContaining([chosen[0]]));
    // The cursor listing still shows everything.
    expect((await list(ORNEK, 0)).map((d) => d.ettn)).toEqual(expect.arrayContaining(chosen));
  });

  it('puts an invoice from one demo company to the other into the receiver’s mailbox once it is delivered', async () => {
    const src = fs.readFileSync(path.resolve(__dirname, '../fixtures/golden/01-TEMELFATURA-SATIS.xml'), 'utf8');
    const ettn = crypto.randomUUID();
    const xml = Buffer.from(src.replaceAll('3f2504e0-4f89-41d3-9a0c-0305e82c3300', ettn).replaceAll('1189368801', ANADOLU));
    const r = await call(
      `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo><belgeTuru>FATURA_UBL</belgeTuru><belgeNo>${ettn}</belgeNo><veri>${xml.toString('base64')}</veri>` +
        `<belgeHash>${crypto.createHash('md5').update(xml).digest('hex')}</belgeHash><gonderenEtiket>urn:mail:defaultgb@ornektekstil.com.tr</gonderenEtiket></parametreler></ser:belgeGonderExt>`,
    );
    expect(r.status, r.text).toBe(200);
    await sb.admin.idle();
    await new Promise((resolve) => setTimeout(resolve, 60));
    sb.admin.settle();
    const all: Record<string, string>[] = [];
    let cursor = '0';
    for (;;) {
      const page = await list(ANADOLU, cursor);
      all.push(...page);
      if (page.length < 100) break;
      cursor = page.at(-1)!.belgeSiraNo!;
    }
    expect(all.find((d) => d.ettn === ettn)).toMatchObject({ gonderenVknTckn: ORNEK, gonderenEtiket: 'urn:mail:defaultgb@ornektekstil.com.tr', alanEtiket: 'urn:mail:defaultpk@anadolugida.com.tr' });
  });

  it('delivers an application response (UYGULAMA_YANITI_UBL) into the other company’s UYGULAMA_YANITI mailbox', async () => {
    const uuid = crypto.randomUUID();
    const xml = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" ' +
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">' +
        `<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>TR1.2</cbc:CustomizationID><cbc:ProfileID>TICARIFATURA</cbc:ProfileID><cbc:ID>${uuid}</cbc:ID><cbc:UUID>${uuid}</cbc:UUID>` +
        `<cbc:IssueDate>2026-03-05</cbc:IssueDate><cac:SenderParty><cac:PartyIdentification><cbc:ID schemeID="VKN">${ANADOLU}</cbc:ID></cac:PartyIdentification></cac:SenderParty>` +
        `<cac:ReceiverParty><cac:PartyIdentification><cbc:ID schemeID="VKN">${ORNEK}</cbc:ID></cac:PartyIdentification></cac:ReceiverParty>` +
        `<cac:DocumentResponse><cac:Response><cbc:ReferenceID>${uuid}</cbc:ReferenceID><cbc:ResponseCode>KABUL</cbc:ResponseCode></cac:Response>` +
        `<cac:DocumentReference><cbc:ID>${crypto.randomUUID()}</cbc:ID><cbc:IssueDate>2026-03-04</cbc:IssueDate><cbc:DocumentTypeCode>FATURA</cbc:DocumentTypeCode></cac:DocumentReference></cac:DocumentResponse></ApplicationResponse>`,
    );
    const r = await call(
      `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${ANADOLU}</vergiTcKimlikNo><belgeTuru>UYGULAMA_YANITI_UBL</belgeTuru><belgeNo>${uuid}</belgeNo>` +
        `<veri>${xml.toString('base64')}</veri><belgeHash>${crypto.createHash('md5').update(xml).digest('hex')}</belgeHash><belgeVersiyon>2.1</belgeVersiyon></parametreler></ser:belgeGonderExt>`,
    );
    expect(r.status, r.text).toBe(200);
    await sb.admin.idle();
    await new Promise((resolve) => setTimeout(resolve, 60));
    sb.admin.settle();
    const doc = sb.admin.document(valueOf(r.text, 'return')!)!;
    expect(doc.status, JSON.stringify(doc.status)).toMatchObject({ gonderimCevabiKodu: 1300, yanitDurumu: -1 });
    expect(doc.xml).toBe(xml.toString());
    const answers = returnRecords(
      (
        await call(
          `<ser:gelenBelgeleriListeleExt><parametreler><belgeTuru>UYGULAMA_YANITI</belgeTuru><sonAlinanBelgeSiraNumarasi>0</sonAlinanBelgeSiraNumarasi><vergiTcKimlikNo>${ORNEK}</vergiTcKimlikNo></parametreler></ser:gelenBelgeleriListeleExt>`,
        )
      ).text,
    );
    expect(answers.map((a) => a.ettn)).toEqual([uuid]);
    expect(answers[0]).toMatchObject({ belgeTuru: 'UYGULAMA_YANITI', gonderenVknTckn: ANADOLU });
  });
});

describe('registered users', () => {
  it('kayitliKullaniciListeleExtended returns a base64 ZIP holding QNB’s eFaturaKayitliKullaniciListe: the demo customers and companies', async () => {
    const r = await call('<ser:kayitliKullaniciListeleExtended><urun>EFATURA</urun><gecmisEklensin>0</gecmisEklensin></ser:kayitliKullaniciListeleExtended>');
    const [entry] = readZip(Buffer.from(valueOf(r.text, 'return')!, 'base64'));
    expect(entry!.name).toBe('EFATURA_KAYITLI_KULLANICI_LISTESI.xml');
    const xml = entry!.data.toString('utf8');
    expect(xml).toMatch(/^<\?xml[^>]*>\s*<eFaturaKayitliKullaniciListe>\s*<eFaturaKayitliKullanici><tip>(Özel|Kamu)<\/tip><kayitZamani>\d{14}<\/kayitZamani><unvan>/);
    const users: ListedUser[] = [];
    const read = await readUserListXml(Readable.from([Buffer.from(xml)]), (u) => users.push(u));
    expect(read.format).toBe('qnb');
    const ids = users.map((u) => u.identifier);
    expect(ids).toEqual(expect.arrayContaining([...demoRegisteredUsers(world).map((u) => u.identifier), ORNEK, ANADOLU]));
    expect(users.find((u) => u.identifier === ORNEK)?.aliases[0]?.name).toBe('urn:mail:defaultpk@ornektekstil.com.tr');
    const bad = await call('<ser:kayitliKullaniciListeleExtended><urun>EDEFTER</urun><gecmisEklensin>0</gecmisEklensin></ser:kayitliKullaniciListeleExtended>');
    expect(faultString(bad.text)).toContain('Geçersiz urun');
  });

  it('efaturaKullaniciBilgisi lists every alias; efaturaKullanicisi says whether one is registered', async () => {
    const two = world.customers.find((c) => c.aliases.length === 2)!;
    const info = returnRecords((await call(`<ser:efaturaKullaniciBilgisi><vergiTcKimlikNo>${two.vkn}</vergiTcKimlikNo></ser:efaturaKullaniciBilgisi>`)).text);
    expect(info.map((i) => i.etiket)).toEqual(two.aliases);
    expect(info[0]).toMatchObject({ unvan: two.name, vergiTcKimlikNo: two.vkn, kamuKurulusu: 'false', kayitZamani: '20200101000000' });
    const kamu = world.customers.find((c) => c.userType === 'KAMU' && c.registered)!;
    expect(returnRecords((await call(`<ser:efaturaKullaniciBilgisi><vergiTcKimlikNo>${kamu.vkn}</vergiTcKimlikNo></ser:efaturaKullaniciBilgisi>`)).text)[0]?.kamuKurulusu).toBe('true');
    const unregistered = world.customers.find((c) => !c.registered && c.vkn)!;
    expect(returnRecords((await call(`<ser:efaturaKullaniciBilgisi><vergiTcKimlikNo>${unregistered.vkn}</vergiTcKimlikNo></ser:efaturaKullaniciBilgisi>`)).text)).toEqual([]);
    expect(valueOf((await call(`<ser:efaturaKullanicisi><vergiTcKimlikNo>${unregistered.vkn}</vergiTcKimlikNo></ser:efaturaKullanicisi>`)).text, 'return')).toBe('false');
    expect(valueOf((await call(`<ser:efaturaKullanicisi><vergiTcKimlikNo>${two.vkn}</vergiTcKimlikNo></ser:efaturaKullanicisi>`)).text, 'return')).toBe('true');
  });
});
