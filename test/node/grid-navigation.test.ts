import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellIndex, cellsBetween, gridGeometry, navigate, pointAt } from '../../src/controllers/grid-navigation.js';

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

describe('pointAt and cellIndex (pointer strokes)', () => {
  // An 8×8 grid at (100, 50): 10 px cells, 1 px gaps and padding, so 8 * 11 + 1 = 89 px wide.
  const geometry = gridGeometry(100, 50, 89, 1, 8);
  it('maps a point to the cell under it', () => {
    assert.equal(cellIndex(pointAt(106, 56, geometry), 8), 0);
    assert.equal(cellIndex(pointAt(100 + 11 * 3 + 5, 50 + 11 * 2 + 5, geometry), 8), 2 * 8 + 3);
    assert.equal(cellIndex(pointAt(188, 138, geometry), 8), 63);
  });

  it('gives -1 outside the grid', () => {
    for (const [x, y] of [[90, 60], [120, 40], [200, 60], [120, 200]]) assert.equal(cellIndex(pointAt(x, y, geometry), 8), -1);
  });
});

describe('cellsBetween (interpolated strokes)', () => {
  const N = 8;
  it('walks every cell of a row, a column and a diagonal, without the first and with the last', () => {
    assert.deepEqual(cellsBetween([0, 2], [7, 2], N), [17, 18, 19, 20, 21, 22, 23]);
    assert.deepEqual(cellsBetween([3, 7], [3, 0], N), [6 * N + 3, 5 * N + 3, 4 * N + 3, 3 * N + 3, 2 * N + 3, N + 3, 3]);
    assert.deepEqual(cellsBetween([0, 0], [7, 7], N), [9, 18, 27, 36, 45, 54, 63]);
  });

  it('steps once per cell along the longer axis on a shallow line', () => {
    const cells = cellsBetween([0, 0], [7, 2], N);
    assert.equal(cells.length, 7);
    assert.deepEqual(cells.map((cell) => cell % N), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(cells.map((cell) => Math.floor(cell / N)), [0, 1, 1, 1, 1, 2, 2]);
  });

  it('paints nothing for a move within the same cell', () => {
    assert.deepEqual(cellsBetween([4, 4], [4, 4], N), []);
  });

  it('leaves out the cells outside the grid, up to its edge', () => {
    assert.deepEqual(cellsBetween([5, 0], [10, 0], N), [6, 7]);
    assert.deepEqual(cellsBetween([-3, 1], [1, 1], N), [N, N + 1]);
  });

  it('takes its ends from pointAt, which goes on outside the grid', () => {
    const geometry = gridGeometry(100, 50, 89, 1, 8);
    assert.deepEqual(pointAt(106, 56, geometry), [0, 0]);
    assert.deepEqual(pointAt(90, 200, geometry), [-1, 13]);
  });
});
