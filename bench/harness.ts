/**
 * The timing page's code (bench/page.html), built to dist-bench/harness.js; bench/run.mjs calls it through
 * `window.bench`. Every measurement of one configuration happens in one page, and the element's timings are
 * interleaved with the raw onnxruntime-web baseline round by round, so that the machine's load drifts into both
 * alike. The element is the built one (dist/), imported at run time as a page imports it.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { InpaintResult, LoadDetail } from '../src/events.js';
import { parseCells } from '../src/grid.js';
import { toInt64Tokens, toTokens } from '../src/model-io.js';
import type { RuntimeBuild } from '../src/runtime/assets.js';
import { runtimeBuildFor } from '../src/runtime/backend.js';
import type { Ort } from '../src/runtime/engine.js';
import type { Backend } from '../src/runtime/protocol.js';
import type { SquareInpainter } from '../src/square-inpainter.js';
import type { BenchFromWorker, BenchRequest, BenchToWorker } from './protocol.js';

/** The built element, as a page imports it. */
const ELEMENT = '/dist/square-inpainter.js';

/** The builds the element itself uses (dist/ort/): each build's module and its wasm. */
const ORT_FILES: Record<RuntimeBuild, { module: string; wasm: string }> = {
  wasm: { module: '/dist/ort/ort.wasm.bundle.min.mjs', wasm: '/dist/ort/ort-wasm-simd-threaded.wasm' },
  'webgpu-jspi': { module: '/dist/ort/ort.jspi.bundle.min.mjs', wasm: '/dist/ort/ort-wasm-simd-threaded.jspi.wasm' },
  'webgpu-asyncify': { module: '/dist/ort/ort.webgpu.bundle.min.mjs', wasm: '/dist/ort/ort-wasm-simd-threaded.asyncify.wasm' },
};

type Decoding = 'one-shot' | 'iterative';

interface Configuration {
  grid: number;
  backend: Backend;
  threads?: number;
  /** Attribute form: N*N characters 0/1. */
  pixels: string;
  mask: string;
}

/**
 * The bench's runtime worker (worker.ts): the element's engine on the same onnxruntime-web build and thread
 * count as the element's own worker, with a session of the model for `decode` requests and a raw session beside
 * it whose `session.run` calls the worker times.
 */
class Baseline {
  readonly #worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  #nextId = 1;
  #session = 0;

  /** Starts the build that serves `backend`, opens the engine's session and the raw one on `model`. */
  async open(modelUrl: string, backend: Backend, model: Uint8Array): Promise<void> {
    const build = runtimeBuildFor(backend);
    const module = new URL(ORT_FILES[build].module, location.href).href;
    const wasm = new URL(ORT_FILES[build].wasm, location.href).href;
    // The engine downloads the model and the wasm itself, as in the element's worker.
    const created = await this.ask<'created'>({ type: 'create', url: modelUrl, backend, runtime: { build, module, wasm } });
    this.#session = created.session;
    await this.ask<'raw-session-ready'>({ type: 'raw-session', module, backend, model: model.slice() });
  }

  /** `repeats` raw runs on `tokens` in the worker, each timed there (ms). */
  async time(tokens: Uint8Array, repeats: number): Promise<number[]> {
    return (await this.ask<'timed'>({ type: 'time', tokens, repeats })).times;
  }

  /** A one-shot decode of `pixels`/`mask` by the engine in the worker, as the element's worker decodes. */
  decodeMessage(pixels: Uint8Array, mask: Uint8Array): BenchRequest {
    return { type: 'decode', session: this.#session, pixels, mask, options: { decoding: 'one-shot' } };
  }

  close(): void {
    this.#worker.postMessage({ type: 'release', session: this.#session } satisfies BenchToWorker);
    this.#worker.terminate();
  }

  /** One request to the worker; resolves with its last answer. */
  ask<T extends BenchFromWorker['type']>(message: BenchRequest): Promise<Extract<BenchFromWorker, { type: T }>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const listener = ({ data }: MessageEvent<BenchFromWorker>) => {
        if (!('id' in data) || data.id !== id || data.type === 'progress') return;
        this.#worker.removeEventListener('message', listener);
        if (data.type === 'failed') reject(new Error(`bench worker: ${data.error.message}`));
        else resolve(data as Extract<BenchFromWorker, { type: T }>);
      };
      this.#worker.addEventListener('message', listener);
      this.#worker.postMessage({ ...message, id } as BenchToWorker);
    });
  }
}

