import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { RegistryStaging, recordRegistryFailure, type RegistryReplaceOutcome } from '../../db/registry';
import { isKonnektorError, KonnektorError } from '../errors';
import type { EfaturaClient } from '../integrator/types';
import { logger } from '../logging';
import { readUserListFile, type ListedUser, type RegistryDocumentType, type UserListReadResult } from './userListFile';

/**
 * Refreshing the registered-user list (GİB's e-Fatura / e-İrsaliye taxpayers and their mailboxes) from the
 * integrator: kayitliKullaniciListeleExtended's zip is streamed to a temporary file, its XML streamed through the
 * parser into the store's staging table in batches, and the cache replaced in one transaction — or, when the new
 * list would drop more than `maxDropShare` of the cached taxpayers, refused and reported (REGISTRY_SHRINK_REFUSED).
 * QNB asks for at most one full download a day (integrator-api.md §11).
 */
export const DEFAULT_MAX_DROP_SHARE = 0.1;
/** QNB: "once a day is enough". */
export const REFRESH_INTERVAL_MS = 24 * 60 * 60_000;

export interface RegistrySyncResult extends RegistryReplaceOutcome {
  documentType: RegistryDocumentType;
  /** Bytes of the zip as downloaded. */
  downloadedBytes: number;
  /** Aliases stored. */
  aliases: number;
  format: UserListReadResult['format'];
  skipped: number;
  timings: { downloadMs: number; loadMs: number; totalMs: number };
}

export interface RegistrySyncOptions {
  store: Knex;
  /** Where the list comes from: the integrator (streamed to `file`), or a file already on disk. */
  source:
    | { client: Pick<EfaturaClient, 'downloadRegisteredUserList'>; urun?: 'EFATURA' | 'EIRSALIYE' }
    /** A file: GİB's format holds both documents' aliases; `documentType` says which to take (Invoice by default). */
    | { file: string; documentType?: RegistryDocumentType };
  /** Refuse a refresh that would drop more than this share of the cached taxpayers (default 0.1). */
  maxDropShare?: number;
  /** Folder for the downloaded zip (default: the OS temp folder); the file is removed afterwards. */
  tempDir?: string;
  now?: () => Date;
}

/** One refresh at a time per store: a second caller gets REGISTRY_SYNC_BUSY instead of a second download. */
const running = new WeakMap<Knex, Promise<unknown>>();

export function syncRegisteredUsers(options: RegistrySyncOptions): Promise<RegistrySyncResult> {
  if (running.has(options.store)) {
    return Promise.reject(new KonnektorError('REGISTRY_SYNC_BUSY', 'A registered-user list refresh is already running for this store'));
  }
  const job = runSync(options).finally(() => running.delete(options.store));
  running.set(options.store, job);
  return job;
}

async function runSync(options: RegistrySyncOptions): Promise<RegistrySyncResult> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const documentType: RegistryDocumentType =
    'client' in options.source ? (options.source.urun === 'EIRSALIYE' ? 'DespatchAdvice' : 'Invoice') : (options.source.documentType ?? 'Invoice');
  let file: string;
  let temp: string | undefined;
  let downloadedBytes = 0;
  const label = 'client' in options.source ? 'kayitliKullaniciListeleExtended' : path.basename(options.source.file);
  try {
    if ('client' in options.source) {
      temp = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'konnektor-userlist-'));
      file = path.join(temp, 'liste.zip');
      const target = file;
      const { bytes } = await options.source.client.downloadRegisteredUserList(() => fs.createWriteStream(target), { urun: options.source.urun ?? 'EFATURA' });
      downloadedBytes = bytes;
    } else {
      file = options.source.file;
      downloadedBytes = fs.existsSync(file) ? fs.statSync(file).size : 0;
    }
    const downloadMs = performance.now() - started;

    const staging = new RegistryStaging(options.store, documentType);
    await staging.begin();
    let aliases = 0;
    let pending: Promise<void> = Promise.resolve();
    let read: UserListReadResult;
    try {
      // The parser pushes synchronously; a full batch is written before the next piece of the file is parsed.
      read = await readUserListFile(file, (u: ListedUser) => {
        if (u.documentType !== documentType) return;
        for (const a of u.aliases) {
          aliases += 1;
          const full = staging.add({
            identifier: u.identifier,
            alias: a.name,
            title: u.title,
            userType: u.type,
            ...(u.accountType ? { accountType: u.accountType } : {}),
            ...(u.registeredAt ? { firstCreation: u.registeredAt } : {}),
            ...(a.createdAt ? { aliasCreated: a.createdAt } : {}),
          });
          if (full) pending = pending.then(() => staging.flush());
        }
      }, () => pending);
      await pending;
    } catch (e) {
      await pending.catch(() => undefined);
      await staging.discard();
      throw e;
    }
    const outcome = await staging.commit(label, options.maxDropShare ?? DEFAULT_MAX_DROP_SHARE, now());
    const totalMs = performance.now() - started;
    logger.info('registered-user list refreshed', { documentType, ...outcome, aliases, downloadedBytes, ms: Math.round(totalMs) });
    return {
      documentType,
      ...outcome,
      downloadedBytes,
      aliases,
      format: read.format,
      skipped: read.skipped,
      timings: { downloadMs, loadMs: totalMs - downloadMs, totalMs },
    };
  } catch (e) {
    const message = isKonnektorError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    if (!isKonnektorError(e) || e.code !== 'REGISTRY_SHRINK_REFUSED') await recordRegistryFailure(options.store, documentType, message, now()).catch(() => undefined);
    logger.warn('registered-user list refresh failed', { documentType, error: message });
    throw e;
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}
