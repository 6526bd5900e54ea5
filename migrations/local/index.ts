import type { Knex } from 'knex';
import * as m0001 from './0001_profiles_audit';
import * as m0002 from './0002_documents';
import * as m0003 from './0003_outbox';
import * as m0004 from './0004_edefter';

export interface LocalMigration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/** Every local migration, in order. A new migration is a new numbered file added here. */
export const localMigrations: LocalMigration[] = [
  { name: '0001_profiles_audit', ...m0001 },
  { name: '0002_documents', ...m0002 },
  { name: '0003_outbox', ...m0003 },
  { name: '0004_edefter', ...m0004 },
];