/** The model's int64 input for `pixels`/`mask` (attribute form). */
function int64TokensOf(pixels: string, mask: string): BigInt64Array {
  return toInt64Tokens(tokensOf(pixels, mask));
}

/** Tokens (0, 1, 2) for `pixels`/`mask` (attribute form), as the runtime's messages carry them. */
function tokensOf(pixels: string, mask: string): Uint8Array {
  return toTokens(cellsOf(pixels), cellsOf(mask));
}

/** Cells (0, 1) for a string of N*N characters 0/1. */
function cellsOf(cells: string): Uint8Array {
  return parseCells(cells, Math.sqrt(cells.length), 'cells');
}

/** The next `type` event of `target`, with the time it arrived; an `error` event rejects. */
function nextEvent<K extends 'load' | 'inpaint'>(
  target: SquareInpainter,
  type: K,
  timeoutMs = 120_000,
): Promise<{ detail: K extends 'load' ? LoadDetail : InpaintResult; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`))), timeoutMs);
    const onEvent = (event: Event) => done(() => resolve({ detail: (event as CustomEvent).detail, at: performance.now() }));
    const onError = (event: Event) => {
      const { detail } = event as CustomEvent<{ type: string; message: string }>;
      done(() => reject(new Error(`${detail.type}: ${detail.message}`)));
    };
    function done(settle: () => void) {
      clearTimeout(timer);
      target.removeEventListener(type, onEvent);
      target.removeEventListener('error', onError);
      settle();
    }
    target.addEventListener(type, onEvent);
    target.addEventListener('error', onError);
  });
}

function createElement({ grid, backend, decoding, pixels, mask }: Configuration & { decoding: Decoding }): SquareInpainter {
  const element = document.createElement('square-inpainter');
  element.setAttribute('grid-size', String(grid));
  element.setAttribute('backend', backend);
  element.setAttribute('decoding', decoding);
  element.setAttribute('pixels', pixels);
  element.setAttribute('mask', mask);
  return element;
}

/** One inpaint as a page sees it: the request, the result, and the grid drawn and laid out. */
async function timedInpaint(element: SquareInpainter) {
  const started = performance.now();
  const result = await element.inpaint();
  await element.updateComplete;
  const rendered = performance.now();
  void document.body.offsetHeight; // style and layout of the new cells, which a real page pays before paint
  const laidOut = performance.now();
  return {
    ms: laidOut - started,
    // The request's time from its model to its result: the fill (durationMs) and its messages (queuedMs: nothing
    // else runs on this page's runtime).
    decodeMs: result.durationMs + result.queuedMs,
    // Everything but the decoding and the layout: the request around it, Lit's renders, the event.
    restMs: rendered - started - result.durationMs - result.queuedMs,
    layoutMs: laidOut - rendered,
    runs: result.runs,
    backend: result.backend,
  };
}

/** One raw `session.run` on the page's own onnxruntime-web, timed. */
async function timedRun(session: InferenceSession, feeds: Record<string, Tensor>): Promise<number> {
  const started = performance.now();
  const outputs = await session.run(feeds);
  const ms = performance.now() - started;
  for (const output of Object.values(outputs)) output.dispose();
  return ms;
}

/** The page's own onnxruntime-web: the build the element uses for `backend`. */
async function importOrt(backend: Backend, threads: number | undefined): Promise<Ort> {
  const ort = (await import(ORT_FILES[runtimeBuildFor(backend)].module)) as Ort;
  // No wasmPaths: a bundle build finds its wasm beside itself (and would look for glue code it holds already).
  if (threads) ort.env.wasm.numThreads = threads;
  return ort;
}

/**
 * The element on a fresh page: cold load (ORT import, wasm start, model fetch, session, warm-up run), the first
 * inpaint after `load`, steady-state one-shot and iterative inpaints interleaved with raw `session.run` on the
 * same model and input in the bench's runtime worker, then a warm load (a new session once onnxruntime-web is
 * running).
 */
async function elementBench({ grid, backend, threads, pixels, mask, warmup, reps }: Configuration & { warmup: number; reps: number }) {
  const started = performance.now();
  // The page's own onnxruntime-web, for the warm raw session below; the element runs its own in its runtime
  // worker, at onnxruntime-web's default thread count there (1 on a 2-core machine), whatever `threads` says.
  const ort = await importOrt(backend, backend === 'wasm' ? threads : undefined);
  await import(ELEMENT);
  const oneShot = createElement({ grid, backend, decoding: 'one-shot', pixels, mask });
  const loaded = nextEvent(oneShot, 'load');
  const inpainted = nextEvent(oneShot, 'inpaint');
  document.body.append(oneShot);
  const load = await loaded;
  const first = await inpainted;
  const cold = {
    loadMs: load.at - started,
    firstInpaintMs: first.at - load.at,
    firstInpaintDecodeMs: first.detail.durationMs + first.detail.queuedMs,
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
  const tokens = int64TokensOf(pixels, mask);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('int64', tokens, [1, tokens.length]) };
  const rawFirstRunMs = await timedRun(session, feeds);

  // The model runs iterative decoding takes on this input (the same every time: it is deterministic).
  const iterativeRuns = (await iterative.inpaint()).runs;
  // The baseline: raw runs in the bench's runtime worker, on the backend the element runs.
  const baseline = new Baseline();
  await baseline.open(modelUrl, cold.backend, model);
  const tokenBytes = tokensOf(pixels, mask);
  /** The page's round trip of `message` to the bench's worker, in ms. */
  const roundTrip = async (message: BenchRequest) => {
    const sent = performance.now();
    await baseline.ask(message);
    return performance.now() - sent;
  };
  const decodeMessage = baseline.decodeMessage(cellsOf(pixels), cellsOf(mask));
  const samples: Record<string, number[]> = {
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
    const [raw] = await baseline.time(tokenBytes, 1);
    // A request the worker answers at once (no run): the messages there and back, and the thread wake-ups.
    const empty = await roundTrip({ type: 'time', tokens: tokenBytes, repeats: 0 });
    // The same input as a one-shot decode sent straight to the worker: the runtime's decode code without the element.
    const decoded = await roundTrip(decodeMessage);
    const one = await timedInpaint(oneShot);
    // As many raw runs back to back as iterative takes: on a busy machine a long task is interrupted more
    // often than a short one, and this baseline is as long as the iterative inpaint it stands beside.
    const rawSequence = (await baseline.time(tokenBytes, iterativeRuns)).reduce((sum, ms) => sum + ms, 0);
    const iter = await timedInpaint(iterative);
    // What one render of the element costs when nothing in it changed: Lit re-evaluates every cell's template.
    const rerenderStarted = performance.now();
    oneShot.requestUpdate();
    await oneShot.updateComplete;
    const rerender = performance.now() - rerenderStarted;
    if (one.backend !== cold.backend || iter.backend !== cold.backend) throw new Error('the element changed backend mid-run');
    if (round < warmup) continue;
    samples.raw.push(raw);
    samples.emptyTrip.push(empty);
    samples.fillTrip.push(decoded);
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
  baseline.close();

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
    // Where the steady rounds' raw runs ran: a runtime worker (the bench's, on the element's engine and build),
    // timed there.
    rawIn: 'runtime worker',
    samples,
  };
}

interface Matmul {
  url: string;
  m: number;
  k: number;
  flops: number;
  reps: number;
}

/**
 * Raw onnxruntime-web on a fresh page: import, first session (wasm start included), first run (WebGPU compiles
 * its shaders here), steady runs; then a large MatMul on the same backend, the rough ceiling of what this
 * backend does on this machine.
 */
async function rawBench({ grid, backend, threads, pixels, mask, reps, matmul }: Configuration & { reps: number; matmul?: Matmul }) {
  const started = performance.now();
  const ort = await importOrt(backend, backend === 'wasm' ? threads : undefined);
  const imported = performance.now();
  const model = new Uint8Array(await (await fetch(`/models/square-inpainter-${grid}.onnx`)).arrayBuffer());
  const fetched = performance.now();
  const session = await ort.InferenceSession.create(model, { executionProviders: [backend] });
  const created = performance.now();
  const tokens = int64TokensOf(pixels, mask);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('int64', tokens, [1, tokens.length]) };
  const firstRunMs = await timedRun(session, feeds);
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(await timedRun(session, feeds));
  await session.release();

  let ceiling = null;
  if (matmul) {
    const bytes = new Uint8Array(await (await fetch(matmul.url)).arrayBuffer());
    const gemm = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
    const a = new Float32Array(matmul.m * matmul.k).map((_, i) => ((i * 7) % 13) / 13);
    const gemmFeeds = { [gemm.inputNames[0]]: new ort.Tensor('float32', a, [matmul.m, matmul.k]) };
    await timedRun(gemm, gemmFeeds);
    const times: number[] = [];
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

Object.assign(window, { bench: { elementBench, rawBench }, benchReady: true });
