import type { CanonicalDocument, ErpDocumentRef } from '../../core/documents/model';
import { incomingHelperTable } from '../shared/incomingHelper';
import { requireDatabase, requireFirm, requirePeriod, type ErpTarget } from '../../core/erp/target';
import { KonnektorError } from '../../core/errors';
import type { Module } from '../../core/modules';
import { withErpErrors, type ErpDatabase } from '../../db/erp';
import { logoErpMigrations } from '../../migrations/erp/logo';
import type { ConnectorContext, DatabaseInfo, ErpConnector, FirmPeriod, KindCapabilities, OutgoingFilter, WriteBackResult } from '../contract';
import { checkTables, inspectTables, type TableNeed } from '../shared/checks';
import { invoiceKindOf, modulesOf, readableKind } from '../shared/capabilities';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { mapRows, unreadableProducerReceipt } from '../shared/rows';
import { chunks, dateOf, intOf, textOf } from '../shared/values';
import { EINVOICE_BY_KIND, estatusFor, kindOfEinvoice, type LogoInvoiceKind } from './codes';
import { despatchModuleNeeds, despatchRefOf, readLogoDespatches, writeBackLogoDespatch } from './despatch';
import { ledgerNeeds, readLogoChartOfAccounts, readLogoJournal } from './ledger';
import { LOGO_EMM, mapProducerReceipt, producerReceiptHeadersQuery, producerReceiptLinesQuery, producerReceiptNeeds } from './receipts';
import { customerOf, mapInvoice, supplierOf, unreadableInvoice, type Row } from './map';
import { currencyListQuery, firmPeriodsQuery, firmQuery, invoiceByRefQuery, linesQuery, outgoingHeadersQuery } from './read';
import { LOGO_SYSTEM_TABLES, invoiceModuleNeeds, logoTables } from './tables';
import { withBranch, type BranchFilter } from '../shared/branch';

/**
 * What Logo serves, per document kind: e-Fatura and e-Arşiv invoices are INVOICE rows told apart by EINVOICE, whose
 * outcome goes into INVOICE.GUID and ESTATUS and, in full, into Konnektör's helper table; e-Defter reads the
 * journal (EMFICHE/EMFLINE) and writes nothing back.
 */
const LOGO_KINDS = {
  efatura: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  earsiv: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  // Sales despatches (STFICHE): ETTN into GUID, sent into EDESPSTATUS, everything into KNK_EBELGE.
  eirsaliye: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
  edefter: { read: true, writeBack: [] },
  // e-MM: INVOICE rows of TRCODE 26 (receipts.ts says which columns are inferred).
  emm: { read: true, writeBack: ['ettn', 'number', 'status', 'gibCode', 'message'] },
} as const satisfies Record<LogoInvoiceKind | 'eirsaliye' | 'edefter' | 'emm', KindCapabilities[string]>;

const invoiceKind = (module: Module): LogoInvoiceKind => invoiceKindOf('Logo', LOGO_KINDS, EINVOICE_BY_KIND, module);

/** The tables each kind reads: both invoice kinds INVOICE and STLINE, e-İrsaliye STFICHE and its transport, e-Defter the vouchers. */
const NEEDS_BY_KIND: Record<keyof typeof LOGO_KINDS, (firm: string, period: string) => TableNeed[]> = {
  efatura: invoiceModuleNeeds,
  earsiv: invoiceModuleNeeds,
  eirsaliye: despatchModuleNeeds,
  edefter: ledgerNeeds,
  emm: producerReceiptNeeds,
};

const run = withErpErrors;

/** Logo keeps every firm and period in one database; the firm/period must exist in L_CAPIFIRM/L_CAPIPERIOD. */
async function openChecked(ctx: ConnectorContext, target: ErpTarget): Promise<{ erp: ErpDatabase; firm: string; period: string }> {
  const firm = requireFirm(target);
  const period = requirePeriod(target);
  const erp = await ctx.connections.database(target.server, requireDatabase(target));
  await checkTables(erp, [
    { table: LOGO_SYSTEM_TABLES.firm, columns: ['NR'] },
    { table: LOGO_SYSTEM_TABLES.period, columns: ['FIRMNR', 'NR'] },
  ]);
  const rows = (await run(erp, () => firmPeriodsQuery(erp.db))) as Row[];
  if (!rows.some((r) => intOf(r.firmNr) === Number(firm))) {
    throw new KonnektorError('ERP_FIRM_NOT_FOUND', `Firm ${firm} is not in L_CAPIFIRM of ${erp.name}`, { value: firm, database: erp.name });
  }
  if (!rows.some((r) => intOf(r.firmNr) === Number(firm) && intOf(r.periodNr) === Number(period))) {
    throw new KonnektorError('ERP_PERIOD_NOT_FOUND', `Period ${period} of firm ${firm} is not in L_CAPIPERIOD of ${erp.name}`, {
      value: period,
      database: erp.name,
    });
  }
  return { erp, firm, period };
}

