import type { OptionalColumn, TableNeed } from '../shared/checks';

/**
 * ETA:SQL / V.8 layout (docs/domain/erp-connectors.md §ETA): the master database ETA_MASTERV8 lists every company
 * and year in SIRKET; each company-year is its own database ETA_<SIRKOD>_<YIL> with plain table names. No user input
 * becomes part of these names: the company database is chosen through the connection and checked against SIRKET.
 *
 * SABITLER (ETA's constants; topic 39 of module 14 holds the GİB portal password) is never read: no table list,
 * query or check of this connector names it.
 */
export const ETA_MASTER_DATABASE = 'ETA_MASTERV8';

export const ETA_MASTER_TABLES = { companies: 'SIRKET' } as const;

export const ETA_TABLES = {
  /** Invoice header [C]. */
  header: 'FATFIS',
  /** Invoice lines, FATHARREFNO = FATFISREFNO [C]. */
  lines: 'FATHAR',
  /** The site's own invoice types (FATFISTIPI → FATFTNO; FATFTKOD e.g. 'SATIŞ', 'ALIM İADE') [C]. */
  types: 'FATFISTIP',
  /** Customer cards [C] and their addresses (ADRKOD1 = CARKOD) [C]. */
  party: 'CARKART',
  address: 'ADRESLER',
  /** Identity numbers of persons: KIMKOD = CARKOD, KIMMERNISNO = TCKN [2S: two public ETA integrations]; optional table. */
  identity: 'KIMLIKLER',
} as const;

/** Columns of SIRKET every site has [2S: a live-checked ETA project, a C# database lister]. */
export const ETA_COLUMNS = {
  SIRKET: ['SIRKOD', 'SIRDONEM', 'SIRDBNAME'],
  FATFIS: [
    'FATFISREFNO', 'FATFISTIPI', 'FATFISTAR', 'FATFISEVRAKNO1', 'FATFISCARKOD', 'FATFISADRESNO', 'FATFISGCFLAG', 'FATFISKDVDAHILFLAG',
    'FATFISMALTOP', 'FATFISBRUTTOPLAM', 'FATFISKDVMATRAHI', 'FATFISKDVTUTARI', 'FATFISARATOPLAM', 'FATFISGENTOPLAM', 'FATFISTEVTUTAR',
    'FATFISDOVKOD', 'FATFISDOVKUR',
  ],
  FATHAR: [
    'FATHARREFNO', 'FATHARSIRANO', 'FATHARKODTIP', 'FATHARSTKKOD', 'FATHARSTKCINS', 'FATHARSTKBRM', 'FATHARMIKTAR', 'FATHARFIYAT', 'FATHARTUTAR',
    'FATHARNETTUTAR', 'FATHARISKYUZ1', 'FATHARISKYTUT1', 'FATHARKDVYUZ', 'FATHARKDVTUTAR', 'FATHARACIKLAMA',
  ],
  FATFISTIP: ['FATFTNO', 'FATFTKOD'],
  CARKART: ['CARKOD', 'CARUNVAN', 'CARUNVAN2', 'CARVERDAIRE', 'CARVERHESNO'],
  ADRESLER: ['ADRKOD1', 'ADRITEMNO', 'ADRADRES1', 'ADRADRES2', 'ADRADRES3', 'ADRIL', 'ADRILCE', 'ADRULKE', 'ADRPOSTAKOD', 'ADREMAIL1', 'ADRTEL1'],
  KIMLIKLER: ['KIMKOD', 'KIMITEMNO', 'KIMMERNISNO'],
} as const;

/**
 * Columns not every site or release has. SIRKET's identity columns beyond SIRVKNTCKN follow the names of the
 * columns documented beside them [I]: without them the invoice has no seller and the pre-check refuses it by name.
 */
export const SIRKET_IDENTITY_COLUMNS = ['SIRVKNTCKN', 'SIRUNVAN', 'SIRVERGIDAIRE', 'SIRADRES', 'SIRILCE', 'SIRIL', 'SIRPOSTAKOD', 'SIRTEL', 'SIREMAIL'] as const;

export const ETA_OPTIONAL = {
  SIRKET: [
    { column: 'SIRVKNTCKN', lost: 'şirketin VKN/TCKN’si okunamaz; yıl sonunda veri tabanının aynı şirkete ait olduğu doğrulanamaz.' },
    ...SIRKET_IDENTITY_COLUMNS.slice(1).map((column) => ({ column, lost: 'faturada satıcı (şirket) bilgisi eksik kalır.' })),
  ],
  FATHAR: [{ column: 'FATHARIPTALFLAG', lost: 'iptal edilmiş fatura satırları ayırt edilemez.' }],
  FATFIS: [{ column: 'FATFISSAAT', lost: 'faturanın saati okunamaz; gönderim saati kullanılır.' }],
} as const satisfies Record<string, readonly OptionalColumn[]>;

export const etaOptionalColumns = (table: keyof typeof ETA_OPTIONAL): string[] => ETA_OPTIONAL[table].map((o) => o.column);

export const companyListNeed: TableNeed = { table: ETA_MASTER_TABLES.companies, columns: ETA_COLUMNS.SIRKET, optional: ETA_OPTIONAL.SIRKET };

export function invoiceModuleNeeds(): TableNeed[] {
  const t = ETA_TABLES;
  return [
    { table: t.header, columns: ETA_COLUMNS.FATFIS, optional: ETA_OPTIONAL.FATFIS },
    { table: t.lines, columns: ETA_COLUMNS.FATHAR, optional: ETA_OPTIONAL.FATHAR },
    { table: t.types, columns: ETA_COLUMNS.FATFISTIP },
    { table: t.party, columns: ETA_COLUMNS.CARKART },
    { table: t.address, columns: ETA_COLUMNS.ADRESLER },
  ];
}

export const identityNeed: TableNeed = { table: ETA_TABLES.identity, columns: ETA_COLUMNS.KIMLIKLER };
