// A plain webpack 5 app build: an entry and an output folder, nothing for square-inpainter.
import path from 'node:path';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: path.resolve(import.meta.dirname, 'out/webpack'), clean: true },
  performance: { hints: false },
};
