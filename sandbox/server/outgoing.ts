import crypto from 'node:crypto';
import type { DocumentValidator } from '../../core/validation';
import { logger } from '../../core/logging';
import { isAccountVkn } from './accounts';
import type { FaultInjector } from './faults';
import { addIncoming } from './incoming';
import { chargeKontor } from './kontor';
import { activeAliases, findRegisteredUser } from './registry';
import { checkDespatchFamily } from '../../core/documents/despatch/gibChecks';
import type { SandboxDb } from './store';
import { readUblFacts, type UblFacts } from '../../core/documents/ubl/read';

/**
 * Outgoing e-Fatura documents after belgeGonderExt: checked asynchronously, then walked through eFinans' status
 * layers (integrator-api.md §7, §8) one step every `stepMs`:
 *
 *   0 received        durum 1, gonderimDurumu −1
 *   1 processed       durum 3, gonderimDurumu −1 (queued for GİB)
 *   2 sent to GİB     gonderimDurumu 2, gonderimCevabiKodu 1000
 *   3 GİB answered    gonderimDurumu 3, 1200 — or the error code: 1160 XSD, 1150 schematron, 1163 duplicate,
 *                     1172 receiver not registered / alias not the receiver's (walk ends here)
 *   4 delivered       gonderimDurumu 4, 1300, ulastiMi — or 1210 / 1220 when a 1215 / 1230 is forced
 *   5 answered        TICARIFATURA: yanitDurumu 2 KABUL or 1 RED — or the forced 1215 / 1230
 *
 * A document that cannot be read (not UBL, sender VKN not the caller's) ends at durum 2 with `aciklama`. The walk
 * is stored as absolute step times (the plan), so the state is a function of the clock and survives a restart;
 * the side effects of a step (kontör charged at 1200, the delivery recorded at 1300) are applied once, in order,
 * by `settle`. belgeleriTekrarGonder after 1215/1230 appends a new envelope's walk.
 */
export interface Step {
  at: number;
  durum: 1 | 2 | 3;
  gonderimDurumu: number;
  kod: number;
  detay?: string;
  aciklama?: string;
  yanitDurumu: number;
  yanitDetayi?: string;
  ulastiMi?: boolean;
  effect?: 'charge' | 'deliver';
}

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'processingError'; aciklama: string }
  | { kind: 'gib'; code: number; detail: string }
  | { kind: 'forced'; code: 1215 | 1230 };

export interface OutgoingRow {
  belge_oid: string;
  sender_vkn: string;
  belge_no: string;
  belge_turu: string;
  hash: string;
  xml: Buffer;
  alan_etiket: string | null;
  gonderen_etiket: string | null;
  user_id: string;
  received_at: number;
  submissions: number;
  ettn: string | null;
  invoice_id: string | null;
  profile_id: string | null;
  receiver_vkn: string | null;
  receiver_alias: string | null;
  verdict: string | null;
  plan: string;
  applied: number;
  next_at: number | null;
  envelopes: number;
  charged: number;
}

/** The status as gidenBelgeDurum(vN) reports it. */
export interface OutgoingStatusView {
  belgeOid: string;
  belgeNo: string;
  ettn?: string;
  durum: number;
  aciklama?: string;
  alimTarihi: number;
  olusturulmaTarihi?: number;
  gonderimTarihi?: number;
  gonderimDurumu: number;
  gonderimCevabiKodu: number;
  gonderimCevabiDetayi?: string;
  yanitDurumu: number;
  yanitDetayi?: string;
  yanitTarihi?: number;
  ulastiMi: boolean;
  yenidenGonderilebilirMi: boolean;
}

export const GIB_TEXTS: Record<number, string> = {
  1000: 'ZARF KUYRUGA EKLENDI',
  1150: 'SCHEMATRON KONTROL SONUCU HATALI',
  1160: 'XML SEMA KONTROLUNDEN GECEMEDI',
  1163: 'GONDERILEN ZARF SISTEMDE DAHA ONCE KAYITLI OLAN BIR FATURAYI ICERMEKTEDIR',
  1172: 'POSTA KUTUSU YETKISI YOK',
  1200: 'ZARF BASARIYLA ISLENDI',
  1210: 'DOKUMAN BULUNAN ADRESE GONDERILEMEDI',
  1215: 'DOKUMAN GONDERIMI BASARISIZ. TEKRAR GONDERME SONLANDI',
  1220: 'HEDEFTEN SISTEM YANITI GELMEDI',
  1230: 'HEDEFTEN SISTEM YANITI BASARISIZ GELDI',
  1300: 'BASARIYLA TAMAMLANDI',
};

