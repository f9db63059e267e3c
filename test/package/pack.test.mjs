// The package as users get it: `npm pack`, install the tarball into a new project, and inpaint in headless
// Chromium from (1) a plain page with an import map and (2) a page bundled by rollup. Every request the pages
// make is intercepted: each must go to the page's own origin, and the models and wasm must load from there.
//
// Needs `npm run build` first (npm test does it) and the bundled models in models/. The tarball installs with
// `npm install --offline`: the project gets a copy of this repository's package-lock.json, so npm resolves
// every dependency from it and takes the tarballs from the cache that `npm ci` filled; without a lockfile npm
// would ask the registry for each package's metadata.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { CONTENT_TYPES } from '../../scripts/content-types.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./consumer/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';


let project;
let server;
let origin;
let browser;
let packed;

/** A static server for `folder`, cross-origin isolated like the README asks, so onnxruntime-web may use threads. */
function serve(folder) {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = path.join(folder, decodeURIComponent(url.pathname));
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    try {
      if (!file.startsWith(folder)) throw new Error('outside');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
    }
  });
}

before(async () => {
  for (const needed of ['dist/square-inpainter.js', 'models/square-inpainter-8.onnx', 'models/square-inpainter-16.onnx']) {
    assert.ok(existsSync(path.join(root, needed)), `${needed} is missing: run npm run build (and have the bundled models)`);
  }
  project = await mkdtemp(path.join(tmpdir(), 'square-inpainter-package-'));

  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', project], { cwd: root });
  [packed] = JSON.parse(stdout);

  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8'));
  const app = { name: 'square-inpainter-consumer', version: '1.0.0', private: true, type: 'module' };
  const devDependencies = {
    rollup: manifest.devDependencies.rollup,
    '@rollup/plugin-node-resolve': manifest.devDependencies['@rollup/plugin-node-resolve'],
  };
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ ...app, devDependencies }, null, 2));
  lock.name = app.name;
  lock.version = app.version;
  lock.packages[''] = { ...app, devDependencies };
  await writeFile(path.join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
  await cp(fixtures, project, { recursive: true });
  const install = (mode) => run(npm, ['install', mode, '--no-audit', '--no-fund', `./${packed.filename}`], { cwd: project });
  await install('--offline').catch((error) => {
    // A cache that `npm ci` did not fill (a developer's, after other installs) may lack a tarball: then the
    // registry gives what is missing, and nothing else.
    if (!/ENOTCACHED/.test(error.stderr)) throw error;
    console.log(`# npm install --offline: ${error.stderr.match(/request to (\S+)/)?.[1] ?? 'a package'} is not cached; trying --prefer-offline`);
    return install('--prefer-offline');
  });

  await run(process.execPath, [path.join(project, 'node_modules/rollup/dist/bin/rollup'), '-c', '--silent'], { cwd: project });
  // What a copy plugin would do: the package's assets beside the bundle, where main.js points the element.
  const installed = path.join(project, 'node_modules/square-inpainter');
  await mkdir(path.join(project, 'build/square-inpainter'), { recursive: true });
  await cp(path.join(installed, 'models'), path.join(project, 'build/square-inpainter/models'), { recursive: true });
  await cp(path.join(installed, 'dist/ort'), path.join(project, 'build/square-inpainter/ort'), { recursive: true });

  server = serve(project);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: false, // CHROMIUM_ARGS ask for the new headless mode themselves
    args: [
      ...CHROMIUM_ARGS,
      // A second guard: any host but the page's own fails to resolve, even if a request slipped past the page.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

test('the tarball ships the module, its types, the onnxruntime-web files and the models, and no sources or tests', () => {
  const files = packed.files.map((f) => f.path);
  for (const file of [
    'package.json',
    'dist/square-inpainter.js',
    'dist/types/index.d.ts',
    'dist/ort/ort.wasm.min.mjs',
    'dist/ort/ort-wasm-simd-threaded.wasm',
    'dist/ort/ort.webgpu.min.mjs',
    'dist/ort/ort-wasm-simd-threaded.asyncify.wasm',
    'models/manifest.json',
    'models/square-inpainter-8.onnx',
    'models/square-inpainter-16.onnx',
  ]) {
    assert.ok(files.includes(file), `${file} is not in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|training|demo|scripts|bench)\//.test(f)), []);
});

/**
 * Opens `page` of the installed project, intercepting every request, and waits for the element's first
 * `inpaint` (or `error`). Returns the outcome and the URLs requested.
 */
async function inpaintOn(pagePath) {
  const page = await browser.newPage();
  const requests = [];
  const failures = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    requests.push(url);
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) request.continue();
    else request.abort('blockedbyclient');
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  try {
    await page.goto(`${origin}/${pagePath}`);
    const outcome = await page.evaluate(() =>
      Promise.race([
        // Module scripts run before the load event that goto waits for, unless they failed.
        window.outcome ?? { type: 'no-script', message: 'the page script did not run' },
        new Promise((resolve) => setTimeout(() => resolve({ type: 'timeout', message: 'no inpaint or error event in 120 s' }), 120_000)),
      ]),
    );
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    return { outcome, isolated, requests, failures };
  } finally {
    await page.close();
  }
}

/** Checks one page's outcome: a fill that keeps the visible cells, from its own origin's model and wasm. */
function checkInpaint({ outcome, isolated, requests, failures }, { gridSize, pixels, mask }) {
  assert.equal(outcome.type, 'inpaint', `${outcome.type}: ${outcome.message} (${failures.join('; ') || 'no failed requests'})`);
  assert.equal(outcome.backend, 'wasm');
  assert.ok(outcome.runs >= 1);
  const filled = outcome.pixels.replace(/\s/g, '');
  const given = pixels.replace(/\s/g, '');
  const hidden = mask.replace(/\s/g, '');
  assert.equal(filled.length, gridSize * gridSize);
  assert.ok([...filled].every((c, i) => hidden[i] === '1' || c === given[i]), 'a visible cell changed');
  assert.ok(isolated, 'the page is not cross-origin isolated');
  assert.deepEqual(failures, []);
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
  assert.deepEqual(foreign, [], 'requests left the page origin');
  assert.ok(requests.some((url) => url.endsWith(`/square-inpainter-${gridSize}.onnx`)), 'the model was not fetched');
  assert.ok(requests.some((url) => url.endsWith('/ort-wasm-simd-threaded.wasm')), 'the wasm was not fetched');
  assert.deepEqual(requests.filter((url) => url.includes('asyncify') || url.includes('webgpu')), [], 'a WASM page fetched the WebGPU build');
}

async function attributesOf(pagePath) {
  const html = await readFile(path.join(fixtures, pagePath), 'utf8');
  const attribute = (name) => html.match(new RegExp(`\\s${name}="([^"]*)"`))[1];
  return { gridSize: Number(attribute('grid-size')), pixels: attribute('pixels'), mask: attribute('mask') };
}

test('a plain HTML page with an import map inpaints with the installed package', { timeout: 180_000 }, async () => {
  const result = await inpaintOn('import-map.html');
  checkInpaint(result, await attributesOf('import-map.html'));
  assert.ok(result.requests.some((url) => url.startsWith(`${origin}/node_modules/square-inpainter/models/`)));
});

test('a page bundled by rollup from the installed package inpaints', { timeout: 180_000 }, async () => {
  const result = await inpaintOn('bundled.html');
  checkInpaint(result, await attributesOf('bundled.html'));
  assert.ok(result.requests.some((url) => url.startsWith(`${origin}/build/square-inpainter/models/`)));
  assert.deepEqual(result.requests.filter((url) => url.includes('/node_modules/')), [], 'the bundle reached into node_modules');
});
