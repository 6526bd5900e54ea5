import os from 'node:os';
import path from 'node:path';
import type { CheckSummary } from '../edefter/checks';
import { readLastYevmiye, type LastYevmiye } from '../edefter/lastYevmiye';
import { advanceMonth, buildMonth, checkMonth, sealMonth, type BuildReport, type EdefterDeps, type MonthRef, type Sealer } from '../edefter/month';
import { monthBounds } from '../edefter/model';
import { edefterSettingsSchema, type EdefterSettings } from '../edefter/settings';
import { getMonth, listMonths, loadSettings, monthHistory, saveSettings, setNumbering, type MonthRow } from '../edefter/store';
import { normalizeTarget } from '../erp/target';
import { KonnektorError } from '../errors';
import { createEdefterClient, edefterServiceUrl } from '../integrator/edefterService';
import { listTokens, openToken, type TokenCertificate, type TokenSlot } from '../signing/pkcs11';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';

type In<M extends EdefterMethod> = ParsedInput<M>;
type EdefterMethod = 'edefter.settings.get' | 'edefter.settings.save' | 'edefter.months' | 'edefter.check' | 'edefter.build' | 'edefter.tokens' | 'edefter.certificates' | 'edefter.sign' | 'edefter.send' | 'edefter.status' | 'edefter.verifyLastYevmiye';

/** A month as the e-Defter screen shows it: state, checks, files, deadline, history. */
export interface MonthView extends MonthRow {
  history?: { at: string; from?: string; to: string; detail?: string }[];
}

export interface BuildView {
  month: MonthView;
  folder: string;
  parts: { part: number; y: string; k: string; periodStart: string; periodEnd: string; entries: number; lines: number; yBytes: number; kBytes: number }[];
  csv: { name: string; lines: number; bytes: number }[];
  schematron: BuildReport['schematron'];
}

export interface EdefterHandlers {
  'edefter.settings.get'(input: In<'edefter.settings.get'>): Promise<EdefterSettings | null>;
  'edefter.settings.save'(input: In<'edefter.settings.save'>): Promise<EdefterSettings>;
  'edefter.months'(input: In<'edefter.months'>): Promise<MonthView[]>;
  'edefter.check'(input: In<'edefter.check'>): Promise<MonthView>;
  'edefter.build'(input: In<'edefter.build'>): Promise<BuildView>;
  'edefter.tokens'(input: In<'edefter.tokens'>): Promise<TokenSlot[]>;
  'edefter.certificates'(input: In<'edefter.certificates'>): Promise<Omit<TokenCertificate, 'der'>[]>;
  'edefter.sign'(input: In<'edefter.sign'>): Promise<MonthView>;
  'edefter.send'(input: In<'edefter.send'>): Promise<MonthView>;
  'edefter.status'(input: In<'edefter.status'>): Promise<MonthView>;
  'edefter.verifyLastYevmiye'(input: In<'edefter.verifyLastYevmiye'>): Promise<LastYevmiye & { fiscalYear: number }>;
}

const VERSION = '0.1.0';

/** Where month folders go: the Konnektör home (KONNEKTOR_HOME or ~/.konnektor). */
function dataDir(): string {
  return process.env.KONNEKTOR_HOME ? path.resolve(process.env.KONNEKTOR_HOME) : path.join(os.homedir(), '.konnektor');
}

/** Opens the token, picks the certificate, and keeps the session only for one sealing. The PIN goes nowhere else. */
function withSealer<T>(token: { module: string; slot?: number; pin: string; certificateId?: string }, work: (sealer: Sealer) => Promise<T>): Promise<T> {
  const session = openToken(token.module, token.slot ?? 0, token.pin);
  const run = async () => {
    const certs = session.certificates();
    const cert = token.certificateId ? certs.find((c) => c.id.toLowerCase() === token.certificateId!.toLowerCase()) : (certs.find((c) => c.maliMuhur) ?? certs[0]);
    if (!cert) throw new KonnektorError('SIGN_CERT_NOT_FOUND', `no certificate ${token.certificateId ?? ''} on the token`, { id: token.certificateId ?? '' });
    return work({ certificate: cert, sign: (data) => session.sign(cert.id, data) });
  };
  return run().finally(() => session.close());
}

