/**
 * The exact posterior of the prior, for tests: a legitimate fake of the model.
 *
 * The posterior itself is the package's (src/posterior.ts); this file adds what tests need around it: the
 * squares as a cached list, the posterior over squares, predictors that answer with it, and the argument
 * order (pixels, mask, gridSize) the tests were written with. DOM-free: node tests and browser tests both
 * import it.
 */
import { MASKED, WHITE, type Square } from '../../src/grid.js';
import { exactPosterior as packagePosterior, fittingSquares, priorSquares } from '../../src/posterior.js';
import { random } from './random.js';
import type { Predictor } from '../../src/decoding.js';

const squareCache = new Map<number, readonly Square[]>();

/** Every placement of the prior, ordered by side, then row, then column. */
export function squares(gridSize: number): readonly Square[] {
  let list = squareCache.get(gridSize);
  if (!list) {
    list = Object.freeze(priorSquares(gridSize));
    squareCache.set(gridSize, list);
  }
  return list;
}

/** Index of a square in {@link squares}, for counting outcomes. */
export function squareIndex(square: Square, gridSize: number): number {
  let index = 0;
  for (let side = 2; side < square.side; side++) index += (gridSize - side + 1) ** 2;
  return index + square.row * (gridSize - square.side + 1) + square.col;
}

/** The square's cells as a pixel image. */
export function renderSquare(square: Square, gridSize: number): Uint8Array {
  const pixels = new Uint8Array(gridSize * gridSize);
  for (let r = square.row; r < square.row + square.side; r++) {
    pixels.fill(WHITE, r * gridSize + square.col, r * gridSize + square.col + square.side);
  }
  return pixels;
}

/** Which squares agree with every visible cell: 1 per square of {@link squares} that does, 0 otherwise. */
export function consistentSquares(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Uint8Array {
  return fittingSquares(gridSize, pixels, mask);
}

/**
 * The posterior over squares: a probability per square of {@link squares},
 * uniform over the consistent ones; all zero when none is consistent.
 */
export function squarePosterior(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Float64Array {
  const agree = consistentSquares(pixels, mask, gridSize);
  let count = 0;
  for (const a of agree) count += a;
  const posterior = new Float64Array(agree.length);
  if (count > 0) for (let i = 0; i < agree.length; i++) posterior[i] = agree[i] / count;
  return posterior;
}

/**
 * P(cell white | visible cells) per cell. Visible cells come out exactly 0 or 1.
 * When no square agrees with the visible cells (off the prior), hidden cells
 * get 0.5 (the package's exactPosterior gives NaN): the fake has no
 * information, as a model would have little.
 */
export function exactPosterior(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Float32Array {
  const { probabilities, fits } = packagePosterior(gridSize, pixels, mask);
  if (fits === 0) {
    for (let i = 0; i < probabilities.length; i++) if (Number.isNaN(probabilities[i])) probabilities[i] = 0.5;
  }
  return probabilities;
}

/** {@link exactPosterior} from model tokens (0 black, 1 white, 2 hidden). */
export function exactPosteriorOfTokens(tokens: Uint8Array, gridSize: number): Float32Array {
  const pixels = new Uint8Array(tokens.length);
  const mask = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === MASKED) mask[i] = 1;
    else pixels[i] = tokens[i];
  }
  return exactPosterior(pixels, mask, gridSize);
}

/** A {@link Predictor} that answers with the exact posterior: the ideal model. */
export function exactPredictor(gridSize: number): Predictor {
  return async (tokens) => exactPosteriorOfTokens(tokens, gridSize);
}

/**
 * The exact posterior blurred like an imperfect model: each hidden cell's
 * probability is clamped to 1e-4..1−1e-4 and moved by seeded Gaussian noise
 * of deviation `sigma` on the logit scale, afresh in every run.
 */
export function noisyPredictor(gridSize: number, sigma: number, seed: number): Predictor {
  const rand = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return async (tokens) => {
    const probabilities = exactPosteriorOfTokens(tokens, gridSize);
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] !== MASKED) continue;
      const p = Math.min(1 - 1e-4, Math.max(1e-4, probabilities[i]));
      probabilities[i] = 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + sigma * gauss())));
    }
    return probabilities;
  };
}
