/**
 * One e-Defter month from the ERP's journal to GİB's approved berat, as a resumable state machine (store.ts):
 * every step starts from the state the store records and asks the integrator before repeating anything that may
 * already have happened, so a run killed at any point continues where it stopped and nothing goes up twice.
 */
import { prepareOutputFolder } from '../folders';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ConnectorRegistry, ErpConnector } from '../../connectors/contract';
import type { ErpConnections } from '../../db/erp';
import { buildLedger, type BuiltPart, type LedgerBuildResult } from '../documents/xbrl/ledger';
import { runEdefterSchematron, type SchematronIssue } from '../documents/xbrl/schematron';
import type { ErpTarget } from '../erp/target';
import { KonnektorError } from '../errors';
import { EDEFTER_STATUS, type SealingManifest } from '../integrator/edefterProtocol';
import type { EdefterClient } from '../integrator/edefterService';
import { logger } from '../logging';
import type { CertificateInfo } from '../signing/certificate';
import type { SignFn } from '../signing/xades';
import { turkeyDateTime } from '../time';
import { JournalChecker } from './checks';
import { QnbCsvWriter, writeQnbCsv, type CsvPart } from './csv';
import { isMonthKey, monthBounds, previousMonth, type LedgerEntry, type MonthKey } from './model';
import { sealParts } from './seal';
import type { EdefterSettings } from './settings';
import { getMonth, getNumbering, loadSettings, setNumbering, transition, updateMonth, type MonthRow } from './store';

export interface EdefterDeps {
  store: Knex;
  connections: ErpConnections;
  /** The accounting programs (the API's), found by the id of the month's target. */
  connectors: Pick<ConnectorRegistry, 'get'>;
  now: () => Date;
  /** Konnektör's version (the default sourceApplication). */
  version: string;
  /** Month folders live under `<dataDir>/edefter/<VKN>/<fiscal year>/<MM>/` (GİB's archive layout). */
  dataDir: string;
  /** Parts above this size are not run through SaxonJS (the streamed checks still cover them). */
  schematronMaxBytes?: number;
}

export interface MonthRef {
  target: ErpTarget;
  vkn: string;
  month: MonthKey;
  /** Şube kodu (4 digits) when the company keeps branch ledgers. */
  branch?: string;
}

export interface Sealer {
  certificate: CertificateInfo;
  sign: SignFn;
}

const key = (r: MonthRef) => ({ vkn: r.vkn, branch: r.branch ?? '', month: r.month });

function assertMonth(month: string, now: Date): void {
  if (!isMonthKey(month)) throw new KonnektorError('EDEFTER_MONTH_INVALID', `not a YYYY-MM month: ${JSON.stringify(month)}`, { value: month });
  // A ledger never covers days still to come (Teknik Kılavuz §2.2).
  if (monthBounds(month).last >= turkeyDateTime(now).date) throw new KonnektorError('EDEFTER_MONTH_NOT_OVER', `${month} is not over yet`, { value: month });
}

async function settingsOf(deps: EdefterDeps, vkn: string): Promise<EdefterSettings> {
  const s = await loadSettings(deps.store, vkn);
  if (!s) throw new KonnektorError('EDEFTER_SETTINGS_MISSING', `no e-Defter settings for ${vkn}`, { company: vkn });
  return s;
}

function journalConnector(deps: EdefterDeps, id: string): ErpConnector & Required<Pick<ErpConnector, 'readJournal' | 'readChartOfAccounts'>> {
  const c = deps.connectors.get(id);
  // A program whose capability map refuses e-Defter says why (ETA: no madde number), not "not yet".
  const refusal = c.documentKinds.edefter?.refusal;
  if (refusal) throw new KonnektorError(refusal.code, `${c.title}: ${refusal.detail}`, { program: c.title, module: 'e-Defter' });
  if (!c.readJournal || !c.readChartOfAccounts) throw new KonnektorError('EDEFTER_CONNECTOR_NO_JOURNAL', `${c.title} has no journal reading yet`, { value: id });
  return c as ErpConnector & Required<Pick<ErpConnector, 'readJournal' | 'readChartOfAccounts'>>;
}

