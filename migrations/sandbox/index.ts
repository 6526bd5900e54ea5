import type Database from 'better-sqlite3';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_submissions';
import * as m0003 from './0003_edefter';
import * as m0004 from './0004_receipts';

export interface SandboxMigration {
  name: string;
  up(db: Database.Database): void;
}

/**
 * The sandbox integrator's schema, in order; the database's `user_version` is the number applied. A new migration
 * is a new numbered file added here, never an edit of an applied one.
 */
export const sandboxMigrations: SandboxMigration[] = [
  { name: '0001_initial', ...m0001 },
  { name: '0002_submissions', ...m0002 },
  { name: '0003_edefter', ...m0003 },
  { name: '0004_receipts', ...m0004 },
];
