import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../dist/square-inpainter.js';
import type { InpaintDetail, SquareInpainter } from '../../src/index.js';
import { cellString, modelUrl, nextEvent, recordEvents, settle, watchUnhandledRejections } from './support.js';

const N = 8;
const BLACK = '0'.repeat(N * N);
const rejections = watchUnhandledRejections();

function cells(element: SquareInpainter): HTMLElement[] {
  return [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~="cell"]')];
}

/** The viewport point at the centre of cell `index`. */
function centre(element: SquareInpainter, index: number): [number, number] {
  const box = cells(element)[index].getBoundingClientRect();
  return [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)];
}

/** A real pointer stroke (the browser's own input, so pointer capture works) through the given cells. */
async function stroke(element: SquareInpainter, path: number[]): Promise<void> {
  await sendMouse({ type: 'move', position: centre(element, path[0]) });
  await sendMouse({ type: 'down' });
  for (const index of path.slice(1)) await sendMouse({ type: 'move', position: centre(element, index) });
  await sendMouse({ type: 'up' });
}

function focusedIndex(element: SquareInpainter): number {
  return cells(element).indexOf(element.shadowRoot!.activeElement as HTMLElement);
}

/**
 * Call before editing; after the edits, awaiting `.current()` gives the `inpaint` detail for the element's pixels
 * and mask as they are then (the results of the edits before may arrive first, or the last one before the wait).
 */
function inpaints(element: SquareInpainter) {
  const events = recordEvents(element, 'inpaint');
  const matches = (detail: InpaintDetail) =>
    detail.mask === (element.mask || BLACK) &&
    [...detail.pixels].every((pixel, i) => detail.mask[i] === '1' || pixel === (element.pixels || BLACK)[i]);
  return {
    async current(): Promise<InpaintDetail> {
      for (;;) {
        const found = events.map((event) => event.detail).find(matches);
        if (found) return found;
        await nextEvent(element, 'inpaint');
      }
    },
  };
}

/** Waits for the first fill of an element made with `fixtureSync` (with `fixture`, a session still open from an
 * earlier test can fill it before the listener is added). */
async function ready(element: SquareInpainter): Promise<void> {
  await nextEvent(element, 'inpaint');
  await element.updateComplete;
}

