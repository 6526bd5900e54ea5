import type { Knex } from 'knex';
import * as m0001 from './0001_profiles_audit';
import * as m0002 from './0002_documents';

export interface LocalMigration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/** Every local migration, in order. A new migration is a new numbered file added here. */
export const localMigrations: LocalMigration[] = [
  { name: '0001_profiles_audit', ...m0001 },
  { name: '0002_documents', ...m0002 },
];
