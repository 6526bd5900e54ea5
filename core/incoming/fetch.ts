import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { LOCK_SCOPES, withStoreLock } from '../../db/locks';
import { readUblFacts } from '../documents/ubl/read';
import type { IncomingClient, IncomingDocument } from '../integrator/types';
import { logger } from '../logging';
import type { DocumentValidator } from '../validation';
import type { IncomingKind } from './kinds';

/**
 * Fetching a company's new incoming documents of one kind: page by page after the persisted cursor
 * (gelenBelgeleriListeleExt, at most 100), the UBL of the page in one zip (gelenBelgeleriIndirExt, belgeFormati UBL),
 * every document and the advanced cursor committed in ONE local transaction, and only then belgelerAlindi. A crash
 * anywhere before the commit leaves the cursor where it was: the next fetch gets the same page again and the
 * (company, kind, ETTN) key stores each document once. A crash after the commit but before belgelerAlindi is caught
 * up at the start of the next fetch. A document that is not well-formed or fails GİB's checks is stored and shown as
 * such — never dropped; a document whose content did not come is stored with that problem, its bytes empty.
 */
export interface IncomingFetchOptions {
  store: Knex;
  client: IncomingClient;
  kind: IncomingKind;
  companyVkn: string;
  validator?: DocumentValidator;
  now?: () => Date;
  /** Stops after this many pages (default: until the integrator has nothing new). */
  maxPages?: number;
  /**
   * One fetch of a kind per local store (db/locks.ts): who this run is, shown to another that finds it running, and
   * how long that other waits (default: not at all, it stops with OPERATION_IN_PROGRESS).
   */
  lock?: { holder: string; waitMs?: number };
  /** Test hook: runs after the download, before the local commit (the crash window). */
  beforeCommit?: () => Promise<void> | void;
}

export interface IncomingFetchResult {
  pages: number;
  /** Newly stored documents. */
  stored: number;
  /** Listed again although already stored (a repeated delivery, a re-fetch after a crash). */
  duplicates: number;
  invalid: number;
  /** belgelerAlindi sent for these many documents (including ones left over from an interrupted fetch). */
  acknowledged: number;
  cursor: string;
}

export const INCOMING_PAGE = 100;

