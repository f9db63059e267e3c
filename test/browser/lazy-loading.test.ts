// What an element costs before it has something to fill: a picture with nothing hidden fetches none of the
// package's model, wasm or worker files, and starts no worker; a hidden cell loads the model, and with a tool set
// the pointer or focus coming into the grid loads it ahead of the first edit. The first test must run before
// anything in this page loads a model.
import { expect, fixtureSync, html } from '@open-wc/testing';
import { readFile, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { cellString, modelUrl, nextEvent, recordEvents, settle, watchUnhandledRejections } from './support.js';

const N = 8;
const NOTHING_HIDDEN = '0'.repeat(N * N);
/** The prior's kind of picture: a 3×3 white square at row 2, column 3. */
const square = new Uint8Array(N * N);
for (let r = 2; r < 5; r++) for (let c = 3; c < 6; c++) square[r * N + c] = 1;
/** Its lower-right corner hidden. */
const cornerMask = new Uint8Array(N * N);
for (let r = 3; r < 7; r++) for (let c = 4; c < 8; c++) cornerMask[r * N + c] = 1;

const rejections = watchUnhandledRejections();

/** Every worker the page starts from now on (the runtime's is the only one the element starts). */
const workersStarted: string[] = [];
const RealWorker = window.Worker;
window.Worker = class extends RealWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workersStarted.push(String(url));
  }
};

/** The package's files this page fetched (its module and chunks, the runtime, the wasm, the models), by path. */
function packageFiles(): PerformanceResourceTiming[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) =>
    /^\/(dist|models)\//.test(new URL(entry.name).pathname),
  );
}

function cells(element: SquareInpainter): HTMLElement[] {
  return [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~="cell"]')];
}

function status(element: SquareInpainter): string {
  return element.shadowRoot!.querySelector('[part~="status"]')!.textContent!;
}

function centre(element: SquareInpainter, index: number): [number, number] {
  const box = cells(element)[index].getBoundingClientRect();
  return [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)];
}

