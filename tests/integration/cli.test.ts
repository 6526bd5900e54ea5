import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { dumpFolder } from '../fixtures/dump';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/konnektor.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function konnektor(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, KONNEKTOR_HOME: home } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let home: string;
let dir: string;
let server: string;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-cli-'));
  dir = path.join(home, 'demo-cli');
  server = `sqlite:${dir}`;
  const r = await konnektor('demo', 'init', '--dir', dir, '--invoices', '40', '--seed', '5', '--year', '2026', '--json');
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('konnektor CLI', () => {
  it('demo init is deterministic for a seed', async () => {
    const again = path.join(home, 'demo-again');
    const r = await konnektor('demo', 'init', '--dir', again, '--invoices', '40', '--seed', '5', '--year', '2026');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Logo');
    const strip = (s: string) => s.replace(/"GUNCELLEME":"[^"]*"|"APPLIED_AT":"[^"]*"/g, '');
    expect(strip(dumpFolder(again))).toBe(strip(dumpFolder(dir)));
  });

  it('refuses to overwrite an existing demo without --force', async () => {
    const r = await konnektor('demo', 'init', '--dir', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DEMO_DIR_INVALID');
  });

  it('lists databases, firms and periods as JSON', async () => {
    const dbs = await konnektor('databases', '--connector', 'logo', '--server', server, '--json');
    expect(dbs.code, dbs.stderr).toBe(0);
    expect(JSON.parse(dbs.stdout)).toContainEqual({ name: 'LOGODB', recognised: true });
    const firms = await konnektor('firms', '--connector', 'logo', '--server', server, '--database', 'LOGODB', '--firm', '2', '--json');
    expect(firms.code, firms.stderr).toBe(0);
    expect(JSON.parse(firms.stdout).map((f: { firm: string; period: string }) => `${f.firm}/${f.period}`)).toEqual(['002/01', '002/02']);
    const human = await konnektor('firms', '--connector', 'logo', '--server', server, '--database', 'LOGODB');
    expect(human.stdout).toContain('Anadolu Gıda & Tarım Ürünleri Ltd. Şti.');
  });

  it('tests a connection and lists outgoing documents with padded codes', async () => {
    const test = await konnektor('test-connection', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2', '--module', 'efatura');
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toContain('LG_001_02_INVOICE');
    const list = await konnektor('documents', 'list', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2', '--module', 'earsiv', '--json');
    expect(list.code, list.stderr).toBe(0);
    const docs = JSON.parse(list.stdout) as { module: string; ref: { firm: string; period: string }; lines: { quantity: string }[] }[];
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.module === 'earsiv' && d.ref.firm === '001' && d.ref.period === '02')).toBe(true);
    // Decimals travel as exact text.
    expect(typeof docs[0]!.lines[0]!.quantity).toBe('string');
  });

  it('works for Netsis, whose companies live in their own databases', async () => {
    const firms = await konnektor('firms', '--connector', 'netsis', '--server', server, '--json');
    expect(firms.code, firms.stderr).toBe(0);
    const rows = JSON.parse(firms.stdout) as { database: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const db = rows.at(-1)!.database;
    const test = await konnektor('test-connection', '--connector', 'netsis', '--server', server, '--database', db, '--module', 'efatura');
    expect(test.code, test.stderr).toBe(0);
  });

  describe('documents', () => {
    const SAMPLES = path.resolve(__dirname, '../../../shared/reference/gib/UBL-TR1.2.1_Paketi/xml');

    it('validates clean GİB samples and names the rule a failing one breaks', async () => {
      const ok = await konnektor('validate', path.join(SAMPLES, 'TicariFaturaOrnegi.xml'), path.join(SAMPLES, 'YTB_Satıs_EArşiv.xml'));
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain('(earchive)');
      const bad = await konnektor('validate', path.join(SAMPLES, 'IadeFaturasiOrnegi.xml'), '--json');
      expect(bad.code).toBe(1);
      const [result] = JSON.parse(bad.stdout) as { valid: boolean; issues: { rule: string; message: string }[] }[];
      expect(result!.valid).toBe(false);
      expect(result!.issues.map((i) => i.rule)).toContain('InvoiceTypeCodeCheck');
      const missing = await konnektor('validate', path.join(home, 'yok.xml'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('FILE_NOT_FOUND');
    });

    it('exports, validates and previews the demo invoices', async () => {
      const imported = await konnektor('registry', 'import', '--file', path.join(dir, 'gib-kullanici-listesi.xml'));
      expect(imported.code, imported.stderr).toBe(0);
      const out = path.join(home, 'export-earsiv');
      const r = await konnektor('export', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2', '--module', 'earsiv', '--out', out, '--json');
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { summary: { valid: number; invalid: number }; documents: { ettn: string; number: string; profile: string }[] };
      expect(report.summary.valid).toBeGreaterThan(0);
      expect(report.summary.invalid).toBe(0);
      expect(report.documents.every((d) => d.profile === 'EARSIVFATURA' && /^KNA2026\d{9}$/.test(d.number))).toBe(true);
      const files = report.documents.map((d) => path.join(out, `${d.ettn}.xml`));
      const v = await konnektor('validate', ...files);
      expect(v.code, v.stdout).toBe(0);
      const html = path.join(home, 'fatura.html');
      const p = await konnektor('preview', files[0]!, '--out', html);
      expect(p.code, p.stderr).toBe(0);
      const text = fs.readFileSync(html, 'utf8');
      expect(text).toContain(report.documents[0]!.number);
      expect(text).toContain('Örnek Tekstil Sanayi ve Ticaret A.Ş.');
    });

    it('exports, validates and previews the demo despatches (--module eirsaliye) with GİB’s despatch view', async () => {
      const out = path.join(home, 'export-eirsaliye');
      const r = await konnektor('export', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2', '--module', 'eirsaliye', '--out', out, '--json');
      // Exit code 1: some documents could not be built (the report says which and why).
      expect(r.code, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as { summary: { documents: number; valid: number; invalid: number }; documents: { ettn: string; number?: string; valid: boolean; issues: { rule: string }[] }[] };
      expect(report.summary).toMatchObject({ documents: 5, valid: 3, invalid: 2 });
      const valid = report.documents.filter((d) => d.valid);
      expect(valid.every((d) => /^KNI2026\d{9}$/.test(d.number!))).toBe(true);
      expect(report.documents.filter((d) => !d.valid).map((d) => d.issues[0]!.rule)).toEqual(['KNK_ROUTING_DESPATCH_INVOICE_ONLY', 'KNK_DESPATCH_CARRIER_MISSING']);
      const files = valid.map((d) => path.join(out, `${d.ettn}.xml`));
      const v = await konnektor('validate', ...files);
      expect(v.code, v.stdout).toBe(0);
      const html = path.join(home, 'irsaliye.html');
      const p = await konnektor('preview', files[0]!, '--out', html);
      expect(p.code, p.stderr).toBe(0);
      expect(fs.readFileSync(html, 'utf8')).toContain(valid[0]!.number!);
    }, 180_000);

    it('embeds a company view stylesheet and previews through it', async () => {
      const xslt = path.join(home, 'firma-sablon.xslt');
      fs.writeFileSync(
        xslt,
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">' +
          '<xsl:template match="/"><html><body><h1>FİRMA ŞABLONU <xsl:value-of select="//cbc:ID[1]"/></h1></body></html></xsl:template></xsl:stylesheet>',
      );
      const out = path.join(home, 'export-company-view');
      const r = await konnektor('export', '--server', server, '--database', 'LOGODB', '--firm', '2', '--period', '2', '--module', 'earsiv', '--out', out, '--view-xslt', xslt, '--json');
      expect(r.code, r.stderr).toBe(0);
      const doc = (JSON.parse(r.stdout) as { documents: { ettn: string; number: string }[] }).documents[0]!;
      const html = path.join(home, 'company.html');
      expect((await konnektor('preview', path.join(out, `${doc.ettn}.xml`), '--out', html)).code).toBe(0);
      expect(fs.readFileSync(html, 'utf8')).toContain(`FİRMA ŞABLONU ${doc.number}`);
      fs.writeFileSync(xslt, '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>');
      const refused = await konnektor('export', '--server', server, '--database', 'LOGODB', '--firm', '2', '--period', '2', '--module', 'earsiv', '--out', out, '--view-xslt', xslt);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('INVOICE_VIEW_FAILED');
    });

    it('reports the wrong module and a bad prefix', async () => {
      const wrong = await konnektor('export', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2', '--module', 'efatura', '--out', path.join(home, 'x'), '--prefix', 'ÇAB');
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('NUMBER_PREFIX_INVALID');
    });
  });

  describe('exit codes and errors', () => {
    it.each([
      [['--firm', '2a'], 'ERP_FIRM_CODE_INVALID'],
      [['--firm', '0001'], 'ERP_FIRM_CODE_INVALID'],
      [['--firm', '1;DROP TABLE x'], 'ERP_FIRM_CODE_INVALID'],
      [['--firm', '1', '--period', '13a'], 'ERP_PERIOD_CODE_INVALID'],
      [['--firm', '1', '--period', '1', '--module', 'efaturax'], 'MODULE_UNKNOWN'],
      [['--firm', '1', '--period', '1', '--from', '2026-13-45'], 'ERP_DATE_INVALID'],
    ])('bad input %j exits 2 with %s', async (extra, code) => {
      const args = ['documents', 'list', '--server', server, '--database', 'LOGODB', '--module', 'efatura', ...extra];
      const before = dumpFolder(dir);
      const r = await konnektor(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(code);
      expect(r.stdout).toBe('');
      expect(dumpFolder(dir)).toBe(before);
    });

    it('a failing target exits 1 and names the error code', async () => {
      const r = await konnektor('test-connection', '--server', server, '--database', 'YOKDB', '--firm', '1', '--period', '1', '--module', 'efatura');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^HATA ERP_DATABASE_NOT_FOUND: Veri tabanı bulunamadı/);
      const netsis = await konnektor('test-connection', '--connector', 'netsis', '--server', server, '--database', 'LOGODB', '--module', 'efatura', '--json');
      expect(netsis.code).toBe(1);
      expect(JSON.parse(netsis.stderr).error.code).toBe('ERP_COMPANY_NOT_FOUND');
      const unreachable = await konnektor('databases', '--server', 'mssql://sa:Gizli@127.0.0.1:1?connectTimeout=2000');
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain('ERP_SERVER_UNREACHABLE');
      expect(unreachable.stderr).not.toContain('Gizli');
    });

    it('an unknown command or connector is bad input', async () => {
      expect((await konnektor('frobnicate')).code).toBe(2);
      const r = await konnektor('firms', '--connector', 'mikro2', '--server', server, '--database', 'X');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('CONNECTOR_UNKNOWN');
    });
  });
});
