// The benchmark's measurements, in Debian's headless Chromium: <square-inpainter> against raw onnxruntime-web on
// the same model and input in the same page (timeConfiguration), the bytes a page downloads to its first inpaint
// (countBytes), the files' gzip sizes, the npm package's size and the models' FLOPs (bench/flops.py). measure() runs them for the options
// bench/run.mjs parsed and returns what bench/results.json holds; checkResults() is what CI's quick run asserts.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { measurePlainPage, servePlain } from './plain-page.mjs';
import { startServer } from './server.mjs';
import { CHROMIUM_ARGS } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');

/**
 * Every timing page is cross-origin isolated, the 1-thread one too: only there does performance.now() resolve
 * to 5 µs instead of 100 µs, which matters beside runs of a few milliseconds. The thread count is set
 * explicitly (onnxruntime-web's default is half the cores, 1 on a 2-core machine).
 */
export const MODES = {
  'wasm-1t': { backend: 'wasm', threads: 1, isolated: true },
  'wasm-2t': { backend: 'wasm', threads: 2, isolated: true },
  webgpu: { backend: 'webgpu', threads: undefined, isolated: true },
};

/** The input every configuration uses: a white square with a box hidden over all of it and its border. */
function benchInput(grid) {
  const side = grid / 2 - 1;
  const top = Math.floor(grid / 4);
  const left = grid - side - Math.floor(grid / 4);
  let pixels = '';
  let mask = '';
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const inSquare = row >= top && row < top + side && col >= left && col < left + side;
      const inBox = row >= top - 1 && row <= top + side && col >= left - 1 && col <= left + side;
      pixels += inSquare ? '1' : '0';
      mask += inBox ? '1' : '0';
    }
  }
  return { pixels, mask };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `a[i] − b[i]` for each round. */
const differences = (a, b) => a.map((value, i) => value - b[i]);

const round = (value, digits = 2) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

async function withPage(browser, use) {
  // A fresh context per page: an empty HTTP cache and no onnxruntime-web already running.
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const messages = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn') messages.push(message.text());
    });
    page.on('pageerror', (error) => messages.push(String(error)));
    try {
      return await use(page);
    } catch (error) {
      if (messages.length) error.message += `\n  page console:\n    ${messages.slice(-10).join('\n    ')}`;
      throw error;
    }
  } finally {
    await context.close();
  }
}

async function openBenchPage(page, origin, isolated) {
  await page.goto(`${origin}/bench/page.html?isolated=${isolated ? 1 : 0}`);
  await page.waitForFunction('window.benchReady === true', { timeout: 30_000 });
}

