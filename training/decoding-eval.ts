/**
 * Valid completions and model runs of each decoding (one-shot, iterative, sample) with a real model,
 * per mask family. Called by training/evaluate.py; prints one JSON object on stdout.
 *
 *   node --import tsx training/decoding-eval.ts --model models/square-inpainter-16.onnx --grid 16 \
 *     [--per-family 500] [--seed 1] [--threads 1] [--concurrency 256]
 *   node --import tsx training/decoding-eval.ts --exact --grid 8 ...   # the exact posterior as the model
 *
 * The masks come from training/mask-families.ts (the families of mask-families.json, drawn with mulberry32):
 * case t of family number f has seed `seed + f * 1_000_003 + t`, and `sample` decodes it with seed t.
 * "valid" = the completion is a square of the prior (src/grid.ts isSquare) that keeps every visible
 * cell. Runs are model runs per image: mean, 99th percentile, max. With `--prior-images FILE` (an image set in
 * the published form, src/image-set.ts) the cases are that prior's images and "valid" means an image of that set:
 *
 *   node --import tsx training/decoding-eval.ts --model models/square-inpainter-rectangles-8.onnx --grid 8 \
 *     --prior-images rectangles-8.images.json
 *
 * decode() asks for one image at a time, so `concurrency` decodes run at once and their pending
 * predict() calls go to the model together, as one batch per session.run.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DEFAULT_SAMPLE_STEPS, DEFAULT_STEPS, decode, type Decoding, type Predictor } from '../src/decoding.js';
import { isSquare } from '../src/grid.js';
import { ImageSet } from '../src/image-set.js';
import { toInt64Tokens, whiteProbabilities } from '../src/model-io.js';
import { exactPrediction } from './exact-predictor.js';
import { MASK_FAMILIES, maskCase } from './mask-families.js';

/** P(white) per cell for a batch of token rows, in order. */
type BatchPredictor = (batch: Uint8Array[]) => Promise<Float32Array[]>;

interface RunStats {
  mean: number;
  p99: number;
  max: number;
}

interface DecodingStats {
  images: number;
  valid: number;
  runs: RunStats;
}

interface DecodingEvaluation {
  gridSize: number;
  model: string;
  masks: string;
  perFamily: number;
  seed: number;
  steps: Record<Decoding, number>;
  families: Record<string, Record<Decoding, DecodingStats>>;
  overall: Record<Decoding, DecodingStats>;
  modelRuns: number;
  batches: number;
  seconds: number;
}

const ORDER: Decoding[] = ['one-shot', 'iterative', 'sample'];

/**
 * Gathers the predict() calls made while other decodes are still working out their next tokens, and runs
 * them as one batch once no more are coming (after pending callbacks settle), at most `maxBatch` at once.
 */
