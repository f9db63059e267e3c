// show-attention's pure helpers: the tokens of the shown picture, the shades, and the label's words.
import assert from 'node:assert/strict';
import test from 'node:test';
import { attentionLabel, attentionShades, attentionTokens, cellPlace, strongest } from '../../src/attention-cells.js';

test('the tokens are the visible pixels, with hidden cells as 2', () => {
  assert.deepEqual([...attentionTokens(Uint8Array.of(0, 1, 1, 0), Uint8Array.of(0, 0, 1, 1))], [0, 1, 2, 2]);
});

test('shades are each weight over the strongest, and the strongest is the first on a tie', () => {
  assert.deepEqual(attentionShades([0.1, 0.4, 0.4, 0.1]), ['0.25000', '1.00000', '1.00000', '0.25000']);
  assert.equal(strongest([0.1, 0.4, 0.4, 0.1]), 1);
  assert.deepEqual(attentionShades([0, 0]), ['0.00000', '0.00000']);
});

test('the label names the strongest cell by row and column from 1, and what it shows', () => {
  const row = [0.05, 0.1, 0.05, 0.8];
  assert.equal(cellPlace(3, 2), 'row 2, column 2');
  assert.equal(attentionLabel(row, 2, ['black', 'white', 'black', 'white']), 'attends most to row 2, column 2 (visible white)');
  assert.equal(attentionLabel(row, 2, ['black', 'white', 'black', 'hidden']), 'attends most to row 2, column 2 (hidden)');
  assert.equal(attentionLabel(row, 2, ['black', 'white', 'black', 'filled black, 97% sure']), 'attends most to row 2, column 2 (filled black)');
});
