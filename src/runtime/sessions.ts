/**
 * One session per (model URL, backend) in the runtime worker, shared by every element on the page and released a
 * little after the last element holding it lets go. The page chooses the backend, downloads the model and the
 * wasm (the progress bar) and sends their bytes; the worker creates the session and runs fills whole.
 */
import type { DecodeOptions, DecodeResult, Predictor } from '../decoding.js';
import { webGpuAdapter } from './adapter.js';
import { BUNDLED_BYTES, BUNDLED_GRID_SIZES, bundledModelUrl, moduleUrlForRuntime } from './assets.js';
import { connect, needsWasm, request, runtimeStarted, send, wasmFor, type Connection } from './client.js';
import { describeError, looksLikeHtml, ModelLoadError } from './errors.js';
import { fetchBytes } from './fetch.js';
import { runtimeBuildFor, type Backend } from './ort.js';

export { ModelLoadError } from './errors.js';

/** `auto` picks WebGPU where a hardware adapter exists, else WASM. */
export type BackendPreference = 'auto' | Backend;

/** An element's hold on a shared session. */
export interface ModelHandle {
  /** The backend the session really runs on (after any fallback). */
  readonly backend: Backend;
  /** The WebGPU adapter's name where one was found (empty if it tells none), else null. */
  readonly adapter: string | null;
  /** Why the session runs on `backend`: the preference, the adapter found, or the fallback taken. */
  readonly reason: string;
  /** The model's input length N*N where the model states it, else null (dynamic). */
  readonly cellCount: number | null;
  /**
   * A predictor for `cellCount` cells: each call is one model run in the runtime worker, through the runtime's
   * queue, fetching only `output`: by default the P(white) of `logits`; `attention` (an attention export's
   * N*N × N*N map, row `q` where query cell `q` looks, summing to 1) comes back as the model gives it.
   */
  createPredictor(cellCount: number, output?: string): Predictor;
  /**
   * A whole fill (decoding.ts's `decode`) in the runtime worker, one message each way. Aborting `options.signal`
   * rejects at once and stops the fill in the worker.
   */
  fill(pixels: Uint8Array, mask: Uint8Array, options?: DecodeOptions): Promise<DecodeResult>;
  /** Whether the runtime worker serving this session was lost: the session is gone, open the model again. */
  readonly lost: boolean;
  /** Lets go of the session; the last release frees it. Idempotent. */
  release(): void;
}

/** A session with what its elements need. */
type SharedSession = Omit<ModelHandle, 'release'> & {
  /** Frees the session once the runs queued before it are done. */
  release(): void;
};

/** Progress of the whole load, 0..1: the downloads (model and runtime) are the first 90%, the session's start the rest. */
export type ProgressListener = (fraction: number) => void;

/**
 * How long a session outlives its last element. An element moved in the page (disconnected, then connected
 * again) or re-created by a framework rejoins it instead of opening a new one, which on WebGPU means
 * compiling every shader again (2.8 s against 1.0 s for the first run in the bench).
 */
export const RELEASE_DELAY_MS = 5000;

interface Entry {
  refs: number;
  /** The pending release, while no element holds the session. */
  releaseTimer?: ReturnType<typeof setTimeout>;
  ready: Promise<SharedSession>;
  /** Everyone waiting on this session's load, joiners included. */
  listeners: Set<ProgressListener>;
  /** The session, once loaded. */
  shared?: SharedSession;
}

const entries = new Map<string, Entry>();

/** Opens (or joins) the session for `url` on the preferred backend; `onProgress` hears the whole load. */
export async function openModel(url: string, preference: BackendPreference, onProgress?: ProgressListener): Promise<ModelHandle> {
  const choice = await chooseBackend(preference);
  const key = `${choice.backend} ${url}`;
  let entry = entries.get(key);
  // A session in a worker that was lost is gone: open it again in the next one.
  if (entry?.shared?.lost) {
    entries.delete(key);
    entry = undefined;
  }
  if (!entry) {
    const listeners = new Set<ProgressListener>();
    let reported = 0;
    // Monotonic, whatever order the downloads report in.
    const report = (fraction: number) => {
      if (fraction <= reported) return;
      reported = fraction;
      listeners.forEach((listener) => listener(fraction));
    };
    const created: Entry = { refs: 0, listeners, ready: createShared(url, choice, report) };
    created.ready.then((shared) => (created.shared = shared)).catch(() => {
      // A failed load is not cached: the next element (or a fixed server) gets a fresh try.
      if (entries.get(key) === created) entries.delete(key);
    });
    entries.set(key, created);
    entry = created;
  }
  const held = entry;
  clearTimeout(held.releaseTimer);
  held.refs++;
  if (onProgress) held.listeners.add(onProgress);
  let shared: SharedSession;
  try {
    shared = await held.ready;
  } catch (error) {
    held.refs--;
    throw error;
  } finally {
    if (onProgress) held.listeners.delete(onProgress);
  }
  let released = false;
  return {
    backend: shared.backend,
    adapter: shared.adapter,
    reason: shared.reason,
    cellCount: shared.cellCount,
    createPredictor: shared.createPredictor,
    fill: shared.fill,
    get lost() {
      return shared.lost;
    },
    release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      held.releaseTimer = setTimeout(() => {
        if (entries.get(key) === held) entries.delete(key);
        shared.release();
      }, RELEASE_DELAY_MS);
    },
  };
}

/** How many sessions are open on this page (for tests and diagnostics). */
export function openSessionCount(): number {
  return entries.size;
}

interface BackendChoice {
  backend: Backend;
  adapter: string | null;
  reason: string;
}

