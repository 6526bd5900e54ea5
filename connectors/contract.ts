import type { CanonicalDocument, ErpDocumentRef } from '../core/documents/model';
import type { ChartAccount, LedgerEntry } from '../core/edefter/model';
import type { ErpTarget } from '../core/erp/target';
import type { ErrorCode } from '../core/errors';
import type { Module } from '../core/modules';
import type { ErpConnections } from '../db/erp';
import type { ErpMigration } from '../migrations/erp/common';

/**
 * How an accounting program lays out companies and years:
 * - `firm-period`: all firms and their periods inside one database (Logo: `LG_002_01_…`) → "Firma/Dönem Ara";
 * - `database-per-year`: one database per company and fiscal year (Netsis, ETA) → "Veri tabanı Ara";
 * - `database-per-company`: one database per company with its fiscal years inside it (Mikro `MikroDB_V17_ABC`,
 *   the year a column of every row) → "Firma/Dönem Ara" lists company × fiscal year; a target names the company
 *   database and the fiscal year, and the next year lives in the same database.
 */
export type ConnectorShape = 'firm-period' | 'database-per-year' | 'database-per-company';

export const CONNECTOR_SHAPES = ['firm-period', 'database-per-year', 'database-per-company'] as const satisfies readonly ConnectorShape[];

export interface FirmPeriod {
  /** 3-digit firm code (Logo), or the program's company numbered for the list (Netsis, ETA, Mikro). */
  firm: string;
  firmName: string;
  /** 2-digit period code (Logo; '01' for database-per-year programs); empty for database-per-company programs. */
  period: string;
  /** YYYY-MM-DD */
  periodBegin: string;
  periodEnd: string;
  active: boolean;
  /** For database-per-year and database-per-company programs: the database that holds this company(-year). */
  database?: string;
  /** For database-per-company programs: the fiscal year inside the database (the target's `fiscalYear`). */
  fiscalYear?: number;
}

export interface DatabaseInfo {
  name: string;
  /** Company name and fiscal year when the program's catalogue names them (Netsis SIRKETLER30). */
  company?: string;
  fiscalYear?: number;
  /** True when the database belongs to this connector's program (has its tables). */
  recognised: boolean;
}

/** Whose books a target holds: what tells a company's next year apart from another company's database. */
export interface CompanyIdentity {
  /** The company's title as the program names it. */
  name: string;
  /** VKN (10 digits) or TCKN (11) when the program keeps it. */
  taxId?: string;
}

export interface ConnectionCheck {
  name: 'reachable' | 'login' | 'database' | 'tables' | 'columns' | 'read';
  ok: boolean;
  detail?: string;
}

/** A column of a newer release of the program that this database lacks: reading goes on without the feature. */
export interface ConnectionWarning {
  code: 'ERP_COLUMN_OPTIONAL_MISSING';
  table: string;
  column: string;
  /** Turkish: what the documents lose without it. */
  lost: string;
  /** Turkish, for the screen: names the column and what is lost. */
  message: string;
}

export interface ConnectionTestResult {
  ok: true;
  checks: ConnectionCheck[];
  /** Tables the module reads, as named in this database (e.g. LG_002_01_INVOICE). */
  tables: string[];
  /** Optional columns this database lacks (an older release of the program); reading goes on. */
  warnings: ConnectionWarning[];
}

export interface OutgoingFilter {
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export type WriteBackStatus = 'sent' | 'delivered' | 'accepted' | 'rejected' | 'failed' | 'cancelled';

export interface WriteBackResult {
  ettn: string;
  /** GİB document number, e.g. ABC2026000000001. */
  number: string;
  status: WriteBackStatus;
  gibCode?: string;
  message?: string;
}

/** What Konnektör writes back into the program for a document (each program keeps what it has a place for). */
export type WriteBackField = 'ettn' | 'number' | 'status' | 'gibCode' | 'message';

/**
 * What a program can do with one document kind (core/documents/kinds): read its documents, and which of its
 * outcome fields it takes back. Login, the connection test, the year-end wizard and the screens ask this map
 * together with the kind registry; a kind missing here is one the program cannot serve yet.
 */
export interface KindCapability {
  read: boolean;
  writeBack: readonly WriteBackField[];
  /**
   * Why the program can never serve this kind as it stands (not merely "not built yet"): the specific error login,
   * connection tests and the kind's own calls give instead of the generic refusal, e.g. ETA keeps no yevmiye madde
   * number, so e-Defter cannot be prepared from it. Only on kinds with `read: false`.
   */
  refusal?: KindRefusal;
}

/** A refusal of the capability map: a stable error code of core/errors.ts and the English detail for the log. */
export interface KindRefusal {
  code: ErrorCode;
  detail: string;
}

/** Keyed by document-kind id (`efatura`, `earsiv`, later `eirsaliye`, `eirsaliye-yanit`…). */
export type KindCapabilities = Readonly<Record<string, KindCapability>>;

/**
 * GİB's registered e-Fatura users as Konnektör knows them (the integrator's list, cached locally). Programs that
 * record on the invoice whether it is an e-Fatura or an e-Arşiv invoice (Logo EINVOICE, Netsis EBELGE, Mikro
 * cha_e_islem_turu) never need it; a program that records neither (ETA) splits its outgoing invoices by it.
 */
export interface RecipientDirectory {
  isEfaturaUser(taxId: string): Promise<boolean>;
}

/** A date range of the journal to read (YYYY-MM-DD, inclusive): a month, or part of one. */
export interface JournalQuery {
  from: string;
  to: string;
}

export interface ConnectorContext {
  connections: ErpConnections;
  recipients?: RecipientDirectory;
}

/**
 * What every accounting-program connector implements. Connectors read rows and map them to the canonical model,
 * and write outcomes back; they know nothing about UBL, SOAP or the integrator. Every method throws
 * `KonnektorError` with a stable code for every failure, and validates codes before building any SQL.
 */
export interface ErpConnector {
  readonly id: string;
  readonly title: string;
  readonly shape: ConnectorShape;
  /** Per document kind, what this program reads and writes back. */
  readonly documentKinds: KindCapabilities;
  /** The modules a user of this program can log into: those of its readable kinds (`modulesOf(documentKinds)`). */
  readonly modules: readonly Module[];
  /**
   * The column of the program's document headers that names the branch (şube), when it keeps one (Logo `BRANCH`,
   * Netsis `SUBE_KODU`, Mikro `cha_subeno`): a target with a branch reads only that branch's documents. Absent: the
   * program keeps no branch, and a target naming one is refused (ERP_BRANCH_NOT_SUPPORTED).
   */
  readonly branchColumn?: string;
  /** The program's own name of the job that gives vouchers their yevmiye madde numbers (named as the fix). */
  readonly journalNumberingJob?: string;
  /** Konnektör's helper objects in this program's databases (migrations/erp/<connector>/). */
  readonly erpMigrations: readonly ErpMigration[];

