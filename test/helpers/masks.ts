/**
 * Seeded test cases: a square of the prior and a mask from one of the mask
 * families the issue names. DOM-free, shared by node tests and scripts.
 */
import { findSquare, type Square } from '../../src/grid.js';
import { renderSquare, squares } from './posterior.js';

export const MASK_FAMILIES = ['random-cells', 'rectangle', 'rows-columns', 'corner', 'whole-square', 'hidden-95'] as const;
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

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rand: () => number, low: number, high: number) => low + Math.floor(rand() * (high - low + 1));

function hideRectangle(mask: Uint8Array, gridSize: number, top: number, left: number, bottom: number, right: number) {
  for (let r = Math.max(0, top); r <= Math.min(gridSize - 1, bottom); r++) {
    for (let c = Math.max(0, left); c <= Math.min(gridSize - 1, right); c++) mask[r * gridSize + c] = 1;
  }
}

/** One case of `family` on an N×N grid, a pure function of `seed`. */
export function maskCase(family: MaskFamily, gridSize: number, seed: number): MaskCase {
  const rand = random(seed);
  const all = squares(gridSize);
  const square = all[Math.floor(rand() * all.length)];
  const truth = renderSquare(square, gridSize);
  const cells = gridSize * gridSize;
  const mask = new Uint8Array(cells);
  const { side, row, col } = square;
  switch (family) {
    case 'random-cells': {
      const share = 0.2 + 0.6 * rand();
      for (let i = 0; i < cells; i++) mask[i] = rand() < share ? 1 : 0;
      break;
    }
    case 'rectangle': {
      const top = between(rand, 0, gridSize - 1), left = between(rand, 0, gridSize - 1);
      hideRectangle(mask, gridSize, top, left, between(rand, top, gridSize - 1), between(rand, left, gridSize - 1));
      break;
    }
    case 'rows-columns': {
      const byRow = rand() < 0.5;
      const lines = between(rand, 1, gridSize - 1);
      for (let k = 0; k < lines; k++) {
        const line = between(rand, 0, gridSize - 1);
        for (let j = 0; j < gridSize; j++) mask[byRow ? line * gridSize + j : j * gridSize + line] = 1;
      }
      break;
    }
    case 'corner': {
      // A rectangle around one corner of the square, reaching partly inside and outside it.
      const bottomSide = rand() < 0.5, rightSide = rand() < 0.5;
      const r = bottomSide ? row + side - 1 : row, c = rightSide ? col + side - 1 : col;
      const inside = () => between(rand, 0, side - 1), outside = () => between(rand, 0, 3);
      const [top, bottom] = bottomSide ? [r - inside(), r + outside()] : [r - outside(), r + inside()];
      const [left, right] = rightSide ? [c - inside(), c + outside()] : [c - outside(), c + inside()];
      hideRectangle(mask, gridSize, top, left, bottom, right);
      break;
    }
    case 'whole-square': {
      hideRectangle(mask, gridSize, row - between(rand, 0, 3), col - between(rand, 0, 3),
        row + side - 1 + between(rand, 0, 3), col + side - 1 + between(rand, 0, 3));
      break;
    }
    case 'hidden-95': {
      const order = Array.from({ length: cells }, (_, i) => i);
      for (let i = cells - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let k = 0; k < Math.round(0.95 * cells); k++) mask[order[k]] = 1;
      break;
    }
  }
  const pixels = truth.map((v, i) => (mask[i] ? 0 : v));
  if (!findSquare(truth, gridSize)) throw new Error('renderSquare gave an image outside the prior');
  return { family, gridSize, square, truth, pixels, mask };
}