/** yyyyMMddHHmmssSSS (Türkiye time, QNB's timestamps) → ISO; undefined when it is not one. */
export function qnbTimestampToIso(value: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(value ?? '');
  if (!m) return undefined;
  // Türkiye has been UTC+3 all year since 2016.
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? '000'}+03:00`).toISOString();
}

const numeric = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

async function readCursor(db: Knex, companyVkn: string, kind: string): Promise<string> {
  const row = (await db('incoming_cursors').where({ company_vkn: companyVkn, kind }).first()) as { cursor: string } | undefined;
  return row?.cursor ?? '0';
}

/** belgelerAlindi for committed documents the integrator has not been told about yet. */
async function acknowledgePending(opts: IncomingFetchOptions, now: () => Date): Promise<number> {
  const pending = (await opts.store('incoming_documents')
    .where({ company_vkn: opts.companyVkn, kind: opts.kind.id })
    .whereNull('acked_at')
    .orderBy('id')
    .select('ettn')) as { ettn: string }[];
  let done = 0;
  for (let i = 0; i < pending.length; i += INCOMING_PAGE) {
    const ettns = pending.slice(i, i + INCOMING_PAGE).map((p) => p.ettn);
    await opts.client.markReceived(opts.companyVkn, ettns, opts.kind.belgeTuru);
    await opts.store('incoming_documents').where({ company_vkn: opts.companyVkn, kind: opts.kind.id }).whereIn('ettn', ettns).update({ acked_at: now().toISOString() });
    done += ettns.length;
  }
  return done;
}

interface Prepared {
  row: Record<string, unknown>;
  valid: boolean;
}

async function prepare(opts: IncomingFetchOptions, listed: IncomingDocument, data: Buffer | undefined, fetchedAt: string): Promise<Prepared> {
  const problems: { source: string; rule: string; message: string }[] = [];
  const bytes = data ?? Buffer.alloc(0);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let facts: ReturnType<typeof readUblFacts> | undefined;
  if (!data) problems.push({ source: 'integrator', rule: 'KNK_INCOMING_NO_CONTENT', message: 'Belgenin içeriği entegratörden gelmedi.' });
  else {
    try {
      facts = readUblFacts(text);
      if (facts.root !== opts.kind.root) problems.push({ source: 'xml', rule: 'KNK_INCOMING_ROOT', message: `Belge bir ${opts.kind.root} değil (${facts.root}).` });
    } catch (e) {
      problems.push({ source: 'xml', rule: 'XML_NOT_WELL_FORMED', message: `Belge okunamadı: ${(e as Error).message.split('\n')[0]}` });
    }
    if (facts && opts.validator) {
      const result = await opts.validator.validate(text, opts.kind.schematron);
      problems.push(...result.issues.map((i) => ({ source: i.source, rule: i.rule, message: i.message })));
    }
  }
  const arrived = qnbTimestampToIso(listed.faturaGelisTarihi);
  const row = {
    company_vkn: opts.companyVkn,
    module: opts.kind.module,
    kind: opts.kind.id,
    ettn: listed.ettn.toLowerCase(),
    belge_sira_no: listed.belgeSiraNo,
    number: facts?.id ?? listed.belgeNo ?? null,
    profile: facts?.profileId ?? listed.profileId ?? null,
    type_code: facts?.typeCode ?? null,
    issue_date: facts?.issueDate ?? (listed.belgeTarihi ? `${listed.belgeTarihi.slice(0, 4)}-${listed.belgeTarihi.slice(4, 6)}-${listed.belgeTarihi.slice(6, 8)}` : null),
    sender_vkn: facts?.sender.id ?? listed.gonderenVknTckn ?? null,
    sender_name: facts?.sender.name ?? listed.saticiUnvan ?? null,
    sender_alias: listed.gonderenEtiket ?? null,
    receiver_alias: listed.alanEtiket ?? null,
    payable: facts?.payable ?? listed.odenecekTutar ?? null,
    currency: facts?.currency ?? listed.odenecekTutarDovizCinsi ?? null,
    arrived_at: arrived ?? fetchedAt,
    fetched_at: fetchedAt,
    xml: bytes,
    xml_md5: crypto.createHash('md5').update(bytes).digest('hex'),
    valid: problems.length === 0 ? 1 : 0,
    problems: problems.length ? JSON.stringify(problems) : null,
  };
  return { row, valid: problems.length === 0 };
}

export async function fetchIncoming(opts: IncomingFetchOptions): Promise<IncomingFetchResult> {
  // Two fetches at once (the app and a CLI run) would acknowledge and store each other's pages: one at a time.
  return withStoreLock(opts.store, LOCK_SCOPES.incomingFetch(opts.kind.id), { holder: opts.lock?.holder ?? 'Konnektör', waitMs: opts.lock?.waitMs ?? 0 }, () =>
    fetchHoldingLock(opts),
  );
}

async function fetchHoldingLock(opts: IncomingFetchOptions): Promise<IncomingFetchResult> {
  const now = opts.now ?? (() => new Date());
  const result: IncomingFetchResult = { pages: 0, stored: 0, duplicates: 0, invalid: 0, acknowledged: 0, cursor: '0' };
  result.acknowledged += await acknowledgePending(opts, now);
  let cursor = await readCursor(opts.store, opts.companyVkn, opts.kind.id);
  for (;;) {
    if (opts.maxPages !== undefined && result.pages >= opts.maxPages) break;
    const listed = await opts.client.list(opts.companyVkn, { after: cursor, belgeTuru: opts.kind.belgeTuru });
    if (listed.length === 0) break;
    result.pages += 1;
    const files = await opts.client.download(
      opts.companyVkn,
      [...new Set(listed.map((d) => d.ettn))],
      { belgeTuru: opts.kind.belgeTuru, belgeFormati: 'UBL' },
    );
    const byEttn = new Map(files.filter((f) => f.ettn).map((f) => [f.ettn!.toLowerCase(), f.data]));
    const fetchedAt = now().toISOString();
    const prepared: Prepared[] = [];
    for (const d of listed) prepared.push(await prepare(opts, d, byEttn.get(d.ettn.toLowerCase()), fetchedAt));
    const last = listed.map((d) => d.belgeSiraNo).sort(numeric).at(-1)!;
    if (opts.beforeCommit) await opts.beforeCommit();
    await opts.store.transaction(async (trx) => {
      for (const p of prepared) {
        // One document, one row: a repeated delivery or a page fetched again after a crash changes nothing.
        const known = await trx('incoming_documents').where({ company_vkn: opts.companyVkn, kind: opts.kind.id, ettn: p.row.ettn }).first('id');
        if (known) {
          result.duplicates += 1;
          continue;
        }
        await trx('incoming_documents').insert(p.row);
        result.stored += 1;
        if (!p.valid) result.invalid += 1;
      }
      await trx('incoming_cursors')
        .insert({ company_vkn: opts.companyVkn, kind: opts.kind.id, cursor: last, updated_at: fetchedAt })
        .onConflict(['company_vkn', 'kind'])
        .merge(['cursor', 'updated_at']);
    });
    cursor = last;
    logger.info('incoming page stored', { kind: opts.kind.id, company: opts.companyVkn, listed: listed.length, cursor });
    result.acknowledged += await acknowledgePending(opts, now);
    if (listed.length < INCOMING_PAGE) break;
  }
  result.cursor = cursor;
  return result;
}
