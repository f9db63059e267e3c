/**
 * What one cell of the grid shows: its parts, its label, the model's confidence and its P(white). Pure: no DOM.
 */

/** A fill the element draws: the completed pixels, P(white) per cell, and the mask it answered. */
export interface Fill {
  pixels: Uint8Array;
  probabilities: Float32Array;
  mask: Uint8Array;
}

/** One cell as drawn. */
export interface CellView {
  /** The `part` attribute: `cell` and the cell's state. */
  part: string;
  /** The accessible name: `black`, `white`, `hidden` or e.g. `filled white, 97% sure`. */
  label: string;
  /** The confidence a filled cell shows on hover or focus (`97%`), else empty. */
  confidence: string;
  /** A filled cell's P(white), its `--p` custom property (the confidence ring is drawn from it), else undefined. */
  shade?: string;
  /** With `show-attention` drawn: the cell's share of the query cell's attention, its `--square-inpainter-a`. */
  attention?: string;
}

// Visible and hidden cells look the same every time: one shared (read-only) view each, nothing formatted per update.
const PLAIN: readonly Readonly<CellView>[] = ['black', 'white', 'hidden'].map((label) => ({ part: `cell cell-${label}`, label, confidence: '' }));

/** Whether a cell shows the model's fill: hidden now and in the request the drawn fill answered. */
export function isFilled(index: number, mask: Uint8Array, fill?: Fill): boolean {
  return mask[index] === 1 && fill?.mask[index] === 1;
}

/** The colour a cell shows: the model's fill where it is filled, else its pixel. */
export function shownPixel(index: number, pixels: Uint8Array, mask: Uint8Array, fill?: Fill): number {
  return (isFilled(index, mask, fill) ? fill!.pixels : pixels)[index];
}

/**
 * `next`, or `drawn` where both show the same: the same pixels, probabilities and mask. A fill that repeats the
 * last (the same request again) then keeps the object the cells were rendered from, and they are not rendered again.
 */
export function sameOr(drawn: Fill | undefined, next: Fill): Fill {
  if (!drawn) return next;
  return same(drawn.pixels, next.pixels) && same(drawn.probabilities, next.probabilities) && same(drawn.mask, next.mask) ? drawn : next;
}

/** What cell `index` shows, from the input's pixels and mask and the drawn fill. */
export function cellView(index: number, pixels: Uint8Array, mask: Uint8Array, fill?: Fill): Readonly<CellView> {
  if (!isFilled(index, mask, fill)) return PLAIN[mask[index] ? 2 : pixels[index] ? 1 : 0];
  const white = fill!.pixels[index] === 1;
  const probability = fill!.probabilities[index];
  const colour = white ? 'white' : 'black';
  const confidence = `${Math.round(100 * (white ? probability : 1 - probability))}%`;
  return {
    part: `cell cell-filled cell-filled-${colour}`,
    label: `filled ${colour}, ${confidence} sure`,
    confidence,
    shade: probability.toFixed(3),
  };
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
