import type { Knex } from 'knex';
import type { CompanyIdentity, ConnectionCheck, ConnectionWarning, ConnectorRegistry } from '../../connectors/contract';
import type { ErpConnections } from '../../db/erp';
import type { DocumentKindRegistry } from '../documents/kinds';
import type { Profile } from '../../db/profiles';
import type { ErpTarget } from '../erp/target';
import type { Module } from '../modules';

/** Who changes a mapping: the module's user, or an eFinans staff member supporting that user. */
export interface YearEndActor {
  user: string;
  staff: boolean;
  /** The staff member's own login when `staff` (the audit names the person, not the customer's account). */
  staffUser?: string;
}

export interface YearEndContext {
  /** Konnektör's local store (profiles, audit log). */
  store: Knex;
  connections: ErpConnections;
  /** Today, read as a Türkiye date. */
  now: Date;
  /** The accounting programs, found by the id a profile names (the API's; tests swap in one that fails half-way). */
  connectors: ConnectorRegistry;
  /** The document kinds, which say with the connector's capability map what a program serves (default: the shipped ones). */
  kinds?: DocumentKindRegistry;
  /**
   * Where ERP server passwords live: the store keeps the server URL without its password and a reference into this
   * vault (`erpSecretRef`). A new server typed in the wizard goes there too.
   */
  vault?: { get(ref: string): Promise<string | undefined>; put(ref: string, secret: string): Promise<void> };
  /** The live server URL of a profile when the caller already holds it (the logged-in session's). */
  serverOf?: (profile: Profile) => string | undefined;
}

/** Which profiles a call is about: a session narrows it to its company (and branch). */
export interface YearEndScope {
  module?: Module;
  companyVkn?: string;
  branch?: string;
}

/**
 * Why a module needs its database updated:
 * - `period-ended`: the mapped period (or company-year database) ended before today;
 * - `newer-period` / `newer-database`: the program already has the company's next period or database;
 * - `year-ended`: the profile's fiscal year is behind today's and the program could not be asked.
 */
export type YearEndReason = 'period-ended' | 'newer-period' | 'newer-database' | 'year-ended';

export interface YearEndProposal {
  target: ErpTarget;
  fiscalYear: number;
  /** "001 / 02 (2026-01-01 – 2026-12-31)" or "ORNEKTEKSTIL2026". */
  label: string;
}

export interface YearEndWarning {
  code: 'YEAREND_MODULES_DIFFERENT_YEARS' | 'YEAREND_TARGET_YEAR_DIFFERS';
  message: string;
  companyVkn: string;
  branch: string;
  /** Fiscal year each module of the company points at. */
  years: Partial<Record<Module, number>>;
}

export interface YearEndItem {
  module: Module;
  companyVkn: string;
  branch: string;
  profileId: number;
  fiscalYear: number;
  /** The current mapping (server without its password). */
  current: ErpTarget;
  currentPeriod?: { begin: string; end: string };
  needed: boolean;
  reasons: YearEndReason[];
  proposal?: YearEndProposal;
  /** The program could not be asked; `needed` then rests on the fiscal year alone. */
  error?: { code: string; message: string };
}

export interface YearEndCheck {
  /** Today as a Türkiye date (YYYY-MM-DD). */
  today: string;
  items: YearEndItem[];
  warnings: YearEndWarning[];
}

/** What the user chose in the wizard; empty fields take the proposal's value, then the current mapping's. */
export interface YearEndTargetChoice {
  server?: string;
  database?: string;
  firm?: string;
  period?: string;
  /** Programs with every fiscal year inside the company database (Mikro): the year to move to. */
  fiscalYear?: string | number;
}

/** `yearend`: moving to the next fiscal year. `change`: "İsteğe bağlı veri tabanı geçişi", same year, no year check. */
export type YearEndMode = 'yearend' | 'change';

export interface YearEndStep {
  name: string;
  description: string;
}

export interface YearEndPlan {
  module: Module;
  mode: YearEndMode;
  profileId: number;
  companyVkn: string;
  branch: string;
  from: { target: ErpTarget; fiscalYear: number };
  /**
   * `fiscalYear`: the year the profile is saved under (a change during the year keeps the profile's year);
   * `targetYear`: the chosen period's or database's own year, which the summary shows.
   */
  to: { target: ErpTarget; fiscalYear: number; targetYear: number };
  company: CompanyIdentity;
  /** "Bağlantınızı Test Edin": reachability, login, database, the module's tables and columns, read permission. */
  test: { ok: true; checks: ConnectionCheck[]; tables: string[]; warnings: ConnectionWarning[] };
  /** Helper objects still to install in the new database (empty when they are already there). */
  steps: YearEndStep[];
  /** Helper objects the new database already has. */
  installed: string[];
  warnings: YearEndWarning[];
}

export interface YearEndRequest {
  module: Module;
  companyVkn?: string;
  branch?: string;
  target: YearEndTargetChoice;
  mode?: YearEndMode;
  /** Staff sessions only: a new integrator endpoint for the profile. */
  integratorEndpoint?: string;
}

export interface YearEndApplyRequest extends YearEndRequest {
  /** "Aynı seçimi diğer modüllere de uygula": each is tested on its own. */
  alsoModules?: Module[];
  dryRun?: boolean;
}

export interface YearEndModuleResult {
  module: Module;
  outcome: 'applied' | 'planned' | 'failed';
  plan?: YearEndPlan;
  /** Helper objects installed by this call. */
  appliedSteps?: string[];
  profile?: Profile;
  error?: { code: string; message: string; detail: string };
}

export interface YearEndApplyResult {
  dryRun: boolean;
  results: YearEndModuleResult[];
  warnings: YearEndWarning[];
}
