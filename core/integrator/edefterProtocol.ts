/**
 * QNB eFinans's e-Defter web service `DefterOlusturWebServices` (namespace http://webservice.edefter.uut.cs.com.tr/),
 * shared by Konnektör's client and the sandbox so both speak one protocol.
 *
 * Documented [C] (QNB's code library; integrator-api.md §16, efinans-despatch-receipts-ledger.md §5):
 * - `eDefterCsvFileYukle(arg0{donem, subeKodu, vknTckn, parametreList{entry{key=dosyaIsmi|dosya, value}}})` →
 *   `return{sonucKodu 907, sonucAciklama}`;
 * - `eDefterCsvDurumSorgula(arg0{donem, vknTckn, yuklenenDefterTuru=csv})` → `return{sonucKodu 911}` +
 *   `arg1{durumKodu, durumAciklama, hataDosya (base64)}` — 402 = checks passed, the ledger can be created;
 * - `eDefterCsvDosyaIsle(arg0{donem, subeKodu, vknTckn, yuklenenDefterTuru})` → `return{sonucKodu 909}` (queued).
 *
 * ============================ INFERRED — QNB publishes no operation for this part ============================
 * After `…DosyaIsle`, QNB builds the ledger and the mali mühür is applied in its portal; no public operation hands
 * the built ledger to a client for sealing, takes the sealed files back, or returns GİB's approved berat
 * (efinans-despatch-receipts-ledger.md §5, §7 q.9). Konnektör's sandbox defines the exchange below, in this one
 * place, shaped like the documented operations (same arg0 fields, `return{sonucKodu, sonucAciklama}`,
 * `parametreList` entries for files). Replace it here when QNB confirms its own:
 * - `eDefterImzalanacakDefterleriGetir(arg0{donem, subeKodu, vknTckn})` → `return{sonucKodu 913, parametreList}`:
 *   per part the unsigned Y and K files (key = GİB file name, value = base64) and `<name>.json` manifests
 *   (period, entry count, berat VAT totals) — Konnektör seals the defters and builds and seals their berats;
 * - `eDefterImzaliDefterleriYukle(arg0{donem, subeKodu, vknTckn, parametreList})` → `return{sonucKodu 915}`:
 *   the sealed Y, K, YB, KB of every part; QNB checks them and submits the berats to GİB;
 * - `durumKodu` after that: 410 being built, 412 ready for sealing, 414 submitted to GİB, 416 GİB approved
 *   (`eDefterGibOnayliBeratlariGetir` → `return{sonucKodu 917, parametreList}` with the approved berats),
 *   418 GİB rejected (`durumAciklama` = GİB's reason).
 * ============================================================================================================
 */

export const EDEFTER_NAMESPACE = 'http://webservice.edefter.uut.cs.com.tr/';

/** The service path on QNB's e-Defter host (test host `edeftertest.efinans.com.tr` [R]; production [?]). */
export const EDEFTER_SERVICE_PATH = '/edefter/ws/DefterOlusturWebServices';

export const EDEFTER_OPERATIONS = {
  upload: 'eDefterCsvFileYukle',
  status: 'eDefterCsvDurumSorgula',
  process: 'eDefterCsvDosyaIsle',
  /** [I] */
  fetchForSealing: 'eDefterImzalanacakDefterleriGetir',
  /** [I] */
  uploadSealed: 'eDefterImzaliDefterleriYukle',
  /** [I] */
  fetchApproved: 'eDefterGibOnayliBeratlariGetir',
} as const;

/** `sonucKodu` values: 907/909/911 [C]; 913/915/917 [I]. */
export const EDEFTER_RESULT = {
  uploaded: '907',
  queued: '909',
  statusReturned: '911',
  filesForSealing: '913',
  sealedAccepted: '915',
  approvedReturned: '917',
} as const;

/** `durumKodu` values: 402 [C]; the others [I]. */
export const EDEFTER_STATUS = {
  checksPassed: '402',
  checksFailed: '403',
  building: '410',
  readyForSealing: '412',
  submittedToGib: '414',
  gibApproved: '416',
  gibRejected: '418',
} as const;

/** The manifest of a part handed out for sealing [I]. */
export interface SealingManifest {
  part: number;
  periodStart: string;
  periodEnd: string;
  entries: number;
  y: { name: string; uniqueID: string };
  k: { name: string; uniqueID: string };
  vat: Record<'391' | '191' | '600' | '601' | '602', { D: number; C: number }>;
}
