/**
 * The runtime's working half, run by the runtime worker (worker.ts), or on the page where the host's bundler
 * leaves no onnxruntime-web module a worker can import (on-page.ts): the downloads of the models and of
 * onnxruntime-web's wasm (download.ts), onnxruntime-web's builds, the sessions, their runs and whole decodes
 * (decoding.ts), answering the page's messages (protocol.ts). It imports
 * onnxruntime-web only through the importer it is given, so the worker's script holds neither onnxruntime-web
 * nor `import.meta`.
 */
import type * as OrtTypes from 'onnxruntime-web';
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-web';
import { decode, type Predictor } from '../decoding.js';
import { toInt64Tokens, whiteProbabilities } from '../model-io.js';
import { webGpuAdapter } from './adapter.js';
import type { RuntimeBuild } from './assets.js';
import { downloadShare, fetchModel, fetchWasm, throttle, type ByteProgress } from './download.js';
import { describeError, ModelLoadError, RuntimeLoadError, sendable } from './errors.js';
import type { Backend, FromWorker, RuntimeFiles, ToWorker } from './protocol.js';
import { RunQueue } from './run-queue.js';

export type Ort = typeof OrtTypes;

/** Imports onnxruntime-web's build `build`, whose module the page found at `url`. */
export type OrtImporter = (build: RuntimeBuild, url: string) => Promise<Ort>;

/** The engine's side of the line to the page: a worker's scope, or the page's stand-in for one. */
export interface Endpoint {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => unknown) | null;
}

/** One loaded build of onnxruntime-web, with the queue every session on it shares (run-queue.ts). */
interface Runtime {
  readonly ort: Ort;
  readonly queue: RunQueue;
}

/** What a model run fetches, and how it waits for its turn in the runtime's queue. */
interface RunOptions {
  /** The model's output to fetch: by default `logits`, as P(white) per cell; another comes back as it is. */
  output?: string;
  /** The run never starts once this aborts (it rejects with the reason). */
  signal?: AbortSignal;
  /** Called as the run starts, after its wait in the queue. */
  onStart?(): void;
}

/** A session as the engine holds it. */
interface Session {
  cellCount: number | null;
  /** One model run of `tokens` through the runtime's queue. */
  run(tokens: Uint8Array, options?: RunOptions): Promise<Float32Array>;
  release(): void;
}

