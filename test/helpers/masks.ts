/**
 * Seeded test cases: a square of the prior and a mask from one of the mask
 * families the issue names. DOM-free, shared by node tests, browser tests and
 * scripts.
 */
import { findSquare, type Square } from '../../src/grid.js';
import { renderSquare, squares } from './posterior.js';
import { random } from './random.js';

export { random };

/**
 * The mask families of training/prior.py (same names, same distributions; a
 * different PRNG): i.i.d. cells at a rate of 5–98%, one to three rectangles,
 * whole rows and columns, a box over one corner of the square, a box hiding
 * the whole square and a margin, and 95% of cells hidden i.i.d.
 */
export const MASK_FAMILIES = ['cells', 'rectangles', 'lines', 'corner', 'square', 'dense95'] as const;
export type MaskFamily = (typeof MASK_FAMILIES)[number];

export interface MaskCase {
  family: MaskFamily;
  gridSize: number;
  square: Square;
  /** The full image: the square on black. */
  truth: Uint8Array;
  /** The decoder's input: truth with hidden cells set to black, so nothing leaks. */
  pixels: Uint8Array;
  mask: Uint8Array;
}

const between = (rand: () => number, low: number, high: number) => low + Math.floor(rand() * (high - low + 1));

/** Hides the cells with top <= row < bottom and left <= col < right (clipped to the grid). */
function hideBox(mask: Uint8Array, gridSize: number, top: number, bottom: number, left: number, right: number) {
  for (let r = Math.max(0, top); r < Math.min(gridSize, bottom); r++) {
    for (let c = Math.max(0, left); c < Math.min(gridSize, right); c++) mask[r * gridSize + c] = 1;
  }
}

/** One case of `family` on an N×N grid, a pure function of `seed`. */
export function maskCase(family: MaskFamily, gridSize: number, seed: number): MaskCase {
  const rand = random(seed);
  const all = squares(gridSize);
  const square = all[Math.floor(rand() * all.length)];
  const truth = renderSquare(square, gridSize);
  const n = gridSize;
  const mask = new Uint8Array(n * n);
  const { side, row, col } = square;
  const iid = (rate: number) => mask.forEach((_, i) => (mask[i] = rand() < rate ? 1 : 0));
  switch (family) {
    case 'cells':
      iid(0.05 + 0.93 * rand());
      break;
    case 'dense95':
      iid(0.95);
      break;
    case 'rectangles': {
      const count = between(rand, 1, 3);
      for (let k = 0; k < count; k++) {
        const h = between(rand, 1, n - 1), w = between(rand, 1, n - 1);
        const top = between(rand, 0, n - h), left = between(rand, 0, n - w);
        hideBox(mask, n, top, top + h, left, left + w);
      }
      break;
    }
    case 'lines': {
      const pRow = 0.6 * rand(), pCol = 0.6 * rand();
      const rows = Array.from({ length: n }, () => rand() < pRow);
      const cols = Array.from({ length: n }, () => rand() < pCol);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) mask[r * n + c] = rows[r] || cols[c] ? 1 : 0;
      break;
    }
    case 'corner': {
      const right = rand() < 0.5, bottom = rand() < 0.5;
      const r = bottom ? row + side - 1 : row, c = right ? col + side - 1 : col;
      const reach = between(rand, 1, 3);
      hideBox(mask, n, r - reach + 1, r + reach, c - reach + 1, c + reach);
      break;
    }
    case 'square': {
      const margin = between(rand, 0, 3);
      hideBox(mask, n, row - margin, row + side + margin, col - margin, col + side + margin);
      break;
    }
  }
  const pixels = truth.map((v, i) => (mask[i] ? 0 : v));
  if (!findSquare(truth, gridSize)) throw new Error('renderSquare gave an image outside the prior');
  return { family, gridSize, square, truth, pixels, mask };
}
