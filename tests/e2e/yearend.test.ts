import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { openLocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { login, startApp, type AppHarness } from './harness';

/** The demo's "this year" is the real one (its invoices are never dated in the future); the app's clock moves on. */
const YEAR = new Date().getFullYear();
const NEXT = YEAR + 1;

/** What the accountant does in Logo at the turn of the year: open period 03 of firm 001 for the new year. */
function openLogoPeriod(demoDir: string): void {
  const db = new Database(path.join(demoDir, 'LOGODB.sqlite'));
  try {
    db.exec(`
      INSERT INTO L_CAPIPERIOD (FIRMNR, NR, BEGDATE, ENDDATE, ACTIVE) VALUES (1, 3, '${NEXT}-01-01', '${NEXT}-12-31', 1);
      UPDATE L_CAPIPERIOD SET ACTIVE = 0 WHERE FIRMNR = 1 AND NR = 2;
      CREATE TABLE LG_001_03_INVOICE AS SELECT * FROM LG_001_02_INVOICE WHERE 0;
      CREATE TABLE LG_001_03_STLINE AS SELECT * FROM LG_001_02_STLINE WHERE 0;
    `);
  } finally {
    db.close();
  }
}

async function stored(home: string) {
  const db = await openLocalStore(path.join(home, 'konnektor.sqlite'));
  try {
    return { profiles: await listProfiles(db), audit: await listAudit(db, 500) };
  } finally {
    await db.destroy();
  }
}

describe('year-end wizard on the first login of a new year (browser mode, Debian chromium)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-e2e-yearend-'));
  let app: AppHarness | undefined;
  const sentKeys: string[] = [];

  afterAll(async () => {
    await app?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it(`during ${YEAR}: works on period 02 and sends two invoices`, async () => {
    app = await startApp({ home, demoYear: YEAR });
    const { page } = app;
    await login(page, { user: 'demo', password: 'demo123', firm: '1', period: '2' });
    // Period 02 is this year's and nothing newer exists: no wizard, straight to the documents.
    await expect.poll(() => page.getByTestId('bar-period').textContent(), { timeout: 20_000 }).toContain('02');
    expect(await page.getByTestId('yearend-wizard').count()).toBe(0);
    const rows = page.locator('.doc-scroll [role="row"]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(2);
    for (let i = 0; i < 2; i++) {
      sentKeys.push((await rows.nth(i).getAttribute('data-key'))!);
      await rows.nth(i).locator('input[type="checkbox"]').check();
    }
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => page.getByTestId('send-progress').getAttribute('data-state'), { timeout: 90_000, interval: 500 }).toBe('done');
    for (const key of sentKeys) {
      await expect.poll(() => page.locator(`.doc-scroll [data-key="${key}"]`).getAttribute('data-state'), { timeout: 20_000 }).toMatch(/^(delivered|accepted)$/);
    }
    await page.getByRole('button', { name: 'Çıkış' }).click();
    // e-Arşiv of the same company is on the same period.
    await expect.poll(() => page.getByRole('button', { name: 'Giriş', exact: true }).count()).toBe(1);
    await login(page, { module: 'e-Arşiv', user: 'demo', password: 'demo123', firm: '1', period: '2' });
    await expect.poll(() => page.getByTestId('bar-period').textContent(), { timeout: 20_000 }).toContain('02');
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await app.close();
    app = undefined;
  });

  it(`on 4 January ${NEXT}: the wizard proposes period 03, refuses bad choices, tests, updates, and last year's documents stay listed`, async () => {
    openLogoPeriod(path.join(home, 'demo'));
    app = await startApp({ home, now: `${NEXT}-01-04T09:00:00+03:00` });
    const { page } = app;
    const wizard = page.getByTestId('yearend-wizard');

    // e-Arşiv first: the wizard opens for it; "Vazgeç" leaves its mapping as it was.
    await login(page, { module: 'e-Arşiv', user: 'demo', password: 'demo123', firm: '1', period: '2' });
    await expect.poll(() => page.getByTestId('yearend-step').getAttribute('data-module'), { timeout: 20_000 }).toBe('earsiv');
    await page.getByRole('button', { name: 'Vazgeç' }).click();
    await expect.poll(() => page.getByTestId('bar-period').textContent(), { timeout: 20_000 }).toContain('02');
    expect((await stored(home)).profiles.filter((p) => p.module === 'earsiv').map((p) => p.fiscalYear)).toEqual([YEAR]);
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Giriş', exact: true }).count()).toBe(1);

    await login(page, { user: 'demo', password: 'demo123', firm: '1', period: '2' });
    await expect.poll(() => wizard.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('yearend-current').textContent()).toContain('001 / 02');
    expect(await page.getByTestId('yearend-current').textContent()).toContain(String(YEAR));
    expect(await page.getByTestId('yearend-proposal').textContent()).toContain('001 / 03');
    // The proposal fills the fields.
    expect(await page.locator('input[name="firm"]').inputValue()).toBe('001');
    expect(await page.locator('input[name="period"]').inputValue()).toBe('03');
    await app.screenshot('yearend-01-proposal');

    const alert = () => page.getByRole('alert');
    const test = page.getByRole('button', { name: 'Bağlantınızı Test Edin' });
    const update = page.getByRole('button', { name: 'GÜNCELLE' });
    expect(await update.isDisabled()).toBe(true);

    // A period that does not exist.
    await page.locator('input[name="period"]').fill('4');
    await test.click();
    await expect.poll(() => alert().getAttribute('data-code')).toBe('YEAREND_PERIOD_NOT_FOUND');
    expect(await page.locator('input[name="period"]').inputValue()).toBe('04');
    expect(await update.isDisabled()).toBe(true);
    // Another company's firm.
    await page.locator('input[name="firm"]').fill('2');
    await page.locator('input[name="period"]').fill('2');
    await test.click();
    await expect.poll(() => alert().getAttribute('data-code')).toBe('YEAREND_DATABASE_OTHER_COMPANY');
    expect(await alert().textContent()).toContain('başka bir şirkete ait');
    await app.screenshot('yearend-02-other-company');

    // "Firma/Dönem Ara": pick the new period from the program's list.
    await page.getByRole('button', { name: 'Firma/Dönem Ara' }).click();
    const dialog = page.getByRole('dialog', { name: 'Firma/Dönem Ara' });
    await expect.poll(() => dialog.locator('tr[data-row="001 / 03"]').count()).toBe(1);
    expect(await dialog.locator('tr[data-row="001 / 03"]').textContent()).toContain(String(NEXT));
    // The guide's steps, as on the login screen: tick the year's row, Seç, Tamam.
    await dialog.getByRole('checkbox', { name: '001 / 03', exact: true }).check();
    await dialog.getByRole('button', { name: 'Seç' }).click();
    await dialog.getByRole('button', { name: 'Tamam' }).click();
    expect(await page.locator('input[name="firm"]').inputValue()).toBe('001');
    expect(await page.locator('input[name="period"]').inputValue()).toBe('03');

    await test.click();
    const plan = page.getByTestId('yearend-plan');
    await expect.poll(() => plan.count(), { timeout: 20_000 }).toBe(1);
    for (const check of ['reachable', 'login', 'database', 'tables', 'columns', 'read']) expect(await plan.locator(`[data-check="${check}"]`).count()).toBe(1);
    expect(await page.getByTestId('yearend-to').textContent()).toContain(`001 / 03 (${NEXT})`);
    // The demo's helper tables live in LOGODB once for all periods: nothing to install again.
    expect(await page.getByTestId('yearend-steps-none').count()).toBe(1);
    // Moving e-Fatura alone would leave e-Arşiv on last year: said, and offered.
    expect(await plan.locator('[data-code="YEAREND_MODULES_DIFFERENT_YEARS"]').textContent()).toContain(`e-Arşiv ${YEAR}`);
    await plan.getByRole('checkbox', { name: 'e-Arşiv' }).check();
    await app.screenshot('yearend-03-tested');

    await update.click();
    const done = page.getByTestId('yearend-done');
    await expect.poll(() => done.count(), { timeout: 20_000 }).toBe(1);
    expect(await done.locator('li[data-module="efatura"]').getAttribute('data-outcome')).toBe('applied');
    expect(await done.locator('li[data-module="earsiv"]').getAttribute('data-outcome')).toBe('applied');
    expect(await done.locator('[data-code="YEAREND_MODULES_DIFFERENT_YEARS"]').count()).toBe(0);
    // Last year's documents, sent before the turn of the year, are still listed with their status.
    const lastYear = page.getByTestId('yearend-last-year');
    for (const key of sentKeys) {
      await expect.poll(() => lastYear.locator(`tr[data-key="${key}"]`).count(), { timeout: 20_000 }).toBe(1);
      expect(await lastYear.locator(`tr[data-key="${key}"]`).textContent()).toMatch(new RegExp(`KNF${YEAR}\\d{9}.*(Teslim edildi|Kabul edildi)`));
      expect(await lastYear.locator(`tr[data-key="${key}"]`).getAttribute('data-state')).toMatch(/^(delivered|accepted)$/);
    }
    await app.screenshot('yearend-04-done');

    await done.getByRole('button', { name: 'Devam' }).click();
    await expect.poll(() => page.getByTestId('bar-period').textContent(), { timeout: 20_000 }).toContain('03');

    const { profiles, audit } = await stored(home);
    for (const module of ['efatura', 'earsiv']) {
      expect(profiles.filter((p) => p.module === module).map((p) => [p.fiscalYear, p.target.period])).toEqual([[NEXT, '03'], [YEAR, '02']]);
    }
    // Testing a wrong choice changes nothing and is no mapping change; the cancel and the one GÜNCELLE are audited.
    expect(audit.filter((a) => a.action === 'yearend.cancel').map((a) => [a.module, a.outcome])).toEqual([['earsiv', 'cancelled']]);
    const applied = audit.filter((a) => a.action === 'yearend.apply');
    expect(applied.map((a) => [a.module, a.outcome])).toEqual([['earsiv', 'ok'], ['efatura', 'ok']]);
    expect(applied[1]).toMatchObject({ actor: 'demo', module: 'efatura', before: { target: { period: '02' } }, after: { target: { period: '03' }, test: { ok: true } } });
  });

  it('"İsteğe bağlı veri tabanı geçişi" in Bağlantı Ayarları runs the same steps during the year', async () => {
    const { page } = app!;
    await page.getByRole('button', { name: 'Bağlantı Ayarları' }).click();
    await page.getByRole('button', { name: 'İsteğe bağlı veri tabanı geçişi' }).click();
    const step = page.getByTestId('yearend-step');
    await expect.poll(() => step.count(), { timeout: 20_000 }).toBe(1);
    expect(await step.locator('h2').textContent()).toContain('İsteğe bağlı veri tabanı geçişi');
    expect(await page.getByTestId('yearend-proposal').count()).toBe(0);
    expect(await step.locator('input[name="period"]').inputValue()).toBe('03');
    await step.getByRole('button', { name: 'Bağlantınızı Test Edin' }).click();
    await expect.poll(() => page.getByTestId('yearend-plan').count(), { timeout: 20_000 }).toBe(1);
    await step.getByRole('button', { name: 'GÜNCELLE' }).click();
    await expect.poll(() => page.getByTestId('yearend-done').count(), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Devam' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'İsteğe bağlı veri tabanı geçişi' }).count()).toBe(1);
    const { audit } = await stored(home);
    expect(audit.find((a) => a.action === 'yearend.change')).toMatchObject({ module: 'efatura', outcome: 'ok', after: { fiscalYear: NEXT, target: { period: '03' } } });
  });
});
