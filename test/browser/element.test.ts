import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { RELEASE_DELAY_MS } from '../../src/runtime/registry.js';
import { cellString, modelUrl, nextEvent, recordEvents, settle, watchUnhandledRejections, watchWorkerFetches } from './support.js';

const N = 8;
/** A 3×3 square at row 2, column 3, with its lower-right corner hidden. */
const truth = new Uint8Array(N * N);
for (let r = 2; r < 5; r++) for (let c = 3; c < 6; c++) truth[r * N + c] = 1;
const cornerMask = new Uint8Array(N * N);
for (let r = 3; r < 7; r++) for (let c = 4; c < 8; c++) cornerMask[r * N + c] = 1;
const pixels = truth.map((cell, i) => (cornerMask[i] ? 0 : cell));

const rejections = watchUnhandledRejections();
// The models are fetched by the runtime worker.
const fetchedUrls = watchWorkerFetches();


describe('<square-inpainter> element', function () {
  this.timeout(120_000);

  afterEach(() => expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]));

  it('fires load, then inpaint with the completed image', async () => {
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(pixels)} mask=${cellString(cornerMask)}></square-inpainter>`,
    );
    const inpainted = nextEvent(element, 'inpaint');
    const load = await nextEvent(element, 'load');
    expect(load.detail).to.deep.equal({
      backend: 'wasm',
      adapter: null,
      reason: 'backend="wasm" asks for WASM',
      gridSize: 8,
      modelUrl: modelUrl(8),
    });
    expect(load.bubbles && load.composed).to.equal(true);
    const event = await inpainted;
    const { detail } = event;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(detail.pixels).to.match(/^[01]{64}$/);
    expect(detail.mask).to.equal(cellString(cornerMask));
    expect(detail.probabilities).to.be.instanceOf(Float32Array).with.length(64);
    expect(detail.backend).to.equal('wasm');
    expect(detail.decoding).to.equal('iterative');
    expect(detail.runs).to.be.at.least(1);
    expect(detail.durationMs).to.be.a('number').and.at.least(0);
    expect(detail.queuedMs).to.be.a('number').and.at.least(0);
    for (let cell = 0; cell < N * N; cell++) {
      if (!cornerMask[cell]) expect(detail.probabilities[cell]).to.equal(pixels[cell]);
    }
  });

  it('draws visible, hidden and filled cells with parts and a label for each', async () => {
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(pixels)} mask=${cellString(cornerMask)}></square-inpainter>`,
    );
    const root = element.shadowRoot!;
    const grid = root.querySelector('[part~="grid"]')!;
    expect(grid.getAttribute('role')).to.equal('grid');
    expect(root.querySelectorAll('[part~="row"]')).to.have.length(N);
    expect(root.querySelectorAll('[part~="cell"]')).to.have.length(N * N);
    expect(root.querySelectorAll('[part~="cell-hidden"]')).to.have.length(16);
    expect(root.querySelectorAll('[part~="cell-white"]')).to.have.length(5);
    const { detail } = await nextEvent(element, 'inpaint');
    await element.updateComplete;
    const filled = [...root.querySelectorAll<HTMLElement>('[part~="cell-filled"]')];
    expect(filled).to.have.length(16);
    expect(root.querySelectorAll('[part~="cell-hidden"]')).to.have.length(0);
    const cells = [...root.querySelectorAll<HTMLElement>('[part~="cell"]')];
    const first = cells.findIndex((cell) => cell.part.contains('cell-filled'));
    const p = detail.probabilities[first];
    expect(cells[first].style.getPropertyValue('--p').trim()).to.equal(p.toFixed(3));
    expect(cells[first].getAttribute('aria-label')).to.match(/^filled (black|white), \d+% sure$/);
    // Hidden, visible and filled cells look different.
    const colour = (cell: Element) => getComputedStyle(cell).backgroundColor;
    expect(colour(root.querySelector('[part~="cell-white"]')!)).to.equal('rgb(255, 255, 255)');
    expect(colour(root.querySelector('[part~="cell-black"]')!)).to.equal('rgb(0, 0, 0)');
    expect(getComputedStyle(cells[first], '::after').content).to.not.equal('none');
    expect(root.querySelector('[part~="status"]')!.textContent).to.match(/^Filled on wasm in (<1|\d+) ms$/);
  });

  it('says when no single square fits the visible cells, and still fills', async () => {
    // A white line across row 3: no square of side 2..6 holds it, whatever the three hidden cells are.
    const line = new Uint8Array(N * N).fill(1, 3 * N, 4 * N);
    const fewHidden = new Uint8Array(N * N).fill(1, 6 * N, 6 * N + 3);
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(line)} mask=${cellString(fewHidden)}></square-inpainter>`,
    );
    const errors = recordEvents(element, 'error');
    const status = () => element.shadowRoot!.querySelector('[part~="status"]')!.textContent!;
    const { detail } = await nextEvent(element, 'inpaint');
    await element.updateComplete;
    expect(detail.fits).to.equal(0);
    expect(detail.pixels).to.match(/^[01]{64}$/);
    expect(element.shadowRoot!.querySelectorAll('[part~="cell-filled"]'), 'still filled').to.have.length(3);
    expect(status()).to.match(/^Filled on wasm in (<1|\d+) ms · No single square fits the visible cells$/);
    // All black with nothing hidden: no square either.
    let next = nextEvent(element, 'inpaint');
    element.pixels = '';
    element.mask = '';
    expect((await next).detail.fits).to.equal(0);
    await element.updateComplete;
    expect(status()).to.match(/No single square fits/);
    // A normal mask: the squares that fit, and no such text.
    next = nextEvent(element, 'inpaint');
    element.pixels = cellString(pixels);
    element.mask = cellString(cornerMask);
    const fitting = (await next).detail;
    expect(fitting.fits).to.be.at.least(1);
    await element.updateComplete;
    expect(status()).to.match(/^Filled on wasm in (<1|\d+) ms$/);
    expect(errors).to.have.length(0);
  });

  it('gives no fits for a model-src model, whose prior it does not know', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" model-src=${modelUrl(8)} mask=${'1111'.padEnd(N * N, '0')}></square-inpainter>`,
    );
    const { detail } = await nextEvent(element, 'inpaint');
    expect(detail).to.not.have.property('fits');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.not.match(/No single square/);
  });

  it('reflects grid-size set as a property, and leaves the page\'s own text alone', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter backend="wasm" grid-size="08"></square-inpainter>`);
    await element.updateComplete;
    expect(element.gridSize).to.equal(8);
    expect(element.getAttribute('grid-size'), 'as the page wrote it').to.equal('08');
    element.gridSize = 16;
    await element.updateComplete;
    expect(element.getAttribute('grid-size')).to.equal('16');
    element.gridSize = 8;
    await element.updateComplete;
    expect(element.getAttribute('grid-size')).to.equal('8');
    expect(element.matches('[grid-size="8"]')).to.equal(true);
    await nextEvent(element, 'inpaint');
  });

  it('is themed by custom properties on the host', async () => {
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" mask=${'1'.repeat(64)}
        style="--square-inpainter-cell-size: 10px; --square-inpainter-hidden: rgb(1, 2, 3)"></square-inpainter>`,
    );
    const hidden = element.shadowRoot!.querySelector('[part~="cell-hidden"]')!;
    expect(getComputedStyle(hidden).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(hidden.getBoundingClientRect().width).to.equal(10);
    await nextEvent(element, 'inpaint');
  });

  it('is accessible before and after inpainting', async () => {
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(pixels)} mask=${cellString(cornerMask)}></square-inpainter>`,
    );
    const inpainted = nextEvent(element, 'inpaint');
    await expect(element).to.be.accessible();
    await inpainted;
    await element.updateComplete;
    await expect(element).to.be.accessible();
  });

  it('coalesces a burst of changes into one result, the latest', async () => {
    const element = await fixture<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    const results = recordEvents(element, 'inpaint');
    const masks = [1, 2, 3, 4].map((rows) => '1'.repeat(rows * N).padEnd(N * N, '0'));
    // Each change lands in its own update, while the model is still loading or the previous request runs.
    for (const mask of masks) {
      element.mask = mask;
      await element.updateComplete;
    }
    await nextEvent(element, 'inpaint');
    await settle(500);
    expect(results.map((event) => event.detail.mask)).to.deep.equal([masks[3]]);
    // The same within one task: one request.
    element.mask = masks[0];
    element.mask = masks[1];
    element.pixels = '0'.repeat(63) + '1';
    await nextEvent(element, 'inpaint');
    await settle(500);
    expect(results).to.have.length(2);
    expect(results[1].detail.mask).to.equal(masks[1]);
  });

  it('inpaint() resolves with the result the event carries, after pending changes', async () => {
    // Listening from the start: with a session still open, the first fill can come before `fixture` resolves.
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await nextEvent(element, 'inpaint');
    const results = recordEvents(element, 'inpaint');
    element.mask = cellString(cornerMask);
    element.pixels = cellString(pixels);
    element.decoding = 'one-shot';
    const result = await element.inpaint();
    expect(result.mask).to.equal(cellString(cornerMask));
    expect(result.runs).to.equal(1);
    await settle(300);
    expect(results.map((event) => event.detail)).to.deep.equal([result]);
  });

  it('samples the same picture for the same seed', async () => {
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" decoding="sample" seed="7" mask=${'1'.repeat(64)}></square-inpainter>`,
    );
    const first = (await nextEvent(element, 'inpaint')).detail;
    expect(first.decoding).to.equal('sample');
    expect(first.seed).to.equal(7);
    element.seed = 8;
    await element.inpaint();
    element.seed = 7;
    const again = await element.inpaint();
    expect(again.pixels).to.equal(first.pixels);
  });

  it('shares one session per model between elements and releases it with the last one', async () => {
    const url = modelUrl(16);
    const fetches = async () => (await fetchedUrls()).filter((name) => name === url).length;
    const before = await fetches();
    const first = document.createElement('square-inpainter');
    const second = document.createElement('square-inpainter');
    // One hidden cell each: with nothing hidden an element loads no model.
    const oneHidden = '1'.padEnd(16 * 16, '0');
    for (const element of [first, second]) Object.assign(element, { backend: 'wasm', mask: oneHidden });
    const loads = [nextEvent(first, 'load'), nextEvent(second, 'load')];
    document.body.append(first, second);
    await Promise.all(loads);
    expect((await fetches()) - before, 'model fetches for two elements').to.equal(1);
    first.remove();
    const third = document.createElement('square-inpainter');
    Object.assign(third, { backend: 'wasm', mask: oneHidden });
    const thirdLoad = nextEvent(third, 'load');
    document.body.append(third);
    await thirdLoad;
    expect((await fetches()) - before, 'a third element joins the open session').to.equal(1);
    second.remove();
    // Moved: the last element leaves and comes back at once, and keeps the session.
    third.remove();
    document.body.append(third);
    await third.inpaint();
    expect((await fetches()) - before, 'an element moved in the page keeps the session').to.equal(1);
    third.remove();
    await settle(RELEASE_DELAY_MS + 300);
    const fourth = document.createElement('square-inpainter');
    Object.assign(fourth, { backend: 'wasm', mask: oneHidden });
    const fourthLoad = nextEvent(fourth, 'load');
    document.body.append(fourth);
    await fourthLoad;
    expect((await fetches()) - before, 'once the last element has been gone a while, the session was released').to.equal(2);
    fourth.remove();
  });

  it('inpaints again when moved in the document', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await nextEvent(element, 'inpaint');
    const parent = element.parentElement!;
    element.remove();
    const again = nextEvent(element, 'inpaint');
    parent.append(element);
    expect((await again).detail.pixels).to.equal('0'.repeat(64));
  });
});
