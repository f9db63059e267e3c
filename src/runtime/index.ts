/**
 * The only entry into onnxruntime-web: asset locations, backend choice, shared sessions; onnxruntime-web itself
 * runs in the runtime worker (worker.ts, engine.ts).
 */
export { BUNDLED_GRID_SIZES, bundledModelUrl, getAssetLocations, setAssetLocations, type AssetLocations } from './assets.js';
export { ModelLoadError, RuntimeLoadError } from './errors.js';
export type { Backend } from './protocol.js';
export { openModel, openSessionCount, type BackendPreference, type ModelHandle, type ProgressListener } from './sessions.js';
