import { writeBerat } from '../documents/xbrl/berat';
import type { BuiltPart } from '../documents/xbrl/ledger';
import { assertSealCertificate, type CertificateInfo } from '../signing/certificate';
import { signCanonicalFile, type SignFn } from '../signing/xades';
import type { MonthKey } from './model';
import type { BranchSettings, EdefterSettings } from './settings';

/**
 * Sealing a built month with the mali mühür (Teknik Kılavuz §2.1–2.3): each Y part is signed, its berat YB is built
 * with the Y's SignatureValue and signed; the same for K and KB. Files are signed in place (temp file + rename).
 */
export interface SealedPart {
  part: number;
  y: { name: string; bytes: number; signatureValue: string };
  yb: { name: string; file: string; uuid: string };
  k: { name: string; bytes: number; signatureValue: string };
  kb: { name: string; file: string; uuid: string };
}

/** Konnektör's claimed role in the seal's SignedProperties [I]: GİB's sample leaves it open. */
export const CLAIMED_ROLE = 'Mali Mühür Sahibi';

export async function sealParts(
  parts: readonly BuiltPart[],
  o: {
    settings: EdefterSettings;
    month: MonthKey;
    certificate: CertificateInfo;
    sign: SignFn;
    now: Date;
    creationDate: string;
    version: string;
    outDir: string;
    branch?: BranchSettings;
  },
): Promise<SealedPart[]> {
  assertSealCertificate(o.certificate, o.now);
  const out: SealedPart[] = [];
  const seal = (file: string) => signCanonicalFile(file, { certificate: o.certificate, sign: o.sign, signingTime: o.now, claimedRole: CLAIMED_ROLE });
  for (const part of parts) {
    const y = await seal(part.y.file);
    const yb = writeBerat({ ...common(o), kind: 'journal', part, defterBytes: y.bytes, signatureValue: y.signatureValue, signatureValueId: y.signatureValueId });
    await seal(yb.file);
    const k = await seal(part.k.file);
    const kb = writeBerat({ ...common(o), kind: 'ledger', part, defterBytes: k.bytes, signatureValue: k.signatureValue, signatureValueId: k.signatureValueId });
    await seal(kb.file);
    out.push({
      part: part.part,
      y: { name: part.y.name, bytes: y.bytes, signatureValue: y.signatureValue },
      yb: { name: yb.name, file: yb.file, uuid: yb.uuid },
      k: { name: part.k.name, bytes: k.bytes, signatureValue: k.signatureValue },
      kb: { name: kb.name, file: kb.file, uuid: kb.uuid },
    });
  }
  return out;
}

function common(o: { settings: EdefterSettings; month: MonthKey; creationDate: string; version: string; outDir: string; branch?: BranchSettings }) {
  return { settings: o.settings, month: o.month, creationDate: o.creationDate, version: o.version, outDir: o.outDir, ...(o.branch ? { branch: o.branch } : {}) };
}
