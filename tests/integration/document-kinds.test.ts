import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector, WriteBackResult } from '../../connectors/contract';
import { listConnectors } from '../../connectors/registry';
import { modulesOf } from '../../connectors/shared/capabilities';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { DOCUMENT_KINDS, DocumentKindRegistry, documentKinds, type DocumentKindDescriptor } from '../../core/documents/kinds';
import type { CanonicalDocument } from '../../core/documents/model';
import { MODULES } from '../../core/modules';
import { readUblFacts } from '../../core/documents/ubl/read';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { SUPPLIER, invoice } from '../fixtures/invoices';
import { SHIPPED } from '../../runtime/shipped';

describe('document-kind registry', () => {
  it('holds e-Fatura, e-Arşiv, e-İrsaliye, e-SMM and e-MM, each named by its module, with its own checks, service and series', () => {
    expect(DOCUMENT_KINDS.map((k) => k.id)).toEqual(['efatura', 'earsiv', 'eirsaliye', 'esmm', 'emm']);
    expect(documentKinds.outgoing('efatura')).toMatchObject({ module: 'efatura', validation: { schematron: 'efatura' }, integrator: { service: 'connectorService', creditType: 'FATURA' }, numbering: { defaultPrefix: 'KNF' } });
    expect(documentKinds.outgoing('earsiv')).toMatchObject({ module: 'earsiv', validation: { schematron: 'earchive' }, integrator: { service: 'earsivService', creditType: 'ARSIV' }, numbering: { defaultPrefix: 'KNA' } });
    expect(documentKinds.outgoing('eirsaliye')).toMatchObject({
      module: 'eirsaliye',
      format: { type: 'ubl', root: 'DespatchAdvice', typeCodes: ['SEVK', 'MATBUDAN'] },
      validation: { xsd: 'maindoc/UBL-DespatchAdvice-2.1.xsd', schematron: 'efatura' },
      integrator: { service: 'connectorService', belgeTuru: { send: 'IRSALIYE_UBL', query: 'IRSALIYE' }, creditType: 'IRSALIYE' },
      numbering: { defaultPrefix: 'KNI', series: 'eirsaliye', assignedBy: 'konnektor' },
      outbox: { followed: true, answer: { deadlineDays: 7 } },
    });
    expect(documentKinds.outgoing('eirsaliye').view?.().name).toBe('irsaliye');
    // Receipts: GİB's XSD and Konnektör's own rule set instead of GİB's e-Fatura schematron, their own series,
    // reported by the integrator, cancellable.
    expect(documentKinds.outgoing('esmm')).toMatchObject({
      format: { root: 'Invoice', profiles: ['EARSIVBELGE'], typeCodes: ['SERBESTMESLEKMAKBUZU'] },
      integrator: { service: 'esmmService' },
      numbering: { defaultPrefix: 'SMM', series: 'esmm' },
      outbox: { reported: true, followed: false },
      cancellation: { windowDays: 8, undo: true },
    });
    expect(documentKinds.outgoing('emm')).toMatchObject({
      format: { root: 'CreditNote', profiles: ['EARSIVBELGE'], typeCodes: ['MUSTAHSILMAKBUZ'] },
      validation: { xsd: 'maindoc/UBL-CreditNote-2.1.xsd' },
      integrator: { service: 'mustahsilService' },
      numbering: { defaultPrefix: 'EMM', series: 'emm' },
      outbox: { reported: true },
    });
    for (const id of ['esmm', 'emm']) {
      const kind = documentKinds.outgoing(id as 'esmm' | 'emm');
      expect(kind.validation.schematron, id).toBeUndefined();
      expect(kind.validation.check, id).toBeDefined();
      expect(kind.outbox.states, id).toContain('cancelled');
    }
    expect(() => documentKinds.outgoing('edefter')).toThrow(expect.objectContaining({ code: 'MODULE_NOT_SUPPORTED' }));
  });

  it('says which delivered documents still wait for the receiver’s answer', () => {
    expect(documentKinds.awaitsAnswer('efatura', 'TICARIFATURA')).toBe(true);
    expect(documentKinds.awaitsAnswer('efatura', 'TEMELFATURA')).toBe(false);
    expect(documentKinds.awaitsAnswer('earsiv', 'EARSIVFATURA')).toBe(false);
    expect(documentKinds.awaitsAnswer('eirsaliye', 'TEMELIRSALIYE')).toBe(true);
  });

  it('tells a UBL file’s kind by its root and profile', () => {
    expect(documentKinds.forUbl({ root: 'Invoice', profileId: 'EARSIVFATURA' })?.id).toBe('earsiv');
    expect(documentKinds.forUbl({ root: 'Invoice', profileId: 'TICARIFATURA' })?.id).toBe('efatura');
    expect(documentKinds.forUbl({ root: 'Invoice', profileId: 'EARSIVBELGE' })?.id).toBe('esmm');
    expect(documentKinds.forUbl({ root: 'CreditNote', profileId: 'EARSIVBELGE' })?.id).toBe('emm');
    expect(documentKinds.forUbl({ root: 'DespatchAdvice', profileId: 'TEMELIRSALIYE' })?.id).toBe('eirsaliye');
    expect(documentKinds.forUbl({ root: 'ReceiptAdvice', profileId: 'TEMELIRSALIYE' })).toBeUndefined();
  });

  it('refuses a kind whose id does not name its module', () => {
    const misnamed = { ...documentKinds.outgoing('efatura'), id: 'irsaliye' } as DocumentKindDescriptor;
    expect(() => new DocumentKindRegistry([misnamed])).toThrow(/must be named efatura/);
    expect(() => new DocumentKindRegistry([documentKinds.outgoing('efatura'), documentKinds.outgoing('efatura')])).toThrow(/twice/);
  });

  it('every shipped program declares per kind what it reads, and its modules follow from that map', () => {
    for (const c of listConnectors()) {
      // Each key is a kind id: a registered kind, or one named after its module while it is being built.
      for (const id of Object.keys(c.documentKinds)) expect(documentKinds.find(id) ?? MODULES.find((m) => id === m || id.startsWith(`${m}-`)), `${c.id} names kind ${id}`).toBeDefined();
      expect(c.modules).toEqual(modulesOf(c.documentKinds));
      expect(c.modules.filter((m) => documentKinds.serves(c, m))).toEqual(c.modules);
    }
  });
});

