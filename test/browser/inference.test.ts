import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import { DEFAULT_STEPS } from '../../src/decoding.js';
import { isSquare } from '../../src/grid.js';
import type { InpaintDetail, SquareInpainter } from '../../src/index.js';
import { ImageSet } from '../../src/image-set.js';
import { exactPosterior } from '../../src/posterior.js';
import { MASK_FAMILIES, maskCase, type MaskCase } from '../../training/mask-families.js';
import { cellString, cellsOf, manifestEntry, modelUrl, nextEvent } from './support.js';

const GRID_SIZES = [8, 16];
const SEEDS = [11, 12];

function casesFor(gridSize: number, seeds = SEEDS): MaskCase[] {
  return MASK_FAMILIES.flatMap((family) => seeds.map((seed) => maskCase(family, gridSize, seed * 1000 + gridSize)));
}

async function inpaintCase(element: SquareInpainter, testCase: MaskCase, decoding: 'one-shot' | 'iterative'): Promise<InpaintDetail> {
  element.decoding = decoding;
  element.pixels = cellString(testCase.pixels);
  element.mask = cellString(testCase.mask);
  return element.inpaint();
}

/** One-shot results per case on wasm, to compare WebGPU against. */
const wasmResults = new Map<string, Float32Array>();

// WebGPU at 8×8 here; the 16×16 model's WebGPU test is concurrency.test.ts's, held to WASM case by case there.
// Each page's first WebGPU session on SwiftShader costs about ten seconds of both cores.
for (const backend of ['wasm', 'webgpu'] as const) {
  for (const gridSize of backend === 'wasm' ? GRID_SIZES : [8]) {
    describe(`real inference on ${backend}, ${gridSize}×${gridSize}`, function () {
      this.timeout(300_000);
      let element: SquareInpainter;
      let tolerance: number;
      let certainAgreement: number;
      let validIterative: number | undefined;

      before(async () => {
        const entry = await manifestEntry(gridSize);
        // The model's measured error on the held-out set, with room for a small sample of cases.
        const measured = entry.evaluation?.overall?.meanAbsError;
        expect(measured, `models/manifest.json: evaluation.overall.meanAbsError for ${gridSize}`).to.be.a('number');
        tolerance = Math.max(0.1, 3 * measured!);
        certainAgreement = entry.evaluation?.overall?.certainAgreement ?? 1;
        validIterative = entry.evaluation?.decoding?.overall?.iterative?.valid;
        // Not a fixture: fixtures are removed after each test, and this element serves the whole block.
        element = document.createElement('square-inpainter');
        element.gridSize = gridSize;
        element.backend = backend;
        element.decoding = 'one-shot';
        // A hidden cell: with nothing hidden the element loads no model.
        element.mask = '1'.padEnd(gridSize * gridSize, '0');
        // WebGPU's first session on a page (SwiftShader) takes a minute on a busy machine: as long as the others here.
        const loaded = nextEvent(element, 'load', 240_000);
        document.body.append(element);
        const load = await loaded;
        expect(load.detail.backend).to.equal(backend);
        expect(load.detail.gridSize).to.equal(gridSize);
      });

      after(() => element?.remove());

      it('matches the exact posterior within the model\'s measured error, and gets every certain cell right', async () => {
        let errorSum = 0;
        let hiddenCount = 0;
        let certainCount = 0;
        const certainWrong: string[] = [];
        // WebGPU one seed per family, each case held to WASM's numbers below (SwiftShader's runs cost both cores).
        for (const testCase of casesFor(gridSize, backend === 'wasm' ? SEEDS : SEEDS.slice(0, 1))) {
          const name = `${testCase.family} (square ${JSON.stringify(testCase.square)})`;
          const detail = await inpaintCase(element, testCase, 'one-shot');
          const exact = exactPosterior(gridSize, testCase.pixels, testCase.mask).probabilities;
          const completed = cellsOf(detail.pixels);
          expect(detail.backend, name).to.equal(backend);
          expect(detail.mask, name).to.equal(cellString(testCase.mask));
          expect(detail.runs, name).to.equal(1);
          let caseError = 0;
          let caseHidden = 0;
          for (let cell = 0; cell < gridSize * gridSize; cell++) {
            const p = detail.probabilities[cell];
            if (!testCase.mask[cell]) {
              expect(p, `${name}: visible cell ${cell}`).to.equal(testCase.pixels[cell]);
              expect(completed[cell], `${name}: visible cell ${cell}`).to.equal(testCase.pixels[cell]);
              continue;
            }
            caseError += Math.abs(p - exact[cell]);
            caseHidden++;
            expect(completed[cell], `${name}: one-shot is the argmax`).to.equal(p >= 0.5 ? 1 : 0);
            if (exact[cell] === 0 || exact[cell] === 1) {
              certainCount++;
              if (completed[cell] !== exact[cell]) certainWrong.push(`${name} cell ${cell}: P=${p.toFixed(3)}`);
            }
          }
          errorSum += caseError;
          hiddenCount += caseHidden;
          if (caseHidden > 0) {
            expect(caseError / caseHidden, `${name}: mean abs error`).to.be.at.most(Math.max(0.25, 2 * tolerance));
          }
          const key = `${gridSize} ${name}`;
          if (backend === 'wasm') wasmResults.set(key, detail.probabilities);
          else if (wasmResults.has(key)) {
            const wasm = wasmResults.get(key)!;
            const gap = Math.max(...detail.probabilities.map((p, cell) => Math.abs(p - wasm[cell])));
            expect(gap, `${name}: WebGPU against WASM`).to.be.below(1e-3);
          }
        }
        expect(certainCount).to.be.greaterThan(0);
        // The model's measured miss rate on certain cells, with the same room as the error; on this many
        // cells that allows none for a model at the 99.9% target.
        const allowed = Math.floor(certainCount * (1 - certainAgreement) * 3);
        expect(certainWrong.length, `certain cells the model got wrong: ${certainWrong.join('; ')}`).to.be.at.most(allowed);
        expect(errorSum / hiddenCount, 'mean abs error over all hidden cells').to.be.at.most(tolerance);
      });

      // Iterative decoding is the same code on every backend, and one-shot above holds WebGPU to WASM's numbers on
      // every case: WebGPU, whose runs on SwiftShader take about 100 times as long as WASM's, runs one seed per family.
      const iterativeSeeds = backend === 'wasm' ? SEEDS : SEEDS.slice(0, 1);
      it('keeps every visible cell and gives valid squares as often as measured with iterative decoding', async () => {
        const cases = casesFor(gridSize, iterativeSeeds);
        const invalid: string[] = [];
        for (const testCase of cases) {
          const detail = await inpaintCase(element, testCase, 'iterative');
          const completed = cellsOf(detail.pixels);
          const name = `${testCase.family} (square ${JSON.stringify(testCase.square)})`;
          if (!isSquare(completed, gridSize)) invalid.push(`${name}: ${detail.pixels}`);
          for (let cell = 0; cell < gridSize * gridSize; cell++) {
            if (!testCase.mask[cell]) expect(completed[cell], `${name}: visible cell ${cell}`).to.equal(testCase.pixels[cell]);
          }
          expect(detail.decoding).to.equal('iterative');
          expect(detail.runs).to.be.within(1, DEFAULT_STEPS);
        }
        // The share of valid squares `npm run evaluate` measured for this model (the target is 99.5%), less
        // three binomial standard deviations for this small sample.
        const measured = validIterative ?? 0.995;
        const floor = measured - 3 * Math.sqrt((measured * (1 - measured)) / cases.length);
        const valid = 1 - invalid.length / cases.length;
        expect(valid, `valid iterative squares (measured ${measured}); invalid: ${invalid.join('; ')}`).to.be.at.least(floor);
      });
    });
  }
}

