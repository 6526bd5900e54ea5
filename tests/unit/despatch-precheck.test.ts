import path from 'node:path';
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { precheckDespatch } from '../../core/documents/despatch/precheck';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { routeDespatch } from '../../core/documents/kinds/eirsaliye';
import type { RegistryView } from '../../core/documents/kinds/invoiceRouting';
import type { DespatchDocument } from '../../core/documents/model';
import { parseUserList, writeUserList, type RegisteredUser } from '../../core/documents/userList';
import { openLocalStore } from '../../db/local';
import { chooseAlias, chosenAlias, lookupRegistered, replaceRegistry } from '../../db/registry';
import { COMPANY_CUSTOMER, carrierDespatch, despatch, despatchLine } from '../fixtures/despatches';

const codelists = loadGibCodelists(path.resolve(__dirname, '../../../shared/reference/gib'));
const ctx = { codelists, today: '2026-11-23' };
const rules = (doc: DespatchDocument) => precheckDespatch(doc, ctx).map((i) => i.rule);
const logoFields = { carrier: 'LG_001_02_STFICHE.SHPAGNCOD', driver: 'LG_001_02_STFICHE.DRIVERNAME1 / DRIVERTCKNO1', plate: 'LG_001_02_STFICHE.SHIPINFOREF' };

describe('despatch pre-checks (each bad input its own rule)', () => {
  it('passes the own-vehicle and the carrier despatch', () => {
    expect(precheckDespatch(despatch(), ctx)).toEqual([]);
    expect(precheckDespatch(carrierDespatch(), ctx)).toEqual([]);
  });

  it.each<[string, DespatchDocument, string]>([
    ['a driver without TCKN', despatch({ drivers: [{ firstName: 'Mehmet', familyName: 'Kaya', tckn: '' }] }), 'KNK_DESPATCH_DRIVER_TCKN_INVALID'],
    ['a driver with a TCKN failing its check digits', despatch({ drivers: [{ firstName: 'Mehmet', familyName: 'Kaya', tckn: '10000000147' }] }), 'KNK_DESPATCH_DRIVER_TCKN_INVALID'],
    ['a driver without family name', despatch({ drivers: [{ firstName: 'Mehmet', familyName: ' ', tckn: '10000000146' }] }), 'KNK_DESPATCH_DRIVER_NAME_MISSING'],
    ['a plate with the wrong scheme', despatch({ vehiclePlates: ['ABC 123'] }), 'KNK_DESPATCH_PLATE_INVALID'],
    ['a plate with province 82', despatch({ vehiclePlates: ['82 AB 123'] }), 'KNK_DESPATCH_PLATE_INVALID'],
    ['a trailer plate with the wrong scheme', despatch({ trailerPlates: ['DORSE1'] }), 'KNK_DESPATCH_PLATE_INVALID'],
    ['own vehicle without a plate', despatch({ vehiclePlates: [] }), 'KNK_DESPATCH_PLATE_MISSING'],
    ['a delivery address without postal zone', despatch({ deliveryAddress: { citySubdivision: 'Tuzla', city: 'İstanbul', country: 'Türkiye' } }), 'KNK_DESPATCH_POSTAL_ZONE_MISSING'],
    ['a postal zone outside 01–81', despatch({ deliveryAddress: { citySubdivision: 'Tuzla', city: 'İstanbul', postalCode: '82100', country: 'Türkiye' } }), 'KNK_DESPATCH_POSTAL_ZONE_INVALID'],
    ['a postal zone 00…', despatch({ deliveryAddress: { citySubdivision: 'Tuzla', city: 'İstanbul', postalCode: '00100', country: 'Türkiye' } }), 'KNK_DESPATCH_POSTAL_ZONE_INVALID'],
    ['a delivery address without district', despatch({ deliveryAddress: { city: 'İstanbul', postalCode: '34940', country: 'Türkiye' } }), 'KNK_DESPATCH_DELIVERY_ADDRESS_INCOMPLETE'],
    ['quantity zero', despatch({ lines: [despatchLine(1, { quantity: new Decimal(0) })] }), 'KNK_DESPATCH_QUANTITY_NOT_POSITIVE'],
    ['quantity negative', despatch({ lines: [despatchLine(1, { quantity: new Decimal(-3) })] }), 'KNK_DESPATCH_QUANTITY_NOT_POSITIVE'],
    ['a line without unit', despatch({ lines: [despatchLine(1, { unitCode: '' })] }), 'KNK_DESPATCH_UNIT_MISSING'],
    ['a unit GİB does not know', despatch({ lines: [despatchLine(1, { unitCode: 'XYZ' })] }), 'KNK_DESPATCH_UNIT_UNKNOWN'],
    ['no lines', despatch({ lines: [] }), 'KNK_DESPATCH_NO_LINES'],
    ['MATBUDAN without the paper number', despatch({ type: 'MATBUDAN' }), 'KNK_DESPATCH_PAPER_DOCUMENT_MISSING'],
    ['MATBUDAN with a paper number but no date', despatch({ type: 'MATBUDAN', paperDocument: { id: 'A-1' } }), 'KNK_DESPATCH_PAPER_DOCUMENT_MISSING'],
    ['a despatch time missing', despatch({ despatchTime: '' }), 'KNK_DESPATCH_DESPATCH_DATE_MISSING'],
    ['goods leaving before the despatch’s date', despatch({ despatchDate: '2026-03-01' }), 'KNK_DESPATCH_DESPATCH_BEFORE_ISSUE'],
    ['a despatch dated tomorrow', despatch({ issueDate: '2026-11-24', despatchDate: '2026-11-24' }), 'KNK_DESPATCH_DATE_IN_FUTURE'],
    ['a carrier with a bad VKN', carrierDespatch({ carrier: { ...carrierDespatch().carrier!, taxId: { scheme: 'VKN', value: '9000068419' } } }), 'KNK_DESPATCH_CARRIER_TAXID_INVALID'],
    ['HKS without künye', despatch({ profileHint: 'HKSIRSALIYE' }), 'KNK_DESPATCH_KUNYE_INVALID'],
    ['İDİS without shipment number', despatch({ lines: [despatchLine(1, { etiketNos: ['AB1234567'] })] }), 'KNK_DESPATCH_SHIPMENT_NO_INVALID'],
    ['İDİS line with a malformed etiket', despatch({ shipmentNo: 'SE-0000001', lines: [despatchLine(1, { etiketNos: ['A12345678'] })] }), 'KNK_DESPATCH_ETIKET_INVALID'],
  ])('%s', (_name, doc, rule) => {
    expect([...new Set(rules(doc))]).toEqual([rule]);
  });

  it('no driver and no carrier names the program’s fields to fill', () => {
    const issues = precheckDespatch(despatch({ drivers: [], vehiclePlates: [], sourceFields: logoFields }), ctx);
    expect(issues.map((i) => i.rule)).toEqual(['KNK_DESPATCH_CARRIER_MISSING', 'KNK_DESPATCH_PLATE_MISSING']);
    expect(issues[0]!.message).toBe('İrsaliyede taşıyan firma veya en az bir şoför bulunmalıdır. (doldurulacak alan: LG_001_02_STFICHE.SHPAGNCOD veya LG_001_02_STFICHE.DRIVERNAME1 / DRIVERTCKNO1)');
    expect(issues[1]!.message).toContain('doldurulacak alan: LG_001_02_STFICHE.SHIPINFOREF');
  });

  it('a plate written with spaces and lower case is accepted as GİB writes it', () => {
    expect(rules(despatch({ vehiclePlates: ['34 abc 123'], trailerPlates: ['06-ab-1234'] }))).toEqual([]);
  });
});