function fiscalYearOf(settings: EdefterSettings, month: MonthKey): number {
  return Number(settings.firm.fiscalYearStart.slice(0, 4)) + (month < settings.firm.fiscalYearStart.slice(0, 7) ? -1 : 0) + (month > settings.firm.fiscalYearEnd.slice(0, 7) ? 1 : 0);
}

/** Where the month's numbers continue from: 0 at the start of the fiscal year or of e-Defter, else the last approved month. */
async function numberingBefore(deps: EdefterDeps, ref: MonthRef, settings: EdefterSettings): Promise<{ journalNo: number; lineNumber: number; uniqueSeq: number }> {
  const fy = fiscalYearOf(settings, ref.month);
  const startMonth = [settings.firm.fiscalYearStart.slice(0, 7), settings.firm.firstTransitionDate.slice(0, 7)].sort().at(-1)!;
  const n = await getNumbering(deps.store, ref.vkn, ref.branch ?? '', fy);
  if (ref.month === startMonth && !n) return { journalNo: 0, lineNumber: 0, uniqueSeq: 0 };
  if (n && n.lastMonth === previousMonth(ref.month)) return { journalNo: n.lastJournalNo, lineNumber: n.lastLineNumber, uniqueSeq: n.lastUniqueSeq };
  throw new KonnektorError('EDEFTER_PREVIOUS_MONTH_OPEN', `${previousMonth(ref.month)} has no GİB-approved berat in Konnektör (last: ${n?.lastMonth ?? 'none'}); months cannot be skipped`, {
    month: ref.month,
    previous: previousMonth(ref.month),
  });
}

export function monthFolder(deps: EdefterDeps, ref: MonthRef, settings: EdefterSettings): string {
  return path.join(deps.dataDir, 'edefter', ref.vkn, String(fiscalYearOf(settings, ref.month)), ref.month.slice(5, 7) + (ref.branch ? `-${ref.branch}` : ''));
}

function journal(deps: EdefterDeps, ref: MonthRef): AsyncIterable<LedgerEntry> {
  const { first, last } = monthBounds(ref.month);
  return journalConnector(deps, ref.target.connector).readJournal({ connections: deps.connections }, ref.target, { from: first, to: last });
}

/** Reads the month's journal and runs every check; the month becomes `checked`, or stays `read` with the findings. */
export async function checkMonth(deps: EdefterDeps, ref: MonthRef): Promise<MonthRow> {
  const now = deps.now();
  assertMonth(ref.month, now);
  const settings = await settingsOf(deps, ref.vkn);
  const existing = await getMonth(deps.store, ref.vkn, ref.branch ?? '', ref.month);
  if (existing && !['read', 'checked', 'rejected'].includes(existing.state)) {
    throw new KonnektorError('EDEFTER_STATE_INVALID', `${ref.month} is already ${existing.state}; its journal can no longer change`, { month: ref.month, state: existing.state });
  }
  const before = await numberingBefore(deps, ref, settings);
  const connector = journalConnector(deps, ref.target.connector);
  const chart = await connector.readChartOfAccounts({ connections: deps.connections }, ref.target);
  const checker = new JournalChecker({ month: ref.month, previousJournalNo: before.journalNo, chart, numberingJob: connector.journalNumberingJob ?? 'yevmiye madde numaralama' });
  for await (const e of journal(deps, ref)) checker.check(e);
  const summary = checker.finish();
  const erp = { connector: ref.target.connector, server: ref.target.server.startsWith('sqlite:') ? ref.target.server : '(server)', database: ref.target.database, firm: ref.target.firm, period: ref.target.period };
  const row = await transition(deps.store, key(ref), 'read', { erp, checks: summary, build: null, upload: null, sealing: null, integratorCode: null, integratorMessage: null, gibReason: null }, now, `${summary.entries} vouchers, ${summary.lines} lines, ${summary.issues.length + summary.moreIssues} findings`);
  if (!summary.ok) return row;
  return transition(deps.store, key(ref), 'checked', {}, now, 'all checks passed');
}

