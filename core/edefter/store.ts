import type { Knex } from 'knex';
import { KonnektorError } from '../errors';
import type { CheckSummary } from './checks';
import { beratDeadline, type MonthKey } from './model';
import { edefterSettingsSchema, type EdefterSettings } from './settings';

/**
 * The e-Defter month's life in the local store. Every transition is one transaction with its history row, so a
 * crash (even SIGKILL) leaves the month in the last state it fully reached; the next run resumes from there.
 *
 *   read → checked → uploaded → built → signed → submitted → approved | rejected
 *
 * - read: the journal was read and checked; the checks failed (checks_json names every voucher and field);
 * - checked: the checks passed (local XBRL-GL and CSV parts may be built at any time from here on);
 * - uploaded: every CSV part reached QNB (907);
 * - built: QNB built the ledger and handed out its parts for sealing;
 * - signed: defters and berats are sealed locally with the mali mühür;
 * - submitted: the sealed files are back at QNB, on their way to GİB;
 * - approved: GİB's approved berats are here; rejected: GİB's reason is recorded.
 */
export const MONTH_STATES = ['read', 'checked', 'uploaded', 'built', 'signed', 'submitted', 'approved', 'rejected'] as const;
export type MonthState = (typeof MONTH_STATES)[number];

const NEXT: Record<MonthState, readonly MonthState[]> = {
  read: ['read', 'checked'],
  checked: ['read', 'checked', 'uploaded'],
  uploaded: ['uploaded', 'built', 'read'],
  built: ['signed'],
  signed: ['submitted', 'signed'],
  submitted: ['approved', 'rejected'],
  approved: [],
  rejected: ['read', 'checked'],
};

export interface MonthRow {
  id: number;
  companyVkn: string;
  branch: string;
  month: MonthKey;
  state: MonthState;
  erp: Record<string, unknown>;
  checks?: CheckSummary;
  build?: Record<string, unknown>;
  upload?: { parts: { name: string; uploaded: boolean }[] };
  sealing?: Record<string, unknown>;
  integratorCode?: string;
  integratorMessage?: string;
  gibReason?: string;
  deadline: string;
  createdAt: string;
  updatedAt: string;
}

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T | undefined => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : undefined);

