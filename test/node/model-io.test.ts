import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLACK, MASKED, WHITE } from '../../src/grid.js';
import { toInt64Tokens, toTokens, whiteProbabilities } from '../../src/model-io.js';

describe('toTokens', () => {
  it('gives each visible pixel and 2 where the mask hides the cell', () => {
    const tokens = toTokens(Uint8Array.of(0, 1, 1, 0), Uint8Array.of(0, 0, 1, 1));
    assert.deepEqual([...tokens], [BLACK, WHITE, MASKED, MASKED]);
  });

  it('writes into the buffer it is given', () => {
    const out = new Uint8Array(3).fill(9);
    assert.equal(toTokens(Uint8Array.of(1, 0, 1), Uint8Array.of(1, 0, 0), out), out);
    assert.deepEqual([...out], [2, 0, 1]);
  });

  it('rejects a mask or buffer of another length', () => {
    assert.throws(() => toTokens(new Uint8Array(4), new Uint8Array(3)), { name: 'RangeError', message: /mask must have 4 cells/ });
    assert.throws(() => toTokens(new Uint8Array(4), new Uint8Array(4), new Uint8Array(5)), { name: 'RangeError', message: /tokens must have 4 cells/ });
  });
});

describe('toInt64Tokens', () => {
  it('gives each token as the int64 the model takes', () => {
    assert.deepEqual([...toInt64Tokens(Uint8Array.of(0, 1, 2, 1))], [0n, 1n, 2n, 1n]);
    assert.deepEqual([...toInt64Tokens([2, 0])], [2n, 0n]);
  });

  it('writes a batch row into the buffer it is given, from the offset', () => {
    const out = new BigInt64Array(6).fill(9n);
    assert.equal(toInt64Tokens(Uint8Array.of(2, 1), out, 3), out);
    assert.deepEqual([...out], [9n, 9n, 9n, 2n, 1n, 9n]);
  });
});

describe('whiteProbabilities', () => {
  it('is the softmax of each cell\'s (black, white) logits at white', () => {
    const logits = Float32Array.of(0, 0, 2, -1, -3, 4);
    const softmax = (black: number, white: number) => Math.exp(white) / (Math.exp(black) + Math.exp(white));
    const probabilities = whiteProbabilities(logits);
    assert.equal(probabilities.length, 3);
    [softmax(0, 0), softmax(2, -1), softmax(-3, 4)].forEach((expected, i) => assert.ok(Math.abs(probabilities[i] - expected) < 1e-7));
  });

  it('stays within 0..1 for logits far apart', () => {
    assert.deepEqual([...whiteProbabilities([-1e4, 1e4, 1e4, -1e4])], [1, 0]);
  });

  it('writes into the buffer it is given', () => {
    const out = new Float32Array(4).fill(9);
    assert.equal(whiteProbabilities([0, 0, 0, 0], out.subarray(1, 3)).buffer, out.buffer);
    assert.deepEqual([...out], [9, 0.5, 0.5, 9]);
  });
});
