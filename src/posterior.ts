/**
 * The exact posterior of the square prior: the answer the bundled models are trained towards and measured
 * against. Pure, no DOM, no model.
 *
 * Prior: an N×N black grid with exactly one white, filled, axis-aligned square of side 2..N-2, every
 * placement (side, row, column) equally likely. Given the visible cells, every square that agrees with all of
 * them is equally likely, and P(cell white) is the share of those squares that cover the cell.
 */
import { describe, parseCells, validateGridSize, type Square } from './grid.js';

/** The result of {@link exactPosterior}. */
export interface ExactPosterior {
  /**
   * P(white) per cell, row-major. Visible cells are exactly 0 or 1; a hidden cell is the share of the fitting
   * squares that cover it. When no square fits (`fits` 0), every hidden cell is NaN: there is no answer.
   */
  probabilities: Float32Array;
  /** How many squares of the prior agree with every visible cell; 0 when the visible cells are off the prior. */
  fits: number;
}

/**
 * The exact posterior of the square prior given the visible cells.
 *
 * @param gridSize N, an integer from 4 to 256.
 * @param pixels N*N cells, row-major, 1 white and 0 black (hidden cells' values are ignored): an array-like of
 *   0/1 numbers, or the element's attribute form, a string of `0`/`1` characters with whitespace ignored.
 * @param mask N*N cells, row-major, 1 hidden and 0 visible, in either form.
 * @returns P(white) per cell and the number of squares that fit; hidden cells are NaN when none fits.
 * @throws TypeError or RangeError naming the argument and the form it expects.
 *
 * O(N² + S) for the S = Σ(N-s+1)² squares of the prior (1235 at N = 16): 2D prefix sums test each square's
 * rectangle in constant time, and a 2D difference array sums the fitting squares' coverage.
 */
export function exactPosterior(gridSize: number, pixels: ArrayLike<number> | string, mask: ArrayLike<number> | string): ExactPosterior {
  const n = validateGridSize(gridSize, 'gridSize');
  const pixelCells = readCells(pixels, n, 'pixels');
  const maskCells = readCells(mask, n, 'mask');
  const stride = n + 1;
  const cover = new Int32Array(stride * stride);
  let fits = 0;
  forEachFittingSquare(n, pixelCells, maskCells, (_, { side, row, col }) => {
    fits++;
    // +1 over the square's rectangle, summed up below.
    cover[row * stride + col]++;
    cover[row * stride + col + side]--;
    cover[(row + side) * stride + col]--;
    cover[(row + side) * stride + col + side]++;
  });
  const probabilities = new Float32Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const at = r * stride + c;
      cover[at] += (c > 0 ? cover[at - 1] : 0) + (r > 0 ? cover[at - stride] : 0) - (r > 0 && c > 0 ? cover[at - stride - 1] : 0);
      const cell = r * n + c;
      if (!maskCells[cell]) probabilities[cell] = pixelCells[cell] ? 1 : 0;
      else probabilities[cell] = fits > 0 ? cover[at] / fits : Number.NaN;
    }
  }
  return { probabilities, fits };
}

/** Every square of the prior at N, ordered by side, then row, then column. */
export function priorSquares(gridSize: number): Square[] {
  const n = validateGridSize(gridSize, 'gridSize');
  const list: Square[] = [];
  for (let side = 2; side <= n - 2; side++) {
    for (let row = 0; row + side <= n; row++) {
      for (let col = 0; col + side <= n; col++) list.push({ side, row, col });
    }
  }
  return list;
}

/** 1 for each square of {@link priorSquares} that agrees with every visible cell, 0 for the others. */
export function fittingSquares(gridSize: number, pixels: ArrayLike<number> | string, mask: ArrayLike<number> | string): Uint8Array {
  const n = validateGridSize(gridSize, 'gridSize');
  const pixelCells = readCells(pixels, n, 'pixels');
  const maskCells = readCells(mask, n, 'mask');
  let count = 0;
  for (let side = 2; side <= n - 2; side++) count += (n - side + 1) ** 2;
  const fitting = new Uint8Array(count);
  forEachFittingSquare(n, pixelCells, maskCells, (index) => (fitting[index] = 1));
  return fitting;
}

/** Calls `visit` with each fitting square and its index in {@link priorSquares}. Inputs already checked. */
function forEachFittingSquare(n: number, pixels: ArrayLike<number>, mask: ArrayLike<number>, visit: (index: number, square: Square) => void) {
  const stride = n + 1;
  // Prefix sums of the visible black and visible white cells.
  const black = new Int32Array(stride * stride);
  const white = new Int32Array(stride * stride);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const cell = r * n + c;
      const at = (r + 1) * stride + c + 1;
      const visible = !mask[cell];
      black[at] = (visible && !pixels[cell] ? 1 : 0) + black[at - 1] + black[at - stride] - black[at - stride - 1];
      white[at] = (visible && pixels[cell] ? 1 : 0) + white[at - 1] + white[at - stride] - white[at - stride - 1];
    }
  }
  const totalWhite = white[stride * stride - 1];
  const sum = (table: Int32Array, side: number, row: number, col: number) =>
    table[(row + side) * stride + col + side] - table[row * stride + col + side] - table[(row + side) * stride + col] + table[row * stride + col];
  let index = 0;
  for (let side = 2; side <= n - 2; side++) {
    for (let row = 0; row + side <= n; row++) {
      for (let col = 0; col + side <= n; col++, index++) {
        // A square fits when it covers no visible black cell and every visible white one.
        if (sum(black, side, row, col) === 0 && sum(white, side, row, col) === totalWhite) visit(index, { side, row, col });
      }
    }
  }
}

/** Checks and reads N*N cells of 0/1, given as an array-like or the attribute's string form; throws naming `name`. */
export function readCells(value: ArrayLike<number> | string, n: number, name: string): ArrayLike<number> {
  if (typeof value === 'string') return parseCells(value, n, name);
  const count = n * n;
  const form = `${name} must be ${count} cells 0 or 1 (${n}×${n}, row-major): an array of numbers or a string of 0/1 characters`;
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${form}; got ${describe(value)}`);
  }
  if (value.length !== count) throw new RangeError(`${form}; got ${value.length} cells`);
  for (let i = 0; i < count; i++) {
    const cell = value[i];
    if (cell === 0 || cell === 1) continue;
    if (typeof cell !== 'number') throw new TypeError(`${form}; got ${describe(cell)} at cell ${i}`);
    throw new RangeError(`${form}; got ${cell} at cell ${i}`);
  }
  return value;
}
