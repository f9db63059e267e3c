// rollup emits no assets by itself: @web/rollup-plugin-import-meta-assets emits every file a module names as
// new URL('./file', import.meta.url), the package's models and the onnxruntime-web wasm among them.
import resolve from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'main.js',
  output: { dir: 'out/rollup', format: 'es' },
  plugins: [resolve({ browser: true }), importMetaAssets()],
};
