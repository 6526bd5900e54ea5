import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type AppHarness } from './harness';

/**
 * Gelen Belgeler in browser mode against the embedded sandbox: fetch the seeded incoming invoices, preview one through
 * its own view, accept it, reject another with a reason, and read both answers where the integrator received them.
 */
describe('Gelen Belgeler: fetch, preview, KABUL and RED reach the integrator', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const answersAtIntegrator = () => {
    const sandbox = app.runtime.sandbox!;
    return sandbox.admin
      .documents()
      .filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL')
      .map((d) => ({ ...d, xml: sandbox.admin.document(d.belgeOid)!.xml }));
  };

  /** What the accountant's program finds in Konnektör's helper table of the Logo demo database. */
  const helperTable = () => {
    const db = new Database(path.join(app.home, 'demo', 'LOGODB.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT ETTN, DURUM, YANIT, YANIT_GEREKCE FROM KNK_GELEN_BELGE').all() as { ETTN: string; DURUM: string; YANIT: string | null; YANIT_GEREKCE: string | null }[];
    } finally {
      db.close();
    }
  };

  it('fetches, previews and answers with KABUL, then RED with a reason', async () => {
    const { page } = app;
    await login(page, { user: 'demo', password: 'demo123', firm: '2', period: '2' });
    await page.getByRole('button', { name: 'Gelen Belgeler', exact: true }).click();
    await page.getByRole('button', { name: 'Yeni Belgeleri Al' }).click();
    await expect.poll(() => page.getByTestId('fetch-result').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId('fetch-result').textContent()).toMatch(/^\d+ yeni belge alındı/);
    const ticari = page.locator('.incoming-table tbody tr', { hasText: 'TICARIFATURA' });
    await expect.poll(() => ticari.count()).toBeGreaterThanOrEqual(2);
    expect(await ticari.first().getByTestId('countdown').textContent()).toMatch(/gün \d+ saat kaldı|saat \d+ dakika kaldı/);
    await app.screenshot('incoming-01-list');
    expect(helperTable()).toHaveLength(await page.locator('.incoming-table tbody tr').count());

    // A TEMELFATURA gets no answer, and the screen says why.
    await page.locator('.incoming-table tbody tr', { hasText: 'TEMELFATURA' }).first().click();
    expect(await page.getByRole('button', { name: 'Kabul Et' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('answer-refusal').textContent()).toContain('yalnızca TICARIFATURA yanıtlanır');

    // Preview through the document's own view, in the sandboxed frame.
    const first = ticari.first();
    const firstEttn = (await first.getAttribute('data-ettn'))!;
    await first.click();
    await page.getByRole('button', { name: 'Önizle' }).click();
    await expect.poll(() => page.getByTestId('preview-loading').count(), { timeout: 60_000 }).toBe(0);
    await app.screenshot('incoming-02-preview');
    expect(await page.getByTestId('preview-problems').count(), (await page.locator('.preview-dialog').textContent()) ?? '').toBe(0);
    const frame = page.frameLocator('iframe.preview');
    await expect.poll(() => frame.locator('[data-field="id"]').count(), { timeout: 30_000 }).toBe(1);
    // The sender's own view, showing this invoice.
    expect(await frame.locator('h1').textContent()).toBe('e-FATURA');
    expect(await frame.locator('[data-field="id"]').textContent()).toBe(await first.locator('td').nth(1).textContent());
    expect(await page.locator('iframe.preview').getAttribute('sandbox')).toBe('allow-same-origin allow-modals');
    await page.getByRole('button', { name: 'Kapat' }).click();

    // KABUL.
    expect(answersAtIntegrator()).toHaveLength(0);
    await page.getByRole('button', { name: 'Kabul Et' }).click();
    await page.getByRole('dialog', { name: 'Kabul Et' }).getByRole('button', { name: 'Kabul Yanıtını Gönder' }).click();
    await expect.poll(() => page.getByTestId('answer-sent').count(), { timeout: 30_000 }).toBe(1);
    const kabul = answersAtIntegrator();
    expect(kabul).toHaveLength(1);
    expect(kabul[0]!.belgeNo).toBe(firstEttn);
    expect(kabul[0]!.xml).toContain('<cbc:ResponseCode>KABUL</cbc:ResponseCode>');
    const answeredRow = page.locator(`.incoming-table tbody tr[data-ettn="${firstEttn}"]`);
    expect(await answeredRow.textContent()).toContain('Yanıtlandı');
    expect(await page.getByRole('button', { name: 'Reddet' }).isDisabled()).toBe(true);

    // RED: refused without a reason, sent with one.
    const second = page.locator('.incoming-table tbody tr', { hasText: 'Alındı' }).filter({ hasText: 'TICARIFATURA' }).first();
    const secondEttn = (await second.getAttribute('data-ettn'))!;
    await second.click();
    await page.getByRole('button', { name: 'Reddet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reddet' });
    await dialog.getByRole('button', { name: 'Red Yanıtını Gönder' }).click();
    expect(await dialog.getByRole('alert').textContent()).toContain('Red yanıtı için gerekçe yazmalısınız.');
    expect(answersAtIntegrator()).toHaveLength(1);
    await dialog.getByLabel('Red gerekçesi').fill('Fiyatlar siparişle uyuşmuyor.');
    await dialog.getByRole('button', { name: 'Red Yanıtını Gönder' }).click();
    await expect.poll(() => page.getByTestId('answer-sent').count(), { timeout: 30_000 }).toBe(1);
    const both = answersAtIntegrator();
    expect(both).toHaveLength(2);
    const red = both.find((d) => d.belgeNo === secondEttn)!;
    expect(red.xml).toContain('<cbc:ResponseCode>RED</cbc:ResponseCode>');
    expect(red.xml).toContain('Fiyatlar siparişle uyuşmuyor.');
    // Both answers are in the accounting database's helper table as well.
    const rows = helperTable();
    expect(rows.find((r) => r.ETTN === firstEttn)).toMatchObject({ DURUM: 'answered', YANIT: 'KABUL' });
    expect(rows.find((r) => r.ETTN === secondEttn)).toMatchObject({ DURUM: 'answered', YANIT: 'RED', YANIT_GEREKCE: 'Fiyatlar siparişle uyuşmuyor.' });
    await app.screenshot('incoming-03-answered');
  }, 300_000);
});
