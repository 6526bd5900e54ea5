import type http from 'node:http';
import { z } from 'zod';
import type { RegisteredUser } from '../../core/documents/userList';
import { listAccounts } from './accounts';
import { statusFields } from './connector';
import type { FaultConfig, FaultInjector } from './faults';
import { addIncoming, countIncoming } from './incoming';
import { listKontor, setKontor, type KontorBalance } from './kontor';
import type { OutgoingDocuments, OutgoingRow } from './outgoing';
import { upsertRegisteredUsers } from './registry';
import { demoWorld, type DemoWorld } from '../demo/scenario';
import { incomingInvoiceXml } from './seed';
import type { SandboxDb } from './store';
import { turkeyDateTime } from '../../core/time';

/**
 * The sandbox's back door for tests, demos and benchmarks: fault injection, the state of every document, and the
 * delivery log that proves "nothing sent twice" (one delivery per ETTN and invoice number). Programmatic through
 * `handle.admin`, and over HTTP on the same port under /admin/ — only from 127.0.0.1 and only with the per-start
 * token (`Authorization: Bearer <token>` or `X-Admin-Token`).
 */
export interface DocumentSummary {
  belgeOid: string;
  senderVkn: string;
  belgeNo: string;
  belgeTuru: string;
  ettn: string | null;
  invoiceId: string | null;
  profileId: string | null;
  receiverVkn: string | null;
  receiverAlias: string | null;
  envelopes: number;
  /** belgeGonderExt calls that carried this document; more than 1 means a client resent without asking. */
  submissions: number;
  receivedAt: string;
  status: Record<string, unknown>;
}

export interface Delivery {
  belgeOid: string;
  senderVkn: string;
  receiverVkn: string | null;
  ettn: string | null;
  invoiceId: string | null;
  envelope: number;
  deliveredAt: string;
}

export interface DeliveryReport {
  deliveries: Delivery[];
  /** Deliveries per ETTN (lower case); exactly-once means every value is 1. */
  byEttn: Record<string, number>;
  /** Deliveries per sender VKN and invoice number, keyed `vkn/ID`. */
  byInvoiceId: Record<string, number>;
}

export interface SandboxState {
  now: string;
  stepMs: number;
  accounts: { userId: string; staff: boolean; vkns: string[] }[];
  outgoing: { total: number; pending: number; byCode: Record<string, number> };
  deliveries: number;
  incoming: { total: number; taken: number };
  earsiv: { total: number; cancelled: number };
  registeredUsers: number;
  kontor: KontorBalance[];
  faults: ReturnType<FaultInjector['current']>;
}

export interface AddIncomingInput {
  receiverVkn: string;
  /** UBL XML; when absent a demo supplier's invoice is generated. */
  xml?: string;
  senderAlias?: string;
  receiverAlias?: string;
  /** The ETTN of a document whose XML cannot be read (an invalid delivery). */
  ettn?: string;
}

export interface SandboxAdmin {
  readonly token: string;
  setFaults(config: FaultConfig): void;
  clearFaults(): void;
  faults(): ReturnType<FaultInjector['current']>;
  state(): SandboxState;
  documents(): DocumentSummary[];
  /** One outgoing document with the exact bytes the integrator received. */
  document(belgeOid: string): (DocumentSummary & { xml: string }) | undefined;
  deliveries(): DeliveryReport;
  addIncoming(input: AddIncomingInput): { belgeSiraNo: number; ettn: string };
  addRegisteredUsers(users: RegisteredUser[]): void;
  setKontor(vkn: string, kontorTipi: 'FATURA' | 'ARSIV', kalan: number): void;
  /** Applies the effects of every due step now (useful with an injected clock). */
  settle(): number;
  /** Resolves when every received document has been checked (validation done, walk planned). */
  idle(): Promise<void>;
}

