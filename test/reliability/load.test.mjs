// The element under load, in headless Chromium, on the built package: many elements on one page, bursts of
// changes and calls, and create/fill/remove cycles with the heap measured after garbage collection.
//
// Needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_TEST_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { serveFolder } from '../support/static-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
let browser;
let server;

before(async () => {
  server = await serveFolder(root);
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: false, args: CHROMIUM_TEST_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context's page with the package loaded, every request it makes recorded. */
async function openPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${server.origin}/test/reliability/page.html`);
  await page.waitForFunction(() => window.harness && customElements.get('square-inpainter'));
  return { page, requests, close: () => context.close() };
}

test('100 elements on one page share one session: one model download, one wasm, every element filled', { timeout: 180_000 }, async () => {
  const { page, requests, close } = await openPage();
  try {
    const outcomes = await page.evaluate(() =>
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          window.harness.fill({ 'grid-size': '8', backend: 'wasm', decoding: 'one-shot', mask: '1'.repeat(i % 64) + '0'.repeat(64 - (i % 64)) }),
        ),
      ),
    );
    assert.deepEqual([...new Set(outcomes.map((outcome) => outcome.type))], ['inpaint']);
    assert.equal(requests.filter((url) => url.endsWith('/square-inpainter-8.onnx')).length, 1, 'model downloads');
    assert.equal(requests.filter((url) => url.endsWith('/ort-wasm-simd-threaded.wasm')).length, 1, 'wasm downloads');
    assert.deepEqual(await page.evaluate(() => window.harness.events), []);
  } finally {
    await close();
  }
});

test('1000 changes in a row give one inpaint event, for the last values; 200 interleaved inpaint() calls all resolve to the latest', { timeout: 180_000 }, async () => {
  const { page, close } = await openPage();
  try {
    const result = await page.evaluate(async () => {
      const element = document.createElement('square-inpainter');
      element.setAttribute('grid-size', '8');
      element.setAttribute('backend', 'wasm');
      element.setAttribute('decoding', 'one-shot');
      await window.harness.fill({}, element);
      const fills = [];
      element.addEventListener('inpaint', ({ detail }) => fills.push(detail.mask));
      const masks = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 64 }, (_, cell) => ((cell * 7 + i) % 5 === 0 ? '1' : '0')).join(''));
      for (const mask of masks) element.mask = mask;
      await element.inpaint();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const burst = { events: fills.length, last: fills.at(-1) === masks.at(-1) };
      const calls = [];
      for (let i = 0; i < 200; i++) {
        element.mask = masks[i];
        calls.push(element.inpaint());
      }
      const resolved = await Promise.all(calls);
      return { burst, calls: resolved.map((detail) => detail.mask === masks[199]) };
    });
    assert.deepEqual(result.burst, { events: 1, last: true });
    assert.equal(result.calls.filter(Boolean).length, 200);
    assert.deepEqual(await page.evaluate(() => window.harness.events), []);
  } finally {
    await close();
  }
});

test('150 create, fill and remove cycles leave the heap where it was', { timeout: 300_000 }, async () => {
  const { page, close } = await openPage();
  const cdp = await page.createCDPSession();
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const cycles = (count) =>
    page.evaluate(async (n) => {
      for (let i = 0; i < n; i++) {
        const outcome = await window.harness.fill({ 'grid-size': '8', backend: 'wasm', decoding: 'iterative', mask: '1'.repeat(16 + (i % 40)).padEnd(64, '0') });
        if (outcome.type !== 'inpaint') throw new Error(outcome.message);
        document.querySelector('square-inpainter').remove();
      }
    }, count);
  try {
    await cycles(20); // the runtime, the session and Lit's templates exist from here on
    const before = await heap();
    // 150 cycles and 0.5 MB: a leak of 3.3 KB a cycle fails, as with 300 and 1 MB before (growth measured: 0.01 and
    // 0.24 MB over 300 cycles).
    await cycles(150);
    const afterCycles = await heap();
    console.log(`heap after GC: ${(before / 1e6).toFixed(2)} MB after 20 cycles, ${(afterCycles / 1e6).toFixed(2)} MB after 150 more`);
    assert.ok(afterCycles - before < 0.5e6, `the heap grew by ${((afterCycles - before) / 1e6).toFixed(2)} MB over 150 cycles`);
    assert.deepEqual(await page.evaluate(() => window.harness.events), []);
  } finally {
    await close();
  }
});
