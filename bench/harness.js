// Runs in the benchmark page (bench/page.html); bench/run.mjs calls these through `window.bench`. Every
// measurement of one configuration happens in one page, and the element's timings are interleaved with the
// raw onnxruntime-web baseline round by round, so that the machine's load drifts into both alike.

// The builds the element itself imports: WebGPU on JSPI where the browser has it, asyncify elsewhere.
const ORT_BUILDS = {
  wasm: '/dist/ort/ort.wasm.bundle.min.mjs',
  webgpu: 'Suspending' in WebAssembly ? '/dist/ort/ort.jspi.bundle.min.mjs' : '/dist/ort/ort.webgpu.bundle.min.mjs',
};

/**
 * The element's runtime worker, caught as the element starts it. The raw baseline of the steady rounds runs in
 * it, on the element's own onnxruntime-web and thread count, through the runtime's messages
 * (src/runtime/protocol.ts): a session of its own on the same model, whose `session.run` calls the worker times.
 */
let runtimeWorker;
const RealWorker = window.Worker;
window.Worker = class extends RealWorker {
  constructor(url, options) {
    super(url, options);
    if (String(url).includes('square-inpainter-worker')) runtimeWorker = this;
  }
};

let nextWorkerId = 1e9;
/** One request to the runtime worker, with an id the element's own requests never use. */
function askWorker(message) {
  const id = nextWorkerId++;
  return new Promise((resolve, reject) => {
    const listener = ({ data }) => {
      if (data?.id !== id || data.type === 'started') return;
      runtimeWorker.removeEventListener('message', listener);
      if (data.type === 'failed') reject(new Error(`runtime worker: ${data.error.message}`));
      else resolve(data);
    };
    runtimeWorker.addEventListener('message', listener);
    runtimeWorker.postMessage({ ...message, id });
  });
}

/** Cells as the runtime's `fill` message carries them: a Uint8Array of 0 and 1. */
function cellBytesOf(cells) {
  return Uint8Array.from(cells, (cell) => (cell === '1' ? 1 : 0));
}

/** Tokens as the runtime's messages carry them: a Uint8Array of 0, 1, 2. */
function tokenBytesOf(pixels, mask) {
  return Uint8Array.from(pixels, (pixel, i) => (mask[i] === '1' ? 2 : pixel === '1' ? 1 : 0));
}

/** The model's input for `pixels`/`mask` (attribute form): 0 black, 1 white, 2 hidden. */
function tokensOf(pixels, mask) {
  const tokens = new BigInt64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) tokens[i] = mask[i] === '1' ? 2n : pixels[i] === '1' ? 1n : 0n;
  return tokens;
}

/** The next `type` event of `target`, with the time it arrived; an `error` event rejects. */
function nextEvent(target, type, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(reject, new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    const onEvent = (event) => done(resolve, { detail: event.detail, at: performance.now() });
    const onError = (event) => done(reject, new Error(`${event.detail.type}: ${event.detail.message}`));
    function done(settle, value) {
      clearTimeout(timer);
      target.removeEventListener(type, onEvent);
      target.removeEventListener('error', onError);
      settle(value);
    }
    target.addEventListener(type, onEvent);
    target.addEventListener('error', onError);
  });
}

function createElement({ grid, backend, decoding, pixels, mask }) {
  const element = document.createElement('square-inpainter');
  element.setAttribute('grid-size', String(grid));
  element.setAttribute('backend', backend);
  element.setAttribute('decoding', decoding);
  element.setAttribute('pixels', pixels);
  element.setAttribute('mask', mask);
  return element;
}

/** One inpaint as a page sees it: the request, the result, and the grid drawn and laid out. */
async function timedInpaint(element) {
  const started = performance.now();
  const result = await element.inpaint();
  await element.updateComplete;
  const rendered = performance.now();
  void document.body.offsetHeight; // style and layout of the new cells, which a real page pays before paint
  const laidOut = performance.now();
  return {
    ms: laidOut - started,
    decodeMs: result.durationMs,
    // Everything but the decoding and the layout: the request around it, Lit's renders, the event.
    restMs: rendered - started - result.durationMs,
    layoutMs: laidOut - rendered,
    runs: result.runs,
    backend: result.backend,
  };
}

