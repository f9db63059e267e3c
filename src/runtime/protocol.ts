/**
 * The messages between the page (client.ts) and the runtime worker (engine.ts): the page downloads the model and
 * the wasm and sends their bytes; the worker imports onnxruntime-web from the URL the page names, holds the
 * sessions, and answers single model runs and whole decodes.
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

export type ToWorker =
  /**
   * A session for `model` on `backend`. `module` is the build's onnxruntime-web module; `wasm` its wasm, sent
   * until the worker has started that build.
   */
  | {
      type: 'create';
      id: number;
      url: string;
      backend: Backend;
      build: RuntimeBuild;
      module: string;
      wasm?: Uint8Array;
      model: Uint8Array;
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
  /** The session exists; its warm-up run comes next. */
  | { type: 'started'; id: number }
  | { type: 'created'; id: number; session: number; cellCount: number | null }
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