async function timeConfiguration(browser, origin, options, grid, modeName, flops, matmul) {
  const mode = MODES[modeName];
  const input = benchInput(grid);
  const reps = mode.backend === 'webgpu' ? options.webgpuReps : options.reps;
  const args = { grid, backend: mode.backend, threads: mode.threads, ...input, warmup: Math.min(options.warmup, reps), reps };
  const element = await withPage(browser, async (page) => {
    await openBenchPage(page, origin, mode.isolated);
    return page.evaluate((a) => window.bench.elementBench(a), args);
  });
  const raw = await withPage(browser, async (page) => {
    await openBenchPage(page, origin, mode.isolated);
    const rawArgs = { ...args, backend: element.backend, reps: Math.min(options.rawReps, reps) };
    if (matmul) rawArgs.matmul = { url: '/bench/.tmp/matmul.onnx', m: matmul.m, k: matmul.k, flops: matmul.flops, reps: options.matmulReps };
    return page.evaluate((a) => window.bench.rawBench(a), rawArgs);
  });

  const s = element.samples;
  const rawP50 = percentile(s.raw, 50);
  const runs = percentile(s.runs, 50);
  const oneShotP50 = percentile(s.oneShot, 50);
  const iterativeP50 = percentile(s.iterative, 50);
  // The ceiling is the best the backend did: a rough limit, so the least disturbed repetition.
  const ceilingMs = raw.ceiling ? Math.min(...raw.ceiling.times) : null;
  const ceilingGflops = ceilingMs ? raw.ceiling.flops / ceilingMs / 1e6 : null;
  const modelGflops = flops ? flops / rawP50 / 1e6 : null;
  return {
    grid,
    mode: modeName,
    backend: element.backend,
    fellBack: element.backend !== mode.backend,
    threads: mode.backend === 'wasm' ? element.threads : null,
    crossOriginIsolated: element.crossOriginIsolated,
    load: {
      elementColdMs: round(element.cold.loadMs),
      elementWarmMs: round(element.warmLoadMs),
      rawColdCreateMs: round(raw.coldCreateMs),
      rawColdParts: { importMs: round(raw.importMs), fetchModelMs: round(raw.fetchMs), createSessionMs: round(raw.createMs) },
      rawWarmCreateMs: round(element.rawCreateWarmMs),
      rawFirstRunMs: round(raw.firstRunMs),
      rawRunsOnColdPage: raw.runs.map((value) => round(value)),
      // The later half: V8 tiers the wasm's hot functions up over the first runs of a page.
      rawSteadyRunMsOnColdPage: round(percentile(raw.runs.slice(Math.floor(raw.runs.length / 2)), 50)),
      rawFirstRunOnWarmPageMs: round(element.rawFirstRunMs),
      firstInpaintAfterLoadMs: round(element.cold.firstInpaintMs),
      firstInpaintDecodeMs: round(element.cold.firstInpaintDecodeMs),
    },
    steady: {
      rounds: s.raw.length,
      // Where the raw baseline of these rounds ran (a runtime worker of the bench's own, on the element's engine,
      // build and thread count).
      rawIn: element.rawIn ?? 'page',
      rawRun: { p50: round(rawP50), p95: round(percentile(s.raw, 95)) },
      oneShot: {
        p50: round(oneShotP50),
        p95: round(percentile(s.oneShot, 95)),
        // The parts: decoding with its model run (the event's durationMs + queuedMs), the rest of the request with Lit's
        // renders and the event, and the style and layout after it.
        decodeP50: round(percentile(s.oneShotDecode, 50)),
        restP50: round(percentile(s.oneShotRest, 50)),
        layoutP50: round(percentile(s.oneShotLayout, 50)),
        runs: 1,
      },
      // Where one-shot's time beyond the raw run goes, each the p50 of a per-round difference. The messages: the
      // round trip of a request the worker answers at once (a `time` of no runs). The runtime's decode code in the
      // worker: a bare one-shot `decode` request's round trip less that and the raw run. The element's own path on
      // the page: the event's durationMs + queuedMs less the bare decode's round trip. The render and layout are above.
      oneShotOverhead: s.fillTrip?.length
        ? {
            messagesP50: round(percentile(s.emptyTrip, 50), 3),
            fillCodeP50: round(percentile(s.fillTrip.map((trip, i) => trip - s.raw[i] - s.emptyTrip[i]), 50), 3),
            elementRequestP50: round(percentile(differences(s.oneShotDecode, s.fillTrip), 50), 3),
          }
        : null,
      iterative: {
        p50: round(iterativeP50),
        p95: round(percentile(s.iterative, 95)),
        decodeP50: round(percentile(s.iterativeDecode, 50)),
        runs,
      },
      rawSequence: { runs, p50: round(percentile(s.rawSequence, 50)) },
      rerenderP50: round(percentile(s.rerender, 50), 3),
      oneShotOverRaw: round(oneShotP50 / rawP50, 3),
      iterativeOverRawSequence: round(iterativeP50 / percentile(s.rawSequence, 50), 3),
      iterativeOverRunsTimesRaw: round(iterativeP50 / (runs * rawP50), 3),
      // The same ratios from each series' fastest round: on a busy machine the minimum is the round that was
      // least disturbed. Fair for one-shot (tasks of one length); for iterative, a min of one long task against a
      // min of short ones comes out high, and the back-to-back baseline above is the better check.
      oneShotOverRawMin: round(Math.min(...s.oneShot) / Math.min(...s.raw), 3),
      iterativeOverRunsTimesRawMin: round(Math.min(...s.iterative) / (runs * Math.min(...s.raw)), 3),
      samples: Object.fromEntries(Object.entries(s).map(([key, values]) => [key, values.map((value) => round(value))])),
    },
    compute: {
      flopsPerRun: flops,
      modelGflops: round(modelGflops, 3),
      matmulCeilingGflops: round(ceilingGflops, 2),
      shareOfCeiling: modelGflops && ceilingGflops ? round(modelGflops / ceilingGflops, 4) : null,
    },
  };
}

