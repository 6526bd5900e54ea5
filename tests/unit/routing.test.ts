import { describe, expect, it } from 'vitest';
import { routeInvoice, type RegistryView } from '../../core/documents/kinds/invoiceRouting';
import { parseUserList, writeUserList, type RegisteredUser } from '../../core/documents/userList';
import { openLocalStore } from '../../db/local';
import { chooseAlias, chosenAlias, lookupRegistered, replaceRegistry } from '../../db/registry';
import { COMPANY_CUSTOMER, PERSON_CUSTOMER, invoice } from '../fixtures/invoices';

const USERS: RegisteredUser[] = [
  { identifier: '1189368801', title: 'Öz & Şen', type: 'OZEL', documents: [{ type: 'Invoice', aliases: [{ name: 'urn:mail:defaultpk@ozsen.com.tr' }] }] },
  {
    identifier: '2222222222',
    title: 'İki Kutulu A.Ş.',
    type: 'OZEL',
    documents: [{ type: 'Invoice', aliases: [{ name: 'urn:mail:a@iki.com.tr' }, { name: 'urn:mail:b@iki.com.tr' }, { name: 'urn:mail:old@iki.com.tr', deletionTime: '2024-01-01' }] }],
  },
  { identifier: '3333333333', title: 'Belediye', type: 'KAMU', documents: [{ type: 'Invoice', aliases: [{ name: 'urn:mail:defaultpk@bel.gov.tr' }] }] },
  { identifier: '4444444444', title: 'Kapanmış', type: 'OZEL', documents: [{ type: 'Invoice', aliases: [{ name: 'urn:mail:x@k.com', deletionTime: '2025-05-05' }] }] },
];

async function registry() {
  const db = await openLocalStore(':memory:');
  // Through the GİB XML format, as the integrator delivers it.
  await replaceRegistry(db, parseUserList(writeUserList(USERS)), 'test');
  const view: RegistryView = { lookup: (id) => lookupRegistered(db, id), chosenAlias: (id) => chosenAlias(db, id) };
  return { db, view };
}

const withCustomer = (taxId: string, over = {}) => ({ ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN' as const, value: taxId }, alias: undefined, ...over });

describe('routing by the registered-user list', () => {
  it('reads GİB user lists and keeps only open aliases', async () => {
    const { db } = await registry();
    expect(await lookupRegistered(db, '2222222222')).toEqual({ identifier: '2222222222', title: 'İki Kutulu A.Ş.', userType: 'OZEL', aliases: ['urn:mail:a@iki.com.tr', 'urn:mail:b@iki.com.tr'] });
    expect(await lookupRegistered(db, '4444444444')).toBeUndefined();
    await db.destroy();
  });

  it('sends e-Fatura to a registered customer with its only alias', async () => {
    const { db, view } = await registry();
    expect(await routeInvoice(invoice(), view)).toEqual({ ok: true, route: { module: 'efatura', profile: 'TEMELFATURA', alias: 'urn:mail:defaultpk@ozsen.com.tr' } });
    expect(await routeInvoice(invoice({ profileHint: 'TICARIFATURA' }), view)).toMatchObject({ route: { profile: 'TICARIFATURA' } });
    // A return is never TICARIFATURA.
    expect(await routeInvoice(invoice({ profileHint: 'TICARIFATURA', type: 'IADE' }), view)).toMatchObject({ route: { profile: 'TEMELFATURA' } });
    await db.destroy();
  });

  it('never sends an e-Fatura to an unregistered customer', async () => {
    const { db, view } = await registry();
    expect(await routeInvoice(invoice({ module: 'earsiv', customer: PERSON_CUSTOMER }), view)).toEqual({ ok: true, route: { module: 'earsiv', profile: 'EARSIVFATURA' } });
    const wrong = await routeInvoice(invoice({ customer: withCustomer('4444444444') }), view);
    expect(wrong).toMatchObject({ ok: false, issue: { source: 'routing', rule: 'KNK_ROUTING_NOT_REGISTERED' } });
    const earsivForRegistered = await routeInvoice(invoice({ module: 'earsiv' }), view);
    expect(earsivForRegistered).toMatchObject({ ok: false, issue: { rule: 'KNK_ROUTING_REGISTERED_USER' } });
    await db.destroy();
  });

  it('refuses to pick one of several aliases silently, and follows the recorded choice or the ERP alias', async () => {
    const { db, view } = await registry();
    const doc = invoice({ customer: withCustomer('2222222222') });
    const ambiguous = await routeInvoice(doc, view);
    expect(ambiguous).toMatchObject({ ok: false, issue: { rule: 'KNK_ROUTING_ALIAS_AMBIGUOUS' } });
    expect(ambiguous.ok ? '' : ambiguous.issue.message).toContain('urn:mail:a@iki.com.tr');
    expect(await routeInvoice(invoice({ customer: withCustomer('2222222222', { alias: 'urn:mail:b@iki.com.tr' }) }), view)).toMatchObject({ route: { alias: 'urn:mail:b@iki.com.tr' } });
    await expect(chooseAlias(db, '2222222222', 'urn:mail:old@iki.com.tr', 'muhasebe')).rejects.toMatchObject({ code: 'ALIAS_NOT_REGISTERED' });
    await chooseAlias(db, '2222222222', 'urn:mail:a@iki.com.tr', 'muhasebe');
    expect(await routeInvoice(doc, view)).toMatchObject({ ok: true, route: { alias: 'urn:mail:a@iki.com.tr' } });
    await db.destroy();
  });

  it('gives public institutions a KAMU invoice and export invoices the IHRACAT profile', async () => {
    const { db, view } = await registry();
    expect(await routeInvoice(invoice({ customer: withCustomer('3333333333') }), view)).toMatchObject({ route: { profile: 'KAMU' } });
    // GİB allows a return to a public institution only as TEMELFATURA.
    expect(await routeInvoice(invoice({ type: 'IADE', customer: withCustomer('3333333333') }), view)).toMatchObject({ route: { profile: 'TEMELFATURA' } });
    expect(await routeInvoice(invoice({ profileHint: 'IHRACAT', customer: withCustomer('9999999999') }), view)).toMatchObject({ route: { module: 'efatura', profile: 'IHRACAT' } });
    await db.destroy();
  });

  it('rejects a malformed user list', () => {
    expect(() => parseUserList('<UserList><User><Identifier>12</Identifier></User></UserList>')).toThrow(expect.objectContaining({ code: 'REGISTRY_FILE_INVALID' }));
    expect(() => parseUserList('<Users/>')).toThrow(expect.objectContaining({ code: 'REGISTRY_FILE_INVALID' }));
    expect(() => parseUserList('<UserList><User>')).toThrow(expect.objectContaining({ code: 'REGISTRY_FILE_INVALID' }));
  });
});
