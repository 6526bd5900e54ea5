import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnector } from '../../connectors/registry';
import { buildLedger, type LedgerBuildResult } from '../../core/documents/xbrl/ledger';
import { runEdefterSchematron } from '../../core/documents/xbrl/schematron';
import { sealParts, type SealedPart } from '../../core/edefter/seal';
import { openToken, listTokens } from '../../core/signing/pkcs11';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoEdefterSettings } from '../../sandbox/demo/ledger';
import { demoWorld } from '../../sandbox/demo/scenario';
import type { TestToken } from '../../core/signing/softhsm';
import { testToken, xmlsecVerify } from '../support/edefter';
import { readLastYevmiye } from '../../core/edefter/lastYevmiye';

/** A demo month sealed on a SoftHSM2 token: GİB's schematrons pass, xmlsec1 verifies every signature. */
let dir: string;
let token: TestToken;
let built: LedgerBuildResult;
let sealed: SealedPart[];
const connections = new ErpConnections();
const world = demoWorld(4);
const settings = demoEdefterSettings(world, 0, 2026);
const certPem = () => path.join(dir, 'cert.pem');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-seal-'));
  const server = (await createDemoDatabases({ dir: path.join(dir, 'erp'), invoices: 12, seed: 4, year: 2026 })).server;
  const logo = getConnector('logo');
  const target = { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' };
  const chart = await logo.readChartOfAccounts!({ connections }, target);
  built = await buildLedger(logo.readJournal!({ connections }, target, { from: '2026-01-01', to: '2026-01-31' }), {
    settings, month: '2026-01', creationDate: '2026-02-05', chart, previousUniqueSeq: 0, previousLineNumber: 0, version: '0.1.0', outDir: path.join(dir, 'out'),
  });
  token = await testToken(path.join(dir, 'hsm'));
  fs.writeFileSync(certPem(), token.certificatePem);
  const session = openToken(token.module, token.slot, token.pin);
  try {
    const cert = session.certificates()[0]!;
    sealed = await sealParts(built.parts, {
      settings, month: '2026-01', certificate: cert, sign: (d) => session.sign(cert.id, d), now: new Date(), creationDate: '2026-02-05', version: '0.1.0', outDir: path.join(dir, 'out'),
    });
  } finally {
    session.close();
  }
});
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sealing a demo month with the mali mühür on SoftHSM2', () => {
  it('lists the token and its certificate with owner, validity and the mali mühür usage', () => {
    expect(listTokens(token.module).map((t) => t.label)).toContain('malimuhur');
    const session = openToken(token.module, listTokens(token.module).findIndex((x) => x.label === 'malimuhur'), token.pin);
    try {
      const [cert] = session.certificates();
      expect(cert).toMatchObject({ owner: 'Örnek Tekstil Sanayi ve Ticaret A.Ş.', maliMuhur: true, keyType: 'rsa', id: 'a1b2' });
      expect(new Date(cert!.validTo).getTime()).toBeGreaterThan(Date.now());
    } finally {
      session.close();
    }
  });

  it('the sealed yevmiye, kebir and both berats pass GİB’s schematrons with no finding at all', async () => {
    const p = sealed[0]!;
    const out = path.join(dir, 'out');
    expect(await runEdefterSchematron('yevmiye', path.join(out, p.y.name))).toEqual([]);
    expect(await runEdefterSchematron('kebir', path.join(out, p.k.name))).toEqual([]);
    expect(await runEdefterSchematron('berat', p.yb.file)).toEqual([]);
    expect(await runEdefterSchematron('berat', p.kb.file)).toEqual([]);
  });

  it('xmlsec1 verifies all four signatures (document digest, SignedProperties, SignatureValue)', () => {
    const p = sealed[0]!;
    for (const f of [path.join(dir, 'out', p.y.name), path.join(dir, 'out', p.k.name), p.yb.file, p.kb.file]) {
      const v = xmlsecVerify(f, certPem());
      expect(v.output).toMatch(/References \(ok\/all\): 2\/2/);
      expect(v.ok).toBe(true);
    }
  });

  it('carries the GİB profile: X509SubjectName, SignatureValue Id, SigningCertificate, and the berat holds the defter’s SignatureValue', () => {
    const p = sealed[0]!;
    const y = fs.readFileSync(path.join(dir, 'out', p.y.name), 'utf8');
    expect(y).toMatch(/<ds:X509SubjectName>CN=Örnek Tekstil/);
    expect(y).toMatch(/<ds:SignatureValue Id="SignatureValue-[0-9a-f-]+">/);
    expect(y).toContain('<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256">');
    expect(y).not.toMatch(/sha1/i);
    const yb = fs.readFileSync(p.yb.file, 'utf8');
    expect(yb).toContain(`>${p.y.signatureValue}</ds:SignatureValue>`);
    expect(yb).toMatch(new RegExp(`numberOfEntries contextRef="journal_context" unitRef="countable">${built.parts[0]!.entries}<`));
  });

  it('a changed amount in the sealed defter fails verification', () => {
    const p = sealed[0]!;
    const tampered = path.join(dir, 'tampered.xml');
    const xml = fs.readFileSync(path.join(dir, 'out', p.y.name), 'utf8');
    fs.writeFileSync(tampered, xml.replace(/(<gl-cor:amount [^>]*>)(\d+)\./, (_m, a, d) => `${a}${Number(d) + 1}.`));
    expect(xmlsecVerify(tampered, certPem()).ok).toBe(false);
  });
});

