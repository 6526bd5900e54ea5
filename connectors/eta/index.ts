import type { CanonicalDocument, ErpDocumentRef, Party } from '../../core/documents/model';
import { incomingHelperTable } from '../shared/incomingHelper';
import { requireDatabase } from '../../core/erp/target';
import { KonnektorError, isKonnektorError } from '../../core/errors';
import type { Module } from '../../core/modules';
import { turkeyDateTime } from '../../core/time';
import { describeColumns, withErpErrors, type ErpDatabase } from '../../db/erp';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import { etaErpMigrations } from '../../migrations/erp/eta';
import type { ConnectorContext, DatabaseInfo, ErpConnector, FirmPeriod, KindCapabilities, OutgoingFilter, WriteBackResult } from '../contract';
import { ColumnSet, inspectTables, mergeChecks } from '../shared/checks';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { modulesOf, readableKind } from '../shared/capabilities';
import { chunks, dateOf, intOf } from '../shared/values';
import { databaseNameOf } from './codes';
import { customerOf as etaCustomerOf, etaText, mapInvoice, supplierOf, type Row } from './map';
import { mapRows, unreadableInvoiceOf } from '../shared/rows';
import { refuseBranch } from '../shared/branch';
import { companiesQuery, invoiceByRefQuery, linesQuery, outgoingHeadersQuery } from './read';
import { ETA_MASTER_DATABASE, ETA_MASTER_TABLES, ETA_TABLES, companyListNeed, identityNeed, invoiceModuleNeeds } from './tables';
import type { InvoiceModule } from '../../core/documents/kinds/types';

/** The invoice modules; both are read from the same invoice rows. */

/**
 * What ETA serves, per document kind: e-Fatura and e-Arşiv invoices are the same FATFIS rows, split by GİB's
 * registered-user list (ETA records neither); ETA has no documented place for the outcome, so ETTN, number and
 * status go into Konnektör's helper table only.
 *
 * e-Defter is refused, with its own code: ETA's journal (MUHFIS header, MUHHAR lines; erp-despatch-ledger-edefter.md
 * §2, [1S] from a live V.8) has no yevmiye madde number column, and GİB's defter cannot be numbered by Konnektör in
 * the program's stead. Should one be found (§7 q.4), the journal reader takes this refusal's place.
 */
const ETA_KINDS = {
  efatura: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  earsiv: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  edefter: {
    read: false,
    writeBack: [],
    refusal: { code: 'EDEFTER_JOURNAL_NUMBER_UNAVAILABLE', detail: 'ETA keeps no yevmiye madde number in MUHFIS/MUHHAR; e-Defter cannot be prepared from it' },
  },
} as const satisfies Record<InvoiceModule | 'edefter', KindCapabilities[string]>;

/** The program's name as the screens and messages show it. */
const ETA_TITLE = 'ETA:SQL / V.8';

const invoiceModule = (module: Module): InvoiceModule => readableKind(ETA_TITLE, ETA_KINDS, module).id as InvoiceModule;
const run = withErpErrors;
const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/** One SIRKET row: a company-year database. */
export interface EtaCompany {
  sirkod: string;
  year: number;
  database: string;
  supplier?: Party;
  taxId?: string;
  title?: string;
}

async function readCompanies(master: ErpDatabase): Promise<EtaCompany[]> {
  const { columns } = await inspectTables(master, [companyListNeed]);
  const rows = (await run(master, () => companiesQuery(master.db, columns))) as Row[];
  const out: EtaCompany[] = [];
  for (const r of rows) {
    const sirkod = etaText(r.SIRKOD);
    const year = intOf(r.SIRDONEM);
    if (sirkod === '' || year < 1900) continue;
    const database = etaText(r.SIRDBNAME) || databaseNameOf(sirkod, year);
    const supplier = supplierOf(r);
    const taxId = etaText(r.SIRVKNTCKN).replace(/\s/g, '');
    out.push({ sirkod, year, database, ...(supplier ? { supplier } : {}), ...(taxId ? { taxId } : {}), ...(supplier ? { title: supplier.name } : {}) });
  }
  return out;
}

async function openCompany(ctx: ConnectorContext, server: string, database: string): Promise<{ erp: ErpDatabase; master: ErpDatabase; company: EtaCompany }> {
  const erp = await ctx.connections.database(server, database);
  const master = await ctx.connections.database(server, ETA_MASTER_DATABASE);
  const company = (await readCompanies(master)).find((c) => same(c.database, erp.name));
  if (!company) {
    throw new KonnektorError('ERP_COMPANY_NOT_FOUND', `${erp.name} is not listed in ${ETA_MASTER_DATABASE}..${ETA_MASTER_TABLES.companies}`, {
      company: erp.name,
      database: erp.name,
    });
  }
  return { erp, master, company };
}

