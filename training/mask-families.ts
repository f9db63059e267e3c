/**
 * Seeded cases for the TypeScript side: a square of the prior and a mask from one of the mask families of
 * mask-families.json, the definition training/prior.py reads too (the same families, rates and sizes; a
 * different PRNG, src/decoding.ts's mulberry32). DOM-free: the node tests, the browser tests,
 * decoding-eval.ts and scripts/ import it. training/tests/test_mask_families.py checks that its cases are
 * the families prior.py draws.
 */
import { mulberry32 } from '../src/decoding.js';
import { WHITE, findSquare, whiteBounds, type Box, type Square } from '../src/grid.js';
import { priorSquares } from '../src/posterior.js';
import spec from './mask-families.json' with { type: 'json' };

/** A rate: fixed, or drawn once per mask, uniform in [min, min + span). */
type Rate = number | { min: number; span: number };
/** An integer bound: a number, or `N-k`, the grid size less k. */
type Bound = number | string;
/** Uniform integers in low..high, inclusive. */
interface IntegerRange {
  low: Bound;
  high: Bound;
}

/** One family of mask-families.json; `kind` says how it draws, the other fields with what values. */
export type FamilySpec = { name: string; weight: number } & (
  | { kind: 'iid'; rate: Rate }
  | { kind: 'boxes'; count: IntegerRange; side: IntegerRange }
  | { kind: 'lines'; rowRate: Rate; colRate: Rate }
  | { kind: 'corner'; reach: IntegerRange }
  | { kind: 'square'; margin: IntegerRange }
  | { kind: 'half' }
);

const DEFAULT_SPECS = spec.families as FamilySpec[];
const FAMILY_SPECS = [...DEFAULT_SPECS, ...(spec.otherFamilies as FamilySpec[])];

/** The default families' names, in the order of mask-families.json (evaluate.py's tables keep it). */
export const MASK_FAMILIES: readonly string[] = Object.freeze(DEFAULT_SPECS.map((family) => family.name));

/** The families only the priors of mask-families.json's priorFamilies draw (half, for the digits). */
export const OTHER_FAMILIES: readonly string[] = Object.freeze((spec.otherFamilies as FamilySpec[]).map((family) => family.name));

export interface MaskCase {
  family: string;
  gridSize: number;
  /** The square, in the square prior's cases; absent in another prior's (see `box`). */
  square?: Square;
  /** The image's white cells' bounding box, inclusive: the square itself in the square prior. */
  box: Box;
  /** The full image: the square on black. */
  truth: Uint8Array;
  /** The decoder's input: truth with hidden cells set to black, so nothing leaks. */
  pixels: Uint8Array;
  mask: Uint8Array;
}

/** The square's cells as a pixel image. */
export function renderSquare(square: Square, gridSize: number): Uint8Array {
  const pixels = new Uint8Array(gridSize * gridSize);
  for (let r = square.row; r < square.row + square.side; r++) {
    pixels.fill(WHITE, r * gridSize + square.col, r * gridSize + square.col + square.side);
  }
  return pixels;
}

const squareCache = new Map<number, readonly Square[]>();

/** {@link priorSquares}, kept: every case picks one of them. */
function squares(gridSize: number): readonly Square[] {
  let list = squareCache.get(gridSize);
  if (!list) {
    list = Object.freeze(priorSquares(gridSize));
    squareCache.set(gridSize, list);
  }
  return list;
}

function bound(value: Bound, gridSize: number): number {
  if (typeof value === 'number') return value;
  const match = /^N-(\d+)$/.exec(value);
  if (!match) throw new Error(`mask-families.json: a bound is an integer or "N-k"; got ${JSON.stringify(value)}`);
  return gridSize - Number(match[1]);
}

const between = (rand: () => number, low: number, high: number) => low + Math.floor(rand() * (high - low + 1));

/** Hides the cells with top <= row < bottom and left <= col < right (clipped to the grid). */
function hideBox(mask: Uint8Array, gridSize: number, top: number, bottom: number, left: number, right: number) {
  for (let r = Math.max(0, top); r < Math.min(gridSize, bottom); r++) {
    for (let c = Math.max(0, left); c < Math.min(gridSize, right); c++) mask[r * gridSize + c] = 1;
  }
}

