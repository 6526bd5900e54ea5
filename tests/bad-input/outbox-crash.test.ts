import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignEttn, assignNumber } from '../../core/documents/numbering';
import { enqueueValid, recordInvalid } from '../../core/outbox/enqueue';
import { entriesIn, findEntry, historyOf } from '../../core/outbox/store';
import { openLocalStore } from '../../db/local';
import { requeueCase } from './fixtures/requeueCase';

/**
 * A crash between the outbox's steps never strands a document. A document that was invalid and is corrected in the
 * ERP takes its number and goes back into the queue; the sending process is SIGKILLed before each statement of
 * that path in turn, and the next run must always end with the document queued (to be sent), with the number it
 * took and no number lost.
 */
const STEP = path.join(__dirname, 'fixtures', 'requeueStep.ts');
let dir: string;
let template: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-requeue-'));
  template = path.join(dir, 'template.sqlite');
  const store = await openLocalStore(template);
  const c = requeueCase();
  await assignEttn(store, c.key, c.entry.ettn);
  await recordInvalid(store, 'efatura', { ...c.entry, issues: [{ source: 'precheck', rule: 'KNK_PARTY_TAXID_MISSING', message: 'VKN yok' }] });
  await store.destroy();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runStep(file: string, killAt: number): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', STEP, file, String(killAt)], { env: { ...process.env, KONNEKTOR_LOG_LEVEL: 'error' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ signal, code, stdout, stderr }));
  });
}

describe('a corrected document going back into the queue', () => {
  it('is queued with its number after a SIGKILL before any statement of the path', async () => {
    const c = requeueCase();
    const kills: number[] = [];
    for (let killAt = 1; ; killAt++) {
      const file = path.join(dir, `run-${killAt}.sqlite`);
      fs.copyFileSync(template, file);
      const run = await runStep(file, killAt);
      if (run.signal !== 'SIGKILL') {
        // The path had fewer statements than killAt: it ran to its end untouched.
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/statements \d+/);
        break;
      }
      kills.push(killAt);
      // The next run, in a process of its own as after a restart: the same path again.
      const store = await openLocalStore(file);
      try {
        const number = await assignNumber(store, c.key, c.series);
        await enqueueValid(store, 'efatura', { ...c.entry, number, valid: true, issues: [] }, c.xml);
        const e = await findEntry(store, c.key.companyVkn, 'efatura', c.key.ref);
        expect(e?.state, `killed before statement ${killAt}`).toBe('queued');
        expect(e?.number).toBe('KNF2026000000001');
        expect(e?.number).toBe(number);
        // The sender picks it up; the series lost no number; the history walks the whole way without a gap.
        expect((await entriesIn(store, ['queued'])).map((x) => x.ettn)).toEqual([c.entry.ettn]);
        expect(((await store('number_series').first()) as { last_seq: number }).last_seq).toBe(1);
        const history = (await historyOf(store, e!.id)).map((h) => `${h.from ?? ''}→${h.to}`);
        expect(history.slice(-4), `killed before statement ${killAt}`).toEqual(['invalid→pending', 'pending→built', 'built→validated', 'validated→queued']);
      } finally {
        await store.destroy();
      }
    }
    expect(kills.length).toBeGreaterThanOrEqual(5);
    console.log(`requeue path killed before each of its ${kills.length} statements; every restart queued the document once with its number`);
  }, 600_000);
});
