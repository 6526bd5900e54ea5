import type { CanonicalDocument, ErpDocumentRef, Party } from '../../core/documents/model';
import { incomingHelperTable } from '../shared/incomingHelper';
import { requireDatabase } from '../../core/erp/target';
import { KonnektorError, isKonnektorError } from '../../core/errors';
import { isCalendarDate, turkeyDateTime } from '../../core/time';
import type { Module } from '../../core/modules';
import { describeColumns, withErpErrors, type ErpDatabase } from '../../db/erp';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import { netsisErpMigrations } from '../../migrations/erp/netsis';
import type { ConnectorContext, DatabaseInfo, ErpConnector, FirmPeriod, KindCapabilities, OutgoingFilter, WriteBackResult } from '../contract';
import { checkTables, inspectTables, mergeChecks, type TableNeed } from '../shared/checks';
import { invoiceKindOf, modulesOf, readableKind } from '../shared/capabilities';
import { NETSIS_DESPATCH, despatchModuleNeeds, readNetsisDespatches, writeBackNetsisDespatch } from './despatch';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { mapRows } from '../shared/rows';
import { chunks, intOf, textOf } from '../shared/values';
import { OUTGOING_FTIRSIP, companyOfDatabase, fiscalYearOf, kindOfEbelge, sameDatabase, EBELGE_BY_KIND, type NetsisInvoiceKind } from './codes';
import { netsisLedgerNeeds, readNetsisChartOfAccounts, readNetsisJournal } from './ledger';
import { codeOf, invoiceKeyOf, mapInvoice, netsisText, optionalNetsisText, parseInvoiceKey, serializeInvoiceKey, supplierOf, unreadableInvoice, type Row } from './map';
import { withBranch } from '../shared/branch';
import { companiesQuery, currenciesQuery, invoiceByKeyQuery, linesQuery, outgoingHeadersQuery, recordedEttnsQuery, setGibNumberQuery } from './read';
import {
  NETSIS_SYSTEM_DATABASE,
  NETSIS_SYSTEM_TABLES,
  NETSIS_TABLES,
  SIRKETLER30_OPTIONAL_COLUMNS,
  companyListNeed,
  headerExtNeed,
  invoiceModuleNeeds,
  systemNeeds,
  writeBackNeeds,
} from './tables';

/**
 * What Netsis serves, per document kind: e-Fatura and e-Arşiv invoices are TBLFATUIRS rows told apart by EBELGE,
 * whose GİB number goes into GIB_FATIRS_NO and full outcome into Konnektör's helper table; e-Defter reads the
 * journal (TBLMUHFIS) and writes nothing back.
 */
const NETSIS_KINDS = {
  efatura: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  earsiv: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  // Sales despatches (TBLFATUIRS FTIRSIP '3' + TBLEIRSMAS): the GİB number into GIB_FATIRS_NO, everything into KNK_EBELGE.
  eirsaliye: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  edefter: { read: true, writeBack: [] },
} as const satisfies Record<NetsisInvoiceKind | 'eirsaliye' | 'edefter', KindCapabilities[string]>;

const invoiceModule = (module: Module): NetsisInvoiceKind => invoiceKindOf('Netsis', NETSIS_KINDS, EBELGE_BY_KIND, module);

/** The company database's tables each kind reads: both invoice kinds TBLFATUIRS and TBLSTHAR, e-Defter the vouchers. */
const NEEDS_BY_KIND: Record<keyof typeof NETSIS_KINDS, () => TableNeed[]> = {
  efatura: invoiceModuleNeeds,
  earsiv: invoiceModuleNeeds,
  eirsaliye: despatchModuleNeeds,
  edefter: netsisLedgerNeeds,
};

function checkFilter(filter: OutgoingFilter): void {
  for (const value of [filter.from, filter.to]) {
    if (value !== undefined && !isCalendarDate(value)) {
      throw new KonnektorError('ERP_DATE_INVALID', `Not a YYYY-MM-DD date: ${JSON.stringify(value)}`, { value });
    }
  }
}

const run = withErpErrors;

/** One SIRKETLER30 row, as Konnektör presents it. */
export interface NetsisCompany {
  database: string;
  /** The database name without its year: what groups a company's years. */
  company: string;
  /** SIRKETLER30.UNVAN when the site has it [I]. */
  title?: string;
  fiscalYear?: number;
  supplier?: Party;
}

