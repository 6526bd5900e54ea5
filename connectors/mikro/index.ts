import Decimal from 'decimal.js';
import { incomingHelperTable } from '../shared/incomingHelper';
import type { CanonicalDocument, ErpDocumentRef, Party } from '../../core/documents/model';
import { requireDatabase, requireFiscalYear, type ErpTarget } from '../../core/erp/target';
import { KonnektorError, isKonnektorError } from '../../core/errors';
import type { Module } from '../../core/modules';
import { turkeyDateTime } from '../../core/time';
import { describeColumns, withErpErrors, type ErpDatabase } from '../../db/erp';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import { mikroErpMigrations } from '../../migrations/erp/mikro';
import type { ConnectorContext, DatabaseInfo, ErpConnector, FirmPeriod, KindCapabilities, OutgoingFilter, WriteBackResult } from '../contract';
import { ColumnSet, inspectTables, mergeChecks } from '../shared/checks';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { modulesOf, readableKind } from '../shared/capabilities';
import { chunks, dateOf, decimalOf, intOf, textOf } from '../shared/values';
import { GUID, fiscalYearSpan, moduleOfEIslem, splitGibNumber } from './codes';
import { customerOf as mikroCustomerOf, guidOf, mapInvoice, supplierOf, type Row } from './map';
import { mapRows, unreadableInvoiceOf } from '../shared/rows';
import { withBranch } from '../shared/branch';
import {
  branchesQuery,
  companiesQuery,
  firmQuery,
  fiscalYearsQuery,
  invoiceByGuidQuery,
  linesQuery,
  outgoingHeadersQuery,
  setEDocumentQuery,
  vatRatesQuery,
} from './read';
import { MIKRO_JOURNAL_NUMBERING_JOB, MIKRO_LEDGER_TABLES, mikroLedgerDocumentNeed, mikroLedgerNeeds, readMikroChartOfAccounts, readMikroJournal } from './ledger';
import { MIKRO_MASTER, MIKRO_MASTER_TABLES, MIKRO_TABLES, companyDatabaseOf, invoiceModuleNeeds, masterNeeds, optionalTableNeeds, writeBackNeeds, yearsNeed } from './tables';
import type { InvoiceModule } from '../../core/documents/kinds/types';

/** The invoice modules; both are read from the same invoice rows. */

/**
 * What Mikro serves, per document kind: e-Fatura and e-Arşiv invoices are CARI_HESAP_HAREKETLERI rows told apart by
 * cha_e_islem_turu; the ETTN goes into cha_uuid, the GİB number into cha_ebelgeno_seri/sira (v17) and the whole
 * outcome into Konnektör's helper table; e-Defter reads the journal (MUHASEBE_FISLERI) and writes nothing back.
 */
const MIKRO_KINDS = {
  efatura: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  earsiv: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  edefter: { read: true, writeBack: [] },
} as const satisfies Record<InvoiceModule | 'edefter', KindCapabilities[string]>;

/** The invoice module asked for; MODULE_NOT_SUPPORTED for e-Defter (read as the journal) and modules Mikro does not serve. */
const invoiceModule = (module: Module): InvoiceModule => {
  const { id } = readableKind('Mikro', MIKRO_KINDS, module);
  if (id !== 'efatura' && id !== 'earsiv') throw new KonnektorError('MODULE_NOT_SUPPORTED', `The Mikro connector reads ${module} otherwise than as invoices`, { value: module });
  return id;
};
const run = withErpErrors;
const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/** One company of VERI_TABANLARI, as Konnektör presents it. */
export interface MikroCompany {
  master: string;
  kod: string;
  name: string;
  database: string;
  startMonth: number;
  startDay: number;
  namedAfterEnd: boolean;
}

/** The master databases (MikroDB_V16, MikroDB_V17) on the server, newest release first. */
function mastersOf(names: readonly string[]): string[] {
  return names.filter((n) => MIKRO_MASTER.test(n)).sort((a, b) => Number(MIKRO_MASTER.exec(b)![1]) - Number(MIKRO_MASTER.exec(a)![1]));
}

