// The bundled .onnx files against PyTorch: the logits PyTorch computed at export time for a fixed batch
// (test/fixtures/parity-N.json, written by training/train.py --parity) must come out of onnxruntime.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
// @ts-expect-error plain ESM helper shared with the Python smoke test
import { maxParityError, PARITY_TOLERANCE } from '../../training/parity.mjs';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(await readFile(new URL('models/manifest.json', root), 'utf8'));

for (const model of manifest.models as { gridSize: number; file: string }[]) {
  test(`models/${model.file} gives PyTorch's logits in onnxruntime (≤ 1e-4)`, async () => {
    const worst = await maxParityError(
      new URL(`models/${model.file}`, root).pathname,
      new URL(`test/fixtures/parity-${model.gridSize}.json`, root).pathname,
    );
    assert.ok(worst <= PARITY_TOLERANCE, `max abs diff ${worst}`);
  });
}

test('the manifest lists the 8×8 and 16×16 models', () => {
  assert.deepEqual(manifest.models.map((m: { gridSize: number }) => m.gridSize), [8, 16]);
});
