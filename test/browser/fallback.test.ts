import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { nextEvent, watchWorkerFetches } from './support.js';

type Gpu = { requestAdapter(): Promise<unknown> };
const gpu = (navigator as Navigator & { gpu?: Gpu }).gpu!;
const realRequestAdapter = gpu.requestAdapter;

// The runtime worker's WebGPU has an adapter that is not one, like the page's in the last test: onnxruntime-web,
// which runs in the worker, fails to start WebGPU on it.
const fetches = watchWorkerFetches('navigator.gpu && (navigator.gpu.requestAdapter = async () => ({}));');
// Each file once, fetched by the page (the worker's script) or by the runtime worker (the build's module, the wasm).
const ortFiles = async () =>
  [...new Set((await fetches()).filter((url) => url.includes('/ort/')).map((url) => url.slice(url.lastIndexOf('/') + 1)))];

describe('WebGPU fallback', function () {
  this.timeout(120_000);

  // Before anything on this page loads onnxruntime-web: WebGPU exists but offers no adapter.
  before(() => {
    gpu.requestAdapter = async () => null;
  });
  after(() => {
    gpu.requestAdapter = realRequestAdapter;
  });

  it('falls back to wasm when WebGPU has no adapter', async () => {
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" mask=${'1'.repeat(64)}></square-inpainter>`);
    const inpainted = nextEvent(element, 'inpaint');
    expect((await nextEvent(element, 'load')).detail.backend).to.equal('wasm');
    expect((await inpainted).detail.backend).to.equal('wasm');
  });

  it('falls back to wasm when webgpu is asked for but has no adapter', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="16" backend="webgpu" mask=${'1'.padEnd(256, '0')}></square-inpainter>`);
    const load = await nextEvent(element, 'load');
    expect(load.detail).to.include({ backend: 'wasm', adapter: null, reason: 'no WebGPU adapter on this page' });
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.not.match(/Error/);
  });

  it('loads only the WASM build and the plain wasm on a page that runs on WASM', async () => {
    expect(await ortFiles()).to.have.members(['square-inpainter-worker.js', 'ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm']);
    const offOrigin = (await fetches()).filter((url) => new URL(url).origin !== location.origin);
    expect(offOrigin, 'requests to other origins').to.deep.equal([]);
  });

  it('falls back to wasm when the WebGPU session fails to create', async () => {
    // An adapter that is not one: the element tries WebGPU, onnxruntime-web fails to start it.
    gpu.requestAdapter = async () => ({});
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="webgpu" mask=${'1'.repeat(64)}></square-inpainter>`);
    const inpainted = nextEvent(element, 'inpaint');
    const load = await nextEvent(element, 'load');
    expect(load.detail.backend).to.equal('wasm');
    expect(load.detail.reason).to.match(/failed .*fell back to WASM/);
    expect((await inpainted).detail.backend).to.equal('wasm');
    // This Chromium has JSPI, so the WebGPU build it tried is the JSPI one.
    expect(await ortFiles()).to.include('ort.jspi.bundle.min.mjs');
  });
});