describe('backend auto', () => {
  const gpu = () => (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> } }).gpu;

  it('takes WASM over the software fallback adapter this Chromium offers (SwiftShader)', async () => {
    const adapter = await gpu()?.requestAdapter();
    expect(adapter, 'this Chromium has no WebGPU adapter: check --enable-unsafe-webgpu').to.be.ok;
    expect(adapter!.info?.isFallbackAdapter, 'SwiftShader reports itself as a fallback adapter').to.equal(true);
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" mask=${'1'.padEnd(64, '0')}></square-inpainter>`);
    const load = await nextEvent(element, 'load');
    expect(load.detail.backend).to.equal('wasm');
    expect(load.detail.adapter).to.be.a('string');
    expect(load.detail.reason).to.match(/software fallback/);
  });

  it('runs on WebGPU where the adapter is a hardware one', async () => {
    const real = gpu()!.requestAdapter;
    // The same SwiftShader adapter, reporting itself as hardware: what a page on a real GPU sees.
    gpu()!.requestAdapter = async function (this: unknown) {
      const adapter = await real.call(this);
      if (!adapter) return adapter;
      return new Proxy(adapter, {
        get: (target, key) => {
          if (key === 'info') return { ...target.info, isFallbackAdapter: false };
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    try {
      // A model URL of its own: the registry keeps the WebGPU sessions of the blocks above open for a few seconds
      // after their elements go, and an element of the same model would share one instead of creating its own.
      const element = fixtureSync<SquareInpainter>(
        html`<square-inpainter grid-size="8" model-src=${`${modelUrl(8)}?backend-auto`} mask=${'1'.padEnd(64, '0')}></square-inpainter>`,
      );
      const load = await nextEvent(element, 'load');
      expect(load.detail.backend).to.equal('webgpu');
      expect(load.detail.reason).to.match(/^WebGPU on the adapter/);
    } finally {
      gpu()!.requestAdapter = real;
    }
  });
});

// The rectangles prior's bundled models, on this page after the squares' WebGPU block: the same architecture (the
// 16×16 model's 2×2 patches give it the 8×8 model's 64 tokens), so WebGPU reuses the kernels that block compiled.
// Every certain cell is checked against the exact answer over the rectangles (src/image-set.ts: 625 at 8×8, 13,689
// at 16×16), and `fits` against its count.
describe('the rectangles prior', function () {
  this.timeout(300_000);

  for (const gridSize of [8, 16]) {
    const cells = gridSize * gridSize;
    const rectangles = ImageSet.rectangles(gridSize);
    // WebGPU one seed per family, as for the squares.
    const casesOn = (backend: 'wasm' | 'webgpu') =>
      MASK_FAMILIES.flatMap((family) =>
        (backend === 'wasm' ? SEEDS : SEEDS.slice(0, 1)).map((seed) => maskCase(family, gridSize, seed * 1000 + gridSize, rectangles.images())),
      );

    for (const backend of ['wasm', 'webgpu'] as const) {
      it(`fills rectangles at ${gridSize}×${gridSize} on ${backend}: visible cells kept, every certain cell right, fits counted`, async () => {
        const entry = await manifestEntry(gridSize, 'rectangles');
        const tolerance = Math.max(0.1, 3 * (entry.evaluation?.overall?.meanAbsError ?? 0.1));
        const element = fixtureSync<SquareInpainter>(
          html`<square-inpainter grid-size=${gridSize} prior="rectangles" backend=${backend} decoding="one-shot" mask=${'1'.padEnd(cells, '0')}></square-inpainter>`,
        );
        const load = await nextEvent(element, 'load', 240_000);
        expect(load.detail.backend).to.equal(backend);
        let errorSum = 0;
        let hidden = 0;
        for (const testCase of casesOn(backend)) {
          const name = `${testCase.family} ${JSON.stringify(testCase.box)}`;
          const detail = await inpaintCase(element, testCase, 'one-shot');
          const exact = rectangles.posterior(testCase.pixels, testCase.mask);
          expect(detail.fits, name).to.equal(exact.fits);
          expect(exact.fits, `${name}: the case is a rectangle`).to.be.greaterThan(0);
          const completed = cellsOf(detail.pixels);
          for (let cell = 0; cell < cells; cell++) {
            if (!testCase.mask[cell]) expect(completed[cell], `${name}: visible cell ${cell}`).to.equal(testCase.pixels[cell]);
            else {
              const p = exact.probabilities[cell];
              if (p === 0 || p === 1) expect(completed[cell], `${name}: certain cell ${cell}`).to.equal(p);
              errorSum += Math.abs(detail.probabilities[cell] - p);
              hidden++;
            }
          }
        }
        expect(errorSum / hidden, 'mean abs error over all hidden cells').to.be.at.most(tolerance);
        // Two white cells apart in the first row, black between: no rectangle fits, and the element says so in the
        // rectangle's words.
        element.pixels = '1000000100000000'.padEnd(cells, '0');
        element.mask = '0'.repeat(16).padEnd(cells, '1');
        const off = await element.inpaint();
        expect(off.fits).to.equal(0);
        await element.updateComplete;
        expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(/No single rectangle fits the visible cells$/);
      });
    }
  }

  it('reports an unknown prior as invalid-attribute naming prior, and recovers when it is fixed', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" prior="circles" backend="wasm" mask=${'1'.repeat(64)}></square-inpainter>`);
    const error = await nextEvent(element, 'error');
    expect(error.detail.type).to.equal('invalid-attribute');
    expect(error.detail.attribute).to.equal('prior');
    expect(error.detail.message).to.match(/prior must be one of squares, rectangles; got "circles"/);
    const filled = nextEvent(element, 'inpaint');
    element.prior = 'rectangles';
    // Everything hidden: every one of the prior's 625 rectangles fits.
    expect((await filled).detail.fits).to.equal(625);
  });
});

// A model trained on a page's own images (test/fixtures/user-prior/README.md: 47 crosses, the tiny SMALL recipe) and
// the image set `npm run train` published beside it: `fits` counts that set, as the package's ImageSet does.
describe('a model trained on your own images, with prior-src', function () {
  this.timeout(120_000);
  const folder = '/test/fixtures/user-prior';
  const model = `${folder}/crosses-8.onnx`;
  const images = `${folder}/crosses-8.images.json`;

  it('fills with model-src and counts fits against the published set, saying when none fits', async () => {
    const crosses = ImageSet.fromJSON(await (await fetch(images)).json());
    const [cross] = crosses.images();
    // The cross's first row hidden, and the rest: several crosses fit the first, none the second.
    const mask = '1'.repeat(8).padEnd(64, '0');
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" decoding="one-shot" model-src=${model} prior-src=${images} pixels=${cellString(cross)} mask=${mask}></square-inpainter>`,
    );
    const first = await nextEvent(element, 'inpaint', 60_000);
    const exact = crosses.posterior(cross, cellsOf(mask));
    expect(exact.fits).to.be.greaterThan(0);
    expect(first.detail.fits).to.equal(exact.fits);
    const completed = cellsOf(first.detail.pixels);
    for (let cell = 8; cell < 64; cell++) expect(completed[cell], `visible cell ${cell}`).to.equal(cross[cell]);
    // A white cell in each corner: no cross reaches two corners.
    element.pixels = '1000000100000000'.padEnd(63, '0') + '1';
    element.mask = '0'.repeat(8).padEnd(64, '1').slice(0, 63) + '0';
    const off = await element.inpaint();
    expect(off.fits).to.equal(0);
    expect(crosses.posterior(element.pixels, element.mask).fits).to.equal(0);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(/No image of the prior fits the visible cells$/);
  });

  it('reports a prior-src that does not load as model-load naming prior-src, and recovers when it is fixed', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" decoding="one-shot" model-src=${model} prior-src=${`${folder}/missing.images.json`} mask=${'1'.repeat(64)}></square-inpainter>`,
    );
    const error = await nextEvent(element, 'error', 60_000);
    expect(error.detail.type).to.equal('model-load');
    expect(error.detail.attribute).to.equal('prior-src');
    expect(error.detail.message).to.match(/^prior-src: could not fetch the image set at \S+missing\.images\.json \(HTTP 404\)/);
    // The model itself is no image set: its bytes are not JSON.
    const notASet = nextEvent(element, 'error', 60_000);
    element.priorSrc = model;
    expect((await notASet).detail.message).to.match(/^prior-src: \S+crosses-8\.onnx is not an image set as npm run train publishes one/);
    const filled = nextEvent(element, 'inpaint', 60_000);
    element.priorSrc = images;
    // Everything hidden: every image of the set fits.
    expect((await filled).detail.fits).to.equal(ImageSet.fromJSON(await (await fetch(images)).json()).size);
  });
});
