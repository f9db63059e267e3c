/**
 * Where the models and the onnxruntime-web wasm files live. By default both ship beside the built module
 * (`dist/ort/` and `models/`), found from `import.meta.url`, so a page fetches nothing from another origin.
 */

/** Grid sizes with a bundled model in `models/`. */
export const BUNDLED_GRID_SIZES: readonly number[] = [8, 16];

/** Where the element looks for its assets; either part may be moved with {@link setAssetLocations}. */
export interface AssetLocations {
  /** Folder holding `square-inpainter-${N}.onnx` (and `manifest.json`). */
  models: string;
  /** Folder holding the onnxruntime-web files: `ort.wasm.min.mjs`, `ort-wasm-simd-threaded.wasm`, ... */
  wasm: string;
}

const locations: AssetLocations = {
  models: new URL('../models/', import.meta.url).href,
  wasm: new URL('./ort/', import.meta.url).href,
};

let runtimeStarted = false;

/**
 * Moves the model and wasm folders, e.g. to a CDN or a static-assets path. Relative URLs resolve against the
 * page. Call it before the first element loads a model: onnxruntime-web reads the wasm location only once.
 */
export function setAssetLocations(next: Partial<AssetLocations>): void {
  if (next.wasm !== undefined && runtimeStarted) {
    throw new Error('setAssetLocations: the wasm location must be set before the first model loads');
  }
  if (next.models !== undefined) locations.models = folderUrl(next.models);
  if (next.wasm !== undefined) locations.wasm = folderUrl(next.wasm);
}

/** The current asset locations, as absolute URLs ending in `/`. */
export function getAssetLocations(): AssetLocations {
  return { ...locations };
}

/** The bundled model's URL for a grid size (whether or not that size ships). */
export function bundledModelUrl(gridSize: number): string {
  return new URL(`square-inpainter-${gridSize}.onnx`, locations.models).href;
}

/** The wasm folder, marking the runtime as started so the folder can no longer move. */
export function wasmFolderForRuntime(): string {
  runtimeStarted = true;
  return locations.wasm;
}

function folderUrl(value: string | URL): string {
  const href = new URL(String(value), document.baseURI).href;
  return href.endsWith('/') ? href : href + '/';
}