/** One raw `session.run` on the page's own onnxruntime-web, timed. */
async function timedRun(session, feeds) {
  const started = performance.now();
  const outputs = await session.run(feeds);
  const ms = performance.now() - started;
  for (const output of Object.values(outputs)) output.dispose();
  return ms;
}

async function importOrt(backend, threads) {
  const ort = await import(ORT_BUILDS[backend]);
  // No wasmPaths: a bundle build finds its wasm beside itself (and would look for glue code it holds already).
  if (threads) ort.env.wasm.numThreads = threads;
  return ort;
}

/**
 * The element on a fresh page: cold load (ORT import, wasm start, model fetch, session, warm-up run), the first
 * inpaint after `load`, steady-state one-shot and iterative inpaints interleaved with raw `session.run` on the
 * same model and input in the element's runtime worker, then a warm load (a new session once onnxruntime-web is
 * running).
 */
async function elementBench({ grid, backend, threads, pixels, mask, warmup, reps }) {
  const started = performance.now();
  // The page's own onnxruntime-web, for the warm raw session below; the element runs its own in its runtime
  // worker, at onnxruntime-web's default thread count there (1 on a 2-core machine), whatever `threads` says.
  const ort = await importOrt(backend, backend === 'wasm' ? threads : undefined);
  await import('/dist/square-inpainter.js');
  const oneShot = createElement({ grid, backend, decoding: 'one-shot', pixels, mask });
  const loaded = nextEvent(oneShot, 'load');
  const inpainted = nextEvent(oneShot, 'inpaint');
  document.body.append(oneShot);
  const load = await loaded;
  const first = await inpainted;
  const cold = {
    loadMs: load.at - started,
    firstInpaintMs: first.at - load.at,
    firstInpaintDecodeMs: first.detail.durationMs,
    backend: load.detail.backend,
  };

  const iterative = createElement({ grid, backend, decoding: 'iterative', pixels, mask });
  const iterativeFirst = nextEvent(iterative, 'inpaint');
  document.body.append(iterative);
  await iterativeFirst;

  const modelUrl = new URL(`/models/square-inpainter-${grid}.onnx`, location.href).href;
  const model = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const createStarted = performance.now();
  const session = await ort.InferenceSession.create(model, { executionProviders: [cold.backend] });
  const rawCreateWarmMs = performance.now() - createStarted;
  const tokens = tokensOf(pixels, mask);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('int64', tokens, [1, tokens.length]) };
  const rawFirstRunMs = await timedRun(session, feeds);

  // The model runs iterative decoding takes on this input (the same every time: it is deterministic).
  const iterativeRuns = (await iterative.inpaint()).runs;
  // The baseline: raw runs in the element's runtime worker (its runtime is started: no wasm to send).
  const build = cold.backend === 'wasm' ? 'wasm' : 'Suspending' in WebAssembly ? 'webgpu-jspi' : 'webgpu-asyncify';
  const module = new URL(ORT_BUILDS[cold.backend], location.href).href;
  const { session: workerSession } = await askWorker({ type: 'create', url: modelUrl, backend: cold.backend, build, module, model: model.slice() });
  const tokenBytes = tokenBytesOf(pixels, mask);
  const timeInWorker = async (repeats) => (await askWorker({ type: 'time', session: workerSession, tokens: tokenBytes, repeats })).times;
  /** The page's round trip of `message` to the runtime worker, in ms, and the worker's answer. */
  const roundTrip = async (message) => {
    const sent = performance.now();
    const answer = await askWorker(message);
    return { ms: performance.now() - sent, answer };
  };
  const fillMessage = { type: 'fill', session: workerSession, pixels: cellBytesOf(pixels), mask: cellBytesOf(mask), options: { decoding: 'one-shot' } };
  const samples = {
    raw: [],
    rawSequence: [],
    oneShot: [],
    oneShotDecode: [],
    oneShotRest: [],
    oneShotLayout: [],
    iterative: [],
    iterativeDecode: [],
    runs: [],
    rerender: [],
    emptyTrip: [],
    fillTrip: [],
  };
  for (let round = 0; round < warmup + reps; round++) {
    const [raw] = await timeInWorker(1);
    // A request the worker answers at once (no run): the messages there and back, and the thread wake-ups.
    const empty = await roundTrip({ type: 'time', session: workerSession, tokens: tokenBytes, repeats: 0 });
    // The same input as a one-shot fill sent straight to the worker: the runtime's fill code without the element.
    const filled = await roundTrip(fillMessage);
    const one = await timedInpaint(oneShot);
    // As many raw runs back to back as iterative takes: on a busy machine a long task is interrupted more
    // often than a short one, and this baseline is as long as the iterative inpaint it stands beside.
    const rawSequence = (await timeInWorker(iterativeRuns)).reduce((sum, ms) => sum + ms, 0);
    const iter = await timedInpaint(iterative);
    // What one render of the element costs when nothing in it changed: Lit re-evaluates every cell's template.
    const rerenderStarted = performance.now();
    oneShot.requestUpdate();
    await oneShot.updateComplete;
    const rerender = performance.now() - rerenderStarted;
    if (one.backend !== cold.backend || iter.backend !== cold.backend) throw new Error('the element changed backend mid-run');
    if (round < warmup) continue;
    samples.raw.push(raw);
    samples.emptyTrip.push(empty.ms);
    samples.fillTrip.push(filled.ms);
    samples.rawSequence.push(rawSequence);
    samples.rerender.push(rerender);
    samples.oneShot.push(one.ms);
    samples.oneShotDecode.push(one.decodeMs);
    samples.oneShotRest.push(one.restMs);
    samples.oneShotLayout.push(one.layoutMs);
    samples.iterative.push(iter.ms);
    samples.iterativeDecode.push(iter.decodeMs);
    samples.runs.push(iter.runs);
  }
  await session.release();
  runtimeWorker.postMessage({ type: 'release', session: workerSession });

  // Warm load: the last element lets go of the shared session, a new element opens a fresh one.
  oneShot.remove();
  iterative.remove();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const warmStarted = performance.now();
  const again = createElement({ grid, backend, decoding: 'one-shot', pixels, mask });
  const warmLoaded = nextEvent(again, 'load');
  document.body.append(again);
  const warmLoadMs = (await warmLoaded).at - warmStarted;
  again.remove();

  return {
    backend: cold.backend,
    threads: ort.env.wasm.numThreads,
    crossOriginIsolated: self.crossOriginIsolated,
    cold,
    warmLoadMs,
    rawCreateWarmMs,
    rawFirstRunMs,
    // Where the steady rounds' raw runs ran: the element's runtime worker, timed there.
    rawIn: 'runtime worker',
    samples,
  };
}

