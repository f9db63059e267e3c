import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { InpaintDetail, SquareInpainter } from '../../src/index.js';
import { exactPosterior } from '../../src/posterior.js';
import { maskCase, MASK_FAMILIES, type MaskCase } from '../../training/mask-families.js';
import { cellString, cellsOf, modelUrl, nextEvent, watchUnhandledRejections } from './support.js';

const rejections = watchUnhandledRejections();
const uncaught: string[] = [];
window.addEventListener('error', (event) => uncaught.push(String(event.message)));

/** Checks a one-shot fill against the exact posterior: visible cells kept, every certain hidden cell right. */
function expectRight(detail: InpaintDetail, testCase: MaskCase, label: string): void {
  const { gridSize, pixels, mask } = testCase;
  const filled = cellsOf(detail.pixels);
  const exact = exactPosterior(gridSize, pixels, mask).probabilities;
  for (let cell = 0; cell < gridSize * gridSize; cell++) {
    if (!mask[cell]) expect(filled[cell], `${label}: visible cell ${cell}`).to.equal(pixels[cell]);
    else if (exact[cell] === 0 || exact[cell] === 1) expect(filled[cell], `${label}: certain cell ${cell}`).to.equal(exact[cell]);
  }
}

/** WebGPU's probabilities per round and grid size, which the WASM test compares its own against. */
const webgpuResults = new Map<string, Float32Array>();

// Both sizes on WebGPU, held to WASM's numbers case by case: with inference.test.ts's 8×8 block, this is the
// 16×16 model's WebGPU test (each page's first WebGPU session on SwiftShader costs about ten seconds of both cores).
for (const backend of ['webgpu', 'wasm'] as const) {
  describe(`two models on one page, ${backend}`, function () {
    this.timeout(300_000);

    it(`loads an 8×8 and a 16×16 model created at once, both on ${backend}, and fills both at the same time, right every round`, async () => {
      const wrapper = await fixture<HTMLElement>(html`
        <div>
          <square-inpainter grid-size="8" backend=${backend} decoding="one-shot" mask=${'1'.padEnd(64, '0')}></square-inpainter>
          <square-inpainter grid-size="16" backend=${backend} decoding="one-shot" mask=${'1'.padEnd(256, '0')}></square-inpainter>
        </div>
      `);
      const elements = [...wrapper.querySelectorAll('square-inpainter')] as SquareInpainter[];
      const loads = await Promise.all(elements.map((element) => nextEvent(element, 'load', 240_000)));
      expect(loads.map((load) => load.detail.backend)).to.deep.equal([backend, backend]);

      const rounds = backend === 'webgpu' ? 2 : 6;
      for (let round = 0; round < rounds; round++) {
        const family = MASK_FAMILIES[round % MASK_FAMILIES.length];
        const cases = elements.map((element) => maskCase(family, element.gridSize, 500 + round));
        // Both inputs change in the same task: both fills run at once, queued on the one runtime.
        const fills = elements.map((element, i) => {
          const filled = nextEvent(element, 'inpaint', 240_000);
          element.pixels = cellString(cases[i].pixels);
          element.mask = cellString(cases[i].mask);
          return filled;
        });
        const details = await Promise.all(fills);
        details.forEach(({ detail }, i) => {
          const label = `round ${round}, ${cases[i].gridSize}×${cases[i].gridSize} ${family}`;
          expect(detail.backend).to.equal(backend);
          expectRight(detail, cases[i], label);
          const key = `${round} ${cases[i].gridSize}`;
          if (backend === 'webgpu') webgpuResults.set(key, detail.probabilities);
          else if (webgpuResults.has(key)) {
            const webgpu = webgpuResults.get(key)!;
            const gap = Math.max(...detail.probabilities.map((p, cell) => Math.abs(p - webgpu[cell])));
            expect(gap, `${label}: WebGPU against WASM`).to.be.below(1e-3);
          }
        });
      }
      for (const element of elements) {
        expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(new RegExp(`^Filled on ${backend}`));
      }
      if (backend === 'wasm') expect(webgpuResults.size, 'WebGPU results to compare with').to.equal(4);
      expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]);
      expect(uncaught, 'uncaught errors').to.deep.equal([]);
    });
  });
}