describe('despatch routing by GİB’s despatch list (separate from the invoice list)', () => {
  const USERS: RegisteredUser[] = [
    {
      identifier: '1189368801',
      title: 'Öz & Şen',
      type: 'OZEL',
      documents: [
        { type: 'Invoice', aliases: [{ name: 'urn:mail:defaultpk@ozsen.com.tr' }] },
        { type: 'DespatchAdvice', aliases: [{ name: 'urn:mail:irsaliyepk@ozsen.com.tr' }] },
      ],
    },
    { identifier: '2222222222', title: 'Yalnız Fatura A.Ş.', type: 'OZEL', documents: [{ type: 'Invoice', aliases: [{ name: 'urn:mail:pk@fatura.com.tr' }] }] },
    { identifier: '3333333333', title: 'İki Kutulu', type: 'OZEL', documents: [{ type: 'DespatchAdvice', aliases: [{ name: 'urn:mail:a@iki.com.tr' }, { name: 'urn:mail:b@iki.com.tr' }] }] },
  ];
  async function registry() {
    const db = await openLocalStore(':memory:');
    await replaceRegistry(db, parseUserList(writeUserList(USERS)), 'test');
    const view: RegistryView = { lookup: (id, t) => lookupRegistered(db, id, t), chosenAlias: (id, t) => chosenAlias(db, id, t) };
    return { db, view };
  }
  const to = (value: string) => despatch({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value }, alias: undefined } });

  it('goes to the customer’s e-İrsaliye alias, never its e-Fatura one', async () => {
    const { db, view } = await registry();
    expect(await routeDespatch(despatch(), view)).toEqual({ profile: 'TEMELIRSALIYE', alias: 'urn:mail:irsaliyepk@ozsen.com.tr', issues: [] });
    await db.destroy();
  });

  it('a customer registered only for e-Fatura gets a clear routing error (paper despatch is the user’s choice)', async () => {
    const { db, view } = await registry();
    const r = await routeDespatch(to('2222222222'), view);
    expect(r.alias).toBeUndefined();
    expect(r.issues).toEqual([expect.objectContaining({ source: 'routing', rule: 'KNK_ROUTING_DESPATCH_INVOICE_ONLY', message: expect.stringContaining('kâğıt irsaliye') })]);
    expect((await routeDespatch(to('1234567890'), view)).issues.map((i) => i.rule)).toEqual(['KNK_ROUTING_DESPATCH_NOT_REGISTERED']);
    await db.destroy();
  });

  it('with two despatch aliases the user chooses; the choice is kept per document type', async () => {
    const { db, view } = await registry();
    expect((await routeDespatch(to('3333333333'), view)).issues.map((i) => i.rule)).toEqual(['KNK_ROUTING_ALIAS_AMBIGUOUS']);
    await chooseAlias(db, '3333333333', 'urn:mail:b@iki.com.tr', 'muhasebe', 'DespatchAdvice');
    expect(await routeDespatch(to('3333333333'), view)).toMatchObject({ alias: 'urn:mail:b@iki.com.tr', issues: [] });
    await db.destroy();
  });
});
