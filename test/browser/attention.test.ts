import { expect, fixtureSync, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../dist/square-inpainter.js';
import { attentionLabel } from '../../src/attention-cells.js';
import { cellView } from '../../src/cells.js';
import type { SquareInpainter } from '../../src/index.js';
import { cellString, cellsOf, nextEvent, watchUnhandledRejections, watchWorkerFetches } from './support.js';

const N = 8;
/** A 3×3 square at row 2, column 3, with its lower-right corner hidden. */
const truth = new Uint8Array(N * N);
for (let r = 2; r < 5; r++) for (let c = 3; c < 6; c++) truth[r * N + c] = 1;
const mask = new Uint8Array(N * N);
for (let r = 3; r < 7; r++) for (let c = 4; c < 8; c++) mask[r * N + c] = 1;
const pixels = truth.map((cell, i) => (mask[i] ? 0 : cell));
const tokens = pixels.map((pixel, i) => (mask[i] ? 2 : pixel));

const rejections = watchUnhandledRejections();
// The page fetches the attention chunk, the runtime worker the attention export.
const fetchedUrls = watchWorkerFetches();
const cells = (element: SquareInpainter) => [...element.shadowRoot!.querySelectorAll<HTMLElement>('[role="gridcell"]')];
const shade = (cell: HTMLElement) => Number(cell.style.getPropertyValue('--square-inpainter-a'));

/** The attention export's map for `tokens`, straight from onnxruntime-web (the build the element loads). */
async function ortAttention(): Promise<Float32Array> {
  const ortUrl = '/dist/ort/ort.wasm.bundle.min.mjs';
  const ort = (await import(/* @vite-ignore */ ortUrl)) as typeof import('onnxruntime-web');
  const session = await ort.InferenceSession.create('/models/square-inpainter-8-attention.onnx', { executionProviders: ['wasm'] });
  const input = new ort.Tensor('int64', BigInt64Array.from(tokens, (token) => BigInt(token)), [1, N * N]);
  const outputs = await session.run({ [session.inputNames[0]]: input }, ['attention']);
  const map = new Float32Array(outputs.attention.data as Float32Array);
  await session.release();
  return map;
}

describe('<square-inpainter show-attention>', function () {
  this.timeout(120_000);

  afterEach(() => expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]));

  it('never fetches the attention export or its code without show-attention', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" pixels=${cellString(pixels)} mask=${cellString(mask)}></square-inpainter>`,
    );
    await nextEvent(element, 'inpaint');
    await element.updateComplete;
    cells(element)[0].focus();
    await sendKeys({ press: 'ArrowRight' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetchedUrls()).filter((url) => /-attention\.onnx|attention\.js/.test(url))).to.deep.equal([]);
    expect(cells(element).some((cell) => cell.part.contains('attention'))).to.equal(false);
    expect(cells(element)[1].getAttribute('aria-label')).to.not.match(/attends/);
  });

  it('shades the grid by the focused cell\'s attention and names where most of it went', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" show-attention pixels=${cellString(pixels)} mask=${cellString(mask)}></square-inpainter>`,
    );
    await nextEvent(element, 'inpaint');
    await element.updateComplete;
    expect(element.hasAttribute('show-attention')).to.equal(true);
    // By keyboard: from cell 0, four down and five right to row 5, column 6, a hidden cell.
    cells(element)[0].focus();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight']) {
      await sendKeys({ press: key });
    }
    const query = 4 * N + 5;
    await waitUntil(() => cells(element)[query].getAttribute('aria-label')!.includes('attends most'), 'the label names the attention', { timeout: 60_000 });
    const all = cells(element);
    expect(all.every((cell) => cell.part.contains('attention') && cell.part.contains('cell'))).to.equal(true);
    expect(Math.max(...all.map(shade))).to.equal(1);

    const map = await ortAttention();
    const row = map.subarray(query * N * N, (query + 1) * N * N);
    const sum = row.reduce((total, weight) => total + weight, 0);
    expect(sum).to.be.closeTo(1, 1e-3);
    const top = Math.max(...row);
    all.forEach((cell, i) => expect(shade(cell), `cell ${i}`).to.be.closeTo(row[i] / top, 1e-4));
    const target = row.indexOf(top);
    const place = `row ${Math.floor(target / N) + 1}, column ${(target % N) + 1}`;
    expect(all[query].getAttribute('aria-label')).to.match(new RegExp(`^filled (black|white), \\d+% sure; attends most to ${place} \\(`));
    const note = element.shadowRoot!.querySelector('[part="attention-note"]')!;
    expect(note.getAttribute('role')).to.equal('status');
    expect(note.textContent).to.include(`attends most to ${place}`);
    expect((await fetchedUrls()).some((url) => url.endsWith('/models/square-inpainter-8-attention.onnx'))).to.equal(true);
    await expect(element).to.be.accessible();

    // Off again: the shading and the label's suffix go.
    element.showAttention = false;
    await element.updateComplete;
    expect(element.hasAttribute('show-attention')).to.equal(false);
    expect(all.some((cell) => cell.part.contains('attention'))).to.equal(false);
    expect(all[query].getAttribute('aria-label')).to.not.match(/attends/);
  });

  it('labels and shades every cell from the template as the focus moves, and takes both away on blur', async () => {
    const element = fixtureSync<SquareInpainter>(
      html`<square-inpainter grid-size="8" backend="wasm" show-attention pixels=${cellString(pixels)} mask=${cellString(mask)}></square-inpainter>`,
    );
    const { detail } = await nextEvent(element, 'inpaint');
    await element.updateComplete;
    // Each cell's own label, worked out from the inpaint event: the suffix may add to the query cell's alone.
    const fill = { pixels: cellsOf(detail.pixels), probabilities: detail.probabilities, mask };
    const labels = Array.from({ length: N * N }, (_, i) => cellView(i, pixels, mask, fill).label);
    const attended = (index: number) => cells(element)[index].getAttribute('aria-label')!.includes('attends most');
    const first = 4 * N + 5;
    cells(element)[first].focus();
    await waitUntil(() => attended(first), 'the first cell names its attention', { timeout: 60_000 });
    // Another cell, visible white: the map is there, so only what is drawn changes.
    const second = 2 * N + 3;
    cells(element)[second].focus();
    await waitUntil(() => attended(second), 'the second cell names its attention', { timeout: 60_000 });

    const all = cells(element);
    const row = (await ortAttention()).subarray(second * N * N, (second + 1) * N * N);
    const top = Math.max(...row);
    const label = attentionLabel(row, N, labels);
    all.forEach((cell, i) => {
      expect(shade(cell), `cell ${i}`).to.be.closeTo(row[i] / top, 1e-4);
      expect(cell.getAttribute('aria-label'), `cell ${i}`).to.equal(i === second ? `${labels[i]}; ${label}` : labels[i]);
    });
    const note = element.shadowRoot!.querySelector('[part="attention-note"]')!;
    expect(note.textContent).to.equal(`row 3, column 4 ${label}`);

    // Nothing focused or hovered: the template draws the plain cells again, and the live region empties.
    all[second].blur();
    await element.updateComplete;
    expect(all.some((cell) => cell.part.contains('attention') || cell.style.getPropertyValue('--square-inpainter-a') !== '')).to.equal(false);
    all.forEach((cell, i) => expect(cell.getAttribute('aria-label'), `cell ${i}`).to.equal(labels[i]));
    expect(note.textContent).to.equal('');
  });
});
