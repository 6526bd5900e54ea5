/**
 * Received invoices into the accounting databases of the demo (Logo, Netsis, Mikro, ETA) through Konnektör's own
 * helper table KNK_GELEN_BELGE only: installed by the ERP migrations, written after the local commit, upserted by ETTN
 * (a second run writes nothing), updated when a document is answered, and the program's own tables untouched.
 */
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../cli/main';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { ErpTarget } from '../../core/erp/target';
import { syncIncomingToErp } from '../../core/incoming/erp';
import { efaturaIncomingKind } from '../../core/incoming/kinds';
import { connectorRegistry } from '../../connectors/registry';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { openLocalStore, type LocalStore } from '../../db/local';
import { gelenBelgeTableSchema, GELEN_BELGE_TABLE } from '../../migrations/erp/common';
import { etaErpMigrations } from '../../migrations/erp/eta';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SEED_INCOMING_PER_COMPANY } from '../../sandbox/server/seed';
import { SHIPPED } from '../../runtime/shipped';

const world = demoWorld(1);
const ORNEK = world.companies[0]!.vkn;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-incoming-erp-'));
const demoDir = path.join(dir, 'demo');
const server = `sqlite:${demoDir}`;
const connections = new ErpConnections();
const connectors = connectorRegistry;
let sb: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
const targets: Record<string, ErpTarget> = {};

