import crypto from 'node:crypto';
import Decimal from 'decimal.js';
import type { DespatchDocument, InvoiceDocument, InvoiceLine, Party } from '../../core/documents/model';
import { buildDespatchUbl } from '../../core/documents/ubl/despatch';
import { gibView } from '../../core/documents/ubl/gibViews';
import { buildInvoiceUbl } from '../../core/documents/ubl/invoice';
import type { RegisteredUser } from '../../core/documents/userList';
import { turkeyDateTime } from '../../core/time';
import { demoRegisteredUsers, demoWorld, type DemoCompany, type DemoCustomer, type DemoWorld } from '../demo/scenario';
import { addAccountVkns, upsertAccount } from './accounts';
import { addIncoming } from './incoming';
import { setKontor } from './kontor';
import { upsertRegisteredUsers } from './registry';
import { getMeta, setMeta, type SandboxDb } from './store';

/**
 * What a fresh sandbox holds: a customer account owning the demo companies, an eFinans support (staff) account,
 * GİB's user list of the demo world, kontör, and a few incoming invoices per demo company. Sandbox-only
 * credentials, printed at start; never valid anywhere else.
 */
export const SEED_ACCOUNTS = {
  demo: { userId: 'demo', password: 'demo123', title: 'Demo müşteri (sandbox)' },
  staff: { userId: 'efinans.destek', password: 'destek123', title: 'eFinans destek (sandbox)' },
} as const;

export const SEED_KONTOR = 1000;
export const SEED_INCOMING_PER_COMPANY = 6;
/** Incoming despatches per demo company (e-İrsaliye), arrived 1..N days ago: each can still get its irsaliye yanıtı. */
export const SEED_INCOMING_DESPATCHES_PER_COMPANY = 2;

export interface SeedOptions {
  seed: number;
  /** Further sender VKNs the demo account owns (e.g. a test's own supplier). */
  extraSenders?: readonly string[];
  /** Further registered e-Fatura users (GİB list entries). */
  extraRegisteredUsers?: readonly RegisteredUser[];
  now: number;
}

/**
 * The demo companies as GİB list entries: they receive e-Fatura too (a mailbox named after their mail domain), and
 * send from their sender units (GB): the default one and a head-office one, so the settings have a choice.
 */
export function companyRegistrations(world: DemoWorld): RegisteredUser[] {
  return world.companies.map((c) => ({
    identifier: c.vkn,
    title: c.name,
    type: 'OZEL' as const,
    firstCreationTime: '2020-01-01T00:00:00',
    accountType: 'OZELENTEGRASYON',
    documents: [
      {
        type: 'Invoice' as const,
        aliases: ['defaultpk', 'defaultgb', 'merkezgb'].map((box) => ({ name: `urn:mail:${box}@${c.email.split('@')[1]}`, creationTime: '2020-01-01T00:00:00' })),
      },
    ],
  }));
}

export function seedSandbox(db: SandboxDb, options: SeedOptions): void {
  const world = demoWorld(options.seed);
  const senders = [...world.companies.map((c) => c.vkn), ...(options.extraSenders ?? [])];
  if (getMeta(db, 'seed') === undefined) {
    db.transaction(() => {
      upsertAccount(db, { ...SEED_ACCOUNTS.demo, vkns: senders });
      upsertAccount(db, { ...SEED_ACCOUNTS.staff, staff: true, vkns: [] });
      upsertRegisteredUsers(db, [...demoRegisteredUsers(world), ...companyRegistrations(world)]);
      for (const vkn of senders) {
        setKontor(db, vkn, 'FATURA', SEED_KONTOR);
        setKontor(db, vkn, 'ARSIV', SEED_KONTOR);
        setKontor(db, vkn, 'IRSALIYE', SEED_KONTOR);
      }
      seedIncoming(db, world, options);
      setMeta(db, 'seed', String(options.seed));
      setMeta(db, 'seededAt', new Date(options.now).toISOString());
    })();
  }
  // Options that may differ from one start to the next.
  const added = (options.extraSenders ?? []).filter((v) => db.prepare('SELECT 1 FROM kontor WHERE vkn = ?').get(v) === undefined);
  addAccountVkns(db, SEED_ACCOUNTS.demo.userId, options.extraSenders ?? []);
  for (const vkn of added) {
    setKontor(db, vkn, 'FATURA', SEED_KONTOR);
    setKontor(db, vkn, 'ARSIV', SEED_KONTOR);
    setKontor(db, vkn, 'IRSALIYE', SEED_KONTOR);
  }
  if (options.extraRegisteredUsers?.length) upsertRegisteredUsers(db, options.extraRegisteredUsers);
}

