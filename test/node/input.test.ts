import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelLoadError, RuntimeLoadError } from '../../src/runtime/index.js';
import { AttributeError, PriorLoadError, errorDetail, readInput, type InputValues } from '../../src/input.js';

const BASE = 'https://example.test/page/';
const read = (values: InputValues, attributes: Record<string, string> = {}) => readInput(values, BASE, (name) => attributes[name] ?? null);

/** The AttributeError `values` give: its attribute and message. */
function rejection(values: InputValues, attributes?: Record<string, string>): AttributeError {
  try {
    read(values, attributes);
  } catch (error) {
    assert.ok(error instanceof AttributeError, `an AttributeError, not ${error}`);
    return error;
  }
  assert.fail('no error');
}

describe('readInput', () => {
  it('gives the defaults for empty values', () => {
    const input = read({});
    assert.equal(input.gridSize, 16);
    assert.equal(input.pixels.length, 256);
    assert.ok(input.pixels.every((cell) => cell === 0) && input.mask.every((cell) => cell === 0));
    assert.equal(input.backend, 'auto');
    assert.equal(input.decoding, 'iterative');
    assert.equal(input.steps, undefined);
    assert.equal(input.seed, undefined);
    assert.equal(input.modelSrc, '');
    assert.match(input.modelUrl, /square-inpainter-16\.onnx$/);
  });

  it('reads cells, a model URL relative to the page, and every option', () => {
    const input = read({ gridSize: 8, pixels: '1'.repeat(64), mask: '01'.repeat(32), modelSrc: ' m.onnx ', backend: 'wasm', decoding: 'sample', steps: 4, seed: 7 });
    assert.equal(input.pixels[0], 1);
    assert.deepEqual([...input.mask.slice(0, 4)], [0, 1, 0, 1]);
    assert.equal(input.modelSrc, 'm.onnx');
    assert.equal(input.modelUrl, 'https://example.test/page/m.onnx');
    assert.deepEqual([input.backend, input.decoding, input.steps, input.seed], ['wasm', 'sample', 4, 7]);
  });

  it('picks the bundled model of the prior, squares unless the page says', () => {
    assert.equal(read({ gridSize: 8 }).prior, 'squares');
    assert.match(read({ gridSize: 8 }).modelUrl, /\/square-inpainter-8\.onnx$/);
    const rectangles = read({ gridSize: 8, prior: 'rectangles' });
    assert.equal(rectangles.prior, 'rectangles');
    assert.match(rectangles.modelUrl, /\/square-inpainter-rectangles-8\.onnx$/);
    // A model-src model is the page's: the prior says only what fits is counted against, and picks no file.
    assert.equal(read({ gridSize: 16, prior: 'rectangles', modelSrc: 'r16.onnx' }).modelUrl, 'https://example.test/page/r16.onnx');
  });

  it('resolves prior-src, the image set of a model-src model, and refuses it without one', () => {
    assert.equal(read({ gridSize: 8 }).priorUrl, '');
    const own = read({ gridSize: 8, modelSrc: 'crosses-8.onnx', priorSrc: ' crosses-8.images.json ' });
    assert.equal(own.priorUrl, 'https://example.test/page/crosses-8.images.json');
    const alone = rejection({ gridSize: 8, priorSrc: 'crosses-8.images.json' });
    assert.equal(alone.attribute, 'prior-src');
    assert.match(alone.message, /prior-src is the image set of the model at model-src; set model-src too/);
    assert.equal(rejection({ gridSize: 8, modelSrc: 'm.onnx', priorSrc: 'http://[' }).attribute, 'prior-src');
    // An image set that fails to load is the model's load failing, at prior-src.
    const failed = new PriorLoadError('could not fetch the image set at https://example.test/x.images.json (HTTP 404)');
    assert.deepEqual(errorDetail(failed, 'm.onnx'), { type: 'model-load', message: `prior-src: ${failed.message}`, attribute: 'prior-src', cause: failed });
  });

  it('names prior in an unknown prior, and grid-size where that prior has no bundled model for it', () => {
    const error = rejection({ gridSize: 8, prior: 'circles' });
    assert.equal(error.attribute, 'prior');
    assert.match(error.message, /prior must be one of squares, rectangles; got "circles"/);
    assert.equal(rejection({ gridSize: 8, prior: '' }).attribute, 'prior');
    const missing = rejection({ gridSize: 12, prior: 'rectangles' });
    assert.equal(missing.attribute, 'grid-size');
    assert.match(missing.message, /grid-size 12 has no bundled model of rectangles; use 8 or 16, or set model-src/);
    assert.match(read({ gridSize: 16, prior: 'rectangles' }).modelUrl, /\/square-inpainter-rectangles-16\.onnx$/);
    assert.equal(errorDetail(error, '').type, 'invalid-attribute');
  });

  it('reads other values the way their attribute would', () => {
    const input = read({ gridSize: '8', steps: ' 3 ', seed: '', pixels: ['0'.repeat(64)], mask: null, backend: undefined });
    assert.equal(input.gridSize, 8);
    assert.equal(input.steps, 3);
    assert.equal(input.seed, undefined);
    assert.equal(input.backend, 'auto');
    assert.equal(input.pixels.length, 64);
  });

  it('names the attribute and the expected form, quoting the value as the page wrote it', () => {
    let error = rejection({ gridSize: NaN }, { 'grid-size': 'big' });
    assert.equal(error.attribute, 'grid-size');
    assert.match(error.message, /grid-size must be an integer from 4 to 256; got "big"/);
    error = rejection({ gridSize: 12 });
    assert.match(error.message, /grid-size 12 has no bundled model; use 8 or 16, or set model-src/);
    assert.equal(rejection({ gridSize: 8, backend: 'cuda' }).attribute, 'backend');
    assert.match(rejection({ gridSize: 8, decoding: 'greedy' }).message, /iterative, one-shot, sample; got "greedy"/);
    assert.match(rejection({ gridSize: 8, steps: 0 }).message, /steps must be an integer from 1 to 256; got "0"/);
    assert.equal(rejection({ gridSize: 8, seed: -1 }).attribute, 'seed');
    assert.match(rejection({ gridSize: 8, pixels: '01' }).message, /pixels must be 64 characters 0 or 1 .*; got 2/);
    assert.equal(rejection({ gridSize: 8, mask: '2'.repeat(64) }).attribute, 'mask');
    assert.equal(rejection({ gridSize: 8, modelSrc: 'http://[' }).attribute, 'model-src');
  });

  it('quotes at most 80 characters of a value', () => {
    const huge = '7'.repeat(1_000_000);
    for (const values of [{ gridSize: huge }, { gridSize: 8, backend: huge }, { gridSize: 8, decoding: huge }, { gridSize: 8, modelSrc: `http://[${huge}` }]) {
      const { message } = rejection(values);
      assert.ok(message.length < 200, `${message.length} characters`);
    }
    const { message } = rejection({ gridSize: NaN }, { 'grid-size': huge });
    assert.ok(message.length < 200);
  });

  it('rejects values that have no text, naming the attribute', () => {
    const throwing = { toString() { throw new Error('no'); } };
    for (const [name, attribute] of [['pixels', 'pixels'], ['mask', 'mask'], ['modelSrc', 'model-src'], ['backend', 'backend'], ['decoding', 'decoding'], ['gridSize', 'grid-size'], ['steps', 'steps'], ['seed', 'seed']] as const) {
      for (const [label, value] of [['throwing toString', throwing], ['symbol', Symbol('x')]] as const) {
        const error = rejection({ gridSize: 8, [name]: value });
        assert.equal(error.attribute, attribute, `${name}: ${label}`);
      }
    }
  });

  it('reads objects, arrays and booleans as their text and rejects what that text is not', () => {
    assert.equal(rejection({ gridSize: 8, pixels: {} }).attribute, 'pixels');
    assert.equal(rejection({ gridSize: [8, 8] }).attribute, 'grid-size');
    assert.equal(rejection({ gridSize: 8, backend: true }).attribute, 'backend');
    assert.equal(read({ gridSize: [8] }).gridSize, 8);
  });
});

