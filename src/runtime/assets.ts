/**
 * Where the models and the onnxruntime-web wasm files live. Each file the element may fetch is written below as
 * one literal `new URL('./file', import.meta.url)`: the form Vite, webpack 5 and Parcel 2 find in a package
 * and emit beside the app's bundle by themselves, so a host app copies nothing. The paths are relative to the
 * built module, `dist/square-inpainter.js`, which rollup bundles this file into.
 */

/** The bundled priors: one white filled square on black (the default), or one white filled rectangle. */
export type Prior = 'squares' | 'rectangles';
export const PRIORS: readonly Prior[] = ['squares', 'rectangles'];

/** Per prior, the grid sizes with a bundled model in `models/`. */
export const BUNDLED_GRID_SIZES: Readonly<Record<Prior, readonly number[]>> = { squares: [8, 16], rectangles: [8, 16] };

/** The bundled model's file name: `square-inpainter-N.onnx` for the squares, `square-inpainter-P-N.onnx` for prior P. */
export function modelFileName(gridSize: number, prior: Prior = 'squares'): string {
  return prior === 'squares' ? `square-inpainter-${gridSize}.onnx` : `square-inpainter-${prior}-${gridSize}.onnx`;
}

/** The runtime builds the element loads: plain WASM, WebGPU on asyncify, and WebGPU on JSPI. */
export type RuntimeBuild = 'wasm' | 'webgpu-asyncify' | 'webgpu-jspi';

/** Where the element looks for its assets; either part may be moved with {@link setAssetLocations}. */
export interface AssetLocations {
  /** Folder holding `square-inpainter-${N}.onnx`, `square-inpainter-rectangles-${N}.onnx` (and `manifest.json`). */
  models: string;
  /**
   * The package's `dist/ort/` folder: onnxruntime-web's wasm files (`ort-wasm-simd-threaded.wasm`, `….asyncify.wasm`,
   * `….jspi.wasm`), their modules (`ort.*.bundle.min.mjs`) and the runtime worker (`square-inpainter-worker.js`,
   * started from there when the folder is on the page's origin).
   */
  wasm: string;
}

/** The bundled models, one literal URL each. */
function bundledModel(gridSize: number, prior: Prior = 'squares'): URL | undefined {
  if (prior === 'rectangles') {
    if (gridSize === 8) return new URL('../models/square-inpainter-rectangles-8.onnx', import.meta.url);
    if (gridSize === 16) return new URL('../models/square-inpainter-rectangles-16.onnx', import.meta.url);
    return undefined;
  }
  if (gridSize === 8) return new URL('../models/square-inpainter-8.onnx', import.meta.url);
  if (gridSize === 16) return new URL('../models/square-inpainter-16.onnx', import.meta.url);
  return undefined;
}

