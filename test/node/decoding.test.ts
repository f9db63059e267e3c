import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_STEPS, MAX_SEED, MAX_STEPS, decode, type Predictor } from '../../src/decoding.js';
import { MASKED, findSquare, isSquare } from '../../src/grid.js';
import { toTokens } from '../../src/model-io.js';
import { exactPrediction, exactPredictor, noisyPredictor } from '../../training/exact-predictor.js';
import { MASK_FAMILIES, maskCase, type MaskCase } from '../../training/mask-families.js';
import { squareIndex, squarePosterior } from '../helpers/posterior.js';

const keepsVisible = (c: MaskCase, pixels: Uint8Array) => pixels.every((v, i) => c.mask[i] || v === c.pixels[i]);

/** A predictor that remembers what each run saw and answered. */
function recording(gridSize: number) {
  const runs: { tokens: Uint8Array; prediction: Float32Array }[] = [];
  const predict: Predictor = async (tokens) => {
    const prediction = exactPrediction(tokens, gridSize);
    runs.push({ tokens: tokens.slice(), prediction });
    return prediction;
  };
  return { predict, runs };
}

function hideAll(gridSize: number) {
  return { pixels: new Uint8Array(gridSize * gridSize), mask: new Uint8Array(gridSize * gridSize).fill(1) };
}

describe('decode', () => {
  it('runs no model and returns the image when nothing is hidden', async () => {
    const { predict, runs } = recording(8);
    const c = maskCase('rectangles', 8, 1);
    const result = await decode(predict, c.truth, new Uint8Array(64));
    assert.equal(result.runs, 0);
    assert.equal(runs.length, 0);
    assert.deepEqual(result.pixels, c.truth);
    assert.deepEqual([...result.probabilities], [...c.truth]);
    assert.equal(result.decoding, 'iterative');
  });

  it('one-shot takes each hidden cell at its most likely value from a single run', async () => {
    const c = maskCase('square', 8, 4);
    const { predict, runs } = recording(8);
    const result = await decode(predict, c.pixels, c.mask, { decoding: 'one-shot' });
    assert.equal(result.runs, 1);
    assert.equal(result.decoding, 'one-shot');
    const [{ tokens, prediction }] = runs;
    for (let i = 0; i < 64; i++) {
      assert.equal(tokens[i], c.mask[i] ? MASKED : c.pixels[i]);
      assert.equal(result.pixels[i], c.mask[i] ? Number(prediction[i] >= 0.5) : c.pixels[i]);
      assert.equal(result.probabilities[i], c.mask[i] ? prediction[i] : c.pixels[i]);
    }
  });

  for (const gridSize of [8, 16]) {
    const perFamily = gridSize === 8 ? 150 : 40;
    it(`iterative always gives a square of the prior that keeps every visible cell (${gridSize}×${gridSize}, ${perFamily} masks per family)`, async () => {
      const predict = exactPredictor(gridSize);
      for (const family of MASK_FAMILIES) {
        for (let seed = 0; seed < perFamily; seed++) {
          const c = maskCase(family, gridSize, seed);
          const result = await decode(predict, c.pixels, c.mask);
          assert.ok(isSquare(result.pixels, gridSize), `${family} #${seed} gave no square`);
          assert.ok(keepsVisible(c, result.pixels), `${family} #${seed} changed a visible cell`);
          assert.ok(result.runs <= DEFAULT_STEPS);
        }
      }
    });
  }

  it('iterative stays valid when the model is a few percent off (logit noise σ=0.1, 16×16)', async () => {
    // With a budget at the union bound's edge (share 0.999) this was 76–100% per family.
    let valid = 0, total = 0;
    for (const family of MASK_FAMILIES) {
      for (let seed = 0; seed < 40; seed++, total++) {
        const c = maskCase(family, 16, seed);
        const result = await decode(noisyPredictor(16, 0.1, seed), c.pixels, c.mask);
        if (isSquare(result.pixels, 16) && keepsVisible(c, result.pixels)) valid++;
      }
    }
    assert.ok(valid / total >= 0.99, `${valid} of ${total} valid`);
  });

  it('iterative leaves for later a cell the model is confused about, rather than deciding it', async () => {
    // A certain black cell read as a coin toss in the first run: the decoder that decided the most
    // uncertain cell painted it white and gave no square in 23 of these 27 cases.
    let cases = 0;
    for (const family of ['cells', 'dense95'] as const) {
      for (let seed = 0; seed < 30; seed++) {
        const c = maskCase(family, 8, seed);
        const first = exactPrediction(toTokens(c.pixels, c.mask), 8);
        const hidden = [...c.mask.keys()].filter((i) => c.mask[i]);
        const confused = hidden.find((i) => first[i] === 0);
        // Only cases with another open question, so there is something else to decide.
        if (confused === undefined || !hidden.some((i) => Math.min(first[i], 1 - first[i]) > 0.2)) continue;
        let run = 0;
        const predict: Predictor = async (tokens) => {
          const prediction = exactPrediction(tokens, 8);
          if (run++ === 0) prediction[confused] = 0.5;
          return prediction;
        };
        const result = await decode(predict, c.pixels, c.mask);
        assert.ok(isSquare(result.pixels, 8) && keepsVisible(c, result.pixels), `${family} #${seed}`);
        cases++;
      }
    }
    assert.equal(cases, 27);
  });

  it('iterative fills a fully hidden 16×16 grid with a square', async () => {
    const { pixels, mask } = hideAll(16);
    const result = await decode(exactPredictor(16), pixels, mask);
    assert.ok(isSquare(result.pixels, 16));
    assert.ok(result.runs <= DEFAULT_STEPS);
  });

  it('reports for each filled cell the probability of the run that committed it', async () => {
    const c = maskCase('dense95', 8, 2);
    for (const decoding of ['iterative', 'sample'] as const) {
      const { predict, runs } = recording(8);
      const result = await decode(predict, c.pixels, c.mask, { decoding, seed: 5 });
      assert.equal(runs.length, result.runs);
      for (let i = 0; i < 64; i++) {
        if (!c.mask[i]) {
          assert.equal(result.probabilities[i], c.pixels[i]);
          continue;
        }
        // The run that committed cell i is the last one that still saw it hidden.
        const last = runs.findLastIndex((run) => run.tokens[i] === MASKED);
        assert.equal(result.probabilities[i], runs[last].prediction[i]);
        if (last + 1 < runs.length) assert.equal(runs[last + 1].tokens[i], result.pixels[i]);
      }
    }
  });

  it('commits everything on run number `steps`', async () => {
    const c = maskCase('dense95', 16, 1);
    const oneShot = await decode(exactPredictor(16), c.pixels, c.mask, { decoding: 'one-shot' });
    const oneStep = await decode(exactPredictor(16), c.pixels, c.mask, { steps: 1 });
    assert.deepEqual(oneStep.pixels, oneShot.pixels);
    for (const steps of [2, 3]) assert.ok((await decode(exactPredictor(16), c.pixels, c.mask, { steps })).runs <= steps);
  });

  it('ends with 0/1 pixels when the model answers NaN or out-of-range numbers', async () => {
    const c = maskCase('cells', 8, 3);
    const broken: Predictor = async (tokens) => Float32Array.from(tokens, (_, i) => [Number.NaN, -1, 2, 0.5][i % 4]);
    for (const decoding of ['iterative', 'one-shot', 'sample'] as const) {
      const result = await decode(broken, c.pixels, c.mask, { decoding, seed: 1 });
      assert.ok(result.pixels.every((v) => v === 0 || v === 1));
      assert.ok(result.probabilities.every((p) => p >= 0 && p <= 1));
      assert.ok(keepsVisible(c, result.pixels));
    }
  });
});

