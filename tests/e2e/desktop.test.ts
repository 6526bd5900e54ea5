import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { openLocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { login, startApp, type AppHarness } from './harness';
import fs from 'node:fs';
import path from 'node:path';

const thisYear = new Date().getFullYear();

describe('the desktop app in browser mode (demo databases + sandbox, Debian chromium)', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const profiles = async () => {
    const db = await openLocalStore(path.join(app.home, 'konnektor.sqlite'));
    try {
      return { profiles: await listProfiles(db), audit: await listAudit(db, 500) };
    } finally {
      await db.destroy();
    }
  };

  const alert = () => app.page.getByRole('alert');

  it('opens on the login screen with the demo login offered', async () => {
    const { page } = app;
    await expect.poll(() => page.locator('.demo-hint').textContent()).toContain('demo');
    expect(await page.locator('.demo-hint').textContent()).toContain('demo123');
    for (const m of ['e-Fatura', 'e-Arşiv', 'e-İrsaliye', 'e-Defter', 'e-SMM', 'e-MM']) {
      expect(await page.getByRole('radio', { name: m, exact: true }).count()).toBe(1);
    }
    expect(await page.locator('input[name="database"]').inputValue()).toBe('LOGODB');
    await app.screenshot('01-login');
  });

  it('refuses empty fields, a wrong password and customer credentials as staff, each with its own message, saving nothing', async () => {
    const { page } = app;
    await login(page, { user: '', password: '', firm: '2', period: '2' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('AUTH_USER_REQUIRED');
    expect(await alert().textContent()).toContain('kullanıcı adını girin');

    await login(page, { user: 'demo', password: 'yanlis', firm: '2', period: '2' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('INTEGRATOR_AUTH_FAILED');
    expect(await alert().textContent()).toContain('kullanıcı adı veya şifresi hatalı');
    await app.screenshot('02-login-wrong-password');

    await login(page, { user: 'demo', password: 'demo123', staff: true, firm: '2', period: '2' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('AUTH_NOT_STAFF');
    expect(await alert().textContent()).toContain('eFinans personeli değil');

    const { profiles: saved } = await profiles();
    expect(saved).toEqual([]);
  });

  it('explains a wrong firm code, letters in a code and a database of another program', async () => {
    const { page } = app;
    await login(page, { user: 'demo', password: 'demo123', firm: '9', period: '2' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('ERP_FIRM_NOT_FOUND');
    expect(await alert().textContent()).toContain('“009”');
    expect(await page.locator('input[name="firm"]').inputValue()).toBe('009');

    await login(page, { user: 'demo', password: 'demo123', firm: '2a', period: '2' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('ERP_FIRM_CODE_INVALID');
    expect(await alert().textContent()).toContain('Firma kodu');

    await login(page, { user: 'demo', password: 'demo123', firm: '2', period: '2', database: 'ANADOLUGIDA2026' });
    await expect.poll(() => alert().getAttribute('data-code')).toBe('ERP_DATABASE_OTHER_PROGRAM');
    expect(await alert().textContent()).toContain('Netsis');
    await page.locator('input[name="database"]').fill('LOGODB');
    expect((await profiles()).profiles).toEqual([]);
  });

  it('logs in to e-Fatura with the demo login, picks firm 002 of this year with "Firma/Dönem Ara" and sends three invoices to delivery', async () => {
    const { page } = app;
    await page.locator('input[name="firm"]').fill('');
    await page.locator('input[name="period"]').fill('');
    await page.getByRole('button', { name: 'Örnek girişi kullan' }).click();
    await page.getByRole('button', { name: 'Firma/Dönem Ara' }).click();
    const dialog = page.getByRole('dialog', { name: 'Firma/Dönem Ara' });
    const row = dialog.locator('tbody tr').filter({ hasText: `01.01.${thisYear}` }).filter({ has: page.locator('td:nth-child(2)', { hasText: /^002$/ }) });
    await expect.poll(() => row.count()).toBe(1);
    await app.screenshot('03-firm-period-search');
    await row.locator('input[type="checkbox"]').check();
    await dialog.getByRole('button', { name: 'Seç' }).click();
    expect(await dialog.getByTestId('picker-chosen').textContent()).toContain('002 / 02');
    await dialog.getByRole('button', { name: 'Tamam' }).click();
    expect(await page.locator('input[name="firm"]').inputValue()).toBe('002');
    expect(await page.locator('input[name="period"]').inputValue()).toBe('02');
    await page.getByRole('button', { name: 'Giriş', exact: true }).click();

    await expect.poll(() => page.getByTestId('bar-firm').textContent(), { timeout: 20_000 }).toContain('002');
    expect(await page.getByTestId('bar-period').textContent()).toContain('02');
    expect(await page.getByTestId('bar-database').textContent()).toContain('LOGODB');
    await expect.poll(() => page.getByTestId('kontor').textContent()).toMatch(/\d+/);
    const rows = page.locator('.doc-scroll [role="row"]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(3);
    await app.screenshot('04-documents');

    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = rows.nth(i);
      keys.push((await r.getAttribute('data-key'))!);
      await r.locator('input[type="checkbox"]').check();
    }
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => page.getByTestId('send-progress').getAttribute('data-state'), { timeout: 90_000, interval: 500 }).toBe('done');
    await app.screenshot('05-sent');
    for (const key of keys) {
      await expect.poll(() => page.locator(`.doc-scroll [data-key="${key}"]`).getAttribute('data-state'), { timeout: 20_000 }).toMatch(/^(delivered|accepted)$/);
    }
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');

    // History, preview and the XML of a delivered document.
    await page.locator(`.doc-scroll [data-key="${keys[0]}"] [role="cell"]`).nth(1).click();
    await page.getByRole('button', { name: 'Geçmiş' }).click();
    await expect.poll(() => page.locator('.history li').count()).toBeGreaterThan(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'XML İndir' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xml$/);
    await page.getByRole('button', { name: 'Önizle' }).click();
    await expect.poll(() => page.frameLocator('iframe.preview').locator('body').textContent(), { timeout: 20_000 }).toContain(String(thisYear));
    await app.screenshot('06-preview');
    await page.getByRole('button', { name: 'Kapat' }).click();

    const { profiles: saved } = await profiles();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ module: 'efatura', target: { firm: '002', period: '02', database: 'LOGODB' }, integrator: { user: 'demo' } });
    expect(JSON.stringify(saved)).not.toContain('demo123');
  });

  it('shows a failed send with its message and sends it again with "Yeniden Gönder"', async () => {
    const { page } = app;
    const admin = app.runtime.sandbox!.admin;
    admin.setFaults({ rules: [{ kind: 'soapFault', message: 'Belge işlenemedi (injected)', operation: 'belgeGonderExt', count: 1 }] });
    const unsent = page.locator('.doc-scroll [role="row"][data-state="unsent"]').first();
    const key = (await unsent.getAttribute('data-key'))!;
    await unsent.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Gönder/ }).click();
    const row = page.locator(`.doc-scroll [data-key="${key}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000, interval: 500 }).toBe('failed');
    // The fault in Turkish words on the row; the integrator's own text stays behind "Ayrıntı".
    expect(await row.textContent()).toContain('Entegratör (eFinans) isteği reddetti');
    await row.locator('[role="cell"]').nth(1).click();
    await page.getByTestId('doc-detail').getByRole('button', { name: 'Ayrıntı' }).click();
    expect(await page.getByTestId('raw-detail').textContent()).toContain('Belge işlenemedi');
    admin.clearFaults();
    await row.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Yeniden Gönder/ }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000, interval: 500 }).toMatch(/^(delivered|accepted)$/);
  });

  it('tests and updates the connection settings', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Bağlantı Ayarları' }).click();
    await expect.poll(() => page.locator('input[name="database"]').inputValue()).toBe('LOGODB');
    await page.getByRole('button', { name: 'Bağlantınızı Test Edin' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Bağlantı başarılı' }).count()).toBe(1);
    await app.screenshot('07-settings');
    // The integrator address is eFinans staff's to change: a customer does not see it.
    expect(await page.locator('input[name="integrator"]').count()).toBe(0);
    await page.locator('input[name="firm"]').fill('2b');
    await page.getByRole('button', { name: 'GÜNCELLE' }).click();
    await expect.poll(() => alert().getAttribute('data-code')).toBe('ERP_FIRM_CODE_INVALID');
    expect((await profiles()).profiles[0]!.target.firm).toBe('002');
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Giriş', exact: true }).count()).toBe(1);
  });

  it('marks a staff login, shows its diagnostics and records its actions with the staff identity', async () => {
    const { page } = app;
    await login(page, { user: 'efinans.destek', password: 'destek123', staff: true, firm: '2', period: '2' });
    await expect.poll(() => page.getByTestId('staff-banner').textContent(), { timeout: 20_000 }).toContain('efinans.destek');
    await page.getByRole('button', { name: 'Bağlantı Ayarları' }).click();
    await expect.poll(() => page.locator('input[name="database"]').inputValue()).toBe('LOGODB');
    await page.getByRole('button', { name: 'Günlükler' }).click();
    await expect.poll(() => page.getByTestId('audit-table').locator('tbody tr[data-actor="efinans.destek"]').count()).toBeGreaterThan(0);
    await app.screenshot('08-staff-logs');
    const { audit } = await profiles();
    const staffActions = audit.filter((a) => a.actor === 'efinans.destek' && a.staff).map((a) => a.action);
    expect(staffActions).toEqual(expect.arrayContaining(['session.login', 'settings.open', 'diagnostics.audit']));
    // The failed attempt with customer credentials was recorded too, under the name that was typed.
    expect(audit.some((a) => a.actor === 'demo' && a.staff && a.outcome === 'failed')).toBe(true);
    await page.getByRole('button', { name: 'Çıkış' }).click();
  });

  it('writes its log files in the user data folder without any password', () => {
    const logs = path.join(app.home, 'logs');
    const text = fs.readdirSync(logs).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n');
    expect(text).toContain('session.login');
    for (const secret of ['demo123', 'destek123', 'yanlis']) expect(text).not.toContain(secret);
  });
});
