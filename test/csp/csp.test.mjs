// The element under a strict Content-Security-Policy, as a careful site serves it: no inline script, no
// inline style, no eval (only WebAssembly's), workers from the site or blob: URLs. It must lay out, load
// its model and fill with no violation: Lit's constructable stylesheets and custom properties set through the
// CSSOM are allowed there, `style="..."` attributes are not.
//
// web-test-runner's own page runs inline scripts, so this is a Node test: a small static server sends the
// policy on every response, with a page (test/csp/page.html, whose one script is test/csp/page.js), the
// repository's dist/ as the build left it, and models/. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_TEST_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { ISOLATION_HEADERS, serveFolder } from '../support/static-server.mjs';

export const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; worker-src 'self' blob:";

const root = fileURLToPath(new URL('../../', import.meta.url));

let server;
let browser;

/** Whether `pixels` (N*N `0`/`1`) is one white filled square of side 2..N-2 on black: the prior. */
function isSquare(pixels, n) {
  let top = n, left = n, bottom = -1, right = -1, white = 0;
  for (let i = 0; i < n * n; i++) {
    if (pixels[i] !== '1') continue;
    const r = Math.floor(i / n), c = i % n;
    white++;
    top = Math.min(top, r), bottom = Math.max(bottom, r), left = Math.min(left, c), right = Math.max(right, c);
  }
  const side = bottom - top + 1;
  return white > 0 && right - left + 1 === side && side >= 2 && side <= n - 2 && white === side * side;
}

before(async () => {
  for (const needed of ['dist/square-inpainter.js', 'models/square-inpainter-8.onnx']) {
    assert.ok(existsSync(path.join(root, needed)), `${needed} is missing: run npm run build (and have the bundled models)`);
  }
  // The repository as it is (dist/ whatever the build put there, models/, this page), cross-origin isolated.
  server = await serveFolder(root, { headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': POLICY } });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: false, // CHROMIUM_TEST_ARGS ask for the new headless mode themselves
    args: CHROMIUM_TEST_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the element lays out, loads and fills with no violation of a strict CSP', { timeout: 180_000 }, async () => {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
    if (process.env.CSP_DEBUG) console.log('console', message.type(), message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  if (process.env.CSP_DEBUG) page.on('response', (response) => response.status() >= 400 && console.log('HTTP', response.status(), response.url()));
  try {
    const response = await page.goto(`${server.origin}/test/csp/page.html`);
    assert.equal(response.headers()['content-security-policy'], POLICY);
    const outcome = await page.evaluate(() =>
      Promise.race([
        window.outcome ?? { type: 'no-script', message: 'the page script did not run' },
        new Promise((resolve) => setTimeout(() => resolve({ type: 'timeout', message: 'no inpaint or error event in 120 s' }), 120_000)),
      ]),
    );
    const violations = await page.evaluate(() => window.violations);
    assert.deepEqual(violations, [], 'Content-Security-Policy violations');
    assert.deepEqual(consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)), []);
    assert.equal(outcome.type, 'inpaint', `${outcome.type}: ${outcome.message}`);

    // Laid out as a grid: N columns of cells, not one collapsed column.
    const n = outcome.gridSize;
    assert.equal(outcome.cellCount, n * n);
    assert.equal(outcome.gridSizeProperty, String(n), '--grid-size set through the CSSOM');
    assert.equal(outcome.firstRowColumns, n, 'the first row has N columns');
    assert.ok(outcome.cellWidth > 5, `cell width ${outcome.cellWidth}`);
    const expected = n * outcome.cellWidth;
    assert.ok(outcome.gridWidth >= expected && outcome.gridWidth <= expected + (n + 1) * 4, `grid ${outcome.gridWidth} px wide for ${n} cells of ${outcome.cellWidth} px`);
    assert.ok(Math.abs(outcome.gridHeight - outcome.gridWidth) < 1, 'a square grid');
    if (outcome.progressBar !== null) assert.match(outcome.progressBar, /^[\d.]+$/, '--progress set through the CSSOM');
    assert.match(outcome.shade ?? '', /^0\.\d{3}$|^1\.000$/, '--p of a filled cell set through the CSSOM');

    // A correct fill: the visible cells kept, and (iterative decoding) a square of the prior.
    const given = (await page.$eval('square-inpainter', (element) => element.getAttribute('pixels'))).replace(/\s/g, '');
    assert.equal(outcome.pixels.length, n * n);
    assert.ok([...outcome.pixels].every((cell, i) => outcome.mask[i] === '1' || cell === given[i]), 'a visible cell changed');
    assert.ok(isSquare(outcome.pixels, n), `not a square: ${outcome.pixels}`);

    // show-attention under the same policy: its chunk, its adopted sheet and its custom properties.
    await page.$eval('square-inpainter', (element) => {
      element.showAttention = true;
      return element.updateComplete;
    });
    // Once its chunk has arrived (its live region is in the shadow root), the pointer hovers the first cell
    // (puppeteer's pierce/ selector reaches into the shadow root).
    await page.waitForSelector('pierce/[part="attention-note"]', { timeout: 60_000 });
    await page.hover('pierce/[role="gridcell"]');
    const attended = await page.$eval('square-inpainter', async (element) => {
      const cell = element.shadowRoot.querySelector('[role="gridcell"]');
      const until = Date.now() + 60_000;
      while (!cell.getAttribute('aria-label').includes('attends most') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      return { label: cell.getAttribute('aria-label'), shade: cell.style.getPropertyValue('--square-inpainter-a') };
    });
    assert.match(attended.label, /; attends most to row \d+, column \d+ \(/);
    assert.match(attended.shade, /^[01]\.\d{5}$/, '--square-inpainter-a set through the CSSOM');
    assert.deepEqual(await page.evaluate(() => window.violations), [], 'no violation with show-attention');

    // The check itself works: an inline style attribute on this page is reported.
    await page.$eval('square-inpainter', (element) => element.setAttribute('style', '--square-inpainter-gap: 2px'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const canary = await page.evaluate(() => window.violations);
    assert.equal(canary.length, 1, 'a style attribute is a violation the page hears of');
    assert.match(canary[0], /^style-src/);
  } finally {
    await page.close();
  }
});