/** The bounding box of an image's white cells; the whole grid for an image with none (as prior.py's). */
export function boundingBox(image: ArrayLike<number>, gridSize: number): Box {
  return whiteBounds(image, gridSize) ?? { top: 0, left: 0, bottom: gridSize - 1, right: gridSize - 1 };
}

/**
 * One case of `family` on an N×N grid, a pure function of `seed`: an image of the square prior, or of `images`
 * (another prior's, each equally likely) where given, and a mask over it. The corner and square families use
 * the image's bounding box of white cells, which for a square is the square.
 */
export function maskCase(family: string, gridSize: number, seed: number, images?: readonly Uint8Array[]): MaskCase {
  const familySpec = FAMILY_SPECS.find((f) => f.name === family);
  if (!familySpec) {
    throw new Error(`unknown mask family ${JSON.stringify(family)}; mask-families.json has ${[...MASK_FAMILIES, ...OTHER_FAMILIES].join(', ')}`);
  }
  const rand = mulberry32(seed);
  const all = images ?? squares(gridSize);
  const picked = all[Math.floor(rand() * all.length)];
  const truth = images ? Uint8Array.from(picked as Uint8Array) : renderSquare(picked as Square, gridSize);
  const box = boundingBox(truth, gridSize);
  const square = images ? undefined : (picked as Square);
  const n = gridSize;
  const mask = new Uint8Array(n * n);
  const rate = (value: Rate) => (typeof value === 'number' ? value : value.min + value.span * rand());
  const integer = (range: IntegerRange) => between(rand, bound(range.low, n), bound(range.high, n));
  switch (familySpec.kind) {
    case 'iid': {
      const p = rate(familySpec.rate);
      mask.forEach((_, i) => (mask[i] = rand() < p ? 1 : 0));
      break;
    }
    case 'boxes': {
      const count = integer(familySpec.count);
      for (let k = 0; k < count; k++) {
        const h = integer(familySpec.side), w = integer(familySpec.side);
        const top = between(rand, 0, n - h), left = between(rand, 0, n - w);
        hideBox(mask, n, top, top + h, left, left + w);
      }
      break;
    }
    case 'lines': {
      const pRow = rate(familySpec.rowRate), pCol = rate(familySpec.colRate);
      const rows = Array.from({ length: n }, () => rand() < pRow);
      const cols = Array.from({ length: n }, () => rand() < pCol);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) mask[r * n + c] = rows[r] || cols[c] ? 1 : 0;
      break;
    }
    case 'corner': {
      const right = rand() < 0.5, bottom = rand() < 0.5;
      const r = bottom ? box.bottom : box.top, c = right ? box.right : box.left;
      const reach = integer(familySpec.reach);
      hideBox(mask, n, r - reach + 1, r + reach, c - reach + 1, c + reach);
      break;
    }
    case 'square': {
      const margin = integer(familySpec.margin);
      hideBox(mask, n, box.top - margin, box.bottom + 1 + margin, box.left - margin, box.right + 1 + margin);
      break;
    }
    case 'half': {
      // 0 top, 1 bottom, 2 left, 3 right: prior.py's order.
      const side = between(rand, 0, 3), h = Math.floor(n / 2);
      const top = side === 1 ? n - h : 0, left = side === 3 ? n - h : 0;
      const tall = side >= 2;
      hideBox(mask, n, top, tall ? n : top + h, left, tall ? left + h : n);
      break;
    }
    default:
      throw new Error(`mask family ${JSON.stringify(family)} has an unknown kind ${JSON.stringify((familySpec as { kind: unknown }).kind)}`);
  }
  const pixels = truth.map((v, i) => (mask[i] ? 0 : v));
  if (!images && !findSquare(truth, gridSize)) throw new Error('renderSquare gave an image outside the prior');
  return { family, gridSize, square, box, truth, pixels, mask };
}
