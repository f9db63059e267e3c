#!/usr/bin/env node
// Where an inpaint's time goes: a V8 CPU profile of many one-shot inpaints of the built element, self time summed
// per file (the ORT wasm, the element, onnxruntime-web's JavaScript, GC, ...), and the element's hottest functions.
//
//   node bench/profile.mjs [--grid 16] [--inpaints 400] [--decoding one-shot] [--models DIR]
//
// Style and layout forced after each inpaint show up as this script's own frame ("the page's layout").
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startServer } from './server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const value = (flag, fallback) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : fallback);
const grid = Number(value('--grid', '16'));
const inpaints = Number(value('--inpaints', '400'));
const decoding = value('--decoding', 'one-shot');
const models = value('--models', process.env.SQUARE_INPAINTER_TEST_MODELS);

const server = await startServer({ root, models: models && path.resolve(models) });
const browser = await puppeteer.launch({
  executablePath: CHROMIUM_PATH,
  headless: false,
  args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'),
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/page.html?isolated=1`);
  await page.waitForFunction('window.benchReady === true');
  await page.evaluate(
    async ({ grid, decoding }) => {
      const ort = await import('/dist/ort/ort.wasm.min.mjs');
      ort.env.wasm.numThreads = 1;
      await import('/dist/square-inpainter.js');
      const element = document.createElement('square-inpainter');
      element.setAttribute('grid-size', String(grid));
      element.setAttribute('backend', 'wasm');
      element.setAttribute('decoding', decoding);
      // A quarter of the cells hidden, in a band: a one-shot input like any other.
      element.setAttribute('mask', '1'.repeat((grid * grid) / 4) + '0'.repeat((3 * grid * grid) / 4));
      const first = new Promise((resolve) => element.addEventListener('inpaint', resolve, { once: true }));
      document.body.append(element);
      await first;
      for (let i = 0; i < 50; i++) await element.inpaint();
      window.profiled = element;
    },
    { grid, decoding },
  );
  const cdp = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const perInpaint = await page.evaluate(async (count) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await window.profiled.inpaint();
      await window.profiled.updateComplete;
      void document.body.offsetHeight;
    }
    return (performance.now() - started) / count;
  }, inpaints);
  const { profile } = await cdp.send('Profiler.stop');

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFile = new Map();
  const byFunction = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const ms = profile.timeDeltas[i] / 1000;
    const file = url.startsWith('pptr:') ? "(the page's layout, forced after each inpaint)" : url ? url.split('/').pop() : functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    if (file === 'square-inpainter.js') {
      const key = `${functionName || '(anonymous)'} at ${lineNumber + 1}:${columnNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    }
  });
  const total = [...byFile.values()].reduce((sum, ms) => sum + ms, 0);
  console.log(`${grid}×${grid} ${decoding} on wasm, 1 thread: ${perInpaint.toFixed(3)} ms per inpaint (${inpaints} inpaints)\n`);
  for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`${(ms / inpaints).toFixed(3)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${file}`);
  }
  console.log('\nthe element (dist/square-inpainter.js, minified), hottest functions:');
  for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${(ms / inpaints).toFixed(4)} ms  ${name}`);
} finally {
  await browser.close();
  await server.close();
}
