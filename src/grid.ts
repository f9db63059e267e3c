/**
 * Cell strings and grids: parse, validate, serialize. Pure, no DOM.
 *
 * A grid of N×N cells is a `Uint8Array` of length N*N, row-major. Pixels are
 * {@link BLACK} or {@link WHITE}; a mask is 0 (visible) or 1 (hidden); the
 * model's tokens are BLACK, WHITE or {@link MASKED}.
 */

export const BLACK = 0;
export const WHITE = 1;
export const MASKED = 2;

/** Smallest grid the prior allows: a square has side 2..N-2, so N ≥ 4. */
export const MIN_GRID_SIZE = 4;
/** Largest grid accepted; far beyond any bundled model, it only guards against absurd inputs. */
export const MAX_GRID_SIZE = 256;

/** One placement of the prior's white square. */
export interface Square {
  side: number;
  row: number;
  col: number;
}

/**
 * Checks a grid size: an integer from {@link MIN_GRID_SIZE} to {@link MAX_GRID_SIZE}.
 * Throws TypeError (not an integer) or RangeError (out of range) naming `attribute`.
 */
export function validateGridSize(gridSize: unknown, attribute = 'grid-size'): number {
  return validateInteger(gridSize, attribute, MIN_GRID_SIZE, MAX_GRID_SIZE);
}

/** Checks an integer from `min` to `max`; throws TypeError (not an integer) or RangeError (out of range) naming `name`. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  const form = `${name} must be an integer from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${form}; got ${describe(value)}`);
  if (value < min || value > max) throw new RangeError(`${form}; got ${value}`);
  return value;
}

/**
 * Parses N*N characters `0`/`1`, row-major, whitespace ignored, into cells.
 * Throws TypeError (other characters, or not a string) or RangeError (wrong
 * number of cells); the message names `attribute` and the expected form.
 */
export function parseCells(value: string, gridSize: number, attribute: string): Uint8Array {
  const count = gridSize * gridSize;
  const form = `${attribute} must be ${count} characters 0 or 1 (${gridSize}×${gridSize}, row-major, whitespace ignored)`;
  if (typeof value !== 'string') {
    throw new TypeError(`${form}; got ${describe(value)}`);
  }
  // \s is the whitespace String.prototype.trim removes; without it, a character's index is its cell.
  const digits = value.replace(/\s/g, '');
  const other = /[^01]/u.exec(digits);
  if (other) {
    throw new TypeError(`${form}; got ${JSON.stringify(other[0])} at cell ${other.index}`);
  }
  if (digits.length !== count) {
    throw new RangeError(`${form}; got ${digits.length}`);
  }
  return Uint8Array.from(digits, Number);
}

/** Cells as `0`/`1` characters, row-major, no whitespace: the inverse of {@link parseCells}. */
export function serializeCells(cells: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < cells.length; i++) text += cells[i] ? '1' : '0';
  return text;
}

/** Rows top..bottom and columns left..right, inclusive. */
export interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The bounding box of an image's white cells and their count; null for an image with none. */
export function whiteBounds(pixels: ArrayLike<number>, gridSize: number): (Box & { white: number }) | null {
  let top = gridSize, left = gridSize, bottom = -1, right = -1, white = 0;
  for (let r = 0; r < gridSize; r++) {
    for (let c = 0; c < gridSize; c++) {
      if (!pixels[r * gridSize + c]) continue;
      white++;
      if (r < top) top = r;
      if (r > bottom) bottom = r;
      if (c < left) left = c;
      if (c > right) right = c;
    }
  }
  return white ? { top, left, bottom, right, white } : null;
}

/**
 * The white square of an image of the prior, or null when the image is not
 * exactly one filled axis-aligned white square of side 2..N-2 on black.
 */
export function findSquare(pixels: ArrayLike<number>, gridSize: number): Square | null {
  if (pixels.length !== gridSize * gridSize) return null;
  const bounds = whiteBounds(pixels, gridSize);
  if (!bounds) return null;
  const { top, left, bottom, right, white } = bounds;
  const side = bottom - top + 1;
  if (right - left + 1 !== side) return null;
  if (side < 2 || side > gridSize - 2) return null;
  // All whites lie inside the bounding box, so the box is filled iff the count matches.
  if (white !== side * side) return null;
  return { side, row: top, col: left };
}

/** Whether `pixels` is a member of the prior: exactly one white square of side 2..N-2. */
export function isSquare(pixels: ArrayLike<number>, gridSize: number): boolean {
  return findSquare(pixels, gridSize) !== null;
}

/** A value for an error message: strings quoted (and cut short), objects by their kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.prototype.toString.call(value);
}
