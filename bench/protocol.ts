/**
 * The messages between the bench page (harness.ts) and the bench's worker (worker.ts): the runtime's own
 * (src/runtime/protocol.ts), which the bench worker's engine answers as the element's worker does, and the
 * bench's raw baseline, which no shipped worker knows. A change to the runtime's messages fails the bench's build.
 */
import type { Backend, FromWorker, ToWorker } from '../src/runtime/protocol.js';

export type BaselineRequest =
  /**
   * A raw session of `model` on `backend` beside the engine's, on the onnxruntime-web module `module` that the
   * engine has started (send a `create` first).
   */
  | { type: 'raw-session'; id: number; module: string; backend: Backend; model: Uint8Array }
  /** `repeats` raw `session.run` calls on `tokens`, each timed in the worker (ms); none: answered at once. */
  | { type: 'time'; id: number; tokens: Uint8Array; repeats: number };

export type BaselineReply = { type: 'raw-session-ready'; id: number } | { type: 'timed'; id: number; times: number[] };

export type BenchToWorker = ToWorker | BaselineRequest;
export type BenchFromWorker = FromWorker | BaselineReply;

/** A request without its id, which the page adds. */
export type BenchRequest = BenchToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;
