/** The only entry into onnxruntime-web: asset locations, backend choice, shared sessions and their run queue. */
export { BUNDLED_GRID_SIZES, bundledModelUrl, getAssetLocations, setAssetLocations, type AssetLocations } from './assets.js';
export { RuntimeLoadError, type Backend } from './ort.js';
export { ModelLoadError, openModel, openSessionCount, type BackendPreference, type ModelHandle, type ProgressListener } from './sessions.js';
