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
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
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
    headless: false, // CHROMIUM_ARGS ask for the new headless mode themselves
    // A second guard: any host but the page's own fails to resolve, even if a request slipped past the page.
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
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