/**
 * The pages whose bytes to the first inpaint are counted: WASM only, and WebGPU with each of its builds (`auto`
 * would take WASM on this machine's software adapter, so the WebGPU pages ask for `webgpu`).
 */
const BYTE_PAGES = [
  { page: 'wasm-only', backend: 'wasm' },
  { page: 'webgpu, JSPI', backend: 'webgpu' },
  { page: 'webgpu, asyncify (no JSPI)', backend: 'webgpu', query: '&nojspi=1' },
];

/**
 * Loads bench/first-inpaint.html in a fresh context and counts the bytes it downloads until the first inpaint: the
 * response bodies as the server sent them (gzip), with Chromium's own count (CDP, headers included) beside them.
 * The server's count is the one reported: Chromium sometimes reports a streamed response that the page read to
 * its end as aborted, without a byte count.
 */
async function countBytes(browser, server, grid, { page: pageName, backend, query = '' }) {
  const { origin } = server;
  return withPage(browser, async (page) => {
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map();
    cdp.on('Network.requestWillBeSent', (event) => requests.set(event.requestId, { url: event.request.url, bytes: 0, done: false }));
    cdp.on('Network.loadingFinished', (event) => {
      const request = requests.get(event.requestId);
      if (request) Object.assign(request, { bytes: event.encodedDataLength, done: true });
    });
    cdp.on('Network.loadingFailed', (event) => {
      const request = requests.get(event.requestId);
      if (request) request.done = true;
    });
    server.takeSent();
    await page.goto(`${origin}/bench/first-inpaint.html?backend=${backend}&grid=${grid}${query}`);
    await page.waitForFunction('window.firstInpaint', { timeout: 180_000 });
    const sent = server.takeSent();
    // Chromium's events can come a little after the page has used the response.
    for (let waited = 0; [...requests.values()].some((request) => !request.done) && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await page.evaluate(() => ({
      ...window.firstInpaint,
      // PerformanceResourceTiming as a cross-check of the CDP count (it leaves out response headers).
      resourceTimingBytes: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce(
        (sum, entry) => sum + entry.transferSize,
        0,
      ),
    }));
    if (result.error) throw new Error(`first-inpaint page (${backend}): ${result.error}`);
    const browserCount = [...requests.values()].map(({ url, bytes }) => ({ path: new URL(url).pathname, bytes }));
    return {
      grid,
      page: pageName,
      backend: result.backend,
      totalBytes: sent.reduce((sum, file) => sum + file.bytes, 0),
      // Cross-checks: Chromium's count with response headers (0 for a response it reported as aborted), and
      // PerformanceResourceTiming's transfer sizes.
      cdpBytes: browserCount.reduce((sum, file) => sum + file.bytes, 0),
      resourceTimingBytes: result.resourceTimingBytes,
      requests: sent.length,
      fetchedWebGpuWasm: sent.some((file) => /ort-wasm-simd-threaded\.(asyncify|jspi)\.wasm$/.test(file.path)),
      files: sent,
      browserCount,
    };
  });
}

/**
 * The main thread's long tasks (> 50 ms) on bench/long-tasks.html, a fresh page: from inserting an element to its
 * first inpaint (cold), the same for a second element once the model is open (warm), and during iterative fills
 * back to back (100 on WASM, 5 on SwiftShader's WebGPU). Total blocking time is Lighthouse's: the sum of each task's time over 50 ms.
 */
async function countLongTasks(browser, origin, grid, backend) {
  return withPage(browser, async (page) => {
    await page.goto(`${origin}/bench/long-tasks.html`);
    await page.waitForFunction('window.longTaskLoad');
    // SwiftShader takes seconds a fill: a few show the pattern there.
    const fills = backend === 'webgpu' ? 5 : 100;
    const loads = await page.evaluate((g, b) => window.longTaskLoad(g, b), grid, backend);
    // The main thread's own time during the fills: Chromium's TaskDuration counts the page's main thread only
    // (the runtime worker's thread is not in it), idle time excluded.
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const before = await taskSeconds();
    const fillsResult = await page.evaluate((g, n) => window.longTaskFills(g, n), grid, fills);
    const mainThreadMs = (await taskSeconds()) - before;
    const fillsMs = fillsResult.ms;
    return {
      grid,
      backend,
      ...loads,
      fills: { ...fillsResult, mainThreadMsPerFill: round((mainThreadMs * 1000) / fills, 3), wallMsPerFill: round(fillsMs / fills, 3) },
    };
  });
}

/**
 * Figures of two sizes on one page (bench/mixed-page.html, WASM): an 8×8 element's one-shot fills on a page where a
 * 16×16 element loads beside it, against the same fills on a page with the 8×8 element alone, fresh pages in turn,
 * `rounds` of each, `fills` fills each once the 8×8 element loaded. p50 and max of the fills' durationMs, queuedMs
 * and time from the request to the result (wall), over every fill, and over those the mixed page asked for before
 * the 16×16 model's `load` (at least its first) against as many from the start of the 8×8-only page's. Issue 24
 * asks for the mixed page's 8×8 durationMs within 1.5× of the 8×8-only page's.
 */
async function measureMixedPage(browser, origin, { rounds, fills }) {
  const pages = { eightOnly: [], mixed: [] };
  const loadedMs = [];
  for (let pass = 0; pass < rounds; pass++) {
    for (const [kind, grids] of [['eightOnly', [8]], ['mixed', [8, 16]]]) {
      const result = await withPage(browser, async (page) => {
        await page.goto(`${origin}/bench/mixed-page.html`);
        await page.waitForFunction('window.mixedPage');
        return page.evaluate((g, n) => window.mixedPage(g, 'wasm', n), grids, fills);
      });
      pages[kind].push(result.samples);
      if (kind === 'mixed') loadedMs.push(result.loadedMs.map((ms) => round(ms)));
    }
  }
  const duringLoad = pages.mixed.map((samples) => Math.max(1, samples.filter((sample) => sample.othersLoading).length));
  const stats = (samples) => {
    const of = (key) => samples.map((sample) => sample[key]).filter((value) => typeof value === 'number');
    const summary = (values) => (values.length ? { p50: round(percentile(values, 50)), max: round(Math.max(...values)) } : null);
    return { fills: samples.length, durationMs: summary(of('durationMs')), queuedMs: summary(of('queuedMs')), wallMs: summary(of('wallMs')) };
  };
  const first = (kind) => pages[kind].flatMap((samples, i) => samples.slice(0, duringLoad[i]));
  const all = { eightOnly: stats(pages.eightOnly.flat()), mixed: stats(pages.mixed.flat()) };
  const whileLoading = { eightOnly: stats(first('eightOnly')), mixed: stats(first('mixed')) };
  const ratio = ({ eightOnly, mixed }) => round(mixed.durationMs.p50 / eightOnly.durationMs.p50, 3);
  return {
    backend: 'wasm',
    decoding: 'one-shot',
    rounds,
    fills,
    // When each element of the mixed page loaded, ms after insertion: [8×8, 16×16].
    loadedMs,
    all,
    allRatio: ratio(all),
    // Per round, how many of the mixed page's fills were asked for while the 16×16 model loaded.
    duringLoad,
    whileLoading,
    whileLoadingRatio: ratio(whileLoading),
    samples: Object.fromEntries(
      Object.entries(pages).map(([kind, list]) => [
        kind,
        list.map((samples) => samples.map((s) => ({ ...s, durationMs: round(s.durationMs), queuedMs: round(s.queuedMs), wallMs: round(s.wallMs), at: round(s.at) }))),
      ]),
    ),
  };
}

async function gzipSizes(distDir, modelsDir, grids) {
  const entry = async (label, file, shownAs = path.relative(root, file)) => {
    const body = await readFile(file);
    return { label, path: shownAs, bytes: body.length, gzipBytes: gzipSync(body).length };
  };
  const ort = (name) => path.join(distDir, 'ort', name);
  return [
    await entry('element JS (Lit included, ORT excluded)', path.join(distDir, 'square-inpainter.js'), 'dist/square-inpainter.js'),
    await entry('ORT JS, WASM build', ort('ort.wasm.bundle.min.mjs'), 'dist/ort/ort.wasm.bundle.min.mjs'),
    await entry('ORT wasm, WASM build', ort('ort-wasm-simd-threaded.wasm'), 'dist/ort/ort-wasm-simd-threaded.wasm'),
    await entry('ORT JS, WebGPU build (JSPI)', ort('ort.jspi.bundle.min.mjs'), 'dist/ort/ort.jspi.bundle.min.mjs'),
    await entry('ORT wasm, WebGPU build (JSPI)', ort('ort-wasm-simd-threaded.jspi.wasm'), 'dist/ort/ort-wasm-simd-threaded.jspi.wasm'),
    await entry('ORT JS, WebGPU build (asyncify)', ort('ort.webgpu.bundle.min.mjs'), 'dist/ort/ort.webgpu.bundle.min.mjs'),
    await entry('ORT wasm, WebGPU build (asyncify)', ort('ort-wasm-simd-threaded.asyncify.wasm'), 'dist/ort/ort-wasm-simd-threaded.asyncify.wasm'),
    ...(await Promise.all(grids.map((grid) => entry(`model ${grid}×${grid}`, path.join(modelsDir, `square-inpainter-${grid}.onnx`))))),
  ];
}

/**
 * The npm package as `npm pack` makes it of the repository now (a dry run: no tarball written): the tarball's
 * size, its unpacked size (what `npm install` puts in node_modules besides its dependencies) and its file count.
 */
export function packageSize() {
  try {
    const output = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 2 ** 20 });
    const [packed] = JSON.parse(output);
    return { date: new Date().toISOString(), tarballBytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount };
  } catch (error) {
    console.warn(`bench: no package size (${String(error.message).split('\n')[0]})`);
    return null;
  }
}

