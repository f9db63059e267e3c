/**
 * Share of valid completions and model runs per decoding and mask family,
 * with the exact posterior standing in for the model (the best a model can do).
 *
 *   node --import tsx scripts/decoding-stats.ts [--trials 500] [--grid 8,16] [--noise 0]
 *
 * --noise σ stands in for an imperfect model (noisyPredictor): each hidden
 * cell's probability moves by Gaussian noise of deviation σ on the logit scale.
 * "valid" = a square of the prior that keeps every visible cell. Runs are
 * given as mean / 99th percentile / max. Masks come from training/mask-families.ts
 * with seeds the node tests do not use.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SAMPLE_STEPS, DEFAULT_STEPS, decode, type DecodeOptions } from '../src/decoding.js';
import { isSquare } from '../src/grid.js';
import { exactPredictor, noisyPredictor } from '../training/exact-predictor.js';
import { MASK_FAMILIES, maskCase } from '../training/mask-families.js';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '500' }, grid: { type: 'string', default: '8,16' }, noise: { type: 'string', default: '0' } },
});
const trials = Number(values.trials);
const gridSizes = values.grid.split(',').map(Number);
const noise = Number(values.noise);

const columns: [string, DecodeOptions][] = [
  ['one-shot', { decoding: 'one-shot' }],
  [`iterative (steps ${DEFAULT_STEPS})`, { decoding: 'iterative' }],
  ['iterative (steps 8)', { decoding: 'iterative', steps: 8 }],
  [`sample (steps ${DEFAULT_SAMPLE_STEPS})`, { decoding: 'sample' }],
];

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

for (const gridSize of gridSizes) {
  const exact = exactPredictor(gridSize);
  console.log(`\n${gridSize}×${gridSize}, ${trials} masks per family, exact posterior${noise ? ` with logit noise σ=${noise}` : ''} as the model`);
  console.log(`| family | ${columns.map(([name]) => `${name}: valid, runs mean/p99/max`).join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---|').join('')}`);
  for (const family of MASK_FAMILIES) {
    const cells: string[] = [];
    for (const [, options] of columns) {
      let valid = 0;
      const runs: number[] = [];
      for (let t = 0; t < trials; t++) {
        const c = maskCase(family, gridSize, 100_000 + t);
        const predict = noise ? noisyPredictor(gridSize, noise, t) : exact;
        const result = await decode(predict, c.pixels, c.mask, { ...options, seed: t });
        if (isSquare(result.pixels, gridSize) && result.pixels.every((v, i) => c.mask[i] || v === c.pixels[i])) valid++;
        runs.push(result.runs);
      }
      runs.sort((a, b) => a - b);
      const mean = runs.reduce((a, b) => a + b, 0) / trials;
      cells.push(`${(100 * valid / trials).toFixed(1)}%, ${mean.toFixed(2)}/${percentile(runs, 0.99)}/${runs[trials - 1]}`);
    }
    console.log(`| ${family} | ${cells.join(' | ')} |`);
  }
}