const VIEW = {
  name: 'sandbox-fatura',
  // The supplier's own view, as senders embed one: what the receiver's preview shows.
  content:
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><html><body>' +
    '<h1>e-FATURA</h1>' +
    '<p>Fatura No: <b data-field="id"><xsl:value-of select="/*/*[local-name()=\'ID\']"/></b></p>' +
    '<p>Tarih: <xsl:value-of select="/*/*[local-name()=\'IssueDate\']"/></p>' +
    '<p>Gönderen: <b data-field="supplier"><xsl:value-of select="/*/*[local-name()=\'AccountingSupplierParty\']//*[local-name()=\'PartyName\']/*[local-name()=\'Name\']"/></b></p>' +
    '<p>Senaryo: <xsl:value-of select="/*/*[local-name()=\'ProfileID\']"/></p>' +
    '<p>Ödenecek Tutar: <b data-field="payable"><xsl:value-of select="/*/*[local-name()=\'LegalMonetaryTotal\']/*[local-name()=\'PayableAmount\']"/></b></p>' +
    '</body></html></xsl:template></xsl:stylesheet>',
};

/** A stable UUID from a text, so the same seed gives the same incoming documents. */
function stableUuid(text: string): string {
  const h = crypto.createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function partyOfCompany(c: DemoCompany, alias?: string): Party {
  return {
    taxId: { scheme: 'VKN', value: c.vkn },
    name: c.name,
    taxOffice: c.taxOffice,
    address: { street: c.street, citySubdivision: c.district, city: c.city, postalCode: c.postalCode, country: 'Türkiye' },
    email: c.email,
    ...(alias ? { alias } : {}),
  };
}

function partyOfCustomer(c: DemoCustomer): Party {
  return {
    taxId: { scheme: 'VKN', value: c.vkn! },
    name: c.name,
    taxOffice: c.taxOffice,
    address: { street: c.street, citySubdivision: c.district, city: c.city, postalCode: c.postalCode, country: 'Türkiye' },
    email: c.email,
  };
}

function lineOf(n: number, world: DemoWorld, pick: number): InvoiceLine {
  const item = world.items[pick % world.items.length]!;
  const quantity = new Decimal(1 + (pick % 5));
  const unitPrice = item.price;
  const gross = quantity.mul(unitPrice).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const vatRate = new Decimal(item.vatRate);
  return {
    lineNo: n,
    kind: item.kind,
    itemCode: item.code,
    itemName: item.name,
    quantity,
    unitCode: 'C62',
    unitPrice,
    grossAmount: gross,
    allowances: [],
    netAmount: gross,
    vatRate,
    vatAmount: gross.mul(vatRate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
  };
}

/** A supplier's invoice to a demo company, as it would arrive (unsigned here: the sandbox signs nothing). */
export function incomingInvoiceXml(world: DemoWorld, company: DemoCompany, supplier: DemoCustomer, i: number, issueDate: string, seed: number): { xml: string; uuid: string } {
  const profile = i % 2 === 0 ? 'TEMELFATURA' : 'TICARIFATURA';
  const uuid = stableUuid(`sandbox:${seed}:${company.vkn}:${i}`);
  const lines = [lineOf(1, world, i * 3 + seed), ...(i % 3 === 0 ? [lineOf(2, world, i * 7 + seed + 1)] : [])];
  const doc: InvoiceDocument = {
    kind: 'invoice',
    module: 'efatura',
    ref: { connector: 'sandbox', database: 'incoming', key: uuid },
    erpNumber: `GLN${i}`,
    issueDate,
    profileHint: profile,
    type: 'SATIS',
    currency: 'TRY',
    supplier: partyOfCustomer(supplier),
    customer: partyOfCompany(company),
    lines,
    allowances: [],
    notes: [`Sandbox gelen fatura ${i + 1}`],
    despatchRefs: [],
    returnRefs: [],
  };
  const year = issueDate.slice(0, 4);
  const prefix = `G${supplier.code.replace(/\D/g, '').slice(-2).padStart(2, '0')}`;
  const { xml } = buildInvoiceUbl({
    doc,
    id: `${prefix}${year}${String(i + 1).padStart(9, '0')}`,
    uuid,
    profile,
    supplier: partyOfCustomer(supplier),
    issueTime: '10:00:00',
    view: VIEW,
  });
  return { xml, uuid };
}

/** A supplier's despatch of goods to a demo company, as it would arrive (e-İrsaliye, unsigned here). */
export function incomingDespatchXml(world: DemoWorld, company: DemoCompany, supplier: DemoCustomer, i: number, issueDate: string, seed: number): { xml: string; uuid: string } {
  const uuid = stableUuid(`sandbox-irsaliye:${seed}:${company.vkn}:${i}`);
  const goods = world.items.filter((it) => it.kind === 'goods');
  const pick = (k: number) => goods[(i * 3 + seed + k) % goods.length]!;
  const customer = partyOfCompany(company);
  const doc: DespatchDocument = {
    kind: 'despatch',
    module: 'eirsaliye',
    ref: { connector: 'sandbox', database: 'incoming', key: uuid },
    erpNumber: `GIR${i}`,
    issueDate,
    issueTime: '08:30:00',
    type: 'SEVK',
    supplier: partyOfCustomer(supplier),
    customer,
    deliveryAddress: customer.address,
    despatchDate: issueDate,
    despatchTime: '09:00:00',
    drivers: [{ firstName: 'Mehmet', familyName: 'Kaya', tckn: '10000000146' }],
    vehiclePlates: ['34ABC123'],
    trailerPlates: [],
    lines: [1, 2].map((n) => ({ lineNo: n, itemCode: pick(n).code, itemName: pick(n).name, quantity: new Decimal(10 * n + i), unitCode: 'C62' })),
    notes: [`Sandbox gelen irsaliye ${i + 1}`],
    orderRefs: [],
    sourceFields: {},
  };
  const prefix = `I${supplier.code.replace(/\D/g, '').slice(-2).padStart(2, '0')}`;
  const xml = buildDespatchUbl({ doc, id: `${prefix}${issueDate.slice(0, 4)}${String(i + 1).padStart(9, '0')}`, uuid, profile: 'TEMELIRSALIYE', supplier: partyOfCustomer(supplier), issueTime: '08:30:00', view: gibView('despatch') });
  return { xml, uuid };
}

function seedIncoming(db: SandboxDb, world: DemoWorld, options: SeedOptions): void {
  const suppliers = world.customers.filter((c) => c.registered && c.userType === 'OZEL' && c.vkn);
  const companyAlias = new Map(companyRegistrations(world).map((r) => [r.identifier, r.documents[0]!.aliases[0]!.name]));
  for (let i = 0; i < SEED_INCOMING_PER_COMPANY; i++) {
    for (const company of world.companies) {
      const supplier = suppliers[(i * 5 + (company.key === 'ornek' ? 0 : 2)) % suppliers.length]!;
      const daysAgo = SEED_INCOMING_PER_COMPANY - i;
      const arrivedAt = options.now - daysAgo * 86_400_000;
      const { xml } = incomingInvoiceXml(world, company, supplier, i, turkeyDateTime(new Date(arrivedAt)).date, options.seed);
      addIncoming(db, {
        receiverVkn: company.vkn,
        receiverAlias: companyAlias.get(company.vkn)!,
        senderAlias: supplier.aliases[0]!.replace(':defaultpk@', ':defaultgb@'),
        xml: Buffer.from(xml, 'utf8'),
        arrivedAt,
      });
    }
  }
  for (let i = 0; i < SEED_INCOMING_DESPATCHES_PER_COMPANY; i++) {
    for (const company of world.companies) {
      const supplier = suppliers[(i * 3 + 1 + (company.key === 'ornek' ? 0 : 2)) % suppliers.length]!;
      const arrivedAt = options.now - (SEED_INCOMING_DESPATCHES_PER_COMPANY - i) * 86_400_000;
      const { xml } = incomingDespatchXml(world, company, supplier, i, turkeyDateTime(new Date(arrivedAt)).date, options.seed);
      addIncoming(db, {
        receiverVkn: company.vkn,
        receiverAlias: companyAlias.get(company.vkn)!.replace(':defaultpk@', ':irsaliyepk@'),
        senderAlias: (supplier.despatchAliases[0] ?? supplier.aliases[0]!).replace(':defaultpk@', ':irsaliyegb@').replace(':irsaliyepk@', ':irsaliyegb@'),
        kind: 'IRSALIYE',
        xml: Buffer.from(xml, 'utf8'),
        arrivedAt,
      });
    }
  }
}