export interface BuildReport {
  folder: string;
  ledger: LedgerBuildResult;
  csv: CsvPart[];
  /** GİB schematron findings per file (the missing seal before signing is not listed). */
  schematron: { file: string; issues: SchematronIssue[]; skipped?: boolean }[];
}

/** Guards a build stream with the same checks: the journal may have changed since the month was checked. */
async function* guarded(entries: AsyncIterable<LedgerEntry>, checker: JournalChecker): AsyncGenerator<LedgerEntry> {
  for await (const e of entries) {
    checker.check(e);
    if (!checker.ok) break;
    yield e;
  }
}

/** Builds the month's GİB XBRL-GL parts and QNB CSV parts into its folder and checks the XBRL with GİB's schematrons. */
export async function buildMonth(deps: EdefterDeps, ref: MonthRef, options: { outDir?: string } = {}): Promise<BuildReport> {
  const now = deps.now();
  const row = await getMonth(deps.store, ref.vkn, ref.branch ?? '', ref.month);
  if (!row || row.state === 'read') throw new KonnektorError('EDEFTER_CHECKS_FAILED', `${ref.month} has not passed the checks; run the checks first`, { month: ref.month });
  const settings = await settingsOf(deps, ref.vkn);
  const before = await numberingBefore(deps, ref, settings);
  const connector = journalConnector(deps, ref.target.connector);
  const chart = await connector.readChartOfAccounts({ connections: deps.connections }, ref.target);
  const folder = options.outDir ? path.resolve(options.outDir) : path.join(monthFolder(deps, ref, settings), 'defter');
  // A folder the user named is checked like an export's (never `mkdir -p` into /proc); the month's own folder is ours.
  if (options.outDir) prepareOutputFolder(folder);
  else fs.mkdirSync(folder, { recursive: true });
  const branch = ref.branch ? settings.branches.find((b) => b.code === ref.branch) : undefined;
  const checker = new JournalChecker({ month: ref.month, previousJournalNo: before.journalNo, chart, numberingJob: connector.journalNumberingJob ?? '' });
  // One pass over the journal feeds the checks, the XBRL-GL parts and QNB's CSV parts.
  const csvWriter = new QnbCsvWriter({ settings, month: ref.month, chart, outDir: path.join(folder, 'qnb-csv'), ...(ref.branch ? { branchCode: ref.branch } : {}) });
  const ledger = await buildLedger(guarded(journal(deps, ref), checker), {
    onEntry: (e) => csvWriter.add(e),
    settings,
    month: ref.month,
    creationDate: turkeyDateTime(now).date,
    chart,
    previousUniqueSeq: before.uniqueSeq,
    previousLineNumber: before.lineNumber,
    version: deps.version,
    outDir: folder,
    ...(branch ? { branch } : {}),
  });
  const verdict = checker.finish();
  if (!verdict.ok) {
    for (const p of ledger.parts) for (const f of [p.y.file, p.k.file]) fs.rmSync(f, { force: true });
    await transition(deps.store, key(ref), 'read', { checks: verdict }, now, 'the journal changed since it was checked');
    throw new KonnektorError('EDEFTER_CHECKS_FAILED', `${ref.month}: the journal changed since it was checked (${verdict.issues[0]?.detail ?? ''})`, { month: ref.month });
  }
  const csv = await csvWriter.finish();
  const schematron: BuildReport['schematron'] = [];
  const max = deps.schematronMaxBytes ?? 40 * 1024 * 1024;
  for (const p of ledger.parts) {
    for (const [kind, f] of [['yevmiye', p.y], ['kebir', p.k]] as const) {
      if (f.bytes > max) {
        schematron.push({ file: f.name, issues: [], skipped: true });
        continue;
      }
      const issues = (await runEdefterSchematron(kind, f.file)).filter((i) => !i.message.startsWith('ds:Signature zorunlu'));
      schematron.push({ file: f.name, issues });
    }
  }
  await updateMonth(deps.store, key(ref), { build: { folder, parts: ledger.parts.map(partSummary), csv: csv.map((c) => ({ name: c.zipName, lines: c.lines, bytes: c.bytes })), schematron } }, now);
  if (schematron.some((s) => s.issues.length > 0)) {
    const first = schematron.find((s) => s.issues.length > 0)!;
    throw new KonnektorError('EDEFTER_SCHEMATRON_FAILED', `${first.file}: ${first.issues[0]!.message}`, { file: first.file, issues: first.issues.slice(0, 20) });
  }
  return { folder, ledger, csv, schematron };
}