/**
 * Raw onnxruntime-web on a fresh page: import, first session (wasm start included), first run (WebGPU compiles
 * its shaders here), steady runs; then a large MatMul on the same backend, the rough ceiling of what this
 * backend does on this machine.
 */
async function rawBench({ grid, backend, threads, pixels, mask, reps, matmul }) {
  const started = performance.now();
  const ort = await importOrt(backend, backend === 'wasm' ? threads : undefined);
  const imported = performance.now();
  const model = new Uint8Array(await (await fetch(`/models/square-inpainter-${grid}.onnx`)).arrayBuffer());
  const fetched = performance.now();
  const session = await ort.InferenceSession.create(model, { executionProviders: [backend] });
  const created = performance.now();
  const tokens = tokensOf(pixels, mask);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('int64', tokens, [1, tokens.length]) };
  const firstRunMs = await timedRun(session, feeds);
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await timedRun(session, feeds));
  await session.release();

  let ceiling = null;
  if (matmul) {
    const bytes = new Uint8Array(await (await fetch(matmul.url)).arrayBuffer());
    const gemm = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
    const a = new Float32Array(matmul.m * matmul.k).map((_, i) => ((i * 7) % 13) / 13);
    const gemmFeeds = { [gemm.inputNames[0]]: new ort.Tensor('float32', a, [matmul.m, matmul.k]) };
    await timedRun(gemm, gemmFeeds);
    const times = [];
    for (let i = 0; i < matmul.reps; i++) times.push(await timedRun(gemm, gemmFeeds));
    await gemm.release();
    ceiling = { flops: matmul.flops, times };
  }
  return {
    threads: ort.env.wasm.numThreads,
    crossOriginIsolated: self.crossOriginIsolated,
    importMs: imported - started,
    fetchMs: fetched - imported,
    createMs: created - fetched,
    coldCreateMs: created - started,
    firstRunMs,
    runs,
    ceiling,
  };
}

window.bench = { elementBench, rawBench };
window.benchReady = true;
