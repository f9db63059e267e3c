import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { ErrorDetail, SquareInpainter } from '../../src/index.js';
import { nextEvent, settle, watchUnhandledRejections } from './support.js';

const rejections = watchUnhandledRejections();

interface BadInput {
  name: string;
  attributes: Record<string, string>;
  attribute: string;
  type?: ErrorDetail['type'];
  /** What the message must say: the attribute and the expected form. */
  message: RegExp[];
  /** Attributes that fix it (null removes one). */
  fix: Record<string, string | null>;
}

const BAD_INPUTS: BadInput[] = [
  {
    name: 'a grid size with no bundled model',
    attributes: { 'grid-size': '12' },
    attribute: 'grid-size',
    message: [/grid-size/, /8 or 16/, /model-src/],
    fix: { 'grid-size': '8' },
  },
  {
    name: 'a grid size that is not an integer',
    attributes: { 'grid-size': '8.5' },
    attribute: 'grid-size',
    message: [/grid-size/, /integer/, /"8\.5"/],
    fix: { 'grid-size': '8' },
  },
  {
    name: 'a grid size that is not a number',
    attributes: { 'grid-size': 'big' },
    attribute: 'grid-size',
    message: [/grid-size/, /integer/, /"big"/],
    fix: { 'grid-size': null },
  },
  {
    name: 'pixels of the wrong length',
    attributes: { 'grid-size': '8', pixels: '0101' },
    attribute: 'pixels',
    message: [/pixels/, /64 characters 0 or 1/, /got 4/],
    fix: { pixels: '0'.repeat(64) },
  },
  {
    name: 'pixels with other characters',
    attributes: { 'grid-size': '8', pixels: '0'.repeat(10) + 'x' + '0'.repeat(53) },
    attribute: 'pixels',
    message: [/pixels/, /64 characters 0 or 1/, /"x"/],
    fix: { pixels: '' },
  },
  {
    name: 'a mask of the wrong length',
    attributes: { 'grid-size': '8', mask: '1'.repeat(65) },
    attribute: 'mask',
    message: [/mask/, /64 characters 0 or 1/, /got 65/],
    fix: { mask: '1'.repeat(64) },
  },
  {
    name: 'a mask with other characters',
    attributes: { 'grid-size': '8', mask: '2'.repeat(64) },
    attribute: 'mask',
    message: [/mask/, /64 characters 0 or 1/, /"2"/],
    fix: { mask: '1'.padEnd(64, '0') },
  },
  {
    name: 'a model-src that 404s',
    attributes: { 'grid-size': '8', 'model-src': '/models/no-such-model.onnx' },
    attribute: 'model-src',
    type: 'model-load',
    message: [/model-src/, /no-such-model\.onnx/, /404/],
    fix: { 'model-src': '/models/square-inpainter-8.onnx' },
  },
  {
    name: 'a model-src that is not ONNX',
    attributes: { 'grid-size': '8', 'model-src': '/package.json' },
    attribute: 'model-src',
    type: 'model-load',
    message: [/model-src/, /package\.json/, /not an ONNX model/],
    fix: { 'model-src': null },
  },
  {
    name: 'a model-src whose model is for another grid size',
    attributes: { 'grid-size': '8', 'model-src': '/models/square-inpainter-16.onnx' },
    attribute: 'model-src',
    message: [/model-src/, /256 cells/, /grid-size 8 needs 64/],
    fix: { 'grid-size': '16' },
  },
  {
    name: 'an unknown backend',
    attributes: { 'grid-size': '8', backend: 'cuda' },
    attribute: 'backend',
    message: [/backend/, /auto, webgpu, wasm/, /"cuda"/],
    fix: { backend: 'wasm' },
  },
  {
    name: 'an unknown decoding',
    attributes: { 'grid-size': '8', decoding: 'greedy' },
    attribute: 'decoding',
    message: [/decoding/, /iterative, one-shot, sample/, /"greedy"/],
    fix: { decoding: 'sample' },
  },
  {
    name: 'steps that are not a positive integer',
    attributes: { 'grid-size': '8', steps: '0' },
    attribute: 'steps',
    message: [/steps/, /integer from 1/, /"0"/],
    fix: { steps: '4' },
  },
  {
    name: 'a seed that is not an integer',
    attributes: { 'grid-size': '8', decoding: 'sample', seed: '1.5' },
    attribute: 'seed',
    message: [/seed/, /integer from 0/, /"1\.5"/],
    fix: { seed: '7' },
  },
];

/** One hidden cell for a grid of `gridSize` (16 when it is not a number): with nothing hidden no model loads. */
function oneHidden(gridSize: string | null | undefined): string {
  return '1'.padEnd((Number(gridSize) || 16) ** 2, '0');
}

describe('bad input', function () {
  this.timeout(120_000);

  afterEach(() => expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]));

  for (const bad of BAD_INPUTS) {
    it(`reports ${bad.name} in an error event and recovers when it is fixed`, async () => {
      const element = document.createElement('square-inpainter');
      element.backend = 'wasm';
      element.setAttribute('mask', oneHidden(bad.attributes['grid-size']));
      for (const [name, value] of Object.entries(bad.attributes)) element.setAttribute(name, value);
      const errored = nextEvent(element, 'error');
      const inpaints: Event[] = [];
      element.addEventListener('inpaint', (event) => inpaints.push(event));
      await fixture(html`<div></div>`).then((parent) => parent.append(element));
      const { detail } = await errored;
      expect(detail.type).to.equal(bad.type ?? 'invalid-attribute');
      expect(detail.attribute).to.equal(bad.attribute);
      for (const pattern of bad.message) expect(detail.message).to.match(pattern);
      expect(inpaints, 'no result for a bad input').to.have.length(0);
      // The event comes first, the status line with the update it asked for.
      await element.updateComplete;
      const status = element.shadowRoot!.querySelector('[part~="status"]')!;
      expect(status.textContent).to.contain(detail.message);
      // No grid is drawn yet: the message takes the width it needs, not a column one word wide.
      expect(status.getBoundingClientRect().width).to.be.above(200);

      const recovered = nextEvent(element, 'inpaint');
      if ('grid-size' in bad.fix) element.setAttribute('mask', oneHidden(bad.fix['grid-size']));
      for (const [name, value] of Object.entries(bad.fix)) {
        if (value === null) element.removeAttribute(name);
        else element.setAttribute(name, value);
      }
      const result = await recovered;
      expect(result.detail.pixels).to.match(/^[01]+$/);
      await element.updateComplete;
      expect(status.textContent).to.match(/^Filled on wasm/);
      await settle(100);
    });
  }

  it('rejects inpaint() with the same error, and the error event does not bubble to window', async () => {
    const windowErrors: Event[] = [];
    const onWindowError = (event: Event) => windowErrors.push(event);
    window.addEventListener('error', onWindowError);
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" mask="012"></square-inpainter>`);
    const errored = nextEvent(element, 'error');
    let rejection: unknown;
    await element.inpaint().catch((error) => (rejection = error));
    expect((rejection as Error).message).to.equal((await errored).detail.message);
    window.removeEventListener('error', onWindowError);
    expect(windowErrors).to.have.length(0);
  });
});
