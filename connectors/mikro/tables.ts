import type { OptionalColumn, TableNeed } from '../shared/checks';

/**
 * Mikro (v16/v17) layout, from Mikro's own database-structure help (docs/domain/erp-connectors.md §Mikro):
 * a master database `MikroDB_V16` / `MikroDB_V17` lists the companies in VERI_TABANLARI, each company has its own
 * database `<master>_<DB_kod>` with plain table names, and every fiscal year lives inside that database
 * (FIRMA_MALIYIL_BILGILERI). No user input ever becomes part of these names: the company database is chosen through
 * the connection (checked against VERI_TABANLARI), the fiscal year is a binding.
 */
export const MIKRO_MASTER = /^MikroDB_V(\d{2})$/i;

/** The company database of DB_kod `kod` under master database `master`. */
export function companyDatabaseOf(master: string, kod: string): string {
  return `${master}_${kod.trim()}`;
}

export const MIKRO_MASTER_TABLES = { databases: 'VERI_TABANLARI' } as const;

export const MIKRO_TABLES = {
  /** Customer-ledger movements; the sales invoice header is the row with cha_evrak_tip 63 (table 51) [C]. */
  header: 'CARI_HESAP_HAREKETLERI',
  /** Stock movements = invoice lines, sth_fat_uid = cha_Guid [C]. */
  lines: 'STOK_HAREKETLERI',
  /** Line extension: the line's VAT exemption code sth_istisna [C]; optional table. */
  lineExt: 'STOK_HAREKETLERI_EK',
  party: 'CARI_HESAPLAR',
  address: 'CARI_HESAP_ADRESLERI',
  item: 'STOKLAR',
  /** The company's identity [C] and its branches' addresses [C]. */
  firm: 'FIRMALAR',
  branch: 'SUBELER',
  /** The fiscal years opened in this database [C]. */
  years: 'FIRMA_MALIYIL_BILGILERI',
  /** Mikro's own e-invoice module's record of a document; optional table (efi_gonderildi_fl in v17). */
  eInvoiceOps: 'E_FATURA_ISLEMLERI',
  /** Document notes egk_evracik1..10 [C]; optional table. */
  notes: 'EVRAK_ACIKLAMALARI',
  /** e-document extras of a movement: the returned invoice of a return (ebh_iade_fat_no1/tarihi1) [C]; optional. */
  ebelge: 'EBELGE_EVRAK_HAREKETLERI',
} as const;

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** Columns every supported release has (v16 and v17 help pages) and columns only v17 has (optional). */
export const MIKRO_COLUMNS = {
  VERI_TABANLARI: ['DB_kod', 'DB_isim', 'DB_iptal'],
  FIRMA_MALIYIL_BILGILERI: ['fmy_maliyil', 'fmy_iptal'],
  FIRMALAR: ['fir_sirano', 'fir_iptal', 'fir_unvan', 'fir_FVergiDaire', 'fir_FVergiNo', 'fir_TCkimlik'],
  SUBELER: ['Sube_no', 'Sube_iptal', 'sube_Cadde', 'sube_Mahalle', 'sube_Sokak', 'sube_Apt_No', 'sube_Posta_Kodu', 'sube_Ilce', 'sube_Il', 'sube_Ulke', 'sube_TelNo1'],
  CARI_HESAP_HAREKETLERI: [
    'cha_Guid', 'cha_iptal', 'cha_subeno', 'cha_evrak_tip', 'cha_evrakno_seri', 'cha_evrakno_sira', 'cha_satir_no', 'cha_tarihi', 'cha_tip',
    'cha_cinsi', 'cha_normal_Iade', 'cha_belge_no', 'cha_aciklama', 'cha_cari_cins', 'cha_kod', 'cha_d_cins', 'cha_d_kur',
    'cha_meblag', 'cha_aratoplam', ...range('cha_ft_iskonto', 1, 6), ...range('cha_ft_masraf', 1, 4), ...range('cha_vergi', 1, 10),
    'cha_tevkifat_toplam', 'cha_e_islem_turu', 'cha_uuid',
  ],
  STOK_HAREKETLERI: [
    'sth_Guid', 'sth_iptal', 'sth_fat_uid', 'sth_satirno', 'sth_stok_kod', 'sth_tip', 'sth_evraktip', 'sth_miktar', 'sth_birim_pntr',
    'sth_tutar', ...range('sth_iskonto', 1, 6), ...range('sth_sat_iskmas', 1, 6), ...range('sth_masraf', 1, 4), 'sth_vergi_pntr', 'sth_vergi',
    'sth_aciklama', 'sth_Tevkifat_turu',
  ],
  STOK_HAREKETLERI_EK: ['sthek_related_uid', 'sth_istisna'],
  CARI_HESAPLAR: [
    'cari_kod', 'cari_unvan1', 'cari_unvan2', 'cari_vdaire_adi', 'cari_vdaire_no', 'cari_VergiKimlikNo', 'cari_EMail', 'cari_CepTel',
    'cari_fatura_adres_no', 'cari_def_efatura_cinsi',
  ],
  CARI_HESAP_ADRESLERI: [
    'adr_cari_kod', 'adr_adres_no', 'adr_cadde', 'adr_mahalle', 'adr_sokak', 'adr_Apt_No', 'adr_posta_kodu', 'adr_ilce', 'adr_il', 'adr_ulke',
    'adr_tel_no1', 'adr_efatura_alias',
  ],
  STOKLAR: ['sto_kod', 'sto_isim', 'sto_birim1_ad', 'sto_birim2_ad', 'sto_birim3_ad', 'sto_birim4_ad'],
  E_FATURA_ISLEMLERI: ['efi_evrakno_seri', 'efi_evrakno_sira', 'efi_evrak_tipi'],
  EVRAK_ACIKLAMALARI: ['egk_dosyano', 'egk_evr_tip', 'egk_evr_seri', 'egk_evr_sira', ...range('egk_evracik', 1, 10)],
  EBELGE_EVRAK_HAREKETLERI: ['ebh_hareket_tipi', 'ebh_related_uid', 'ebh_iade_fat_no1', 'ebh_iade_fat_tarihi1'],
} as const;

