import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../runtime/csp';
import { CHROMIUM, chromiumAvailable } from '../e2e/harness';

/**
 * The renderer's Content-Security-Policy frames nothing: the invoice preview is an `srcdoc` frame (its styles,
 * written by the invoice's view stylesheet, still apply), and no data: or blob: document — what a hostile
 * invoice's HTML or a script slipped into the page would load — can be framed. Scripts come from the app only.
 */
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('renderer CSP', () => {
  it('frames nothing, runs only its own scripts, and the page’s meta policy says the same', () => {
    const csp = directives(RENDERER_CSP);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(fs.readFileSync(path.resolve(__dirname, '../../renderer/index.html'), 'utf8'))?.[1];
    const fromMeta = directives(meta ?? '');
    for (const name of ['frame-src', 'script-src', 'style-src', 'object-src', 'connect-src']) expect([name, fromMeta.get(name)]).toEqual([name, csp.get(name)]);
  });

  it('in Chromium: the styled srcdoc preview renders, data: and blob: frames are blocked', { timeout: 90_000 }, async () => {
    // Not a skip: without the browser this fails and says why (.ci/run installs Debian's chromium).
    if (!chromiumAvailable()) throw new Error(`No chromium at ${CHROMIUM}: apt-get install chromium, or set KONNEKTOR_CHROMIUM`);
    const script = `
      const preview = document.createElement('iframe');
      preview.setAttribute('sandbox', 'allow-same-origin allow-modals');
      preview.id = 'preview';
      preview.srcdoc = '<html><head><style>td{color:rgb(0, 128, 0)}</style></head><body><table><tr><td style="font-size:31px">FATURA</td></tr></table></body></html>';
      document.body.appendChild(preview);
      for (const [id, src] of [['data', 'data:text/html,<p>data</p>'], ['blob', URL.createObjectURL(new Blob(['<p>blob</p>'], { type: 'text/html' }))]]) {
        const f = document.createElement('iframe'); f.id = id; f.src = src; document.body.appendChild(f);
      }`;
    const server = http.createServer((req, res) => {
      if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': RENDERER_CSP }).end('<!doctype html><body><script src="/app.js"></script><script>window.inline = 1</script></body>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/.test(m.text())) violations.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const preview = page.frameLocator('#preview').locator('td');
      await expect.poll(() => preview.textContent()).toBe('FATURA');
      expect(await preview.evaluate((e) => [e.ownerDocument.defaultView!.getComputedStyle(e).color, e.ownerDocument.defaultView!.getComputedStyle(e).fontSize])).toEqual(['rgb(0, 128, 0)', '31px']);
      await expect.poll(() => violations.filter((v) => /frame-src/.test(v)).length).toBe(2);
      // Page-side code as text: this file is compiled for Node, without the DOM's types.
      expect(await page.evaluate(`['data', 'blob'].map((id) => document.getElementById(id).contentDocument?.body?.textContent ?? '')`)).toEqual(['', '']);
      expect(await page.evaluate('window.inline')).toBeUndefined();
    } finally {
      await browser.close();
      server.close();
    }
  });
});
