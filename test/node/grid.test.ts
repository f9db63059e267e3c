import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findSquare, isSquare, parseCells, serializeCells, validateGridSize,
} from '../../src/grid.js';
import { priorSquares } from '../../src/posterior.js';
import { renderSquare } from '../../training/mask-families.js';

describe('parseCells', () => {
  it('reads 0/1 characters row-major and ignores whitespace', () => {
    const cells = parseCells(' 0110\n1001\t\r\n 1111 0000\u00a0', 4, 'pixels');
    assert.deepEqual([...cells], [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    assert.ok(cells instanceof Uint8Array);
  });

  it('rejects too few cells with a RangeError naming the attribute and the expected form', () => {
    assert.throws(() => parseCells('0'.repeat(255), 16, 'pixels'), {
      name: 'RangeError',
      message: 'pixels must be 256 characters 0 or 1 (16×16, row-major, whitespace ignored); got 255',
    });
  });

  it('rejects too many cells and the empty string with a RangeError', () => {
    assert.throws(() => parseCells('1'.repeat(65), 8, 'mask'), {
      name: 'RangeError',
      message: 'mask must be 64 characters 0 or 1 (8×8, row-major, whitespace ignored); got 65',
    });
    assert.throws(() => parseCells('  ', 8, 'mask'), { name: 'RangeError', message: /got 0$/ });
  });

  it('rejects other characters with a TypeError that says which and where', () => {
    assert.throws(() => parseCells('0101x', 4, 'mask'), {
      name: 'TypeError',
      message: 'mask must be 16 characters 0 or 1 (4×4, row-major, whitespace ignored); got "x" at cell 4',
    });
    assert.throws(() => parseCells('0,1', 4, 'pixels'), { name: 'TypeError', message: /^pixels must be .*got "," at cell 1$/ });
    assert.throws(() => parseCells('2'.repeat(16), 4, 'pixels'), { name: 'TypeError', message: /got "2" at cell 0$/ });
    assert.throws(() => parseCells('0😀', 4, 'pixels'), { name: 'TypeError', message: /got "😀" at cell 1$/ });
  });

  it('rejects a value that is not a string with a TypeError', () => {
    assert.throws(() => parseCells(null as unknown as string, 4, 'pixels'), { name: 'TypeError', message: /^pixels must be 16 characters.*got null$/ });
    assert.throws(() => parseCells(42 as unknown as string, 4, 'mask'), { name: 'TypeError', message: /^mask must be .*got 42$/ });
  });
});

describe('serializeCells', () => {
  it('writes 0/1 characters with no whitespace, and round-trips through parseCells', () => {
    const text = '0110100111110000';
    assert.equal(serializeCells(parseCells(text, 4, 'pixels')), text);
    assert.equal(serializeCells([0, 1, 1, 0]), '0110');
    assert.equal(serializeCells(new Float32Array([0, 0.5, 1])), '011');
    assert.equal(serializeCells([]), '');
  });
});

describe('validateGridSize', () => {
  it('accepts integers from 4 to 256', () => {
    for (const n of [4, 8, 16, 256]) assert.equal(validateGridSize(n), n);
  });

  it('rejects what is not an integer with a TypeError naming the attribute', () => {
    for (const bad of [3.5, Number.NaN, Infinity, '16', null, undefined]) {
      assert.throws(() => validateGridSize(bad), { name: 'TypeError', message: /^grid-size must be an integer from 4 to 256; got / });
    }
    assert.throws(() => validateGridSize('x', 'gridSize'), { message: 'gridSize must be an integer from 4 to 256; got "x"' });
  });

  it('rejects integers out of range with a RangeError', () => {
    for (const bad of [3, 0, -16, 257]) {
      assert.throws(() => validateGridSize(bad), { name: 'RangeError', message: `grid-size must be an integer from 4 to 256; got ${bad}` });
    }
  });
});

describe('findSquare and isSquare', () => {
  it('recognise every placement of the prior', () => {
    for (const n of [4, 6, 8]) {
      for (const square of priorSquares(n)) assert.deepEqual(findSquare(renderSquare(square, n), n), square);
    }
  });

  it('reject images outside the prior', () => {
    const n = 6;
    const image = (...rows: string[]) => parseCells(rows.join(''), n, 'pixels');
    const outside = {
      'all black': image('000000', '000000', '000000', '000000', '000000', '000000'),
      'one white cell': image('000000', '001000', '000000', '000000', '000000', '000000'),
      'side N-1': image('111110', '111110', '111110', '111110', '111110', '000000'),
      'a rectangle': image('000000', '011100', '011100', '000000', '000000', '000000'),
      'a square with a hole': image('000000', '011100', '010100', '011100', '000000', '000000'),
      'two squares': image('110000', '110000', '000000', '000011', '000011', '000000'),
      'a square and a stray cell': image('110000', '110000', '000000', '000000', '000000', '000001'),
      'a diagonal': image('100000', '010000', '000000', '000000', '000000', '000000'),
      'all white': image('111111', '111111', '111111', '111111', '111111', '111111'),
    };
    for (const [name, pixels] of Object.entries(outside)) {
      assert.equal(findSquare(pixels, n), null, name);
      assert.equal(isSquare(pixels, n), false, name);
    }
    assert.equal(isSquare(new Uint8Array(35), n), false, 'wrong length');
  });
});