export const MIKRO_OPTIONAL = {
  VERI_TABANLARI: [
    { column: 'DB_maliyil_baslangic_ayi', lost: 'mali yılın başlangıç ayı okunamaz; mali yıl Ocak’ta başlar kabul edilir.' },
    { column: 'DB_maliyil_baslangic_gunu', lost: 'mali yılın başlangıç günü okunamaz; ayın 1’i kabul edilir.' },
    { column: 'DB_maliyil_takvim_bitisyili', lost: 'yıl ortasında başlayan mali yılın adı okunamaz; başladığı takvim yılı kabul edilir.' },
  ],
  FIRMALAR: [{ column: 'fir_genel_email', lost: 'firmanın e-posta adresi faturaya yazılamaz.' }],
  CARI_HESAP_HAREKETLERI: [
    { column: 'cha_ebelge_turu', lost: 'faturanın e-belge türü (senaryo) okunamaz; cari karttaki varsayılan e-Fatura cinsi kullanılır.' },
    { column: 'cha_ebelgeno_seri', lost: 'GİB belge numarası faturanın e-belge seri alanına geri yazılamaz; yalnızca KNK_EBELGE’de tutulur.' },
    { column: 'cha_ebelgeno_sira', lost: 'GİB belge numarası faturanın e-belge sıra alanına geri yazılamaz; yalnızca KNK_EBELGE’de tutulur.' },
    ...range('cha_vergi', 11, 20).map((column) => ({ column, lost: `${column.slice(9)}. vergi göstergesinin başlık toplamı okunamaz.` })),
  ],
  E_FATURA_ISLEMLERI: [{ column: 'efi_gonderildi_fl', lost: 'Mikro’nun kendi e-Fatura modülüyle gönderilmiş faturalar ayırt edilemez.' }],
  CARI_HESAPLAR: [{ column: 'cari_kamu_kurumu_fl', lost: 'kamu kurumu carileri ayırt edilemez; KAMU senaryosu GİB listesinden belirlenir.' }],
} as const satisfies Record<string, readonly OptionalColumn[]>;

export const mikroOptionalColumns = (table: keyof typeof MIKRO_OPTIONAL): string[] => MIKRO_OPTIONAL[table].map((o) => o.column);

export const masterNeeds = (): TableNeed[] => [{ table: MIKRO_MASTER_TABLES.databases, columns: MIKRO_COLUMNS.VERI_TABANLARI, optional: MIKRO_OPTIONAL.VERI_TABANLARI }];

export const yearsNeed: TableNeed = { table: MIKRO_TABLES.years, columns: MIKRO_COLUMNS.FIRMA_MALIYIL_BILGILERI };

/** What a company database must hold for the e-Fatura / e-Arşiv modules. */
export function invoiceModuleNeeds(): TableNeed[] {
  const t = MIKRO_TABLES;
  return [
    yearsNeed,
    { table: t.firm, columns: MIKRO_COLUMNS.FIRMALAR, optional: MIKRO_OPTIONAL.FIRMALAR },
    { table: t.branch, columns: MIKRO_COLUMNS.SUBELER },
    { table: t.header, columns: MIKRO_COLUMNS.CARI_HESAP_HAREKETLERI, optional: MIKRO_OPTIONAL.CARI_HESAP_HAREKETLERI },
    { table: t.lines, columns: MIKRO_COLUMNS.STOK_HAREKETLERI },
    { table: t.party, columns: MIKRO_COLUMNS.CARI_HESAPLAR, optional: MIKRO_OPTIONAL.CARI_HESAPLAR },
    { table: t.address, columns: MIKRO_COLUMNS.CARI_HESAP_ADRESLERI },
    { table: t.item, columns: MIKRO_COLUMNS.STOKLAR },
  ];
}

/** Tables read when present; each, when present, must have its columns. */
export function optionalTableNeeds(): TableNeed[] {
  const t = MIKRO_TABLES;
  return [
    { table: t.lineExt, columns: MIKRO_COLUMNS.STOK_HAREKETLERI_EK },
    { table: t.eInvoiceOps, columns: MIKRO_COLUMNS.E_FATURA_ISLEMLERI, optional: MIKRO_OPTIONAL.E_FATURA_ISLEMLERI },
    { table: t.notes, columns: MIKRO_COLUMNS.EVRAK_ACIKLAMALARI },
    { table: t.ebelge, columns: MIKRO_COLUMNS.EBELGE_EVRAK_HAREKETLERI },
  ];
}

/** Write-back touches the header's ETTN and e-document number columns (and KNK_EBELGE). */
export function writeBackNeeds(): TableNeed[] {
  return [{ table: MIKRO_TABLES.header, columns: ['cha_Guid', 'cha_evrak_tip', 'cha_uuid', 'cha_e_islem_turu'], optional: MIKRO_OPTIONAL.CARI_HESAP_HAREKETLERI.slice(1, 3) }];
}
