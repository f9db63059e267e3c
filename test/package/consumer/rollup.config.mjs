// A plain app build: node-resolve finds 'square-inpainter' in node_modules and bundles it, with
// onnxruntime-web's builds as chunks that load only when used.
import resolve from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { dir: 'build', format: 'es' },
  plugins: [resolve({ browser: true })],
};