/** Answers the page's requests on `endpoint` until the scope ends. */
export function serve(endpoint: Endpoint, importOrt: OrtImporter): void {
  const runtimes = new Map<RuntimeBuild, Promise<Runtime>>();
  const sessions = new Map<number, Session>();
  const running = new Map<number, AbortController>();
  let nextSession = 1;
  /** How often each build was imported: a retry asks under another fragment. */
  const imports = new Map<RuntimeBuild, number>();
  /** The builds that have started: onnxruntime-web holds their wasm. */
  const started = new Set<RuntimeBuild>();
  /** Each build's wasm, downloaded once, until the build has started, with everyone counting its bytes. */
  const downloads = new Map<RuntimeBuild, { bytes: Promise<Uint8Array>; listeners: Set<ByteProgress> }>();

  /**
   * The wasm of `files.build`, or undefined where that build has started. Downloaded once; a failed download is
   * forgotten, so the next request fetches again.
   */
  const wasmFor = async (files: RuntimeFiles, onBytes?: ByteProgress): Promise<Uint8Array | undefined> => {
    if (started.has(files.build)) return undefined;
    let download = downloads.get(files.build);
    if (!download) {
      const listeners = new Set<ByteProgress>();
      const created = { listeners, bytes: fetchWasm(files.wasm, files.wasmBytes, (got, total) => listeners.forEach((l) => l(got, total))) };
      created.bytes.catch(() => downloads.get(files.build) === created && downloads.delete(files.build));
      downloads.set(files.build, created);
      download = created;
    }
    if (!onBytes) return download.bytes;
    download.listeners.add(onBytes);
    try {
      return await download.bytes;
    } finally {
      download.listeners.delete(onBytes);
    }
  };
  /**
   * The build `files.build`, started once. A failed start is forgotten, so the next request starts it again: the
   * wasm is checked before onnxruntime-web gets it, because it keeps a failed start for good.
   */
  const loadRuntime = async (files: RuntimeFiles): Promise<Runtime> => {
    const { build } = files;
    let ready = runtimes.get(build);
    if (!ready) {
      const wasm = await wasmFor(files);
      ready = runtimes.get(build);
      if (ready) return ready;
      if (!wasm) throw new RuntimeLoadError(`onnxruntime-web's ${build} wasm is gone`);
      // A module that failed to load stays failed under its URL in this scope: a retry asks under another fragment.
      const tries = (imports.get(build) ?? 0) + 1;
      imports.set(build, tries);
      const created = startRuntime(build, tries > 1 ? `${files.module}#retry-${tries}` : files.module, wasm, importOrt);
      created.then(
        () => {
          started.add(build);
          downloads.delete(build);
        },
        () => runtimes.get(build) === created && runtimes.delete(build),
      );
      runtimes.set(build, created);
      ready = created;
    }
    return ready;
  };

  /**
   * A session of the model at `message.url`: the model and the build's wasm download side by side (the first 90%
   * of the progress), then the session is created on `message.backend`, on WASM where WebGPU fails.
   */
  const create = async (message: Extract<ToWorker, { type: 'create' }>): Promise<FromWorker> => {
    const { id, url, backend, runtime, fallback } = message;
    const progress = throttle((fraction) => endpoint.postMessage({ type: 'progress', id, fraction }));
    const count = downloadShare(progress);
    const onModelBytes = count(message.modelBytes);
    const wasm = started.has(runtime.build) ? undefined : wasmFor(runtime, count(runtime.wasmBytes));
    // Handled here, awaited below: a model that fails to download must not leave this rejection unhandled.
    wasm?.catch(() => undefined);
    const model = await fetchModel(url, message.modelBytes, onModelBytes);
    // A runtime that cannot be fetched is reported as such, not hidden behind a fallback to the other build.
    await wasm;
    const onStarted = () => progress.now(0.95);
    const createOn = async (files: RuntimeFiles, on: Backend) => {
      const ready = await loadRuntime(files);
      if (on === 'webgpu') await checkAdapter();
      return createInferenceSession(ready, model, on, url, onStarted);
    };
    let session: Session;
    let fellBack: string | undefined;
    try {
      session = await createOn(runtime, backend);
    } catch (error) {
      // WebGPU can fail where WASM works (an adapter that lost its device, an op without a kernel, a worker without
      // WebGPU): fall back.
      if (!fallback) throw error;
      fellBack = describeError(error);
      session = await createOn(fallback, 'wasm');
    }
    const handle = nextSession++;
    sessions.set(handle, session);
    return { type: 'created', id, session: handle, cellCount: session.cellCount, backend: fellBack ? 'wasm' : backend, fellBack };
  };

  const answer = async (message: ToWorker, signal: AbortSignal): Promise<[FromWorker, Transferable[]?]> => {
    const { id } = message as { id: number };
    const session = 'session' in message ? sessions.get(message.session) : undefined;
    if (message.type === 'create') return [await create(message)];
    if (message.type === 'gpu') return [{ type: 'gpu', id, available: 'gpu' in navigator }];
    if (!session) throw new Error('the model was released');
    if (message.type === 'run') {
      const values = (await session.run(message.tokens, { output: message.output, signal })).slice();
      return [{ type: 'ran', id, values }, [values.buffer]];
    }
    if (message.type === 'decode') {
      // The fill's own time: from here to its result, less what its runs waited for their turn (behind another
      // model's loading, or another fill's runs). The page counts the rest as queued.
      const started = performance.now();
      let waitedMs = 0;
      // Each run waits for its turn with the fill's signal: one the page replaced starts no run (the queue checks
      // after giving the page's `abort` a turn), and decode stops before its next run and sends nothing back.
      const predict: Predictor = (tokens) => {
        const asked = performance.now();
        return session.run(tokens, { signal, onStart: () => (waitedMs += performance.now() - asked) });
      };
      const decoded = await decode(predict, message.pixels, message.mask, { ...message.options, signal });
      const result = { ...decoded, fillMs: performance.now() - started - waitedMs };
      return [{ type: 'decoded', id, result }, [result.pixels.buffer, result.probabilities.buffer]];
    }
    throw new Error(`unknown request ${JSON.stringify(message.type)}`);
  };

  endpoint.onmessage = async ({ data: message }) => {
    // Only the page's requests: anything else posted to this scope is not for the engine.
    if (typeof message?.type !== 'string') return;
    if (message.type === 'abort') return running.get(message.id)?.abort();
    if (message.type === 'release') {
      sessions.get(message.session)?.release();
      sessions.delete(message.session);
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    try {
      const [reply, transfer] = await answer(message, controller.signal);
      // A request the page gave up on gets no answer: nothing of a stale decode reaches the page.
      if (!controller.signal.aborted) endpoint.postMessage(reply, transfer ?? []);
    } catch (error) {
      if (!controller.signal.aborted) endpoint.postMessage({ type: 'failed', id: message.id, error: sendable(error) });
    } finally {
      running.delete(message.id);
    }
  };
}

async function startRuntime(build: RuntimeBuild, url: string, wasm: Uint8Array, importOrt: OrtImporter): Promise<Runtime> {
  let ort: Ort;
  try {
    ort = await importOrt(build, url);
  } catch (cause) {
    throw new RuntimeLoadError(`could not load onnxruntime-web's ${build} module (${describeError(cause)})`, { cause });
  }
  if (typeof ort?.InferenceSession?.create !== 'function') {
    throw new RuntimeLoadError(`${url} is not onnxruntime-web's ${build} module`);
  }
  ort.env.wasm.wasmBinary = wasm;
  // ORT's warnings (e.g. shape ops placed on the CPU beside WebGPU) are for its developers, not a page's console.
  ort.env.logLevel = 'error';
  return { ort, queue: new RunQueue() };
}

/**
 * WebGPU runs here only where this scope has it: a browser that offers no WebGPU to workers, or no adapter here,
 * fails the WebGPU session, and the page falls back to WASM.
 */
async function checkAdapter(): Promise<void> {
  if (!('gpu' in navigator)) throw new Error('this browser offers no WebGPU to workers');
  if (!(await webGpuAdapter())) throw new Error('no WebGPU adapter in the runtime worker');
}

/**
 * Creates onnxruntime-web's session of `model` on `backend`, checks it against the model contract and warms it up.
 * The creation waits in the runtime's queue as loading work, behind every run and warm-up waiting there; the
 * warm-up behind every run of a fill.
 */
async function createInferenceSession(runtime: Runtime, model: Uint8Array, backend: Backend, url: string, onStarted: () => void): Promise<Session> {
  const { ort, queue } = runtime;
  let session: InferenceSession;
  try {
    session = await queue.add(() => ort.InferenceSession.create(model, { executionProviders: [backend], logSeverityLevel: 3 }), { kind: 'loading' });
  } catch (cause) {
    // onnxruntime-web says so when its backend itself did not start (its wasm, or its thread workers): the
    // runtime's fault, not the model's.
    if (/no available backend/i.test(describeError(cause))) {
      throw new RuntimeLoadError(`onnxruntime-web could not start its ${backend} backend (${describeError(cause)})`, { cause });
    }
    throw new ModelLoadError(`${url} is not an ONNX model onnxruntime-web can load (${describeError(cause)})`, { cause });
  }
  onStarted();
  const input = session.inputMetadata[0];
  // `logits` is the contract's output; a model may add others (e.g. `attention`), which plain decodes never fetch.
  const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
  const inputType = input?.isTensor ? input.type : undefined;
  const cells = input?.isTensor ? input.shape[1] : undefined;
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length < 1 || (inputType !== 'int64' && inputType !== 'int32')) {
      throw new Error('one int64 input tokens [batch, N*N] and one float32 output logits [batch, N*N, 2]');
    }
    /** A predictor of `cellCount` cells, with an input tensor of its own that every run writes its tokens into. */
    const predictorFor = (cellCount: number, output = outputName): Predictor => {
      const data = inputType === 'int64' ? new BigInt64Array(cellCount) : new Int32Array(cellCount);
      const feeds: Record<string, Tensor> = { [input.name]: new ort.Tensor(inputType, data, [1, cellCount]) };
      return async (tokens: Uint8Array) => {
        if (data instanceof BigInt64Array) toInt64Tokens(tokens, data);
        else data.set(tokens);
        const logits = (await session.run(feeds, [output]))[output] as TypedTensor<'float32'>;
        try {
          // Another output (`attention`) comes back as it is, copied out of the tensor disposed below.
          if (output !== outputName) return logits.data.slice();
          if (logits.type !== 'float32' || logits.data.length !== cellCount * 2) {
            throw new RangeError(
              `the model's output ${outputName} has shape [${logits.dims.join(', ')}]; expected [1, ${cellCount}, 2] float32`,
            );
          }
          // Each run its own array: decodes of several elements on one session share this predictor.
          return whiteProbabilities(logits.data);
        } finally {
          logits.dispose();
        }
      };
    };
    /** The predictor of each cell count, kept for every decode: its input tensor is made once. */
    const predictors = new Map<number, Predictor>();
    const created: Session = {
      cellCount: typeof cells === 'number' ? cells : null,
      run(tokens, { output, signal, onStart } = {}) {
        let predict = output === undefined ? predictors.get(tokens.length) : undefined;
        if (!predict) {
          predict = predictorFor(tokens.length, output);
          if (output === undefined) predictors.set(tokens.length, predict);
        }
        const run = predict;
        return queue.add(() => {
          onStart?.();
          return run(tokens);
        }, { signal });
      },
      release() {
        queue.add(() => session.release(), { kind: 'loading' }).catch(() => undefined);
      },
    };
    const { cellCount } = created;
    if (cellCount !== null) {
      // One run on an all-hidden grid before `load`: it checks the output's shape, and moves the first run's
      // cost (WebGPU compiles its shaders here) out of the first inpaint.
      const warmUp = predictorFor(cellCount);
      await queue.add(() => warmUp(new Uint8Array(cellCount).fill(2)), { kind: 'warm-up' });
    }
    return created;
  } catch (cause) {
    await queue.add(() => session.release(), { kind: 'loading' }).catch(() => undefined);
    throw new ModelLoadError(`${url} does not follow the model contract (${describeError(cause)})`, { cause });
  }
}
