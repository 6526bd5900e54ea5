import fs from 'node:fs';
import type { ConnectorContext, ConnectorRegistry } from '../../connectors/contract';
import { createConnectorRegistry } from '../../connectors/shared/registry';
import type { LocalStore } from '../../db/local';
import { appendAudit } from '../../db/audit';
import { recipientDirectory } from '../../db/registry';
import { sessionsFor, type Session, type SessionRegistry } from '../auth';
import { loadGibCodelists, type GibCodelists } from '../documents/gibCodelists';
import { documentKinds, type DocumentKindRegistry } from '../documents/kinds';
import { KonnektorError } from '../errors';
import { createValidator, locateGibPackage, type DocumentValidator } from '../validation';
import type { ApiDeps, SessionDeps } from './deps';

/**
 * What every domain's handlers share within one API instance: its dependencies, the one session registry, the
 * validator and GİB's code lists (each made once, on first use), and the audit trail of staff sessions.
 */
export interface ApiContext {
  deps: ApiDeps;
  /** `deps.session`, or nothing set. */
  sd: SessionDeps;
  sessions: SessionRegistry;
  /** The document kinds: what each module builds, checks, sends and follows. */
  kinds: DocumentKindRegistry;
  /** The accounting programs and, through their capability maps, what each reads per kind. */
  connectors: ConnectorRegistry;
  now(): Date;
  store(): Promise<LocalStore>;
  /** What connectors get: the ERP connections and GİB's registered-user list as cached locally. */
  erp: ConnectorContext;
  validator(): Promise<DocumentValidator>;
  codelists(): GibCodelists;
  readFile(file: string): string;
  audit(session: Pick<Session, 'user' | 'staff' | 'staffUser' | 'module'>, action: string, outcome: 'ok' | 'failed', extra?: { after?: unknown; detail?: string }): Promise<void>;
  /** Staff sessions leave a trace of everything they do; customers' reads are not audited. */
  staffAudit(session: Session, action: string, extra?: { after?: unknown; detail?: string }): Promise<void>;
  /** Releases the validation workers. */
  close(): Promise<void>;
}

/** A document, a stylesheet or a list named by the user is read whole; beyond this it is no e-document. */
const MAX_INPUT_FILE_BYTES = 200 * 1024 * 1024;

export function createApiContext(deps: ApiDeps): ApiContext {
  const now = () => (deps.now ? deps.now() : new Date());
  let validator: Promise<DocumentValidator> | undefined;
  let codelists: GibCodelists | undefined;
  const ctx: ApiContext = {
    deps,
    sd: deps.session ?? {},
    sessions: sessionsFor(deps),
    kinds: deps.kinds ?? documentKinds,
    connectors: createConnectorRegistry(deps.connectors),
    now,
    store: () => deps.store(),
    erp: { connections: deps.connections, recipients: recipientDirectory(() => deps.store()) },
    validator: () => (validator ??= createValidator(deps.settings?.gibPackage ? { gibPackage: deps.settings.gibPackage } : {})),
    codelists: () => (codelists ??= loadGibCodelists(locateGibPackage(deps.settings?.gibPackage))),
    readFile(file) {
      let fd: number;
      try {
        // O_NONBLOCK: a FIFO or a device named as a document never blocks the run; it is refused below.
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      } catch (e) {
        throw new KonnektorError('FILE_NOT_FOUND', `Cannot read ${file}: ${(e as Error).message}`, { value: file });
      }
      try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) throw new KonnektorError('FILE_NOT_REGULAR', `${file} is not a regular file`, { value: file });
        if (stat.size > MAX_INPUT_FILE_BYTES) {
          throw new KonnektorError('FILE_TOO_LARGE', `${file} has ${stat.size} bytes; at most ${MAX_INPUT_FILE_BYTES} are read`, { value: file });
        }
        return fs.readFileSync(fd, 'utf8');
      } catch (e) {
        if (e instanceof KonnektorError) throw e;
        throw new KonnektorError('FILE_NOT_FOUND', `Cannot read ${file}: ${(e as Error).message}`, { value: file });
      } finally {
        fs.closeSync(fd);
      }
    },
    async audit(session, action, outcome, extra = {}) {
      const who = session.staff ? { actor: session.staffUser ?? session.user, staff: true } : { actor: session.user, staff: false };
      await appendAudit(await deps.store(), { ...who, action, module: session.module, outcome, ...extra }, now());
    },
    async staffAudit(session, action, extra = {}) {
      if (session.staff) await ctx.audit(session, action, 'ok', extra);
    },
    async close() {
      const v = validator;
      validator = undefined;
      if (v) await (await v.catch(() => undefined))?.close();
    },
  };
  return ctx;
}
