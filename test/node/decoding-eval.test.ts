// training/decoding-eval.ts, the decoding part of `npm run evaluate`, on tiny runs: the JSON it prints, and
// its batching of many decodes into one predictor without mixing their answers up.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = 'training/decoding-eval.ts';
const bundled8 = `${root}models/square-inpainter-8.onnx`;

async function evaluateDecoding(...args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root });
  return JSON.parse(stdout);
}

test('with the exact posterior as the model, iterative and sample decoding always give a valid square', async () => {
  const result = await evaluateDecoding('--exact', '--grid', '8', '--per-family', '4', '--concurrency', '7');
  assert.deepEqual(Object.keys(result.families), ['cells', 'rectangles', 'lines', 'corner', 'square', 'dense95']);
  for (const [family, byDecoding] of Object.entries<Record<string, { images: number; valid: number; runs: { mean: number; max: number } }>>(result.families)) {
    assert.equal(byDecoding['one-shot'].images, 4, family);
    assert.equal(byDecoding['one-shot'].runs.max, 1, family);
    assert.equal(byDecoding.iterative.valid, 1, `${family}: iterative`);
    assert.equal(byDecoding.sample.valid, 1, `${family}: sample`);
    assert.ok(byDecoding.iterative.runs.max <= result.steps.iterative, family);
  }
  // Several decodes share each batch, and every run of every decode went through one.
  assert.ok(result.batches < result.modelRuns);
  const perDecode = (d: string) => Object.values<Record<string, { images: number; runs: { mean: number } }>>(result.families)
    .reduce((sum, f) => sum + f[d].images * f[d].runs.mean, 0);
  assert.ok(Math.abs(perDecode('one-shot') + perDecode('iterative') + perDecode('sample') - result.modelRuns) < 0.5);
});

test('runs the bundled 8×8 model through onnxruntime-node', { skip: !existsSync(bundled8) && 'no bundled 8×8 model' }, async () => {
  const result = await evaluateDecoding('--model', bundled8, '--grid', '8', '--per-family', '2');
  assert.equal(result.overall['one-shot'].images, 12);
  for (const decoding of ['one-shot', 'iterative', 'sample']) {
    const { valid, runs } = result.overall[decoding];
    assert.ok(valid >= 0 && valid <= 1 && runs.mean >= 1, decoding);
  }
});

test('with the bundled 8×8 model, iterative gives a valid square in at least 99% of 600 masks', { skip: !existsSync(bundled8) && 'no bundled 8×8 model' }, async () => {
  // Measured 99.7% here (99.6% on evaluate.py's masks); the decoder that committed the most uncertain
  // cell with a union-bound share of 0.85 gave 84%, and 63% on dense95.
  const result = await evaluateDecoding('--model', bundled8, '--grid', '8', '--per-family', '100');
  assert.ok(result.overall.iterative.valid >= 0.99, `iterative valid ${result.overall.iterative.valid}`);
  for (const [family, byDecoding] of Object.entries<Record<string, { valid: number; runs: { max: number } }>>(result.families)) {
    assert.ok(byDecoding.iterative.valid >= 0.97, `${family}: iterative valid ${byDecoding.iterative.valid}`);
    assert.ok(byDecoding.iterative.runs.max <= result.steps.iterative, family);
  }
});

test('refuses a missing model with exit code 2 and a one-line message', async () => {
  await assert.rejects(evaluateDecoding('--grid', '8'), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr, /--model/);
    return true;
  });
});