function toMonth(r: Row): MonthRow {
  const out: MonthRow = {
    id: Number(r.id),
    companyVkn: String(r.company_vkn),
    branch: String(r.branch ?? ''),
    month: String(r.month),
    state: String(r.state) as MonthState,
    erp: json<Record<string, unknown>>(r.erp_json) ?? {},
    deadline: beratDeadline(String(r.month)),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
  const checks = json<CheckSummary>(r.checks_json);
  if (checks) out.checks = checks;
  const build = json<Record<string, unknown>>(r.build_json);
  if (build) out.build = build;
  const upload = json<MonthRow['upload']>(r.upload_json);
  if (upload) out.upload = upload;
  const sealing = json<Record<string, unknown>>(r.sealing_json);
  if (sealing) out.sealing = sealing;
  if (r.integrator_code) out.integratorCode = String(r.integrator_code);
  if (r.integrator_message) out.integratorMessage = String(r.integrator_message);
  if (r.gib_reason) out.gibReason = String(r.gib_reason);
  return out;
}

export async function getMonth(db: Knex, vkn: string, branch: string, month: MonthKey): Promise<MonthRow | undefined> {
  const r = (await db('edefter_month').where({ company_vkn: vkn, branch, month }).first()) as Row | undefined;
  return r ? toMonth(r) : undefined;
}

export async function listMonths(db: Knex, vkn?: string): Promise<MonthRow[]> {
  const q = db('edefter_month').orderBy([{ column: 'company_vkn' }, { column: 'branch' }, { column: 'month' }]);
  if (vkn) q.where({ company_vkn: vkn });
  return ((await q) as Row[]).map(toMonth);
}

export interface MonthPatch {
  erp?: Record<string, unknown>;
  checks?: CheckSummary;
  build?: Record<string, unknown> | null;
  upload?: MonthRow['upload'] | null;
  sealing?: Record<string, unknown> | null;
  integratorCode?: string | null;
  integratorMessage?: string | null;
  gibReason?: string | null;
}

function patchColumns(p: MonthPatch): Row {
  const c: Row = {};
  if (p.erp) c.erp_json = JSON.stringify(p.erp);
  if (p.checks) c.checks_json = JSON.stringify(p.checks);
  if (p.build !== undefined) c.build_json = p.build === null ? null : JSON.stringify(p.build);
  if (p.upload !== undefined) c.upload_json = p.upload === null ? null : JSON.stringify(p.upload);
  if (p.sealing !== undefined) c.sealing_json = p.sealing === null ? null : JSON.stringify(p.sealing);
  if (p.integratorCode !== undefined) c.integrator_code = p.integratorCode;
  if (p.integratorMessage !== undefined) c.integrator_message = p.integratorMessage;
  if (p.gibReason !== undefined) c.gib_reason = p.gibReason;
  return c;
}

/**
 * Moves a month to `to` (creating it in `read`/`checked`), with its data, in one transaction with a history row.
 * An impossible transition → EDEFTER_STATE_INVALID and nothing changes.
 */
export async function transition(
  db: Knex,
  key: { vkn: string; branch: string; month: MonthKey },
  to: MonthState,
  patch: MonthPatch,
  now: Date,
  detail?: string,
): Promise<MonthRow> {
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    const current = (await trx('edefter_month').where({ company_vkn: key.vkn, branch: key.branch, month: key.month }).first()) as Row | undefined;
    if (!current) {
      if (to !== 'read' && to !== 'checked') throw new KonnektorError('EDEFTER_STATE_INVALID', `month ${key.month} has not been checked yet`, { month: key.month, to });
      const [id] = await trx('edefter_month').insert({
        company_vkn: key.vkn,
        branch: key.branch,
        month: key.month,
        state: to,
        erp_json: JSON.stringify(patch.erp ?? {}),
        ...patchColumns({ ...patch, erp: undefined }),
        created_at: at,
        updated_at: at,
      });
      await trx('edefter_month_history').insert({ month_id: id, at, from_state: null, to_state: to, detail: detail ?? null });
      return;
    }
    const from = String(current.state) as MonthState;
    if (!NEXT[from].includes(to)) {
      throw new KonnektorError('EDEFTER_STATE_INVALID', `month ${key.month} is ${from}; cannot go to ${to}`, { month: key.month, from, to });
    }
    await trx('edefter_month').where({ id: current.id }).update({ state: to, ...patchColumns(patch), updated_at: at });
    await trx('edefter_month_history').insert({ month_id: current.id, at, from_state: from, to_state: to, detail: detail ?? null });
  });
  return (await getMonth(db, key.vkn, key.branch, key.month))!;
}

/** Data within the current state (a part uploaded, a file fetched): no state change, no history row. */
export async function updateMonth(db: Knex, key: { vkn: string; branch: string; month: MonthKey }, patch: MonthPatch, now: Date): Promise<void> {
  await db('edefter_month').where({ company_vkn: key.vkn, branch: key.branch, month: key.month }).update({ ...patchColumns(patch), updated_at: now.toISOString() });
}

export async function monthHistory(db: Knex, id: number): Promise<{ at: string; from?: string; to: string; detail?: string }[]> {
  const rows = (await db('edefter_month_history').where({ month_id: id }).orderBy('id')) as Row[];
  return rows.map((r) => ({ at: String(r.at), ...(r.from_state ? { from: String(r.from_state) } : {}), to: String(r.to_state), ...(r.detail ? { detail: String(r.detail) } : {}) }));
}

export interface NumberingState {
  fiscalYear: number;
  lastMonth?: string;
  lastJournalNo: number;
  lastLineNumber: number;
  lastUniqueSeq: number;
  lastUniqueId?: string;
  source: 'approved-month' | 'yevmiye-dogrulama';
}