/** Codes after which a document may be sent again (one client's list, integrator-api.md §7). */
const RESENDABLE = new Set([
  1110, 1120, 1130, 1131, 1132, 1133, 1140, 1141, 1142, 1143, 1150, 1160, 1161, 1170, 1171, 1172, 1175, 1176, 1177, 1180, 1181, 1190, 1195, 1215, 1230,
]);

/** A 14-character lower-case id like eFinans' belgeOid (`3ul4dvqhmd1095`). */
function newBelgeOid(): string {
  let s = '';
  for (const b of crypto.randomBytes(14)) s += '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36];
  return s;
}

/** The UBL root each belgeTuru carries. */
const EXPECTED_ROOT: Record<string, string> = { FATURA_UBL: 'Invoice', UYGULAMA_YANITI_UBL: 'ApplicationResponse', IRSALIYE_UBL: 'DespatchAdvice', IRSALIYE_YANITI_UBL: 'ReceiptAdvice' };

interface Analysis {
  facts?: UblFacts;
  verdict?: Verdict;
}

export interface ReceiveInput {
  userId: string;
  senderVkn: string;
  belgeTuru: 'FATURA_UBL' | 'UYGULAMA_YANITI_UBL' | 'IRSALIYE_UBL' | 'IRSALIYE_YANITI_UBL';
  belgeNo: string;
  xml: Buffer;
  hash: string;
  mimeType?: string;
  belgeVersiyon?: string;
  erpKodu?: string;
  alanEtiket?: string;
  gonderenEtiket?: string;
}

