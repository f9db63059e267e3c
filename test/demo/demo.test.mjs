// The demo (`npm start`) as a visitor meets it, on a phone (390×844) and a desktop (1280×900) in headless
// Chromium: the BERT, the exact posterior and the dilated and local CNNs all fill the same picture, nothing scrolls sideways,
// and on the desktop the controls sit beside the grids with the scores above the fold.
// DEMO_SCREENSHOTS=<folder> saves a screenshot of each width there.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { serveFolder } from '../support/static-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
let browser;
let server;

before(async () => {
  assert.ok(existsSync(path.join(root, 'dist/square-inpainter.js')), 'dist/ is missing: run npm run build');
  server = await serveFolder(root);
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: false, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the demo at `width`×`height` and waits until all four panels have filled the first picture. */
async function openDemo(width, height) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  await page.setViewport({ width, height, isMobile: width < 600, hasTouch: width < 600 });
  await page.goto(`${server.origin}/demo/`);
  await page
    .waitForFunction(() => document.body.dataset.filled === 'bert cnn dilated exact', { timeout: 120_000 })
    .catch(async (error) => {
      const state = await page.evaluate(() => ({
        filled: document.body.dataset.filled,
        scores: [...document.querySelectorAll('.score')].map((output) => output.textContent),
      }));
      throw new Error(`${error.message}: ${JSON.stringify(state)} ${problems.join('; ')}`);
    });
  if (process.env.DEMO_SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.DEMO_SCREENSHOTS, `demo-${width}.png`), fullPage: true });
  }
  return { page, problems };
}

const layout = (page) =>
  page.evaluate(() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      panels: ['#bert', '#exact', '#dilated', '#cnn'].map(box),
      controls: box('#controls'),
      scores: ['#bert-score', '#exact-score', '#dilated-score', '#cnn-score'].map((selector) => ({
        ...box(selector),
        text: document.querySelector(selector).textContent,
      })),
    };
  });

test('on a 390 px phone the demo fills all four panels and nothing scrolls sideways', { timeout: 180_000 }, async () => {
  const { page, problems } = await openDemo(390, 844);
  try {
    const { scrollWidth, innerWidth, panels, scores } = await layout(page);
    assert.ok(scrollWidth <= innerWidth, `the page is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
    for (const panel of panels) assert.ok(panel.right <= innerWidth && panel.left >= 0, `a grid overflows: ${JSON.stringify(panel)}`);
    for (const score of scores) assert.ok(score.text.length > 0, 'a panel has no score');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('on a 1280 px desktop the grids sit side by side, the controls beside them, the scores above the fold', { timeout: 180_000 }, async () => {
  const { page, problems } = await openDemo(1280, 900);
  try {
    const { scrollWidth, innerWidth, panels, controls, scores } = await layout(page);
    assert.ok(scrollWidth <= innerWidth, `the page is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
    for (let i = 1; i < panels.length; i++) assert.ok(panels[i].left >= panels[i - 1].right, 'the grids are not side by side');
    assert.ok(controls.left >= panels.at(-1).right, 'the controls are not beside the grids');
    assert.ok(controls.top < panels[0].bottom, 'the controls are not beside the grids');
    for (const score of scores) assert.ok(score.bottom <= 900, `a score is below the fold: ${JSON.stringify(score)}`);
    assert.match(scores[0].text, /Error against exact: \d\.\d{3}/);
    assert.match(scores[2].text, /Error against exact: \d\.\d{3}/);
    assert.match(scores[3].text, /Error against exact: \d\.\d{3}/);
    // The BERT shows where it looked: hovering a cell shades the grid by its attention.
    const cell = await page.evaluateHandle(() => document.querySelector('#bert').shadowRoot.querySelector('[role="gridcell"]'));
    await cell.hover();
    await page.waitForFunction(() => document.querySelector('#bert').shadowRoot.querySelectorAll('[part~="attention"]').length > 0, {
      timeout: 60_000,
    });
    // The prior picker: rectangles, a BERT trained on them, and the exact answer over the rectangles; the panels of a
    // baseline the demo lacks for that prior step aside.
    await page.select('select[name="prior"]', 'rectangles');
    await page.waitForFunction(() => document.querySelector('#bert').prior === 'rectangles' && document.body.dataset.filled === 'bert cnn dilated exact', {
      timeout: 120_000,
    });
    const rectangles = await page.evaluate(() => ({
      size: document.querySelector('#bert').gridSize,
      exact: document.querySelector('#exact-score').textContent,
      bert: document.querySelector('#bert-score').textContent,
      baselines: ['#cnn', '#dilated'].map((id) => ({ shown: !document.querySelector(id).closest('section').hidden, score: document.querySelector(`${id}-score`).textContent })),
    }));
    assert.equal(rectangles.size, 16, "the size carries over: rectangles ship at 8 and 16");
    assert.match(rectangles.exact, /^\d+ rectangles? of the prior fits? the visible cells\.$/);
    assert.match(rectangles.bert, /Error against exact: \d\.\d{3} .* (a valid rectangle|not a single rectangle)\.$/);
    for (const baseline of rectangles.baselines) if (baseline.shown) assert.match(baseline.score, /Error against exact|No rectangle fits/);
    // Handwritten digits: a held-out digit, the digits BERT and dilated CNN (model-src, demo/models/digits/), and the
    // nearest training digits in the middle panel, each scored against the true digit.
    await page.select('select[name="prior"]', 'digits');
    await page.waitForFunction(() => document.querySelector('#bert').modelSrc.includes('digits') && document.body.dataset.filled === 'bert cnn dilated exact', {
      timeout: 120_000,
    });
    const digits = await page.evaluate(() => ({
      title: document.querySelector('#exact-title').textContent,
      scores: ['#bert', '#dilated', '#exact'].map((id) => document.querySelector(`${id}-score`).textContent),
      local: !document.querySelector('#cnn').closest('section').hidden,
      fits: document.querySelector('#bert').shadowRoot.querySelector('[part~="status"]').textContent,
    }));
    assert.match(digits.title, /^Nearest neighbour/);
    for (const score of digits.scores) assert.match(score, /Hidden cells right: \d+ of \d+ \(\d+%\) against the true \d\.$/);
    assert.match(digits.scores[2], /^\d+ nearest training digits?, \d+ visible cells? off\./);
    assert.equal(digits.local, false, 'the local CNN has no digits model');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
