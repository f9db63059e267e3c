import { LitElement, html, noChange, nothing, type PropertyValues } from 'lit';
import type { AttentionController } from './attention.js';
import { cellView, sameOr, shownPixel, type Fill } from './cells.js';
import { FormController } from './controllers/form-controller.js';
import { GridEditingController } from './controllers/grid-editing-controller.js';
import { InferenceController } from './controllers/inference-controller.js';
import { ModelController } from './controllers/model-controller.js';
import { cssProperties } from './css-properties.js';
import type { Decoding } from './decoding.js';
import type { InpaintDetail, InpaintResult, SquareInpainterEventMap } from './events.js';
import { serializeCells } from './grid.js';
import { AttributeError, DEFAULT_GRID_SIZE, errorDetail, readInput, textAttribute, type Input } from './input.js';
import { nextTask } from './next-task.js';
import { priorFits } from './prior-fits.js';
import { setAssetLocations, type AssetLocations, type BackendPreference, type Prior } from './runtime/index.js';
import { styles } from './square-inpainter.styles.js';

/** What the pointer does: nothing, paint black and white, or hide and unhide cells. */
export type Tool = 'none' | 'draw' | 'mask';

/** The properties whose change starts a new inpaint. */
const INPUTS = ['gridSize', 'prior', 'pixels', 'mask', 'modelSrc', 'priorSrc', 'backend', 'decoding', 'steps', 'seed'] as const;

/** How many cells the grid's first drawing adds per task: a 16×16 grid comes in four. */
const CELLS_PER_TASK = 64;

type Status = 'loading' | 'working' | 'done' | 'error';

/** A fill and the `inpaint` detail it was announced with. */
interface Inpainted {
  fill: Fill;
  detail: InpaintDetail;
}

/**
 * @summary Fills in the hidden cells of an N×N black-and-white grid with a small transformer that runs in the
 * browser (onnxruntime-web on WebGPU or WASM). The prior: one white axis-aligned square on black.
 *
 * @fires load - A model is ready: `{backend, adapter, reason, gridSize, modelUrl}`. With nothing hidden none loads until a
 *   cell is hidden or, with `tool` set, the pointer enters the grid or focus comes into it.
 * @fires inpaint - The hidden cells are filled: `{pixels, probabilities, mask, backend, durationMs, queuedMs, decoding, runs, seed?, fits?}`;
 *   with nothing hidden, the picture as it is, `backend` null and `runs` 0 (no model loaded or run).
 * @fires error - The element could not inpaint: `{type, message, attribute, cause}`; it recovers on the next valid change.
 * @fires change - The user edited the grid (pointer or keyboard): `{pixels, mask}`, already in the properties.
 * @fires progress - The model is loading: `{totalProgress}` from 0 to 1 over the whole load (1 just before `load`).
 *
 * @csspart grid - The grid of cells.
 * @csspart row - One row of cells (`display: contents`).
 * @csspart cell - Every cell; with one of `cell-black`, `cell-white` (visible), `cell-hidden` (not yet filled),
 *   `cell-filled` (filled by the model; also `cell-filled-black` / `cell-filled-white` for its completed colour).
 * @csspart status - The line under the grid: loading, backend and time, "Nothing hidden", or the error.
 * @csspart progress-bar - The loading bar, shown until the model is ready; its `::before` is the filled share.
 * @csspart attention - With `show-attention`, every cell while a cell is focused or hovered; tinted by `--square-inpainter-a`, its share.
 *
 * @cssprop [--square-inpainter-cell-size=1.25rem] - Side of one cell.
 * @cssprop [--square-inpainter-gap=1px] - Gap between cells, and the grid's padding.
 * @cssprop [--square-inpainter-black=#000] - Colour of black cells.
 * @cssprop [--square-inpainter-white=#fff] - Colour of white cells.
 * @cssprop [--square-inpainter-hidden=#8a8a8a] - Colour of hidden cells not yet filled.
 * @cssprop [--square-inpainter-border=#6b6b6b] - Colour behind the cells (gaps and padding).
 * @cssprop [--square-inpainter-marker=#e0457b] - Colour of the dot that marks a filled cell, and of the confidence ring.
 * @cssprop [--square-inpainter-marker-size=30%] - Size of that dot, relative to the cell.
 * @cssprop [--square-inpainter-accent=#1a73e8] - Focus ring and loading bar.
 * @cssprop [--square-inpainter-attention=#f08c00] - Tint of the attention shading (`show-attention`).
 *
 * Keyboard (APG grid): arrows, Home/End (row), Ctrl+Home/End (grid) move; with `tool` set, Space or Enter
 * flips the cell's colour (showing it) and H hides or shows it.
 */
