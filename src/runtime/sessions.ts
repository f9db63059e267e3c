/**
 * One InferenceSession per (model URL, backend), shared by every element on the page and released a little
 * last element holding it lets go. Runs on a session are queued, since a session runs one request at a time.
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-web';
import type { Predictor } from '../decoding.js';
import { hasWebGpuAdapter, loadOrt, type Backend } from './ort.js';

/** `auto` picks WebGPU where an adapter exists, else WASM. */
export type BackendPreference = 'auto' | Backend;

/** Why opening a model failed: it could not be fetched, or it is not a model that follows the contract. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/** An element's hold on a shared session. */
export interface ModelHandle {
  /** The backend the session really runs on (after any fallback). */
  readonly backend: Backend;
  /** The model's input length N*N where the model states it, else null (dynamic). */
  readonly cellCount: number | null;
  /** A predictor for `cellCount` cells; it owns one input tensor, reused on every call. */
  createPredictor(cellCount: number): Predictor;
  /** Lets go of the session; the last release frees it. Idempotent. */
  release(): void;
}

/** A session with what its elements need: its backend, its input length, predictors and a queued release. */
interface SharedSession {
  backend: Backend;
  cellCount: number | null;
  createPredictor(cellCount: number): Predictor;
  /** Frees the session once the runs queued on it are done. */
  release(): void;
}

/** Download progress of a model, 0..1 of its bytes. */
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
  /** Everyone waiting on this session's download, joiners included. */
  listeners: Set<ProgressListener>;
}

const entries = new Map<string, Entry>();

/** Opens (or joins) the session for `url` on the preferred backend; `onProgress` hears the model's download. */
export async function openModel(url: string, preference: BackendPreference, onProgress?: ProgressListener): Promise<ModelHandle> {
  const target: Backend = preference !== 'wasm' && (await hasWebGpuAdapter()) ? 'webgpu' : 'wasm';
  const key = `${target} ${url}`;
  let entry = entries.get(key);
  if (!entry) {
    const listeners = new Set<ProgressListener>();
    const created: Entry = { refs: 0, listeners, ready: createShared(url, target, (f) => listeners.forEach((l) => l(f))) };
    created.ready.catch(() => {
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
    cellCount: shared.cellCount,
    createPredictor: shared.createPredictor,
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

async function createShared(url: string, target: Backend, onProgress: ProgressListener): Promise<SharedSession> {
  const model = await fetchModel(url, onProgress);
  if (target === 'webgpu') {
    try {
      return await createSession(model, 'webgpu', url);
    } catch {
      // WebGPU can fail where WASM works (an adapter that lost its device, an op without a kernel): fall back.
    }
  }
  return createSession(model, 'wasm', url);
}

async function fetchModel(url: string, onProgress: ProgressListener): Promise<Uint8Array> {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    // Progress needs the size up front; without Content-Length the model arrives in one piece.
    const total = Number(response.headers.get('Content-Length'));
    if (!total || !response.body) return new Uint8Array(await response.arrayBuffer());
    let received = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          received += chunk.length;
          // A compressed response decodes to more bytes than Content-Length says.
          onProgress(Math.min(1, received / total));
          controller.enqueue(chunk);
        },
      }),
    );
    return new Uint8Array(await new Response(counted).arrayBuffer());
  } catch (cause) {
    throw new ModelLoadError(`could not fetch the model at ${url} (${describeError(cause)})`, { cause });
  }
}

async function createSession(model: Uint8Array, backend: Backend, url: string): Promise<SharedSession> {
  const ort = await loadOrt(backend);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, { executionProviders: [backend], logSeverityLevel: 3 });
  } catch (cause) {
    throw new ModelLoadError(`${url} is not an ONNX model onnxruntime-web can load (${describeError(cause)})`, { cause });
  }
  const input = session.inputMetadata[0];
  const outputName = session.outputNames[0];
  const inputType = input?.isTensor ? input.type : undefined;
  const cells = input?.isTensor ? input.shape[1] : undefined;
  // A session runs one request at a time: runs, and the release, wait their turn.
  let queue: Promise<unknown> = Promise.resolve();
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1 || (inputType !== 'int64' && inputType !== 'int32')) {
      throw new Error('one int64 input tokens [batch, N*N] and one float32 output logits [batch, N*N, 2]');
    }
    const shared: SharedSession = {
      backend,
      cellCount: typeof cells === 'number' ? cells : null,
      createPredictor(cellCount) {
        const data = inputType === 'int64' ? new BigInt64Array(cellCount) : new Int32Array(cellCount);
        const feeds: Record<string, Tensor> = { [input.name]: new ort.Tensor(inputType, data, [1, cellCount]) };
        // Reused by every run: the decoder reads a prediction before it asks for the next (Predictor).
        const probabilities = new Float32Array(cellCount);
        const fill =
          data instanceof BigInt64Array
            ? (tokens: Uint8Array) => {
                for (let i = 0; i < cellCount; i++) data[i] = BIG_TOKENS[tokens[i]];
              }
            : (tokens: Uint8Array) => data.set(tokens);
        return (tokens) => {
          if (tokens.length !== cellCount) {
            return Promise.reject(new RangeError(`predict: expected ${cellCount} tokens, got ${tokens.length}`));
          }
          const run = async () => {
            fill(tokens);
            const logits = (await session.run(feeds))[outputName] as TypedTensor<'float32'>;
            try {
              if (logits.type !== 'float32' || logits.data.length !== cellCount * 2) {
                throw new RangeError(
                  `the model's output ${outputName} has shape [${logits.dims.join(', ')}]; expected [1, ${cellCount}, 2] float32`,
                );
              }
              const values = logits.data;
              for (let i = 0; i < cellCount; i++) {
                probabilities[i] = 1 / (1 + Math.exp(values[2 * i] - values[2 * i + 1]));
              }
              return probabilities;
            } finally {
              logits.dispose();
            }
          };
          const result = queue.then(run, run);
          queue = result.catch(() => undefined);
          return result;
        };
      },
      release() {
        queue = queue.then(() => session.release()).catch(() => undefined);
      },
    };
    if (shared.cellCount !== null) {
      // One run on an all-hidden grid before `load`: it checks the output's shape, and moves the first run's
      // cost (WebGPU compiles its shaders here) out of the first inpaint.
      await shared.createPredictor(shared.cellCount)(new Uint8Array(shared.cellCount).fill(2));
    }
    return shared;
  } catch (cause) {
    await session.release();
    throw new ModelLoadError(`${url} does not follow the model contract (${describeError(cause)})`, { cause });
  }
}

const BIG_TOKENS = [0n, 1n, 2n];

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}
