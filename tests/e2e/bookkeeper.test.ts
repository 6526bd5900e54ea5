// The machine runs on another continent's clock and the browser speaks English: the screens must stay Turkish.
process.env.TZ = 'America/New_York';

import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { login, startApp, type AppHarness } from './harness';

const thisYear = new Date().getFullYear();
/** What a Turkish bookkeeper reads: 53.446,26 TL — never 53,446.26 or ₺. */
const TURKISH_AMOUNT = /^-?\d{1,3}(\.\d{3})*,\d{2} (TL|USD|EUR|GBP)$/;
const TURKISH_DATE = /^\d{2}\.\d{2}\.\d{4}$/;

/** Türkiye's wall clock for an instant, computed here independently of the screens' code. */
function istanbul(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Istanbul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

describe('a bookkeeper’s day in browser mode (English browser, New York clock)', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp({ locale: 'en-US', timezoneId: 'America/Los_Angeles', sandboxStepMs: 300 });
  });
  afterAll(async () => {
    await app?.close();
  });

  const alert = () => app.page.getByRole('alert');
  const rows = () => app.page.locator('.doc-scroll [role="row"]');
  const profiles = async () => {
    const db = await openLocalStore(path.join(app.home, 'konnektor.sqlite'));
    try {
      return await listProfiles(db);
    } finally {
      await db.destroy();
    }
  };
  const logoDb = () => new Database(path.join(app.home, 'demo', 'LOGODB.sqlite'));

  /** The guide's steps in the one picker: tick the year's row, Seç, Tamam. */
  async function pick(title: string, row: string) {
    const dialog = app.page.getByRole('dialog', { name: title });
    const box = dialog.getByRole('checkbox', { name: row, exact: true });
    await expect.poll(() => box.count(), { timeout: 20_000 }).toBe(1);
    await box.check();
    await dialog.getByRole('button', { name: 'Seç' }).click();
    expect(await dialog.getByTestId('picker-chosen').textContent()).toContain(row);
    await dialog.getByRole('button', { name: 'Tamam' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
  }

  it('7 · lets the first login leave firm and period empty and finishes the ERP side in Bağlantı Ayarları', async () => {
    const { page } = app;
    await expect.poll(() => page.locator('.demo-hint').count(), { timeout: 30_000 }).toBe(1);
    await login(page, { user: 'demo', password: 'demo123', firm: '', period: '' });
    await expect.poll(() => page.getByTestId('erp-pending').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('erp-pending').textContent()).toContain('Muhasebe programı bağlantısını tamamlayın');
    // No documents until the ERP side is set, and nothing saved yet.
    expect(await page.getByRole('button', { name: 'Belgeler', exact: true }).count()).toBe(0);
    expect(await profiles()).toEqual([]);
    // A customer does not get to change the integrator address.
    expect(await page.locator('input[name="integrator"]').count()).toBe(0);
    await app.screenshot('b01-first-login-settings');

    // 6 · the same picker as the login's, in Bağlantı Ayarları.
    await page.getByRole('button', { name: 'Firma/Dönem Ara' }).click();
    await app.screenshot('b02-settings-picker');
    await pick('Firma/Dönem Ara', '002 / 02');
    expect(await page.locator('input[name="firm"]').inputValue()).toBe('002');
    expect(await page.locator('input[name="period"]').inputValue()).toBe('02');
    await page.getByRole('button', { name: 'Bağlantınızı Test Edin' }).click();
    const checks = page.getByTestId('connection-checks');
    await expect.poll(() => checks.count(), { timeout: 20_000 }).toBe(1);
    // 5 · the checklist in Turkish words, not ids.
    const checkText = (await checks.textContent()) ?? '';
    expect(checkText).toContain('Sunucuya ulaşıldı');
    expect(checkText).toContain('Okuma yetkisi var');
    expect(checkText).not.toMatch(/\breachable\b|\bread\b/);
    await page.locator('input[name="kontorThreshold"]').fill('1000000');
    await page.getByRole('button', { name: 'GÜNCELLE' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Belgeler', exact: true }).count(), { timeout: 20_000 }).toBe(1);
    const saved = await profiles();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ target: { firm: '002', period: '02', database: 'LOGODB' }, integrator: { user: 'demo' } });

    // 5 · the status bar names the program and the company; 8 · kontör under the user's level warns.
    await expect.poll(() => page.getByTestId('bar-program').textContent()).toContain('Logo Tiger');
    expect(await page.getByTestId('bar-company').textContent()).toContain('Anadolu Gıda');
    await expect.poll(() => page.getByTestId('kontor-warning').count(), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Belgeler', exact: true }).click();
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await app.screenshot('b03-documents');
  }, 240_000);

  it('5 · writes amounts, dates and the date picker the Turkish way, and the list fills the window', async () => {
    const { page } = app;
    const first = rows().first();
    const cells = first.locator('[role="cell"]');
    expect(await cells.nth(3).textContent()).toMatch(TURKISH_DATE);
    expect(await cells.nth(6).textContent()).toMatch(TURKISH_AMOUNT);
    // The calendar starts on Monday with Turkish day and month names, in an English browser.
    await page.getByRole('button', { name: 'Başlangıç tarihi: Takvimi aç' }).click();
    const calendar = page.getByRole('dialog', { name: 'Başlangıç tarihi' });
    const calendarText = (await calendar.textContent()) ?? '';
    expect(calendarText).toMatch(/Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık/);
    expect(calendarText).not.toMatch(/January|February|March|April|May|June|July|August|September|October|November|December/);
    const heads = await calendar.locator('th').allTextContents();
    expect(heads[0]?.toLowerCase()).toMatch(/^pzt|^pt/);
    await app.screenshot('b04-date-picker');
    await calendar.getByRole('button').filter({ hasText: /^1$/ }).first().click();
    expect(await page.locator('input[name="from"]').inputValue()).toMatch(new RegExp(`^01\\.\\d{2}\\.${thisYear}$`));
    await page.locator('input[name="from"]').fill(`01.01.${thisYear}`);
    await page.locator('input[name="to"]').fill(`31.12.${thisYear}`);
    await page.getByRole('button', { name: 'Listele' }).click();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBeGreaterThan(3);
    // One word per state across filter and rows.
    const options = await page.locator('select[name="status"] option').allTextContents();
    expect(options).toEqual(['Tümü', 'Gönderilmedi', 'İşlemde', 'Teslim edildi', 'Kabul edildi', 'Reddedildi', 'Hatalı', 'Geçersiz']);
    expect(await first.locator('.state').textContent()).toBe('Gönderilmedi');
    // The table fills the window's height.
    const scroll = await page.getByTestId('doc-scroll').boundingBox();
    expect(scroll!.y + scroll!.height).toBeGreaterThan(900 - 140);
  }, 240_000);

  it('2 · tells how a send really went: sent, failed, "İşlemde" while it runs, one meaning of "Tutar"', async () => {
    const { page } = app;
    const admin = app.runtime.sandbox!.admin;
    const unsent = page.locator('.doc-scroll [role="row"][data-status="unsent"]');
    const keys: string[] = [];
    const amounts = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const r = unsent.nth(i);
      const key = (await r.getAttribute('data-key'))!;
      keys.push(key);
      amounts.set(key, (await r.locator('[role="cell"]').nth(6).textContent())!);
    }
    for (const key of keys) await page.locator(`.doc-scroll [data-key="${key}"] input[type="checkbox"]`).check();
    admin.setFaults({ rules: [{ kind: 'soapFault', message: 'Belge işlenemedi (injected)', operation: 'belgeGonderExt', count: 1 }] });
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => page.locator('.doc-scroll [role="row"][data-status="inProgress"] .state').first().textContent(), { timeout: 20_000 }).toBe('İşlemde');
    await app.screenshot('b05-sending');
    await expect.poll(() => page.getByTestId('send-progress').getAttribute('data-state'), { timeout: 120_000, interval: 500 }).toBe('done');
    admin.clearFaults();
    const summary = page.getByTestId('send-summary');
    const text = (await summary.textContent()) ?? '';
    expect(text).toContain('3 belgeden');
    expect(text).toContain('1 hatalı');
    expect(text).not.toContain('3/3');
    const went = Number(await summary.locator('[data-status="delivered"]').getAttribute('data-count').catch(() => '0')) + Number(await summary.locator('[data-status="accepted"]').getAttribute('data-count').catch(() => '0'));
    expect(went).toBe(2);
    await app.screenshot('b06-sent-summary');

    // "Tutar" is the same amount before and after sending; the detail shows both amounts.
    const delivered = keys.filter((k) => k !== undefined);
    for (const key of delivered) {
      const row = page.locator(`.doc-scroll [data-key="${key}"]`);
      expect(await row.locator('[role="cell"]').nth(6).textContent()).toBe(amounts.get(key));
    }
    await page.locator(`.doc-scroll [data-key="${keys[0]}"] [role="cell"]`).nth(1).click();
    expect(await page.getByTestId('detail-payable').textContent()).toBe(amounts.get(keys[0]!));
    expect(await page.getByTestId('detail-tax-inclusive').textContent()).toMatch(TURKISH_AMOUNT);

    // The failed count links to the failed documents; the fault is in Turkish, the raw text behind "Ayrıntı".
    await summary.getByRole('button', { name: '1 hatalı' }).click();
    await expect.poll(() => page.locator('select[name="status"]').inputValue()).toBe('failed');
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(1);
    const failed = rows().first();
    expect(await failed.locator('.state').textContent()).toBe('Hatalı');
    expect(await failed.textContent()).toContain('Entegratör (eFinans) isteği reddetti');
    await failed.locator('[role="cell"]').nth(1).click();
    expect(await page.getByTestId('status-hint').textContent()).toContain('Yeniden Gönder');
    await page.getByTestId('doc-detail').getByRole('button', { name: 'Ayrıntı' }).click();
    expect(await page.getByTestId('raw-detail').textContent()).toContain('Belge işlenemedi');
    await app.screenshot('b07-failed-detail');

    // 5 · history times on Türkiye's clock, no "PM".
    await page.getByRole('button', { name: 'Geçmiş' }).click();
    const times = page.locator('.history time');
    await expect.poll(() => times.count()).toBeGreaterThan(1);
    const at = (await times.first().getAttribute('datetime'))!;
    expect(await times.first().textContent()).toBe(`${istanbul(at)}:${String(new Date(at).getUTCSeconds()).padStart(2, '0')}`);
    expect(await page.locator('.history').textContent()).not.toMatch(/\bPM\b|\bAM\b|queued|failed/);
    expect(await page.locator('.history').textContent()).toContain('Hatalı');
    await page.locator('select[name="status"]').selectOption('all');
    await page.getByRole('button', { name: 'Listele' }).click();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBeGreaterThan(3);
  }, 240_000);

  it('1 · re-checks an invalid document after the user fixed it in the ERP and lets it be sent', async () => {
    const { page } = app;
    const key = (await page.locator('.doc-scroll [role="row"][data-status="unsent"]').first().getAttribute('data-key'))!;
    const flip = () => {
      const db = logoDb();
      try {
        db.prepare('UPDATE LG_002_02_STLINE SET AMOUNT = -AMOUNT WHERE INVOICEREF = ? AND INVOICELNNO = (SELECT MIN(INVOICELNNO) FROM LG_002_02_STLINE WHERE INVOICEREF = ?)').run(Number(key), Number(key));
      } finally {
        db.close();
      }
    };
    flip(); // the bookkeeper's typo: a negative quantity on a sale
    const row = page.locator(`.doc-scroll [data-key="${key}"]`);
    await row.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toBe('invalid');
    expect(await row.locator('.state').textContent()).toBe('Geçersiz');
    // Neither Gönder nor Yeniden Gönder for a document that is still wrong; Önizle shows why.
    await row.locator('[role="cell"]').nth(1).click();
    await row.locator('input[type="checkbox"]').check();
    expect(await page.getByRole('button', { name: /^Gönder/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^Yeniden Gönder/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Önizle' }).click();
    await expect.poll(() => page.getByTestId('preview-problems').textContent(), { timeout: 20_000 }).toContain('NEGATIVE_QUANTITY');
    await app.screenshot('b08-invalid-problems');
    await page.getByRole('button', { name: 'Kapat' }).click();

    flip(); // corrected in the ERP
    await page.getByRole('button', { name: 'Listele' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toBe('unsent');
    expect(await row.locator('.state').textContent()).toBe('Gönderilmedi');
    if (!(await row.locator('input[type="checkbox"]').isChecked())) await row.locator('input[type="checkbox"]').check();
    await expect.poll(() => page.getByRole('button', { name: /^Gönder/ }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toMatch(/^(delivered|accepted)$/);
    await expect.poll(() => page.getByTestId('send-summary').textContent(), { timeout: 60_000 }).toContain('1 belgeden');
  }, 240_000);

  it('8 · prints the preview alone, after a loading line', async () => {
    const { page } = app;
    const sent = page.locator('.doc-scroll [role="row"][data-status="delivered"], .doc-scroll [role="row"][data-status="accepted"]').first();
    // The tick box alone enables the document's buttons.
    await page.getByRole('checkbox', { name: 'Tümünü seç' }).uncheck().catch(() => undefined);
    await sent.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: 'Önizle' }).click();
    await expect.poll(() => page.frameLocator('iframe.preview').locator('body').textContent(), { timeout: 30_000 }).toContain(String(thisYear));
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.status-bar').evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).visibility)).toBe('hidden');
    expect(await page.locator('iframe.preview').evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).visibility)).toBe('visible');
    expect(await page.locator('.preview-dialog .no-print').evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).display)).toBe('none');
    // The frame is as tall as the invoice, so the whole invoice prints, not a window-sized slice of it.
    const frameHeight = await page.locator('iframe.preview').evaluate((e) => e.getBoundingClientRect().height);
    const contentHeight = await page.locator('iframe.preview').evaluate((e) => (e as unknown as { contentDocument: { documentElement: { scrollHeight: number } } }).contentDocument.documentElement.scrollHeight);
    expect(frameHeight).toBeGreaterThanOrEqual(contentHeight - 2);
    await app.screenshot('b09-print-view');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: 'Kapat' }).click();
  }, 240_000);

  it('4 · refuses a firm of another company in Bağlantı Ayarları and shows the target period’s own year', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Bağlantı Ayarları' }).click();
    await expect.poll(() => page.locator('input[name="firm"]').inputValue(), { timeout: 20_000 }).toBe('002');
    await page.getByRole('button', { name: 'Firma/Dönem Ara' }).click();
    await pick('Firma/Dönem Ara', '001 / 02');
    await page.getByRole('button', { name: 'GÜNCELLE' }).click();
    await expect.poll(() => alert().getAttribute('data-code'), { timeout: 20_000 }).toBe('SETTINGS_OTHER_COMPANY');
    expect(await alert().textContent()).toContain('başka bir şirkete');
    await app.screenshot('b10-other-company');
    const saved = await profiles();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.target).toMatchObject({ firm: '002', period: '02' });
    expect(await page.getByTestId('bar-firm').textContent()).toContain('002');

    // The optional switch to last year's period: the summary names that period's own year.
    await page.getByRole('button', { name: 'İsteğe bağlı veri tabanı geçişi' }).click();
    const step = page.getByTestId('yearend-step');
    await step.locator('input[name="firm"]').fill('002');
    await step.locator('input[name="period"]').fill('01');
    await step.getByRole('button', { name: 'Bağlantınızı Test Edin' }).click();
    await expect.poll(() => page.getByTestId('yearend-to').textContent(), { timeout: 30_000 }).toContain(`(${thisYear - 1})`);
    await app.screenshot('b11-switch-summary');
    await step.getByRole('button', { name: 'Vazgeç' }).click();
  }, 240_000);

  it('3 · a Netsis login after Logo sends none of Logo’s firm/period and counts right', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Giriş', exact: true }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('input[name="firm"]').inputValue()).toBe('002');
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/invoke')) requests.push(r.postData() ?? '');
    });
    await page.locator('select[name="connector"]').selectOption('netsis');
    expect(await page.locator('input[name="firm"]').count()).toBe(0);
    expect(await page.locator('input[name="database"]').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Veri tabanı Ara' }).click();
    await pick('Veri tabanı Ara', `ANADOLUGIDA${thisYear}`);
    await page.getByRole('button', { name: 'Örnek girişi kullan' }).click();
    await page.getByRole('button', { name: 'Giriş', exact: true }).click();
    await expect.poll(() => page.getByTestId('bar-program').textContent(), { timeout: 30_000 }).toContain('Netsis');
    const loginCall = JSON.parse(requests.find((r) => r.includes('"session.login"'))!) as { input: { target: Record<string, string> } };
    expect(Object.keys(loginCall.input.target).sort()).toEqual(['connector', 'database', 'server']);
    expect(await page.getByTestId('bar-firm').count()).toBe(0);
    expect(await page.getByTestId('bar-period').count()).toBe(0);
    expect(await page.getByTestId('bar-database').textContent()).toContain(`ANADOLUGIDA${thisYear}`);
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBeGreaterThan(1);
    const unsent = page.locator('.doc-scroll [role="row"][data-status="unsent"]');
    for (let i = 0; i < 2; i++) await unsent.nth(i).locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => page.getByTestId('send-progress').getAttribute('data-state'), { timeout: 120_000, interval: 500 }).toBe('done');
    const summary = (await page.getByTestId('send-summary').textContent()) ?? '';
    expect(summary).toContain('2 belgeden');
    expect(summary).toMatch(/2 (teslim edildi|kabul edildi)|1 teslim edildi, 1 kabul edildi/);
    await app.screenshot('b12-netsis-sent');
  }, 240_000);

  it('5 · shows the staff banner’s and the audit log’s times on Türkiye’s clock', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await login(page, { user: 'efinans.destek', password: 'destek123', staff: true });
    const expires = page.getByTestId('staff-expires');
    await expect.poll(() => expires.count(), { timeout: 30_000 }).toBe(1);
    const iso = (await expires.getAttribute('datetime'))!;
    expect(await expires.textContent()).toBe(istanbul(iso).slice(11));
    await page.getByRole('button', { name: 'Günlükler' }).click();
    const at = page.getByTestId('audit-table').locator('tbody time').first();
    await expect.poll(() => at.count(), { timeout: 20_000 }).toBe(1);
    expect(await at.textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    expect((await at.textContent())!.slice(0, 16)).toBe(istanbul((await at.getAttribute('datetime'))!));
    await app.screenshot('b13-staff-audit');
  }, 240_000);
});
