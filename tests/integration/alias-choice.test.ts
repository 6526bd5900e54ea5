/**
 * Belgeler → a document stopped because its customer has two mailboxes → choose one → the document is checked again
 * and sent to that mailbox. Against the demo's Logo database (one registered customer has two mailboxes and the
 * program names none) and the sandbox, through the session API the screen uses.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type DocumentRow, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { chosenAlias, lookupRegistered } from '../../db/registry';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

const RULE = 'KNK_ROUTING_ALIAS_AMBIGUOUS';
let dir: string;
let sandbox: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
let connections: ErpConnections;
let sessionId: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-alias-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, stepMs: 5 });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  connections = new ErpConnections();
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry: new SessionRegistry() } });
  const demo = await api['demo.init']({ dir: path.join(dir, 'demo'), invoices: 40 });
  await api['registry.import']({ file: demo.userList });
  const { session } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { connector: 'logo', server: `sqlite:${dir}/demo`, database: 'LOGODB', firm: '2', period: '2' } });
  sessionId = session.id;
}, 300_000);
afterAll(async () => {
  await api?.close();
  await connections?.closeAll();
  await store?.destroy();
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sendAndWait(keys: string[]): Promise<void> {
  const { jobId } = await api['session.send']({ sessionId, keys });
  for (let i = 0; i < 600; i++) {
    const job = await api['session.job']({ sessionId, jobId });
    if (job.state !== 'running') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('send job did not finish');
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string; userMessage: string });
const rows = () => api['session.documents']({ sessionId });

describe('choosing the mailbox of a document stopped for its customer’s two mailboxes', () => {
  let stopped: DocumentRow[];
  let other: DocumentRow;
  let identifier: string;

  it('stops the customer’s documents with the mailbox rule and says so', async () => {
    const unsent = (await rows()).filter((r) => r.status === 'unsent');
    // A registered company customer opens a second mailbox in GİB's list, and the program names none on its card.
    let found: string | undefined;
    for (const id of new Set(unsent.map((r) => r.customerTaxId!))) if (!found && /^\d{10}$/.test(id) && (await lookupRegistered(store, id))?.aliases.length === 1) found = id;
    identifier = found!;
    const entry = (await lookupRegistered(store, identifier))!;
    await store('registered_users').insert({ identifier, document_type: 'Invoice', alias: 'urn:mail:merkezpk@musteri.com.tr', title: entry.title, user_type: entry.userType });
    const logo = new Database(path.join(dir, 'demo', 'LOGODB.sqlite'));
    logo.prepare('UPDATE LG_002_CLCARD SET POSTLABELCODE = NULL WHERE TAXNR = ?').run(identifier);
    logo.close();
    expect((await lookupRegistered(store, identifier))!.aliases).toHaveLength(2);
    const theirs = unsent.filter((r) => r.customerTaxId === identifier);
    expect(theirs.length).toBeGreaterThan(0);
    const another = unsent.find((r) => r.customerTaxId !== identifier && r.customerTaxId !== undefined)!;
    await sendAndWait([...theirs.map((r) => r.key), another.key]);
    const after = await rows();
    stopped = after.filter((r) => theirs.some((t) => t.key === r.key));
    for (const r of stopped) expect(r).toMatchObject({ status: 'invalid', rule: RULE, message: expect.stringContaining('birden fazla posta kutusu') });
    other = after.find((r) => r.key === another.key)!;
    expect(other.status).not.toBe('invalid');
  }, 120_000);

  it('offers the customer’s open mailboxes from GİB’s list', async () => {
    const c = await api['session.aliasChoices']({ sessionId, ettn: stopped[0]!.ettn! });
    expect(c).toMatchObject({ ettn: stopped[0]!.ettn, identifier, erpNumber: stopped[0]!.erpNumber });
    expect(c.aliases).toEqual((await lookupRegistered(store, identifier))!.aliases);
    expect(c.aliases).toHaveLength(2);
    expect(c.chosen).toBeUndefined();
  });

  it('refuses a document not waiting for a choice and a mailbox not the customer’s, changing nothing', async () => {
    expect((await failure(api['session.aliasChoices']({ sessionId, ettn: other.ettn! })))?.code).toBe('ALIAS_CHOICE_NOT_NEEDED');
    expect((await failure(api['session.chooseAlias']({ sessionId, ettn: other.ettn!, alias: 'urn:mail:defaultpk@x.com.tr' })))?.code).toBe('ALIAS_CHOICE_NOT_NEEDED');
    const wrong = await failure(api['session.chooseAlias']({ sessionId, ettn: stopped[0]!.ettn!, alias: 'urn:mail:baskapk@baska.com.tr' }));
    expect(wrong).toMatchObject({ code: 'ALIAS_NOT_REGISTERED', userMessage: expect.stringContaining('kayıtlı değil') });
    expect((await failure(api['session.chooseAlias']({ sessionId, ettn: stopped[0]!.ettn!, alias: '' })))?.code).toBe('INPUT_INVALID');
    expect(await chosenAlias(store, identifier)).toBeUndefined();
    expect((await rows()).find((r) => r.key === stopped[0]!.key)).toMatchObject({ status: 'invalid', rule: RULE });
  });

  it('records the choice, makes the document sendable at once and sends it to the chosen mailbox', async () => {
    const c = await api['session.aliasChoices']({ sessionId, ettn: stopped[0]!.ettn! });
    const alias = c.aliases[1]!;
    const r = await api['session.chooseAlias']({ sessionId, ettn: stopped[0]!.ettn!, alias });
    expect(r).toEqual({ ettn: stopped[0]!.ettn, identifier, alias, status: 'unsent' });
    expect(await chosenAlias(store, identifier)).toBe(alias);
    // The choice is the customer's: the next listing finds every stopped document of theirs sendable.
    const listed = await rows();
    for (const s of stopped) expect(listed.find((x) => x.key === s.key)).toMatchObject({ status: 'unsent' });
    expect(listed.find((x) => x.key === stopped[0]!.key)!.rule).toBeUndefined();
    await sendAndWait([stopped[0]!.key]);
    const sent = sandbox.admin.documents().filter((d) => d.receiverVkn === identifier);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((d) => d.receiverAlias === alias)).toBe(true);
  }, 120_000);
});
