import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellView, isFilled, sameOr, shownPixel, type Fill } from '../../src/cells.js';

// Four cells: black, white, hidden and not filled, hidden and filled (white at 0.9).
const pixels = Uint8Array.of(0, 1, 0, 0);
const mask = Uint8Array.of(0, 0, 1, 1);
const fill: Fill = { pixels: Uint8Array.of(0, 1, 0, 1), probabilities: Float32Array.of(0, 1, 0.2, 0.9), mask: Uint8Array.of(0, 0, 0, 1) };

describe('cellView', () => {
  it('shows visible cells by colour and hidden ones as hidden until filled', () => {
    assert.deepEqual(cellView(0, pixels, mask, fill), { part: 'cell cell-black', label: 'black', confidence: '' });
    assert.deepEqual(cellView(1, pixels, mask, fill), { part: 'cell cell-white', label: 'white', confidence: '' });
    assert.deepEqual(cellView(2, pixels, mask, fill), { part: 'cell cell-hidden', label: 'hidden', confidence: '' });
    assert.deepEqual(cellView(3, pixels, mask), { part: 'cell cell-hidden', label: 'hidden', confidence: '' });
  });

  it('shows a filled cell with its colour, the model\'s confidence and its shade', () => {
    assert.deepEqual(cellView(3, pixels, mask, fill), {
      part: 'cell cell-filled cell-filled-white',
      label: 'filled white, 90% sure',
      confidence: '90%',
      shade: '0.900',
    });
    const black: Fill = { ...fill, pixels: Uint8Array.of(0, 1, 0, 0), probabilities: Float32Array.of(0, 1, 0, 0.03) };
    assert.equal(cellView(3, pixels, mask, black).label, 'filled black, 97% sure');
  });

  it('does not show a fill for a cell the fill did not answer', () => {
    assert.equal(isFilled(2, mask, fill), false);
    assert.equal(isFilled(3, mask, fill), true);
    assert.equal(isFilled(3, Uint8Array.of(0, 0, 1, 0), fill), false, 'shown again since');
  });

  it('gives the colour a cell shows: the fill where filled, else the pixel', () => {
    assert.equal(shownPixel(3, pixels, mask, fill), 1);
    assert.equal(shownPixel(3, pixels, mask), 0);
    assert.equal(shownPixel(1, pixels, mask, fill), 1);
  });
});

describe('sameOr', () => {
  it('keeps the drawn fill for one that shows the same, so the cells need no new render', () => {
    const again: Fill = { pixels: fill.pixels.slice(), probabilities: fill.probabilities.slice(), mask: fill.mask.slice() };
    assert.equal(sameOr(fill, again), fill);
    assert.equal(sameOr(undefined, again), again);
  });

  it('takes the new fill when any pixel, probability or mask cell differs', () => {
    for (const change of ['pixels', 'probabilities', 'mask'] as const) {
      const next: Fill = { pixels: fill.pixels.slice(), probabilities: fill.probabilities.slice(), mask: fill.mask.slice() };
      next[change][3] = change === 'probabilities' ? 0.8 : 0;
      assert.equal(sameOr(fill, next), next, change);
    }
  });
});