describe('<square-inpainter> loads nothing until there is something to fill', function () {
  this.timeout(120_000);

  afterEach(() => expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]));

  it('draws a picture with nothing hidden and fetches none of the model, wasm or worker files, even when hovered or focused', async () => {
    const form = fixtureSync<HTMLFormElement>(html`<form><square-inpainter name="image" grid-size="8" pixels=${cellString(square)}></square-inpainter></form>`);
    const element = form.querySelector('square-inpainter')!;
    const loads = recordEvents(element, 'load');
    const progress = recordEvents(element, 'progress');
    const errors = recordEvents(element, 'error');
    const { detail } = await nextEvent(element, 'inpaint');
    // The picture as it is: no model ran.
    expect(detail).to.include({ pixels: cellString(square), mask: NOTHING_HIDDEN, backend: null, runs: 0, decoding: 'iterative', fits: 1 });
    expect([...detail.probabilities]).to.deep.equal([...square]);
    expect(detail.durationMs).to.be.at.least(0).and.below(50);
    expect(detail).to.not.have.property('seed');
    expect(new FormData(form).get('image')).to.equal(cellString(square));
    await element.updateComplete;
    expect(cells(element)).to.have.length(N * N);
    expect(element.shadowRoot!.querySelectorAll('[part~="cell-white"]')).to.have.length(9);
    expect(status(element)).to.equal('Nothing hidden');
    expect(element.shadowRoot!.querySelector('[part~="progress-bar"]')).to.equal(null);
    expect(element.shadowRoot!.querySelector('[part~="grid"]')!.getAttribute('aria-busy')).to.equal('false');
    expect((await element.inpaint()).backend).to.equal(null);
    await expect(element).to.be.accessible();
    // A reader hovering the picture or tabbing through it (no tool) loads nothing either.
    await sendMouse({ type: 'move', position: centre(element, 20) });
    cells(element)[0].focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendMouse({ type: 'move', position: [0, 0] });
    await settle(1000);

    expect(workersStarted, 'workers started').to.deep.equal([]);
    const files = packageFiles();
    expect(files.map((entry) => new URL(entry.name).pathname)).to.deep.equal(['/dist/square-inpainter.js']);
    // The test server sends it transformed, with an inline source map (about 186 KB); a site sends the file as
    // shipped, whose size uncompressed bounds what it transfers.
    let bytes = 0;
    for (const entry of files) bytes += new TextEncoder().encode(await readFile({ path: `../..${new URL(entry.name).pathname}` })).length;
    expect(bytes, "bytes of the package's files").to.be.above(0).and.below(100_000);
    expect([loads, progress, errors].map((events) => events.length), 'load, progress and error events').to.deep.equal([0, 0, 0]);
  });

  it('loads the model when a cell becomes hidden, shows it loading at once, and fills; unhidden again, it answers without it', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(square)}></square-inpainter>`);
    expect((await nextEvent(element, 'inpaint')).detail.backend).to.equal(null);
    expect(workersStarted, 'no worker before a cell is hidden').to.deep.equal([]);
    const progress = recordEvents(element, 'progress');
    const loaded = nextEvent(element, 'load');
    const filled = nextEvent(element, 'inpaint');
    element.mask = cellString(cornerMask);
    await element.updateComplete;
    expect(status(element)).to.equal('Loading model…');
    expect(element.shadowRoot!.querySelector('[part~="progress-bar"]'), 'the loading bar').to.not.equal(null);
    const load = await loaded;
    expect(load.detail).to.include({ backend: 'wasm', gridSize: 8, modelUrl: modelUrl(8) });
    expect(progress.map((event) => event.detail.totalProgress).at(-1)).to.equal(1);
    expect(workersStarted, 'the runtime worker').to.have.length(1);
    const { detail } = await filled;
    expect(detail).to.include({ mask: cellString(cornerMask), backend: 'wasm' });
    expect(detail.runs).to.be.at.least(1);
    await element.updateComplete;
    expect(status(element)).to.match(/^Filled on wasm in (<1|\d+) ms$/);
    expect(element.shadowRoot!.querySelectorAll('[part~="cell-filled"]')).to.have.length(16);

    const loads = recordEvents(element, 'load');
    element.mask = '';
    const again = (await nextEvent(element, 'inpaint')).detail;
    expect(again).to.include({ backend: null, runs: 0, mask: NOTHING_HIDDEN });
    await element.updateComplete;
    expect(status(element)).to.equal('Nothing hidden');
    expect(loads).to.have.length(0);
  });

  it('with tool="mask", loads the model when the pointer enters the grid, so the first stroke\'s fill does not wait for it', async () => {
    // 16×16: a model no earlier test loaded.
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="16" backend="wasm" tool="mask"></square-inpainter>`);
    const loads = recordEvents(element, 'load');
    await nextEvent(element, 'inpaint');
    await settle(300);
    expect(loads, 'nothing loaded before the pointer comes').to.have.length(0);
    const changes = recordEvents(element, 'change');
    const loaded = nextEvent(element, 'load');
    await sendMouse({ type: 'move', position: centre(element, 0) });
    expect((await loaded).detail).to.include({ backend: 'wasm', gridSize: 16, modelUrl: modelUrl(16) });
    expect(changes, 'loaded before any edit').to.have.length(0);
    await element.updateComplete;
    expect(status(element), 'still nothing hidden').to.match(/^Nothing hidden/);

    const progress = recordEvents(element, 'progress');
    const fills = recordEvents(element, 'inpaint');
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: centre(element, 2) });
    await sendMouse({ type: 'up' });
    expect(element.mask).to.equal('111'.padEnd(256, '0'));
    await element.updateComplete;
    expect(status(element), 'the fill does not wait for a download').to.not.equal('Loading model…');
    // Each cell the stroke hid starts a fill (a newer one may replace the one before): the last answers all three.
    while (fills.at(-1)?.detail.mask !== element.mask) await nextEvent(element, 'inpaint');
    for (const { detail } of fills) expect(detail.backend).to.equal('wasm');
    expect(fills.at(-1)!.detail.runs).to.be.at.least(1);
    expect(progress, 'no loading during the stroke\'s fills').to.have.length(0);
    expect(loads).to.have.length(1);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('with tool="draw", loads the model when focus comes into the grid, ahead of the first edit', async () => {
    // A model URL of its own, so that this element really loads one.
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" tool="draw" model-src=${`${modelUrl(8)}?ahead-of-focus`}></square-inpainter>`,
    );
    const loads = recordEvents(element, 'load');
    await nextEvent(element, 'inpaint');
    await settle(300);
    expect(loads, 'nothing loaded before focus comes').to.have.length(0);
    const loaded = nextEvent(element, 'load');
    cells(element)[9].focus();
    await loaded;
    const progress = recordEvents(element, 'progress');
    const fills = recordEvents(element, 'inpaint');
    // Paint the focused cell white, then hide its neighbour: that fill needs the model, already there.
    await sendKeys({ press: 'Space' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'h' });
    expect(element.mask).to.equal('1'.padStart(11, '0').padEnd(N * N, '0'));
    while (fills.at(-1)?.detail.mask !== element.mask) await nextEvent(element, 'inpaint');
    const { detail } = fills.at(-1)!;
    expect(detail.backend).to.equal('wasm');
    expect(detail.runs).to.be.at.least(1);
    expect(progress, 'no loading for the first edit\'s fill').to.have.length(0);
    expect(loads).to.have.length(1);
  });
});
