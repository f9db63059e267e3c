/**
 * What the element uses of the runtime: asset locations, the shared sessions and the runtime's errors.
 * onnxruntime-web itself runs in the runtime worker (worker.ts, engine.ts).
 */
export { BUNDLED_GRID_SIZES, PRIORS, bundledModelUrl, getAssetLocations, setAssetLocations, type AssetLocations, type Prior } from './assets.js';
export type { BackendPreference } from './backend.js';
export { ModelLoadError, RuntimeLoadError } from './errors.js';
export type { ProgressListener } from './load.js';
export type { Backend } from './protocol.js';
export { openModel, type ModelHandle } from './registry.js';
