/**
 * A prior given as a set of images, and its exact posterior: the answer for any prior, where
 * {@link exactPosterior} is the fast path for the squares. Pure, no DOM, no model.
 *
 * Every image of the set is equally likely. Given the visible cells, the images that agree with all of them
 * are equally likely, and P(cell white) is the share of those that have the cell white.
 */
import { describe, validateGridSize } from './grid.js';
import { readCells, type ExactPosterior } from './posterior.js';

/**
 * The compact form of an image set that `training/export.py` writes beside a model trained on a user's images,
 * and {@link ImageSet.fromJSON} reads: every image's N*N cells row-major, one bit each (white 1), most
 * significant bit first, the images one after another with no padding between them, in base64.
 */
export interface PublishedImageSet {
  format: 'square-inpainter-images';
  version: 1;
  gridSize: number;
  count: number;
  bits: string;
}

const FORMAT = 'square-inpainter-images';

/** A set of distinct N×N black-and-white images, each equally likely: a prior. */
export class ImageSet {
  /** N. */
  readonly gridSize: number;
  /** The number of distinct images. */
  readonly size: number;
  /** Per image, `words` 32-bit words of its cells, cell i at bit (i % 32) of word floor(i / 32). */
  readonly #bits: Uint32Array;
  readonly #words: number;

  private constructor(gridSize: number, bits: Uint32Array, size: number) {
    this.gridSize = gridSize;
    this.#words = Math.ceil((gridSize * gridSize) / 32);
    this.#bits = bits;
    this.size = size;
  }

