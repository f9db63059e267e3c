/**
 * The exact posterior of the prior, for tests: a legitimate fake of the model.
 *
 * Prior: an N×N black grid with exactly one white filled axis-aligned square of
 * side 2..N-2, every placement (side, row, col) equally likely. Given visible
 * cells, the posterior over squares is uniform over the squares that agree with
 * every visible cell, and P(cell white) is the share of those squares covering
 * the cell. DOM-free: node tests and browser tests both import it.
 */
import { MASKED, WHITE, type Square } from '../../src/grid.js';
import { random } from './random.js';
import type { Predictor } from '../../src/decoding.js';

const squareCache = new Map<number, readonly Square[]>();

/** Every placement of the prior, ordered by side, then row, then column. */
export function squares(gridSize: number): readonly Square[] {
  let list = squareCache.get(gridSize);
  if (!list) {
    const built: Square[] = [];
    for (let side = 2; side <= gridSize - 2; side++) {
      for (let row = 0; row + side <= gridSize; row++) {
        for (let col = 0; col + side <= gridSize; col++) built.push({ side, row, col });
      }
    }
    list = Object.freeze(built);
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

/**
 * Which squares agree with every visible cell: 1 per square of {@link squares}
 * that does, 0 otherwise. O(N² + number of squares) via 2D prefix sums.
 */
export function consistentSquares(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Uint8Array {
  const stride = gridSize + 1;
  const black = new Int32Array(stride * stride);
  const white = new Int32Array(stride * stride);
  for (let r = 0; r < gridSize; r++) {
    for (let c = 0; c < gridSize; c++) {
      const cell = r * gridSize + c;
      const at = (r + 1) * stride + c + 1;
      const isWhite = !mask[cell] && pixels[cell] ? 1 : 0;
      const isBlack = !mask[cell] && !pixels[cell] ? 1 : 0;
      black[at] = isBlack + black[at - 1] + black[at - stride] - black[at - stride - 1];
      white[at] = isWhite + white[at - 1] + white[at - stride] - white[at - stride - 1];
    }
  }
  const totalWhite = white[stride * stride - 1];
  const sum = (table: Int32Array, { side, row, col }: Square) =>
    table[(row + side) * stride + col + side] - table[row * stride + col + side] -
    table[(row + side) * stride + col] + table[row * stride + col];
  const list = squares(gridSize);
  const agree = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) {
    agree[i] = sum(black, list[i]) === 0 && sum(white, list[i]) === totalWhite ? 1 : 0;
  }
  return agree;
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
 * get 0.5: the fake has no information, as a model would have little.
 */
export function exactPosterior(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Float32Array {
  const agree = consistentSquares(pixels, mask, gridSize);
  const list = squares(gridSize);
  const stride = gridSize + 1;
  const cover = new Int32Array(stride * stride);
  let count = 0;
  for (let i = 0; i < list.length; i++) {
    if (!agree[i]) continue;
    count++;
    const { side, row, col } = list[i];
    // 2D difference array: +1 over the square's rectangle.
    cover[row * stride + col]++;
    cover[row * stride + col + side]--;
    cover[(row + side) * stride + col]--;
    cover[(row + side) * stride + col + side]++;
  }
  for (let r = 0; r < gridSize; r++) {
    for (let c = 0; c < gridSize; c++) {
      const at = r * stride + c;
      cover[at] += (c > 0 ? cover[at - 1] : 0) + (r > 0 ? cover[at - stride] : 0) - (r > 0 && c > 0 ? cover[at - stride - 1] : 0);
    }
  }
  const probabilities = new Float32Array(gridSize * gridSize);
  for (let r = 0; r < gridSize; r++) {
    for (let c = 0; c < gridSize; c++) {
      const cell = r * gridSize + c;
      if (!mask[cell]) probabilities[cell] = pixels[cell] ? 1 : 0;
      else probabilities[cell] = count > 0 ? cover[r * stride + c] / count : 0.5;
    }
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