describe('a module the program cannot serve', () => {
  let dir: string;
  let store: LocalStore;
  let api: KonnektorService;
  const connections = new ErpConnections();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-kinds-'));
    store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
    api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  });
  afterAll(async () => {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const target = { connector: 'logo', server: `sqlite:${path.join(os.tmpdir(), 'knk-no-such-folder')}`, database: 'LOGODB', firm: '1', period: '1' };

  it('is refused at login naming the module and the program in Turkish, before anything is opened or saved', async () => {
    const refusal = api['session.login']({ module: 'esmm', user: 'demo', password: 'demo123', integrator: 'http://127.0.0.1:9', target });
    await expect(refusal).rejects.toMatchObject({
      code: 'CONNECTOR_MODULE_NOT_SUPPORTED',
      userMessage: 'e-SMM modülü Logo Tiger / Go ile henüz kullanılamıyor: Konnektör bu programdan e-SMM belgelerini okuyamıyor. Başka bir modül veya muhasebe programı seçin.',
    });
    expect(await listProfiles(store)).toEqual([]);
  });

  it('gets the same answer from the connection test, and the login screen offers no such program', async () => {
    await expect(api['erp.testConnection']({ module: 'esmm', target })).rejects.toMatchObject({
      code: 'CONNECTOR_MODULE_NOT_SUPPORTED',
      userMessage: expect.stringContaining('e-SMM modülü Logo Tiger / Go ile'),
    });
    expect((await api['session.defaults']({ module: 'esmm' })).connectors).toEqual([]);
    expect((await api['session.defaults']({ module: 'efatura' })).connectors.map((c) => c.id)).toEqual(expect.arrayContaining(['logo', 'netsis']));
  });
});

/**
 * A new document kind added through the registry alone: its own descriptor (builder, checks and integrator client
 * stubbed) and a program that declares it can read it. Nothing else in Konnektör knows it, yet it is listed,
 * exported, queued, sent and written back.
 */