async function readColumns(erp: ErpDatabase): Promise<ColumnSet> {
  const { columns } = await inspectTables(erp, invoiceModuleNeeds());
  const described = await run(erp, () => describeColumns(erp, [ETA_TABLES.identity]));
  if (!described.has(ETA_TABLES.identity.toUpperCase())) return columns;
  return ColumnSet.merge(columns, (await inspectTables(erp, [identityNeed])).columns);
}

export interface EtaConnectorOptions {
  now?: () => Date;
}

export function createEtaConnector(options: EtaConnectorOptions = {}): ErpConnector {
  const now = options.now ?? (() => new Date());
  return {
    id: 'eta',
    title: ETA_TITLE,
    shape: 'database-per-year',
    documentKinds: ETA_KINDS,
    modules: modulesOf(ETA_KINDS),
    erpMigrations: etaErpMigrations,
    incoming: incomingHelperTable,

    async listDatabases(ctx, server): Promise<DatabaseInfo[]> {
      const names = await ctx.connections.listDatabases(server);
      let companies: EtaCompany[] = [];
      if (names.some((n) => same(n, ETA_MASTER_DATABASE))) {
        try {
          companies = await readCompanies(await ctx.connections.database(server, ETA_MASTER_DATABASE));
        } catch (e) {
          if (!isKonnektorError(e) || (e.code !== 'ERP_TABLES_MISSING' && e.code !== 'ERP_COLUMN_MISSING')) throw e;
        }
      }
      const out: DatabaseInfo[] = [];
      for (const name of names) {
        const listed = companies.find((c) => same(c.database, name));
        if (listed) {
          out.push({ name, company: listed.title ?? listed.sirkod, fiscalYear: listed.year, recognised: true });
          continue;
        }
        let recognised = false;
        if (!same(name, ETA_MASTER_DATABASE)) {
          try {
            recognised = await (await ctx.connections.database(server, name)).db.schema.hasTable(ETA_TABLES.header);
          } catch {
            recognised = false;
          }
        }
        out.push({ name, recognised });
      }
      return out;
    },

    /** One row per SIRKET company-year; the companies numbered for the list, this year's database active. */
    async listFirmPeriods(ctx, target): Promise<FirmPeriod[]> {
      const companies = await readCompanies(await ctx.connections.database(target.server, ETA_MASTER_DATABASE));
      const codes = [...new Set(companies.map((c) => c.sirkod))].sort((a, b) => a.localeCompare(b, 'tr-TR'));
      const thisYear = turkeyDateTime(now()).year;
      const out: FirmPeriod[] = [];
      for (const c of [...companies].sort((a, b) => a.sirkod.localeCompare(b.sirkod, 'tr-TR') || a.year - b.year)) {
        const firm = String(codes.indexOf(c.sirkod) + 1).padStart(3, '0');
        if (target.firm && target.firm !== firm) continue;
        const years = companies.filter((x) => x.sirkod === c.sirkod).map((x) => x.year);
        const active = c.year === thisYear || (!years.includes(thisYear) && c.year === Math.max(...years));
        out.push({ firm, firmName: c.title ?? c.sirkod, period: '01', periodBegin: `${c.year}-01-01`, periodEnd: `${c.year}-12-31`, active, database: c.database });
      }
      return out;
    },

    async testConnection(ctx, target, module) {
      refuseBranch('ETA', target);
      invoiceModule(module);
      const { erp, master, company } = await openCompany(ctx, target.server, requireDatabase(target));
      const masterInspection = await inspectTables(master, [companyListNeed]);
      const needs = invoiceModuleNeeds();
      const inspection = await inspectTables(erp, needs);
      return {
        ok: true,
        checks: [
          { name: 'reachable', ok: true },
          { name: 'login', ok: true },
          { name: 'database', ok: true, detail: `${erp.name} (${ETA_MASTER_DATABASE}..${ETA_MASTER_TABLES.companies}, ${company.sirkod} ${company.year})` },
          ...mergeChecks(masterInspection.checks, inspection.checks),
        ],
        tables: [`${ETA_MASTER_DATABASE}..${ETA_MASTER_TABLES.companies}`, ...needs.map((n) => n.table)],
        warnings: [...masterInspection.warnings, ...inspection.warnings],
      };
    },

    async companyOf(ctx, target) {
      const { company } = await openCompany(ctx, target.server, requireDatabase(target));
      return { name: company.title ?? company.sirkod, ...(company.taxId ? { taxId: company.taxId } : {}) };
    },

    /**
     * ETA records neither whether an invoice is an e-Fatura or an e-Arşiv one nor its ETTN in any documented column
     * (codes.ts MODULE_FROM_REGISTRY): the outgoing invoices are split by GİB's registered-user list.
     */
    async readOutgoing(ctx, target, module, filter: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
      // FATFIS keeps no branch: a target naming one is refused rather than read whole.
      refuseBranch('ETA', target);
      const m = invoiceModule(module);
      if (!ctx.recipients) {
        throw new KonnektorError('REGISTRY_REQUIRED', 'ETA invoices are split into e-Fatura and e-Arşiv by GİB’s registered-user list, which this call lacks');
      }
      const { erp, company } = await openCompany(ctx, target.server, requireDatabase(target));
      const columns = await readColumns(erp);
      const helper = await run(erp, () => erp.db.schema.hasTable(EBELGE_TABLE));
      // Paging applies after the split: read the candidates, keep the module's, then cut the page.
      const { limit, offset, ...range } = filter;
      const headers = (await run(erp, () => outgoingHeadersQuery(erp.db, range, { columns, helper }))) as Row[];
      const mine: Row[] = [];
      const registered = new Map<string, boolean>();
      for (const h of headers) {
        const taxId = (etaText(h.C_CARVERHESNO) || etaText(h.K_KIMMERNISNO)).replace(/[\s-]/g, '');
        let isUser = registered.get(taxId);
        if (isUser === undefined) registered.set(taxId, (isUser = taxId !== '' && (await ctx.recipients.isEfaturaUser(taxId))));
        if ((m === 'efatura') === isUser) mine.push(h);
      }
      const page = mine.slice(offset ?? 0, limit !== undefined ? (offset ?? 0) + limit : undefined);
      const linesByInvoice = new Map<number, Row[]>();
      for (const part of chunks(page.map((h) => intOf(h.FATFISREFNO)))) {
        for (const l of (await run(erp, () => linesQuery(erp.db, part, columns))) as Row[]) {
          const k = intOf(l.FATHARREFNO);
          let list = linesByInvoice.get(k);
          if (!list) linesByInvoice.set(k, (list = []));
          list.push(l);
        }
      }
      // Invoices whose every line was cancelled are not outgoing any more.
      return page
        .filter((h) => (linesByInvoice.get(intOf(h.FATFISREFNO)) ?? []).length > 0)
        // One invoice whose rows cannot be read is that invoice's own ERP_VALUE_INVALID; the others are read on.
        .map((h) => {
          const key = String(intOf(h.FATFISREFNO));
          return mapRows(
            (track) =>
              mapInvoice(
                track(h, ETA_TABLES.header, key),
                (linesByInvoice.get(intOf(h.FATFISREFNO)) ?? []).map((l) => track(l, ETA_TABLES.lines, `${key}/${String(l.FATHARSIRANO)}`)),
                { database: erp.name, module: m, ...(company.supplier ? { supplier: company.supplier } : {}) },
              ),
            (readError) =>
              unreadableInvoiceOf(
                {
                  ref: { connector: 'eta', database: erp.name, key },
                  erpNumber: () => etaText(h.FATFISEVRAKNO1) || key,
                  issueDate: () => dateOf(h.FATFISTAR),
                  customer: () => etaCustomerOf(h),
                  ...(company.supplier ? { supplier: company.supplier } : {}),
                },
                m,
                readError,
              ),
          );
        });
    },

    /** ETA has no documented e-document columns: the outcome is recorded in KNK_EBELGE only, keyed by FATFISREFNO. */
    async writeBack(ctx, target, ref: ErpDocumentRef, result: WriteBackResult) {
      const refNo = Number(ref.key);
      if (!/^\d{1,10}$/.test(ref.key) || !Number.isSafeInteger(refNo) || refNo <= 0) {
        throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not an ETA FATFISREFNO: ${JSON.stringify(ref.key)}`, { value: ref.key });
      }
      const { erp } = await openCompany(ctx, target.server, ref.database || requireDatabase(target));
      await run(erp, () =>
        erp.db.transaction(async (trx) => {
          const row = ((await invoiceByRefQuery(trx, refNo)) as Row[])[0];
          if (!row) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No invoice ${refNo} in ${ETA_TABLES.header} of ${erp.name}`, { value: ref.key });
          // The module this document went under: as recorded before, else by the customer's registration.
          const recorded = (await trx.from(EBELGE_TABLE).select('MODUL').where({ FIRMA: '', DONEM: '', ERP_ANAHTAR: String(refNo) }).first()) as { MODUL: string } | undefined;
          let module = recorded?.MODUL;
          if (!module && ctx.recipients) {
            const card = (await trx.from(ETA_TABLES.party).select('CARVERHESNO').where('CARKOD', row.FATFISCARKOD as string).first()) as Row | undefined;
            const taxId = etaText(card?.CARVERHESNO).replace(/[\s-]/g, '');
            module = taxId !== '' && (await ctx.recipients.isEfaturaUser(taxId)) ? 'efatura' : 'earsiv';
          }
          await recordEbelgeStatus(erp, { firm: '', period: '', module: module ?? 'efatura', erpKey: String(refNo) }, result, trx);
        }),
      );
    },
  };
}

export const etaConnector: ErpConnector = createEtaConnector();
