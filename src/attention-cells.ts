/**
 * What `show-attention` draws for one query cell: each cell's share of its attention, scaled to the strongest,
 * and the words that name where most of it went. Pure: no DOM.
 */
/** The model's input tokens for the picture the element shows: visible cells 0/1, hidden cells 2. */
export function attentionTokens(pixels: Uint8Array, mask: Uint8Array): Uint8Array {
  return pixels.map((pixel, index) => (mask[index] ? 2 : pixel));
}

/** The index of the largest weight of an attention row (the first, on a tie). */
export function strongest(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Each cell's weight over the row's strongest, 0 to 1 (5 decimals): the `--square-inpainter-a` of each cell. */
export function attentionShades(row: ArrayLike<number>): string[] {
  const top = row[strongest(row)] || 1;
  return Array.from(row, (weight) => (Math.max(0, weight) / top).toFixed(5));
}

/** Where cell `index` is, in words: `row 3, column 5` (counted from 1). */
export function cellPlace(index: number, size: number): string {
  return `row ${Math.floor(index / size) + 1}, column ${(index % size) + 1}`;
}

/**
 * Where most of a cell's attention went, e.g. `attends most to row 3, column 5 (visible white)`: the cell with the
 * largest weight of its row, and what that cell shows, from the cells' own labels (`black`, `white`, `hidden`,
 * `filled white, 97% sure`).
 */
export function attentionLabel(row: ArrayLike<number>, size: number, labels: readonly string[]): string {
  const target = strongest(row);
  const shown = labels[target] ?? '';
  const state = shown.startsWith('filled') ? shown.split(',')[0] : shown === 'hidden' ? shown : `visible ${shown}`;
  return `attends most to ${cellPlace(target, size)} (${state})`;
}
