import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegratorClients, type IntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import { enqueueValid } from '../../core/outbox/enqueue';
import { sendQueued } from '../../core/outbox/sender';
import { entriesIn } from '../../core/outbox/store';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import type { ExportEntry } from '../../core/documents/export';

/**
 * The answer to a send is lost after the integrator took the document (the sandbox drops the connection after
 * processing). The sandbox, like eFinans, answers the same belgeNo and content again with the same belgeOid, so a
 * resend would still leave one delivery: what is counted here is how often the document was submitted.
 */
const SUPPLIER = '4703101339';
const GOLDEN = path.resolve(__dirname, '../fixtures/golden/01-TEMELFATURA-SATIS.xml');

let dir: string;
let sandbox: SandboxHandle;
let clients: IntegratorClients;
let store: LocalStore;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-doubt-'));
  sandbox = await startSandbox({ dataDir: dir, validate: false, stepMs: 10 });
  clients = createIntegratorClients({ endpoints: endpointsFromBase(sandbox.url), credentials: { user: 'demo', password: 'demo123' }, erpCode: 'KONNEKTOR', timeoutMs: 10_000 });
  store = await openLocalStore(':memory:');
});
afterAll(async () => {
  await clients?.close();
  await store?.destroy();
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
async function queue(): Promise<{ ettn: string }> {
  serial += 1;
  const src = fs.readFileSync(GOLDEN, 'utf8');
  const ettn = crypto.randomUUID();
  const number = `KNF2026${String(900 + serial).padStart(9, '0')}`;
  const xml = src.replaceAll(/<cbc:UUID>[^<]+<\/cbc:UUID>/g, `<cbc:UUID>${ettn}</cbc:UUID>`).replace(/<cbc:ID>KNF\d+<\/cbc:ID>/, `<cbc:ID>${number}</cbc:ID>`);
  const entry: ExportEntry = {
    erpRef: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: String(serial) },
    companyVkn: SUPPLIER,
    erpNumber: `SAT${serial}`,
    issueDate: '2026-03-01',
    ettn,
    number,
    profile: 'TEMELFATURA',
    type: 'SATIS',
    currency: 'TRY',
    valid: true,
    issues: [],
  };
  await enqueueValid(store, 'efatura', entry, xml);
  return { ettn };
}

const submissionsOf = (ettn: string) => sandbox.admin.documents().filter((d) => d.belgeNo === ettn).map((d) => d.submissions);

describe('a send whose answer was lost', () => {
  it('is looked up at the integrator and never submitted again', async () => {
    const { ettn } = await queue();
    sandbox.admin.setFaults({ rules: [{ kind: 'drop', afterProcessing: true, count: 1, operation: 'belgeGonderExt' }] });
    const first = await sendQueued({ store, efatura: clients.efatura, earsiv: clients.earsiv, backoffMs: 1 });
    expect(first).toMatchObject({ attempted: 1, sent: 0, retrying: 1 });
    expect(submissionsOf(ettn)).toEqual([1]);
    const [doubt] = await entriesIn(store, ['queued']);
    expect(doubt!.inFlightSince).toBeDefined();

    await new Promise((r) => setTimeout(r, 20));
    const second = await sendQueued({ store, efatura: clients.efatura, earsiv: clients.earsiv, backoffMs: 1 });
    expect(second).toMatchObject({ reconciled: 1, attempted: 0 });
    expect(submissionsOf(ettn)).toEqual([1]);
    expect((await entriesIn(store, ['sent'])).map((e) => e.ettn)).toEqual([ettn]);
  });

  it('is sent once after the lookup itself failed for a while', async () => {
    const { ettn } = await queue();
    sandbox.admin.setFaults({ rules: [{ kind: 'drop', afterProcessing: true, count: 1, operation: 'belgeGonderExt' }] });
    await sendQueued({ store, efatura: clients.efatura, earsiv: clients.earsiv, backoffMs: 1 });
    expect(submissionsOf(ettn)).toEqual([1]);
    // The lookups of the next two rounds fail (HTTP 503): the document waits, in doubt, and is not sent again.
    sandbox.admin.setFaults({ rules: [{ kind: 'http', status: 503, count: 2, operation: 'gidenBelgeDurumSorgulaExt' }] });
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      expect(await sendQueued({ store, efatura: clients.efatura, earsiv: clients.earsiv, backoffMs: 1 })).toMatchObject({ attempted: 0, sent: 0 });
      expect(submissionsOf(ettn)).toEqual([1]);
    }
    await sendQueued({ store, efatura: clients.efatura, earsiv: clients.earsiv, backoffMs: 1 });
    expect(submissionsOf(ettn)).toEqual([1]);
    expect((await entriesIn(store, ['sent'])).map((e) => e.ettn)).toContain(ettn);
    expect(await entriesIn(store, ['queued'])).toEqual([]);
  });
});
