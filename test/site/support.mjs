// What the static-site tests share: the packed package unpacked as npm installs it, its copy command run on an
// example site, a static server on a port chosen before the build (the generator writes that address into
// the pages), and a page opened in headless Chromium with every request checked and every figure's events kept.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_TEST_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { extractTarball, packTarball } from '../support/package.mjs';

export const run = promisify(execFile);
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Fails with what to install when a site generator is not on this machine (npm run setup installs them). */
export async function requireCommand(command, args = ['version']) {
  try {
    const { stdout } = await run(command, args);
    return stdout.trim().split('\n')[0];
  } catch {
    throw new Error(`${command} is not installed: npm run setup (apt-get install ${command})`);
  }
}

/** `npm pack`, unpacked into `scratch`/node_modules/square-inpainter. Resolves with `{packed, packageDir}`. */
export async function installPackage(scratch) {
  for (const needed of ['dist/square-inpainter.js', 'dist/baselines/cnn-local-16.onnx', 'models/square-inpainter-16.onnx']) {
    assert.ok(await readFile(path.join(root, needed)).then(() => true, () => false), `${needed} is missing: run npm run build`);
  }
  const packed = await packTarball(scratch);
  const packageDir = path.join(scratch, 'node_modules/square-inpainter');
  await extractTarball(packed.tarball, packageDir);
  return { packed, packageDir };
}

/**
 * Runs the package's copy command, as its package.json `bin` names it, into `target`. Resolves with what it
 * printed.
 */
export async function copyAssets(packageDir, target, args = []) {
  const { bin } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
  const script = path.join(packageDir, bin['square-inpainter-copy-assets']);
  const { stdout } = await run(process.execPath, [script, target, ...args]);
  return stdout;
}

/** Copies examples/`name` to `destination`, without what its README's commands or a build put there. */
export function copyExample(name, destination, generated) {
  const source = path.join(root, 'examples', name);
  return cp(source, destination, {
    recursive: true,
    filter: (file) => !generated.some((part) => path.relative(source, file).split(path.sep).join('/') === part),
  });
}

/** A port no one listens on now. */
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export function launchBrowser() {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: false, // CHROMIUM_TEST_ARGS ask for the new headless mode themselves
    // A second guard: any host but the page's own fails to resolve, even if a request slipped past the page.
    args: [...CHROMIUM_TEST_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
}

/**
 * Opens `url` in a fresh browser context (a cold cache), every request intercepted: one that leaves the page's
 * origin is refused and listed. Each <square-inpainter>'s `load`, `inpaint` and `error` events are kept by the
 * element's id, with the time since navigation. Resolves with `{page, context, requests, failures, foreign}`;
 * close `context` when done.
 */
export async function openPage(browser, url) {
  const { origin } = new URL(url);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const requests = [];
  const failures = [];
  const foreign = [];
  await page.evaluateOnNewDocument(() => {
    window.figureEvents = {};
    for (const type of ['load', 'inpaint', 'error']) {
      document.addEventListener(
        type,
        (event) => {
          const element = event.target;
          if (element?.localName !== 'square-inpainter') return;
          const { detail } = event;
          const kept =
            type === 'inpaint'
              ? { pixels: detail.pixels, runs: detail.runs, durationMs: detail.durationMs, backend: detail.backend }
              : type === 'error'
                ? { type: detail.type, message: detail.message }
                : { backend: detail.backend, modelUrl: detail.modelUrl };
          (window.figureEvents[element.id] ??= []).push({ type, at: performance.now(), ...kept });
        },
        true,
      );
    }
  });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const requested = request.url();
    requests.push(requested);
    if (requested.startsWith(`${origin}/`) || requested.startsWith('data:') || requested.startsWith('blob:')) request.continue();
    else {
      foreign.push(requested);
      request.abort('blockedbyclient');
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => failures.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  await page.goto(url);
  return { page, context, requests, failures, foreign };
}

/** Waits until each of `ids` has an `inpaint` or an `error` event, and fails on an error. */
export async function waitForFills(page, ids, timeout = 120_000) {
  await page.waitForFunction(
    (wanted) => wanted.every((id) => window.figureEvents[id]?.some((event) => event.type === 'inpaint' || event.type === 'error')),
    { timeout, polling: 100 },
    ids,
  );
  const events = await page.evaluate(() => window.figureEvents);
  for (const id of ids) {
    const error = events[id].find((event) => event.type === 'error');
    assert.equal(error, undefined, `#${id}: ${error?.type}: ${error?.message}`);
  }
  return events;
}

/**
 * Every <square-inpainter> on the page as drawn: its grid size, pixels and mask (the properties, which a stroke
 * changes), how many cells it shows in each state, its status
 * line.
 */
export function figuresOn(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('square-inpainter')].map((element) => {
        const count = (part) => element.shadowRoot?.querySelectorAll(`[part~='${part}']`).length ?? 0;
        return [
          element.id,
          {
            gridSize: element.gridSize,
            pixels: (element.pixels ?? '').replace(/\s/g, ''),
            mask: (element.mask ?? '').replace(/\s/g, ''),
            defined: customElements.get('square-inpainter') === element.constructor,
            cells: count('cell'),
            hidden: count('cell-hidden'),
            filled: count('cell-filled'),
            white: count('cell-white') + count('cell-filled-white'),
            status: element.shadowRoot?.querySelector("[part~='status']")?.textContent.trim() ?? '',
          },
        ];
      }),
    ),
  );
}