/** Unsent müstahsil makbuzları (TRCODE 26) with their lines, the firm as the buyer who issues them. */
async function readProducerReceipts(ctx: ConnectorContext, target: ErpTarget, filter: BranchFilter): Promise<CanonicalDocument[]> {
  const { erp, firm, period } = await openChecked(ctx, target);
  await checkTables(erp, producerReceiptNeeds(firm, period));
  const firmRow = ((await run(erp, () => firmQuery(erp.db, Number(firm)))) as Row[])[0];
  const headers = (await run(erp, () => producerReceiptHeadersQuery(erp.db, firm, period, filter))) as Row[];
  const linesBySlip = new Map<number, Row[]>();
  for (const part of chunks(headers.map((h) => intOf(h.LOGICALREF)))) {
    for (const l of (await run(erp, () => producerReceiptLinesQuery(erp.db, firm, period, part))) as Row[]) {
      const ref = intOf(l.INVOICEREF);
      let list = linesBySlip.get(ref);
      if (!list) linesBySlip.set(ref, (list = []));
      list.push(l);
    }
  }
  const supplier = firmRow ? supplierOf(firmRow) : undefined;
  const context = { database: erp.name, firm, period, invoiceTable: logoTables(firm, period).invoice, ...(supplier ? { supplier } : {}) };
  const tables = logoTables(firm, period);
  // One slip whose rows cannot be read is that slip's own ERP_VALUE_INVALID; the others are read on.
  return headers.map((h) =>
    mapRows(
      (track) => mapProducerReceipt(track(h, tables.invoice, h.LOGICALREF), (linesBySlip.get(intOf(h.LOGICALREF)) ?? []).map((l) => track(l, tables.stline, l.LOGICALREF)), context),
      (readError) =>
        unreadableProducerReceipt(
          {
            ref: { connector: 'logo', database: erp.name, firm, period, key: String(intOf(h.LOGICALREF)) },
            erpNumber: () => textOf(h.FICHENO),
            issueDate: () => dateOf(h.DATE_),
            customer: () => customerOf(h),
            ...(supplier ? { supplier } : {}),
          },
          readError,
        ),
    ),
  );
}

