/**
 * The exact posterior as a model: predictors with decoding's `Predictor` contract (tokens 0 black, 1 white,
 * 2 hidden in; P(white) per cell out) that answer with the package's exactPosterior (src/posterior.ts), the
 * best any model can do, and a blurred one that stands in for an imperfect model. DOM-free: the node tests,
 * decoding-eval.ts --exact and scripts/decoding-stats.ts import it.
 */
import { mulberry32, type Predictor } from '../src/decoding.js';
import { MASKED } from '../src/grid.js';
import { exactPosterior } from '../src/posterior.js';

/**
 * What an ideal model answers for `tokens`: the exact posterior, visible cells exactly 0 or 1. When no square
 * agrees with the visible cells (off the prior, where exactPosterior has NaN and no answer), hidden cells get
 * 0.5: the ideal model has no information there, as a real one would have little.
 */
export function exactPrediction(tokens: Uint8Array, gridSize: number): Float32Array {
  const pixels = new Uint8Array(tokens.length);
  const mask = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === MASKED) mask[i] = 1;
    else pixels[i] = tokens[i];
  }
  const { probabilities, fits } = exactPosterior(gridSize, pixels, mask);
  if (fits === 0) {
    for (let i = 0; i < probabilities.length; i++) if (Number.isNaN(probabilities[i])) probabilities[i] = 0.5;
  }
  return probabilities;
}

/** A {@link Predictor} that answers with {@link exactPrediction}: the ideal model. */
export function exactPredictor(gridSize: number): Predictor {
  return async (tokens) => exactPrediction(tokens, gridSize);
}

/**
 * {@link exactPrediction} blurred like an imperfect model: each hidden cell's probability is clamped to
 * 1e-4..1−1e-4 and moved by seeded Gaussian noise of deviation `sigma` on the logit scale, afresh in every run.
 */
export function noisyPredictor(gridSize: number, sigma: number, seed: number): Predictor {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return async (tokens) => {
    const probabilities = exactPrediction(tokens, gridSize);
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] !== MASKED) continue;
      const p = Math.min(1 - 1e-4, Math.max(1e-4, probabilities[i]));
      probabilities[i] = 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + sigma * gauss())));
    }
    return probabilities;
  };
}