export function createEdefterHandlers(ctx: ApiContext): EdefterHandlers {
  const deps = { store: ctx.store, connections: ctx.erp.connections, now: ctx.now };
  const edefterDeps = async (): Promise<EdefterDeps> => ({
    store: await deps.store(),
    connections: deps.connections,
    connectors: ctx.connectors,
    now: deps.now,
    version: VERSION,
    dataDir: dataDir(),
  });
  /** The month of a session's company and ERP target, or of the target and VKN given. */
  const refOf = (input: { sessionId?: string | undefined; target?: In<'edefter.check'>['target'] | undefined; vkn?: string | undefined; month: string; branch?: string | undefined }): MonthRef => {
    if (input.sessionId) {
      const session = ctx.sessions.require(input.sessionId);
      if (session.module !== 'edefter') throw new KonnektorError('MODULE_NOT_SUPPORTED', `session is for ${session.module}, not e-Defter`, { value: session.module });
      if (!session.companyVkn) throw new KonnektorError('EDEFTER_SETTINGS_MISSING', 'the session has no company VKN');
      return { target: session.target, vkn: session.companyVkn, month: input.month, ...(input.branch ? { branch: input.branch } : {}) };
    }
    if (!input.target || !input.vkn) throw new KonnektorError('INPUT_INVALID', 'give sessionId, or target and vkn', { fields: ['target', 'vkn'] });
    return { target: normalizeTarget(input.target), vkn: input.vkn, month: input.month, ...(input.branch ? { branch: input.branch } : {}) };
  };
  const vknOf = (input: { sessionId?: string | undefined; vkn?: string | undefined }): string | undefined =>
    input.sessionId ? ctx.sessions.require(input.sessionId).companyVkn : input.vkn;
  const view = async (row: MonthRow): Promise<MonthView> => ({ ...row, history: await monthHistory(await deps.store(), row.id) });

  return {
    async 'edefter.settings.get'(input) {
      return (await loadSettings(await deps.store(), input.vkn)) ?? null;
    },
    async 'edefter.settings.save'(input) {
      const settings = edefterSettingsSchema.parse(input.settings);
      await saveSettings(await deps.store(), settings, deps.now());
      return settings;
    },
    async 'edefter.months'(input) {
      return listMonths(await deps.store(), vknOf(input));
    },
    async 'edefter.check'(input) {
      return view(await checkMonth(await edefterDeps(), refOf(input)));
    },
    async 'edefter.build'(input) {
      const d = await edefterDeps();
      const ref = refOf(input);
      const report = await buildMonth(d, ref, input.outDir ? { outDir: input.outDir } : {});
      const row = (await getMonth(d.store, ref.vkn, ref.branch ?? '', ref.month))!;
      return {
        month: await view(row),
        folder: report.folder,
        parts: report.ledger.parts.map((p) => ({ part: p.part, y: p.y.name, k: p.k.name, periodStart: p.periodStart, periodEnd: p.periodEnd, entries: p.entries, lines: p.lines, yBytes: p.y.bytes, kBytes: p.k.bytes })),
        csv: report.csv.map((c) => ({ name: c.zipName, lines: c.lines, bytes: c.bytes })),
        schematron: report.schematron,
      };
    },
    async 'edefter.tokens'(input) {
      return listTokens(input.module);
    },
    async 'edefter.certificates'(input) {
      const session = openToken(input.module, input.slot ?? 0, input.pin);
      try {
        return session.certificates().map(({ der: _der, ...c }) => c);
      } finally {
        session.close();
      }
    },
    async 'edefter.sign'(input) {
      const d = await edefterDeps();
      return view(await withSealer(input.token, (sealer) => sealMonth(d, refOf(input), sealer)));
    },
    async 'edefter.send'(input) {
      const d = await edefterDeps();
      const ref = refOf(input);
      const account = input.sessionId
        ? { integrator: ctx.sessions.require(input.sessionId).integrator, ...ctx.sessions.credentials(input.sessionId) }
        : { integrator: input.integrator, user: input.user, password: input.password };
      if (!account.integrator || !account.user || !account.password) {
        throw new KonnektorError('INPUT_INVALID', 'give sessionId, or integrator, user and password', { fields: ['integrator', 'user', 'password'] });
      }
      const client = createEdefterClient({ url: edefterServiceUrl(account.integrator), credentials: { user: account.user, password: account.password } });
      try {
        const options = { client, ...(input.pollSec ? { pollMs: Math.round(input.pollSec * 1000) } : {}), ...(input.maxPolls ? { maxPolls: input.maxPolls } : {}) };
        let row = await advanceMonth(d, ref, options);
        if (row.state === 'built' && input.token) {
          row = await withSealer(input.token, (sealer) => advanceMonth(d, ref, { ...options, sealer }));
        }
        return view(row);
      } finally {
        await client.close();
      }
    },
    async 'edefter.status'(input) {
      const vkn = vknOf(input);
      if (!vkn) throw new KonnektorError('INPUT_INVALID', 'give sessionId or vkn', { fields: ['vkn'] });
      const row = await getMonth(await deps.store(), vkn, input.branch ?? '', input.month);
      if (!row) throw new KonnektorError('EDEFTER_STATE_INVALID', `${input.month} has not been checked yet`, { month: input.month });
      return view(row);
    },
    async 'edefter.verifyLastYevmiye'(input) {
      const last = readLastYevmiye(input.file);
      if (last.taxId !== input.vkn) {
        throw new KonnektorError('EDEFTER_LAST_YEVMIYE_INVALID', `${path.basename(input.file)} belongs to ${last.taxId}, not ${input.vkn}`, { file: input.file });
      }
      const store = await deps.store();
      const settings = await loadSettings(store, input.vkn);
      const month = last.periodEnd.slice(0, 7);
      // A part that stops before the month's end leaves the month open: the next build continues inside it.
      const complete = last.periodEnd === monthBounds(month).last;
      const fiscalYear = settings ? Number(settings.firm.fiscalYearStart.slice(0, 4)) : Number(month.slice(0, 4));
      await setNumbering(store, input.vkn, input.branch ?? '', {
        fiscalYear,
        ...(complete ? { lastMonth: month } : {}),
        lastJournalNo: last.lastJournalNo,
        lastLineNumber: last.lastLineNumber,
        lastUniqueSeq: last.uniqueSeq,
        lastUniqueId: last.uniqueID,
        source: 'yevmiye-dogrulama',
      }, deps.now());
      return { ...last, fiscalYear };
    },
  };
}

export type { CheckSummary };
