/**
 * The decodings and the limits of their options: what the element's input accepts (input.ts) and decoding.ts
 * decodes. Apart from decoding.ts so that the page's entry, which only checks options, leaves the decoder to the
 * runtime worker.
 */

/** How hidden cells are filled; see decoding.ts's `decode`. */
export type Decoding = 'iterative' | 'one-shot' | 'sample';

export const DECODINGS: readonly Decoding[] = ['iterative', 'one-shot', 'sample'];
/** Largest `steps` accepted: beyond a 16×16 grid's cell count it only costs time. */
export const MAX_STEPS = 256;
/** Largest `seed` accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;
