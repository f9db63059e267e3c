// Runtime faults and loading as a page meets them, in headless Chromium with request interception: the
// runtime's wasm or module failing to download and then coming back, and the progress bar over servers that
// gzip or send no Content-Length. Each test takes a fresh browser context (an empty cache, no runtime loaded).
//
// Needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_TEST_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { serveFolder } from '../support/static-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = '/test/reliability/page.html';
const GRID_8 = {
  'grid-size': '8',
  backend: 'wasm',
  decoding: 'one-shot',
  pixels: '00000000 00000000 00111000 00111000 00111000 00000000 00000000 00000000',
  mask: '00000000 00000000 00000000 00001111 00001111 00001111 00001111 00000000',
};

let browser;
const servers = [];

before(async () => {
  assert.ok(existsSync(path.join(root, 'dist/square-inpainter.js')), 'dist/ is missing: run npm run build');
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: false, args: CHROMIUM_TEST_ARGS });
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** A fresh context's page on a server of `root` with `options`; `blocked(url)` says which requests fail. */
async function openPage(options = {}, blocked = () => false) {
  const server = await serveFolder(root, options);
  servers.push(server);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const aborted = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (blocked(request.url())) {
      aborted.push(request.url());
      request.abort('connectionfailed');
    } else request.continue();
  });
  await page.goto(`${server.origin}${PAGE}`);
  await page.waitForFunction(() => window.harness);
  return { page, aborted, origin: server.origin, close: () => context.close() };
}

const fill = (page, attributes) => page.evaluate((a) => window.harness.fill(a), attributes);
const refill = (page, index, attributes) => page.evaluate((i, a) => window.harness.refill(i, a), index, attributes);
const pageEvents = (page) => page.evaluate(() => window.harness.events);

/** A fill that kept every visible cell of GRID_8. */
function assertFilled(outcome) {
  assert.equal(outcome.type, 'inpaint', `${outcome.errorType}: ${outcome.message}`);
  const pixels = GRID_8.pixels.replace(/\s/g, '');
  const mask = GRID_8.mask.replace(/\s/g, '');
  assert.ok([...outcome.pixels].every((cell, i) => mask[i] === '1' || cell === pixels[i]), 'a visible cell changed');
}

for (const [what, pattern] of [
  ['wasm', /ort-wasm-simd-threaded\.wasm$/],
  ['module', /ort\.wasm\.bundle\.min\.mjs$/],
]) {
  test(`a runtime ${what} that fails to download is a runtime-load error naming it, and the page recovers`, { timeout: 120_000 }, async () => {
    let failing = true;
    const { page, aborted, close } = await openPage({}, (url) => failing && pattern.test(url));
    try {
      const failed = await fill(page, GRID_8);
      assert.equal(failed.type, 'error');
      assert.equal(failed.errorType, 'runtime-load', failed.message);
      assert.ok(aborted.length > 0, 'nothing was blocked');
      assert.match(failed.message, what === 'wasm' ? /ort-wasm-simd-threaded\.wasm/ : /onnxruntime-web.*module/);
      assert.doesNotMatch(failed.message, /square-inpainter-8\.onnx/, 'the model is blamed');

      failing = false;
      // The next input on the same element recovers, and so does a new element.
      const recovered = await refill(page, 0, { mask: GRID_8.mask.replace('1111', '1110') });
      assert.equal(recovered.type, 'inpaint', `${recovered.errorType}: ${recovered.message}`);
      assertFilled(await fill(page, GRID_8));
      assert.deepEqual(await pageEvents(page), [], 'uncaught errors or unhandled rejections');
    } finally {
      await close();
    }
  });
}

/**
 * Checks one load's progress events: from 0, only rising, to 1, with steps between; and at most one a frame but
 * in the last, which also brings what was held when the session came (its start, 0.95) and 1.
 */
function assertProgress({ progress, frameOf }) {
  const perFrame = new Map();
  for (const frame of frameOf) perFrame.set(frame, (perFrame.get(frame) ?? 0) + 1);
  const last = frameOf.at(-1);
  const crowded = [...perFrame].filter(([frame, count]) => count > (frame === last ? 3 : 1));
  assert.deepEqual(crowded, [], `progress events per frame (frame, count): ${[...perFrame].join(' ')}`);
  assert.equal(progress[0], 0, `first progress ${progress[0]}`);
  assert.equal(progress.at(-1), 1, `last progress ${progress.at(-1)}`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], `progress went back: ${progress.join(', ')}`);
  const between = progress.filter((p) => p > 0 && p < 0.9);
  assert.ok(between.length >= 3, `only ${between.length} steps during the downloads: ${progress.join(', ')}`);
  assert.ok(progress.some((p) => p >= 0.9 && p < 1), `no step for the session's start: ${progress.join(', ')}`);
}

for (const [server, options] of [
  ['sends Content-Length', {}],
  ['gzips (no Content-Length)', { gzip: true }],
  ['sends no Content-Length', { contentLength: false }],
]) {
  test(`progress covers the whole load, from 0 to 1 and only rising, when the server ${server}`, { timeout: 120_000 }, async () => {
    const { page, close } = await openPage(options);
    try {
      const outcome = await fill(page, GRID_8);
      assertFilled(outcome);
      assertProgress(outcome);
      // The runtime worker downloads the model and the wasm: none of their bytes cross to the page.
      const pageFetches = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
      assert.deepEqual(pageFetches.filter((url) => /\.(onnx|wasm)$/.test(url)), []);
    } finally {
      await close();
    }
  });
}

test('a model URL that answers with an HTML page (a dev server or static host fallback) is reported as such', { timeout: 120_000 }, async () => {
  const { page, close } = await openPage();
  try {
    const failed = await fill(page, { ...GRID_8, 'model-src': '/test/reliability/page.html' });
    assert.equal(failed.type, 'error');
    assert.equal(failed.errorType, 'model-load');
    assert.match(failed.message, /page\.html answered with an HTML page, not an ONNX model/);
    assertFilled(await refill(page, 0, { 'model-src': '/models/square-inpainter-8.onnx' }));
    assert.deepEqual(await pageEvents(page), []);
  } finally {
    await close();
  }
});
