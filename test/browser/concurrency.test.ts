import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { InpaintDetail, SquareInpainter } from '../../src/index.js';
import { exactPosterior } from '../../src/posterior.js';
import { maskCase, MASK_FAMILIES, type MaskCase } from '../../training/mask-families.js';
import { cellString, cellsOf, nextEvent, watchUnhandledRejections } from './support.js';

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

      const rounds = backend === 'webgpu' ? 3 : 6;
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
          expect(detail.backend).to.equal(backend);
          expectRight(detail, cases[i], `round ${round}, ${cases[i].gridSize}×${cases[i].gridSize} ${family}`);
        });
      }
      for (const element of elements) {
        expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(new RegExp(`^Filled on ${backend}`));
      }
      expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]);
      expect(uncaught, 'uncaught errors').to.deep.equal([]);
    });
  });
}
