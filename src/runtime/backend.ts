/**
 * The backend a session runs on, and the onnxruntime-web build that serves it. The WASM backend runs the
 * `ort.wasm.bundle.min.mjs` build with the plain `ort-wasm-simd-threaded.wasm`; WebGPU runs the JSPI build (4.1 MB
 * gzip of wasm) where the browser has `WebAssembly.Suspending`, asyncify (6.7 MB) elsewhere. A page never fetches
 * a build it does not run.
 */
import { webGpuAdapter } from './adapter.js';
import type { RuntimeBuild } from './assets.js';
import { connect, request } from './client.js';
import type { Backend } from './protocol.js';

/** `auto` picks WebGPU where a hardware adapter exists, else WASM. */
export type BackendPreference = 'auto' | Backend;

/** The backend to try first, and what the `load` event says about it. */
export interface BackendChoice {
  backend: Backend;
  adapter: string | null;
  reason: string;
}

/**
 * `auto` takes WebGPU only on a hardware adapter: a software one (SwiftShader, which machines without a GPU
 * can hand out) runs this model 100× slower than WASM. `webgpu` takes any adapter.
 */
export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return { backend: 'wasm', adapter: null, reason: 'backend="wasm" asks for WASM' };
  const adapter = await webGpuAdapter();
  if (!adapter) return { backend: 'wasm', adapter: null, reason: 'no WebGPU adapter on this page' };
  const named = adapter.name ? ` (${adapter.name})` : '';
  if (adapter.fallback && preference === 'auto') {
    return { backend: 'wasm', adapter: adapter.name, reason: `the WebGPU adapter${named} is a software fallback, slower than WASM` };
  }
  // The runtime runs in a worker: where the browser gives workers no WebGPU, the page's adapter is of no use, and
  // asking first spares the download of a WebGPU build that could not start.
  if (!(await request<'gpu'>(connect(), { type: 'gpu' })).available) {
    return { backend: 'wasm', adapter: adapter.name, reason: 'this browser offers no WebGPU to workers, where the runtime runs' };
  }
  const kind = adapter.fallback ? 'software fallback ' : '';
  return { backend: 'webgpu', adapter: adapter.name, reason: `WebGPU on the ${kind}adapter${named}` };
}

/** The build that serves `backend` in this browser. */
export function runtimeBuildFor(backend: Backend): RuntimeBuild {
  if (backend === 'wasm') return 'wasm';
  return 'Suspending' in WebAssembly ? 'webgpu-jspi' : 'webgpu-asyncify';
}
