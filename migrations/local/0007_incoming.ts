import type { Knex } from 'knex';

/**
 * Incoming documents, for every incoming kind (e-Fatura today, e-İrsaliye next): the integrator's cursor per company
 * and kind, and each received document with its original bytes, the summary read from them, whether it passed GİB's
 * checks, when it arrived at the integrator (the answer deadline counts from there), whether the integrator was told
 * it was taken (belgelerAlindi), and the one answer it may get (KABUL/RED, a ReceiptAdvice…) with its own ETTN and
 * XML persisted before it is sent.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('incoming_cursors', (t) => {
    t.string('company_vkn', 11).notNullable();
    t.string('kind', 32).notNullable();
    t.string('cursor', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.primary(['company_vkn', 'kind']);
  });
  await db.schema.createTable('incoming_documents', (t) => {
    t.increments('id').primary();
    t.string('company_vkn', 11).notNullable();
    t.string('module', 16).notNullable();
    t.string('kind', 32).notNullable();
    t.string('ettn', 36).notNullable();
    t.string('belge_sira_no', 32);
    t.string('number', 32);
    t.string('profile', 32);
    t.string('type_code', 32);
    t.string('issue_date', 10);
    t.string('sender_vkn', 11);
    t.string('sender_name', 512);
    t.string('sender_alias', 256);
    t.string('receiver_alias', 256);
    t.string('payable', 32);
    t.string('currency', 3);
    t.string('arrived_at', 32);
    t.string('fetched_at', 32).notNullable();
    t.binary('xml').notNullable();
    t.string('xml_md5', 32).notNullable();
    t.integer('valid').notNullable();
    t.text('problems');
    t.string('acked_at', 32);
    t.string('erp_written_at', 32);
    t.string('answer', 16);
    t.text('answer_reason');
    t.string('answer_ettn', 36);
    t.string('answer_number', 32);
    t.binary('answer_xml');
    t.string('answer_state', 16);
    t.string('answer_belge_oid', 64);
    t.text('answer_error');
    t.string('answered_at', 32);
    t.string('answered_by', 128);
    t.unique(['company_vkn', 'kind', 'ettn']);
    t.index(['company_vkn', 'kind', 'arrived_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('incoming_documents');
  await db.schema.dropTable('incoming_cursors');
}
