import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import type { SquareInpainter } from '../../src/index.js';
import { nextEvent, settle, watchUnhandledRejections } from './support.js';

// Every runtime worker the element starts on this page; while `missingScript` is set, the next one is started from
// a URL that answers 404, as a host that did not emit the worker's file would serve it.
// Every message between the page and its runtime worker is logged.
const workers: Worker[] = [];
let missingScript = false;
type Message = { type: string; id?: number };
const sent: Message[] = [];
const received: Message[] = [];
const RealWorker = window.Worker;
window.Worker = class extends RealWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(missingScript ? new URL('/dist/ort/no-such-worker.js', location.href) : url, options);
    workers.push(this);
    this.addEventListener('message', ({ data }) => received.push(data));
  }

  override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    sent.push(message as Message);
    super.postMessage(message, transfer as Transferable[]);
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

  it('stops a fill in the worker when a newer input replaces it: nothing of it comes back', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="16" backend="wasm" decoding="sample" steps="256" seed="1" mask=${'1'.repeat(256)}></square-inpainter>`,
    );
    await nextEvent(element, 'inpaint');
    sent.length = 0;
    received.length = 0;
    const inpainted = nextEvent(element, 'inpaint');
    // Each new seed replaces the fill before it, which is on its way to the worker or running there (a sample
    // fill of a hidden 16×16 grid takes about ten model runs).
    for (let seed = 2; seed <= 6; seed++) {
      element.seed = seed;
      await element.updateComplete;
    }
    expect((await inpainted).detail.seed).to.equal(6);
    await settle();
    const fills = sent.filter((message) => message.type === 'decode').map((message) => message.id);
    const aborted = sent.filter((message) => message.type === 'abort').map((message) => message.id);
    expect(fills).to.have.length(5);
    expect(aborted).to.deep.equal(fills.slice(0, 4));
    // The replaced fills stopped in the worker: it sent nothing back for them, not even a result the page drops.
    const answered = received.filter((message) => message.id !== undefined).map((message) => message.id);
    expect(answered).to.deep.equal([fills[4]]);
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