/** The wasm file of each runtime build, one literal URL each, beside the build's module in `dist/ort/`. */
function bundledWasm(build: RuntimeBuild): URL {
  if (build === 'webgpu-jspi') return new URL('./ort/ort-wasm-simd-threaded.jspi.wasm', import.meta.url);
  if (build === 'webgpu-asyncify') return new URL('./ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url);
  return new URL('./ort/ort-wasm-simd-threaded.wasm', import.meta.url);
}

/**
 * The module of each runtime build, one literal URL each, which bundlers emit as a file: the runtime worker
 * imports it from there at run time (worker.ts).
 */
function bundledModule(build: RuntimeBuild): URL {
  if (build === 'webgpu-jspi') return new URL('./ort/ort.jspi.bundle.min.mjs', import.meta.url);
  if (build === 'webgpu-asyncify') return new URL('./ort/ort.webgpu.bundle.min.mjs', import.meta.url);
  return new URL('./ort/ort.wasm.bundle.min.mjs', import.meta.url);
}

const MODULE_FILES: Record<RuntimeBuild, string> = {
  wasm: 'ort.wasm.bundle.min.mjs',
  'webgpu-asyncify': 'ort.webgpu.bundle.min.mjs',
  'webgpu-jspi': 'ort.jspi.bundle.min.mjs',
};

/** File names of the wasm builds, for a folder set with {@link setAssetLocations}. */
const WASM_FILES: Record<RuntimeBuild, string> = {
  wasm: 'ort-wasm-simd-threaded.wasm',
  'webgpu-asyncify': 'ort-wasm-simd-threaded.asyncify.wasm',
  'webgpu-jspi': 'ort-wasm-simd-threaded.jspi.wasm',
};

/**
 * Uncompressed sizes of the shipped files, for progress when the server sends no usable Content-Length (none,
 * or the compressed size). test/node/assets.test.ts checks them against the files.
 */
export const BUNDLED_BYTES = {
  /** By file name ({@link modelFileName}). */
  models: { 'square-inpainter-8.onnx': 878_574, 'square-inpainter-16.onnx': 882_464, 'square-inpainter-rectangles-8.onnx': 878_851, 'square-inpainter-rectangles-16.onnx': 882_744 } as Record<string, number>,
  wasm: { wasm: 14_239_897, 'webgpu-asyncify': 26_781_914, 'webgpu-jspi': 16_758_545 } as Record<RuntimeBuild, number>,
};

const moved: Partial<AssetLocations> = {};
/** Whether the runtime has asked for its wasm: from then on the wasm folder cannot move. */
let wasmLocationUsed = false;

/**
 * Moves the model and wasm folders, e.g. to a CDN or a static-assets path. Relative URLs resolve against the
 * page. Call it before the first element loads a model: the runtime reads the wasm location only once.
 */
export function setAssetLocations(next: Partial<AssetLocations>): void {
  if (next.wasm !== undefined && wasmLocationUsed) {
    throw new Error('setAssetLocations: the wasm location must be set before the first model loads');
  }
  if (next.models !== undefined) moved.models = folderUrl(next.models);
  if (next.wasm !== undefined) moved.wasm = folderUrl(next.wasm);
}

/** The current asset locations, as absolute URLs ending in `/`. */
export function getAssetLocations(): AssetLocations {
  return {
    models: moved.models ?? new URL('.', bundledModel(8)).href,
    wasm: moved.wasm ?? new URL('.', bundledWasm('wasm')).href,
  };
}

/** The bundled model's URL for a grid size and prior (whether or not that model ships). */
export function bundledModelUrl(gridSize: number, prior: Prior = 'squares'): string {
  const bundled = moved.models ? undefined : bundledModel(gridSize, prior);
  return bundled?.href ?? new URL(modelFileName(gridSize, prior), getAssetLocations().models).href;
}

/** The bundled model's file name if `url` is one of the bundled models, else undefined. */
export function bundledModelFile(url: string): string | undefined {
  for (const prior of PRIORS) {
    for (const gridSize of BUNDLED_GRID_SIZES[prior]) if (bundledModelUrl(gridSize, prior) === url) return modelFileName(gridSize, prior);
  }
  return undefined;
}

/** The wasm file of `build`; from this first use on, the wasm folder can no longer move. */
export function wasmUrlForRuntime(build: RuntimeBuild): string {
  wasmLocationUsed = true;
  return moved.wasm ? new URL(WASM_FILES[build], moved.wasm).href : bundledWasm(build).href;
}

/** The module of `build`, beside its wasm. */
export function moduleUrlForRuntime(build: RuntimeBuild): string {
  return moved.wasm ? new URL(MODULE_FILES[build], moved.wasm).href : bundledModule(build).href;
}

/**
 * Whether the runtime must run on the page: the host's bundler compiled onnxruntime-web's module into a script
 * of its own (Parcel 2 names it `….js`, without the module's exports), which no worker can import.
 */
export function runtimeRunsOnPage(): boolean {
  return !moduleUrlForRuntime('wasm').endsWith('.mjs');
}

/**
 * Starts the runtime worker: the one beside the wasm files where setAssetLocations moved them on this page's
 * origin (a worker cannot start from another), else the one beside this module, written in the form bundlers
 * follow and emit.
 */
export function startWorker(): Worker {
  const beside = moved.wasm && new URL(WORKER_FILE, moved.wasm);
  if (beside && beside.origin === location.origin) return new Worker(beside, { type: 'module' });
  return new Worker(new URL('./ort/square-inpainter-worker.js', import.meta.url), { type: 'module' });
}

const WORKER_FILE = 'square-inpainter-worker.js';

function folderUrl(value: string | URL): string {
  const href = new URL(String(value), document.baseURI).href;
  return href.endsWith('/') ? href : href + '/';
}
