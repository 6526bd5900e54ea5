import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * Fault injection: what a real integrator and network do to a client on a bad day. Set at start
 * (`startSandbox({ faults })`), through `admin.setFaults`, or with POST /admin/faults (same JSON).
 *
 * - `latencyMs`: every SOAP answer waits this long first.
 * - `rules`: per call, the first matching rule fires — `http` answers HTTP 500/503 with a non-SOAP body, `drop`
 *   destroys the socket without an answer (before processing, or `afterProcessing`: the call takes effect and the
 *   answer is lost, the case that tests "nothing sent twice"), `soapFault` answers a SOAP fault. A rule fires for
 *   the next `count` matching calls, or for a `share` of them (seeded, so runs repeat), optionally only for one
 *   `operation`.
 * - `outcomes`: force GİB code 1215 or 1230 for chosen documents (by ETTN or invoice ID), `times` envelopes long.
 * - `responses` / `rejectShare`: how receivers answer TICARIFATURA invoices (KABUL unless told otherwise).
 */
const faultRule = z.object({
  kind: z.enum(['http', 'drop', 'soapFault', 'malformed']),
  status: z.union([z.literal(500), z.literal(503)]).optional(),
  message: z.string().min(1).optional(),
  afterProcessing: z.boolean().optional(),
  count: z.number().int().positive().optional(),
  share: z.number().min(0).max(1).optional(),
  operation: z.string().min(1).optional(),
});

const documentKey = { ettn: z.string().min(1).optional(), invoiceId: z.string().min(1).optional() };
const hasKey = (o: { ettn?: string; invoiceId?: string }) => o.ettn !== undefined || o.invoiceId !== undefined;

export const faultConfigSchema = z.object({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  rules: z.array(faultRule).optional(),
  outcomes: z
    .array(
      z
        .object({ ...documentKey, code: z.union([z.literal(1215), z.literal(1230)]), times: z.number().int().positive().optional() })
        .refine(hasKey, 'ettn or invoiceId is required'),
    )
    .optional(),
  responses: z
    .array(z.object({ ...documentKey, yanit: z.enum(['KABUL', 'RED']), detail: z.string().optional() }).refine(hasKey, 'ettn or invoiceId is required'))
    .optional(),
  rejectShare: z.number().min(0).max(1).optional(),
  /** What kayitliKullaniciListeleExtended serves (sandbox/server/userList.ts); replaces the previous setting. */
  userList: z
    .object({
      truncateShare: z.number().min(0).max(1).optional(),
      brokenEntry: z.boolean().optional(),
      notZip: z.boolean().optional(),
      noXml: z.boolean().optional(),
      foreignXml: z.boolean().optional(),
    })
    .strict()
    .optional(),
});

export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultRule = z.infer<typeof faultRule>;

export type FaultAction =
  | { kind: 'http'; status: 500 | 503 }
  | { kind: 'drop'; afterProcessing: boolean }
  | { kind: 'soapFault'; message: string }
  | { kind: 'malformed'; afterProcessing: boolean };

interface LiveRule extends FaultRule {
  remaining?: number;
}

export interface DocumentKey {
  ettn?: string;
  invoiceId?: string;
}

const matches = (rule: DocumentKey, doc: DocumentKey) =>
  (rule.ettn !== undefined && doc.ettn !== undefined && rule.ettn.toLowerCase() === doc.ettn.toLowerCase()) ||
  (rule.invoiceId !== undefined && rule.invoiceId === doc.invoiceId);

