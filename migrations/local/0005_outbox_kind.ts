import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Which document kind (core/documents/kinds) an entry is: a module may send several (a despatch and its
  // receipt advice, an invoice and its KABUL/RED answer). Entries from before are their module's own kind.
  await db.schema.alterTable('outbox', (t) => {
    t.string('kind', 32);
  });
  await db('outbox').update({ kind: db.ref('module') });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('outbox', (t) => {
    t.dropColumn('kind');
  });
}
