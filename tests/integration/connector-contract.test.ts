import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector, FirmPeriod } from '../../connectors/contract';
import { listConnectors } from '../../connectors/registry';
import type { InvoiceDocument } from '../../core/documents/model';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases } from '../../sandbox/demo';

/** One suite, every connector, on the demo databases: what the UI and the send pipeline rely on. */
let server: string;
let dir: string;
const connections = new ErpConnections();
const ctx = { connections };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-contract-'));
  const summary = await createDemoDatabases({ dir, invoices: 120, seed: 11, year: 2026 });
  server = summary.server;
});
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

function targetOf(connector: ErpConnector, fp: FirmPeriod): ErpTarget {
  return connector.shape === 'firm-period'
    ? { connector: connector.id, server, database: 'LOGODB', firm: fp.firm, period: fp.period }
    : { connector: connector.id, server, database: fp.database! };
}

async function periodsOf(connector: ErpConnector): Promise<FirmPeriod[]> {
  return connector.listFirmPeriods(ctx, connector.shape === 'firm-period' ? { connector: connector.id, server, database: 'LOGODB' } : { connector: connector.id, server });
}

const sum = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0));

describe.each(listConnectors().map((c) => [c.id, c] as const))('connector contract: %s', (_id, connector) => {
  it('declares a shape, its modules and its ERP helper migrations', () => {
    expect(['firm-period', 'database-per-year']).toContain(connector.shape);
    expect(connector.modules).toEqual(expect.arrayContaining(['efatura', 'earsiv']));
    expect(connector.erpMigrations.length).toBeGreaterThan(0);
  });

  it('recognises its own databases in "Veri tabanı Ara"', async () => {
    const dbs = await connector.listDatabases(ctx, server);
    expect(dbs.filter((d) => d.recognised).length).toBeGreaterThan(0);
    expect(dbs.filter((d) => d.recognised).length).toBeLessThan(dbs.length);
  });

  it('lists firm/period rows with valid codes and dates, one active per firm', async () => {
    const rows = await periodsOf(connector);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.firm).toMatch(/^\d{3}$/);
      expect(r.period).toMatch(/^\d{2}$/);
      expect(r.periodBegin <= r.periodEnd).toBe(true);
      expect(r.periodBegin).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (connector.shape === 'database-per-year') expect(r.database).toBeTruthy();
    }
    expect(rows.some((r) => r.active)).toBe(true);
  });

  it('reads well-formed documents of every period and module, totals agreeing with the ERP', async () => {
    let seen = 0;
    const names: string[] = [];
    for (const fp of await periodsOf(connector)) {
      const target = targetOf(connector, fp);
      await expect(connector.testConnection(ctx, target, 'efatura')).resolves.toMatchObject({ ok: true });
      for (const module of ['efatura', 'earsiv'] as const) {
        const docs = (await connector.readOutgoing(ctx, target, module)) as InvoiceDocument[];
        for (const d of docs) {
          seen++;
          names.push(d.customer.name, ...d.lines.map((l) => l.itemName));
          expect(d.module).toBe(module);
          expect(d.ref.connector).toBe(connector.id);
          expect(d.issueDate >= fp.periodBegin && d.issueDate <= fp.periodEnd).toBe(true);
          expect(d.currency).toMatch(/^[A-Z]{3}$/);
          expect(d.lines.length).toBeGreaterThan(0);
          expect(d.lines.map((l) => l.lineNo)).toEqual(d.lines.map((_, i) => i + 1));
          expect(d.customer.taxId.value).toMatch(d.customer.taxId.scheme === 'VKN' ? /^\d{10}$/ : /^\d{11}$/);
          expect(d.supplier?.taxId.value).toMatch(/^\d{10}$/);
          if (d.currency === 'TRY' && d.erpTotals) {
            expect(sum(d.lines.map((l) => l.grossAmount)).toFixed(2), d.erpNumber).toBe(d.erpTotals.gross.toFixed(2));
            const discounts = sum([...d.lines.flatMap((l) => l.allowances.map((a) => a.amount)), ...d.allowances.map((a) => a.amount)]);
            expect(discounts.toFixed(2), d.erpNumber).toBe(d.erpTotals.allowanceTotal.toFixed(2));
            expect(sum(d.lines.map((l) => l.vatAmount)).toFixed(2), d.erpNumber).toBe(d.erpTotals.taxTotal.toFixed(2));
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    const text = names.join('\n');
    // Turkish letters arrive intact (legacy code pages repaired) and XML-special characters are kept as data.
    expect(text).not.toMatch(/[ÐÝÞðýþ]/);
    expect(text).toMatch(/[İŞĞışğ]/);
    expect(text).toMatch(/[&<"]/);
  });

  it('writes the outcome back so the document is no longer outgoing', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    const target = targetOf(connector, fp);
    const [doc] = await connector.readOutgoing(ctx, target, 'earsiv');
    expect(doc).toBeDefined();
    await connector.writeBack(ctx, target, doc!.ref, { ettn: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', number: 'KNK2026000000001', status: 'sent' });
    const after = await connector.readOutgoing(ctx, target, 'earsiv');
    expect(after.map((d) => d.ref.key)).not.toContain(doc!.ref.key);
  });

  it('rejects an unknown database and an unsupported module with their codes', async () => {
    const fp = (await periodsOf(connector))[0]!;
    const target = { ...targetOf(connector, fp), database: 'YOKBOYLEBIRDB' };
    await expect(connector.testConnection(ctx, target, 'efatura')).rejects.toMatchObject({ code: 'ERP_DATABASE_NOT_FOUND' });
    await expect(connector.readOutgoing(ctx, targetOf(connector, fp), 'edefter')).rejects.toMatchObject({ code: 'MODULE_NOT_SUPPORTED' });
  });
});
