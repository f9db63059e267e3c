/**
 * The model contract's two ends, written once for everyone who runs a model: the runtime worker, the offline
 * scripts (training/) and the bench. Pure: no ORT.
 *
 * Input `tokens`: int64 [batch, N*N], row-major, 0 black, 1 white, 2 hidden. Output `logits`: float32
 * [batch, N*N, 2], the (black, white) logits of each cell; P(white) is their softmax's second entry.
 */
import { BLACK, MASKED, WHITE } from './grid.js';

/**
 * The model's input: each cell's pixel (BLACK/WHITE), or MASKED where `mask` is 1.
 * Writes into `out` when given (it must have the same length) and returns it.
 */
export function toTokens(pixels: Uint8Array, mask: Uint8Array, out = new Uint8Array(pixels.length)): Uint8Array {
  for (const [name, cells] of [['mask', mask], ['tokens', out]] as const) {
    if (cells.length !== pixels.length) {
      throw new RangeError(`${name} must have ${pixels.length} cells like pixels; got ${cells.length}`);
    }
  }
  for (let i = 0; i < pixels.length; i++) {
    out[i] = mask[i] ? MASKED : pixels[i] ? WHITE : BLACK;
  }
  return out;
}

/** Each token as the int64 the model takes: a lookup, where `BigInt()` per cell would cost a call each. */
const INT64_TOKENS = [0n, 1n, 2n];

/**
 * Tokens (0, 1, 2) as the model's int64 input, written into `out` from `offset` (a batch's row) when given, else
 * into a new array; returns `out`.
 */
export function toInt64Tokens(tokens: ArrayLike<number>, out = new BigInt64Array(tokens.length), offset = 0): BigInt64Array {
  for (let i = 0; i < tokens.length; i++) out[offset + i] = INT64_TOKENS[tokens[i]];
  return out;
}

/**
 * P(white) of each cell from its (black, white) logits: softmax(logits)[..., 1] = 1 / (1 + e^(black − white)).
 * Writes into `out` when given (one value per cell, from the first logits pair) and returns it.
 */
export function whiteProbabilities(logits: ArrayLike<number>, out = new Float32Array(logits.length >> 1)): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1]));
  return out;
}
