import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { nextEvent, watchWorkerFetches } from './support.js';

// A browser whose page has WebGPU but whose workers do not: the runtime worker starts without `navigator.gpu`.
const fetches = watchWorkerFetches('delete WorkerNavigator.prototype.gpu;');

describe('WebGPU missing from workers', function () {
  this.timeout(120_000);

  it('runs on wasm in the runtime worker, says why, and fetches no WebGPU build', async () => {
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="webgpu" mask=${'1'.repeat(64)}></square-inpainter>`);
    const inpainted = nextEvent(element, 'inpaint');
    const load = await nextEvent(element, 'load');
    expect(load.detail).to.include({ backend: 'wasm', reason: 'this browser offers no WebGPU to workers, where the runtime runs' });
    expect(load.detail.adapter).to.be.a('string');
    expect((await inpainted).detail.backend).to.equal('wasm');
    const names = (await fetches()).filter((url) => url.includes('/ort/')).map((url) => url.slice(url.lastIndexOf('/') + 1));
    expect(names).to.include.members(['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm']);
    expect(names.filter((name) => /jspi|asyncify|webgpu/.test(name))).to.deep.equal([]);
  });
});