  /**
   * The set of `images`, duplicates collapsed (a prior is a set).
   * @param gridSize N, an integer from 4 to 256.
   * @param images Each image's N*N cells, row-major, 1 white and 0 black: an array-like of 0/1 numbers or a
   *   string of `0`/`1` characters (whitespace ignored).
   * @throws TypeError or RangeError naming the image and the form it expects, or for an empty set.
   */
  static of(gridSize: number, images: Iterable<ArrayLike<number> | string>): ImageSet {
    const n = validateGridSize(gridSize, 'gridSize');
    const words = Math.ceil((n * n) / 32);
    const seen = new Set<string>();
    const rows: Uint32Array[] = [];
    let index = 0;
    for (const image of images) {
      const cells = cellsOf(image, n, `images[${index}]`);
      const row = packCells(cells, words);
      const key = row.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(row);
      }
      index++;
    }
    if (!rows.length) throw new RangeError('images: expected at least one image, got none');
    const bits = new Uint32Array(rows.length * words);
    rows.forEach((row, i) => bits.set(row, i * words));
    return new ImageSet(n, bits, rows.length);
  }

  /**
   * The rectangle prior: one white filled axis-aligned rectangle on black, height and width each 2..N-2, every
   * placement equally likely (625 images at N = 8, 13,689 at N = 16).
   */
  static rectangles(gridSize: number): ImageSet {
    const n = validateGridSize(gridSize, 'gridSize');
    return ImageSet.of(n, boxes(n, (h, w) => h >= 2 && w >= 2 && h <= n - 2 && w <= n - 2));
  }

  /** The square prior as a set (side 2..N-2, every placement): what {@link exactPosterior} answers faster. */
  static squares(gridSize: number): ImageSet {
    const n = validateGridSize(gridSize, 'gridSize');
    return ImageSet.of(n, boxes(n, (h, w) => h === w && h >= 2 && h <= n - 2));
  }

  /**
   * Reads the published form ({@link PublishedImageSet}, e.g. parsed from the `.images.json` beside a model).
   * @throws TypeError or RangeError naming the field and the form it expects.
   */
  static fromJSON(value: unknown): ImageSet {
    if (typeof value !== 'object' || value === null) throw new TypeError(`image set: expected an object with format "${FORMAT}", got ${describe(value)}`);
    const data = value as Partial<PublishedImageSet>;
    if (data.format !== FORMAT) throw new TypeError(`image set: format must be "${FORMAT}", got ${describe(data.format)}`);
    if (data.version !== 1) throw new RangeError(`image set: version must be 1, got ${describe(data.version)}`);
    const n = validateGridSize(data.gridSize, 'image set: gridSize');
    const count = data.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new RangeError(`image set: count must be a whole number ≥ 1, got ${describe(count)}`);
    }
    if (typeof data.bits !== 'string') throw new TypeError(`image set: bits must be a base64 string, got ${describe(data.bits)}`);
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(data.bits), (c) => c.charCodeAt(0));
    } catch {
      throw new TypeError('image set: bits is not base64');
    }
    const cells = n * n;
    const expected = Math.ceil((count * cells) / 8);
    if (bytes.length !== expected) {
      throw new RangeError(`image set: bits holds ${bytes.length} bytes, but ${count} images of ${n}×${n} need ${expected}`);
    }
    const images = Array.from({ length: count }, (_, k) => {
      const image = new Uint8Array(cells);
      for (let i = 0; i < cells; i++) {
        const bit = k * cells + i;
        image[i] = (bytes[bit >> 3] >> (7 - (bit & 7))) & 1;
      }
      return image;
    });
    return ImageSet.of(n, images);
  }

  /** The published form of this set: what {@link ImageSet.fromJSON} reads back. */
  toJSON(): PublishedImageSet {
    const cells = this.gridSize * this.gridSize;
    const bytes = new Uint8Array(Math.ceil((this.size * cells) / 8));
    for (let k = 0; k < this.size; k++) {
      for (let i = 0; i < cells; i++) {
        if (this.#cell(k, i)) {
          const bit = k * cells + i;
          bytes[bit >> 3] |= 0x80 >> (bit & 7);
        }
      }
    }
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return { format: FORMAT, version: 1, gridSize: this.gridSize, count: this.size, bits: btoa(text) };
  }

  /** The images, each N*N cells of 0/1, row-major, in the set's order. */
  images(): Uint8Array[] {
    const cells = this.gridSize * this.gridSize;
    return Array.from({ length: this.size }, (_, k) => Uint8Array.from({ length: cells }, (_, i) => this.#cell(k, i)));
  }

  /** Whether `pixels` (N*N cells, row-major, in either form) is an image of the set. */
  includes(pixels: ArrayLike<number> | string): boolean {
    return this.posterior(pixels, new Uint8Array(this.gridSize * this.gridSize)).fits > 0;
  }

  /**
   * The exact posterior of this prior given the visible cells.
   *
   * @param pixels N*N cells, row-major, 1 white and 0 black (hidden cells' values are ignored), in either form.
   * @param mask N*N cells, row-major, 1 hidden and 0 visible, in either form.
   * @returns P(white) per cell and the number of images that fit; hidden cells are NaN when none fits.
   * @throws TypeError or RangeError naming the argument and the form it expects.
   *
   * O(S × N²/32) to test the S images, plus N² per image that fits.
   */
  posterior(pixels: ArrayLike<number> | string, mask: ArrayLike<number> | string): ExactPosterior {
    const n = this.gridSize;
    const pixelCells = cellsOf(pixels, n, 'pixels');
    const maskCells = cellsOf(mask, n, 'mask');
    const words = this.#words;
    const visible = packCells(maskCells.map((hidden) => (hidden ? 0 : 1)), words);
    const white = packCells(pixelCells.map((v, i) => (maskCells[i] ? 0 : v)), words);
    const whiteCount = new Uint32Array(n * n);
    let fits = 0;
    for (let k = 0; k < this.size; k++) {
      const at = k * words;
      let agrees = true;
      for (let w = 0; w < words && agrees; w++) agrees = ((this.#bits[at + w] ^ white[w]) & visible[w]) === 0;
      if (!agrees) continue;
      fits++;
      for (let i = 0; i < n * n; i++) if (this.#cell(k, i)) whiteCount[i]++;
    }
    const probabilities = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) {
      if (!maskCells[i]) probabilities[i] = pixelCells[i] ? 1 : 0;
      else probabilities[i] = fits > 0 ? whiteCount[i] / fits : Number.NaN;
    }
    return { probabilities, fits };
  }

  #cell(k: number, i: number): number {
    return (this.#bits[k * this.#words + (i >>> 5)] >>> (i & 31)) & 1;
  }
}

const bundledSets = new Map<string, ImageSet>();

/** The image set of a bundled prior at N, built once per page. */
export function bundledImageSet(prior: 'squares' | 'rectangles', gridSize: number): ImageSet {
  const key = `${prior} ${gridSize}`;
  let set = bundledSets.get(key);
  if (!set) {
    set = prior === 'squares' ? ImageSet.squares(gridSize) : ImageSet.rectangles(gridSize);
    bundledSets.set(key, set);
  }
  return set;
}

/** Every filled axis-aligned box on an N×N grid whose height and width pass `keep`, as images. */
function* boxes(n: number, keep: (height: number, width: number) => boolean): Generator<Uint8Array> {
  for (let h = 1; h <= n; h++) {
    for (let w = 1; w <= n; w++) {
      if (!keep(h, w)) continue;
      for (let row = 0; row + h <= n; row++) {
        for (let col = 0; col + w <= n; col++) {
          const image = new Uint8Array(n * n);
          for (let r = row; r < row + h; r++) image.fill(1, r * n + col, r * n + col + w);
          yield image;
        }
      }
    }
  }
}

function packCells(cells: ArrayLike<number>, words: number): Uint32Array {
  const row = new Uint32Array(words);
  for (let i = 0; i < cells.length; i++) if (cells[i]) row[i >>> 5] |= 1 << (i & 31);
  return row;
}

/** {@link readCells} as a Uint8Array. */
function cellsOf(cells: ArrayLike<number> | string, n: number, name: string): Uint8Array {
  return Uint8Array.from(readCells(cells, n, name));
}
