import { expect, fixtureSync, html } from '@open-wc/testing';
import '../../dist/square-inpainter.js';
import { mulberry32 } from '../../src/decoding.js';
import { isSquare } from '../../src/grid.js';
import type { ErrorDetail, InpaintDetail, SquareInpainter } from '../../src/index.js';
import { exactPosterior } from '../../src/posterior.js';
import { maskCase, type MaskCase } from '../../training/mask-families.js';
import { cellString, cellsOf, modelUrl, nextEvent, recordEvents, settle, watchUnhandledRejections } from './support.js';

const N = 8;
const rejections = watchUnhandledRejections();
const windowErrors: string[] = [];
window.addEventListener('error', (event) => windowErrors.push(String(event.message ?? event.error)));

/** An object that has no text: `String()` and `setAttribute()` on it throw. */
const noText = { toString: (): string => { throw new Error('no text'); } };
const huge = '1'.repeat(1_000_000);

/** The inputs and what the fuzz assigns them: good values, other types, and values no attribute could hold. */
const INPUTS: Record<string, { attribute: string; values: unknown[] }> = {
  gridSize: { attribute: 'grid-size', values: [8, 8, '8', ' 8 ', [8], 8.5, 12, -1, 0, NaN, Infinity, 'big', huge, {}, [8, 8], true, Symbol('n'), noText] },
  pixels: { attribute: 'pixels', values: ['', '', null, undefined, '0'.repeat(64), '01'.repeat(32), '012', '0'.repeat(63), 42, ['0'.repeat(64)], {}, huge, Symbol('p'), noText] },
  mask: { attribute: 'mask', values: ['', null, '1'.repeat(64), '1'.repeat(8).padEnd(64, '0'), '2'.repeat(64), 7, [], { length: 64 }, Symbol('m'), noText] },
  modelSrc: { attribute: 'model-src', values: ['', '', null, modelUrl(8), `${modelUrl(8)}?fuzz`, 'http://[', 42, {}, Symbol('s'), noText] },
  backend: { attribute: 'backend', values: ['wasm', 'wasm', 'cuda', '', 42, {}, ['wasm'], Symbol('b'), noText] },
  decoding: { attribute: 'decoding', values: ['one-shot', 'iterative', 'sample', null, 'greedy', 3, {}, Symbol('d'), noText] },
  steps: { attribute: 'steps', values: [undefined, null, 1, 4, '3', 0, 1.5, 999, 'x', {}, Symbol('t'), noText] },
  seed: { attribute: 'seed', values: [undefined, null, 0, 7, '5', -1, 2 ** 33, 'x', [], Symbol('e'), noText] },
};
/** Properties that start no request, reflected to attributes. */
const OTHERS: Record<string, unknown[]> = {
  tool: ['none', 'draw', 'mask', 'bogus', null, 1, {}, Symbol('o'), noText],
  showConfidence: [true, false, 0, 'yes', {}, null, noText],
  disabled: [false, false, true, 1, '', {}, null, noText],
  name: ['image', '', 42, {}, null, noText],
};
const GOOD: Record<string, unknown> = { gridSize: 8, modelSrc: '', backend: 'wasm', decoding: 'iterative', steps: null, seed: null, tool: 'none', disabled: false };

/** The case every recovery fills: a square whose corner is hidden (iterative decoding completes these). */
const CASE: MaskCase = maskCase('corner', N, 4242);

