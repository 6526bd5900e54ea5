import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import { appendAudit, listAudit } from '../../db/audit';
import { migrateLocalStore, openLocalStore } from '../../db/local';
import { listProfiles, saveProfile } from '../../db/profiles';
import { localMigrations } from '../../migrations/local';

describe('local store', () => {
  it('migrates an empty in-memory database to the current schema', async () => {
    const db = await openLocalStore(':memory:');
    try {
      for (const table of ['profiles', 'audit_log', 'settings']) expect(await db.schema.hasTable(table)).toBe(true);
      const applied = (await db('knex_migrations').select('name')).map((r: { name: string }) => r.name);
      expect(applied).toEqual(localMigrations.map((m) => m.name));
      // A second run has nothing left to do.
      expect(await migrateLocalStore(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a store that records a migration this build does not know', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-store-'));
    const file = path.join(dir, 'konnektor.sqlite');
    const db = await openLocalStore(file);
    await db('knex_migrations').insert({ name: '9999_from_a_newer_version', batch: 2, migration_time: new Date().toISOString() });
    await db.destroy();
    await expect(openLocalStore(file)).rejects.toMatchObject({ code: 'LOCAL_STORE_UNKNOWN_MIGRATION' });
    try {
      await openLocalStore(file);
    } catch (e) {
      expect((e as KonnektorError).details.migrations).toEqual(['9999_from_a_newer_version']);
    }
  });

  it('keeps a file store in WAL mode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-store-'));
    const db = await openLocalStore(path.join(dir, 'k.sqlite'));
    try {
      const [row] = await db.raw('pragma journal_mode');
      expect(row.journal_mode).toBe('wal');
    } finally {
      await db.destroy();
    }
  });

  it('stores one profile per module, company and fiscal year, without the server password', async () => {
    const db = await openLocalStore(':memory:');
    try {
      const base = {
        module: 'efatura' as const,
        companyVkn: '4703101339',
        branch: '',
        integrator: { endpoint: 'https://efatura.example/connector', user: 'demo', secretRef: 'vault:integrator:efatura' },
      };
      await saveProfile(db, { ...base, fiscalYear: 2025, target: { connector: 'logo', server: 'mssql://sa:Gizli123@sql01:1433/LOGO', database: 'LOGODB', firm: '001', period: '01' } });
      await saveProfile(db, { ...base, fiscalYear: 2026, target: { connector: 'logo', server: 'mssql://sa:Gizli123@sql01:1433/LOGO', database: 'LOGODB', firm: '001', period: '02' } });
      // Saving the same year again updates it instead of adding a row.
      await saveProfile(db, { ...base, fiscalYear: 2026, target: { connector: 'logo', server: 'mssql://sa:Gizli123@sql01:1433/LOGO', database: 'LOGODB', firm: '001', period: '03' } });
      const profiles = await listProfiles(db, { module: 'efatura' });
      expect(profiles.map((p) => [p.fiscalYear, p.target.period])).toEqual([
        [2026, '03'],
        [2025, '01'],
      ]);
      const raw = JSON.stringify(await db('profiles').select('*'));
      expect(raw).not.toContain('Gizli123');
      expect(profiles[0]!.target.server).toBe('mssql://sa:***@sql01:1433/LOGO');
    } finally {
      await db.destroy();
    }
  });

  it('appends audit entries with secrets redacted', async () => {
    const db = await openLocalStore(':memory:');
    try {
      await appendAudit(db, {
        actor: 'muhasebe1',
        action: 'profile.update',
        module: 'efatura',
        before: { server: 'mssql://sa:Eski@sql01/LOGO', period: '01' },
        after: { server: 'mssql://sa:Yeni@sql01/LOGO', period: '02', password: 'Yeni' },
        outcome: 'ok',
      });
      const [entry] = await listAudit(db);
      expect(entry).toMatchObject({ actor: 'muhasebe1', action: 'profile.update', outcome: 'ok', after: { period: '02', password: '***' } });
      const raw = JSON.stringify(await db('audit_log').select('*'));
      expect(raw).not.toMatch(/Eski|Yeni@/);
      expect(raw).not.toContain('"Yeni"');
    } finally {
      await db.destroy();
    }
  });
});
