import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type AppHarness } from './harness';

/**
 * Belgeler in browser mode: a customer with two mailboxes whose card names none stops its invoice; the document's
 * error offers the mailboxes, the one chosen is recorded, and the invoice goes to it with "Gönder".
 */
describe('Belgeler: choosing the mailbox of a customer with two', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('stops the invoice, offers the mailboxes, and sends to the one chosen', async () => {
    const { page } = app;
    const admin = app.runtime.sandbox!.admin;
    await login(page, { user: 'demo', password: 'demo123', firm: '2', period: '2' });
    const unsent = page.locator('.doc-scroll [role="row"][data-status="unsent"]');
    await expect.poll(() => unsent.count(), { timeout: 60_000 }).toBeGreaterThan(3);

    // A registered company customer opens a second mailbox in GİB's list; its card in Logo names none.
    let row = unsent.first();
    let identifier = '';
    for (let i = 0; i < 10 && !identifier; i++) {
      const id = ((await unsent.nth(i).locator('[role="cell"]').nth(5).textContent()) ?? '').trim();
      if (/^\d{10}$/.test(id)) {
        const store = new Database(path.join(app.home, 'konnektor.sqlite'), { readonly: true });
        const n = (store.prepare("SELECT COUNT(*) AS n FROM registered_users WHERE identifier = ? AND document_type = 'Invoice'").get(id) as { n: number }).n;
        store.close();
        if (n === 1) {
          identifier = id;
          row = unsent.nth(i);
        }
      }
    }
    expect(identifier).toMatch(/^\d{10}$/);
    const key = (await row.getAttribute('data-key'))!;
    const second = 'urn:mail:merkezpk@musteri.com.tr';
    const store = new Database(path.join(app.home, 'konnektor.sqlite'));
    store
      .prepare("INSERT INTO registered_users (identifier, document_type, alias, title, user_type) SELECT identifier, document_type, ?, title, user_type FROM registered_users WHERE identifier = ? AND document_type = 'Invoice'")
      .run(second, identifier);
    store.close();
    const logo = new Database(path.join(app.home, 'demo', 'LOGODB.sqlite'));
    logo.prepare('UPDATE LG_002_CLCARD SET POSTLABELCODE = NULL WHERE TAXNR = ?').run(identifier);
    logo.close();

    const mine = page.locator(`.doc-scroll [data-key="${key}"]`);
    await mine.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => mine.getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('invalid');
    expect(await mine.textContent()).toContain('birden fazla posta kutusu');

    await mine.locator('[role="cell"]').nth(1).click();
    const choice = page.getByTestId('alias-choice');
    await expect.poll(() => choice.getByRole('radio').count(), { timeout: 20_000 }).toBe(2);
    expect(await choice.textContent()).toContain(identifier);
    await app.screenshot('alias-01-choice');
    await choice.getByRole('radio', { name: second }).check();
    await choice.getByRole('button', { name: 'Posta Kutusunu Seç' }).click();
    await expect.poll(() => page.getByTestId('alias-done').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => mine.getAttribute('data-status'), { timeout: 30_000 }).toBe('unsent');

    await mine.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: /^Gönder/ }).click();
    await expect.poll(() => admin.documents().filter((d) => d.receiverVkn === identifier).length, { timeout: 120_000, interval: 500 }).toBeGreaterThan(0);
    expect(admin.documents().filter((d) => d.receiverVkn === identifier).every((d) => d.receiverAlias === second)).toBe(true);
    await app.screenshot('alias-02-sent');
  }, 300_000);
});