/** The centre of cell `index` of the element `id`, scrolled into view, in page coordinates for the mouse. */
export function cellCentre(page, id, index) {
  return page.evaluate(
    (elementId, cellIndex) => {
      const element = document.getElementById(elementId);
      element.scrollIntoView({ block: 'center' });
      const box = element.shadowRoot.querySelectorAll("[part~='cell']")[cellIndex].getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    },
    id,
    index,
  );
}

/** The resources the page fetched, from its Resource Timing entries: `{path, bytes}` with the body's size. */
export function resourcesOf(page) {
  return page.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => ({ path: new URL(entry.name).pathname, bytes: entry.transferSize || entry.encodedBodySize || 0 })),
  );
}

/** Checks that every request stayed on the page's origin, under `prefix`, and that none failed. */
export function checkRequests({ requests, failures, foreign }, origin, prefix = '/') {
  assert.deepEqual(foreign, [], 'requests left the page origin');
  assert.deepEqual(failures, [], 'requests failed');
  const outside = requests.filter((url) => url.startsWith(`${origin}/`) && !new URL(url).pathname.startsWith(prefix));
  assert.deepEqual(outside, [], `requests outside the site's path ${prefix}`);
}

/** Creates `folder`'s parents and returns it: generators write into a destination they are given. */
export async function folder(...parts) {
  const joined = path.join(...parts);
  await mkdir(joined, { recursive: true });
  return joined;
}

/** The example post's figures with hidden cells, which must fill, and those with none, drawn as they are. */
export const FILLED = ['puzzle-8', 'puzzle-16', 'draw', 'bert', 'cnn-local', 'cnn-dilated', 'attention'];
export const DRAWN = ['sample', 'exact'];

/**
 * Opens the example post at `url` (the same figures on every example site) and checks each figure: filled where
 * it hides cells, drawn as given where it hides none, the comparison as the post describes it, a stroke on the
 * grid to draw on, attention on hover; every request on `origin` under `prefix`, none failing, and the element's
 * module fetched once. `assets` is the path the package's files are served from. Reports the time to each first fill and the bytes through `t`.
 */
