import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations, planErpMigrations } from '../../db/erpMigrate';
import { ebelgeTableSchema, type ErpMigration } from '../../migrations/erp/common';
import { logoErpMigrations } from '../../migrations/erp/logo';

const connections = new ErpConnections();
afterAll(async () => connections.closeAll());

function emptyDatabase(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-erpmig-'));
  new Database(path.join(dir, `${name}.sqlite`)).close();
  return `sqlite:${dir}`;
}

describe('ERP helper migrations', () => {
  it('compile to T-SQL for SQL Server', () => {
    const sql = ebelgeTableSchema(knexFactory({ client: 'mssql' })).toSQL().map((s) => s.sql).join(';\n');
    expect(sql).toContain('CREATE TABLE [KNK_EBELGE]');
    expect(sql).toContain('[ETTN] nvarchar(36) not null');
    expect(sql).toMatch(/UNIQUE .*\[ETTN\]|unique index \[UX_KNK_EBELGE_ETTN\]/i);
  });

  it('show a plan, apply once, and are idempotent', async () => {
    const server = emptyDatabase('YENI2026');
    const erp = await connections.database(server, 'YENI2026');
    expect((await planErpMigrations(erp, logoErpMigrations)).map((m) => m.name)).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge']);
    expect(await applyErpMigrations(erp, logoErpMigrations)).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge']);
    expect(await planErpMigrations(erp, logoErpMigrations)).toEqual([]);
    expect(await applyErpMigrations(erp, logoErpMigrations)).toEqual([]);
    expect(await erp.db.schema.hasTable('KNK_EBELGE')).toBe(true);
    expect(await erp.db.schema.hasTable('KNK_GELEN_BELGE')).toBe(true);
  });

  it('leave nothing half-applied when a step fails', async () => {
    const server = emptyDatabase('BOZUK2026');
    const erp = await connections.database(server, 'BOZUK2026');
    const failing: ErpMigration[] = [
      ...logoErpMigrations,
      { name: '0002_fails', description: 'fails halfway', up: async (db) => void (await db.raw('select * from TABLO_YOK')) },
    ];
    await expect(applyErpMigrations(erp, failing)).rejects.toMatchObject({ code: 'ERP_TABLES_MISSING' });
    expect(await erp.db.schema.hasTable('KNK_EBELGE')).toBe(false);
    expect(await erp.db.schema.hasTable('KNK_GELEN_BELGE')).toBe(false);
    expect(await erp.db.schema.hasTable('KNK_MIGRATIONS')).toBe(false);
  });
});