function countFlops(modelsDir, grids) {
  const models = grids.map((grid) => path.join(modelsDir, `square-inpainter-${grid}.onnx`));
  const matmulPath = path.join(benchDir, '.tmp/matmul.onnx');
  try {
    const output = execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [path.join(benchDir, 'flops.py'), ...models, '--matmul', matmulPath], {
      encoding: 'utf8',
    });
    const parsed = JSON.parse(output);
    return {
      perGrid: Object.fromEntries(grids.map((grid, i) => [grid, parsed.models[models[i]]])),
      matmul: parsed.matmul,
    };
  } catch (error) {
    console.warn(`bench: no FLOP count (${String(error.message).split('\n')[0]}); the compute columns stay empty`);
    return { perGrid: {}, matmul: null };
  }
}

/**
 * Starts the server and the browser, times every grid × mode of `options`, counts the bytes to the first inpaint
 * and returns the results (the content of bench/results.json). Every page loads `distDir`, a copy of dist/, and
 * `distBenchDir`, a copy of dist-bench/ (the timing page's code and the bench's runtime worker);
 * `onTiming(result, seconds)` is called after each timed configuration. The server and browser are closed at the
 * end, also on SIGINT/SIGTERM.
 */
export async function measure(options, { modelsDir, distDir, distBenchDir, onTiming = () => {} }) {
  const started = Date.now();
  const loadStart = os.loadavg()[0];
  const flops = countFlops(modelsDir, options.grids);
  const server = await startServer({ root, models: options.models ? modelsDir : undefined, dist: distDir, distBench: distBenchDir });
  const plainServer = options.parts.includes('plain') ? await servePlain(root, distDir, options.models ? modelsDir : undefined) : undefined;
  let browser;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await server.close();
    await plainServer?.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop().finally(() => process.exit(130)));
  try {
    browser = await puppeteer.launch({ executablePath: options.executablePath, headless: false, args: CHROMIUM_ARGS, protocolTimeout: 600_000 });
    const adapter = await withPage(browser, async (page) => {
      await page.goto(`${server.origin}/bench/page.html`);
      return page.evaluate(async () => {
        const found = await navigator.gpu?.requestAdapter();
        return found ? `${found.info.vendor} ${found.info.architecture}`.trim() : 'no adapter';
      });
    });

    const timings = [];
    for (const grid of options.parts.includes('timings') ? options.grids : []) {
      for (const mode of options.modes) {
        const at = Date.now();
        const result = await timeConfiguration(browser, server.origin, options, grid, mode, flops.perGrid[grid]?.flops ?? null, flops.matmul);
        timings.push(result);
        onTiming(result, (Date.now() - at) / 1000);
      }
    }
    const longTasks = [];
    for (const backend of options.parts.includes('longtasks') ? ['wasm', 'webgpu'] : []) {
      if (backend === 'webgpu' && options.quick) continue;
      for (const grid of options.quick ? options.grids : [16]) longTasks.push(await countLongTasks(browser, server.origin, grid, backend));
    }
    const mixedPage = options.parts.includes('mixed') ? await measureMixedPage(browser, server.origin, options.mixed) : null;
    // The plain page: every grid on WASM and WebGPU (quick: WASM only), cold and warm.
    const plain = [];
    for (const backend of !plainServer ? [] : options.quick ? ['wasm'] : ['wasm', 'webgpu']) {
      for (const grid of options.grids) plain.push(await measurePlainPage(browser, plainServer.origin, grid, backend));
    }
    const bytes = [];
    const byteGrids = !options.parts.includes('bytes') ? [] : options.quick ? options.grids : [16];
    for (const grid of byteGrids) {
      for (const page of options.quick ? BYTE_PAGES.slice(0, 1) : BYTE_PAGES) bytes.push(await countBytes(browser, server, grid, page));
    }

    return {
      date: new Date(started).toISOString(),
      quick: options.quick,
      durationS: round((Date.now() - started) / 1000, 1),
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        loadAverage: { start: loadStart, end: os.loadavg()[0] },
        browser: await browser.version(),
        webgpuAdapter: adapter,
      },
      options: {
        grids: options.grids,
        modes: options.modes,
        warmup: options.warmup,
        reps: options.reps,
        webgpuReps: options.webgpuReps,
        rawReps: options.rawReps,
        // The bundled models, or the folder given instead.
        models: options.models ? modelsDir : 'models/',
      },
      input: Object.fromEntries(options.grids.map((grid) => [grid, benchInput(grid)])),
      flops: flops.perGrid,
      matmul: flops.matmul && { m: flops.matmul.m, k: flops.matmul.k, n: flops.matmul.n, flops: flops.matmul.flops },
      timings,
      longTasks,
      mixedPage,
      plain,
      bytes,
      sizes: await gzipSizes(distDir, modelsDir, options.grids),
      package: packageSize(),
    };
  } finally {
    await stop();
  }
}

