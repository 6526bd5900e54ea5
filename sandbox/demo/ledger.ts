import path from 'node:path';
import Database from 'better-sqlite3';
import { formatKurus, type ChartAccount } from '../../core/edefter/model';
import { damageToCp1252 } from '../../connectors/shared/encoding';
import { LOGO_EBOOK_DOCTYPES } from '../../connectors/logo/ledger';
import { NETSIS_DOCUMENT_TYPES } from '../../connectors/netsis/ledger';
import { DEMO_USERS, demoChart, demoJournal, type DemoJournalEntry, type JournalOptions } from './journal';
import type { DemoWorld } from './scenario';
import type { EdefterSettings } from '../../core/edefter/settings';

/**
 * Writes the demo journal into the accounting programs' own ledger tables: Logo's EMFICHE/EMFLINE/EMUHACC (+ the
 * EBOOK document fields and the system user list), Netsis's TBLMUHMAS/TBLMUHFIS/TBLMUPLAN/TBLKULLANP.
 */

const logoDocType = (type: string): number => Number(Object.entries(LOGO_EBOOK_DOCTYPES).find(([, t]) => t === type)?.[0] ?? 99);
const netsisDocType = (type: string): string => Object.entries(NETSIS_DOCUMENT_TYPES).find(([, t]) => t === type)?.[0] ?? 'DIGER';

function logoLedgerDdl(f: string, p: string): string {
  return `
CREATE TABLE IF NOT EXISTS L_CAPIUSER (LOGICALREF INTEGER PRIMARY KEY, NR INTEGER NOT NULL UNIQUE, NAME TEXT, FIRMNR INTEGER);
CREATE TABLE IF NOT EXISTS LG_${f}_EMUHACC (LOGICALREF INTEGER PRIMARY KEY, ACTIVE INTEGER DEFAULT 0, CODE TEXT NOT NULL, DEFINITION_ TEXT,
  ACCTYPE INTEGER DEFAULT 0, CARDTYPE INTEGER DEFAULT 0, SPECODE TEXT);
CREATE TABLE LG_${f}_${p}_EMFICHE (LOGICALREF INTEGER PRIMARY KEY, TRCODE INTEGER, FICHENO TEXT, DATE_ TEXT, TIME_ INTEGER DEFAULT 0,
  DOCODE TEXT, SPECODE TEXT, BRANCH INTEGER DEFAULT 0, DEPARTMENT INTEGER DEFAULT 0, CANCELLED INTEGER DEFAULT 0, GENEXP1 TEXT, GENEXP2 TEXT,
  DEBITTOT REAL, CREDITTOT REAL, JOURNALNO INTEGER DEFAULT 0, DOCTYPE INTEGER DEFAULT 0, CROSSFLAG INTEGER DEFAULT 0, CAPIBLOCK_CREATEDBY INTEGER,
  CAPIBLOCK_CREADEDDATE TEXT, EBOOK_DOCDATE TEXT, EBOOK_DOCNR TEXT, EBOOK_DOCTYPE INTEGER DEFAULT 0, EBOOK_EXPLAIN TEXT, EBOOK_PAYTYPE TEXT,
  EBOOK_NOPAY INTEGER DEFAULT 0, EBOOK_NODOCUMENT INTEGER DEFAULT 0, LINEBASEDDOCDET INTEGER DEFAULT 0);
CREATE INDEX I_${f}_${p}_EMFICHE_BOOK ON LG_${f}_${p}_EMFICHE (DATE_, JOURNALNO, LOGICALREF);
CREATE TABLE LG_${f}_${p}_EMFLINE (LOGICALREF INTEGER PRIMARY KEY, ACCOUNTREF INTEGER, CENTERREF INTEGER DEFAULT 0, ACCFICHEREF INTEGER,
  TRCODE INTEGER, LINENO_ INTEGER, DATE_ TEXT, SIGN INTEGER, DEBIT REAL DEFAULT 0, CREDIT REAL DEFAULT 0, AMNT REAL DEFAULT 0, LINEEXP TEXT,
  CANCELLED INTEGER DEFAULT 0, KEBIRCODE TEXT, ACCOUNTCODE TEXT, BRANCH INTEGER DEFAULT 0, EBOOK_DOCDATE TEXT, EBOOK_DOCNR TEXT,
  EBOOK_DOCTYPE INTEGER DEFAULT 0, EBOOK_EXPLAIN TEXT, EBOOK_PAYTYPE TEXT, EBOOK_UNDOCUMENTED INTEGER DEFAULT 0);
CREATE INDEX I_${f}_${p}_EMFLINE_FICHE ON LG_${f}_${p}_EMFLINE (ACCFICHEREF, LINENO_);
`;
}

export interface LedgerWriteResult {
  entries: number;
  lines: number;
}

