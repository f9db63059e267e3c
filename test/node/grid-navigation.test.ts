import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellAt, gridGeometry, navigate } from '../../src/controllers/grid-navigation.js';

describe('navigate (APG grid keys)', () => {
  const N = 4;
  it('moves one cell with the arrows and stops at the edges', () => {
    assert.equal(navigate('ArrowRight', false, 0, N), 1);
    assert.equal(navigate('ArrowDown', false, 1, N), 5);
    assert.equal(navigate('ArrowLeft', false, 4, N), 4);
    assert.equal(navigate('ArrowUp', false, 2, N), 2);
    assert.equal(navigate('ArrowRight', false, N * N - 1, N), N * N - 1);
    assert.equal(navigate('ArrowDown', false, N * N - 2, N), N * N - 2);
  });

  it('goes to the row\'s ends with Home/End and the grid\'s with Ctrl', () => {
    assert.equal(navigate('Home', false, 6, N), 4);
    assert.equal(navigate('End', false, 5, N), 7);
    assert.equal(navigate('Home', true, 6, N), 0);
    assert.equal(navigate('End', true, 5, N), N * N - 1);
  });

  it('leaves other keys alone', () => {
    for (const key of [' ', 'Enter', 'h', 'Tab', 'PageDown']) assert.equal(navigate(key, false, 5, N), undefined);
  });
});

describe('cellAt (pointer strokes)', () => {
  // An 8×8 grid at (100, 50): 10 px cells, 1 px gaps and padding, so 8 * 11 + 1 = 89 px wide.
  const geometry = gridGeometry(100, 50, 89, 1, 8);
  it('maps a point to the cell under it', () => {
    assert.equal(cellAt(106, 56, geometry, 8), 0);
    assert.equal(cellAt(100 + 11 * 3 + 5, 50 + 11 * 2 + 5, geometry, 8), 2 * 8 + 3);
    assert.equal(cellAt(188, 138, geometry, 8), 63);
  });

  it('gives -1 outside the grid', () => {
    for (const [x, y] of [[90, 60], [120, 40], [200, 60], [120, 200]]) assert.equal(cellAt(x, y, geometry, 8), -1);
  });
});