export class OutgoingDocuments {
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: SandboxDb,
    private readonly now: () => number,
    private readonly stepMs: number,
    private readonly faults: FaultInjector,
    private readonly validator: DocumentValidator | undefined,
  ) {}

  /** One more belgeGonderExt that carried an already received document (same belgeNo and bytes). */
  countSubmission(belgeOid: string): void {
    this.db.prepare('UPDATE outgoing SET submissions = submissions + 1 WHERE belge_oid = ?').run(belgeOid);
  }

  /** Same sender and belgeNo: the earlier document (belgeNo is the sender's idempotency key). */
  findByLocalNo(senderVkn: string, belgeNo: string): OutgoingRow | undefined {
    return this.db.prepare('SELECT * FROM outgoing WHERE sender_vkn = ? AND belge_no = ?').get(senderVkn, belgeNo) as OutgoingRow | undefined;
  }

  findByOid(senderVkn: string, belgeOid: string): OutgoingRow | undefined {
    return this.db.prepare('SELECT * FROM outgoing WHERE sender_vkn = ? AND belge_oid = ?').get(senderVkn, belgeOid) as OutgoingRow | undefined;
  }

  /**
   * By ETTN: only once eFinans has processed the document ("İşlendi", integrator-api.md §7). When one ETTN was
   * sent more than once, the document that did not fail wins, else the newest.
   */
  findByEttn(senderVkn: string, ettn: string): OutgoingRow | undefined {
    const rows = this.db.prepare('SELECT * FROM outgoing WHERE sender_vkn = ? AND ettn = ? ORDER BY received_at DESC, rowid DESC').all(senderVkn, ettn) as OutgoingRow[];
    const processed = rows.filter((r) => r.verdict !== null && this.currentIndex(r) >= 1);
    return processed.find((r) => !isError(JSON.parse(r.verdict!) as Verdict)) ?? processed[0];
  }

  receive(input: ReceiveInput): OutgoingRow {
    const oid = newBelgeOid();
    const at = this.now();
    const first: Step = { at, durum: 1, gonderimDurumu: -1, kod: 0, yanitDurumu: -1 };
    this.db
      .prepare(
        `INSERT INTO outgoing (belge_oid, sender_vkn, belge_no, belge_turu, hash, xml, mime_type, belge_versiyon, erp_kodu, alan_etiket,
           gonderen_etiket, user_id, received_at, plan, applied)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(
        oid,
        input.senderVkn,
        input.belgeNo,
        input.belgeTuru,
        input.hash.toLowerCase(),
        input.xml,
        input.mimeType ?? null,
        input.belgeVersiyon ?? null,
        input.erpKodu ?? null,
        input.alanEtiket ?? null,
        input.gonderenEtiket ?? null,
        input.userId,
        at,
        JSON.stringify([first]),
      );
    this.schedule(oid);
    return this.findByOid(input.senderVkn, oid)!;
  }

  /** Documents received before a restart and not yet checked. */
  resumePending(): void {
    const rows = this.db.prepare('SELECT belge_oid FROM outgoing WHERE verdict IS NULL ORDER BY received_at, rowid').all() as { belge_oid: string }[];
    for (const r of rows) this.schedule(r.belge_oid);
  }

  /** Resolves when every received document has been checked and has its walk. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Checks run in parallel (the validator has workers), decisions in arrival order, so of two documents with the
   * same ETTN the earlier one is the original and the later one the duplicate.
   */
  private schedule(oid: string): void {
    const analysed = this.analyse(oid);
    const decided = this.chain
      .then(() => analysed)
      .then((a) => this.decide(oid, a))
      .catch((e: unknown) => {
        logger.error('sandbox: processing an outgoing document failed', { belgeOid: oid, error: String(e) });
      });
    this.chain = decided;
    this.pending.add(decided);
    void decided.finally(() => this.pending.delete(decided));
  }

  private async analyse(oid: string): Promise<Analysis> {
    const row = this.db.prepare('SELECT * FROM outgoing WHERE belge_oid = ?').get(oid) as OutgoingRow | undefined;
    if (!row || row.verdict !== null) return {};
    const xml = row.xml.toString('utf8');
    let facts: UblFacts;
    try {
      facts = readUblFacts(xml);
    } catch (e) {
      return { verdict: { kind: 'processingError', aciklama: `Belge ayrıştırılamadı: ${(e as Error).message}` } };
    }
    const expected = EXPECTED_ROOT[row.belge_turu] ?? 'ApplicationResponse';
    if (facts.root !== expected) {
      return { facts, verdict: { kind: 'processingError', aciklama: `belgeTuru ${row.belge_turu} bir UBL ${expected} bekler, belge ${facts.root}.` } };
    }
    if (facts.sender.id !== row.sender_vkn) {
      return {
        facts,
        verdict: { kind: 'processingError', aciklama: `Belgedeki gönderici VKN/TCKN (${facts.sender.id ?? 'yok'}) vergiTcKimlikNo (${row.sender_vkn}) ile aynı değil.` },
      };
    }
    if (facts.root === 'Invoice' && facts.profileId === 'EARSIVFATURA') {
      return { facts, verdict: { kind: 'processingError', aciklama: 'EARSIVFATURA senaryosundaki belge e-Fatura olarak gönderilemez; EarsivWebService kullanın.' } };
    }
    // Answers are checked like invoices: GİB's XSD of their root and the applicationresponse schematron pattern.
    if (this.validator && (facts.root === 'Invoice' || facts.root === 'ApplicationResponse' || facts.root === 'DespatchAdvice' || facts.root === 'ReceiptAdvice')) {
      // A despatch (and its ReceiptAdvice) is judged as GİB reads its driver rule (several drivers), like Konnektör's own check.
      const result = facts.root === 'DespatchAdvice' || facts.root === 'ReceiptAdvice' ? (await checkDespatchFamily(this.validator, [xml]))[0]! : await this.validator.validate(xml, 'efatura');
      if (!result.valid) {
        const schema = result.issues.filter((i) => i.source !== 'schematron');
        const issues = schema.length > 0 ? schema : result.issues;
        const detail = issues
          .slice(0, 5)
          .map((i) => (i.source === 'schematron' ? `${i.rule}: ${i.message}` : i.message))
          .join(' | ');
        return { facts, verdict: { kind: 'gib', code: schema.length > 0 ? 1160 : 1150, detail } };
      }
    }
    return { facts };
  }

  /** Synchronous, so the duplicate check and the write are one atomic step. */
  private decide(oid: string, analysis: Analysis): void {
    const row = this.db.prepare('SELECT * FROM outgoing WHERE belge_oid = ?').get(oid) as OutgoingRow | undefined;
    if (!row || row.verdict !== null) return;
    const facts = analysis.facts;
    const ettn = facts?.uuid ?? null;
    const invoiceId = facts?.id ?? null;
    const receiverVkn = facts?.receiver.id ?? null;
    let receiverAlias: string | null = row.alan_etiket;
    let verdict = analysis.verdict;
    const numbered = row.belge_turu === 'FATURA_UBL' || row.belge_turu === 'IRSALIYE_UBL';
    if (!verdict && numbered) {
      const duplicate = this.db
        .prepare(
          `SELECT belge_oid, verdict FROM outgoing WHERE belge_oid <> ? AND verdict IS NOT NULL
             AND ((ettn = ? AND ettn IS NOT NULL) OR (sender_vkn = ? AND invoice_id = ? AND invoice_id IS NOT NULL))`,
        )
        .all(oid, ettn, row.sender_vkn, invoiceId) as { belge_oid: string; verdict: string }[];
      const registered = duplicate.find((d) => !isError(JSON.parse(d.verdict) as Verdict));
      if (registered) {
        verdict = { kind: 'gib', code: 1163, detail: `${GIB_TEXTS[1163]} (ETTN ${ettn ?? '-'}, fatura no ${invoiceId ?? '-'}, önceki belgeOid ${registered.belge_oid})` };
      }
    }
    if (!verdict && numbered) {
      const despatch = row.belge_turu === 'IRSALIYE_UBL';
      const receiver = receiverVkn ? findRegisteredUser(this.db, receiverVkn) : undefined;
      // e-İrsaliye goes only to the receiver's DespatchAdvice mailboxes, never to its e-Fatura ones.
      const aliases = receiver ? activeAliases(receiver, despatch ? 'DespatchAdvice' : 'Invoice').map((a) => a.name) : [];
      if (aliases.length === 0) {
        verdict = { kind: 'gib', code: 1172, detail: `${GIB_TEXTS[1172]}: ${receiverVkn ?? '-'} ${despatch ? 'e-İrsaliye' : 'e-Fatura'} kayıtlı kullanıcısı değil` };
      } else if (receiverAlias && !aliases.includes(receiverAlias)) {
        verdict = { kind: 'gib', code: 1172, detail: `${GIB_TEXTS[1172]}: ${receiverAlias} etiketi ${receiverVkn} kullanıcısına ait değil` };
      } else {
        receiverAlias ??= aliases[0]!;
      }
    }
    if (!verdict) {
      const forced = this.faults.takeOutcome({ ettn: ettn ?? undefined, invoiceId: invoiceId ?? undefined });
      verdict = forced ? { kind: 'forced', code: forced } : { kind: 'ok' };
    }
    // A TICARIFATURA waits for KABUL/RED; a despatch for the receiver's irsaliye yanıtı.
    const ticari = (row.belge_turu === 'FATURA_UBL' && facts?.profileId === 'TICARIFATURA') || row.belge_turu === 'IRSALIYE_UBL';
    const plan: Step[] = [{ at: row.received_at, durum: 1, gonderimDurumu: -1, kod: 0, yanitDurumu: ticari ? 0 : -1 }];
    if (verdict.kind === 'processingError') {
      plan.push({ at: row.received_at + this.stepMs, durum: 2, gonderimDurumu: -2, kod: 0, aciklama: verdict.aciklama, yanitDurumu: plan[0]!.yanitDurumu });
    } else {
      plan.push({ at: row.received_at + this.stepMs, durum: 3, gonderimDurumu: -1, kod: 0, yanitDurumu: plan[0]!.yanitDurumu });
      if (verdict.kind === 'gib') {
        const base = row.received_at + 2 * this.stepMs;
        plan.push(step(base, 2, 1000, plan[0]!.yanitDurumu));
        plan.push({ ...step(base + this.stepMs, 3, verdict.code, plan[0]!.yanitDurumu), detay: verdict.detail });
      } else {
        plan.push(...this.envelopeWalk(row.received_at + 2 * this.stepMs, verdict, ticari, numbered, { ettn, invoiceId }));
      }
    }
    this.db
      .prepare(
        `UPDATE outgoing SET ettn = ?, invoice_id = ?, profile_id = ?, receiver_vkn = ?, receiver_alias = ?, verdict = ?, plan = ?, next_at = ?
         WHERE belge_oid = ?`,
      )
      .run(ettn, invoiceId, facts?.profileId ?? null, receiverVkn, receiverAlias, JSON.stringify(verdict), JSON.stringify(plan), plan[1]!.at, oid);
    this.settle(oid);
  }

  /** One envelope's way from QNB to the receiver, starting with "sent to GİB" at `start`. */
  private envelopeWalk(start: number, verdict: Verdict, ticari: boolean, charged: boolean, key: { ettn: string | null; invoiceId: string | null }): Step[] {
    const waiting = ticari ? 0 : -1;
    const t = (i: number) => start + i * this.stepMs;
    const steps: Step[] = [step(t(0), 2, 1000, waiting), { ...step(t(1), 3, 1200, waiting), ...(charged ? { effect: 'charge' as const } : {}) }];
    if (verdict.kind === 'forced') {
      steps.push(step(t(2), 3, verdict.code === 1215 ? 1210 : 1220, waiting), step(t(3), 3, verdict.code, waiting));
      return steps;
    }
    steps.push({ ...step(t(2), 4, 1300, waiting), ulastiMi: true, effect: 'deliver' });
    if (ticari) {
      const answer = this.faults.responseFor({ ettn: key.ettn ?? undefined, invoiceId: key.invoiceId ?? undefined });
      steps.push({
        ...step(t(3), 4, 1300, answer.yanit === 'KABUL' ? 2 : 1),
        ulastiMi: true,
        yanitDetayi: answer.detail ? `${answer.yanit}: ${answer.detail}` : answer.yanit,
      });
    }
    return steps;
  }

  private currentIndex(row: OutgoingRow, now = this.now()): number {
    const plan = JSON.parse(row.plan) as Step[];
    let k = 0;
    for (let i = 0; i < plan.length; i++) if (plan[i]!.at <= now) k = i;
    return k;
  }

  /** Applies the side effects of every step that is due, once and in order. */
  settle(oid: string): void {
    const now = this.now();
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM outgoing WHERE belge_oid = ?').get(oid) as OutgoingRow | undefined;
      if (!row || row.next_at === null || row.next_at > now) return;
      const plan = JSON.parse(row.plan) as Step[];
      let applied = row.applied;
      let charged = row.charged;
      while (applied < plan.length && plan[applied]!.at <= now) {
        const s = plan[applied]!;
        if (s.effect === 'charge' && charged === 0) {
          chargeKontor(this.db, row.sender_vkn, row.belge_turu === 'IRSALIYE_UBL' ? 'IRSALIYE' : 'FATURA');
          charged = 1;
        } else if (s.effect === 'deliver') {
          this.deliver(row, s.at);
        }
        applied += 1;
      }
      this.db.prepare('UPDATE outgoing SET applied = ?, charged = ?, next_at = ? WHERE belge_oid = ?').run(applied, charged, plan[applied]?.at ?? null, oid);
    })();
  }

  /** Settles every document with a due step; returns how many. */
  settleDue(): number {
    const due = this.db.prepare('SELECT belge_oid FROM outgoing WHERE next_at IS NOT NULL AND next_at <= ?').all(this.now()) as { belge_oid: string }[];
    for (const d of due) this.settle(d.belge_oid);
    return due.length;
  }

  private deliver(row: OutgoingRow, at: number): void {
    this.db
      .prepare('INSERT INTO deliveries (belge_oid, sender_vkn, receiver_vkn, ettn, invoice_id, envelope, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.belge_oid, row.sender_vkn, row.receiver_vkn, row.ettn, row.invoice_id, row.envelopes, at);
    // A sandbox taxpayer sending to another one: the receiver finds it in its incoming box.
    if (row.receiver_vkn && isAccountVkn(this.db, row.receiver_vkn)) {
      addIncoming(this.db, {
        receiverVkn: row.receiver_vkn,
        xml: row.xml,
        ...(row.gonderen_etiket ? { senderAlias: row.gonderen_etiket } : {}),
        ...(row.receiver_alias ? { receiverAlias: row.receiver_alias } : {}),
        arrivedAt: at,
      });
    }
  }

  status(row: OutgoingRow): OutgoingStatusView {
    this.settle(row.belge_oid);
    const plan = JSON.parse(row.plan) as Step[];
    const now = this.now();
    const reached = plan.filter((s) => s.at <= now);
    const current = reached.at(-1) ?? plan[0]!;
    const processed = reached.find((s) => s.durum === 3);
    const sent = reached.filter((s) => s.kod === 1000).at(-1);
    const answered = reached.find((s) => s.yanitDurumu === 1 || s.yanitDurumu === 2);
    const detay = current.detay ?? (current.kod > 0 ? GIB_TEXTS[current.kod] : undefined);
    const terminal = current === plan.at(-1);
    return {
      belgeOid: row.belge_oid,
      belgeNo: row.belge_no,
      ...(row.ettn && processed ? { ettn: row.ettn } : {}),
      durum: current.durum,
      ...(current.aciklama ? { aciklama: current.aciklama } : {}),
      alimTarihi: row.received_at,
      ...(processed ? { olusturulmaTarihi: processed.at } : {}),
      ...(sent ? { gonderimTarihi: sent.at } : {}),
      gonderimDurumu: current.gonderimDurumu,
      gonderimCevabiKodu: current.kod,
      ...(detay ? { gonderimCevabiDetayi: detay } : {}),
      yanitDurumu: current.yanitDurumu,
      ...(current.yanitDetayi ? { yanitDetayi: current.yanitDetayi } : {}),
      ...(answered ? { yanitTarihi: answered.at } : {}),
      ulastiMi: current.ulastiMi === true,
      yenidenGonderilebilirMi: terminal && (current.durum === 2 || RESENDABLE.has(current.kod)),
    };
  }

  /**
   * belgeleriTekrarGonder*: a document whose last envelope ended in 1215 or 1230 goes again in a new envelope.
   * True when every listed document was resent; documents in any other state are left alone.
   */
  resend(rows: (OutgoingRow | undefined)[]): boolean {
    let all = rows.length > 0;
    for (const row of rows) {
      if (!row) {
        all = false;
        continue;
      }
      this.settle(row.belge_oid);
      const fresh = this.db.prepare('SELECT * FROM outgoing WHERE belge_oid = ?').get(row.belge_oid) as OutgoingRow;
      const plan = JSON.parse(fresh.plan) as Step[];
      const last = plan.at(-1)!;
      if (fresh.verdict === null || last.at > this.now() || (last.kod !== 1215 && last.kod !== 1230)) {
        all = false;
        continue;
      }
      const forced = this.faults.takeOutcome({ ettn: fresh.ettn ?? undefined, invoiceId: fresh.invoice_id ?? undefined });
      const verdict: Verdict = forced ? { kind: 'forced', code: forced } : { kind: 'ok' };
      const walk = this.envelopeWalk(this.now(), verdict, fresh.profile_id === 'TICARIFATURA' || fresh.belge_turu === 'IRSALIYE_UBL', fresh.belge_turu === 'FATURA_UBL' || fresh.belge_turu === 'IRSALIYE_UBL', {
        ettn: fresh.ettn,
        invoiceId: fresh.invoice_id,
      });
      plan.push(...walk);
      this.db
        .prepare('UPDATE outgoing SET plan = ?, next_at = ?, envelopes = envelopes + 1 WHERE belge_oid = ?')
        .run(JSON.stringify(plan), walk[0]!.at, fresh.belge_oid);
      this.settle(fresh.belge_oid);
    }
    return all;
  }

  /** Received but not yet checked (validation running or queued). */
  pendingCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outgoing WHERE verdict IS NULL').get() as { n: number }).n;
  }

  byOid(belgeOid: string): OutgoingRow | undefined {
    return this.db.prepare('SELECT * FROM outgoing WHERE belge_oid = ?').get(belgeOid) as OutgoingRow | undefined;
  }

  list(): OutgoingRow[] {
    return this.db.prepare('SELECT * FROM outgoing ORDER BY received_at, rowid').all() as OutgoingRow[];
  }
}

function step(at: number, gonderimDurumu: number, kod: number, yanitDurumu: number): Step {
  return { at, durum: 3, gonderimDurumu, kod, yanitDurumu };
}

/** A document GİB never registered (so its number and ETTN are still free). */
function isError(v: Verdict): boolean {
  return v.kind === 'processingError' || (v.kind === 'gib' && v.code !== 1200);
}
