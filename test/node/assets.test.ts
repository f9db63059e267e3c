import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_BYTES, BUNDLED_GRID_SIZES, PRIORS, modelFileName } from '../../src/runtime/assets.js';

const require = createRequire(import.meta.url);
const ortDist = path.dirname(require.resolve('onnxruntime-web'));
const size = async (file: string) => (await stat(file)).size;

// Progress stands in these sizes where a server gzips or sends no Content-Length: they must be the shipped files'.
test('the shipped sizes progress counts on are the sizes of the bundled models', async () => {
  for (const prior of PRIORS) {
    for (const gridSize of BUNDLED_GRID_SIZES[prior]) {
      const file = modelFileName(gridSize, prior);
      assert.equal(BUNDLED_BYTES.models[file], await size(`models/${file}`), file);
    }
  }
  assert.deepEqual(Object.keys(BUNDLED_BYTES.models).sort(), PRIORS.flatMap((prior) => BUNDLED_GRID_SIZES[prior].map((n) => modelFileName(n, prior))).sort());
});

test("the shipped sizes progress counts on are the sizes of onnxruntime-web's wasm files", async () => {
  const files = { wasm: 'ort-wasm-simd-threaded.wasm', 'webgpu-asyncify': 'ort-wasm-simd-threaded.asyncify.wasm', 'webgpu-jspi': 'ort-wasm-simd-threaded.jspi.wasm' };
  for (const [build, file] of Object.entries(files)) {
    assert.equal(BUNDLED_BYTES.wasm[build as keyof typeof files], await size(path.join(ortDist, file)), file);
  }
});