describe('sample decoding', () => {
  it('gives the same picture for the same seed and reports the seed', async () => {
    const { pixels, mask } = hideAll(8);
    const first = await decode(exactPredictor(8), pixels, mask, { decoding: 'sample', seed: 1234 });
    const second = await decode(exactPredictor(8), pixels, mask, { decoding: 'sample', seed: 1234 });
    assert.deepEqual(second.pixels, first.pixels);
    assert.equal(first.seed, 1234);
    const chosen = await decode(exactPredictor(8), pixels, mask, { decoding: 'sample' });
    assert.ok(Number.isInteger(chosen.seed) && chosen.seed! >= 0 && chosen.seed! <= MAX_SEED);
    const replay = await decode(exactPredictor(8), pixels, mask, { decoding: 'sample', seed: chosen.seed });
    assert.deepEqual(replay.pixels, chosen.pixels);
    assert.equal((await decode(exactPredictor(8), pixels, mask, { seed: 3 })).seed, undefined, 'only sample reports a seed');
  });

  it('gives different plausible squares for different seeds', async () => {
    const { pixels, mask } = hideAll(16);
    const found = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const result = await decode(exactPredictor(16), pixels, mask, { decoding: 'sample', seed });
      const square = findSquare(result.pixels, 16);
      assert.ok(square, `seed ${seed} gave no square`);
      found.add(squareIndex(square, 16));
    }
    assert.ok(found.size >= 15, `only ${found.size} distinct squares in 20 seeds`);
  });

  it('draws squares with the exact posterior frequencies (8×8, total variation < 0.1)', async () => {
    // With exact probabilities, sample is exact ancestral sampling here, so the
    // total variation between the draws and the posterior is sampling noise:
    // about 0.4·sqrt(K/M) for K possible squares and M draws (0.06 for K=135,
    // M=6000). The seeds are fixed, so the result is deterministic.
    const draws = 6000;
    const cases = [
      { name: 'everything hidden', ...hideAll(8) },
      { name: 'a 95%-hidden mask', ...maskCase('dense95', 8, 1) },
      { name: 'the whole square hidden', ...maskCase('square', 8, 2) },
    ];
    for (const { name, pixels, mask } of cases) {
      const posterior = squarePosterior(pixels, mask, 8);
      const counts = new Float64Array(posterior.length);
      let invalid = 0;
      for (let seed = 0; seed < draws; seed++) {
        const result = await decode(exactPredictor(8), pixels, mask, { decoding: 'sample', seed });
        const square = findSquare(result.pixels, 8);
        if (square) counts[squareIndex(square, 8)]++;
        else invalid++;
      }
      let tv = invalid / draws / 2;
      posterior.forEach((p, i) => (tv += Math.abs(counts[i] / draws - p) / 2));
      assert.equal(invalid, 0, `${name}: ${invalid} draws were not squares`);
      assert.ok(tv < 0.1, `${name}: total variation ${tv.toFixed(3)}`);
    }
  });
});

