import { z } from 'zod';

/**
 * The company's e-Defter settings, as QNB eFinans's product guide names them ("e-Defter Genel Tanımlamalar"):
 * Firma Ayarları (hesap dönemi, e-Defter'e ilk geçiş tarihi, firma kuruluş tarihi, defter oluşturma ayarları, address
 * and contact data, işletme faaliyet konusu = NACE), Sözleşme Ayarları (SM / SMMM / YMM, or "-" when the books are
 * kept in-house) and Şube Ayarları. They fill the `entityInformation` GİB's schematron demands
 * (erp-despatch-ledger-edefter.md §5.3).
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-AA-GG');

export const firmSettingsSchema = z.object({
  /** VKN (10) or TCKN (11). */
  taxId: z.string().regex(/^\d{10,11}$/),
  /** Kurum Unvanı (VKN) or Adı Soyadı (TCKN). */
  title: z.string().trim().min(2),
  phone: z.string().trim().min(1),
  fax: z.string().trim().optional(),
  email: z.string().trim().email(),
  webSite: z.string().trim().min(1),
  address: z.object({
    buildingNumber: z.string().trim().min(1),
    street: z.string().trim().min(1),
    street2: z.string().trim().optional(),
    city: z.string().trim().min(1),
    postalCode: z.string().trim().min(1),
    country: z.string().trim().min(1).default('Türkiye'),
  }),
  /** İşletme Faaliyet Konusu: the NACE code (`gl-bus:businessDescription`). */
  nace: z.string().trim().min(1),
  /** Hesap dönemi. */
  fiscalYearStart: date,
  fiscalYearEnd: date,
  /** e-Defter uygulamasına ilk geçiş tarihi: numbering restarts at 1 there. */
  firstTransitionDate: date,
  /** Firma kuruluş tarihi. */
  foundationDate: date,
  /** Defter oluşturma ayarları. */
  ledger: z
    .object({
      /** Parts are split above this size (GİB's limit: 200 MB). */
      partSizeMb: z.number().min(1).max(200).default(200),
      /** `gl-bus:creator`: who builds the ledger. */
      creator: z.string().trim().min(2).optional(),
      /**
       * `gl-bus:sourceApplication` = `VKN##Firma Unvanı##Program Adı##Sürüm`, exactly as in the GİB approval of the
       * software (§5.3). Blank: the taxpayer's own entry `taxId##title##Konnektör##<version>` [I].
       */
      sourceApplication: z.string().trim().optional(),
    })
    .default({ partSizeMb: 200 }),
});
export type FirmSettings = z.infer<typeof firmSettingsSchema>;

export const CONTRACT_KINDS = ['SM', 'SMMM', 'YMM', '-'] as const;

export const contractSchema = z.object({
  /** SM, SMMM, YMM — or "-" when the books are kept in-house (then the accounting head's title and name). */
  kind: z.enum(CONTRACT_KINDS),
  title: z.string().trim().min(1),
  name: z.string().trim().min(2),
  /** Sözleşme tarihi, numarası, çeşidi, açıklaması ("-" when in-house). */
  date: z.union([date, z.literal('-')]),
  number: z.string().trim().min(1),
  type: z.string().trim().min(1),
  description: z.string().trim().min(1),
  /** YMM tam tasdik sözleşmesi. */
  fullCertification: z.boolean().default(false),
});
export type ContractSettings = z.infer<typeof contractSchema>;

export const branchSchema = z.object({
  /** Şube kodu: four digits, never 0000 (GİB file names; §5.2). */
  code: z.string().regex(/^(?!0000)\d{4}$/),
  name: z.string().trim().min(2),
});
export type BranchSettings = z.infer<typeof branchSchema>;

export const edefterSettingsSchema = z
  .object({
    firm: firmSettingsSchema,
    contracts: z.array(contractSchema).min(1),
    branches: z.array(branchSchema).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.firm.fiscalYearEnd <= s.firm.fiscalYearStart) {
      ctx.addIssue({ code: 'custom', path: ['firm', 'fiscalYearEnd'], message: 'Hesap dönemi sonu başlangıcından sonra olmalıdır.' });
    }
    const codes = new Set<string>();
    for (const [i, b] of s.branches.entries()) {
      if (codes.has(b.code)) ctx.addIssue({ code: 'custom', path: ['branches', i, 'code'], message: 'Şube kodu tekrar ediyor.' });
      codes.add(b.code);
    }
    const inHouse = s.contracts.filter((c) => c.kind === '-');
    if (inHouse.length > 0 && s.contracts.some((c) => c.kind === 'SM' || c.kind === 'SMMM')) {
      ctx.addIssue({ code: 'custom', path: ['contracts'], message: 'Defterler işletme bünyesinde tutuluyorsa SM/SMMM sözleşmesi girilmez.' });
    }
  });
export type EdefterSettings = z.infer<typeof edefterSettingsSchema>;

/** `gl-bus:accountantEngagementTypeDescription`, as GİB's example writes it: "SMMM sözleşmesi, 2015-01-01, M10120". */
export function engagementDescription(c: ContractSettings): string {
  if (c.kind === '-') return '-';
  return [c.description, c.date, c.number].join(', ');
}

export function accountantName(c: ContractSettings): string {
  return c.kind === '-' ? `${c.title} ${c.name}` : `${c.kind} ${c.title === c.kind ? '' : `${c.title} `}${c.name}`.replace(/\s+/g, ' ').trim();
}

export function sourceApplicationOf(firm: FirmSettings, version: string): string {
  return firm.ledger.sourceApplication || `${firm.taxId}##${firm.title}##Konnektör##${version}`;
}