function batchingPredictor(runBatch: BatchPredictor, maxBatch: number) {
  const pending: { tokens: Uint8Array; resolve: (p: Float32Array) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const stats = { modelRuns: 0, batches: 0 };
  const flush = async () => {
    scheduled = false;
    const batch = pending.splice(0, maxBatch);
    stats.batches++;
    stats.modelRuns += batch.length;
    try {
      const out = await runBatch(batch.map((p) => p.tokens));
      batch.forEach((p, i) => p.resolve(out[i]));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    }
    if (pending.length) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after the promise callbacks, so every decode that can go on has asked by then.
    setImmediate(flush);
  };
  const predict: Predictor = (tokens) =>
    new Promise((resolve, reject) => {
      // decode() reuses its tokens buffer between runs.
      pending.push({ tokens: tokens.slice(), resolve, reject });
      schedule();
    });
  return { predict, stats };
}

/** One session.run per batch: tokens int64 [batch, cells] in, P(white) = softmax(logits)[..., 1] out. */
async function onnxBatchPredictor(modelPath: string, threads: number): Promise<BatchPredictor> {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  let running: Promise<unknown> = Promise.resolve();
  return async (batch) => {
    const cells = batch[0].length;
    const input = new BigInt64Array(batch.length * cells);
    batch.forEach((tokens, b) => toInt64Tokens(tokens, input, b * cells));
    // The batcher already serialises; this keeps the session to one run at a time whoever calls.
    const run = running.then(() => session.run({ tokens: new ort.Tensor('int64', input, [batch.length, cells]) }));
    running = run.catch(() => undefined);
    const { logits } = await run;
    const data = logits.data as Float32Array;
    return batch.map((_, b) => whiteProbabilities(data.subarray(2 * b * cells, 2 * (b + 1) * cells)));
  };
}

function exactBatchPredictor(gridSize: number): BatchPredictor {
  return async (batch) => batch.map((tokens) => exactPrediction(tokens, gridSize));
}

function runStats(runs: number[]): RunStats {
  const sorted = [...runs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const at = (q: number) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { mean: Math.round(mean * 1000) / 1000, p99: at(0.99), max: at(1) };
}

function stats(valid: boolean[], runs: number[]): DecodingStats {
  const share = valid.filter(Boolean).length / Math.max(1, valid.length);
  return { images: valid.length, valid: Math.round(share * 1e5) / 1e5, runs: runStats(runs) };
}

/** Decodes `perFamily` cases of every family with each decoding, `concurrency` decodes at a time. */
async function evaluateDecoding(options: {
  runBatch: BatchPredictor;
  model: string;
  gridSize: number;
  perFamily: number;
  seed: number;
  concurrency: number;
  /** Another prior than the squares: its images are the cases', and a valid completion is one of them. */
  prior?: ImageSet;
}): Promise<DecodingEvaluation> {
  const { gridSize, perFamily, seed, concurrency, prior } = options;
  const images = prior?.images();
  const inPrior = (pixels: Uint8Array) => (prior ? prior.includes(pixels) : isSquare(pixels, gridSize));
  const started = performance.now();
  const { predict, stats: batchStats } = batchingPredictor(options.runBatch, concurrency);
  const steps: Record<Decoding, number> = { 'one-shot': 1, iterative: DEFAULT_STEPS, sample: DEFAULT_SAMPLE_STEPS };

  type Job = { family: string; decoding: Decoding; t: number; caseSeed: number };
  const jobs: Job[] = [];
  MASK_FAMILIES.forEach((family, f) => {
    for (const decoding of ORDER) {
      for (let t = 0; t < perFamily; t++) jobs.push({ family, decoding, t, caseSeed: seed + f * 1_000_003 + t });
    }
  });
  const outcome = jobs.map(() => ({ valid: false, runs: 0 }));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const k = next++;
      const { family, decoding, t, caseSeed } = jobs[k];
      const c = maskCase(family, gridSize, caseSeed, images);
      const result = await decode(predict, c.pixels, c.mask, { decoding, seed: t });
      const keeps = result.pixels.every((v, i) => c.mask[i] || v === c.pixels[i]);
      outcome[k] = { valid: keeps && inPrior(result.pixels), runs: result.runs };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));

  const families: DecodingEvaluation['families'] = {};
  const all = Object.fromEntries(ORDER.map((d) => [d, { valid: [] as boolean[], runs: [] as number[] }])) as Record<
    Decoding,
    { valid: boolean[]; runs: number[] }
  >;
  for (const family of MASK_FAMILIES) {
    families[family] = {} as Record<Decoding, DecodingStats>;
    for (const decoding of ORDER) {
      const picked = outcome.filter((_, k) => jobs[k].family === family && jobs[k].decoding === decoding);
      families[family][decoding] = stats(picked.map((o) => o.valid), picked.map((o) => o.runs));
      all[decoding].valid.push(...picked.map((o) => o.valid));
      all[decoding].runs.push(...picked.map((o) => o.runs));
    }
  }
  const overall = Object.fromEntries(ORDER.map((d) => [d, stats(all[d].valid, all[d].runs)])) as Record<Decoding, DecodingStats>;
  return {
    gridSize,
    model: options.model,
    masks: 'training/mask-families.ts',
    perFamily,
    seed,
    steps,
    families,
    overall,
    modelRuns: batchStats.modelRuns,
    batches: batchStats.batches,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

function fail(message: string): never {
  console.error(`decoding-eval.ts: ${message}`);
  process.exit(2);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        model: { type: 'string' },
        exact: { type: 'boolean', default: false },
        grid: { type: 'string' },
        'per-family': { type: 'string', default: '500' },
        seed: { type: 'string', default: '1' },
        threads: { type: 'string', default: '1' },
        concurrency: { type: 'string', default: '256' },
        'prior-images': { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const integer = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}; got ${value}`);
    return n;
  };
  const gridSize = integer('grid', values.grid, 6);
  if (!values.exact && !values.model) fail('give --model PATH.onnx (or --exact)');
  let prior: ImageSet | undefined;
  if (values['prior-images']) {
    try {
      prior = ImageSet.fromJSON(JSON.parse(readFileSync(values['prior-images'], 'utf8')));
    } catch (error) {
      fail(`--prior-images ${values['prior-images']}: ${(error as Error).message}`);
    }
    if (prior.gridSize !== gridSize) fail(`--prior-images holds ${prior.gridSize}×${prior.gridSize} images, but --grid is ${gridSize}`);
    if (values.exact) fail('--exact is the squares\' exact posterior; it takes no --prior-images');
  }
  const runBatch = values.exact
    ? exactBatchPredictor(gridSize)
    : await onnxBatchPredictor(values.model!, integer('threads', values.threads, 1));
  const result = await evaluateDecoding({
    runBatch,
    model: values.exact ? 'exact posterior' : values.model!,
    gridSize,
    perFamily: integer('per-family', values['per-family'], 1),
    seed: integer('seed', values.seed, 0),
    concurrency: integer('concurrency', values.concurrency, 1),
    prior,
  });
  console.log(JSON.stringify(result));
}

await main();
