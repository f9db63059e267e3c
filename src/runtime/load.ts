/**
 * Loading one session: the page names the model and the runtime's files, and the runtime worker downloads them
 * side by side (posting the progress over the whole load) and creates the session, on WASM where WebGPU fails.
 * No byte of either crosses to the page, whose main thread stays free while they come.
 */
import type { DecodeOptions, Predictor } from '../decoding.js';
import { BUNDLED_BYTES, bundledModelFile, moduleUrlForRuntime, wasmUrlForRuntime } from './assets.js';
import { runtimeBuildFor, type BackendChoice } from './backend.js';
import { connect, request, send } from './client.js';
import type { Backend, FillResult, RuntimeFiles } from './protocol.js';

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

/** Has the runtime worker download the model at `url` and the runtime, and create its session on `choice.backend` (WASM where WebGPU fails). */
export async function loadSession(url: string, choice: BackendChoice, onProgress: ProgressListener): Promise<WorkerSession> {
  const bundledFile = bundledModelFile(url);
  const connection = connect();
  const reply = await request<'created'>(
    connection,
    {
      type: 'create',
      url,
      modelBytes: bundledFile ? BUNDLED_BYTES.models[bundledFile] : undefined,
      backend: choice.backend,
      runtime: runtimeFiles(choice.backend),
      fallback: choice.backend === 'webgpu' ? runtimeFiles('wasm') : undefined,
    },
    { onProgress },
  );
  const { session, backend } = reply;
  const reason = reply.fellBack ? `${choice.reason} failed (${reply.fellBack}); fell back to WASM` : choice.reason;
  // Messages copy what they carry (nothing is transferred): the caller keeps its tokens.
  return {
    backend,
    adapter: choice.adapter,
    reason,
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

/** The files of the build that serves `backend` in this browser. */
function runtimeFiles(backend: Backend): RuntimeFiles {
  const build = runtimeBuildFor(backend);
  return { build, module: moduleUrlForRuntime(build), wasm: wasmUrlForRuntime(build), wasmBytes: BUNDLED_BYTES.wasm[build] };
}
