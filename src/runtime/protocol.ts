/**
 * The messages between the page (client.ts) and the runtime worker (engine.ts): the page names the model and the
 * runtime's files; the worker downloads and checks them (posting the load's progress), imports onnxruntime-web
 * from the URL the page names, holds the sessions, and answers single model runs and whole decodes.
 */
import type { DecodeOptions, DecodeResult } from '../decoding.js';
import type { RuntimeBuild } from './assets.js';

/** An execution provider the element runs on. */
export type Backend = 'webgpu' | 'wasm';

/**
 * A whole decode's result, with `fillMs`: the time the fill took in the runtime, from the worker's start on it to
 * its result, less the time its model runs waited for their turn (behind another model's loading, or another
 * fill's runs).
 */
export type FillResult = DecodeResult & { fillMs: number };

/** An error as it crosses to the page: its class name (RuntimeLoadError, ModelLoadError, …) and message. */
export interface SentError {
  name: string;
  message: string;
}

/** One onnxruntime-web build's files, where the page found them (assets.ts). */
export interface RuntimeFiles {
  build: RuntimeBuild;
  /** The build's module, which the worker imports. */
  module: string;
  /** Its wasm, which the worker downloads once and checks before onnxruntime-web gets it. */
  wasm: string;
  /** The shipped wasm's size, for progress where the server sends no usable Content-Length. */
  wasmBytes?: number;
}

export type ToWorker =
  /**
   * A session of the model at `url` on `backend`, on the build `runtime`; for WebGPU, `fallback` is the WASM build
   * to create it on where WebGPU fails. The worker downloads the model (`modelBytes`: the shipped size, where it
   * is a bundled one) and the wasm it has not started yet, posting `progress` as they come.
   */
  | {
      type: 'create';
      id: number;
      url: string;
      modelBytes?: number;
      backend: Backend;
      runtime: RuntimeFiles;
      fallback?: RuntimeFiles;
    }
  /** Whether this worker has WebGPU (`navigator.gpu`): workers of some browsers do not. */
  | { type: 'gpu'; id: number }
  /** One run: P(white) per cell of `logits`, or another output as the model gives it. */
  | { type: 'run'; id: number; session: number; tokens: Uint8Array; output?: string }
  /** A whole decode (decoding.ts's `decode`) of the hidden cells in the worker. */
  | { type: 'decode'; id: number; session: number; pixels: Uint8Array; mask: Uint8Array; options: Omit<DecodeOptions, 'signal'> }
  /** Stops a run or decode the page gave up on: it sends nothing back. */
  | { type: 'abort'; id: number }
  | { type: 'release'; session: number };

export type FromWorker =
  /**
   * How far a `create` has come, 0..1, rising: the downloads are the first 90%, the session's start the rest
   * (0.95 once it exists, before its warm-up run). At most one a frame's time.
   */
  | { type: 'progress'; id: number; fraction: number }
  /** The session, on `backend`: WASM where WebGPU failed, `fellBack` saying why. */
  | { type: 'created'; id: number; session: number; cellCount: number | null; backend: Backend; fellBack?: string }
  | { type: 'gpu'; id: number; available: boolean }
  | { type: 'ran'; id: number; values: Float32Array }
  | { type: 'decoded'; id: number; result: FillResult }
  | { type: 'failed'; id: number; error: SentError }
  /** Sent once by the worker: the Web Lock it holds for its whole life, which the page gets when it ends. */
  | { type: 'hold'; lock: string };

/** A request without its id, which the client adds. */
export type Request = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

/** What the page holds of the runtime worker, or of its stand-in on the page (on-page.ts). */
export type WorkerPort = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;