export function createAdmin(deps: {
  db: SandboxDb;
  token: string;
  now: () => number;
  stepMs: number;
  seed: number;
  outgoing: OutgoingDocuments;
  faults: FaultInjector;
}): SandboxAdmin {
  const { db, outgoing, faults } = deps;
  let generated = 0;
  let world: DemoWorld | undefined;
  const summary = (r: OutgoingRow): DocumentSummary => ({
    belgeOid: r.belge_oid,
    senderVkn: r.sender_vkn,
    belgeNo: r.belge_no,
    belgeTuru: r.belge_turu,
    ettn: r.ettn,
    invoiceId: r.invoice_id,
    profileId: r.profile_id,
    receiverVkn: r.receiver_vkn,
    receiverAlias: r.receiver_alias,
    envelopes: r.envelopes,
    submissions: r.submissions,
    receivedAt: new Date(r.received_at).toISOString(),
    status: statusFields(outgoing.status(r)),
  });
  const admin: SandboxAdmin = {
    token: deps.token,
    setFaults: (config) => faults.apply(config),
    clearFaults: () => faults.clear(),
    faults: () => faults.current(),
    settle: () => outgoing.settleDue(),
    idle: () => outgoing.idle(),
    documents: () => {
      outgoing.settleDue();
      return outgoing.list().map(summary);
    },
    document: (belgeOid) => {
      const row = outgoing.byOid(belgeOid);
      return row ? { ...summary(row), xml: row.xml.toString('utf8') } : undefined;
    },
    deliveries: () => {
      outgoing.settleDue();
      const rows = db.prepare('SELECT * FROM deliveries ORDER BY id').all() as {
        belge_oid: string;
        sender_vkn: string;
        receiver_vkn: string | null;
        ettn: string | null;
        invoice_id: string | null;
        envelope: number;
        delivered_at: number;
      }[];
      const byEttn: Record<string, number> = {};
      const byInvoiceId: Record<string, number> = {};
      for (const r of rows) {
        if (r.ettn) byEttn[r.ettn.toLowerCase()] = (byEttn[r.ettn.toLowerCase()] ?? 0) + 1;
        if (r.invoice_id) byInvoiceId[`${r.sender_vkn}/${r.invoice_id}`] = (byInvoiceId[`${r.sender_vkn}/${r.invoice_id}`] ?? 0) + 1;
      }
      return {
        deliveries: rows.map((r) => ({
          belgeOid: r.belge_oid,
          senderVkn: r.sender_vkn,
          receiverVkn: r.receiver_vkn,
          ettn: r.ettn,
          invoiceId: r.invoice_id,
          envelope: r.envelope,
          deliveredAt: new Date(r.delivered_at).toISOString(),
        })),
        byEttn,
        byInvoiceId,
      };
    },
    state: () => {
      const docs = admin.documents();
      const byCode: Record<string, number> = {};
      for (const d of docs) {
        const s = d.status as { durum: number; gonderimCevabiKodu: number };
        const key = s.durum === 3 ? String(s.gonderimCevabiKodu) : `durum${s.durum}`;
        byCode[key] = (byCode[key] ?? 0) + 1;
      }
      const earsiv = db.prepare('SELECT COUNT(*) AS total, COUNT(cancelled_at) AS cancelled FROM earsiv').get() as { total: number; cancelled: number };
      return {
        now: new Date(deps.now()).toISOString(),
        stepMs: deps.stepMs,
        accounts: listAccounts(db).map((a) => ({ userId: a.userId, staff: a.staff, vkns: a.vkns })),
        outgoing: { total: docs.length, pending: outgoing.pendingCount(), byCode },
        deliveries: (db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n,
        incoming: countIncoming(db),
        earsiv,
        registeredUsers: (db.prepare('SELECT COUNT(*) AS n FROM registered_users').get() as { n: number }).n,
        kontor: listKontor(db),
        faults: faults.current(),
      };
    },
    addIncoming: (input) => {
      let xml = input.xml;
      if (xml === undefined) {
        world ??= demoWorld(deps.seed);
        const company = world.companies.find((c) => c.vkn === input.receiverVkn) ?? world.companies[0]!;
        const supplier = world.customers.filter((c) => c.registered && c.userType === 'OZEL')[generated % 10]!;
        xml = incomingInvoiceXml(world, { ...company, vkn: input.receiverVkn }, supplier, 1000 + generated, turkeyDateTime(new Date(deps.now())).date, deps.seed + generated).xml;
        generated += 1;
      }
      return addIncoming(db, {
        receiverVkn: input.receiverVkn,
        xml: Buffer.from(xml, 'utf8'),
        ...(input.senderAlias ? { senderAlias: input.senderAlias } : {}),
        ...(input.receiverAlias ? { receiverAlias: input.receiverAlias } : {}),
        ...(input.ettn ? { ettn: input.ettn } : {}),
        arrivedAt: deps.now(),
      });
    },
    addRegisteredUsers: (users) => upsertRegisteredUsers(db, users),
    setKontor: (vkn, kontorTipi, kalan) => setKontor(db, vkn, kontorTipi, kalan),
  };
  return admin;
}

const incomingSchema = z.object({
  receiverVkn: z.string().regex(/^\d{10,11}$/),
  xml: z.string().min(1).optional(),
  senderAlias: z.string().optional(),
  receiverAlias: z.string().optional(),
  ettn: z.string().uuid().optional(),
});
const aliasSchema = z.object({ name: z.string().min(1), creationTime: z.string().optional(), deletionTime: z.string().optional() });
const registeredUsersSchema = z.array(
  z.object({
    identifier: z.string().regex(/^\d{10,11}$/),
    title: z.string(),
    type: z.enum(['OZEL', 'KAMU']),
    firstCreationTime: z.string().optional(),
    accountType: z.string().optional(),
    documents: z.array(z.object({ type: z.enum(['Invoice', 'DespatchAdvice']), aliases: z.array(aliasSchema) })),
  }),
);
const kontorSchema = z.object({ vkn: z.string().regex(/^\d{10,11}$/), kontorTipi: z.enum(['FATURA', 'ARSIV']), kalan: z.number() });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value, null, 2));
}