/** Logo firm `firm`, period `period`: the chart, the users and the journal of `opts`. */
export function writeLogoLedger(dir: string, world: DemoWorld, firm: string, period: string, opts: JournalOptions, journal?: Iterable<DemoJournalEntry>): LedgerWriteResult {
  const db = new Database(path.join(dir, 'LOGODB.sqlite'));
  db.pragma('synchronous = OFF');
  let entries = 0;
  let lines = 0;
  try {
    db.exec(logoLedgerDdl(firm, period));
    const chart = demoChart(world);
    const accountRef = new Map<string, number>();
    db.transaction(() => {
      const insUser = db.prepare('INSERT OR IGNORE INTO L_CAPIUSER (NR, NAME, FIRMNR) VALUES (?, ?, 0)');
      DEMO_USERS.forEach((u, i) => insUser.run(i + 1, u.name));
      const existing = db.prepare(`SELECT LOGICALREF, CODE FROM LG_${firm}_EMUHACC`).all() as { LOGICALREF: number; CODE: string }[];
      for (const r of existing) accountRef.set(r.CODE, r.LOGICALREF);
      const insAcc = db.prepare(`INSERT INTO LG_${firm}_EMUHACC (CODE, DEFINITION_, CARDTYPE) VALUES (?, ?, ?)`);
      for (const a of chart) {
        if (accountRef.has(a.code)) continue;
        accountRef.set(a.code, Number(insAcc.run(a.code, a.name, a.code.includes('.') ? 2 : 1).lastInsertRowid));
      }
    })();
    const insFiche = db.prepare(`INSERT INTO LG_${firm}_${period}_EMFICHE (TRCODE, FICHENO, DATE_, BRANCH, GENEXP1, DEBITTOT, CREDITTOT, JOURNALNO,
      CAPIBLOCK_CREATEDBY, EBOOK_DOCDATE, EBOOK_DOCNR, EBOOK_DOCTYPE, EBOOK_EXPLAIN, EBOOK_PAYTYPE, EBOOK_NODOCUMENT)
      VALUES (4, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insLine = db.prepare(`INSERT INTO LG_${firm}_${period}_EMFLINE (ACCOUNTREF, ACCFICHEREF, TRCODE, LINENO_, DATE_, SIGN, DEBIT, CREDIT, AMNT,
      LINEEXP, KEBIRCODE, ACCOUNTCODE, EBOOK_PAYTYPE) VALUES (?, ?, 4, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const write = db.transaction((batch: DemoJournalEntry[]) => {
      for (const e of batch) {
        const doc = e.lines[0]?.document;
        const debit = e.lines.filter((l) => l.debitCredit === 'D').reduce((a, l) => a + l.amountKurus, 0);
        const credit = e.lines.filter((l) => l.debitCredit === 'C').reduce((a, l) => a + l.amountKurus, 0);
        const ref = Number(
          insFiche.run(e.voucherNo, e.date, e.comment, debit / 100, credit / 100, e.journalNo ?? 0, e.user + 1, doc?.date ?? null, doc?.number ?? null,
            doc ? logoDocType(doc.type) : 0, doc?.typeDescription ?? null, e.lines[0]?.paymentMethod ?? null, doc ? 0 : 1).lastInsertRowid,
        );
        e.lines.forEach((l, i) => {
          const acc = accountRef.get(l.account);
          const amount = Number(formatKurus(l.amountKurus));
          insLine.run(acc ?? 0, ref, i + 1, e.date, l.debitCredit === 'C' ? 1 : 0, l.debitCredit === 'D' ? amount : 0, l.debitCredit === 'C' ? amount : 0,
            amount, l.comment, l.account.slice(0, 3), l.account, l.paymentMethod ?? null);
        });
        entries++;
        lines += e.lines.length;
      }
    });
    let batch: DemoJournalEntry[] = [];
    for (const e of journal ?? demoJournal(world, opts)) {
      batch.push(e);
      if (batch.length >= 5000) {
        write(batch);
        batch = [];
      }
    }
    write(batch);
  } finally {
    db.close();
  }
  return { entries, lines };
}

const NETSIS_LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS TBLKULLANP (KULLANICI_ADI TEXT NOT NULL PRIMARY KEY, ISIM_SOYAD TEXT, EMAIL TEXT);
CREATE TABLE IF NOT EXISTS TBLMUPLAN (HESAP_KODU TEXT NOT NULL PRIMARY KEY, HS_ADI TEXT, AGM TEXT, SUBE_KODU INTEGER DEFAULT 0, KAYITTARIHI TEXT);
CREATE TABLE IF NOT EXISTS TBLMUHMAS (FISNO TEXT NOT NULL PRIMARY KEY, TARIH TEXT, RESM_YEVMNO INTEGER, AY_KODU INTEGER, SUBE_KODU INTEGER DEFAULT 0,
  KAYITYAPANKUL TEXT, KAYITTARIHI TEXT);
CREATE INDEX IF NOT EXISTS TBLMUHMAS_IND_BOOK ON TBLMUHMAS (TARIH, RESM_YEVMNO, FISNO);
CREATE TABLE IF NOT EXISTS TBLMUHFIS (INCKEYNO INTEGER PRIMARY KEY, SUBE_KODU INTEGER DEFAULT 0, AY_KODU INTEGER, FISNO TEXT NOT NULL, SIRA INTEGER,
  HES_KOD TEXT, BA INTEGER, TUTAR REAL, TARIH TEXT, ACIKLAMA TEXT, REF_KOD TEXT, PROJE_KODU TEXT, EVRAKTARIHI TEXT, KAYITYAPANKUL TEXT,
  KAYITTARIHI TEXT, BELGE_TIPI TEXT, BELGE_NO TEXT, BELGE_ACIKLAMA TEXT, ODEME_SEKLI TEXT);
CREATE INDEX IF NOT EXISTS TBLMUHFIS_IND_FIS ON TBLMUHFIS (FISNO, SIRA);
`;

/** One Netsis company database: chart, users and journal, text stored the legacy way (Ý Þ Ð). */
export function writeNetsisLedger(file: string, world: DemoWorld, opts: JournalOptions, journal?: Iterable<DemoJournalEntry>): LedgerWriteResult {
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const d = (t: string | undefined): string | null => (t === undefined ? null : damageToCp1252(t));
  let entries = 0;
  let lines = 0;
  try {
    db.exec(NETSIS_LEDGER_DDL);
    const chart: ChartAccount[] = demoChart(world);
    db.transaction(() => {
      const insUser = db.prepare('INSERT OR IGNORE INTO TBLKULLANP (KULLANICI_ADI, ISIM_SOYAD) VALUES (?, ?)');
      for (const u of DEMO_USERS) insUser.run(u.code, d(u.name));
      const insAcc = db.prepare(`INSERT OR IGNORE INTO TBLMUPLAN (HESAP_KODU, HS_ADI, AGM) VALUES (?, ?, ?)`);
      // Netsis writes account levels with dashes: 120-01-001.
      for (const a of chart) insAcc.run(a.code.replaceAll('.', '-'), d(a.name), a.code.includes('.') ? 'M' : 'A');
    })();
    const insMas = db.prepare('INSERT INTO TBLMUHMAS (FISNO, TARIH, RESM_YEVMNO, AY_KODU, KAYITYAPANKUL) VALUES (?, ?, ?, ?, ?)');
    const insFis = db.prepare(`INSERT INTO TBLMUHFIS (AY_KODU, FISNO, SIRA, HES_KOD, BA, TUTAR, TARIH, ACIKLAMA, EVRAKTARIHI, KAYITYAPANKUL, BELGE_TIPI,
      BELGE_NO, BELGE_ACIKLAMA, ODEME_SEKLI) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const write = db.transaction((batch: DemoJournalEntry[]) => {
      for (const e of batch) {
        const month = Number(e.date.slice(5, 7));
        const user = DEMO_USERS[e.user]!.code;
        insMas.run(e.voucherNo, e.date, e.journalNo, month, user);
        e.lines.forEach((l, i) => {
          insFis.run(month, e.voucherNo, i + 1, l.account.replaceAll('.', '-'), l.debitCredit === 'C' ? 2 : 1, Number(formatKurus(l.amountKurus)), e.date,
            d(l.comment), l.document?.date ?? null, user, l.document ? netsisDocType(l.document.type) : null, l.document?.number ?? null,
            d(l.document?.typeDescription), d(l.paymentMethod));
        });
        entries++;
        lines += e.lines.length;
      }
    });
    let batch: DemoJournalEntry[] = [];
    for (const e of journal ?? demoJournal(world, opts)) {
      batch.push(e);
      if (batch.length >= 5000) {
        write(batch);
        batch = [];
      }
    }
    write(batch);
  } finally {
    db.close();
  }
  return { entries, lines };
}