/** mulberry32: a small seeded generator, so share-based faults repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private latencyMs = 0;
  private rules: LiveRule[] = [];
  private outcomes: { key: DocumentKey; code: 1215 | 1230; remaining: number }[] = [];
  private responses: { key: DocumentKey; yanit: 'KABUL' | 'RED'; detail?: string }[] = [];
  private rejectShare = 0;
  private userListFaults: FaultConfig['userList'] = {};
  private readonly random: () => number;
  readonly injected = { http: 0, drop: 0, soapFault: 0, malformed: 0, outcomes: 0 };

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** Adds to what is set: rules, outcomes and responses accumulate; latencyMs and rejectShare replace. */
  apply(input: unknown): void {
    const config = faultConfigSchema.parse(input);
    if (config.latencyMs !== undefined) this.latencyMs = config.latencyMs;
    if (config.rejectShare !== undefined) this.rejectShare = config.rejectShare;
    if (config.userList !== undefined) this.userListFaults = config.userList;
    for (const r of config.rules ?? []) this.rules.push({ ...r, ...(r.share === undefined ? { remaining: r.count ?? 1 } : {}) });
    for (const o of config.outcomes ?? []) this.outcomes.push({ key: { ettn: o.ettn, invoiceId: o.invoiceId }, code: o.code, remaining: o.times ?? 1 });
    for (const r of config.responses ?? []) this.responses.push({ key: { ettn: r.ettn, invoiceId: r.invoiceId }, yanit: r.yanit, ...(r.detail ? { detail: r.detail } : {}) });
  }

  clear(): void {
    this.latencyMs = 0;
    this.rules = [];
    this.outcomes = [];
    this.responses = [];
    this.rejectShare = 0;
    this.userListFaults = {};
  }

  /** How the next user-list downloads are spoiled, if at all. */
  get userList(): NonNullable<FaultConfig['userList']> {
    return this.userListFaults ?? {};
  }

  current(): FaultConfig & { injected: FaultInjector['injected'] } {
    return {
      latencyMs: this.latencyMs,
      rules: this.rules.map(({ remaining, ...r }) => ({ ...r, ...(remaining !== undefined ? { count: remaining } : {}) })),
      outcomes: this.outcomes.map((o) => ({ ...o.key, code: o.code, times: o.remaining })),
      responses: this.responses.map((r) => ({ ...r.key, yanit: r.yanit, ...(r.detail ? { detail: r.detail } : {}) })),
      rejectShare: this.rejectShare,
      userList: this.userListFaults,
      injected: { ...this.injected },
    };
  }

  get latency(): number {
    return this.latencyMs;
  }

  /** What happens to this call, if anything. */
  actionFor(operation: string): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining <= 0) continue;
        rule.remaining -= 1;
      } else if (this.random() >= (rule.share ?? 0)) {
        continue;
      }
      this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
      this.injected[rule.kind] += 1;
      if (rule.kind === 'http') return { kind: 'http', status: rule.status ?? 500 };
      if (rule.kind === 'drop') return { kind: 'drop', afterProcessing: rule.afterProcessing ?? false };
      if (rule.kind === 'malformed') return { kind: 'malformed', afterProcessing: rule.afterProcessing ?? false };
      return { kind: 'soapFault', message: rule.message ?? 'Sistem hatası. Lütfen daha sonra tekrar deneyiniz. (injected)' };
    }
    return undefined;
  }

  /** A forced 1215/1230 for this document's next envelope, consumed by the call. */
  takeOutcome(doc: DocumentKey): 1215 | 1230 | undefined {
    const o = this.outcomes.find((x) => x.remaining > 0 && matches(x.key, doc));
    if (!o) return undefined;
    o.remaining -= 1;
    this.outcomes = this.outcomes.filter((x) => x.remaining > 0);
    this.injected.outcomes += 1;
    return o.code;
  }

  /** The receiver's answer to a TICARIFATURA invoice: forced, else RED for a stable `rejectShare` of ETTNs. */
  responseFor(doc: DocumentKey): { yanit: 'KABUL' | 'RED'; detail?: string } {
    const forced = this.responses.find((r) => matches(r.key, doc));
    if (forced) return forced;
    if (this.rejectShare > 0 && doc.ettn) {
      const roll = crypto.createHash('md5').update(doc.ettn.toLowerCase()).digest().readUInt32BE(0) / 4294967296;
      if (roll < this.rejectShare) return { yanit: 'RED', detail: 'Fatura içeriği siparişle uyuşmuyor.' };
    }
    return { yanit: 'KABUL' };
  }
}
