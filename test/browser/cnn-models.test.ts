// The demo's CNN baselines (demo/models/, shipped in the npm package as dist/baselines/) behind `model-src`: a model that follows the
// contract works like the bundled one, whatever its architecture.
import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { exactPosterior } from '../../src/posterior.js';
import { MASK_FAMILIES, maskCase } from '../../training/mask-families.js';
import { cellString, cellsOf, nextEvent } from './support.js';

interface DemoModel {
  name: string;
  gridSize: number;
  file: string;
  parity: { fixture: string };
  evaluation: { overall: { meanAbsError: number } };
}

interface ParityFixture {
  gridSize: number;
  batch: number;
  tokens: number[];
  logits: number[];
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const { models } = await getJson<{ models: DemoModel[] }>('/demo/models/manifest.json');

/** A CNN element on WASM, listening before it is in the document so that `load` cannot pass unheard. */
async function cnnElement(model: DemoModel, modelUrl: string) {
  const element = fixtureSync<SquareInpainter>(
    html`<square-inpainter grid-size=${model.gridSize} backend="wasm" decoding="one-shot" model-src=${modelUrl}
      mask=${'1'.padEnd(model.gridSize ** 2, '0')}></square-inpainter>`,
  );
  const load = await nextEvent(element, 'load');
  return { element, load };
}

describe('the demo\'s CNN models as model-src', () => {
  it('lists the local and the dilated CNN for 8×8 and 16×16', () => {
    expect(models.map((model) => model.name).sort()).to.deep.equal(['cnn-global-16', 'cnn-global-8', 'cnn-local-16', 'cnn-local-8']);
  });
});

for (const model of models) {
  const n = model.gridSize;
  const modelUrl = new URL(`/demo/models/${model.file}`, location.href).href;

  describe(`demo/models/${model.file} on wasm`, function () {
    this.timeout(300_000);

    it('loads, fills every hidden cell with iterative decoding and keeps the visible ones', async () => {
      const { element, load } = await cnnElement(model, modelUrl);
      expect(load.detail).to.include({ backend: 'wasm', gridSize: n, modelUrl });
      const testCase = maskCase('corner', n, 5);
      element.decoding = 'iterative';
      element.pixels = cellString(testCase.pixels);
      element.mask = cellString(testCase.mask);
      const detail = await element.inpaint();
      expect(detail.backend).to.equal('wasm');
      expect(detail.decoding).to.equal('iterative');
      expect(detail.runs).to.be.at.least(1);
      expect(detail.pixels).to.match(new RegExp(`^[01]{${n * n}}$`));
      const completed = cellsOf(detail.pixels);
      for (let cell = 0; cell < n * n; cell++) {
        if (!testCase.mask[cell]) {
          expect(completed[cell], `visible cell ${cell}`).to.equal(testCase.pixels[cell]);
          expect(detail.probabilities[cell], `visible cell ${cell}`).to.equal(testCase.pixels[cell]);
        }
      }
      await element.updateComplete;
      const filled = element.shadowRoot!.querySelectorAll('[part~="cell-filled"]');
      expect(filled.length, 'cells drawn as filled').to.equal(testCase.mask.reduce((a, b) => a + b, 0));
    });

    it('answers as the PyTorch checkpoint did for its parity fixture', async () => {
      const fixture = await getJson<ParityFixture>(`/${model.parity.fixture}`);
      expect(fixture.gridSize).to.equal(n);
      const { element } = await cnnElement(model, modelUrl);
      let compared = 0;
      for (let b = 0; b < fixture.batch; b++) {
        const tokens = fixture.tokens.slice(b * n * n, (b + 1) * n * n);
        element.pixels = cellString(tokens.map((token) => (token === 1 ? 1 : 0)));
        element.mask = cellString(tokens.map((token) => (token === 2 ? 1 : 0)));
        const detail = await element.inpaint();
        for (let cell = 0; cell < n * n; cell++) {
          if (tokens[cell] !== 2) continue;
          const [black, white] = fixture.logits.slice(2 * (b * n * n + cell), 2 * (b * n * n + cell) + 2);
          const expected = 1 / (1 + Math.exp(black - white));
          expect(Math.abs(detail.probabilities[cell] - expected), `image ${b}, cell ${cell}`).to.be.below(1e-4);
          compared++;
        }
      }
      expect(compared).to.be.greaterThan(n * n);
    });

    it('errs against the exact posterior as much as npm run evaluate measured', async () => {
      const measured = model.evaluation.overall.meanAbsError;
      // Room for a small sample of cases, as test/browser/inference.test.ts allows the bundled models.
      const tolerance = Math.max(0.1, 3 * measured);
      const { element } = await cnnElement(model, modelUrl);
      let errorSum = 0;
      let hiddenCount = 0;
      for (const family of MASK_FAMILIES) {
        for (const seed of [21, 22, 23]) {
          const testCase = maskCase(family, n, seed * 100 + n);
          element.pixels = cellString(testCase.pixels);
          element.mask = cellString(testCase.mask);
          const detail = await element.inpaint();
          const exact = exactPosterior(n, testCase.pixels, testCase.mask);
          expect(exact.fits, `${family} ${seed}: the true square fits`).to.be.at.least(1);
          for (let cell = 0; cell < n * n; cell++) {
            if (!testCase.mask[cell]) continue;
            errorSum += Math.abs(detail.probabilities[cell] - exact.probabilities[cell]);
            hiddenCount++;
          }
        }
      }
      expect(hiddenCount).to.be.greaterThan(0);
      expect(errorSum / hiddenCount, `mean abs error (measured ${measured})`).to.be.at.most(tolerance);
    });
  });
}
