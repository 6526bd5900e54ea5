import crypto from 'node:crypto';
import type { ErpTarget } from '../erp/target';
import { KonnektorError } from '../errors';
import type { Module } from '../modules';

/** One logged-in module: who (integrator user, and the staff member when support logs in), where (ERP target). */
export interface Session {
  id: string;
  module: Module;
  /** The integrator user whose documents this session sends. */
  user: string;
  /** An eFinans support login: visibly marked in the UI, shorter lifetime, every action audited with `staffUser`. */
  staff: boolean;
  staffUser?: string;
  createdAt: string;
  expiresAt: string;
  profileId?: number;
  target: ErpTarget;
  companyVkn?: string;
  /** Integrator base URL the session was verified against. */
  integrator: string;
  fiscalYear?: number;
  /** The company's title as the accounting program names it (status bar, staff banner). */
  companyName?: string;
  /**
   * Logged in with the integrator only (firm/period left empty, as the guide allows): the ERP side is still to be
   * set in Bağlantı Ayarları; nothing reads documents until then.
   */
  erpPending?: boolean;
}

/** Who acts, as the audit log records it: the staff identity for support sessions. */
export interface Actor {
  actor: string;
  staff: boolean;
}

export interface SessionRegistryOptions {
  now?: () => Date;
  /** Lifetime of a customer session (default 8 hours: a working day). */
  ttlMs?: number;
  /** Lifetime of a staff session (default 30 minutes): privileged access should not outlive the support call. */
  staffTtlMs?: number;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60_000;
export const DEFAULT_STAFF_SESSION_TTL_MS = 30 * 60_000;

/** Integrator credentials a session sends with; kept in memory only, never returned by the API. */
export interface SessionCredentials {
  user: string;
  password: string;
}

/**
 * The live sessions of this process. A session id is an unguessable token the renderer passes with every call;
 * handlers resolve the actor with `require(sessionId)`. Sessions live in memory: a restart means logging in again,
 * which is what a desktop program does.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, { session: Session; credentials: SessionCredentials }>();
  private readonly now: () => Date;
  readonly ttlMs: number;
  readonly staffTtlMs: number;

  constructor(options: SessionRegistryOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.staffTtlMs = options.staffTtlMs ?? DEFAULT_STAFF_SESSION_TTL_MS;
  }

  create(fields: Omit<Session, 'id' | 'createdAt' | 'expiresAt'>, credentials: SessionCredentials): Session {
    const now = this.now();
    const session: Session = {
      ...fields,
      id: crypto.randomBytes(24).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (fields.staff ? this.staffTtlMs : this.ttlMs)).toISOString(),
    };
    this.sessions.set(session.id, { session, credentials });
    return session;
  }

  /** The live session, or AUTH_REQUIRED (no such session) / AUTH_SESSION_EXPIRED (it ran out; it is dropped). */
  require(sessionId: string | undefined): Session {
    const entry = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!entry) throw new KonnektorError('AUTH_REQUIRED', 'No session with this id; log in first');
    if (Date.parse(entry.session.expiresAt) <= this.now().getTime()) {
      this.sessions.delete(entry.session.id);
      throw new KonnektorError('AUTH_SESSION_EXPIRED', `Session expired at ${entry.session.expiresAt}`);
    }
    return entry.session;
  }

  /** A staff session, or AUTH_STAFF_REQUIRED: connection settings of a customer and diagnostics are support tools. */
  requireStaff(sessionId: string | undefined): Session {
    const session = this.require(sessionId);
    if (!session.staff) throw new KonnektorError('AUTH_STAFF_REQUIRED', `Session of ${session.user} is not a staff session`);
    return session;
  }

  credentials(sessionId: string): SessionCredentials {
    this.require(sessionId);
    return this.sessions.get(sessionId)!.credentials;
  }

  /** Replaces the ERP target after the connection settings were updated. */
  update(sessionId: string, changes: Partial<Pick<Session, 'target' | 'profileId' | 'companyVkn' | 'fiscalYear' | 'integrator' | 'companyName' | 'erpPending'>>): Session {
    const session = this.require(sessionId);
    Object.assign(session, changes);
    return session;
  }

  end(sessionId: string): boolean {
    return this.sessions.delete(sessionId);
  }

  size(): number {
    return this.sessions.size;
  }
}

export function actorOf(session: Session): Actor {
  return session.staff ? { actor: session.staffUser ?? session.user, staff: true } : { actor: session.user, staff: false };
}

const registries = new WeakMap<object, SessionRegistry>();

/**
 * The registry belonging to one API instance (keyed by its deps object), so every domain's handlers resolve the
 * same sessions: `sessionsFor(deps).require(input.sessionId)`.
 */
export function sessionsFor(deps: object & { now?: () => Date; sessions?: SessionRegistry; session?: { registry?: SessionRegistry } }): SessionRegistry {
  if (deps.sessions) return deps.sessions;
  if (deps.session?.registry) return deps.session.registry;
  let registry = registries.get(deps);
  if (!registry) {
    registry = new SessionRegistry(deps.now ? { now: deps.now } : {});
    registries.set(deps, registry);
  }
  return registry;
}