describe('a document kind added through the registry alone', () => {
  const sent: { senderVkn: string; ettn: string; xml: string }[] = [];
  const written: WriteBackResult[] = [];
  const checked: string[] = [];

  // e-SMM as a stand-in: an Invoice with ProfileID EARSIVBELGE, its own series, checks and service.
  const makbuz: DocumentKindDescriptor = {
    id: 'esmm',
    module: 'esmm',
    direction: 'outgoing',
    labels: { name: { tr: 'e-SMM', en: 'e-SMM' }, document: { tr: 'makbuz', en: 'receipt' } },
    format: { type: 'ubl', root: 'Invoice', profiles: ['EARSIVBELGE'], typeCodes: ['SERBESTMESLEKMAKBUZU'] },
    async route() {
      return { profile: 'EARSIVBELGE', issues: [] };
    },
    build: ({ doc, id, uuid, profile }) => ({
      xml: `<Makbuz><ID>${id}</ID><UUID>${uuid}</UUID><Profil>${profile}</Profil><ERP>${doc.erpNumber}</ERP></Makbuz>`,
      payableAmount: '100.00',
    }),
    validation: {
      xsd: 'maindoc/UBL-Invoice-2.1.xsd',
      precheck: (doc) => (doc.erpNumber.includes('EKSIK') ? [{ source: 'precheck', rule: 'TEST_MAKBUZ_EKSIK', message: 'Makbuzda brüt ücret yok.' }] : []),
      async check(_validator, xmls) {
        checked.push(...xmls);
        return xmls.map(() => ({ valid: true, issues: [], timings: { xsdMs: 0, schematronMs: 0 } }));
      },
    },
    integrator: {
      service: 'mustahsilService',
      creditType: 'ARSIV',
      client: () => ({
        async send(d) {
          sent.push({ senderVkn: d.senderVkn, ettn: d.ettn, xml: d.xml.toString('utf8') });
          return { state: 'delivered', gibCode: 'AE00000', detail: 'makbuz alındı' };
        },
        async lookup() {
          return undefined;
        },
        followDuplicates: false,
      }),
    },
    numbering: { defaultPrefix: 'SMM', series: 'esmm', assignedBy: 'konnektor' },
    outbox: { states: ['pending', 'built', 'validated', 'queued', 'delivered', 'failed', 'invalid'], followed: false },
    writeBack: { fields: ['ettn', 'number', 'status'], statuses: ['delivered', 'failed'] },
  };

  const documents: CanonicalDocument[] = ['SMM2026-1', 'SMM2026-EKSIK', 'SMM2026-3'].map((erpNumber, i) =>
    invoice({ module: 'esmm', erpNumber, issueDate: '2026-03-0' + (i + 1), supplier: SUPPLIER, ref: { connector: 'serbest', database: 'SERBEST2026', key: String(i + 1) } }),
  );
  const program: ErpConnector = {
    id: 'serbest',
    title: 'Serbest Meslek Programı',
    shape: 'database-per-year',
    documentKinds: { esmm: { read: true, writeBack: ['ettn', 'number', 'status'] } },
    modules: ['esmm'],
    erpMigrations: [],
    async listDatabases() {
      return [{ name: 'SERBEST2026', fiscalYear: 2026, recognised: true }];
    },
    async listFirmPeriods() {
      return [{ firm: '001', firmName: 'Serbest', period: '01', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true, database: 'SERBEST2026' }];
    },
    async testConnection() {
      return { ok: true, checks: [{ name: 'reachable', ok: true }], tables: ['MAKBUZ'], warnings: [] };
    },
    async readOutgoing(_ctx, _target, module) {
      expect(module).toBe('esmm');
      const done = new Set(written.map((w) => w.ettn));
      return documents.filter((d) => !d.ettn || !done.has(d.ettn));
    },
    async writeBack(_ctx, _target, _ref, result) {
      written.push(result);
    },
  };

  let dir: string;
  let store: LocalStore;
  let api: KonnektorService;
  const connections = new ErpConnections();
  const target = { connector: 'serbest', server: 'sqlite:/serbest', database: 'SERBEST2026' };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-fake-kind-'));
    store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
    api = createKonnektorApi({ ...SHIPPED,
      connections,
      store: async () => store,
      // The shipped e-SMM kind is replaced by the stand-in: nothing but the registry entry tells them apart.
      kinds: new DocumentKindRegistry([...DOCUMENT_KINDS.filter((k) => k.id !== 'esmm'), makbuz]),
      connectors: [...listConnectors(), program],
      now: () => new Date('2026-03-10T09:00:00+03:00'),
    });
  });
  afterAll(async () => {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is listed: the program offers the module, with the kind and its labels', async () => {
    const programs = await api['connectors.list']({});
    expect(programs.find((c) => c.id === 'serbest')).toMatchObject({
      modules: ['esmm'],
      documentKinds: [{ id: 'esmm', module: 'esmm', direction: 'outgoing', labels: { name: { tr: 'e-SMM' } }, writeBack: ['ettn', 'number', 'status'] }],
    });
    expect(programs.find((c) => c.id === 'logo')!.modules).not.toContain('esmm');
    expect((await api['session.defaults']({ module: 'esmm' })).connectors.map((c) => c.id)).toEqual(['serbest']);
    expect((await api['documents.listOutgoing']({ target, module: 'esmm' })).map((d) => d.erpNumber)).toEqual(['SMM2026-1', 'SMM2026-EKSIK', 'SMM2026-3']);
  });

  it('is exported with its own builder, checks and series', async () => {
    const outDir = path.join(dir, 'out');
    const report = await api['documents.export']({ target, module: 'esmm', outDir });
    expect(report).toMatchObject({ module: 'esmm', kind: 'esmm', summary: { read: 3, documents: 3, valid: 2, invalid: 1 } });
    const valid = report.documents.filter((d) => d.valid);
    expect(valid.map((d) => d.number)).toEqual(['SMM2026000000001', 'SMM2026000000002']);
    expect(report.documents.find((d) => !d.valid)!.issues.map((i) => i.rule)).toEqual(['TEST_MAKBUZ_EKSIK']);
    const xml = fs.readFileSync(path.join(outDir, valid[0]!.file!), 'utf8');
    expect(xml).toContain('<ID>SMM2026000000001</ID><UUID>' + valid[0]!.ettn + '</UUID><Profil>EARSIVBELGE</Profil>');
    expect(checked.length).toBeGreaterThanOrEqual(2);
  });

  it('is queued, sent through its own client and written back, with nothing sent twice', async () => {
    const summary = await api['documents.send']({ target, module: 'esmm', integrator: 'http://127.0.0.1:9', user: 'u', password: 'p', wait: true, pollIntervalMs: 10 });
    expect(summary).toMatchObject({ read: 3, delivered: 2, failed: [], open: 0, invalid: [{ erpNumber: 'SMM2026-EKSIK' }] });
    expect(sent.map((s) => s.xml.match(/<ID>(\w+)<\/ID>/)![1])).toEqual(['SMM2026000000001', 'SMM2026000000002']);
    expect(sent.every((s) => s.senderVkn === SUPPLIER.taxId.value)).toBe(true);
    const rows = (await store('outbox').orderBy('id')) as { module: string; kind: string; state: string; erp_number: string }[];
    expect(rows.map((r) => [r.module, r.kind, r.erp_number, r.state])).toEqual([
      ['esmm', 'esmm', 'SMM2026-1', 'delivered'],
      ['esmm', 'esmm', 'SMM2026-3', 'delivered'],
      ['esmm', 'esmm', 'SMM2026-EKSIK', 'invalid'],
    ]);
    expect(written.map((w) => [w.number, w.status])).toEqual([
      ['SMM2026000000001', 'delivered'],
      ['SMM2026000000002', 'delivered'],
    ]);
    // A second run reads the ERP again: the two in the outbox are left alone, the incomplete one is still refused.
    const again = await api['documents.send']({ target, module: 'esmm', integrator: 'http://127.0.0.1:9', user: 'u', password: 'p' });
    expect(again).toMatchObject({ read: 1, invalid: [{ erpNumber: 'SMM2026-EKSIK' }] });
    expect(sent).toHaveLength(2);
    expect((await api['outbox.status']({ module: 'esmm' })).counts).toEqual({ delivered: 2, invalid: 1 });
  });

  it('reads its documents’ facts with the one UBL reader, whatever the root', () => {
    const facts = readUblFacts(
      '<DespatchAdvice xmlns="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">' +
        '<cbc:ProfileID>TEMELIRSALIYE</cbc:ProfileID><cbc:ID>IRS2026000000001</cbc:ID><cbc:DespatchAdviceTypeCode>SEVK</cbc:DespatchAdviceTypeCode>' +
        '<cac:DeliveryCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID schemeID="VKN">1189368801</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>Öz &amp; Şen</cbc:Name></cac:PartyName></cac:Party></cac:DeliveryCustomerParty>' +
        '</DespatchAdvice>',
    );
    expect(facts).toMatchObject({ root: 'DespatchAdvice', id: 'IRS2026000000001', profileId: 'TEMELIRSALIYE', typeCode: 'SEVK', receiver: { id: '1189368801', scheme: 'VKN', name: 'Öz & Şen' } });
  });
});