function partSummary(p: BuiltPart) {
  return { part: p.part, periodStart: p.periodStart, periodEnd: p.periodEnd, entries: p.entries, lines: p.lines, y: p.y.name, k: p.k.name, yBytes: p.y.bytes, kBytes: p.k.bytes };
}

export interface AdvanceOptions {
  client: EdefterClient;
  /** Seals the month when it reaches `built` (the PIN was given); without it the run stops at `built`. */
  sealer?: Sealer;
  pollMs?: number;
  /** Give up waiting after this many status polls in one run (the month stays where it is). */
  maxPolls?: number;
  onState?: (row: MonthRow) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Drives the month through the integrator as far as it can go now; returns where it stands. */
export async function advanceMonth(deps: EdefterDeps, ref: MonthRef, o: AdvanceOptions): Promise<MonthRow> {
  const settings = await settingsOf(deps, ref.vkn);
  const k = key(ref);
  const branchCode = ref.branch ?? '0000';
  const folder = monthFolder(deps, ref, settings);
  const req = { month: ref.month, branch: branchCode, taxId: ref.vkn };
  const pollMs = o.pollMs ?? 5000;
  let polls = 0;
  const poll = async () => {
    if (polls++ >= (o.maxPolls ?? 120)) return undefined;
    if (polls > 1) await sleep(pollMs);
    return o.client.status({ month: ref.month, taxId: ref.vkn });
  };
  for (;;) {
    const row = await getMonth(deps.store, k.vkn, k.branch, k.month);
    if (!row) throw new KonnektorError('EDEFTER_STATE_INVALID', `${ref.month} has not been checked yet`, { month: ref.month });
    o.onState?.(row);
    const now = deps.now();
    switch (row.state) {
      case 'read':
        throw new KonnektorError('EDEFTER_CHECKS_FAILED', `${ref.month} has not passed the checks`, { month: ref.month, issues: row.checks?.issues.slice(0, 20) });
      case 'checked': {
        const csvDir = path.join(folder, 'defter', 'qnb-csv');
        let parts = row.upload?.parts;
        if (!parts) {
          // The CSV parts are written once and recorded before the first upload, so a restart uploads the same bytes.
          fs.rmSync(csvDir, { recursive: true, force: true });
          const connector = journalConnector(deps, ref.target.connector);
          const chart = await connector.readChartOfAccounts({ connections: deps.connections }, ref.target);
          const written = await writeQnbCsv(journal(deps, ref), { settings, month: ref.month, chart, outDir: csvDir, ...(ref.branch ? { branchCode: ref.branch } : {}) });
          parts = written.map((p) => ({ name: p.zipName, uploaded: false }));
          await updateMonth(deps.store, k, { upload: { parts } }, now);
        }
        for (const p of parts) {
          if (p.uploaded) continue;
          const r = await o.client.uploadCsv({ ...req, file: { name: p.name, content: fs.readFileSync(path.join(csvDir, p.name)) } });
          p.uploaded = true;
          await updateMonth(deps.store, k, { upload: { parts }, integratorCode: r.sonucKodu, integratorMessage: r.sonucAciklama ?? null }, deps.now());
        }
        await transition(deps.store, k, 'uploaded', {}, deps.now(), `${parts.length} CSV parts uploaded`);
        break;
      }
      case 'uploaded': {
        const s = await poll();
        if (!s) return row;
        if (s.durumKodu === EDEFTER_STATUS.checksFailed) {
          const reason = `${s.durumAciklama ?? ''}${s.hataDosya ? `\n${s.hataDosya.toString('utf8').slice(0, 4000)}` : ''}`.trim();
          return transition(deps.store, k, 'read', { integratorCode: s.durumKodu, integratorMessage: reason }, deps.now(), 'QNB refused the CSV parts');
        }
        if (s.durumKodu === EDEFTER_STATUS.checksPassed) {
          const r = await o.client.process(req);
          await updateMonth(deps.store, k, { integratorCode: r.sonucKodu, integratorMessage: r.sonucAciklama ?? null }, deps.now());
          break;
        }
        if (s.durumKodu === EDEFTER_STATUS.readyForSealing) {
          const files = await o.client.fetchForSealing(req);
          const unsigned = path.join(folder, 'qnb', 'imzalanacak');
          fs.rmSync(unsigned, { recursive: true, force: true });
          fs.mkdirSync(unsigned, { recursive: true });
          for (const f of files) fs.writeFileSync(path.join(unsigned, path.basename(f.name)), f.content);
          const manifests = files.filter((f) => f.name.endsWith('.json')).map((f) => JSON.parse(f.content.toString('utf8')) as SealingManifest);
          await transition(deps.store, k, 'built', { sealing: { manifests }, integratorCode: s.durumKodu, integratorMessage: s.durumAciklama ?? null }, deps.now(), `${manifests.length} parts to seal`);
          break;
        }
        await updateMonth(deps.store, k, { integratorCode: s.durumKodu, integratorMessage: s.durumAciklama ?? null }, deps.now());
        break;
      }
      case 'built': {
        if (!o.sealer) return row;
        await sealMonth(deps, ref, o.sealer);
        break;
      }
      case 'signed': {
        // Ask first: after a crash the sealed files may already be at QNB.
        const s = await o.client.status({ month: ref.month, taxId: ref.vkn });
        const already = ([EDEFTER_STATUS.submittedToGib, EDEFTER_STATUS.gibApproved, EDEFTER_STATUS.gibRejected] as string[]).includes(s.durumKodu);
        if (!already) {
          const sealed = path.join(folder, 'qnb', 'muhurlu');
          const files = fs.readdirSync(sealed).filter((f) => f.endsWith('.xml')).sort().map((name) => ({ name, content: fs.readFileSync(path.join(sealed, name)) }));
          await o.client.uploadSealed({ ...req, files });
        }
        await transition(deps.store, k, 'submitted', {}, deps.now(), already ? 'already at QNB' : 'sealed files sent to QNB');
        break;
      }
      case 'submitted': {
        const s = await poll();
        if (!s) return row;
        if (s.durumKodu === EDEFTER_STATUS.gibApproved) {
          const files = await o.client.fetchApproved(req);
          const gib = path.join(folder, 'gib');
          fs.mkdirSync(gib, { recursive: true });
          for (const f of files) fs.writeFileSync(path.join(gib, path.basename(f.name)), f.content);
          const manifests = ((row.sealing?.manifests as SealingManifest[] | undefined) ?? []).slice().sort((a, b) => a.part - b.part);
          const last = manifests.at(-1);
          const before = await numberingBefore(deps, ref, settings);
          await deps.store.transaction(async (trx) => {
            await transition(trx, k, 'approved', { integratorCode: s.durumKodu, integratorMessage: s.durumAciklama ?? null }, deps.now(), `${files.length} GİB-approved berats`);
            // The next month continues from here: madde no, line number and uniqueID part sequence (Uygulama Kılavuzu §19–20).
            await setNumbering(trx, ref.vkn, ref.branch ?? '', {
              fiscalYear: fiscalYearOf(settings, ref.month),
              lastMonth: ref.month,
              lastJournalNo: row.checks?.lastJournalNo ?? before.journalNo,
              lastLineNumber: before.lineNumber + (row.checks?.lines ?? 0),
              lastUniqueSeq: last ? Number(last.y.uniqueID.slice(-6)) : before.uniqueSeq,
              ...(last ? { lastUniqueId: last.y.uniqueID } : {}),
              source: 'approved-month',
            }, deps.now());
          });
          continue;
        }
        if (s.durumKodu === EDEFTER_STATUS.gibRejected) {
          return transition(deps.store, k, 'rejected', { gibReason: s.durumAciklama ?? 'GİB reddetti', integratorCode: s.durumKodu }, deps.now(), s.durumAciklama);
        }
        break;
      }
      case 'approved':
      case 'rejected':
        return row;
    }
  }
}

/** Seals the parts QNB handed out: defters, then the berats built from them (state built → signed). */
export async function sealMonth(deps: EdefterDeps, ref: MonthRef, sealer: Sealer): Promise<MonthRow> {
  const settings = await settingsOf(deps, ref.vkn);
  const row = await getMonth(deps.store, ref.vkn, ref.branch ?? '', ref.month);
  if (!row || row.state !== 'built') throw new KonnektorError('EDEFTER_STATE_INVALID', `${ref.month} is ${row?.state ?? 'not started'}; only a built month is sealed`, { month: ref.month });
  const folder = monthFolder(deps, ref, settings);
  const unsigned = path.join(folder, 'qnb', 'imzalanacak');
  const sealedDir = path.join(folder, 'qnb', 'muhurlu');
  // Always from the unsigned copies: a run killed mid-sealing starts the sealing over, never signs a file twice.
  fs.rmSync(sealedDir, { recursive: true, force: true });
  fs.mkdirSync(sealedDir, { recursive: true });
  const manifests = ((row.sealing?.manifests as SealingManifest[] | undefined) ?? []).slice().sort((a, b) => a.part - b.part);
  const parts: BuiltPart[] = manifests.map((m) => {
    for (const n of [m.y.name, m.k.name]) fs.copyFileSync(path.join(unsigned, n), path.join(sealedDir, n));
    return {
      part: m.part,
      periodStart: m.periodStart,
      periodEnd: m.periodEnd,
      entries: m.entries,
      lines: 0,
      firstJournalNo: 0,
      lastJournalNo: 0,
      firstLineNumber: 0,
      lastLineNumber: 0,
      vat: m.vat,
      y: { kind: 'Y', file: path.join(sealedDir, m.y.name), name: m.y.name, bytes: 0, uniqueID: m.y.uniqueID },
      k: { kind: 'K', file: path.join(sealedDir, m.k.name), name: m.k.name, bytes: 0, uniqueID: m.k.uniqueID },
    };
  });
  const now = deps.now();
  const branch = ref.branch ? settings.branches.find((b) => b.code === ref.branch) : undefined;
  const sealed = await sealParts(parts, {
    settings,
    month: ref.month,
    certificate: sealer.certificate,
    sign: sealer.sign,
    now,
    creationDate: turkeyDateTime(now).date,
    version: deps.version,
    outDir: sealedDir,
    ...(branch ? { branch } : {}),
  });
  logger.info('e-Defter month sealed', { month: ref.month, parts: sealed.length, owner: sealer.certificate.owner });
  return transition(
    deps.store,
    key(ref),
    'signed',
    { sealing: { ...(row.sealing ?? {}), sealed: sealed.map((s) => ({ part: s.part, y: s.y.name, yb: s.yb.name, k: s.k.name, kb: s.kb.name })), signer: sealer.certificate.owner } },
    now,
    `sealed by ${sealer.certificate.owner}`,
  );
}
