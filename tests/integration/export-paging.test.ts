import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector, OutgoingFilter } from '../../connectors/contract';
import { getConnector } from '../../connectors/registry';
import { createKonnektorApi } from '../../core/api';
import { exportDocuments, type ExportOptions, type ExportReport } from '../../core/documents/export';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { documentKinds } from '../../core/documents/kinds';
import { readDefaultInvoiceXslt } from '../../core/documents/preview';
import { createValidator, locateGibPackage, type DocumentValidator } from '../../core/validation';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { SHIPPED } from '../../runtime/shipped';

/**
 * Export reads, builds and checks a page of ERP documents at a time, so its memory does not grow with the batch.
 * Paged or not, the outcome must be the same: every document once, numbers in ERP order without gaps, the same
 * verdicts — and report.json the same as what the call returns.
 */
let root: string;
let server: string;
let validator: DocumentValidator;
const connections = new ErpConnections();
const stores: LocalStore[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-export-paging-'));
  const setup = await openLocalStore(':memory:');
  stores.push(setup);
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => setup });
  server = (await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 60, seed: 5 })).server;
  await api.close();
  validator = await createValidator();
}, 120_000);

afterAll(async () => {
  await validator?.close();
  await connections.closeAll();
  for (const s of stores) await s.destroy();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The Logo connector, with every read's filter recorded. */
function recording(reads: OutgoingFilter[]): ErpConnector {
  const logo = getConnector('logo');
  return new Proxy(logo, {
    get(target, prop, receiver) {
      if (prop === 'readOutgoing') {
        return (ctx: Parameters<ErpConnector['readOutgoing']>[0], t: Parameters<ErpConnector['readOutgoing']>[1], module: string, filter?: OutgoingFilter) => {
          reads.push({ ...(filter ?? {}) });
          return logo.readOutgoing(ctx, t, module as never, filter);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

async function run(name: string, pageSize: number | undefined, reads: OutgoingFilter[]): Promise<ExportReport> {
  // Each run numbers in its own store, so both start from the same empty series.
  const store = await openLocalStore(':memory:');
  stores.push(store);
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  await api['registry.import']({ file: path.join(root, 'demo', 'gib-kullanici-listesi.xml') });
  await api.close();
  const opts: ExportOptions = {
    store,
    connections,
    connector: recording(reads),
    target: { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' },
    kind: documentKinds.get('earsiv'),
    outDir: path.join(root, name),
    prefix: 'KNA',
    validator,
    codelists: loadGibCodelists(locateGibPackage()),
    view: { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() },
    now: new Date('2026-12-04T09:00:00Z'),
    ...(pageSize ? { pageSize } : {}),
  };
  return exportDocuments(opts);
}

const outcome = (r: ExportReport) => r.documents.map((d) => ({ erp: d.erpNumber, number: d.number, valid: d.valid, rules: d.issues.map((i) => i.rule) }));

describe('export a page at a time', () => {
  it('gives the same documents, numbers and verdicts in pages of 3 as in one page', async () => {
    const whole: OutgoingFilter[] = [];
    const paged: OutgoingFilter[] = [];
    const one = await run('whole', 10_000, whole);
    const pages = await run('paged', 3, paged);

    expect(one.summary.read).toBeGreaterThan(6);
    expect(whole).toHaveLength(1);
    // Pages of 3 walk the list by offset until a short page ends it.
    expect(paged.length).toBe(Math.floor(one.summary.read / 3) + 1);
    expect(paged.map((f) => [f.limit, f.offset])).toEqual(paged.map((_, i) => [3, i * 3]));

    expect(pages.summary).toEqual(one.summary);
    expect(outcome(pages)).toEqual(outcome(one));
    const numbers = pages.documents.filter((d) => d.valid).map((d) => Number(d.number!.slice(7)));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));

    // report.json is written entry by entry: it must still be the same JSON as the returned report.
    const written = JSON.parse(fs.readFileSync(path.join(root, 'paged', 'report.json'), 'utf8')) as ExportReport;
    expect(written.summary).toEqual(pages.summary);
    expect(written.documents).toEqual(JSON.parse(JSON.stringify(pages.documents)));
  }, 180_000);

  it('keeps a caller’s own window (limit and offset) as one read', async () => {
    const reads: OutgoingFilter[] = [];
    const store = await openLocalStore(':memory:');
    stores.push(store);
    const report = await exportDocuments({
      store,
      connections,
      connector: recording(reads),
      target: { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' },
      kind: documentKinds.get('earsiv'),
      filter: { limit: 3, offset: 2 },
      prefix: 'KNA',
      validator,
      codelists: loadGibCodelists(locateGibPackage()),
      view: { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() },
      pageSize: 2,
    });
    expect(reads).toEqual([{ limit: 3, offset: 2 }]);
    expect(report.summary.read).toBe(3);
  }, 120_000);
});