describe('an 8×8 figure beside a 16×16 one that loads, wasm', function () {
  this.timeout(300_000);

  it("reports each fill's own time in durationMs and its wait for the 16×16 model's loading in queuedMs", async () => {
    // The 8×8 model may still be open from the test above (a session outlives its last element by 5 s): then
    // `load` comes before this line could listen for it, and inpaint() waits for the model either way.
    const small = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" decoding="one-shot"></square-inpainter>`);
    await small.inpaint();
    const cases = Array.from({ length: 8 }, (_, i) => maskCase('rectangles', 8, 700 + i));
    /** One fill of the i-th case: its detail, and the time from setting the inputs to the result. */
    const fill = async (i: number) => {
      const testCase = cases[i % cases.length];
      const started = performance.now();
      small.pixels = cellString(testCase.pixels);
      small.mask = cellString(testCase.mask);
      const detail = await small.inpaint();
      return { ...detail, wallMs: performance.now() - started };
    };
    const alone: Awaited<ReturnType<typeof fill>>[] = [];
    for (let i = 0; i < cases.length; i++) alone.push(await fill(i));

    // The 16×16 figure joins the page: its model downloads, then its session is created and warmed up in the
    // runtime worker the 8×8 one uses, while the 8×8 one fills back to back.
    const large = document.createElement('square-inpainter');
    large.setAttribute('grid-size', '16');
    large.setAttribute('backend', 'wasm');
    // A URL of its own: a 16×16 session kept open from the test above would load nothing.
    large.setAttribute('model-src', `${modelUrl(16)}?beside-8`);
    // A hidden cell: with nothing hidden the element loads no model.
    large.setAttribute('mask', '1'.padEnd(256, '0'));
    let loaded = false;
    const largeLoaded = nextEvent(large, 'load', 240_000).then(() => (loaded = true));
    small.after(large);
    const beside: typeof alone = [];
    for (let i = 0; !loaded && i < 1000; i++) beside.push(await fill(i));
    await largeLoaded;

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const summary = (fills: typeof alone) =>
      `durationMs ${fills.map((f) => f.durationMs.toFixed(1)).join(' ')}; queuedMs ${fills.map((f) => f.queuedMs.toFixed(1)).join(' ')}`;
    console.log(`8×8 fills alone: ${summary(alone)}\n8×8 fills while the 16×16 model loaded: ${summary(beside)}`);
    console.log(`median durationMs beside ÷ alone: ${(median(beside.map((f) => f.durationMs)) / median(alone.map((f) => f.durationMs))).toFixed(2)}`);
    expect(beside.length, 'fills while the 16×16 model loaded').to.be.at.least(1);
    for (const { durationMs, queuedMs, wallMs } of [...alone, ...beside]) {
      expect(durationMs).to.be.at.least(0);
      expect(queuedMs).to.be.at.least(0);
      // The two make up the request's time from its model to its result, which the page's wall time holds.
      expect(durationMs + queuedMs, 'durationMs + queuedMs').to.be.at.most(wallMs + 1);
    }
    // The fill that waited longest (for the 16×16 model's creation: synchronous wasm work on the worker's thread)
    // has that wait in queuedMs: its durationMs is no more than the slowest fill's of the 8×8 figure alone.
    const waited = beside.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
    expect(waited.durationMs, `durationMs of the fill that waited ${waited.wallMs.toFixed(0)} ms`).to.be.at.most(
      Math.max(...alone.map((f) => f.durationMs), waited.wallMs / 2),
    );
    expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]);
    expect(uncaught, 'uncaught errors').to.deep.equal([]);
  });
});
