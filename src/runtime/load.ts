/**
 * Loading one session: the page downloads the model and the runtime's wasm side by side (the progress bar over the
 * whole load), then has the runtime worker create the session from their bytes, on WASM where WebGPU fails.
 */
import type { DecodeOptions, Predictor } from '../decoding.js';
import { BUNDLED_BYTES, BUNDLED_GRID_SIZES, bundledModelUrl, moduleUrlForRuntime } from './assets.js';
import { runtimeBuildFor, type BackendChoice } from './backend.js';
import { connect, markStarted, needsWasm, request, send, wasmFor, type Connection } from './client.js';
import { fetchModel } from './download.js';
import { describeError } from './errors.js';
import type { Backend, FillResult } from './protocol.js';

/** Progress of the whole load, 0..1: the downloads (model and runtime) are the first 90%, the session's start the rest. */
export type ProgressListener = (fraction: number) => void;

/** A session in the runtime worker, as the page drives it. */
export interface WorkerSession {
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
   * A whole decode (decoding.ts's `decode`) in the runtime worker, one message each way. Aborting
   * `options.signal` rejects at once and stops the decode in the worker: a run it had not started never starts.
   */
  decode(pixels: Uint8Array, mask: Uint8Array, options?: DecodeOptions): Promise<FillResult>;
  /** Whether the runtime worker serving this session was lost: the session is gone, open the model again. */
  readonly lost: boolean;
  /** Frees the session once the runs queued before it are done. */
  release(): void;
}

/** Downloads the model at `url` and the runtime, then creates its session on `choice.backend` (WASM where WebGPU fails). */
export async function loadSession(url: string, choice: BackendChoice, onProgress: ProgressListener): Promise<WorkerSession> {
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
      return await createSessionInWorker(connection, model, 'webgpu', url, choice, onProgress);
    } catch (error) {
      // A lost worker is no reason to change backends.
      if (!connection.alive) throw error;
      // WebGPU can fail where WASM works (an adapter that lost its device, an op without a kernel, a worker
      // without WebGPU): fall back.
      const reason = `${choice.reason} failed (${describeError(error)}); fell back to WASM`;
      return createSessionInWorker(connection, model, 'wasm', url, { ...choice, reason }, onProgress);
    }
  }
  return createSessionInWorker(connection, model, 'wasm', url, choice, onProgress);
}

/** Has the runtime worker create a session of `model` on `backend`, sending the build's wasm if it has not started it. */
async function createSessionInWorker(
  connection: Connection,
  model: Uint8Array,
  backend: Backend,
  url: string,
  choice: BackendChoice,
  onProgress: ProgressListener,
): Promise<WorkerSession> {
  const build = runtimeBuildFor(backend);
  const wasm = await wasmFor(connection, build);
  const reply = await request<'created'>(
    connection,
    { type: 'create', url, backend, build, module: moduleUrlForRuntime(build), wasm, model },
    { onUpdate: () => onProgress(0.95) },
  );
  const { session } = reply;
  markStarted(connection, build);
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
    async decode(pixels: Uint8Array, mask: Uint8Array, { signal, ...options }: DecodeOptions = {}): Promise<FillResult> {
      return (await request<'decoded'>(connection, { type: 'decode', session, pixels, mask, options }, { signal })).result;
    },
    get lost() {
      return !connection.alive;
    },
    release() {
      send(connection, { type: 'release', session });
    },
  };
}