function describeValue(value: unknown): string {
  if (typeof value === 'symbol') return 'a symbol';
  if (value === noText) return 'an object whose toString throws';
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}… (${value.length})` : value);
  try {
    return `${typeof value} ${JSON.stringify(value)}`;
  } catch {
    return typeof value;
  }
}

/** Sets the good values and CASE, and checks the fill: visible cells kept, a square, every certain cell right. */
async function recover(element: SquareInpainter, context: string): Promise<InpaintDetail> {
  Object.assign(element, GOOD, { pixels: cellString(CASE.pixels), mask: cellString(CASE.mask) });
  const detail = await element.inpaint();
  const completed = cellsOf(detail.pixels);
  const exact = exactPosterior(N, CASE.pixels, CASE.mask).probabilities;
  expect(detail.mask, context).to.equal(cellString(CASE.mask));
  for (let cell = 0; cell < N * N; cell++) {
    if (!CASE.mask[cell]) expect(completed[cell], `${context}: visible cell ${cell}`).to.equal(CASE.pixels[cell]);
    else if (exact[cell] === 0 || exact[cell] === 1) expect(completed[cell], `${context}: certain cell ${cell}`).to.equal(exact[cell]);
  }
  expect(isSquare(completed, N), `${context}: ${detail.pixels} is a square`).to.equal(true);
  await element.updateComplete;
  const status = element.shadowRoot!.querySelector('[part~="status"]')!.textContent!;
  expect(status, context).to.match(/^Filled on wasm in (<1|\d+) ms$/);
  return detail;
}

/** Checks the errors an element reported: never `inference`, the attribute named, the message short. */
function checkErrors(errors: CustomEvent<ErrorDetail>[], context: string): void {
  for (const { detail } of errors) {
    expect(detail.type, `${context}: ${detail.message}`).to.be.oneOf(['invalid-attribute', 'model-load']);
    if (detail.type === 'invalid-attribute') expect(detail.attribute, detail.message).to.be.a('string');
    expect(detail.message.length, `${context}: message of ${detail.message.length} characters`).to.be.below(400);
  }
}

describe('hostile values', function () {
  this.timeout(300_000);

  afterEach(() => {
    expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]);
    expect(windowErrors, 'uncaught errors').to.deep.equal([]);
  });

  it('quotes at most about 80 characters of a value in the error and the status line', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter backend="wasm" grid-size=${huge}></square-inpainter>`);
    const { detail } = await nextEvent(element, 'error');
    expect(detail.type).to.equal('invalid-attribute');
    expect(detail.attribute).to.equal('grid-size');
    expect(detail.message.length).to.be.below(200);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="status"]')!.textContent!.length).to.be.below(210);
    element.setAttribute('grid-size', '8');
    await nextEvent(element, 'inpaint');
  });

  it('reads any value of an input property like its attribute, or reports it naming the attribute, and recovers', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await nextEvent(element, 'inpaint');
    for (const [property, { attribute, values }] of Object.entries(INPUTS)) {
      for (const value of values) {
        const context = `${property} = ${describeValue(value)}`;
        await recover(element, `before ${context}`);
        // The same value again changes nothing, and starts no request.
        if (Object.is((element as unknown as Record<string, unknown>)[property], value)) continue;
        const errors = recordEvents(element, 'error');
        const outcome = Promise.race([nextEvent(element, 'error'), nextEvent(element, 'inpaint')]);
        (element as unknown as Record<string, unknown>)[property] = value;
        await element.updateComplete;
        const event = await outcome;
        checkErrors(errors, context);
        if (event.type === 'error') {
          const { detail } = event as CustomEvent<ErrorDetail>;
          if (detail.type === 'invalid-attribute') expect(detail.attribute, `${context}: ${detail.message}`).to.be.oneOf([attribute, 'grid-size']);
        }
        await recover(element, `after ${context}`);
      }
    }
  });

  it('keeps updating after a value that has no text in a reflected property', async () => {
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await nextEvent(element, 'inpaint');
    for (const [property, values] of Object.entries(OTHERS)) {
      for (const value of values) {
        (element as unknown as Record<string, unknown>)[property] = value;
        await element.updateComplete;
      }
    }
    expect(element.hasAttribute('tool'), 'a value with no text is not reflected').to.equal(false);
    element.tool = 'draw';
    await element.updateComplete;
    expect(element.getAttribute('tool')).to.equal('draw');
    await recover(element, 'after the reflected properties');
  });
});

describe('fuzz: random assignments of attributes and properties', function () {
  this.timeout(300_000);

  it('survives 1200 random assignments with no uncaught error, and fills correctly afterwards', async () => {
    const rand = mulberry32(20_261_128);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
    const element = fixtureSync<SquareInpainter>(html`<square-inpainter grid-size="8" backend="wasm"></square-inpainter>`);
    await nextEvent(element, 'inpaint');
    const errors = recordEvents(element, 'error');
    const names = [...Object.keys(INPUTS), ...Object.keys(OTHERS)];
    const attributes: Record<string, string> = { gridSize: 'grid-size', modelSrc: 'model-src', showConfidence: 'show-confidence' };
    let assignments = 0;
    for (let burst = 0; assignments < 1200; burst++) {
      // A burst of assignments in one task, then an update; now and then the request it starts runs a while.
      const size = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < size; i++, assignments++) {
        const name = pick(names);
        const value = pick(INPUTS[name]?.values ?? OTHERS[name]);
        const attribute = attributes[name] ?? INPUTS[name]?.attribute ?? name;
        if (rand() < 0.3 && (typeof value === 'string' || typeof value === 'number' || value === null)) {
          if (value === null) element.removeAttribute(attribute);
          else element.setAttribute(attribute, String(value));
        } else (element as unknown as Record<string, unknown>)[name] = value;
      }
      await element.updateComplete;
      if (burst % 10 === 9) await settle(5 + rand() * 30);
      const status = element.shadowRoot!.querySelector('[part~="status"]')!.textContent!;
      expect(status.length, `status after ${assignments} assignments`).to.be.below(400);
      if (burst % 40 === 39) {
        checkErrors(errors, `after ${assignments} assignments`);
        await recover(element, `recovery after ${assignments} assignments`);
      }
    }
    checkErrors(errors, 'the fuzz');
    await recover(element, 'after the fuzz');
    await settle(300);
    expect(rejections.reasons, 'unhandled rejections').to.deep.equal([]);
    expect(windowErrors, 'uncaught errors').to.deep.equal([]);
  });
});