async function readCompanies(system: ErpDatabase): Promise<NetsisCompany[]> {
  await checkTables(system, [companyListNeed]);
  const have = (await run(system, () => describeColumns(system, [NETSIS_SYSTEM_TABLES.companies]))).get(NETSIS_SYSTEM_TABLES.companies) ?? new Set();
  const optional = SIRKETLER30_OPTIONAL_COLUMNS.filter((c) => have.has(c));
  const rows = (await run(system, () => companiesQuery(system.db, optional))) as Row[];
  const out: NetsisCompany[] = [];
  for (const row of rows) {
    const database = textOf(row.SIRKET);
    if (database === '' || out.some((c) => sameDatabase(c.database, database))) continue;
    const fiscalYear = fiscalYearOf(database, row.SIRKETYILI);
    const title = optionalNetsisText(row.UNVAN);
    const supplier = supplierOf(row);
    out.push({
      database,
      company: companyOfDatabase(database, fiscalYear),
      ...(title ? { title } : {}),
      ...(fiscalYear !== undefined ? { fiscalYear } : {}),
      ...(supplier ? { supplier } : {}),
    });
  }
  return out;
}

/**
 * SIRKETLER30 has no firm number, so Konnektör numbers the companies (the database names without their year) in
 * Turkish alphabetical order: 001, 002, … Every year of a company shares its number. It is a label for the
 * "Firma/Dönem Ara" list; the company database is what identifies a Netsis target.
 */
export function firmPeriodsOf(companies: readonly NetsisCompany[], now: Date): FirmPeriod[] {
  const names = [...new Set(companies.map((c) => c.company))].sort((a, b) => a.localeCompare(b, 'tr-TR'));
  const thisYear = turkeyDateTime(now).year;
  const out: FirmPeriod[] = [];
  for (const c of [...companies].sort((a, b) => a.company.localeCompare(b.company, 'tr-TR') || (a.fiscalYear ?? 0) - (b.fiscalYear ?? 0))) {
    const years = companies.filter((x) => x.company === c.company).map((x) => x.fiscalYear ?? 0);
    // The current year's database is the active one; a company without one has its latest year active.
    const active = c.fiscalYear !== undefined && (c.fiscalYear === thisYear || (!years.includes(thisYear) && c.fiscalYear === Math.max(...years)));
    out.push({
      firm: String(names.indexOf(c.company) + 1).padStart(3, '0'),
      firmName: c.title ?? c.company,
      period: '01',
      periodBegin: c.fiscalYear !== undefined ? `${c.fiscalYear}-01-01` : '',
      periodEnd: c.fiscalYear !== undefined ? `${c.fiscalYear}-12-31` : '',
      active,
      database: c.database,
    });
  }
  return out;
}

interface OpenCompany {
  erp: ErpDatabase;
  system: ErpDatabase;
  company: NetsisCompany;
}

/**
 * Opens the company database (ERP_DATABASE_NOT_FOUND when the server has none by that name) and the NETSIS system
 * database, and checks that SIRKETLER30 lists the company: Netsis only works with databases it knows.
 */
async function openCompany(ctx: ConnectorContext, server: string, database: string): Promise<OpenCompany> {
  const erp = await ctx.connections.database(server, database);
  const system = await ctx.connections.database(server, NETSIS_SYSTEM_DATABASE);
  const company = (await readCompanies(system)).find((c) => sameDatabase(c.database, erp.name));
  if (!company) {
    throw new KonnektorError('ERP_COMPANY_NOT_FOUND', `${erp.name} is not listed in ${NETSIS_SYSTEM_DATABASE}..${NETSIS_SYSTEM_TABLES.companies}`, {
      company: erp.name,
      database: erp.name,
    });
  }
  return { erp, system, company };
}

/** TBLFATUEK is optional: read when present, and then it must have the fields Konnektör reads. */
async function hasHeaderExtension(erp: ErpDatabase): Promise<boolean> {
  const described = await run(erp, () => describeColumns(erp, [NETSIS_TABLES.headerExt]));
  if (!described.has(NETSIS_TABLES.headerExt.toUpperCase())) return false;
  await checkTables(erp, [headerExtNeed]);
  return true;
}

export interface NetsisConnectorOptions {
  /** The clock that decides which company-year is active (tests pin it). */
  now?: () => Date;
}