export async function getNumbering(db: Knex, vkn: string, branch: string, fiscalYear: number): Promise<NumberingState | undefined> {
  const r = (await db('edefter_numbering').where({ company_vkn: vkn, branch, fiscal_year: fiscalYear }).first()) as Row | undefined;
  if (!r) return undefined;
  return {
    fiscalYear,
    ...(r.last_month ? { lastMonth: String(r.last_month) } : {}),
    lastJournalNo: Number(r.last_journal_no),
    lastLineNumber: Number(r.last_line_number),
    lastUniqueSeq: Number(r.last_unique_seq),
    ...(r.last_unique_id ? { lastUniqueId: String(r.last_unique_id) } : {}),
    source: String(r.source) as NumberingState['source'],
  };
}

export async function setNumbering(db: Knex, vkn: string, branch: string, n: NumberingState, now: Date): Promise<void> {
  const row = {
    company_vkn: vkn,
    branch,
    fiscal_year: n.fiscalYear,
    last_month: n.lastMonth ?? null,
    last_journal_no: n.lastJournalNo,
    last_line_number: n.lastLineNumber,
    last_unique_seq: n.lastUniqueSeq,
    last_unique_id: n.lastUniqueId ?? null,
    source: n.source,
    updated_at: now.toISOString(),
  };
  await db('edefter_numbering').insert(row).onConflict(['company_vkn', 'branch', 'fiscal_year']).merge();
}

export async function loadSettings(db: Knex, vkn: string): Promise<EdefterSettings | undefined> {
  const r = (await db('edefter_settings').where({ company_vkn: vkn }).first()) as Row | undefined;
  return r ? edefterSettingsSchema.parse(JSON.parse(String(r.settings_json))) : undefined;
}

export async function listSettings(db: Knex): Promise<EdefterSettings[]> {
  return ((await db('edefter_settings').orderBy('company_vkn')) as Row[]).map((r) => edefterSettingsSchema.parse(JSON.parse(String(r.settings_json))));
}

/**
 * Saves settings after the product's rules: a company with ledgers in a fiscal year cannot switch between branched
 * and unbranched within it, and a branch with ledgers cannot be deleted (efinans-urun-ve-aktivasyon-rehberi, Şube
 * Ayarları).
 */
export async function saveSettings(db: Knex, settings: EdefterSettings, now: Date): Promise<void> {
  const vkn = settings.firm.taxId;
  const previous = await loadSettings(db, vkn);
  const fyStart = settings.firm.fiscalYearStart.slice(0, 7);
  const fyEnd = settings.firm.fiscalYearEnd.slice(0, 7);
  const months = (await db('edefter_month').where({ company_vkn: vkn }).andWhere('month', '>=', fyStart).andWhere('month', '<=', fyEnd).select('branch')) as Row[];
  if (previous && months.length > 0) {
    const wasBranched = previous.branches.length > 0;
    const isBranched = settings.branches.length > 0;
    if (wasBranched !== isBranched) {
      throw new KonnektorError('EDEFTER_BRANCH_CHANGE_FORBIDDEN', `company ${vkn} has ledgers in this fiscal year; cannot switch ${wasBranched ? 'from branched to unbranched' : 'from unbranched to branched'}`, {
        company: vkn,
      });
    }
    const withLedgers = new Set(months.map((m) => String(m.branch)).filter((b) => b !== ''));
    const removed = [...withLedgers].filter((code) => !settings.branches.some((b) => b.code === code));
    if (removed.length > 0) {
      throw new KonnektorError('EDEFTER_BRANCH_CHANGE_FORBIDDEN', `branch ${removed.join(', ')} has ledgers and cannot be deleted`, { company: vkn, branches: removed });
    }
  }
  await db('edefter_settings')
    .insert({ company_vkn: vkn, settings_json: JSON.stringify(settings), updated_at: now.toISOString() })
    .onConflict('company_vkn')
    .merge();
}
