/**
 * The posterior over squares, for tests that count which square a decoder completed. The posterior over
 * cells is the package's (src/posterior.ts exactPosterior); the ideal-model predictors are
 * training/exact-predictor.ts. DOM-free.
 */
import type { Square } from '../../src/grid.js';
import { fittingSquares } from '../../src/posterior.js';

/** Index of a square in src/posterior.ts's priorSquares, for counting outcomes. */
export function squareIndex(square: Square, gridSize: number): number {
  let index = 0;
  for (let side = 2; side < square.side; side++) index += (gridSize - side + 1) ** 2;
  return index + square.row * (gridSize - square.side + 1) + square.col;
}

/**
 * The posterior over squares: a probability per square of priorSquares,
 * uniform over the consistent ones; all zero when none is consistent.
 */
export function squarePosterior(pixels: ArrayLike<number>, mask: ArrayLike<number>, gridSize: number): Float64Array {
  const agree = fittingSquares(gridSize, pixels, mask);
  let count = 0;
  for (const a of agree) count += a;
  const posterior = new Float64Array(agree.length);
  if (count > 0) for (let i = 0; i < agree.length; i++) posterior[i] = agree[i] / count;
  return posterior;
}