export function createNetsisConnector(options: NetsisConnectorOptions = {}): ErpConnector {
  const now = options.now ?? (() => new Date());
  return {
    id: 'netsis',
    title: 'Netsis 3',
    shape: 'database-per-year',
    branchColumn: 'SUBE_KODU',
    documentKinds: NETSIS_KINDS,
    modules: modulesOf(NETSIS_KINDS),
    // RESM_YEVMNO is assigned by Netsis's "klasik fiş sıralama" (N-KB, erp-despatch-ledger-edefter.md §4).
    journalNumberingJob: 'Klasik fiş sıralama (resmi yevmiye numarası verme)',
    erpMigrations: netsisErpMigrations,
    incoming: incomingHelperTable,

    async listDatabases(ctx, server): Promise<DatabaseInfo[]> {
      const names = await ctx.connections.listDatabases(server);
      let companies: NetsisCompany[] = [];
      if (names.some((n) => sameDatabase(n, NETSIS_SYSTEM_DATABASE))) {
        try {
          companies = await readCompanies(await ctx.connections.database(server, NETSIS_SYSTEM_DATABASE));
        } catch (e) {
          // A NETSIS database without the company list is not Netsis's; anything else (login, network) is reported.
          if (!isKonnektorError(e) || (e.code !== 'ERP_TABLES_MISSING' && e.code !== 'ERP_COLUMN_MISSING')) throw e;
        }
      }
      const out: DatabaseInfo[] = [];
      for (const name of names) {
        const listed = companies.find((c) => sameDatabase(c.database, name));
        if (listed) {
          out.push({ name, company: listed.title ?? listed.company, ...(listed.fiscalYear !== undefined ? { fiscalYear: listed.fiscalYear } : {}), recognised: true });
          continue;
        }
        let recognised = false;
        if (!sameDatabase(name, NETSIS_SYSTEM_DATABASE)) {
          try {
            const erp = await ctx.connections.database(server, name);
            recognised = await erp.db.schema.hasTable(NETSIS_TABLES.header);
          } catch {
            recognised = false;
          }
        }
        out.push({ name, recognised });
      }
      return out;
    },

    async listFirmPeriods(ctx, target): Promise<FirmPeriod[]> {
      const system = await ctx.connections.database(target.server, NETSIS_SYSTEM_DATABASE);
      const periods = firmPeriodsOf(await readCompanies(system), now());
      return periods.filter((p) => !target.firm || p.firm === target.firm);
    },

    async testConnection(ctx, target, module) {
      // The call refuses the modules Netsis does not read (MODULE_NOT_SUPPORTED) before opening anything.
      const kind = readableKind('Netsis', NETSIS_KINDS, module).id as keyof typeof NETSIS_KINDS;
      const { erp, system } = await openCompany(ctx, target.server, requireDatabase(target));
      const systemInspection = await inspectTables(system, systemNeeds());
      const needs = NEEDS_BY_KIND[kind]();
      const companyInspection = await inspectTables(erp, needs);
      return {
        ok: true,
        checks: [
          { name: 'reachable', ok: true },
          { name: 'login', ok: true },
          { name: 'database', ok: true, detail: `${erp.name} (${NETSIS_SYSTEM_DATABASE}..${NETSIS_SYSTEM_TABLES.companies})` },
          ...mergeChecks(systemInspection.checks, companyInspection.checks),
        ],
        tables: [...systemNeeds().map((n) => `${NETSIS_SYSTEM_DATABASE}..${n.table}`), ...needs.map((n) => n.table)],
        warnings: [...systemInspection.warnings, ...companyInspection.warnings],
      };
    },

    async companyOf(ctx, target) {
      const { company } = await openCompany(ctx, target.server, requireDatabase(target));
      const taxId = company.supplier?.taxId.value;
      return { name: company.title ?? company.company, ...(taxId ? { taxId } : {}) };
    },

    async readOutgoing(ctx, target, module, outgoing: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
      // A target with a branch (şube) reads that branch's documents only (TBLFATUIRS.SUBE_KODU).
      const filter = withBranch(target, outgoing);
      if (module === 'eirsaliye') {
        readableKind('Netsis', NETSIS_KINDS, module);
        checkFilter(filter);
        const { erp, company } = await openCompany(ctx, target.server, requireDatabase(target));
        await checkTables(erp, despatchModuleNeeds());
        return readNetsisDespatches(erp, filter, company.supplier ? { supplier: company.supplier } : {});
      }
      const m = invoiceModule(module);
      checkFilter(filter);
      const { erp, system, company } = await openCompany(ctx, target.server, requireDatabase(target));
      await checkTables(system, systemNeeds());
      const { columns } = await inspectTables(erp, invoiceModuleNeeds());
      const extension = await hasHeaderExtension(erp);

      const currencies = new Map<number, string>();
      for (const r of (await run(system, () => currenciesQuery(system.db))) as Row[]) currencies.set(intOf(r.SIRA), netsisText(r.ISIM));

      const headers = (await run(erp, () => outgoingHeadersQuery(erp.db, m, filter, { extension, columns }))) as Row[];
      const lineKey = (fisno: unknown, cari: unknown) => `${codeOf(fisno)}\u0000${codeOf(cari)}`;
      const linesByInvoice = new Map<string, Row[]>();
      for (const part of chunks([...new Set(headers.map((h) => codeOf(h.FATIRS_NO)))])) {
        for (const l of (await run(erp, () => linesQuery(erp.db, part, columns))) as Row[]) {
          const k = lineKey(l.FISNO, l.STHAR_ACIKLAMA);
          let list = linesByInvoice.get(k);
          if (!list) linesByInvoice.set(k, (list = []));
          list.push(l);
        }
      }

      const keys = headers.map((h) => serializeInvoiceKey(invoiceKeyOf(h)));
      const ettns = new Map<string, string>();
      if (keys.length > 0 && (await run(erp, () => erp.db.schema.hasTable(EBELGE_TABLE)))) {
        for (const part of chunks(keys)) {
          for (const r of (await run(erp, () => recordedEttnsQuery(erp.db, m, part))) as Row[]) ettns.set(textOf(r.ERP_ANAHTAR), textOf(r.ETTN));
        }
      }

      // One invoice whose rows cannot be read is that invoice's own error; the others are read on.
      return headers.map((h, i) => {
        const ettn = ettns.get(keys[i]!);
        const mapCtx = { database: erp.name, module: m, currencies, ...(company.supplier ? { supplier: company.supplier } : {}), ...(ettn ? { ettn } : {}) };
        return mapRows(
          (track) =>
            mapInvoice(
              track(h, NETSIS_TABLES.header, keys[i]),
              (linesByInvoice.get(lineKey(h.FATIRS_NO, h.CARI_KODU)) ?? []).map((l) => track(l, NETSIS_TABLES.lines, l.INCKEYNO)),
              mapCtx,
            ),
          (readError) => unreadableInvoice(h, mapCtx, readError),
        );
      });
    },

    async *readJournal(ctx, target, query) {
      const { erp } = await openCompany(ctx, target.server, requireDatabase(target));
      yield* readNetsisJournal(erp, query);
    },

    async readChartOfAccounts(ctx, target) {
      const { erp } = await openCompany(ctx, target.server, requireDatabase(target));
      return readNetsisChartOfAccounts(erp);
    },

    async writeBack(ctx, target, ref: ErpDocumentRef, result: WriteBackResult) {
      const key = parseInvoiceKey(ref.key);
      if (key.ftirsip === NETSIS_DESPATCH.ftirsip) {
        const { erp } = await openCompany(ctx, target.server, ref.database || requireDatabase(target));
        return writeBackNetsisDespatch(erp, key, result);
      }
      // Only outgoing sales invoices and sales despatches are ever handed out, so only they are written to.
      if (key.ftirsip !== OUTGOING_FTIRSIP) {
        throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not an outgoing Netsis invoice: ${ref.key}`, { value: ref.key });
      }
      const database = ref.database || requireDatabase(target);
      const { erp } = await openCompany(ctx, target.server, database);
      await checkTables(erp, writeBackNeeds());
      const erpKey = serializeInvoiceKey(key);
      await run(erp, () =>
        erp.db.transaction(async (trx) => {
          const row = ((await invoiceByKeyQuery(trx, key)) as Row[])[0];
          if (!row) {
            throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No invoice ${erpKey} in ${NETSIS_TABLES.header} of ${erp.name}`, { value: ref.key });
          }
          const current = textOf(row.GIB_FATIRS_NO);
          if (current !== '' && current !== result.number) {
            throw new KonnektorError('ERP_ETTN_CONFLICT', `Invoice ${erpKey} already has GİB number ${current}`, { number: current });
          }
          const module = kindOfEbelge(intOf(row.EBELGE)) ?? 'efatura';
          // A failed send leaves the number empty, so the bookkeeper can correct the invoice and send it again.
          if (result.status !== 'failed' && current === '') await setGibNumberQuery(trx, key, result.number);
          await recordEbelgeStatus(erp, { firm: '', period: '', module, erpKey }, result, trx);
        }),
      );
    },
  };
}

export const netsisConnector: ErpConnector = createNetsisConnector();
