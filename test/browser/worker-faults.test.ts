import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { nextEvent, settle, watchUnhandledRejections } from './support.js';

// Every runtime worker the element starts on this page; while `missingScript` is set, the next one is started from
// a URL that answers 404, as a host that did not emit the worker's file would serve it.
const workers: Worker[] = [];
let missingScript = false;
const RealWorker = window.Worker;
window.Worker = class extends RealWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(missingScript ? new URL('/dist/ort/no-such-worker.js', location.href) : url, options);
    workers.push(this);
  }
};

const N = 8;
const MASK = '0'.repeat(24) + '00011110'.repeat(4) + '0'.repeat(8);

describe('runtime worker faults', function () {
  this.timeout(120_000);
  const rejections = watchUnhandledRejections();

  it('reports a runtime worker that fails to start as a runtime-load error, and the next input recovers', async () => {
    missingScript = true;
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size=${N} backend="wasm" mask=${MASK}></square-inpainter>`);
    const error = await nextEvent(element, 'error');
    expect(workers).to.have.length(1);
    expect(error.detail.type).to.equal('runtime-load');
    expect(error.detail.message).to.match(/runtime worker/);
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.match(/^Error: .*runtime worker/);

    missingScript = false;
    const inpainted = nextEvent(element, 'inpaint');
    element.mask = MASK.replace('1111', '1110');
    const { detail } = await inpainted;
    expect(detail.backend).to.equal('wasm');
    expect(detail.runs).to.be.at.least(1);
    expect(workers).to.have.length(2);
    await settle();
    expect(rejections.reasons).to.deep.equal([]);
  });

  it('reports a runtime worker that ends mid-fill as a runtime-load error, and the next input recovers', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="16" backend="wasm" decoding="sample" seed="1" mask=${'1'.repeat(256)}></square-inpainter>`,
    );
    await nextEvent(element, 'inpaint');
    const worker = workers.at(-1)!;
    const failed = nextEvent(element, 'error');
    const inpaints: unknown[] = [];
    element.addEventListener('inpaint', (event) => inpaints.push(event));
    element.seed = 2;
    // The fill is on its way to the worker: nothing the worker does can reach the page before this line.
    await element.updateComplete;
    worker.terminate();
    const error = await failed;
    expect(error.detail.type).to.equal('runtime-load');
    expect(error.detail.message).to.match(/runtime worker stopped/);
    expect(inpaints, 'a result of the ended worker').to.deep.equal([]);

    const inpainted = nextEvent(element, 'inpaint');
    element.seed = 3;
    const { detail } = await inpainted;
    expect(detail.seed).to.equal(3);
    expect(detail.runs).to.be.at.least(1);
    expect(workers.at(-1)).to.not.equal(worker);
    await settle();
    expect(rejections.reasons).to.deep.equal([]);
  });
});
