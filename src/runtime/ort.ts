/**
 * Loads onnxruntime-web on demand: the WASM-only build (`ort.wasm.min.mjs` + the plain 14 MB
 * `ort-wasm-simd-threaded.wasm`) or the WebGPU build (`ort.webgpu.min.mjs` + its asyncify wasm), never both
 * unless both backends are really used on the page.
 */
import type * as OrtTypes from 'onnxruntime-web';
import { wasmFolderForRuntime } from './assets.js';

/** An execution provider the element runs on. */
export type Backend = 'webgpu' | 'wasm';
export type Ort = typeof OrtTypes;

const builds = new Map<Backend, Promise<Ort>>();

/** The onnxruntime-web build for `backend`, imported once per page. */
export function loadOrt(backend: Backend): Promise<Ort> {
  let build = builds.get(backend);
  if (!build) {
    // Two literal specifiers so the bundler keeps each build in its own file, fetched only when used.
    const imported: Promise<Ort> = backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
    build = imported.then((ort) => {
      ort.env.wasm.wasmPaths = wasmFolderForRuntime();
      // ORT's warnings (e.g. shape ops placed on the CPU beside WebGPU) are for its developers, not a page's console.
      ort.env.logLevel = 'error';
      return ort;
    });
    build.catch(() => builds.delete(backend));
    builds.set(backend, build);
  }
  return build;
}

interface GpuLike {
  requestAdapter(options?: object): Promise<object | null>;
}

/** Whether this page can get a WebGPU adapter right now. */
export async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}
