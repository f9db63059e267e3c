// The bundled .onnx files against PyTorch: the logits PyTorch computed at export time for a fixed batch
// (test/fixtures/parity-N.json, written by training/train.py --parity or training/export.py --parity) must come
// out of onnxruntime. The attention-capable exports shipped beside them (models/square-inpainter-N-attention.onnx)
// must give the same logits and the attention rows the fixture keeps. The demo's CNN baselines (demo/models/,
// written by training/demo_models.py) likewise against theirs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { parityErrors, PARITY_TOLERANCE } from '../../training/parity.js';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(await readFile(new URL('models/manifest.json', root), 'utf8'));
const demoManifest = JSON.parse(await readFile(new URL('demo/models/manifest.json', root), 'utf8'));

type Entry = { gridSize: number; file: string; architecture: { patch: number }; prior: { name?: string } };

/** The parity fixture of a manifest entry: parity-N.json for the squares' models, parity-<prior>-N.json for others. */
const fixtureOf = (model: Entry) => {
  const prior = model.prior.name ?? 'squares';
  return new URL(`test/fixtures/parity-${prior === 'squares' ? '' : `${prior}-`}${model.gridSize}.json`, root).pathname;
};

for (const model of manifest.models as Entry[]) {
  test(`models/${model.file} gives PyTorch's logits in onnxruntime (≤ 1e-4), and only logits`, async () => {
    const { logits } = await parityErrors(new URL(`models/${model.file}`, root).pathname, fixtureOf(model));
    assert.ok(logits <= PARITY_TOLERANCE, `logits: max abs diff ${logits}`);
    // onnxruntime runs every output on every run: the model fills use carries no attention to pay for.
    const session = await ort.InferenceSession.create(new URL(`models/${model.file}`, root).pathname);
    assert.deepEqual(session.outputNames, ['logits']);
    await session.release();
  });

}

// The attention exports: the squares' models have one each.
for (const model of (manifest.models as Entry[]).filter((entry) => (entry.prior.name ?? 'squares') === 'squares')) {
  const attentionFile = `models/square-inpainter-${model.gridSize}-attention.onnx`;

  test(`${attentionFile} gives PyTorch's logits and attention in onnxruntime (≤ 1e-4)`, async () => {
    const { logits, attention } = await parityErrors(new URL(attentionFile, root).pathname, fixtureOf(model));
    assert.ok(logits <= PARITY_TOLERANCE, `logits: max abs diff ${logits}`);
    assert.ok(attention !== null && attention <= PARITY_TOLERANCE, `attention: max abs diff ${attention}`);
  });

  test(`${attentionFile} outputs logits first, then attention: rows of cells summing to 1`, async () => {
    const n = model.gridSize;
    const cells = n * n;
    const session = await ort.InferenceSession.create(new URL(attentionFile, root).pathname);
    try {
      assert.deepEqual(session.outputNames, ['logits', 'attention']);
      const data = new BigInt64Array(2 * cells).fill(2n);
      for (let i = 0; i < cells; i += 3) data[cells + i] = BigInt(i % 2); // image 1: a third of the cells visible
      const { attention } = await session.run({ tokens: new ort.Tensor('int64', data, [2, cells]) });
      assert.deepEqual(attention.dims, [2, cells, cells]);
      const map = attention.data as Float32Array;
      const patch = model.architecture.patch; // the 16×16 model reads 2×2 patches
      for (let row = 0; row < 2 * cells; row++) {
        let sum = 0;
        for (let key = 0; key < cells; key++) {
          const weight = map[row * cells + key];
          assert.ok(weight >= 0, `row ${row}, key ${key}: ${weight}`);
          sum += weight;
        }
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
      }
      if (patch > 1) {
        // Every cell of a patch asks as its patch, and a token's weight is spread evenly over its cells: each
        // entry equals the one between the two patches' first cells.
        const side = n / patch;
        const firstCell = (cell: number) => {
          const p = Math.floor(Math.floor(cell / n) / patch) * side + Math.floor((cell % n) / patch);
          return Math.floor(p / side) * patch * n + (p % side) * patch;
        };
        for (let b = 0; b < 2; b++) {
          for (let query = 0; query < cells; query++) {
            for (let key = 0; key < cells; key++) {
              const value = map[(b * cells + query) * cells + key];
              const expected = map[(b * cells + firstCell(query)) * cells + firstCell(key)];
              if (value !== expected) assert.fail(`image ${b}, query ${query}, key ${key}: ${value} vs ${expected}`);
            }
          }
        }
      }
    } finally {
      await session.release();
    }
  });
}

for (const model of demoManifest.models as { name: string; file: string; parity: { fixture: string } }[]) {
  test(`demo/models/${model.file} gives its checkpoint's logits in onnxruntime (≤ 1e-4)`, async () => {
    const { logits, attention } = await parityErrors(
      new URL(`demo/models/${model.file}`, root).pathname,
      new URL(model.parity.fixture, root).pathname,
    );
    assert.ok(logits <= PARITY_TOLERANCE, `logits: max abs diff ${logits}`);
    assert.equal(attention, null);
  });
}

test('the manifest lists the squares\' 8×8 and 16×16 models, then the rectangles\', each under its prior', () => {
  assert.deepEqual(
    (manifest.models as Entry[]).map((m) => `${m.prior.name ?? 'squares'} ${m.gridSize} ${m.file}`),
    ['squares 8 square-inpainter-8.onnx', 'squares 16 square-inpainter-16.onnx', 'rectangles 8 square-inpainter-rectangles-8.onnx', 'rectangles 16 square-inpainter-rectangles-16.onnx'],
  );
});
