import type { Knex } from 'knex';
import * as m0001 from './0001_profiles_audit';
import * as m0002 from './0002_documents';
import * as m0003 from './0003_outbox';
import * as m0004 from './0004_edefter';
import * as m0005 from './0005_outbox_kind';
import * as m0006 from './0006_registry_refresh';
import * as m0007 from './0007_incoming';
import * as m0008 from './0008_profile_fiscal_year';

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
  { name: '0005_outbox_kind', ...m0005 },
  { name: '0006_registry_refresh', ...m0006 },
  { name: '0007_incoming', ...m0007 },
  { name: '0008_profile_fiscal_year', ...m0008 },
];
