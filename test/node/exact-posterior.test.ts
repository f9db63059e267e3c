import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serializeCells } from '../../src/grid.js';
import { mulberry32 } from '../../src/decoding.js';
import { exactPosterior, fittingSquares, priorSquares } from '../../src/posterior.js';

/** The posterior the slow, obvious way, written apart from src/posterior.ts: draw every square, keep those
 *  that agree with each visible cell, count. */
function bruteForce(n: number, pixels: Uint8Array, mask: Uint8Array) {
  const images: Uint8Array[] = [];
  for (let side = 2; side <= n - 2; side++) {
    for (let row = 0; row + side <= n; row++) {
      for (let col = 0; col + side <= n; col++) {
        const image = new Uint8Array(n * n);
        for (let r = row; r < row + side; r++) for (let c = col; c < col + side; c++) image[r * n + c] = 1;
        images.push(image);
      }
    }
  }
  const agree = images.map((image) => image.every((v, i) => mask[i] === 1 || v === pixels[i]));
  const fitting = images.filter((_, k) => agree[k]);
  const probabilities = Array.from(pixels, (v, i) =>
    mask[i] === 0 ? v : fitting.length ? fitting.filter((image) => image[i]).length / fitting.length : Number.NaN,
  );
  return { probabilities, fits: fitting.length, agree };
}

/** A random case: a square of the prior (or, with `offPrior`, random pixels) under a random share of hidden cells. */
function randomCase(n: number, rand: () => number, offPrior: boolean) {
  const pixels = new Uint8Array(n * n);
  if (offPrior) {
    for (let i = 0; i < pixels.length; i++) pixels[i] = rand() < 0.3 ? 1 : 0;
  } else {
    const side = 2 + Math.floor(rand() * (n - 3));
    const row = Math.floor(rand() * (n - side + 1));
    const col = Math.floor(rand() * (n - side + 1));
    for (let r = row; r < row + side; r++) for (let c = col; c < col + side; c++) pixels[r * n + c] = 1;
  }
  const hidden = rand();
  const mask = Uint8Array.from(pixels, () => (rand() < hidden ? 1 : 0));
  // Hidden cells' pixels carry no information: make them noise, which the posterior must ignore.
  for (let i = 0; i < pixels.length; i++) if (mask[i]) pixels[i] = rand() < 0.5 ? 1 : 0;
  return { pixels, mask };
}

function assertMatches(n: number, pixels: Uint8Array, mask: Uint8Array, name: string) {
  const expected = bruteForce(n, pixels, mask);
  const { probabilities, fits } = exactPosterior(n, pixels, mask);
  assert.equal(fits, expected.fits, `${name}: fits`);
  assert.ok(probabilities instanceof Float32Array && probabilities.length === n * n, `${name}: a Float32Array of N*N`);
  for (let i = 0; i < n * n; i++) {
    const want = expected.probabilities[i];
    if (Number.isNaN(want)) assert.ok(Number.isNaN(probabilities[i]), `${name}: hidden cell ${i} is NaN when nothing fits`);
    else if (!mask[i]) assert.equal(probabilities[i], want, `${name}: visible cell ${i} is exact`);
    else assert.ok(Math.abs(probabilities[i] - want) < 1e-6, `${name}: cell ${i}: ${probabilities[i]} vs ${want}`);
  }
  assert.deepEqual(Array.from(fittingSquares(n, pixels, mask)), expected.agree.map(Number), `${name}: which squares fit`);
  return fits;
}

