/**
 * One InferenceSession per (model URL, backend), shared by every element on the page and released a little
 * after the last element holding it lets go. Every session creation, run and release goes through its
 * runtime's queue (`Runtime.exclusive`), shared by all the sessions on that runtime.
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-web';
import type { Predictor } from '../decoding.js';
import { BUNDLED_BYTES, BUNDLED_GRID_SIZES, bundledModelUrl } from './assets.js';
import { fetchBytes } from './fetch.js';
import {
  describeError,
  isRuntimeLoading,
  loadRuntime,
  looksLikeHtml,
  runtimeBuildFor,
  RuntimeLoadError,
  webGpuAdapter,
  type Backend,
  type Runtime,
} from './ort.js';

/** `auto` picks WebGPU where a hardware adapter exists, else WASM. */
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
  /** The WebGPU adapter's name where one was found (empty if it tells none), else null. */
  readonly adapter: string | null;
  /** Why the session runs on `backend`: the preference, the adapter found, or the fallback taken. */
  readonly reason: string;
  /** The model's input length N*N where the model states it, else null (dynamic). */
  readonly cellCount: number | null;
  /**
   * A predictor for `cellCount` cells; it owns one input tensor, reused on every call. It runs through the
   * runtime's queue and fetches only `output`: by default the P(white) of `logits`; `attention` (an attention
   * export's N*N × N*N map, row `q` where query cell `q` looks, summing to 1) comes back as the model gives it.
   */
  createPredictor(cellCount: number, output?: string): Predictor;
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
}

const entries = new Map<string, Entry>();

/** Opens (or joins) the session for `url` on the preferred backend; `onProgress` hears the whole load. */
export async function openModel(url: string, preference: BackendPreference, onProgress?: ProgressListener): Promise<ModelHandle> {
  const choice = await chooseBackend(preference);
  const key = `${choice.backend} ${url}`;
  let entry = entries.get(key);
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
    adapter: shared.adapter,
    reason: shared.reason,
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
  const kind = adapter.fallback ? 'software fallback ' : '';
  return { backend: 'webgpu', adapter: adapter.name, reason: `WebGPU on the ${kind}adapter${named}` };
}

async function createShared(url: string, choice: BackendChoice, onProgress: ProgressListener): Promise<SharedSession> {
  // The downloads run side by side: the model, and the runtime's wasm unless this page loads it already.
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
  if (!isRuntimeLoading(build)) downloads.runtime = [0, BUNDLED_BYTES.wasm[build]];
  const runtime = loadRuntime(build, countBytes('runtime'));
  // Handled here, awaited below: a model that fails to download must not leave this rejection unhandled.
  runtime.catch(() => undefined);
  const model = await fetchModel(url, bundledSize && BUNDLED_BYTES.models[bundledSize], countBytes('model'));
  // A runtime that cannot be fetched is reported as such, not hidden behind a fallback to the other build.
  const loaded = await runtime;
  if (choice.backend === 'webgpu') {
    try {
      return await createSession(loaded, model, 'webgpu', url, choice, onProgress);
    } catch (error) {
      // WebGPU can fail where WASM works (an adapter that lost its device, an op without a kernel): fall back.
      const reason = `${choice.reason} failed (${describeError(error)}); fell back to WASM`;
      return createSession(await loadRuntime('wasm'), model, 'wasm', url, { ...choice, reason }, onProgress);
    }
  }
  return createSession(loaded, model, 'wasm', url, choice, onProgress);
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

function createSession(
  runtime: Runtime,
  model: Uint8Array,
  backend: Backend,
  url: string,
  choice: BackendChoice,
  onProgress: ProgressListener,
): Promise<SharedSession> {
  return runtime.exclusive(async () => {
    const { ort } = runtime;
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, { executionProviders: [backend], logSeverityLevel: 3 });
    } catch (cause) {
      // onnxruntime-web says so when its backend itself did not start (its wasm, or its thread workers): the
      // runtime's fault, not the model's.
      if (/no available backend/i.test(describeError(cause))) {
        throw new RuntimeLoadError(`onnxruntime-web could not start its ${backend} backend (${describeError(cause)})`, { cause });
      }
      throw new ModelLoadError(`${url} is not an ONNX model onnxruntime-web can load (${describeError(cause)})`, { cause });
    }
    onProgress(0.95);
    const input = session.inputMetadata[0];
    // `logits` is the contract's output; a model may add others (e.g. `attention`), which plain fills never fetch.
    const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
    const inputType = input?.isTensor ? input.type : undefined;
    const cells = input?.isTensor ? input.shape[1] : undefined;
    try {
      if (session.inputNames.length !== 1 || session.outputNames.length < 1 || (inputType !== 'int64' && inputType !== 'int32')) {
        throw new Error('one int64 input tokens [batch, N*N] and one float32 output logits [batch, N*N, 2]');
      }
      const predictorFor = (cellCount: number, output = outputName) => {
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
        return async (tokens: Uint8Array) => {
          if (tokens.length !== cellCount) throw new RangeError(`predict: expected ${cellCount} tokens, got ${tokens.length}`);
          let runFeeds = feeds;
          if (ort.env.wasm.proxy) {
            // The proxy worker takes the input's buffer (a transfer): each run gets its own.
            const own = inputType === 'int64' ? BigInt64Array.from(tokens, (t) => BIG_TOKENS[t]) : Int32Array.from(tokens);
            runFeeds = { [input.name]: new ort.Tensor(inputType, own, [1, cellCount]) };
          } else fill(tokens);
          const logits = (await session.run(runFeeds, [output]))[output] as TypedTensor<'float32'>;
          try {
            // Another output (`attention`) comes back as it is, copied out of the tensor disposed below.
            if (output !== outputName) return logits.data.slice();
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
      };
      const cellCount = typeof cells === 'number' ? cells : null;
      if (cellCount !== null) {
        // One run on an all-hidden grid before `load`: it checks the output's shape, and moves the first run's
        // cost (WebGPU compiles its shaders here) out of the first inpaint.
        await predictorFor(cellCount)(new Uint8Array(cellCount).fill(2));
      }
      return {
        backend,
        adapter: choice.adapter,
        reason: choice.reason,
        cellCount,
        createPredictor(count: number, output?: string): Predictor {
          const predict = predictorFor(count, output);
          return (tokens) => runtime.exclusive(() => predict(tokens));
        },
        release() {
          runtime.exclusive(() => session.release()).catch(() => undefined);
        },
      };
    } catch (cause) {
      await session.release();
      throw new ModelLoadError(`${url} does not follow the model contract (${describeError(cause)})`, { cause });
    }
  });
}

const BIG_TOKENS = [0n, 1n, 2n];
