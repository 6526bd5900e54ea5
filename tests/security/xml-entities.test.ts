import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { closeViewSandboxes, renderInvoiceHtml } from '../../core/documents/preview';
import { KonnektorError } from '../../core/errors';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { SHIPPED } from '../../runtime/shipped';

/**
 * A document from outside never makes Konnektör open a file: a DOCTYPE (external entities, external DTD, entity
 * expansion) is refused before any parser sees it, and each file of a `validate` batch gets its own result — a
 * hostile or unreadable one never drops the others.
 */
const GIB_XML = path.resolve(__dirname, '../../../shared/reference/gib/UBL-TR1.2.1_Paketi/xml');

let dir: string;
let store: LocalStore;
let api: KonnektorService;
const SECRET = 'GIZLI-ENTITY-9f1c';

const doctypes = (secret: string): [string, string][] => [
  ['external entity', `<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://${secret}">]>`],
  ['external DTD', `<!DOCTYPE Invoice SYSTEM "file://${secret}">`],
  ['parameter entity', `<!DOCTYPE Invoice [<!ENTITY % p SYSTEM "file://${secret}"> %p;]>`],
  ['entity from a device', '<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///dev/zero">]>'],
  ['entity expansion', `<!DOCTYPE Invoice [<!ENTITY a "${'a'.repeat(64)}"><!ENTITY b "${'&a;'.repeat(64)}"><!ENTITY c "${'&b;'.repeat(64)}"><!ENTITY d "${'&c;'.repeat(64)}">]>`],
  ['network DTD', '<!DOCTYPE Invoice PUBLIC "-//X//DTD X//EN" "http://127.0.0.1:9/x.dtd">'],
];

/** A GİB sample with the DOCTYPE in its prolog and the entity used in a note. */
function withDoctype(doctype: string): string {
  const sample = fs.readFileSync(path.join(GIB_XML, 'TEVKIFAT.xml'), 'utf8');
  const body = sample.replace(/^<\?xml[^>]*\?>\s*/, '');
  const used = /ENTITY x /.test(doctype) ? body.replace('<cbc:Note>', '<cbc:Note>&x;') : /ENTITY d /.test(doctype) ? body.replace('<cbc:Note>', '<cbc:Note>&d;') : body;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${doctype}\n${used}`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-xxe-'));
  fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections: new ErpConnections(), store: async () => store });
});
afterAll(async () => {
  await api.close();
  await store.destroy();
  await closeViewSandboxes();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('documents with a DOCTYPE', () => {
  it('`validate` gives each file its own result: every DOCTYPE refused, the good file checked, a missing file named', async () => {
    const cases = doctypes(path.join(dir, 'secret.txt'));
    const files = cases.map(([name, doctype], i) => {
      const file = path.join(dir, `doctype-${i}.xml`);
      fs.writeFileSync(file, withDoctype(doctype));
      return { name, file };
    });
    const good = path.join(dir, 'good.xml');
    fs.copyFileSync(path.join(GIB_XML, 'TicariFaturaOrnegi.xml'), good);
    const missing = path.join(dir, 'yok.xml');
    const results = await api['documents.validate']({ files: [...files.map((f) => f.file), good, missing] });
    expect(results).toHaveLength(files.length + 2);
    for (const [i, f] of files.entries()) {
      expect(results[i]!.valid, f.name).toBe(false);
      expect(results[i]!.issues.map((x) => x.rule), f.name).toEqual(['XML_DOCTYPE_FORBIDDEN']);
      expect(JSON.stringify(results[i]), f.name).not.toContain(SECRET);
    }
    // GİB's clean sample is still checked and clean, in the same batch.
    expect(results[files.length]).toMatchObject({ file: good, valid: true, issues: [] });
    expect(results[files.length + 1]).toMatchObject({ file: missing, valid: false, issues: [{ rule: 'FILE_NOT_FOUND' }] });
    console.log(`DOCTYPE documents refused by validate: ${files.length} of ${files.length}`);
  });

  it('preview refuses them with XML_DOCTYPE_FORBIDDEN', async () => {
    for (const [name, doctype] of doctypes(path.join(dir, 'secret.txt'))) {
      const e = await renderInvoiceHtml(withDoctype(doctype), { cacheDir: false }).then(
        (html) => html,
        (x: unknown) => x,
      );
      expect(e, name).toBeInstanceOf(KonnektorError);
      expect([(e as KonnektorError).code], name).toEqual([expect.stringMatching(/^XML_(DOCTYPE_FORBIDDEN|NOT_WELL_FORMED)$/)]);
      expect(String((e as Error).message)).not.toContain(SECRET);
    }
  });
});