async function readCompanies(ctx: ConnectorContext, server: string): Promise<MikroCompany[]> {
  const masters = mastersOf(await ctx.connections.listDatabases(server));
  const out: MikroCompany[] = [];
  for (const master of masters) {
    const db = await ctx.connections.database(server, master);
    const { columns } = await inspectTables(db, masterNeeds());
    for (const r of (await run(db, () => companiesQuery(db.db, columns))) as Row[]) {
      const kod = textOf(r.DB_kod);
      if (kod === '') continue;
      out.push({
        master,
        kod,
        name: textOf(r.DB_isim) || kod,
        database: companyDatabaseOf(master, kod),
        startMonth: intOf(r.DB_maliyil_baslangic_ayi) || 1,
        startDay: intOf(r.DB_maliyil_baslangic_gunu) || 1,
        namedAfterEnd: intOf(r.DB_maliyil_takvim_bitisyili) === 1,
      });
    }
  }
  return out;
}

/**
 * The company of a target: the database must be one VERI_TABANLARI lists (by its database name or by its DB_kod
 * alone), and must exist on the server.
 */
async function companyOfTarget(ctx: ConnectorContext, target: ErpTarget): Promise<{ company: MikroCompany; erp: ErpDatabase }> {
  const wanted = requireDatabase(target);
  const companies = await readCompanies(ctx, target.server);
  if (companies.length === 0) {
    throw new KonnektorError('ERP_TABLES_MISSING', `No Mikro master database (MikroDB_V16/MikroDB_V17) with ${MIKRO_MASTER_TABLES.databases} on the server`, {
      tables: [`MikroDB_V1x..${MIKRO_MASTER_TABLES.databases}`],
    });
  }
  const company = companies.find((c) => same(c.database, wanted)) ?? companies.find((c) => same(c.kod, wanted));
  if (!company) {
    // Open it first: a database that does not exist at all says so.
    await ctx.connections.database(target.server, wanted);
    throw new KonnektorError('ERP_COMPANY_NOT_FOUND', `${wanted} is not a company of ${companies[0]!.master}..${MIKRO_MASTER_TABLES.databases}`, {
      company: wanted,
      database: wanted,
    });
  }
  const erp = await ctx.connections.database(target.server, company.database);
  return { company, erp };
}

async function fiscalYearsOf(erp: ErpDatabase): Promise<number[]> {
  await inspectTables(erp, [invoiceModuleNeeds()[0]!]);
  return ((await run(erp, () => fiscalYearsQuery(erp.db))) as Row[]).map((r) => intOf(r.fmy_maliyil)).filter((y) => y > 1900);
}

interface OpenYear {
  company: MikroCompany;
  erp: ErpDatabase;
  year: number;
  span: { begin: string; end: string };
}

/** Company database and fiscal year of a target; the year must be opened in FIRMA_MALIYIL_BILGILERI. */
async function openYear(ctx: ConnectorContext, target: ErpTarget): Promise<OpenYear> {
  const year = requireFiscalYear(target);
  const { company, erp } = await companyOfTarget(ctx, target);
  const years = await fiscalYearsOf(erp);
  if (!years.includes(year)) {
    throw new KonnektorError('ERP_FISCAL_YEAR_NOT_FOUND', `Fiscal year ${year} is not opened in ${erp.name}.${MIKRO_TABLES.years} (has ${years.join(', ') || 'none'})`, {
      value: String(year),
      database: erp.name,
    });
  }
  return { company, erp, year, span: fiscalYearSpan(year, company.startMonth, company.startDay, company.namedAfterEnd) };
}

async function presentTables(erp: ErpDatabase): Promise<{ columns: ColumnSet; present: Set<string> }> {
  const needs = optionalTableNeeds();
  const described = await run(erp, () => describeColumns(erp, needs.map((n) => n.table)));
  const present = needs.filter((n) => described.has(n.table.toUpperCase()));
  // A table that is there must have the columns Konnektör reads from it.
  const { columns } = await inspectTables(erp, present);
  return { columns, present: new Set(present.map((n) => n.table)) };
}

async function vatRatesOf(erp: ErpDatabase): Promise<Map<number, Decimal>> {
  const rows = (await run(erp, async () => {
    const result = await vatRatesQuery(erp.db);
    return Array.isArray(result) ? result : ((result as { recordset?: unknown[] }).recordset ?? result);
  })) as Row[];
  return new Map(rows.map((r) => [intOf(r.pntr), decimalOf(r.rate)]));
}