describe('bad input at sealing', () => {
  it('a wrong PIN stops after the first attempt, and the right PIN still works afterwards', () => {
    const slot = listTokens(token.module).findIndex((x) => x.label === 'malimuhur');
    expect(() => openToken(token.module, slot, '0000')).toThrow(expect.objectContaining({ code: 'SIGN_PIN_WRONG' }));
    const s = openToken(token.module, slot, token.pin);
    s.close();
  });

  it('an expired certificate and one that is not a mali mühür are refused before anything is signed', async () => {
    const expired = await testToken(path.join(dir, 'hsm'), 'expired', { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    const plain = await testToken(path.join(dir, 'hsm'), 'esign', { withoutSealUsage: true });
    for (const [t, code] of [[expired, 'SIGN_CERT_EXPIRED'], [plain, 'SIGN_CERT_NOT_MALI_MUHUR']] as const) {
      // SoftHSM renumbers its slots as tokens are added: find the token by its label, as the screen lists them.
      const s = openToken(t.module, listTokens(t.module).findIndex((x) => x.label === t.label), t.pin);
      try {
        const cert = s.certificates()[0]!;
        const before = fs.readFileSync(built.parts[0]!.y.file);
        await expect(
          sealParts(built.parts, { settings, month: '2026-01', certificate: cert, sign: (d) => s.sign(cert.id, d), now: new Date(), creationDate: '2026-02-05', version: '0.1.0', outDir: path.join(dir, 'out') }),
        ).rejects.toMatchObject({ code });
        expect(fs.readFileSync(built.parts[0]!.y.file).equals(before)).toBe(true);
      } finally {
        s.close();
      }
    }
  });
});

describe('Yevmiye Numarası Doğrulama', () => {
  it('reads the last madde, line number and uniqueID of a sealed yevmiye, after verifying its seal', () => {
    const p = sealed[0]!;
    const last = readLastYevmiye(path.join(dir, 'out', p.y.name));
    expect(last).toMatchObject({
      taxId: settings.firm.taxId,
      uniqueID: 'YEV202601000001',
      uniqueSeq: 1,
      lastJournalNo: built.lastJournalNo,
      lastLineNumber: built.lastLineNumber,
      periodEnd: '2026-01-31',
      signer: 'Örnek Tekstil Sanayi ve Ticaret A.Ş.',
    });
  });

  it('refuses an unsigned yevmiye, a changed one and a kebir', () => {
    const p = sealed[0]!;
    const signed = fs.readFileSync(path.join(dir, 'out', p.y.name), 'utf8');
    const unsigned = path.join(dir, 'unsigned.xml');
    fs.writeFileSync(unsigned, signed.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, ''));
    const changed = path.join(dir, 'changed.xml');
    fs.writeFileSync(changed, signed.replace(/(<gl-cor:entryNumberCounter [^>]*>)(\d+)</g, (_m, a, n) => `${a}${Number(n) + 100}<`));
    for (const f of [unsigned, changed, path.join(dir, 'out', p.k.name)]) {
      expect(() => readLastYevmiye(f)).toThrow(expect.objectContaining({ code: 'EDEFTER_LAST_YEVMIYE_INVALID' }));
    }
  });
});
