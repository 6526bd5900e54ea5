import type { FirmPeriod } from '../../connectors/contract';
import { listProfiles, type Profile } from '../../db/profiles';
import { creditBalanceOf, verifyIntegratorLogin, type Session } from '../auth';
import { normalizeTarget, type ErpTarget, type ErpTargetInput } from '../erp/target';
import { targetFieldsOf, type TargetField } from '../erp/targetFields';
import { KonnektorError, isKonnektorError } from '../errors';
import type { Module } from '../modules';
import type { ApiContext } from './context';
import { isPeriodOf } from '../yearend/detect';
import { listDatabases, listFirmPeriods, readOutgoing, testConnection } from './erp';

/**
 * The checks login and "Bağlantı Ayarları" share: complete what the form left empty from the saved settings, test
 * the ERP target, find whose company it is, and verify the integrator login.
 */
const blank = (v: string | undefined) => v === undefined || v.trim() === '';

export async function latestProfile(ctx: ApiContext, module: Module): Promise<Profile | undefined> {
  return (await listProfiles(await ctx.store(), { module })).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

/** The server as typed, or the saved one (with its password from the vault) when the form shows the redacted form. */
async function resolveServer(ctx: ApiContext, server: string, profile: Profile | undefined): Promise<string> {
  if (profile && server === profile.target.server && profile.erpSecretRef && ctx.sd.vault) {
    return (await ctx.sd.vault.get(profile.erpSecretRef)) ?? server;
  }
  return server;
}

/** Which other program's database this is ("Logo" chosen, a Netsis company database typed), if any. */
async function otherProgramOf(ctx: ApiContext, chosen: string, server: string, database: string): Promise<string | undefined> {
  for (const c of ctx.connectors.list().filter((x) => x.id !== chosen)) {
    const dbs = await listDatabases(ctx, c.id, server).catch(() => []);
    if (dbs.some((d) => d.recognised && d.name.toLowerCase() === database.toLowerCase())) return c.title;
  }
  return undefined;
}

/**
 * True when a login leaves the ERP side for "Bağlantı Ayarları" (the guide: "Firma Kodu / Dönem Kodu bilgileriniz
 * yok ise bu alanı boş bırakabilirsiniz"): the fields of the program's layout are empty and no saved setting of the
 * same program and server carries them.
 */
export function erpLeftForSettings(ctx: ApiContext, raw: Partial<ErpTargetInput>, profile: Profile | undefined, fallbackConnector?: string): boolean {
  const connectorId = raw.connector?.trim() || profile?.target.connector || fallbackConnector || '';
  if (!connectorId) return false;
  const connector = ctx.connectors.get(connectorId);
  const sameProgram = profile?.target.connector === connector.id;
  const serverInput = raw.server?.trim() || (sameProgram ? profile!.target.server : '') || '';
  const carried = sameProgram && profile!.target.server === serverInput ? profile!.target : undefined;
  // The codes that pick the company and year: firm and period in Logo's layout, the database in the others.
  const codes: TargetField[] = connector.shape === 'firm-period' ? ['firm', 'period'] : ['database'];
  return codes.every((f) => blank(raw[f] === undefined ? undefined : String(raw[f])) && (carried?.[f] === undefined || String(carried[f]).trim() === ''));
}

/** The ERP half of a login or a connection test: complete the target from the saved settings, then test it. */
export async function checkTarget(ctx: ApiContext, module: Module, raw: Partial<ErpTargetInput>, profile: Profile | undefined) {
  const connectorId = raw.connector?.trim() || profile?.target.connector || ctx.sd.demo?.connector || '';
  if (!connectorId) throw new KonnektorError('AUTH_CONNECTOR_REQUIRED', 'No accounting program chosen');
  const connector = ctx.connectors.get(connectorId);
  // A module the program cannot serve yet is refused before anything is opened, naming both.
  ctx.kinds.requireServed(connector, module);
  const sameProgram = profile?.target.connector === connector.id;
  const serverInput = raw.server?.trim() || (sameProgram ? profile!.target.server : '') || '';
  if (!serverInput) throw new KonnektorError('AUTH_SERVER_REQUIRED', 'No accounting server given');
  const server = await resolveServer(ctx, serverInput, sameProgram ? profile : undefined);
  // Firm and period may be left empty when the saved connection settings already carry them. Only the fields of
  // this program's layout are taken: a Logo firm/period never travels with a Netsis login.
  const carried = sameProgram && profile!.target.server === serverInput ? profile!.target : undefined;
  const fields = targetFieldsOf(connector.shape);
  const pick = (f: TargetField): string | number | undefined => {
    if (!fields.includes(f)) return undefined;
    const typed = raw[f];
    if (typed !== undefined && String(typed).trim() !== '') return typed;
    return carried?.[f];
  };
  const input: ErpTargetInput = {
    connector: connector.id,
    server,
    ...Object.fromEntries((['database', 'firm', 'period', 'fiscalYear'] as const).flatMap((f) => (pick(f) === undefined ? [] : [[f, pick(f)]]))),
    ...(!blank(raw.branch) ? { branch: raw.branch } : {}),
  };
  const target = normalizeTarget(input);
  if (target.branch !== undefined && !connector.branchColumn) {
    throw new KonnektorError('ERP_BRANCH_NOT_SUPPORTED', `${connector.title} keeps no branch on its documents; branch ${target.branch} cannot be read apart`, {
      value: target.branch,
      program: connector.title,
    });
  }
  if (connector.shape === 'firm-period') {
    if (!target.database) throw new KonnektorError('ERP_DATABASE_REQUIRED', `${connector.title} needs the database that holds its firms`);
    if (!target.firm) throw new KonnektorError('ERP_FIRM_REQUIRED', `${connector.title} needs a firm code`);
    if (!target.period) throw new KonnektorError('ERP_PERIOD_REQUIRED', `${connector.title} needs a period code`);
  } else if (!target.database) {
    throw new KonnektorError('ERP_DATABASE_REQUIRED', `${connector.title} keeps each company${connector.shape === 'database-per-year' ? '-year' : ''} in its own database`);
  } else if (connector.shape === 'database-per-company' && target.fiscalYear === undefined) {
    throw new KonnektorError('ERP_FISCAL_YEAR_REQUIRED', `${connector.title} keeps every fiscal year inside the company database: name the year`);
  }
  const test = await testConnection(ctx, target, module).catch(async (e: unknown) => {
    if (isKonnektorError(e) && e.code === 'ERP_TABLES_MISSING' && target.database) {
      const owner = await otherProgramOf(ctx, connector.id, target.server, target.database);
      if (owner) throw new KonnektorError('ERP_DATABASE_OTHER_PROGRAM', `${target.database} is a ${owner} database, not ${connector.title}`, { value: owner }, { cause: e });
    }
    throw e;
  });
  const periods: FirmPeriod[] = await listFirmPeriods(ctx, target).catch(() => []);
  const period = periods.find((p) => isPeriodOf(connector, p, target));
  if (connector.shape === 'firm-period' && periods.length > 0 && !period) {
    throw new KonnektorError(periods.some((p) => p.firm === target.firm) ? 'ERP_PERIOD_NOT_FOUND' : 'ERP_FIRM_NOT_FOUND', `No firm ${target.firm} period ${target.period}`, {
      value: periods.some((p) => p.firm === target.firm) ? String(target.period) : String(target.firm),
    });
  }
  return { connector, target, test, period };
}

// The company's own record in the program (L_CAPIFIRM, SIRKETLER30) names its VKN and title; the supplier of an
// unsent document is the fallback for a program that keeps none there.
export async function companyOf(ctx: ApiContext, module: Module, target: ErpTarget): Promise<{ taxId?: string; name?: string } | undefined> {
  const connector = ctx.connectors.get(target.connector);
  const own = await connector.companyOf?.(ctx.erp, target).catch(() => undefined);
  if (own?.taxId) return own;
  if (!ctx.kinds.readableBy(connector, module).some((k) => k.direction === 'outgoing')) return own;
  const docs = await readOutgoing(ctx, target, module, { limit: 1 }).catch(() => []);
  const supplier = docs[0]?.supplier;
  return supplier ? { taxId: supplier.taxId.value, ...(own?.name ? { name: own.name } : supplier.name ? { name: supplier.name } : {}) } : own;
}

export async function companyVknOf(ctx: ApiContext, module: Module, target: ErpTarget): Promise<string | undefined> {
  return (await companyOf(ctx, module, target))?.taxId;
}

/** The kontör balance for the status bar; undefined when the integrator does not say. */
export async function kontorOf(ctx: ApiContext, session: Session): Promise<number | undefined> {
  const kind = ctx.kinds.find(session.module);
  if (!session.companyVkn || kind?.direction !== 'outgoing') return undefined;
  const c = ctx.sessions.credentials(session.id);
  return creditBalanceOf(session.integrator, c.user, c.password, session.companyVkn, kind.integrator.creditType);
}

/** A new integrator address must answer the session's own login before it is tested ok or saved. */
export async function checkIntegrator(ctx: ApiContext, session: Session, typed: string | undefined): Promise<string> {
  const integrator = typed?.trim() || session.integrator;
  const c = ctx.sessions.credentials(session.id);
  await verifyIntegratorLogin({ integrator, user: c.user, password: c.password, staff: session.staff });
  return integrator;
}