describe('decode options', () => {
  const c = maskCase('rectangles', 8, 0);
  const predict = exactPredictor(8);

  it('rejects steps that are not an integer from 1 to MAX_STEPS', async () => {
    for (const steps of [0, -1, MAX_STEPS + 1]) {
      await assert.rejects(decode(predict, c.pixels, c.mask, { steps }), {
        name: 'RangeError', message: `steps must be an integer from 1 to ${MAX_STEPS}; got ${steps}`,
      });
    }
    for (const steps of [1.5, Number.NaN, Infinity, '8']) {
      await assert.rejects(decode(predict, c.pixels, c.mask, { steps: steps as number }), {
        name: 'TypeError', message: /^steps must be an integer from 1 to 256; got /,
      });
    }
    await assert.rejects(decode(predict, c.pixels, c.mask, { decoding: 'one-shot', steps: 0 }), { name: 'RangeError' });
  });

  it('rejects seeds that are not an integer from 0 to 2^32−1', async () => {
    for (const seed of [-1, MAX_SEED + 1]) {
      await assert.rejects(decode(predict, c.pixels, c.mask, { decoding: 'sample', seed }), {
        name: 'RangeError', message: `seed must be an integer from 0 to 4294967295; got ${seed}`,
      });
    }
    for (const seed of [0.5, Number.NaN, -Infinity, '7']) {
      await assert.rejects(decode(predict, c.pixels, c.mask, { decoding: 'sample', seed: seed as number }), {
        name: 'TypeError', message: /^seed must be an integer from 0 to 4294967295; got /,
      });
    }
    await assert.rejects(decode(predict, c.pixels, c.mask, { seed: -1 }), { name: 'RangeError' });
    for (const seed of [0, MAX_SEED]) await decode(predict, c.pixels, c.mask, { decoding: 'sample', seed });
  });

  it('rejects an unknown decoding', async () => {
    await assert.rejects(decode(predict, c.pixels, c.mask, { decoding: 'greedy' as 'sample' }), {
      name: 'RangeError', message: 'decoding must be one of iterative, one-shot, sample; got "greedy"',
    });
  });

  it('rejects a mask of another length, and a model answer of another length', async () => {
    await assert.rejects(decode(predict, c.pixels, new Uint8Array(63)), { name: 'RangeError', message: /mask must have 64 cells/ });
    await assert.rejects(decode(async () => new Float32Array(10), c.pixels, c.mask), {
      name: 'RangeError', message: 'predict must return 64 probabilities, one per cell; got 10',
    });
  });

  it('does not run at all when aborted before it starts', async () => {
    const { predict: counted, runs } = recording(8);
    await assert.rejects(decode(counted, c.pixels, c.mask, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(runs.length, 0);
  });

  it('stops between runs when aborted, with the signal’s reason', async () => {
    const { pixels, mask } = hideAll(16);
    const controller = new AbortController();
    const reason = new Error('superseded');
    let count = 0;
    const predict16 = exactPredictor(16);
    const abortingAfterTwo: Predictor = async (tokens) => {
      if (++count === 2) controller.abort(reason);
      return predict16(tokens);
    };
    await assert.rejects(decode(abortingAfterTwo, pixels, mask, { signal: controller.signal }), reason);
    assert.equal(count, 2);
  });
});
