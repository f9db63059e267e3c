import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelController } from '../../src/controllers/model-controller.js';
import { decode, type Predictor } from '../../src/decoding.js';
import type { LoadDetail } from '../../src/events.js';
import { AttributeError } from '../../src/input.js';
import type { BackendPreference, ModelHandle, ProgressListener } from '../../src/runtime/index.js';
import { FakeHost, deferred } from '../helpers/fake-host.js';

interface Opening {
  url: string;
  backend: BackendPreference;
  onProgress?: ProgressListener;
  handle: ReturnType<typeof deferred<ModelHandle>>;
}

function fakeHandle(cellCount: number | null, released: string[], name = 'model'): ModelHandle {
  const predict: Predictor = async (tokens) => new Float32Array(tokens.length);
  return {
    backend: 'wasm',
    adapter: null,
    reason: 'backend="wasm" asks for WASM',
    cellCount,
    createPredictor: () => predict,
    decode: async (pixels, mask, options) => ({ ...(await decode(predict, pixels, mask, options)), fillMs: 0 }),
    lost: false,
    release: () => released.push(name),
  };
}

function setup() {
  const host = new FakeHost();
  const openings: Opening[] = [];
  const progress: number[] = [];
  const loads: LoadDetail[] = [];
  const order: string[] = [];
  const model = new ModelController(host, {
    onProgress: (value) => {
      progress.push(value);
      order.push('progress');
    },
    onLoad: (detail) => {
      loads.push(detail);
      order.push('load');
    },
    open: (url, backend, onProgress) => {
      const handle = deferred<ModelHandle>();
      openings.push({ url, backend, onProgress, handle });
      return handle.promise;
    },
  });
  return { host, model, openings, progress, loads, order };
}

/** A request for the bundled model of the grid size, or for the page's `modelSrc` where given. */
const request = (gridSize = 8, modelSrc = '') => ({
  gridSize,
  modelSrc,
  modelUrl: modelSrc || `https://example.test/models/square-inpainter-${gridSize}.onnx`,
  backend: 'wasm' as const,
});

describe('ModelController', () => {
  it('reports the runtime\'s progress of the whole load from 0, 1 just before load, then load with the backend and why', async () => {
    const { model, openings, progress, loads, order } = setup();
    const ready = model.open(request());
    assert.equal(model.ready, false);
    openings[0].onProgress!(0.5);
    openings[0].onProgress!(1);
    const handle = fakeHandle(64, []);
    openings[0].handle.resolve(handle);
    assert.equal(await ready, handle);
    assert.deepEqual(progress, [0, 0.5, 1, 1]);
    assert.equal(model.progress, 1);
    assert.deepEqual(loads, [{ backend: 'wasm', adapter: null, reason: 'backend="wasm" asks for WASM', gridSize: 8, modelUrl: request().modelUrl }]);
    assert.deepEqual(order.slice(-2), ['progress', 'load']);
    assert.equal(model.ready, true);
  });

  it('opens a model once for requests that need the same one', async () => {
    const { model, openings } = setup();
    const first = model.open(request());
    const second = model.open(request());
    assert.equal(first, second);
    assert.equal(openings.length, 1);
  });

  it('releases the model it held when a request needs another, and when the host leaves', async () => {
    const { host, model, openings } = setup();
    const released: string[] = [];
    const first = model.open(request());
    openings[0].handle.resolve(fakeHandle(64, released, 'first'));
    await first;
    const second = model.open(request(16, 'https://example.test/models/square-inpainter-16.onnx'));
    assert.deepEqual(released, ['first']);
    openings[1].handle.resolve(fakeHandle(256, released, 'second'));
    await second;
    host.disconnect();
    assert.deepEqual(released, ['first', 'second']);
    assert.equal(model.ready, false);
  });

  it('lets go of a model that arrives after it was released, and ignores its progress', async () => {
    const { model, openings, progress } = setup();
    const released: string[] = [];
    const ready = model.open(request());
    model.release();
    openings[0].onProgress!(0.5);
    openings[0].handle.resolve(fakeHandle(64, released));
    await assert.rejects(ready, { name: 'AbortError' });
    assert.deepEqual(released, ['model']);
    assert.deepEqual(progress, [0]);
  });

  it('rejects a model for another grid size, naming the attribute at fault', async () => {
    const { model, openings } = setup();
    const released: string[] = [];
    const ready = model.open(request(8, 'https://example.test/custom.onnx'));
    openings[0].handle.resolve(fakeHandle(256, released));
    await assert.rejects(ready, (error: unknown) => {
      assert.ok(error instanceof AttributeError);
      assert.equal(error.attribute, 'model-src');
      assert.match(error.message, /takes 256 cells, but grid-size 8 needs 64/);
      return true;
    });
    assert.deepEqual(released, ['model']);
    assert.equal(model.ready, false);
  });

  it('tries again after a failed load', async () => {
    const { model, openings } = setup();
    const failed = model.open(request());
    openings[0].handle.reject(new Error('404'));
    await assert.rejects(failed, /404/);
    const again = model.open(request());
    assert.equal(openings.length, 2);
    openings[1].handle.resolve(fakeHandle(64, []));
    await again;
    assert.equal(model.ready, true);
  });
});