describe('exactPosterior', () => {
  it('matches brute-force enumeration at every grid size from 4 to 16, on random masks', () => {
    const rand = mulberry32(17);
    let nothingFits = 0;
    for (let n = 4; n <= 16; n++) {
      for (let trial = 0; trial < 24; trial++) {
        const { pixels, mask } = randomCase(n, rand, trial % 4 === 3);
        if (assertMatches(n, pixels, mask, `${n}×${n} case ${trial}`) === 0) nothingFits++;
      }
    }
    assert.ok(nothingFits >= 10, `random masks where nothing fits: ${nothingFits}`);
  });

  it('counts every square of the prior when everything is hidden, and gives each cell its coverage', () => {
    for (const [n, squares] of [[4, 9], [8, 135], [16, 1235]]) {
      const hidden = new Uint8Array(n * n).fill(1);
      const { probabilities, fits } = exactPosterior(n, new Uint8Array(n * n), hidden);
      assert.equal(fits, squares);
      assert.equal(priorSquares(n).length, squares);
      assertMatches(n, new Uint8Array(n * n), hidden, `${n}×${n} all hidden`);
      assert.ok(probabilities.every((p) => p > 0 && p < 1));
    }
  });

  it('gives one fit and a certain answer when nothing is hidden on a square of the prior', () => {
    const n = 6;
    const pixels = new Uint8Array(n * n);
    for (const cell of [7, 8, 13, 14]) pixels[cell] = 1; // the 2×2 square at row 1, column 1
    const { probabilities, fits } = exactPosterior(n, pixels, new Uint8Array(n * n));
    assert.equal(fits, 1);
    assert.deepEqual(Array.from(probabilities), Array.from(pixels));
  });

  it('gives 0 fits and NaN in every hidden cell when no square fits the visible cells', () => {
    const cases: [string, number, (pixels: Uint8Array, mask: Uint8Array) => void][] = [
      ['two opposite white corners', 6, (pixels, mask) => {
        mask.fill(1);
        pixels[0] = pixels[35] = 1;
        mask[0] = mask[35] = 0;
      }],
      ['everything visible and black', 8, () => undefined],
      ['a white cell in every row of one column', 5, (pixels, mask) => {
        mask.fill(1);
        for (let r = 0; r < 5; r++) {
          pixels[r * 5 + 2] = 1;
          mask[r * 5 + 2] = 0;
        }
      }],
      ['white cells that make an L', 10, (pixels, mask) => {
        mask.fill(1);
        for (const cell of [22, 23, 33]) {
          pixels[cell] = 1;
          mask[cell] = 0;
        }
        pixels[32] = 0;
        mask[32] = 0;
      }],
    ];
    for (const [name, n, build] of cases) {
      const pixels = new Uint8Array(n * n);
      const mask = new Uint8Array(n * n);
      build(pixels, mask);
      const { probabilities, fits } = exactPosterior(n, pixels, mask);
      assert.equal(fits, 0, name);
      for (let i = 0; i < n * n; i++) {
        if (mask[i]) assert.ok(Number.isNaN(probabilities[i]), `${name}: hidden cell ${i}`);
        else assert.equal(probabilities[i], pixels[i], `${name}: visible cell ${i}`);
      }
      assertMatches(n, pixels, mask, name);
    }
  });

  it('takes the attribute strings too, whitespace ignored', () => {
    const rand = mulberry32(5);
    for (const n of [4, 8, 16]) {
      const { pixels, mask } = randomCase(n, rand, false);
      const rows = (cells: Uint8Array) => serializeCells(cells).match(new RegExp(`.{${n}}`, 'g'))!.join(' ');
      assert.deepEqual(exactPosterior(n, rows(pixels), rows(mask)), exactPosterior(n, pixels, mask));
      assert.deepEqual(exactPosterior(n, Array.from(pixels), serializeCells(mask)), exactPosterior(n, pixels, mask));
    }
  });

  it('rejects bad arguments with an error naming the argument and the form it expects', () => {
    const cells = new Uint8Array(64);
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [() => exactPosterior(3, new Uint8Array(9), new Uint8Array(9)), RangeError, /^gridSize must be an integer from 4 to 256; got 3$/],
      [() => exactPosterior(8.5, cells, cells), TypeError, /^gridSize must be an integer/],
      [() => exactPosterior('8' as unknown as number, cells, cells), TypeError, /^gridSize must be an integer.*got "8"/],
      [() => exactPosterior(8, new Uint8Array(63), cells), RangeError, /^pixels must be 64 cells 0 or 1 \(8×8, row-major\).*got 63 cells$/],
      [() => exactPosterior(8, cells, new Uint8Array(65)), RangeError, /^mask must be 64 cells .*got 65 cells$/],
      [() => exactPosterior(8, cells, null as unknown as Uint8Array), TypeError, /^mask must be 64 cells .*got null$/],
      [() => exactPosterior(8, 42 as unknown as Uint8Array, cells), TypeError, /^pixels must be 64 cells .*got 42$/],
      [() => exactPosterior(8, cells, Uint8Array.from(cells, (_, i) => (i === 9 ? 2 : 0))), RangeError, /^mask must be .*got 2 at cell 9$/],
      [() => exactPosterior(8, Array.from(cells, (_, i) => (i === 3 ? '1' : 0)) as unknown as number[], cells), TypeError, /^pixels must be .*got "1" at cell 3$/],
      [() => exactPosterior(8, '0'.repeat(63), cells), RangeError, /^pixels must be 64 characters 0 or 1/],
      [() => exactPosterior(8, cells, '0'.repeat(63) + 'x'), TypeError, /^mask must be 64 characters 0 or 1.*"x" at cell 63/],
    ];
    for (const [call, kind, message] of cases) assert.throws(call, (error: Error) => error instanceof kind && message.test(error.message), String(message));
  });
});
