/**
 * Loads onnxruntime-web on demand, one build per backend: the WASM build (`ort.wasm.bundle.min.mjs` + the
 * plain `ort-wasm-simd-threaded.wasm`), or a WebGPU build, JSPI (`ort.jspi.bundle.min.mjs`, 4.1 MB gzip of
 * wasm) where the browser has `WebAssembly.Suspending`, asyncify (6.7 MB) elsewhere. A page never fetches a
 * build it does not run.
 */
import type * as OrtTypes from 'onnxruntime-web';
import { BUNDLED_BYTES, wasmUrlForRuntime, type RuntimeBuild } from './assets.js';
import { fetchBytes, type ByteProgress } from './fetch.js';

/** An execution provider the element runs on. */
export type Backend = 'webgpu' | 'wasm';
export type Ort = typeof OrtTypes;

/** Why the runtime itself (onnxruntime-web's module or wasm) could not be fetched or started. */
export class RuntimeLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeLoadError';
  }
}

/** One loaded build of onnxruntime-web, with the queue every session on it shares. */
export interface Runtime {
  readonly ort: Ort;
  readonly build: RuntimeBuild;
  /**
   * Runs `task` after every task queued before it. On WebGPU, sessions share one device and one wasm heap, and
   * runs (or creations) of two sessions at once corrupt each other's buffers; so every session creation, run and
   * release on a runtime waits its turn, across all the sessions on the page.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

const runtimes = new Map<RuntimeBuild, { ready: Promise<Runtime>; listeners: Set<ByteProgress> }>();

/** The build that serves `backend` in this browser. */
export function runtimeBuildFor(backend: Backend): RuntimeBuild {
  if (backend === 'wasm') return 'wasm';
  return 'Suspending' in WebAssembly ? 'webgpu-jspi' : 'webgpu-asyncify';
}

/** Whether `build` is loaded (or loading) on this page: its bytes need not be counted again. */
export function isRuntimeLoading(build: RuntimeBuild): boolean {
  return runtimes.has(build);
}

/**
 * The onnxruntime-web build `build`, imported once per page; `onBytes` hears its wasm's download. A failed load
 * is forgotten, so the next call fetches again: the wasm is fetched here and handed to onnxruntime-web as
 * `env.wasm.wasmBinary`, and checked before it is, because onnxruntime-web keeps a failed start for good
 * ("previous call to initializeWebAssembly() failed") and only a page reload would clear it.
 */
export function loadRuntime(build: RuntimeBuild, onBytes?: ByteProgress): Promise<Runtime> {
  let entry = runtimes.get(build);
  if (!entry) {
    const listeners = new Set<ByteProgress>();
    const created = { listeners, ready: startRuntime(build, (received, total) => listeners.forEach((l) => l(received, total))) };
    created.ready.catch(() => {
      if (runtimes.get(build) === created) runtimes.delete(build);
    });
    runtimes.set(build, created);
    entry = created;
  }
  const { ready, listeners } = entry;
  if (onBytes) {
    listeners.add(onBytes);
    ready.then(
      () => listeners.delete(onBytes),
      () => listeners.delete(onBytes),
    );
  }
  return ready;
}

async function startRuntime(build: RuntimeBuild, onBytes: ByteProgress): Promise<Runtime> {
  const wasmUrl = wasmUrlForRuntime(build);
  const [ort, wasm] = await Promise.all([importBuild(build), fetchWasm(wasmUrl, build, onBytes)]);
  ort.env.wasm.wasmBinary = wasm;
  if (import.meta.url.startsWith('file:')) {
    // Parcel (and webpack) replace `import.meta.url` with the module's file: path at build time. onnxruntime-web
    // then starts its workers from a URL that webpack rewrites to an emitted copy of the build but Parcel leaves
    // as a file: URL no page can fetch, and the wasm backend fails to start for good. Where this module's own
    // URL was replaced so, the runtime keeps to one thread on the page and starts no worker.
    ort.env.wasm.numThreads = 1;
  } else if (build === 'wasm') {
    // Everywhere else the WASM build runs in onnxruntime-web's proxy worker: compiling the wasm, creating the
    // session and every run happen off the page's main thread (one 400–500 ms long task less on a cold page,
    // bench/README.md). Its WebGPU builds have no proxy: WebGPU sessions run on the page.
    ort.env.wasm.proxy = true;
  }
  // ORT's warnings (e.g. shape ops placed on the CPU beside WebGPU) are for its developers, not a page's console.
  ort.env.logLevel = 'error';
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ort,
    build,
    exclusive<T>(task: () => Promise<T>): Promise<T> {
      const result = queue.then(task, task);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

async function importBuild(build: RuntimeBuild): Promise<Ort> {
  try {
    // Literal specifiers, one per build, so a bundler keeps each build in a chunk of its own, fetched only when
    // used; rollup.config.mjs maps them to the copies in dist/ort/.
    if (build === 'webgpu-jspi') return await import('onnxruntime-web/jspi');
    if (build === 'webgpu-asyncify') return await import('onnxruntime-web/webgpu');
    return await import('onnxruntime-web/wasm');
  } catch (cause) {
    throw new RuntimeLoadError(`could not load onnxruntime-web's ${build} module (${describeError(cause)})`, { cause });
  }
}

async function fetchWasm(url: string, build: RuntimeBuild, onBytes: ByteProgress): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, BUNDLED_BYTES.wasm[build], onBytes);
  } catch (cause) {
    throw new RuntimeLoadError(`could not fetch onnxruntime-web's wasm at ${url} (${describeError(cause)})`, { cause });
  }
  // "\0asm": anything else (a dev server's HTML page, an error page) would break onnxruntime-web for good.
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const html = looksLikeHtml(bytes) ? ': the server answered with an HTML page' : '';
    throw new RuntimeLoadError(`${url} is not a WebAssembly file${html}`);
  }
  return bytes;
}

/** Whether `bytes` start like an HTML page: what a dev server or SPA host sends for a file it does not have. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('<');
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

/** What this page's WebGPU offers: no adapter, or one, software (a fallback adapter) or not. */
export interface AdapterReport {
  /** Vendor, architecture or description, as the adapter tells them; empty when it tells nothing. */
  name: string;
  /** A software adapter (e.g. SwiftShader): WebGPU works, but far slower than WASM. */
  fallback: boolean;
}

/** The WebGPU adapter this page can get right now, or null. */
export async function webGpuAdapter(): Promise<AdapterReport | null> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    return { name, fallback: (info.isFallbackAdapter ?? adapter.isFallbackAdapter) === true };
  } catch {
    return null;
  }
}

export function describeError(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message : String(error);
  } catch {
    text = 'an error that cannot be shown';
  }
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}
