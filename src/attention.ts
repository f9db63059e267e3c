/**
 * `show-attention`, loaded only when an element shows attention (a chunk of its own, dist/attention.js): the
 * attention export of the bundled model for the grid size, and what it draws. Focusing or hovering a cell shades
 * every cell by its share of that cell's attention (the `attention` part and `--square-inpainter-a`, set through
 * the CSSOM), appends where most of it went to the cell's label, and says so in a polite live region.
 *
 * The cells are the element's template; this controller adds to them after each update of the host (part,
 * custom property, label suffix) and takes it away when `show-attention` goes off, so the entry module pays only
 * for the property and the import().
 */
import type { ReactiveController } from 'lit';
import { attentionLabel, attentionShades, attentionTokens, cellPlace } from './attention-cells.js';
import type { Input } from './input.js';
import type { Predictor } from './decoding.js';
import { getAssetLocations, openModel, type ModelHandle } from './runtime/index.js';
import type { SquareInpainter } from './square-inpainter.js';

/** The host as this controller reads it: its last valid input (a private field, read here to spare the entry). */
type Host = Pick<SquareInpainter, 'showAttention' | 'renderRoot' | 'addController'> & { input?: Input };

/** The bundled attention exports, one literal URL each, so bundlers emit them with this chunk. */
function bundledAttentionModel(gridSize: number): URL | undefined {
  if (gridSize === 8) return new URL('../models/square-inpainter-8-attention.onnx', import.meta.url);
  if (gridSize === 16) return new URL('../models/square-inpainter-16-attention.onnx', import.meta.url);
  return undefined;
}

/** The attention export for a grid size: the bundled file, or its name in a folder set with setAssetLocations. */
export function attentionModelUrl(gridSize: number): string {
  const bundled = bundledAttentionModel(gridSize);
  const { models } = getAssetLocations();
  return bundled && new URL('.', bundled).href === models ? bundled.href : new URL(`square-inpainter-${gridSize}-attention.onnx`, models).href;
}

// Adopted, not inline: a strict style-src CSP allows constructed sheets. The tint sits inset in the cell, so the
// cell's own colour (and a filled cell's confidence ring) stays visible around it.
const sheet = new CSSStyleSheet();
sheet.replaceSync(`:host{--square-inpainter-attention:#f08c00}
[part~=attention]{background-image:linear-gradient(color-mix(in srgb,var(--square-inpainter-attention) calc(var(--square-inpainter-a)*100%),transparent) 0 0);background-size:60% 60%;background-position:center;background-repeat:no-repeat}
.attention-note{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`);

const SUFFIX = '; attends most to ';

/** A cell's label as the element wrote it, without what this controller appended. */
function baseLabel(cell: HTMLElement): string {
  return (cell.getAttribute('aria-label') ?? '').split(SUFFIX)[0];
}

const controllers = new WeakMap<SquareInpainter, AttentionController>();

/** Gives `host` its attention controller, once. */
export function attach(host: SquareInpainter): void {
  if (!controllers.has(host)) controllers.set(host, new AttentionController(host));
}

export class AttentionController implements ReactiveController {
  readonly #host: Host;
  readonly #note = document.createElement('div');
  #hover = -1;
  #focus = -1;
  #modelUrl = '';
  /** The attention export's session, and a predictor on it that fetches `attention`. */
  #model?: Promise<[ModelHandle, Predictor]>;
  /** The attention map of the tokens in `#tokens`, once it has arrived. */
  #tokens = '';
  #map?: Float32Array;

  constructor(host: SquareInpainter) {
    this.#host = host as unknown as Host;
    this.#note.className = 'attention-note';
    this.#note.setAttribute('role', 'status');
    this.#note.setAttribute('part', 'attention-note');
    const root = this.#host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    root.append(this.#note);
    root.addEventListener('focusin', (event) => this.#point('#focus', event));
    root.addEventListener('focusout', () => this.#point('#focus'));
    root.addEventListener('pointerover', (event) => this.#point('#hover', event));
    root.addEventListener('pointerleave', () => this.#point('#hover'), true);
    host.addController(this);
    // The chunk arrives after the pointer or focus may already be on a cell: start from where they are.
    const cells = this.#cells();
    this.#focus = cells.indexOf(root.activeElement as HTMLElement);
    this.#hover = cells.findIndex((cell) => cell.matches(':hover'));
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#release();
  }

  #point(which: '#focus' | '#hover', event?: Event): void {
    const index = event ? this.#cells().indexOf(event.target as HTMLElement) : -1;
    if (which === '#focus') this.#focus = index;
    else this.#hover = index;
    this.#sync();
  }

  #cells(): HTMLElement[] {
    return [...this.#host.renderRoot.querySelectorAll<HTMLElement>('[role="gridcell"]')];
  }

  /** Draws the attention of the hovered (else focused) cell, asking the model for the map when the picture changed. */
  #sync(): void {
    const input = this.#host.input;
    const query = this.#hover >= 0 ? this.#hover : this.#focus;
    if (!this.#host.showAttention || !input || input.modelSrc) {
      this.#draw();
      if (!this.#host.showAttention) this.#release();
      return;
    }
    const { gridSize: size, pixels, mask } = input;
    const tokens = attentionTokens(pixels, mask);
    const key = `${input.backend} ${size} ${tokens.join('')}`;
    if (key !== this.#tokens) {
      this.#tokens = key;
      this.#map = undefined;
      this.#request(input, tokens, key);
    }
    const count = size * size;
    const map = this.#map;
    if (!map || query < 0 || query >= count) return this.#draw();
    const row = map.subarray(query * count, (query + 1) * count);
    const label = attentionLabel(row, size, this.#cells().map((cell) => baseLabel(cell)));
    this.#draw(attentionShades(row), query, label);
    this.#note.textContent = `${cellPlace(query, size)} ${label}`;
  }

  async #request(input: Input, tokens: Uint8Array, key: string): Promise<void> {
    const url = attentionModelUrl(input.gridSize);
    if (url !== this.#modelUrl) {
      this.#release();
      this.#modelUrl = url;
      const cellCount = input.gridSize ** 2;
      this.#model = openModel(url, input.backend).then((handle) => [handle, handle.createPredictor(cellCount, 'attention')]);
    }
    try {
      const map = await (await this.#model!)[1](tokens);
      if (key !== this.#tokens) return;
      this.#map = map;
      this.#sync();
    } catch (error) {
      // Shading is an aid: a missing attention export leaves the grid as it is, and says why in the console.
      if (key === this.#tokens) console.warn('square-inpainter: no attention', error);
    }
  }

  /** Shades the cells by `shades` and labels cell `query`, or takes both away. */
  #draw(shades?: string[], query = -1, label = ''): void {
    this.#cells().forEach((cell, index) => {
      const base = baseLabel(cell);
      cell.part.toggle('attention', !!shades);
      if (shades) cell.style.setProperty('--square-inpainter-a', shades[index]);
      else cell.style.removeProperty('--square-inpainter-a');
      cell.setAttribute('aria-label', index === query ? base + SUFFIX + label.slice('attends most to '.length) : base);
    });
    if (!shades) this.#note.textContent = '';
  }

  #release(): void {
    const model = this.#model;
    this.#model = undefined;
    this.#modelUrl = '';
    this.#tokens = '';
    this.#map = undefined;
    model?.then(([handle]) => handle.release(), () => undefined);
  }
}