async function supplierFor(erp: ErpDatabase, columns: ColumnSet): Promise<{ firm?: Row; branches: Row[] }> {
  const firm = ((await run(erp, () => firmQuery(erp.db, columns))) as Row[])[0];
  const branches = (await run(erp, () => branchesQuery(erp.db))) as Row[];
  return { ...(firm ? { firm } : {}), branches };
}

export interface MikroConnectorOptions {
  /** The clock that decides which fiscal year is active (tests pin it). */
  now?: () => Date;
}

export function createMikroConnector(options: MikroConnectorOptions = {}): ErpConnector {
  const now = options.now ?? (() => new Date());
  return {
    id: 'mikro',
    title: 'Mikro',
    shape: 'database-per-company',
    branchColumn: 'cha_subeno',
    documentKinds: MIKRO_KINDS,
    modules: modulesOf(MIKRO_KINDS),
    journalNumberingJob: MIKRO_JOURNAL_NUMBERING_JOB,
    erpMigrations: mikroErpMigrations,
    incoming: incomingHelperTable,

    async listDatabases(ctx, server): Promise<DatabaseInfo[]> {
      const names = await ctx.connections.listDatabases(server);
      let companies: MikroCompany[] = [];
      try {
        companies = await readCompanies(ctx, server);
      } catch (e) {
        // A MikroDB_V1x database without VERI_TABANLARI is not Mikro's; anything else (login, network) is reported.
        if (!isKonnektorError(e) || (e.code !== 'ERP_TABLES_MISSING' && e.code !== 'ERP_COLUMN_MISSING')) throw e;
      }
      const out: DatabaseInfo[] = [];
      for (const name of names) {
        const listed = companies.find((c) => same(c.database, name));
        if (listed) {
          out.push({ name, company: listed.name, recognised: true });
          continue;
        }
        let recognised = false;
        if (!MIKRO_MASTER.test(name)) {
          try {
            recognised = await (await ctx.connections.database(server, name)).db.schema.hasTable(MIKRO_TABLES.header);
          } catch {
            recognised = false;
          }
        }
        out.push({ name, recognised });
      }
      return out;
    },

    /**
     * "Firma/Dönem Ara": one row per company × fiscal year. The companies are numbered for the list (001, 002…
     * in Turkish alphabetical order of their names); the company database and the fiscal year identify the target.
     */
    async listFirmPeriods(ctx, target): Promise<FirmPeriod[]> {
      const companies = (await readCompanies(ctx, target.server)).sort((a, b) => a.name.localeCompare(b.name, 'tr-TR') || a.database.localeCompare(b.database));
      const thisYear = turkeyDateTime(now()).year;
      const out: FirmPeriod[] = [];
      for (const [i, c] of companies.entries()) {
        const firm = String(i + 1).padStart(3, '0');
        if (target.firm && target.firm !== firm) continue;
        if (target.database && !same(target.database, c.database) && !same(target.database, c.kod)) continue;
        let years: number[];
        try {
          years = await fiscalYearsOf(await ctx.connections.database(target.server, c.database));
        } catch (e) {
          // A company listed in VERI_TABANLARI whose database is gone or unreadable has no rows to offer.
          if (isKonnektorError(e) && (e.code === 'ERP_DATABASE_NOT_FOUND' || e.code === 'ERP_TABLES_MISSING')) continue;
          throw e;
        }
        const activeYear = years.includes(thisYear) ? thisYear : Math.max(...years);
        for (const year of years) {
          const span = fiscalYearSpan(year, c.startMonth, c.startDay, c.namedAfterEnd);
          out.push({ firm, firmName: c.name, period: '', periodBegin: span.begin, periodEnd: span.end, active: year === activeYear, database: c.database, fiscalYear: year });
        }
      }
      return out;
    },

    async testConnection(ctx, target, module) {
      const journal = readableKind('Mikro', MIKRO_KINDS, module).id === 'edefter';
      if (!journal) invoiceModule(module);
      const { erp, company, year } = await openYear(ctx, target);
      const master = await ctx.connections.database(target.server, company.master);
      const masterInspection = await inspectTables(master, masterNeeds());
      if (journal) {
        // e-Defter reads the journal and the chart of accounts; MUHASEBE_FIS_DETAYLARI when there.
        const documents = (await run(erp, () => describeColumns(erp, [MIKRO_LEDGER_TABLES.document]))).has(MIKRO_LEDGER_TABLES.document);
        const needs = [yearsNeed, ...mikroLedgerNeeds(), ...(documents ? [mikroLedgerDocumentNeed()] : [])];
        const inspection = await inspectTables(erp, needs);
        return {
          ok: true,
          checks: [
            { name: 'reachable', ok: true },
            { name: 'login', ok: true },
            { name: 'database', ok: true, detail: `${erp.name} (${company.master}..${MIKRO_MASTER_TABLES.databases}), mali yıl ${year}` },
            ...mergeChecks(masterInspection.checks, inspection.checks),
          ],
          tables: [`${company.master}..${MIKRO_MASTER_TABLES.databases}`, ...needs.map((n) => n.table)],
          warnings: [...masterInspection.warnings, ...inspection.warnings],
        };
      }
      const needs = invoiceModuleNeeds();
      const inspection = await inspectTables(erp, needs);
      const optional = await presentTables(erp);
      return {
        ok: true,
        checks: [
          { name: 'reachable', ok: true },
          { name: 'login', ok: true },
          { name: 'database', ok: true, detail: `${erp.name} (${company.master}..${MIKRO_MASTER_TABLES.databases}), mali yıl ${year}` },
          ...mergeChecks(masterInspection.checks, inspection.checks),
        ],
        tables: [`${company.master}..${MIKRO_MASTER_TABLES.databases}`, ...needs.map((n) => n.table), ...optional.present],
        warnings: [...masterInspection.warnings, ...inspection.warnings, ...(await inspectTables(erp, optionalTableNeeds().filter((n) => optional.present.has(n.table)))).warnings],
      };
    },

    async companyOf(ctx, target) {
      const { erp } = await companyOfTarget(ctx, target);
      const { columns } = await inspectTables(erp, invoiceModuleNeeds());
      const { firm, branches } = await supplierFor(erp, columns);
      const supplier = supplierOf(firm, branches[0]);
      return { name: supplier?.name ?? erp.name, ...(supplier?.taxId.value ? { taxId: supplier.taxId.value } : {}) };
    },

    async readOutgoing(ctx, target, module, outgoing: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
      const m = invoiceModule(module);
      // A target with a branch (şube) reads that branch's invoices only (CARI_HESAP_HAREKETLERI.cha_subeno).
      const filter = withBranch(target, outgoing);
      const { erp, span } = await openYear(ctx, target);
      const { columns } = await inspectTables(erp, invoiceModuleNeeds());
      const optional = await presentTables(erp);
      const allColumns = ColumnSet.merge(columns, optional.columns);
      const helper = await run(erp, () => erp.db.schema.hasTable(EBELGE_TABLE));
      const headers = (await run(erp, () =>
        outgoingHeadersQuery(erp.db, m, span, filter, {
          columns: allColumns,
          eInvoiceOps: optional.present.has(MIKRO_TABLES.eInvoiceOps),
          notes: optional.present.has(MIKRO_TABLES.notes),
          ebelge: optional.present.has(MIKRO_TABLES.ebelge),
          helper,
        }),
      )) as Row[];
      const vatRates = await vatRatesOf(erp);
      const linesByInvoice = new Map<string, Row[]>();
      for (const part of chunks(headers.map((h) => textOf(h.cha_Guid)))) {
        for (const l of (await run(erp, () => linesQuery(erp.db, part, { lineExt: optional.present.has(MIKRO_TABLES.lineExt) }))) as Row[]) {
          const k = guidOf(l.sth_fat_uid);
          let list = linesByInvoice.get(k);
          if (!list) linesByInvoice.set(k, (list = []));
          list.push(l);
        }
      }
      const { firm, branches } = await supplierFor(erp, columns);
      const suppliers = new Map<number, Party | undefined>();
      const supplierAt = (sube: number) => {
        if (!suppliers.has(sube)) suppliers.set(sube, supplierOf(firm, branches.find((b) => intOf(b.Sube_no) === sube) ?? branches[0]));
        return suppliers.get(sube);
      };
      // One invoice whose rows cannot be read is that invoice's own ERP_VALUE_INVALID; the others are read on.
      return headers.map((h) => {
        const supplier = supplierAt(intOf(h.cha_subeno));
        const key = guidOf(h.cha_Guid);
        return mapRows(
          (track) =>
            mapInvoice(
              track(h, MIKRO_TABLES.header, key),
              (linesByInvoice.get(key) ?? []).map((l) => track(l, MIKRO_TABLES.lines, l.sth_Guid)),
              { database: erp.name, module: m, vatRates, ...(supplier ? { supplier } : {}) },
            ),
          (readError) =>
            unreadableInvoiceOf(
              {
                ref: { connector: 'mikro', database: erp.name, key },
                erpNumber: () => `${textOf(h.cha_evrakno_seri)}${textOf(h.cha_evrakno_seri) ? '-' : ''}${intOf(h.cha_evrakno_sira)}`,
                issueDate: () => dateOf(h.cha_tarihi),
                customer: () => mikroCustomerOf(h),
                ...(supplier ? { supplier } : {}),
              },
              m,
              readError,
            ),
        );
      });
    },

    /** The journal of the target's fiscal year (MUHASEBE_FISLERI rows of `fis_maliyil`), in book order. */
    async *readJournal(ctx, target, query) {
      const { erp, company, year } = await openYear(ctx, target);
      const master = await ctx.connections.database(target.server, company.master);
      yield* readMikroJournal({ erp, master, fiscalYear: year }, query);
    },

    async readChartOfAccounts(ctx, target) {
      const { erp } = await companyOfTarget(ctx, target);
      return readMikroChartOfAccounts(erp);
    },

    /**
     * Writes the ETTN into cha_uuid (when Mikro has not filled it) and, once the document has gone (not `failed`),
     * the GİB number into cha_ebelgeno_seri / cha_ebelgeno_sira (v17); KNK_EBELGE keeps status and GİB's answer.
     */
    async writeBack(ctx, target, ref: ErpDocumentRef, result: WriteBackResult) {
      if (!GUID.test(ref.key)) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not a Mikro cha_Guid: ${JSON.stringify(ref.key)}`, { value: ref.key });
      const guid = ref.key.toLowerCase();
      const { erp } = await companyOfTarget(ctx, { ...target, database: ref.database || requireDatabase(target) });
      const { columns } = await inspectTables(erp, writeBackNeeds());
      await run(erp, () =>
        erp.db.transaction(async (trx) => {
          const row = ((await invoiceByGuidQuery(trx, guid, columns)) as Row[])[0];
          if (!row) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No sales invoice ${guid} in ${MIKRO_TABLES.header} of ${erp.name}`, { value: ref.key });
          const current = textOf(row.cha_uuid).toLowerCase();
          if (current !== '' && current !== result.ettn.toLowerCase()) {
            throw new KonnektorError('ERP_ETTN_CONFLICT', `Invoice ${guid} already has cha_uuid ${current}`, { ettn: current });
          }
          const module = moduleOfEIslem(intOf(row.cha_e_islem_turu)) ?? 'efatura';
          const values: { cha_uuid?: string; cha_ebelgeno_seri?: string; cha_ebelgeno_sira?: number } = {};
          if (current === '') values.cha_uuid = result.ettn.toUpperCase();
          const number = result.status !== 'failed' ? splitGibNumber(result.number) : undefined;
          if (number && columns.has(MIKRO_TABLES.header, 'cha_ebelgeno_sira') && intOf(row.cha_ebelgeno_sira) === 0) {
            values.cha_ebelgeno_seri = number.seri;
            values.cha_ebelgeno_sira = number.sira;
          }
          if (Object.keys(values).length > 0) await setEDocumentQuery(trx, guid, values);
          await recordEbelgeStatus(erp, { firm: '', period: '', module, erpKey: guid }, result, trx);
        }),
      );
    },
  };
}

export const mikroConnector: ErpConnector = createMikroConnector();