/** e-Defter settings of a demo company (Firma / Sözleşme Ayarları as a user would fill them in). */
export function demoEdefterSettings(world: DemoWorld, companyIndex: 0 | 1, year: number): EdefterSettings {
  const c = world.companies[companyIndex]!;
  const [street, building] = c.street.split(' No: ') as [string, string | undefined];
  return {
    firm: {
      taxId: c.vkn,
      title: c.name,
      phone: c.phone,
      email: c.email,
      webSite: `www.${c.email.split('@')[1]}`,
      address: { buildingNumber: building ?? '1', street, street2: c.district, city: c.city, postalCode: c.postalCode, country: 'Türkiye' },
      nace: companyIndex === 0 ? '13.20.01' : '46.31.01',
      fiscalYearStart: `${year}-01-01`,
      fiscalYearEnd: `${year}-12-31`,
      firstTransitionDate: `${year}-01-01`,
      foundationDate: '2009-03-16',
      ledger: { partSizeMb: 200 },
    },
    contracts: [
      { kind: 'SMMM', title: 'SMMM', name: 'Zeynep Kaya', date: `${year - 3}-01-02`, number: 'S-2023/014', type: 'Defter tutma', description: 'SMMM sözleşmesi', fullCertification: false },
    ],
    branches: [],
  };
}