export class SquareInpainter extends LitElement {
  static override styles = styles;
  /** Takes part in forms: `name` submits the completed image. */
  static formAssociated = true;
  // A static block rather than @property/@state decorators: their calls cost about 400 bytes of the gzipped bundle
  // (15.9 of the 16 KB budget with them). `attribute: false` keeps the state out of custom-elements.json.
  static override properties = {
    // Reflects what the page sets as a property (safe text, as for `tool`); useDefault leaves the default and the
    // page's own attribute text (`08`, `abc`) as written.
    gridSize: { type: Number, reflect: true, useDefault: true, converter: textAttribute, attribute: 'grid-size' },
    prior: {},
    pixels: {},
    mask: {},
    modelSrc: { attribute: 'model-src' },
    priorSrc: { attribute: 'prior-src' },
    backend: {},
    decoding: {},
    steps: { type: Number },
    seed: { type: Number },
    tool: { reflect: true, converter: textAttribute },
    showConfidence: { type: Boolean, reflect: true, attribute: 'show-confidence' },
    showAttention: { type: Boolean, reflect: true, attribute: 'show-attention' },
    name: { reflect: true, converter: textAttribute },
    disabled: { type: Boolean, reflect: true },
    input: { state: true, attribute: false },
  };

  /**
   * Moves the folders the element loads its models (`square-inpainter-${N}.onnx`) and the onnxruntime-web
   * files (with its runtime worker: the package's `dist/ort/`) from; by default both ship beside the module. Call
   * it before the first element loads a model.
   */
  static setAssetLocations(locations: Partial<AssetLocations>): void {
    setAssetLocations(locations);
  }

  /** Grid side N; picks the bundled model for N (8 and 16 ship) unless `model-src` is set. */
  gridSize = DEFAULT_GRID_SIZE;

  /**
   * The set of pictures the hidden cells are filled to fit, and the bundled model trained on it: `squares` (one white
   * filled square on black, side 2 to N−2; 8 and 16 ship) or `rectangles` (one white filled rectangle, height and
   * width each 2 to N−2; 8 and 16 ship). `fits` in the `inpaint` event counts that prior's pictures.
   */
  prior: Prior = 'squares';

  /** N*N characters `0`/`1`, row-major, whitespace ignored. Empty means all black. */
  pixels = '';

  /** N*N characters `0`/`1`, 1 = hidden, whitespace ignored. Empty means nothing hidden. */
  mask = '';

  /** URL of a model that follows the contract; overrides the bundled one. */
  modelSrc = '';

  /**
   * URL of the image set a `model-src` model was trained on, as `npm run train -- --prior <your images>` publishes it
   * beside the model (`<name>-N.images.json`): gives `fits` in the `inpaint` event for that prior.
   */
  priorSrc = '';

  /** `auto` (WebGPU where an adapter exists, else WASM), `webgpu` or `wasm`. */
  backend: BackendPreference = 'auto';

  /** `iterative` (commit the surest cells, re-predict, repeat), `one-shot` (argmax of one prediction) or `sample`. */
  decoding: Decoding = 'iterative';

  /** Model runs for `iterative` and `sample` decoding; empty for the default. */
  steps?: number;

  /** Seed for `sample` decoding; the same seed gives the same picture. */
  seed?: number;

  /** What the pointer and Space/Enter/H do: `none`, `draw` (paint black and white) or `mask` (hide and unhide). */
  tool: Tool = 'none';

  /** Rings each filled cell by how unsure the model was of its colour; shows the confidence on hover or focus. */
  showConfidence = false;

  /** Shades the grid by where the model looked for the focused or hovered cell, and says so in its label. */
  showAttention = false;

  /** Form field name: the form submits the completed image (N*N `0`/`1`) under it. */
  name = '';

  /** No editing (and no form value), like a disabled input; also set by a disabled fieldset. */
  disabled = false;

  /** The last valid input, kept while the current one is invalid so the grid stays drawn. */
  private input?: Input;
  private inputError?: AttributeError;
  /** What the cells were last rendered from: the input, the fill, the tab stop and the attention drawn. */
  #drawn?: unknown[];
  /** `show-attention`'s controller, once its chunk has loaded. */
  #attention?: AttentionController;
  /**
   * While the grid is first drawn, the rows to draw: none in the first update, then up to CELLS_PER_TASK more cells'
   * worth in each task after; undefined once the grid is whole. No part of the first drawing is a long task, and
   * `updateComplete` waits for all of it.
   */
  #firstRows?: number = 0;
  /** Resolves when the first drawing is whole; set while it is not. */
  #drawing?: Promise<void>;
  #drawingDone?: () => void;