export const logoConnector: ErpConnector = {
  id: 'logo',
  title: 'Logo Tiger / Go',
  shape: 'firm-period',
  branchColumn: 'BRANCH',
  documentKinds: LOGO_KINDS,
  modules: modulesOf(LOGO_KINDS),
  // Muhasebe → İşlemler → "Yevmiye madde numaralama" (erp-despatch-ledger-edefter.md §3).
  journalNumberingJob: 'Yevmiye madde numaralama',
  erpMigrations: logoErpMigrations,
  incoming: incomingHelperTable,

  async listDatabases(ctx, server): Promise<DatabaseInfo[]> {
    const names = await ctx.connections.listDatabases(server);
    const out: DatabaseInfo[] = [];
    for (const name of names) {
      let recognised = false;
      try {
        const erp = await ctx.connections.database(server, name);
        recognised = await erp.db.schema.hasTable(LOGO_SYSTEM_TABLES.firm);
      } catch {
        recognised = false;
      }
      out.push({ name, recognised });
    }
    return out;
  },

  async listFirmPeriods(ctx, target): Promise<FirmPeriod[]> {
    const erp = await ctx.connections.database(target.server, requireDatabase(target));
    await checkTables(erp, [
      { table: LOGO_SYSTEM_TABLES.firm, columns: ['NR', 'NAME'] },
      { table: LOGO_SYSTEM_TABLES.period, columns: ['FIRMNR', 'NR', 'BEGDATE', 'ENDDATE', 'ACTIVE'] },
    ]);
    const rows = (await run(erp, () => firmPeriodsQuery(erp.db))) as Row[];
    return rows
      .filter((r) => !target.firm || intOf(r.firmNr) === Number(target.firm))
      .map((r) => ({
        firm: String(intOf(r.firmNr)).padStart(3, '0'),
        firmName: textOf(r.firmTitle) || textOf(r.firmName),
        period: String(intOf(r.periodNr)).padStart(2, '0'),
        periodBegin: dateOf(r.begDate),
        periodEnd: dateOf(r.endDate),
        active: intOf(r.active) === 1,
      }));
  },

  async testConnection(ctx, target, module) {
    // The call refuses the modules Logo does not read (MODULE_NOT_SUPPORTED) before opening anything.
    const kind = readableKind('Logo', LOGO_KINDS, module).id as keyof typeof LOGO_KINDS;
    const { erp, firm, period } = await openChecked(ctx, target);
    const needs = NEEDS_BY_KIND[kind](firm, period);
    const inspection = await inspectTables(erp, needs);
    return {
      ok: true,
      checks: [{ name: 'reachable', ok: true }, { name: 'login', ok: true }, { name: 'database', ok: true, detail: erp.name }, ...inspection.checks],
      tables: needs.map((n) => n.table),
      warnings: inspection.warnings,
    };
  },

  async companyOf(ctx, target) {
    const { erp, firm } = await openChecked(ctx, target);
    const row = ((await run(erp, () => firmQuery(erp.db, Number(firm)))) as Row[])[0];
    const supplier = row ? supplierOf(row) : undefined;
    return { name: supplier?.name ?? firm, ...(supplier?.taxId.value ? { taxId: supplier.taxId.value } : {}) };
  },

  async readOutgoing(ctx, target, module, outgoing: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
    // A target with a branch (şube) reads that branch's documents only (INVOICE.BRANCH, STFICHE.BRANCH).
    const filter = withBranch(target, outgoing);
    if (module === 'emm') return readProducerReceipts(ctx, target, filter);
    if (module === 'eirsaliye') {
      readableKind('Logo', LOGO_KINDS, module);
      const { erp, firm, period } = await openChecked(ctx, target);
      const { columns } = await inspectTables(erp, despatchModuleNeeds(firm, period));
      const firmRow = ((await run(erp, () => firmQuery(erp.db, Number(firm)))) as Row[])[0];
      return readLogoDespatches(erp, firm, period, columns, filter, firmRow ? { supplier: supplierOf(firmRow) } : {});
    }
    const m = invoiceKind(module);
    const { erp, firm, period } = await openChecked(ctx, target);
    const { columns } = await inspectTables(erp, invoiceModuleNeeds(firm, period));
    const firmRow = ((await run(erp, () => firmQuery(erp.db, Number(firm)))) as Row[])[0];
    const currencies = new Map<number, string>();
    if (await erp.db.schema.hasTable(LOGO_SYSTEM_TABLES.currency)) {
      for (const r of (await run(erp, () => currencyListQuery(erp.db, Number(firm)))) as Row[]) currencies.set(intOf(r.CURTYPE), textOf(r.CURCODE));
    }
    const headers = (await run(erp, () => outgoingHeadersQuery(erp.db, firm, period, m, filter, columns))) as Row[];
    const linesByInvoice = new Map<number, Row[]>();
    for (const part of chunks(headers.map((h) => intOf(h.LOGICALREF)))) {
      const lines = (await run(erp, () => linesQuery(erp.db, firm, period, part, columns))) as Row[];
      for (const l of lines) {
        const ref = intOf(l.INVOICEREF);
        let list = linesByInvoice.get(ref);
        if (!list) linesByInvoice.set(ref, (list = []));
        list.push(l);
      }
    }
    const supplier = firmRow ? supplierOf(firmRow) : undefined;
    const tables = logoTables(firm, period);
    const mapCtx = { database: erp.name, firm, period, module: m, currencies, invoiceTable: tables.invoice, ...(supplier ? { supplier } : {}) };
    // One invoice whose rows cannot be read is that invoice's own error; the others are read on.
    return headers.map((h) =>
      mapRows(
        (track) =>
          mapInvoice(
            track(h, tables.invoice, h.LOGICALREF),
            (linesByInvoice.get(intOf(h.LOGICALREF)) ?? []).map((l) => track(l, tables.stline, l.LOGICALREF)),
            mapCtx,
          ),
        (readError) => unreadableInvoice(h, mapCtx, readError),
      ),
    );
  },

  async *readJournal(ctx, target, query) {
    const { erp, firm, period } = await openChecked(ctx, target);
    yield* readLogoJournal(erp, firm, period, query);
  },

  async readChartOfAccounts(ctx, target) {
    const { erp, firm } = await openChecked(ctx, target);
    return readLogoChartOfAccounts(erp, firm);
  },

  async writeBack(ctx, target, ref: ErpDocumentRef, result: WriteBackResult) {
    const { erp, firm, period } = await openChecked(ctx, { ...target, firm: ref.firm ?? target.firm, period: ref.period ?? target.period });
    if (despatchRefOf(ref.key) !== undefined) return writeBackLogoDespatch(erp, firm, period, ref.key, result);
    const logicalRef = Number(ref.key);
    if (!Number.isInteger(logicalRef) || logicalRef <= 0) {
      throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not a Logo LOGICALREF: ${JSON.stringify(ref.key)}`, { value: ref.key });
    }
    const table = logoTables(firm, period).invoice;
    await run(erp, () =>
      erp.db.transaction(async (trx) => {
        const row = ((await invoiceByRefQuery(trx as never, firm, period, logicalRef)) as Row[])[0];
        if (!row) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No invoice ${logicalRef} in ${table}`, { value: ref.key });
        const current = textOf(row.GUID).toLowerCase();
        if (current !== '' && current !== result.ettn.toLowerCase()) {
          throw new KonnektorError('ERP_ETTN_CONFLICT', `Invoice ${logicalRef} already has GUID ${current}`, { ettn: current });
        }
        const receipt = intOf(row.TRCODE) === LOGO_EMM.trcode;
        const module = receipt ? 'emm' : kindOfEinvoice(intOf(row.EINVOICE));
        const estatus = receipt ? (result.status === 'delivered' ? LOGO_EMM.estatusDelivered : undefined) : estatusFor(module as LogoInvoiceKind, result.status);
        await trx(table)
          .where('LOGICALREF', logicalRef)
          .update({ GUID: result.ettn.toUpperCase(), ...(estatus !== undefined ? { ESTATUS: estatus } : {}) });
        await recordEbelgeStatus(erp, { firm, period, module, erpKey: ref.key }, result, trx);
      }),
    );
  },
};