export async function checkPost(browser, { url, origin, prefix, assets }, t) {
  const opened = await openPage(browser, url);
  const { page, context } = opened;
  try {
    const events = await waitForFills(page, FILLED);
    const figures = await figuresOn(page);
    assert.deepEqual(Object.keys(figures).sort(), [...FILLED, ...DRAWN].sort());
    for (const [id, figure] of Object.entries(figures)) {
      assert.ok(figure.defined, `#${id} is not upgraded`);
      assert.equal(figure.cells, figure.gridSize ** 2, `#${id} draws ${figure.cells} cells`);
      assert.equal(figure.hidden, 0, `#${id} still shows hidden cells`);
    }
    for (const id of FILLED) {
      const { pixels, mask } = figures[id];
      const filled = events[id].find((event) => event.type === 'inpaint').pixels.replace(/\s/g, '');
      assert.ok([...filled].every((cell, i) => mask[i] === '1' || cell === pixels[i]), `#${id}: a visible cell changed`);
      assert.equal(figures[id].filled, [...mask].filter((cell) => cell === '1').length, `#${id}: not every hidden cell is filled`);
    }
    for (const id of DRAWN) {
      assert.equal(figures[id].filled, 0, `#${id} has nothing hidden`);
      assert.equal(figures[id].white, [...figures[id].pixels].filter((cell) => cell === '1').length, `#${id} is not drawn as given`);
    }
    // The baselines come from the site's copy, under its base URL.
    const loaded = events['cnn-local'].find((event) => event.type === 'load');
    assert.equal(new URL(loaded.modelUrl).pathname, `${assets}dist/baselines/cnn-local-16.onnx`);

    // The comparison says what it shows: one square fits, so the exact answer is that square; the BERT and the
    // dilated CNN fill it in one run, the local CNN leaves cells beyond its window black.
    const exact = await page.evaluate(async (bert) => {
      const { exactPosterior } = await import(document.querySelector('script[type="module"]').src);
      const { probabilities, fits } = exactPosterior(16, bert.pixels, bert.mask);
      return { fits, pixels: [...probabilities].map((p) => (p > 0.5 ? '1' : '0')).join('') };
    }, figures.bert);
    assert.equal(exact.fits, 1);
    assert.equal(figures.exact.pixels, exact.pixels, '#exact is not the one square that fits');
    const fillOf = (id) => events[id].find((event) => event.type === 'inpaint').pixels.replace(/\s/g, '');
    assert.equal(fillOf('bert'), exact.pixels, 'the BERT missed the exact answer');
    assert.equal(fillOf('cnn-dilated'), exact.pixels, 'the dilated CNN missed the exact answer');
    assert.notEqual(fillOf('cnn-local'), exact.pixels, 'the local CNN found the exact answer: the post says it cannot');

    // Drawing on the grid: a stroke paints a visible black cell white, and the model fills again.
    const fills = events.draw.filter((event) => event.type === 'inpaint').length;
    const cell = await cellCentre(page, 'draw', 5 * 8 + 1);
    await page.mouse.click(cell.x, cell.y);
    await page.waitForFunction((count) => window.figureEvents.draw.filter((event) => event.type === 'inpaint').length > count, { timeout: 60_000 }, fills);
    assert.equal((await figuresOn(page)).draw.pixels[5 * 8 + 1], '1', 'the stroke did not paint the cell');

    // Attention: hovering a hidden cell says where the model looked for it.
    const hovered = await cellCentre(page, 'attention', 5 * 8 + 3);
    await page.mouse.move(hovered.x, hovered.y);
    const note = await page.waitForFunction(
      () => {
        const text = document.getElementById('attention').shadowRoot.querySelector("[part~='attention-note']")?.textContent ?? '';
        return text.includes('attends most to') && text;
      },
      { timeout: 60_000 },
    );
    t.diagnostic(`attention: ${await note.jsonValue()}`);

    checkRequests(opened, origin, prefix);
    const modules = opened.requests.filter((requested) => new URL(requested).pathname === `${assets}dist/square-inpainter.js`);
    assert.equal(modules.length, 1, "the element's module was not fetched exactly once");
    const resources = await resourcesOf(page);
    const firstFills = FILLED.map((id) => {
      const first = events[id].find((event) => event.type === 'inpaint');
      return `${id} ${(first.at / 1000).toFixed(2)} s (${first.runs} runs, durationMs ${Math.round(first.durationMs)})`;
    });
    t.diagnostic(`first fill after navigation, cold: ${firstFills.join('; ')}`);
    const bytes = resources.reduce((sum, resource) => sum + resource.bytes, 0);
    const packageBytes = resources.filter((resource) => resource.path.startsWith(assets)).reduce((sum, resource) => sum + resource.bytes, 0);
    t.diagnostic(`${(bytes / 1e6).toFixed(2)} MB over ${opened.requests.length} requests (uncompressed), ${(packageBytes / 1e6).toFixed(2)} MB of them the package's files`);
  } finally {
    await context.close();
  }
}

/**
 * Opens a page at `url` with one figure, `#picture`, that hides nothing, and checks that it is drawn and that of the
 * package's files (under `assets`) only the element's module came: no model, no wasm, no worker, under 100 KB.
 */
export async function checkStaticPicture(browser, { url, origin, prefix, assets }, t) {
  const opened = await openPage(browser, url);
  const { page, context } = opened;
  try {
    await page.waitForFunction(() => document.getElementById('picture')?.shadowRoot?.querySelectorAll("[part~='cell']").length === 256, { timeout: 60_000 });
    // Long enough for a load to start: the element starts one, if it does, on its first update.
    await page.waitForNetworkIdle({ idleTime: 2000, timeout: 60_000 });
    checkRequests(opened, origin, prefix);
    const figure = (await figuresOn(page)).picture;
    assert.equal(figure.white, [...figure.pixels].filter((cell) => cell === '1').length, 'the picture is not drawn as given');
    const fetched = (await resourcesOf(page)).filter((resource) => resource.path.startsWith(assets));
    const bytes = fetched.reduce((sum, resource) => sum + resource.bytes, 0);
    t.diagnostic(`the package's files fetched: ${fetched.map((resource) => `${resource.path} ${resource.bytes} B`).join(', ')}`);
    assert.deepEqual(
      fetched.map((resource) => resource.path).filter((file) => /\.(onnx|wasm|mjs)$|square-inpainter-worker/.test(file)),
      [],
      'a picture with nothing hidden fetched a model or the runtime',
    );
    assert.deepEqual(page.workers().map((worker) => worker.url()), [], 'the runtime worker started');
    assert.ok(bytes < 100_000, `${bytes} B of the package's files`);
  } finally {
    await context.close();
  }
}
