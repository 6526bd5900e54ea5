import type { SandboxDb } from './store';

/** Kontör (credits) per taxpayer and kind: FATURA for e-Fatura, ARSIV for e-Arşiv, IRSALIYE for e-İrsaliye (integrator-api.md §13). */
export type KontorTipi = 'FATURA' | 'ARSIV' | 'IRSALIYE';

export interface KontorBalance {
  vkn: string;
  kontorTipi: string;
  kalan: number;
  toplamAlinan: number;
  limitAsimMiktari: number;
}

export function setKontor(db: SandboxDb, vkn: string, kontorTipi: string, kalan: number, toplamAlinan = kalan): void {
  db.prepare(
    `INSERT INTO kontor (vkn, kontor_tipi, kalan, toplam_alinan) VALUES (?, ?, ?, ?)
     ON CONFLICT(vkn, kontor_tipi) DO UPDATE SET kalan = excluded.kalan, toplam_alinan = excluded.toplam_alinan`,
  ).run(vkn, kontorTipi, kalan, toplamAlinan);
}

export function getKontor(db: SandboxDb, vkn: string, kontorTipi: string): KontorBalance {
  const row = db.prepare('SELECT kalan, toplam_alinan, limit_asimi FROM kontor WHERE vkn = ? AND kontor_tipi = ?').get(vkn, kontorTipi) as
    | { kalan: number; toplam_alinan: number; limit_asimi: number }
    | undefined;
  return { vkn, kontorTipi, kalan: row?.kalan ?? 0, toplamAlinan: row?.toplam_alinan ?? 0, limitAsimMiktari: row?.limit_asimi ?? 0 };
}

export function listKontor(db: SandboxDb): KontorBalance[] {
  return (
    db.prepare('SELECT vkn, kontor_tipi, kalan, toplam_alinan, limit_asimi FROM kontor ORDER BY vkn, kontor_tipi').all() as {
      vkn: string;
      kontor_tipi: string;
      kalan: number;
      toplam_alinan: number;
      limit_asimi: number;
    }[]
  ).map((r) => ({ vkn: r.vkn, kontorTipi: r.kontor_tipi, kalan: r.kalan, toplamAlinan: r.toplam_alinan, limitAsimMiktari: r.limit_asimi }));
}

/** Whether one more document may be charged (the balance plus the allowed overdraft is positive). */
export function hasKontor(db: SandboxDb, vkn: string, kontorTipi: KontorTipi): boolean {
  const k = getKontor(db, vkn, kontorTipi);
  return k.kalan + k.limitAsimMiktari > 0;
}

export function chargeKontor(db: SandboxDb, vkn: string, kontorTipi: KontorTipi): void {
  db.prepare('UPDATE kontor SET kalan = kalan - 1 WHERE vkn = ? AND kontor_tipi = ?').run(vkn, kontorTipi);
}
