import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toTokens } from '../../src/model-io.js';
import { exactPosterior, priorSquares } from '../../src/posterior.js';
import { exactPrediction, exactPredictor } from '../../training/exact-predictor.js';
import { MASK_FAMILIES, maskCase, renderSquare } from '../../training/mask-families.js';
import { squareIndex, squarePosterior } from '../helpers/posterior.js';

/** The posterior the slow, obvious way: render every square and compare cell by cell. */
function bruteForce(pixels: Uint8Array, mask: Uint8Array, n: number) {
  const agreeing = priorSquares(n).map((s) => renderSquare(s, n)).filter((image) => image.every((v, i) => mask[i] || v === pixels[i]));
  return Array.from(pixels, (_, i) => agreeing.length ? agreeing.filter((image) => image[i]).length / agreeing.length : Number.NaN);
}

describe('the test cases and the ideal model', () => {
  it('enumerates 135 squares at 8×8 and 1235 at 16×16, each at its index', () => {
    assert.equal(priorSquares(8).length, 135);
    assert.equal(priorSquares(16).length, 1235);
    priorSquares(8).forEach((square, i) => assert.equal(squareIndex(square, 8), i));
  });

  it('matches brute-force enumeration on random masks', () => {
    for (let trial = 0; trial < 60; trial++) {
      const n = 6 + (trial % 3);
      const c = maskCase(MASK_FAMILIES[trial % MASK_FAMILIES.length], n, trial);
      const posterior = exactPosterior(n, c.pixels, c.mask).probabilities;
      const expected = bruteForce(c.pixels, c.mask, n);
      for (let i = 0; i < n * n; i++) {
        if (!c.mask[i]) assert.equal(posterior[i], c.pixels[i], 'visible cells are exact');
        else assert.ok(Math.abs(posterior[i] - expected[i]) < 1e-6, `cell ${i}: ${posterior[i]} vs ${expected[i]}`);
      }
      const weights = squarePosterior(c.pixels, c.mask, n);
      assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.ok(weights[squareIndex(c.square!, n)] > 0, 'the true square is possible');
    }
  });

  it('gives 0.5 to hidden cells when no square fits the visible ones', () => {
    const n = 6;
    const pixels = new Uint8Array(n * n);
    pixels[0] = pixels[n * n - 1] = 1; // two opposite corners cannot share a square of side ≤ 4
    const mask = new Uint8Array(n * n).fill(1);
    mask[0] = mask[n * n - 1] = 0;
    const posterior = exactPrediction(toTokens(pixels, mask), n);
    assert.equal(posterior[0], 1);
    assert.equal(posterior[1], 0.5);
    assert.ok(squarePosterior(pixels, mask, n).every((w) => w === 0));
  });

  it('answers tokens as a predictor', async () => {
    const c = maskCase('rectangles', 8, 3);
    const predicted = await exactPredictor(8)(toTokens(c.pixels, c.mask));
    assert.deepEqual(predicted, exactPosterior(8, c.pixels, c.mask).probabilities);
  });
});
