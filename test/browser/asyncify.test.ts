import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { nextEvent, watchWorkerFetches } from './support.js';

// A browser without JSPI: before anything on this page loads onnxruntime-web, WebAssembly.Suspending goes.
delete (WebAssembly as { Suspending?: unknown }).Suspending;

const fetches = watchWorkerFetches();
// Fetched by the page (the wasm, the worker's script) or by the runtime worker (the build's module).
const ortFiles = async () => (await fetches()).filter((url) => url.includes('/ort/')).map((url) => url.slice(url.lastIndexOf('/') + 1));

describe('WebGPU without JSPI', function () {
  this.timeout(240_000);

  it('loads the asyncify WebGPU build, and only it, and fills on WebGPU', async () => {
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="webgpu" decoding="one-shot" mask=${'1'.repeat(64)}></square-inpainter>`);
    const inpainted = nextEvent(element, 'inpaint', 240_000);
    expect((await nextEvent(element, 'load', 240_000)).detail.backend).to.equal('webgpu');
    expect((await inpainted).detail.backend).to.equal('webgpu');
    expect(await ortFiles()).to.have.members(['square-inpainter-worker.js', 'ort.webgpu.bundle.min.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']);
  });
});