beforeAll(async () => {
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5 });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const demo = await createDemoDatabases({ dir: demoDir, invoices: 8, seed: 1 });
  const companyDb = (names: string[], master: string) => names.find((n) => n.toUpperCase() !== master.toUpperCase())!;
  targets.logo = { connector: 'logo', server, database: demo.logo.databases[0]!, firm: '002', period: '02' };
  targets.netsis = { connector: 'netsis', server, database: companyDb(demo.netsis.databases, 'NETSIS') };
  targets.mikro = { connector: 'mikro', server, database: companyDb(demo.mikro.databases, 'MikroDB_V17') };
  targets.eta = { connector: 'eta', server, database: companyDb(demo.eta.databases, 'ETA_MASTERV8') };
  // The year-end wizard installs the helper objects in a program's new database; ETA's demo has none yet.
  await applyErpMigrations(await connections.database(server, targets.eta.database!), etaErpMigrations);
  await api['incoming.fetch']({ module: 'efatura', vkn: ORNEK, integrator: sb.url, user: 'demo', password: 'demo123' });
}, 300_000);
afterAll(async () => {
  await api?.close();
  await connections.closeAll();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fileOf = (t: ErpTarget) => path.join(demoDir, `${t.database}.sqlite`);

/** Every table of the program's own (not KNK_…) with a hash of all its rows: what the bookkeeper's data is. */
function bookkeeperTables(t: ErpTarget): Record<string, string> {
  const db = new Database(fileOf(t), { readonly: true });
  try {
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'KNK\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    return Object.fromEntries(names.map((n) => [n, crypto.createHash('sha256').update(JSON.stringify(db.prepare(`SELECT * FROM "${n}"`).all())).digest('hex')]));
  } finally {
    db.close();
  }
}

function helperRows(t: ErpTarget): Record<string, unknown>[] {
  const db = new Database(fileOf(t), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM ${GELEN_BELGE_TABLE} ORDER BY ETTN`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

const sync = (name: string) =>
  syncIncomingToErp({ store, kind: efaturaIncomingKind, companyVkn: ORNEK, connector: connectors.get(name), ctx: { connections }, target: targets[name]! });

describe('KNK_GELEN_BELGE', () => {
  it('compiles to T-SQL for SQL Server with ETTN unique and the XML as nvarchar(max)', () => {
    const sql = gelenBelgeTableSchema(knexFactory({ client: 'mssql' })).toSQL().map((s) => s.sql).join(';\n');
    expect(sql).toContain('CREATE TABLE [KNK_GELEN_BELGE]');
    expect(sql).toContain('[ETTN] nvarchar(36) not null');
    expect(sql).toContain('[XML] nvarchar(max)');
    expect(sql).toContain('[ODENECEK_TUTAR] decimal(19, 2)');
    expect(sql).toMatch(/unique index \[UX_KNK_GELEN_BELGE_ETTN\]|UNIQUE.*\[ETTN\]/i);
  });

  for (const name of ['logo', 'netsis', 'mikro', 'eta']) {
    it(`${name}: writes each received invoice once, with its facts, totals and XML, and nothing of the program's own`, async () => {
      const t = targets[name]!;
      const before = bookkeeperTables(t);
      expect(Object.keys(before).length).toBeGreaterThan(3);
      const local = await api['incoming.list']({ module: 'efatura', vkn: ORNEK });
      expect(local).toHaveLength(SEED_INCOMING_PER_COMPANY);

      expect(await sync(name)).toEqual({ written: local.length });
      const rows = helperRows(t);
      expect(rows.map((r) => r.ETTN)).toEqual(local.map((r) => r.ettn).sort());
      for (const r of local) {
        const row = rows.find((x) => x.ETTN === r.ettn)!;
        const shown = await api['incoming.show']({ module: 'efatura', ettn: r.ettn });
        expect(row).toMatchObject({ BELGE_NO: r.number, GONDEREN_VKN: r.senderVkn, GONDEREN_UNVAN: r.senderName, SENARYO: r.profile, BELGE_TARIHI: r.issueDate, PARA_BIRIMI: 'TRY', DURUM: r.state, MODUL: 'efatura' });
        expect(Number(row.ODENECEK_TUTAR)).toBe(Number(r.payable));
        expect(Number(row.VERGI_DAHIL_TUTAR)).toBeGreaterThanOrEqual(Number(row.VERGI_HARIC_TUTAR));
        expect(Number(row.KDV_TOPLAM)).toBeCloseTo(Number(row.VERGI_DAHIL_TUTAR) - Number(row.VERGI_HARIC_TUTAR), 2);
        expect(row.XML).toBe(shown.xml);
        expect(row.FIRMA).toBe(t.firm ?? '');
      }
      // Upsert by ETTN: the same documents again write nothing and add no row.
      expect(await sync(name)).toEqual({ written: 0 });
      expect(helperRows(t)).toHaveLength(local.length);
      expect(bookkeeperTables(t)).toEqual(before);
    });
  }

  it('updates the answered document’s row (state, answer, reason, time) and only that one', async () => {
    const ticari = (await api['incoming.list']({ module: 'efatura', vkn: ORNEK })).find((r) => r.answerable)!;
    await api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'RED', reason: 'Fiyat farkı var.', integrator: sb.url, user: 'demo', password: 'demo123' });
    const before = helperRows(targets.logo!);
    expect(await sync('logo')).toEqual({ written: 1 });
    const after = helperRows(targets.logo!);
    const row = after.find((r) => r.ETTN === ticari.ettn)!;
    expect(row).toMatchObject({ DURUM: 'answered', YANIT: 'RED', YANIT_GEREKCE: 'Fiyat farkı var.' });
    expect(Number.isNaN(Date.parse(String(row.YANIT_ZAMANI)))).toBe(false);
    expect(after.filter((r) => r.ETTN !== ticari.ettn)).toEqual(before.filter((r) => r.ETTN !== ticari.ettn));
    expect(await sync('logo')).toEqual({ written: 0 });
  });

  it('refuses a database without the helper table and creates nothing there', async () => {
    const bare = path.join(dir, 'bare');
    fs.mkdirSync(bare);
    new Database(path.join(bare, 'BOS2026.sqlite')).close();
    const target: ErpTarget = { connector: 'netsis', server: `sqlite:${bare}`, database: 'BOS2026' };
    await expect(syncIncomingToErp({ store, kind: efaturaIncomingKind, companyVkn: ORNEK, connector: connectors.get('netsis'), ctx: { connections }, target })).rejects.toMatchObject({
      code: 'ERP_HELPER_OBJECTS_MISSING',
    });
    const db = new Database(path.join(bare, 'BOS2026.sqlite'), { readonly: true });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('konnektor incoming fetch/answer --database …: the named database’s helper table is written; one without it is a target failure (exit 1) and the documents stay stored', async () => {
    process.env.KNK_INCOMING_ERP_PW = 'demo123';
    const cli = async (...args: string[]) => {
      let code = 0;
      const out: string[] = [];
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await buildProgram(api, (c) => (code = c)).parseAsync(['node', 'konnektor', ...args]);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
      }
      return { code, out: out.join('') };
    };
    const access = ['--integrator', sb.url, '--user', 'demo', '--password-env', 'KNK_INCOMING_ERP_PW', '--json'];
    const netsis = ['--connector', 'netsis', '--server', server, '--database', targets.netsis!.database!];
    const before = helperRows(targets.netsis!).length;
    const added = sb.admin.addIncoming({ receiverVkn: ORNEK });
    const fetched = await cli('incoming', 'fetch', '--module', 'efatura', '--vkn', ORNEK, ...access, ...netsis);
    expect(fetched.code).toBe(0);
    // The new document, and the RED answer given above (this database's row was still "received"): it catches up.
    expect(JSON.parse(fetched.out)).toMatchObject({ stored: 1, erp: { written: 2 } });
    expect(helperRows(targets.netsis!).filter((r) => r.YANIT === 'RED')).toHaveLength(1);
    expect(helperRows(targets.netsis!).map((r) => r.ETTN)).toContain(added.ettn.toLowerCase());
    expect(helperRows(targets.netsis!)).toHaveLength(before + 1);

    const bare = path.join(dir, 'bare-cli');
    fs.mkdirSync(bare);
    new Database(path.join(bare, 'BOS2027.sqlite')).close();
    sb.admin.addIncoming({ receiverVkn: ORNEK });
    const refused = await cli('incoming', 'fetch', '--module', 'efatura', '--vkn', ORNEK, ...access, '--connector', 'netsis', '--server', `sqlite:${bare}`, '--database', 'BOS2027');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ stored: 1, erp: { written: 0, error: { code: 'ERP_HELPER_OBJECTS_MISSING' } } });
    expect(await api['incoming.list']({ module: 'efatura', vkn: ORNEK })).toHaveLength(SEED_INCOMING_PER_COMPANY + 2);
  });
});