/** What CI's quick run checks: that every measurement came back as a number and the pages ran. Never a timing bound. */
export function checkResults(results) {
  const problems = [];
  const visit = (value, where) => {
    // The overhead parts are differences of two timings: near zero, noise can make them negative.
    const signed = where.includes('.oneShotOverhead.');
    if (typeof value === 'number' && !(Number.isFinite(value) && (signed || value >= 0))) problems.push(`${where} is ${value}`);
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) visit(inner, `${where}.${key}`);
  };
  visit(results.timings, 'timings');
  for (const t of results.timings) {
    if (t.steady.rounds < 1) problems.push(`${t.grid}×${t.grid} ${t.mode}: no rounds`);
    if (t.steady.iterative.runs < 1) problems.push(`${t.grid}×${t.grid} ${t.mode}: iterative used no model run`);
  }
  for (const b of results.bytes) if (!(b.totalBytes > 0)) problems.push(`${b.page} page: no bytes counted`);
  if (results.mixedPage) visit({ all: results.mixedPage.all, whileLoading: results.mixedPage.whileLoading }, 'mixedPage');
  for (const p of results.plain ?? []) {
    for (const visit of ['cold', 'warm']) {
      for (const key of ['firstInpaintMs', 'longestTaskMs', 'totalBlockingMs', 'longestTaskCpuMs', 'firstRenderMs']) {
        const value = p[visit]?.[key];
        if (!(Number.isFinite(value) && value >= 0)) problems.push(`plain page ${p.grid}×${p.grid} ${p.backend} ${visit}: ${key} is ${value}`);
      }
    }
  }
  if (problems.length) throw new Error(`bench: the results are incomplete:\n  ${problems.join('\n  ')}`);
}