  readonly #inference = new InferenceController<Inpainted>(this, {
    task: (signal, complete) => this.#runInpaint(signal, complete),
    onComplete: ({ detail }) => {
      this.#form.setValue(detail.pixels);
      this.#emit('inpaint', detail);
    },
    onError: (error) => this.#emit('error', errorDetail(error, this.input?.modelSrc ?? '')),
  });

  readonly #model = new ModelController(this, {
    onProgress: (totalProgress) => this.#emit('progress', { totalProgress }),
    onLoad: (detail) => this.#emit('load', detail),
  });

  readonly #editing = new GridEditingController(this, {
    size: () => this.input?.gridSize ?? 0,
    tool: () => (this.#editable ? (this.tool as 'draw' | 'mask') : null),
    cell: (index) => ({ pixel: this.input!.pixels[index], hidden: this.input!.mask[index] }),
    shown: (index) => shownPixel(index, this.input!.pixels, this.input!.mask, this.#inference.value?.fill),
    setCell: (index, pixel, hidden) => this.#setCell(index, pixel, hidden),
    cells: () => this.#cells(),
    willEdit: () => this.#loadAhead(),
  });

  readonly #form = new FormController<[string, string]>(this, {
    defaults: () => [this.pixels, this.mask],
    reset: ([pixels, mask]) => {
      this.pixels = pixels;
      this.mask = mask;
    },
  });

  /**
   * Fills the hidden cells now. Resolves with the result of this request, or of the newer one that replaced it;
   * rejects with the error the `error` event reports.
   */
  async inpaint(): Promise<InpaintResult> {
    if (this.isUpdatePending) {
      // Properties set just before the call take effect first; if they started a request, that is this one.
      const before = this.#inference.latest;
      await this.updateComplete;
      const latest = this.#inference.latest;
      if (latest && latest !== before) return (await latest).detail;
    }
    return (await this.#inference.run()).detail;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reattached: the first update will not run again, so ask for a fresh result.
    if (this.hasUpdated) this.#autoInpaint();
  }

  /** Form reset: back to the `pixels` and `mask` the element first rendered with. */
  formResetCallback(): void {
    this.#form.reset();
  }

  formDisabledCallback(disabled: boolean): void {
    this.#form.setDisabled(disabled);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!INPUTS.some((name) => changed.has(name))) return;
    try {
      const input = readInput(this, document.baseURI, (name) => this.getAttribute(name));
      // While a new result is on its way the old one stays drawn (no flicker while drawing), unless the grid changed.
      if (this.input?.gridSize !== input.gridSize || this.input.modelUrl !== input.modelUrl) this.#inference.value = undefined;
      this.input = input;
      this.inputError = undefined;
      // The completed image is known now only if nothing is hidden; otherwise once the fill arrives.
      this.#form.setValue(input.mask.includes(1) ? null : serializeCells(input.pixels));
    } catch (error) {
      this.inputError = error as AttributeError;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (INPUTS.some((name) => changed.has(name))) this.#autoInpaint();
    const size = this.input?.gridSize;
    if (this.#firstRows !== undefined && size) {
      if (this.#firstRows >= size) {
        this.#firstRows = this.#drawing = undefined;
        this.#drawingDone?.();
      } else {
        this.#firstRows += Math.max(1, Math.floor(CELLS_PER_TASK / size));
        this.#drawing ??= new Promise((resolve) => (this.#drawingDone = resolve));
        nextTask().then(() => this.requestUpdate());
      }
    }
    // show-attention's code is a chunk of its own, imported on first use: pages without it load none of it.
    if (this.showAttention) {
      import('./attention.js').then((m) => {
        this.#attention ??= new m.AttentionController(this, {
          // The attention exports are the squares' models'; no other prior has one yet.
          shown: () => this.showAttention && this.input?.prior === 'squares',
          input: () => this.input,
          fill: () => this.#inference.value?.fill,
          cells: () => this.#cells(),
        });
      });
    }
  }

  /**
   * The first update comes in a task of its own, after the one that inserted the element (which often evaluated
   * this module too): its styles, the input's parsing and the start of the load are not added to that task.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated) return super.scheduleUpdate();
    return nextTask().then(() => super.scheduleUpdate());
  }

  /** Resolves once the element has updated and its grid is drawn whole (its first drawing takes a few tasks). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const updated = await super.getUpdateComplete();
    if (!this.#drawing) return updated;
    await this.#drawing;
    return super.getUpdateComplete();
  }

  protected override render(): unknown {
    const size = this.input?.gridSize ?? 0;
    const status = this.#status();
    const editing = this.#editing;
    // Until its first drawing is whole, the grid holds its place, and it and the lines under it stay unseen: the
    // element appears at once, as when it was drawn in one task.
    return html`<div part="grid" role="grid" aria-label="${size} by ${size} grid" style=${cssProperties({ '--grid-size': size })}
        ?data-drawing=${(this.#firstRows ?? size) < size}
        aria-readonly=${!this.#editable} aria-disabled=${!!this.disabled || this.#form.disabled}
        aria-busy=${status === 'loading' || status === 'working'} @keydown=${editing.handleKeydown} @focusin=${editing.handleFocusin}
        @pointerenter=${editing.handlePointerenter} @pointerdown=${editing.handlePointerdown} @pointermove=${editing.handlePointermove} @pointerup=${editing.handlePointerup}
        @pointercancel=${editing.handlePointerup}>${this.#renderRows()}</div>
      ${status === 'loading' ? this.#renderProgressBar() : nothing}
      <div part="status" role="status" ?data-error=${status === 'error'}>${this.#statusText(status)}</div>${this.#attention?.renderNote()}`;
  }

  /**
   * The rows and cells, or `noChange` while what they show is what they were drawn from: a status or progress
   * update leaves them alone (what lit's `guard` does, in fewer bytes).
   */
  #renderRows(): unknown {
    const input = this.input;
    const fill = this.#inference.value?.fill;
    const attention = this.#attention;
    const rows = input ? Math.min(input.gridSize, this.#firstRows ?? input.gridSize) : 0;
    const drawn = [input, fill, this.#editing.focusIndex, attention?.row, rows];
    if (drawn.every((value, i) => value === this.#drawn?.[i])) return noChange;
    this.#drawn = drawn;
    if (!input) return nothing;
    const { gridSize: size, pixels, mask } = input;
    const focus = this.#editing.focusFor(size);
    return Array.from({ length: rows }, (_, row) => html`<div part="row" role="row">${Array.from({ length: size }, (_, col) => {
      const index = row * size + col;
      const plain = cellView(index, pixels, mask, fill);
      // With attention drawn, the controller adds its part, shade and label suffix: this template alone writes them.
      const cell = attention?.cell(index, plain) ?? plain;
      return html`<div part=${cell.part} role="gridcell" tabindex=${index === focus ? 0 : -1} aria-label=${cell.label}
        data-confidence=${cell.confidence} style=${cssProperties({ '--p': cell.shade, '--square-inpainter-a': cell.attention })}></div>`;
    })}</div>`);
  }

  #renderProgressBar(): unknown {
    const loaded = this.#model.progress;
    return html`<div part="progress-bar" role="progressbar" aria-label="Loading model" aria-valuenow=${Math.round(loaded * 100)}
      style=${cssProperties({ '--progress': loaded })}></div>`;
  }

  /**
   * What the element is doing: an error stands until the next request; a request shows as loading or working;
   * with nothing hidden there is nothing to load or wait for.
   */
  #status(): Status {
    const inference = this.#inference;
    if (inference.error !== undefined) return 'error';
    if (this.input?.mask.includes(1) === false) return 'done';
    if (inference.busy || !inference.value) return this.#model.ready && inference.busy ? 'working' : 'loading';
    // A picture drawn without a model whose first cell was just hidden: its model loads, and the bar shows at once.
    return inference.value.detail.backend || this.#model.ready ? 'done' : 'loading';
  }

  #statusText(status: Status): string {
    if (status === 'error') return `Error: ${errorDetail(this.#inference.error, this.input?.modelSrc ?? '').message}`;
    if (status === 'loading') return 'Loading model…';
    if (status === 'working') return 'Inpainting…';
    const detail = this.#inference.value?.detail;
    // Whole milliseconds: fills that take about as long as the last leave the line, and the page's layout, alone.
    const done = detail?.backend ? `Filled on ${detail.backend} in ${detail.durationMs < 0.5 ? '<1' : Math.round(detail.durationMs)} ms` : 'Nothing hidden';
    const fits = this.input?.priorUrl ? 'No image of the prior' : `No single ${this.input?.prior === 'rectangles' ? 'rectangle' : 'square'}`;
    return done + (detail?.fits === 0 ? ` · ${fits} fits the visible cells` : '');
  }

  #cells(): NodeListOf<HTMLElement> {
    return this.renderRoot.querySelectorAll<HTMLElement>('[role="gridcell"]');
  }

  get #editable(): boolean {
    return (this.tool === 'draw' || this.tool === 'mask') && !this.disabled && !this.#form.disabled;
  }

  /** One request: the input as validated by the last update, the model, then decoding. */
  #runInpaint(signal: AbortSignal, complete: (result: Inpainted) => Inpainted | Promise<Inpainted>): Promise<Inpainted> {
    if (this.inputError) throw this.inputError;
    const input = this.input;
    if (!input || !this.isConnected) throw new Error('inpaint() needs the element to be in the document');
    return this.#decode(input, signal, complete);
  }

  async #decode(input: Input, signal: AbortSignal, complete: (result: Inpainted) => Inpainted | Promise<Inpainted>): Promise<Inpainted> {
    // Nothing hidden, nothing to fill: no model is loaded for it (no download, no worker) and none runs. The picture
    // is its own result, a task later as a fill's would be, so that listeners added after the update still hear it.
    const handle = input.mask.includes(1) ? await this.#model.open(input) : await new Promise<undefined>((resolve) => setTimeout(resolve));
    signal.throwIfAborted();
    const started = performance.now();
    const { decoding, steps, seed } = input;
    // The whole decode runs in the runtime worker: one message there, one back.
    // The fill's own time is timed in the worker; the rest it waited there (another model loading, other fills'
    // runs) or spent on the way.
    const decoded = handle
      ? await handle.decode(input.pixels, input.mask, { decoding, steps, seed, signal })
      : { pixels: input.pixels, probabilities: Float32Array.from(input.pixels), runs: 0, fillMs: 0, seed: decoding === 'sample' ? seed : undefined };
    const { pixels, probabilities, runs, fillMs: durationMs } = decoded;
    const queuedMs = handle ? Math.max(0, performance.now() - started - durationMs) : 0;
    const mask = serializeCells(input.mask);
    const detail: InpaintDetail = { pixels: serializeCells(pixels), probabilities, mask, backend: handle ? handle.backend : null, durationMs, queuedMs, decoding, runs };
    if (decoded.seed !== undefined) detail.seed = decoded.seed;
    // Say when no picture of the model's prior fits what is visible: the squares' count takes O(N² + 1235) at N = 16,
    // a few microseconds; another prior's is a chunk of its own, loaded when used.
    const fits = await priorFits(input);
    if (fits !== undefined) detail.fits = fits;
    // A fill that shows what is drawn already keeps the drawn one: the cells need no new render.
    const fill = sameOr(this.#inference.value?.fill, { pixels, probabilities, mask: input.mask });
    return complete({ fill, detail });
  }

  /**
   * Loads the model ahead of the first edit, once the pointer enters the grid or focus comes into it (with a tool
   * set): the user's intent, as lite-youtube-embed warms its connections on the first `pointerover` and loads the
   * player on click. Not when idle or in view, which would spend the runtime's megabytes on every reader who
   * scrolls past without editing. A failed load is the fill's to report, when one needs the model.
   */
  #loadAhead(): void {
    if (this.input && !this.inputError) this.#model.open(this.input).catch(() => undefined);
  }

  #autoInpaint(): void {
    // Failures reach the page as `error` events; the promise itself has no one waiting on it.
    this.#inference.run().catch(() => undefined);
  }

  /** A user edit: sets one cell, updates `pixels` and `mask` and fires `change` when that changed anything. */
  #setCell(index: number, pixel: number, hidden: number): void {
    const input = this.input!;
    if (input.pixels[index] === pixel && input.mask[index] === hidden) return;
    const pixels = input.pixels.slice();
    const mask = input.mask.slice();
    pixels[index] = pixel;
    mask[index] = hidden;
    // The next edit may come before the update that would parse these strings: it must build on this one.
    this.input = { ...input, pixels, mask };
    this.pixels = serializeCells(pixels);
    this.mask = serializeCells(mask);
    this.#emit('change', { pixels: this.pixels, mask: this.mask });
  }

  #emit<K extends keyof SquareInpainterEventMap>(type: K, detail: SquareInpainterEventMap[K]['detail']): void {
    // `error` does not bubble: a bubbling event named `error` reaches window, where pages (and test runners)
    // listen for uncaught script errors. `load` never reaches window, so it bubbles like the others.
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: type !== 'error', composed: true }));
  }
}

type Listener<K extends keyof SquareInpainterEventMap> = (this: SquareInpainter, event: SquareInpainterEventMap[K]) => unknown;
/** Typed listeners for the element's own events, including `load` and `error`. */
export interface SquareInpainter {
  addEventListener<K extends keyof SquareInpainterEventMap>(type: K, listener: Listener<K>, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SquareInpainterEventMap>(type: K, listener: Listener<K>, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'square-inpainter': SquareInpainter;
  }
}
