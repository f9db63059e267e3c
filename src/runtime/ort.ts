/**
 * onnxruntime-web's builds as the page sees them: which build serves a backend, and its wasm, downloaded by the
 * page (for the progress bar) and checked before the runtime worker gets it. The WASM build is
 * `ort.wasm.bundle.min.mjs` + the plain `ort-wasm-simd-threaded.wasm`; WebGPU is the JSPI build (4.1 MB gzip of
 * wasm) where the browser has `WebAssembly.Suspending`, asyncify (6.7 MB) elsewhere. A page never fetches a
 * build it does not run.
 */
import { BUNDLED_BYTES, wasmUrlForRuntime, type RuntimeBuild } from './assets.js';
import { describeError, looksLikeHtml, RuntimeLoadError } from './errors.js';
import { fetchBytes, type ByteProgress } from './fetch.js';
import type { Backend } from './protocol.js';

export type { Backend } from './protocol.js';

/** The build that serves `backend` in this browser. */
export function runtimeBuildFor(backend: Backend): RuntimeBuild {
  if (backend === 'wasm') return 'wasm';
  return 'Suspending' in WebAssembly ? 'webgpu-jspi' : 'webgpu-asyncify';
}

/**
 * The wasm of `build`, checked: anything else (a dev server's HTML page, an error page) would break
 * onnxruntime-web for good ("previous call to initializeWebAssembly() failed"), and only a reload would clear it.
 */
export async function fetchWasm(build: RuntimeBuild, onBytes: ByteProgress): Promise<Uint8Array> {
  const url = wasmUrlForRuntime(build);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, BUNDLED_BYTES.wasm[build], onBytes);
  } catch (cause) {
    throw new RuntimeLoadError(`could not fetch onnxruntime-web's wasm at ${url} (${describeError(cause)})`, { cause });
  }
  // "\0asm"
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const html = looksLikeHtml(bytes) ? ': the server answered with an HTML page' : '';
    throw new RuntimeLoadError(`${url} is not a WebAssembly file${html}`);
  }
  return bytes;
}