/** /admin/… over HTTP. `body` is the raw request body. */
export async function handleAdminRequest(admin: SandboxAdmin, req: http.IncomingMessage, res: http.ServerResponse, pathname: string, body: Buffer): Promise<void> {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return json(res, 403, { error: 'admin API is only served to 127.0.0.1' });
  const given = req.headers['x-admin-token'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
  if (given !== admin.token) return json(res, 401, { error: 'admin token missing or wrong (Authorization: Bearer <token> or X-Admin-Token)' });
  const route = `${req.method} ${pathname.replace(/\/+$/, '')}`;
  let input: unknown;
  try {
    input = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch (e) {
    return json(res, 400, { error: `body is not JSON: ${(e as Error).message}` });
  }
  const oneDocument = /^GET \/admin\/documents\/([0-9a-z]+)$/.exec(route);
  if (oneDocument) {
    const doc = admin.document(oneDocument[1]!);
    return doc ? json(res, 200, doc) : json(res, 404, { error: `no document with belgeOid ${oneDocument[1]}` });
  }
  try {
    switch (route) {
      case 'GET /admin/state':
        return json(res, 200, admin.state());
      case 'GET /admin/documents':
        return json(res, 200, admin.documents());
      case 'GET /admin/deliveries':
        return json(res, 200, admin.deliveries());
      case 'GET /admin/faults':
        return json(res, 200, admin.faults());
      case 'POST /admin/faults':
        admin.setFaults(input as FaultConfig);
        return json(res, 200, admin.faults());
      case 'DELETE /admin/faults':
        admin.clearFaults();
        return json(res, 200, admin.faults());
      case 'POST /admin/incoming':
        return json(res, 200, admin.addIncoming(incomingSchema.parse(input)));
      case 'POST /admin/registered-users':
        admin.addRegisteredUsers(registeredUsersSchema.parse(input));
        return json(res, 200, { ok: true });
      case 'POST /admin/kontor': {
        const k = kontorSchema.parse(input);
        admin.setKontor(k.vkn, k.kontorTipi, k.kalan);
        return json(res, 200, { ok: true });
      }
      case 'POST /admin/settle':
        return json(res, 200, { settled: admin.settle() });
      default:
        return json(res, 404, {
          error: `unknown admin route ${route}`,
          routes: ['GET /admin/state', 'GET /admin/documents', 'GET /admin/documents/<belgeOid>', 'GET /admin/deliveries', 'GET|POST|DELETE /admin/faults', 'POST /admin/incoming', 'POST /admin/registered-users', 'POST /admin/kontor', 'POST /admin/settle'],
        });
    }
  } catch (e) {
    if (e instanceof z.ZodError) return json(res, 400, { error: 'invalid input', issues: e.issues });
    throw e;
  }
}