describe('<square-inpainter> editing, keyboard, forms and loading', function () {
  this.timeout(120_000);

  afterEach(() => expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]));

  it('draws with the pointer: a drag paints the colour opposite to the first cell, then inpaints', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" tool="draw"></square-inpainter>`);
    await ready(element);
    const changes = recordEvents(element, 'change');
    const inpainted = inpaints(element);
    await stroke(element, [0, 1, 2, 3]);
    expect(element.pixels).to.equal('1111'.padEnd(N * N, '0'));
    expect(changes).to.have.length(4);
    expect(changes[0].bubbles && changes[0].composed).to.equal(true);
    expect(changes[3].detail).to.deep.equal({ pixels: element.pixels, mask: BLACK });
    expect((await inpainted.current()).pixels).to.equal(element.pixels);
    // Starting on a white cell paints black, including over the white cells it crosses.
    await stroke(element, [1, 2, 3, N + 3]);
    expect(element.pixels).to.equal('1'.padEnd(N * N, '0'));
    expect(changes).to.have.length(7);
    await element.updateComplete;
    expect(cells(element)[1].getAttribute('aria-label')).to.equal('black');
    expect(cells(element)[0].getAttribute('aria-label')).to.equal('white');
  });

  it('paints every cell a fast drag crossed between two pointer moves: a row, then a diagonal', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" tool="draw"></square-inpainter>`);
    await ready(element);
    const grid = element.shadowRoot!.querySelector('[part~="grid"]')!;
    let moves = 0;
    grid.addEventListener('pointermove', (event) => (moves += (event as PointerEvent).buttons ? 1 : 0));
    const row = 2 * N;
    await stroke(element, [row, row + N - 1]);
    expect(moves, 'one pointermove of the drag, from the first cell to the last').to.equal(1);
    expect(element.pixels).to.equal(cellString(Array.from({ length: N * N }, (_, i) => (i >= row && i < row + N ? 1 : 0))));
    element.pixels = '';
    await element.updateComplete;
    await stroke(element, [0, N * N - 1]);
    expect(element.pixels).to.equal(cellString(Array.from({ length: N * N }, (_, i) => (i % (N + 1) === 0 ? 1 : 0))));
  });

  it('hides and unhides with the mask tool, an unhidden cell keeping the colour the model gave it', async () => {
    const square = new Uint8Array(N * N);
    for (let r = 2; r < 5; r++) for (let c = 2; c < 5; c++) square[r * N + c] = 1;
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" tool="mask" pixels=${cellString(square)}></square-inpainter>`,
    );
    await ready(element);
    const inpainted = inpaints(element);
    await stroke(element, [2 * N + 2, 2 * N + 3, 3 * N + 3]);
    const mask = new Uint8Array(N * N);
    mask[2 * N + 2] = mask[2 * N + 3] = mask[3 * N + 3] = 1;
    expect(element.mask).to.equal(cellString(mask));
    expect(element.pixels, 'hiding keeps the pixels').to.equal(cellString(square));
    const detail = await inpainted.current();
    await element.updateComplete;
    expect(cells(element)[3 * N + 3].part.contains('cell-filled')).to.equal(true);
    // Pretend the page gave a hidden cell the other colour: unhiding shows what the model filled, not that.
    const filled = detail.pixels[2 * N + 2];
    element.pixels = element.pixels.slice(0, 2 * N + 2) + (filled === '1' ? '0' : '1') + element.pixels.slice(2 * N + 3);
    await element.updateComplete;
    await stroke(element, [2 * N + 2]);
    expect(element.mask[2 * N + 2]).to.equal('0');
    expect(element.pixels[2 * N + 2]).to.equal(filled);
  });

  it('ignores the pointer and Space/Enter/H without a tool, or when disabled', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await ready(element);
    const changes = recordEvents(element, 'change');
    await stroke(element, [0, 1]);
    cells(element)[0].focus();
    await sendKeys({ press: 'Space' });
    await sendKeys({ press: 'h' });
    expect(element.shadowRoot!.querySelector('[part~="grid"]')!.getAttribute('aria-readonly')).to.equal('true');
    element.tool = 'draw';
    element.disabled = true;
    await element.updateComplete;
    expect(element.hasAttribute('disabled'), 'disabled is reflected').to.equal(true);
    await stroke(element, [0, 1]);
    await sendKeys({ press: 'Enter' });
    expect(changes).to.have.length(0);
    expect(element.pixels).to.equal('');
    element.disabled = false;
    await element.updateComplete;
    await sendKeys({ press: 'Enter' });
    expect(changes).to.have.length(1);
  });

  it('keeps one tab stop that arrows, Home/End and Ctrl+Home/End move', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await ready(element);
    const tabStops = () => cells(element).filter((cell) => cell.tabIndex === 0).map((cell) => cells(element).indexOf(cell));
    expect(tabStops()).to.deep.equal([0]);
    cells(element)[0].focus();
    const moves: [string, number][] = [
      ['ArrowRight', 1],
      ['ArrowDown', N + 1],
      ['ArrowLeft', N],
      ['ArrowLeft', N],
      ['ArrowUp', 0],
      ['ArrowUp', 0],
      ['End', N - 1],
      ['Home', 0],
      ['Control+End', N * N - 1],
      ['ArrowRight', N * N - 1],
      ['Control+Home', 0],
    ];
    for (const [key, expected] of moves) {
      if (key.startsWith('Control+')) {
        await sendKeys({ down: 'Control' });
        await sendKeys({ press: key.slice('Control+'.length) });
        await sendKeys({ up: 'Control' });
      } else await sendKeys({ press: key });
      await element.updateComplete;
      expect(focusedIndex(element), key).to.equal(expected);
      expect(tabStops(), `${key}: one tab stop`).to.deep.equal([expected]);
    }
    // The tab stop stays where focus left it.
    await sendKeys({ press: 'ArrowDown' });
    await element.updateComplete;
    (document.activeElement as HTMLElement).blur();
    await element.updateComplete;
    expect(tabStops()).to.deep.equal([N]);
  });

  it('flips a cell with Space or Enter and hides it with H, each a change', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" tool="draw"></square-inpainter>`);
    await ready(element);
    const changes = recordEvents(element, 'change');
    cells(element)[0].focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Space' });
    expect(element.pixels).to.equal('01'.padEnd(N * N, '0'));
    await sendKeys({ press: 'Enter' });
    expect(element.pixels).to.equal(BLACK);
    await sendKeys({ press: 'Enter' });
    const inpainted = inpaints(element);
    await sendKeys({ press: 'h' });
    expect(element.mask).to.equal('01'.padEnd(N * N, '0'));
    expect(changes).to.have.length(4);
    await inpainted.current();
    await element.updateComplete;
    expect(cells(element)[1].getAttribute('aria-label')).to.match(/^filled (black|white), \d+% sure$/);
    // H again shows it, in the colour the model filled.
    const shown = cells(element)[1].part.contains('cell-filled-white') ? '1' : '0';
    await sendKeys({ press: 'H' });
    expect(element.mask).to.equal(BLACK);
    expect(element.pixels[1]).to.equal(shown);
  });

  it('keeps the filled colour and rings each filled cell by its doubt with show-confidence', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" mask=${'1'.repeat(N * N)}></square-inpainter>`,
    );
    const { detail } = await nextEvent(element, 'inpaint');
    await element.updateComplete;
    const cell = cells(element)[0];
    const solid = (index: number) => (detail.pixels[index] === '1' ? 'rgb(255, 255, 255)' : 'rgb(0, 0, 0)');
    expect(getComputedStyle(cell).backgroundColor, 'solid without show-confidence').to.equal(solid(0));
    expect(getComputedStyle(cell).boxShadow, 'no ring without show-confidence').to.equal('none');
    cell.focus();
    expect(getComputedStyle(cell, '::before').content).to.equal('none');
    element.showConfidence = true;
    await element.updateComplete;
    expect(element.hasAttribute('show-confidence')).to.equal(true);
    const p = detail.probabilities[0];
    // Every filled cell still shows the colour it was filled with (iterative decoding commits each cell with the
    // P(white) of the run that committed it, so a late cell may read 100%), ringed by 1 - P(that colour).
    const side = cell.getBoundingClientRect().width;
    cells(element).forEach((each, index) => {
      expect(getComputedStyle(each).backgroundColor, `cell ${index}`).to.equal(solid(index));
      const q = Number(detail.probabilities[index].toFixed(3));
      const doubt = detail.pixels[index] === '1' ? 1 - q : q;
      const shadow = getComputedStyle(each).boxShadow;
      const ring = shadow === 'none' ? 0 : Number(/([\d.]+)px inset/.exec(shadow)![1]);
      expect(ring, `cell ${index}: ${shadow}`).to.be.closeTo(doubt * 0.4 * side, 0.1);
    });
    const confidence = Math.round(100 * (detail.pixels[0] === '1' ? p : 1 - p));
    expect(getComputedStyle(cell, '::before').content).to.equal(`"${confidence}%"`);
    // And on hover.
    cell.blur();
    const other = cells(element)[N + 1];
    expect(getComputedStyle(other, '::before').content).to.equal('none');
    await sendMouse({ type: 'move', position: centre(element, N + 1) });
    const q = detail.probabilities[N + 1];
    expect(getComputedStyle(other, '::before').content).to.equal(`"${Math.round(100 * (detail.pixels[N + 1] === '1' ? q : 1 - q))}%"`);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('is a form field: the completed image under its name, reset to the first pixels and mask, disabled by a fieldset', async () => {
    const pixels = '1'.padEnd(N * N, '0');
    const mask = '0'.repeat(N * N - 4) + '1111';
    // fixtureSync: `fixture` waits a frame, long enough for a cached model to fill the 4 cells already.
    const form = fixtureSync<HTMLFormElement>(html`<form><fieldset>
      <square-inpainter name="image" grid-size="8" backend="wasm" tool="draw" pixels=${pixels} mask=${mask}></square-inpainter>
    </fieldset></form>`);
    const element = form.querySelector('square-inpainter')!;
    await element.updateComplete;
    expect(new FormData(form).get('image'), 'no value while cells are hidden and unfilled').to.equal(null);
    const { detail } = await nextEvent(element, 'inpaint');
    expect(new FormData(form).get('image')).to.equal(detail.pixels);
    await element.updateComplete;
    await stroke(element, [1]);
    element.mask = '';
    // That request's own (empty) fill, so that the next `inpaint` event is the reset's.
    await element.inpaint();
    expect(new FormData(form).get('image'), 'nothing hidden: the pixels themselves').to.equal('11'.padEnd(N * N, '0'));
    const inpainted = nextEvent(element, 'inpaint');
    form.reset();
    expect(element.pixels).to.equal(pixels);
    expect(element.mask).to.equal(mask);
    expect((await inpainted).detail.mask).to.equal(mask);
    form.querySelector('fieldset')!.disabled = true;
    await element.updateComplete;
    expect(new FormData(form).has('image'), 'a disabled field is not submitted').to.equal(false);
    const changes = recordEvents(element, 'change');
    await stroke(element, [2]);
    expect(changes).to.have.length(0);
    expect(element.shadowRoot!.querySelector('[part~="grid"]')!.getAttribute('aria-disabled')).to.equal('true');
  });

  it('fires progress from 0 to 1 while the model loads and shows a progress bar until load', async () => {
    const element = document.createElement('square-inpainter');
    element.gridSize = 8;
    element.backend = 'wasm';
    // A model URL no other test used, so this element downloads it.
    element.modelSrc = '/models/square-inpainter-8.onnx?progress';
    // A hidden cell: with nothing hidden the element loads no model.
    element.mask = '1'.padEnd(N * N, '0');
    const progress = recordEvents(element, 'progress');
    const order: string[] = [];
    element.addEventListener('progress', () => order.push('progress'));
    const loaded = nextEvent(element, 'load').then(() => order.push('load'));
    document.body.append(element);
    try {
      await element.updateComplete;
      const bar = element.shadowRoot!.querySelector('[part~="progress-bar"]')!;
      expect(bar.getAttribute('role')).to.equal('progressbar');
      expect(bar.getBoundingClientRect().height).to.be.greaterThan(0);
      await loaded;
      const values = progress.map((event) => event.detail.totalProgress);
      expect(values[0]).to.equal(0);
      expect(values.at(-1)).to.equal(1);
      expect(values.some((value) => value > 0 && value < 1), `download steps in ${values}`).to.equal(true);
      for (let i = 1; i < values.length; i++) expect(values[i]).to.be.at.least(values[i - 1]);
      expect(order.at(-1)).to.equal('load');
      expect(order.at(-2)).to.equal('progress');
      expect(progress[0].bubbles && progress[0].composed).to.equal(true);
      await nextEvent(element, 'inpaint');
      await element.updateComplete;
      expect(element.shadowRoot!.querySelector('[part~="progress-bar"]')).to.equal(null);
    } finally {
      element.remove();
    }
  });

  it('is accessible while loading, hidden, filled, editable, disabled and in error', async () => {
    // A model URL of its own, so that the element really loads (no session is open for it).
    const element = await fixture<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" model-src=${`${modelUrl(8)}?accessible-while-loading`}
        mask=${'1'.repeat(8) + '0'.repeat(56)}></square-inpainter>`,
    );
    const inpainted = nextEvent(element, 'inpaint');
    expect(element.shadowRoot!.querySelector('[part~="progress-bar"]'), 'loading').to.not.equal(null);
    expect(element.shadowRoot!.querySelector('[part~="cell-hidden"]'), 'hidden').to.not.equal(null);
    await expect(element).to.be.accessible();
    await inpainted;
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="cell-filled"]'), 'filled').to.not.equal(null);
    await expect(element).to.be.accessible();
    element.tool = 'draw';
    element.showConfidence = true;
    await element.updateComplete;
    cells(element)[0].focus();
    await expect(element).to.be.accessible();
    element.disabled = true;
    await element.updateComplete;
    await expect(element).to.be.accessible();
    const failed = nextEvent(element, 'error');
    element.gridSize = 12;
    await failed;
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(/^Error: /);
    await expect(element).to.be.accessible();
    await settle(100);
  });
});