describe('errorDetail', () => {
  it('reports an attribute error as invalid-attribute naming the attribute', () => {
    const error = new AttributeError('mask', 'mask must be ...');
    assert.deepEqual(errorDetail(error, ''), { type: 'invalid-attribute', message: 'mask must be ...', attribute: 'mask', cause: error });
  });

  it('reports a failed load as model-load, blaming model-src when it is set', () => {
    const error = new ModelLoadError('https://example.test/m.onnx: HTTP 404');
    assert.deepEqual(errorDetail(error, ''), { type: 'model-load', message: error.message, attribute: undefined, cause: error });
    const detail = errorDetail(error, 'm.onnx');
    assert.equal(detail.attribute, 'model-src');
    assert.equal(detail.message, `model-src: ${error.message}`);
  });

  it('reports a runtime that could not be fetched or started as runtime-load', () => {
    const error = new RuntimeLoadError('ort-wasm-simd-threaded.wasm: HTTP 404');
    assert.deepEqual(errorDetail(error, 'm.onnx'), { type: 'runtime-load', message: error.message, attribute: undefined, cause: error });
  });

  it('reports anything else as inference, and cuts long words in any message', () => {
    const detail = errorDetail(new Error(`failed on ${'x'.repeat(10_000)}`), '');
    assert.equal(detail.type, 'inference');
    assert.ok(detail.message.length < 100);
    assert.equal(errorDetail('plain', '').message, 'plain');
  });
});
