// esbuild has no asset handling: it bundles the module but emits no file named by new URL(…, import.meta.url).
// The recipe: copy the package's models/ and dist/ort/ beside the build, and say where they are before the
// first element loads (setup-assets.js runs first).
import './setup-assets.js';
import './main.js';