  /** Received e-documents go into Konnektör's own helper table in this program's database (never its own tables). */
  readonly incoming?: IncomingHelperTable;

  /** "Veri tabanı Ara": the databases of this program on the server. */
  listDatabases(ctx: ConnectorContext, server: string): Promise<DatabaseInfo[]>;

  /** "Firma/Dönem Ara": firms and their periods (for database-per-year programs, one row per company database). */
  listFirmPeriods(ctx: ConnectorContext, target: ErpTarget): Promise<FirmPeriod[]>;

  /** Reachable, credentials accepted, database present, the module's tables and columns there, readable. */
  testConnection(ctx: ConnectorContext, target: ErpTarget, module: Module): Promise<ConnectionTestResult>;

  /** The company whose books the target holds (Logo L_CAPIFIRM, Netsis SIRKETLER30); same checks as testConnection. */
  companyOf?(ctx: ConnectorContext, target: ErpTarget): Promise<CompanyIdentity>;

  /** Documents of the module that have not been sent yet, in the canonical model. */
  readOutgoing(ctx: ConnectorContext, target: ErpTarget, module: Module, filter?: OutgoingFilter): Promise<CanonicalDocument[]>;

  /** Writes ETTN, number and status back into the ERP row the document came from. */
  writeBack(ctx: ConnectorContext, target: ErpTarget, ref: ErpDocumentRef, result: WriteBackResult): Promise<void>;

  /**
   * e-Defter: the general-ledger vouchers of a date range in book order (date, yevmiye madde no), streamed a page
   * at a time so a month of millions of lines never sits in memory. Programs without journal reading leave it out.
   */
  readJournal?(ctx: ConnectorContext, target: ErpTarget, query: JournalQuery): AsyncIterable<LedgerEntry>;

  /** e-Defter: the chart of accounts (hesap planı) of the target. */
  readChartOfAccounts?(ctx: ConnectorContext, target: ErpTarget): Promise<ChartAccount[]>;
}

/**
 * A received e-document as Konnektör hands it to the accounting database's helper table: plain facts, decimals as
 * strings, the original XML as text. Connectors store it; they never read or build UBL.
 */
export interface IncomingErpRecord {
  module: Module;
  ettn: string;
  number?: string;
  senderTaxId?: string;
  senderName?: string;
  profile?: string;
  typeCode?: string;
  /** YYYY-MM-DD */
  issueDate?: string;
  /** At the integrator (ISO). */
  arrivedAt?: string;
  lineExtension?: string;
  taxExclusive?: string;
  taxInclusive?: string;
  taxTotal?: string;
  payable?: string;
  currency?: string;
  /** received | invalid | answering | answered */
  state: string;
  /** KABUL | RED */
  answer?: string;
  answerReason?: string;
  answeredAt?: string;
  xml: string;
}

/** What a helper table already holds of a document: enough to skip what is up to date. */
export interface IncomingErpState {
  state: string;
  answer?: string;
}

/** Konnektör's helper table for received e-documents in the program's database (migrations/erp: KNK_GELEN_BELGE). */
export interface IncomingHelperTable {
  /** The documents of the target's firm already in the table, by ETTN (lower case). */
  recorded(ctx: ConnectorContext, target: ErpTarget): Promise<Map<string, IncomingErpState>>;
  /** Inserts or updates the document's row by its ETTN; the same record twice changes nothing. */
  upsert(ctx: ConnectorContext, target: ErpTarget, record: IncomingErpRecord): Promise<void>;
}

/** A set of programs, found by id: the shipped ones (connectors/registry.ts), or those an API instance is given. */
export interface ConnectorRegistry {
  list(): readonly ErpConnector[];
  /** CONNECTOR_UNKNOWN for an id the set does not hold. */
  get(id: string): ErpConnector;
}
