/**
 * `show-attention`, loaded only when an element shows attention (a chunk of its own, dist/attention.js): the
 * attention export of the bundled model for the grid size, and what it draws. Focusing or hovering a cell shades
 * every cell by its share of that cell's attention (the `attention` part and `--square-inpainter-a`), appends
 * where most of it went to the cell's label, and says so in a polite live region.
 *
 * The host configures the controller with callbacks (whether attention is shown, its input, its fill, its cells),
 * as material-web's ListController is, and asks it as it renders what each cell adds (`cell`) and for the live
 * region (`renderNote`): the host's template alone writes the cells' part, label and custom properties. The
 * controller adds to the shadow root only its stylesheet and its pointer and focus listeners, so the entry module
 * pays for the property, the import() and those few calls.
 */
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { attentionLabel, attentionShades, attentionTokens, cellPlace } from './attention-cells.js';
import { cellView, type CellView, type Fill } from './cells.js';
import type { Input } from './input.js';
import type { Predictor } from './decoding.js';
import { getAssetLocations, openModel, type ModelHandle } from './runtime/index.js';

/** What the attention controller reads from its host, each time it needs it. */
export interface AttentionOptions {
  /** Whether the host shows attention now (`show-attention`). */
  shown(): boolean;
  /** The host's last valid input; undefined while there is none. */
  input(): Input | undefined;
  /** The fill the host draws, if any: the strongest cell's label says what it shows. */
  fill(): Fill | undefined;
  /** The cells' elements, row-major: where the pointer and focus are. */
  cells(): ArrayLike<HTMLElement>;
}

/** The element that shows attention: a Lit host whose cells are rendered into a shadow root. */
export type AttentionHost = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

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

/** What is drawn: the query cell, its row of the attention map, each cell's shade and where most of it went. */
interface Drawing {
  query: number;
  /** The map `row` is a row of. */
  map: Float32Array;
  row: Float32Array;
  shades: string[];
  /** Where most of the query cell's attention went: `attends most to row 3, column 5 (visible white)`. */
  label: string;
  /** The live region's words: the query cell's place, then `label`. */
  note: string;
}

/**
 * Shades the host's grid by where the model looked for the hovered (else focused) cell. The host renders what
 * `cell` and `renderNote` return, and keys its cells' render on `row`.
 */
export class AttentionController implements ReactiveController {
  readonly #host: AttentionHost;
  readonly #options: AttentionOptions;
  #hover = -1;
  #focus = -1;
  #modelUrl = '';
  /** The attention export's session, and a predictor on it that fetches `attention`. */
  #model?: Promise<[ModelHandle, Predictor]>;
  /** The attention map of the tokens in `#tokens`, once it has arrived. */
  #tokens = '';
  #map?: Float32Array;
  #drawing?: Drawing;

  constructor(host: AttentionHost, options: AttentionOptions) {
    this.#host = host;
    this.#options = options;
    const root = host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    root.addEventListener('focusin', (event) => this.#point('#focus', event));
    root.addEventListener('focusout', () => this.#point('#focus'));
    root.addEventListener('pointerover', (event) => this.#point('#hover', event));
    root.addEventListener('pointerleave', () => this.#point('#hover'), true);
    // The chunk arrives after the pointer or focus may already be on a cell: start from where they are.
    const cells = Array.from(options.cells());
    this.#focus = cells.indexOf(root.activeElement as HTMLElement);
    this.#hover = cells.findIndex((cell) => cell.matches(':hover'));
    host.addController(this);
    host.requestUpdate();
  }

  /**
   * The attention row of the cell whose attention is drawn, or undefined while none is. A new object whenever
   * the query cell or the map changes: with the host's input and fill, what the cells' attention is drawn from.
   */
  get row(): Float32Array | undefined {
    return this.#drawing?.row;
  }

  /** Asks the model for the map when the picture changed, and works out what the host is about to draw. */
  hostUpdate(): void {
    const options = this.#options;
    const shown = options.shown();
    const input = options.input();
    if (!shown) this.#release();
    if (!shown || !input || input.modelSrc) {
      this.#drawing = undefined;
      return;
    }
    const { gridSize: size, pixels, mask } = input;
    const tokens = attentionTokens(pixels, mask);
    const key = `${input.backend} ${size} ${tokens.join('')}`;
    if (key !== this.#tokens) {
      // Opening another grid's export forgets the old one's tokens and map: this picture's come after.
      const model = this.#open(input);
      this.#tokens = key;
      this.#map = undefined;
      this.#request(model, tokens, key);
    }
    const count = size * size;
    const map = this.#map;
    const query = this.#hover >= 0 ? this.#hover : this.#focus;
    if (!map || query < 0 || query >= count) {
      this.#drawing = undefined;
      return;
    }
    // The same query on the same map keeps its row and shades: the host's cells need no new render for them.
    const drawn = this.#drawing?.query === query && this.#drawing.map === map ? this.#drawing : undefined;
    const row = drawn?.row ?? map.subarray(query * count, (query + 1) * count);
    // The label reads what the strongest cell shows now (as the host labels it), which a new fill may have changed.
    const fill = options.fill();
    const labels = Array.from({ length: count }, (_, index) => cellView(index, pixels, mask, fill).label);
    const label = attentionLabel(row, size, labels);
    this.#drawing = { query, map, row, shades: drawn?.shades ?? attentionShades(row), label, note: `${cellPlace(query, size)} ${label}` };
  }

  hostDisconnected(): void {
    this.#release();
  }

  /**
   * Cell `index` as the host draws it (`cell`) with what attention adds: the `attention` part, its shade and,
   * on the query cell, where most of its attention went. `cell` itself while nothing is drawn.
   */
  cell(index: number, cell: Readonly<CellView>): Readonly<CellView> {
    const drawing = this.#drawing;
    if (!drawing) return cell;
    return {
      ...cell,
      part: `${cell.part} attention`,
      label: index === drawing.query ? `${cell.label}; ${drawing.label}` : cell.label,
      attention: drawing.shades[index],
    };
  }

  /** The polite live region that says where the query cell's attention went; present while the controller is. */
  renderNote(): unknown {
    return html`<div class="attention-note" part="attention-note" role="status">${this.#drawing?.note ?? ''}</div>`;
  }

  #point(which: '#focus' | '#hover', event?: Event): void {
    const index = event ? Array.prototype.indexOf.call(this.#options.cells(), event.target) : -1;
    if (index === (which === '#focus' ? this.#focus : this.#hover)) return;
    if (which === '#focus') this.#focus = index;
    else this.#hover = index;
    this.#host.requestUpdate();
  }

  /** The attention export for `input`'s grid size, opened once; another size's export is released first. */
  #open(input: Input): Promise<[ModelHandle, Predictor]> {
    const url = attentionModelUrl(input.gridSize);
    if (url !== this.#modelUrl) {
      this.#release();
      this.#modelUrl = url;
      const cellCount = input.gridSize ** 2;
      this.#model = openModel(url, input.backend).then((handle) => [handle, handle.createPredictor(cellCount, 'attention')]);
    }
    return this.#model!;
  }

  /** The map for `tokens`, kept while `key` is still the picture shown. */
  async #request(model: Promise<[ModelHandle, Predictor]>, tokens: Uint8Array, key: string): Promise<void> {
    try {
      const map = await (await model)[1](tokens);
      if (key !== this.#tokens) return;
      this.#map = map;
      this.#host.requestUpdate();
    } catch (error) {
      // Shading is an aid: a missing attention export leaves the grid as it is, and says why in the console.
      if (key === this.#tokens) console.warn('square-inpainter: no attention', error);
    }
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