/**
 * `auto` takes WebGPU only on a hardware adapter: a software one (SwiftShader, which machines without a GPU
 * can hand out) runs this model 100× slower than WASM. `webgpu` takes any adapter.
 */
async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return { backend: 'wasm', adapter: null, reason: 'backend="wasm" asks for WASM' };
  const adapter = await webGpuAdapter();
  if (!adapter) return { backend: 'wasm', adapter: null, reason: 'no WebGPU adapter on this page' };
  const named = adapter.name ? ` (${adapter.name})` : '';
  if (adapter.fallback && preference === 'auto') {
    return { backend: 'wasm', adapter: adapter.name, reason: `the WebGPU adapter${named} is a software fallback, slower than WASM` };
  }
  // The runtime runs in a worker: where the browser gives workers no WebGPU, the page's adapter is of no use, and
  // asking first spares the download of a WebGPU build that could not start.
  if (!(await request<'gpu'>(connect(), { type: 'gpu' })).available) {
    return { backend: 'wasm', adapter: adapter.name, reason: 'this browser offers no WebGPU to workers, where the runtime runs' };
  }
  const kind = adapter.fallback ? 'software fallback ' : '';
  return { backend: 'webgpu', adapter: adapter.name, reason: `WebGPU on the ${kind}adapter${named}` };
}

async function createShared(url: string, choice: BackendChoice, onProgress: ProgressListener): Promise<SharedSession> {
  // The downloads run side by side: the model, and the runtime's wasm unless the page loads it already.
  const build = runtimeBuildFor(choice.backend);
  const bundledSize = BUNDLED_GRID_SIZES.find((size) => bundledModelUrl(size) === url);
  const downloads = { model: [0, bundledSize && BUNDLED_BYTES.models[bundledSize]], runtime: [0, 0] } as Record<
    string,
    [number, number | undefined]
  >;
  const countBytes = (part: string) => (received: number, total: number | undefined) => {
    downloads[part] = [received, total];
    let done = 0;
    let all = 0;
    for (const [got, size] of Object.values(downloads)) {
      done += got;
      // An unknown size counts as twice what has come: the bar moves, and never reaches the end early.
      all += size ?? 2 * got + 1;
    }
    onProgress(all > 0 ? (0.9 * done) / all : 0);
  };
  const connection = connect();
  if (needsWasm(connection, build)) downloads.runtime = [0, BUNDLED_BYTES.wasm[build]];
  const wasm = wasmFor(connection, build, countBytes('runtime'));
  // Handled here, awaited below: a model that fails to download must not leave this rejection unhandled.
  wasm.catch(() => undefined);
  const model = await fetchModel(url, bundledSize && BUNDLED_BYTES.models[bundledSize], countBytes('model'));
  // A runtime that cannot be fetched is reported as such, not hidden behind a fallback to the other build.
  await wasm;
  if (choice.backend === 'webgpu') {
    try {
      return await createSession(connection, model, 'webgpu', url, choice, onProgress);
    } catch (error) {
      // A lost worker is no reason to change backends.
      if (!connection.alive) throw error;
      // WebGPU can fail where WASM works (an adapter that lost its device, an op without a kernel, a worker
      // without WebGPU): fall back.
      const reason = `${choice.reason} failed (${describeError(error)}); fell back to WASM`;
      return createSession(connection, model, 'wasm', url, { ...choice, reason }, onProgress);
    }
  }
  return createSession(connection, model, 'wasm', url, choice, onProgress);
}

async function fetchModel(url: string, expected: number | undefined, onBytes: (received: number, total: number | undefined) => void) {
  let model: Uint8Array;
  try {
    model = await fetchBytes(url, expected, onBytes);
  } catch (cause) {
    throw new ModelLoadError(`could not fetch the model at ${url} (${describeError(cause)})`, { cause });
  }
  if (looksLikeHtml(model)) {
    throw new ModelLoadError(
      `${url} answered with an HTML page, not an ONNX model (a dev server or static host answers so for a file it does not have)`,
    );
  }
  return model;
}

async function createSession(
  connection: Connection,
  model: Uint8Array,
  backend: Backend,
  url: string,
  choice: BackendChoice,
  onProgress: ProgressListener,
): Promise<SharedSession> {
  const build = runtimeBuildFor(backend);
  const wasm = await wasmFor(connection, build);
  const reply = await request<'created'>(
    connection,
    { type: 'create', url, backend, build, module: moduleUrlForRuntime(build), wasm, model },
    { onUpdate: () => onProgress(0.95) },
  );
  const { session } = reply;
  runtimeStarted(connection, build);
  // Messages copy what they carry (nothing is transferred): the caller keeps its tokens, the page its wasm.
  return {
    backend,
    adapter: choice.adapter,
    reason: choice.reason,
    cellCount: reply.cellCount,
    createPredictor: (cellCount: number, output?: string): Predictor => (tokens) => {
      if (tokens.length !== cellCount) return Promise.reject(new RangeError(`predict: expected ${cellCount} tokens, got ${tokens.length}`));
      return request<'ran'>(connection, { type: 'run', session, tokens, output }).then(({ values }) => values);
    },
    async fill(pixels: Uint8Array, mask: Uint8Array, { signal, ...options }: DecodeOptions = {}): Promise<DecodeResult> {
      return (await request<'filled'>(connection, { type: 'fill', session, pixels, mask, options }, { signal })).result;
    },
    get lost() {
      return !connection.alive;
    },
    release() {
      send(connection, { type: 'release', session });
    },
  };
}
