import { ReactiveElement, type PropertyValues } from '@lit/reactive-element';
import { DECODINGS, MAX_SEED, MAX_STEPS, decode, type Decoding, type Predictor } from './decoding.js';
import type { ErrorDetail, ErrorType, InpaintDetail, InpaintResult, LoadDetail, SquareInpainterEventMap } from './events.js';
import { MAX_GRID_SIZE, MIN_GRID_SIZE, parseCells, serializeCells } from './grid.js';
import {
  BUNDLED_GRID_SIZES,
  ModelLoadError,
  RuntimeLoadError,
  bundledModelUrl,
  openModel,
  setAssetLocations,
  type AssetLocations,
  type Backend,
  type BackendPreference,
  type ModelHandle,
} from './runtime/index.js';
import { styles } from './square-inpainter.styles.js';

const DEFAULT_GRID_SIZE = 16;
/** How long a fill over a drawn result runs before the element shows that it is working. */
const BUSY_DELAY_MS = 100;
const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];

/** What the pointer does: nothing, paint black and white, or hide and unhide cells. */
export type Tool = 'none' | 'draw' | 'mask';

/** The properties whose change starts a new inpaint. */
const INPUTS = ['gridSize', 'pixels', 'mask', 'modelSrc', 'backend', 'decoding', 'steps', 'seed'] as const;

/** A validated request: what the element would send to the model now. */
interface Input {
  gridSize: number;
  pixels: Uint8Array;
  mask: Uint8Array;
  modelUrl: string;
  backend: BackendPreference;
  decoding: Decoding;
  steps?: number;
  seed?: number;
}

/** An input the element cannot use; `attribute` names the attribute at fault. */
class AttributeError extends Error {
  constructor(
    readonly attribute: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttributeError';
  }
}

/** The model an element holds: the shared session and its own predictor. */
interface ModelSlot {
  key: string;
  ready: Promise<{ handle: ModelHandle; predict: Predictor }>;
  handle?: ModelHandle;
  released: boolean;
}

/**
 * @summary Fills in the hidden cells of an N×N black-and-white grid with a small transformer that runs in the
 * browser (onnxruntime-web on WebGPU or WASM). The prior: one white axis-aligned square on black.
 *
 * @fires load - A model is ready: `{backend, gridSize, modelUrl}`.
 * @fires inpaint - The hidden cells are filled: `{pixels, probabilities, mask, backend, durationMs, decoding, runs}`.
 * @fires error - The element could not inpaint: `{type, message, attribute, cause}`; it recovers on the next valid change.
 * @fires change - The user edited the grid (pointer or keyboard): `{pixels, mask}`, already in the properties.
 * @fires progress - The model is loading: `{totalProgress}` from 0 to 1 (the download is the first 90%; 1 just before `load`).
 *
 * @csspart grid - The grid of cells.
 * @csspart row - One row of cells (`display: contents`).
 * @csspart cell - Every cell; with one of `cell-black`, `cell-white` (visible), `cell-hidden` (not yet filled),
 *   `cell-filled` (filled by the model; also `cell-filled-black` / `cell-filled-white` for its completed colour).
 * @csspart status - The line under the grid: loading, backend and time, or the error.
 * @csspart progress-bar - The loading bar, shown until the model is ready; its `::before` is the filled share.
 *
 * @cssprop [--square-inpainter-cell-size=1.25rem] - Side of one cell.
 * @cssprop [--square-inpainter-gap=1px] - Gap between cells, and the grid's padding.
 * @cssprop [--square-inpainter-black=#000] - Colour of black cells.
 * @cssprop [--square-inpainter-white=#fff] - Colour of white cells.
 * @cssprop [--square-inpainter-hidden=#8a8a8a] - Colour of hidden cells not yet filled.
 * @cssprop [--square-inpainter-border=#6b6b6b] - Colour behind the cells (gaps and padding).
 * @cssprop [--square-inpainter-marker=#e0457b] - Colour of the dot that marks a filled cell.
 * @cssprop [--square-inpainter-marker-size=30%] - Size of that dot, relative to the cell.
 * @cssprop [--square-inpainter-accent=#1a73e8] - Focus ring and loading bar.
 *
 * Keyboard (APG grid): arrows, Home/End (row), Ctrl+Home/End (grid) move; with `tool` set, Space or Enter
 * flips the cell's colour (showing it) and H hides or shows it.
 */
export class SquareInpainter extends ReactiveElement {
  static override styles = styles;
  /** Takes part in forms: `name` submits the completed image. */
  static formAssociated = true;
  // Declared here rather than with @property/@state: the decorators' calls cost ~400 bytes of gzipped bundle.
  // `attribute: false` on the states keeps them out of custom-elements.json's attributes.
  static override properties = {
    gridSize: { type: Number, attribute: 'grid-size' },
    pixels: {},
    mask: {},
    modelSrc: { attribute: 'model-src' },
    backend: {},
    decoding: {},
    steps: { type: Number },
    seed: { type: Number },
    tool: { reflect: true },
    showConfidence: { type: Boolean, reflect: true, attribute: 'show-confidence' },
    name: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    input: { state: true, attribute: false },
    inputError: { state: true, attribute: false },
    result: { state: true, attribute: false },
    status: { state: true, attribute: false },
    statusText: { state: true, attribute: false },
    loaded: { state: true, attribute: false },
    focusIndex: { state: true, attribute: false },
    formDisabled: { state: true, attribute: false },
  };

  /**
   * Moves the folders the element loads its models (`square-inpainter-${N}.onnx`) and the onnxruntime-web
   * files from; by default both ship beside the module. Call it before the first element loads a model.
   */
  static setAssetLocations(locations: Partial<AssetLocations>): void {
    setAssetLocations(locations);
  }

  /** Grid side N; picks the bundled model for N (8 and 16 ship) unless `model-src` is set. */
  gridSize = DEFAULT_GRID_SIZE;

  /** N*N characters `0`/`1`, row-major, whitespace ignored. Empty means all black. */
  pixels = '';

  /** N*N characters `0`/`1`, 1 = hidden, whitespace ignored. Empty means nothing hidden. */
  mask = '';

  /** URL of a model that follows the contract; overrides the bundled one. */
  modelSrc = '';

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

  /** Shades filled cells by P(white) and shows the model's confidence on hover or focus. */
  showConfidence = false;

  /** Form field name: the form submits the completed image (N*N `0`/`1`) under it. */
  name = '';

  /** No editing (and no form value), like a disabled input; also set by a disabled fieldset. */
  disabled = false;

  /** The last valid input, kept while the current one is invalid so the grid stays drawn. */
  private input?: Input;
  private inputError?: AttributeError;
  /** The latest result, drawn until the next one arrives; cleared when the grid or the model changes. */
  private result?: { pixels: Uint8Array; probabilities: Float32Array; mask: Uint8Array; backend: Backend; durationMs: number };
  private status: 'loading' | 'working' | 'done' | 'error' = 'loading';
  private statusText = 'Loading model…';
  /** Share of the model loaded, for the progress bar. */
  private loaded = 0;
  /** The cell that holds the grid's one tab stop. */
  private focusIndex = 0;
  private formDisabled = false;

  readonly #internals = this.attachInternals();
  /** `pixels` and `mask` as first rendered: what a form reset restores. */
  #defaults?: [string, string];
  /** The pointer stroke in progress: the value it paints and the grid's geometry, read once per stroke. */
  #stroke?: { value: number; left: number; top: number; pitch: number; gap: number };
  /** The shadow DOM's parts, made on the first update. */
  #grid?: HTMLElement;
  #progressBar?: HTMLElement;
  readonly #statusText = document.createTextNode('');
  /** The grid's cells, row-major, made by `drawCells()`. */
  #cells: HTMLElement[] = [];
  /** What `drawCells()` last wrote on each cell (its label, shade and tab stop), to write only the cells that changed. */
  #drawnState = new Int8Array(0);
  #drawnShade = new Float32Array(0);
  #model?: ModelSlot;
  #controller?: AbortController;
  #latest?: Promise<InpaintResult>;
  /** The fill over a drawn result now running, and when it started: what the busy timer checks. */
  #busy?: { signal: AbortSignal; since: number };
  #busyTimer?: ReturnType<typeof setTimeout>;
  /** What the form was last given (undefined: nothing yet). */
  #formValue?: string | null;

  /**
   * Fills the hidden cells now. Resolves with the result of this request, or of the newer one that replaced it;
   * rejects with the error the `error` event reports.
   */
  async inpaint(): Promise<InpaintResult> {
    if (this.isUpdatePending) {
      // Properties set just before the call take effect first; if they started a request, that is this one.
      const before = this.#latest;
      await this.updateComplete;
      if (this.#latest && this.#latest !== before) return this.#latest;
    }
    return this.#startRequest();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reattached: the first update will not run again, so ask for a fresh result.
    if (this.hasUpdated) this.#autoInpaint();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#controller?.abort();
    this.#releaseModel();
  }

  /** Form reset: back to the `pixels` and `mask` the element first rendered with. */
  formResetCallback(): void {
    if (this.#defaults) [this.pixels, this.mask] = this.#defaults;
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#defaults ??= [this.pixels, this.mask];
    if (!INPUTS.some((name) => changed.has(name))) return;
    try {
      const input = this.#readInput();
      // While a new result is on its way the old one stays drawn (no flicker while drawing), unless the grid changed.
      if (this.input?.gridSize !== input.gridSize || this.input.modelUrl !== input.modelUrl) this.result = undefined;
      this.input = input;
      this.inputError = undefined;
      // The completed image is known now only if nothing is hidden; otherwise once the fill arrives.
      this.#setFormValue(input.mask.includes(1) ? null : serializeCells(input.pixels));
    } catch (error) {
      this.inputError = error as AttributeError;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('input') || changed.has('focusIndex')) this.#drawCells();
    // A new result changes only the cells that are hidden.
    else if (changed.has('result')) this.#drawCells(true);
    if (INPUTS.some((name) => changed.has(name))) this.#autoInpaint();
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    this.#render();
  }

  /**
   * Writes the shadow DOM: the grid's state, the loading bar while the model loads, and the status line. The
   * grid's rows and cells are `drawCells()`'s, so a status or progress update touches none of the N*N cells.
   */
  #render(): void {
    const size = this.input?.gridSize ?? 0;
    const loading = this.status === 'loading';
    if (!this.#grid) {
      this.#grid = this.#createPart('grid', 'grid');
      this.#progressBar = this.#createPart('progress-bar', 'progressbar');
      this.#progressBar.setAttribute('aria-label', 'Loading model');
      this.#createPart('status', 'status').append(this.#statusText);
      const listeners = {
        keydown: this.#handleKeydown,
        focusin: this.#handleFocusin,
        pointerdown: this.#handlePointerdown,
        pointermove: this.#handlePointermove,
        pointerup: this.#handlePointerup,
        pointercancel: this.#handlePointerup,
      };
      for (const [type, listener] of Object.entries(listeners)) this.#grid.addEventListener(type, listener as EventListener);
    }
    const grid = this.#grid;
    setAttributes(grid, {
      'aria-readonly': String(!this.#editable),
      'aria-disabled': String(this.disabled || this.formDisabled),
      'aria-busy': String(loading || this.status === 'working'),
      'aria-label': `${size} by ${size} grid`,
      style: `--grid-size: ${size}`,
    });
    const bar = this.#progressBar!;
    if (loading) {
      setAttributes(bar, { 'aria-valuenow': String(Math.round(this.loaded * 100)), style: `--progress: ${this.loaded}` });
      grid.after(bar);
    } else bar.remove();
    // The text node's data, not textContent, which would replace the node on every status.
    if (this.#statusText.data !== this.statusText) this.#statusText.data = this.statusText;
    // An error takes the width it needs (there may be no grid yet); other statuses keep to the grid's.
    this.#statusText.parentElement!.toggleAttribute('data-error', this.status === 'error');
  }

  /** A `<div>` with a part and a role, appended to `parent` (the shadow root by default). */
  #createPart(part: string, role: string, parent: ParentNode = this.renderRoot): HTMLElement {
    const element = document.createElement('div');
    element.setAttribute('part', part);
    element.setAttribute('role', role);
    parent.append(element);
    return element;
  }

  /**
   * Makes the rows and cells when the grid's size changed, then writes each cell's tab stop, part, label,
   * confidence and shade from the input and the result, where they changed; only the hidden cells' if
   * `hiddenOnly`.
   */
  #drawCells(hiddenOnly = false): void {
    const input = this.input;
    if (!input) return;
    const size = input.gridSize;
    if (this.#cells.length !== size * size) {
      this.#cells = [];
      this.#drawnState = new Int8Array(size * size).fill(-1);
      this.#drawnShade = new Float32Array(size * size);
      this.#grid!.replaceChildren();
      for (let row = 0; row < size; row++) {
        const rowElement = this.#createPart('row', 'row', this.#grid);
        for (let col = 0; col < size; col++) this.#cells.push(this.#createPart('cell', 'gridcell', rowElement));
      }
    }
    const focus = Math.min(this.focusIndex, size * size - 1);
    const result = this.result;
    this.#cells.forEach((cell, index) => {
      if (hiddenOnly && !input.mask[index]) return;
      const filled = !!result && this.#filled(index);
      const pixel = (filled ? result : input).pixels[index];
      const probability = filled ? result.probabilities[index] : -1;
      // What the cell shows, as numbers: nothing is formatted for a cell that is drawn already.
      const state = 2 * (filled ? 3 + pixel : input.mask[index] ? 2 : pixel) + (index === focus ? 1 : 0);
      if (this.#drawnState[index] === state && this.#drawnShade[index] === probability) return;
      this.#drawnState[index] = state;
      this.#drawnShade[index] = probability;
      let label = input.mask[index] ? 'hidden' : pixel ? 'white' : 'black';
      let part = `cell cell-${label}`;
      let confidence = '';
      let shade = '';
      if (filled) {
        const colour = pixel ? 'white' : 'black';
        confidence = `${Math.round(100 * (pixel ? probability : 1 - probability))}%`;
        part = `cell cell-filled cell-filled-${colour}`;
        label = `filled ${colour}, ${confidence} sure`;
        shade = `--p: ${probability.toFixed(3)}`;
      }
      cell.tabIndex = index === focus ? 0 : -1;
      cell.setAttribute('part', part);
      cell.setAttribute('aria-label', label);
      cell.setAttribute('data-confidence', confidence);
      cell.setAttribute('style', shade);
    });
  }

  get #editable(): boolean {
    return (this.tool === 'draw' || this.tool === 'mask') && !this.disabled && !this.formDisabled;
  }

  /** Whether a cell shows the model's fill: hidden now and in the request the drawn result answered. */
  #filled(index: number): boolean {
    return this.input!.mask[index] === 1 && this.result?.mask[index] === 1;
  }

  /** The colour a cell shows: its pixel, or the model's fill. */
  #shown(index: number): number {
    return (this.#filled(index) ? this.result! : this.input!).pixels[index];
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

  /** Validates every input attribute; throws an AttributeError naming the first that is wrong. */
  #readInput(): Input {
    const integer = <T extends number | undefined>(attribute: string, value: T, min: number, max: number): T => {
      if (value === undefined || (Number.isInteger(value) && value! >= min && value! <= max)) return value;
      // The value as the page wrote it: a non-integer attribute reads as NaN.
      const text = this.getAttribute(attribute) ?? String(value);
      throw new AttributeError(attribute, `${attribute} must be an integer from ${min} to ${max}; got ${JSON.stringify(text)}`);
    };
    const oneOf = <T extends string>(attribute: string, value: T, allowed: readonly T[]): T => {
      if (allowed.includes(value)) return value;
      throw new AttributeError(attribute, `${attribute} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
    };
    // A removed attribute reads as null: back to the default.
    const gridSize = integer('grid-size', this.gridSize ?? DEFAULT_GRID_SIZE, MIN_GRID_SIZE, MAX_GRID_SIZE);
    const modelSrc = (this.modelSrc ?? '').trim();
    if (!modelSrc && !BUNDLED_GRID_SIZES.includes(gridSize)) {
      throw new AttributeError(
        'grid-size',
        `grid-size ${gridSize} has no bundled model; use ${BUNDLED_GRID_SIZES.join(' or ')}, or set model-src to a model for ${gridSize}×${gridSize}`,
      );
    }
    const pixels = this.#readCells('pixels', this.pixels, gridSize);
    const mask = this.#readCells('mask', this.mask, gridSize);
    let modelUrl: string;
    try {
      modelUrl = modelSrc ? new URL(modelSrc, document.baseURI).href : bundledModelUrl(gridSize);
    } catch (cause) {
      throw new AttributeError('model-src', `model-src must be a URL of an ONNX model; got ${JSON.stringify(modelSrc)}`, { cause });
    }
    return {
      gridSize,
      pixels,
      mask,
      modelUrl,
      backend: oneOf('backend', this.backend ?? 'auto', BACKENDS),
      decoding: oneOf('decoding', this.decoding ?? 'iterative', DECODINGS),
      steps: integer('steps', this.steps ?? undefined, 1, MAX_STEPS),
      seed: integer('seed', this.seed ?? undefined, 0, MAX_SEED),
    };
  }

  #readCells(attribute: string, value: string | null | undefined, gridSize: number): Uint8Array {
    if (value == null || value.trim() === '') return new Uint8Array(gridSize * gridSize);
    try {
      return parseCells(value, gridSize, attribute);
    } catch (cause) {
      throw new AttributeError(attribute, (cause as Error).message, { cause });
    }
  }

  /** One request, from validation to the `inpaint` event, with one place that turns failures into `error`. */
  async #runRequest(signal: AbortSignal): Promise<InpaintResult> {
    try {
      if (this.inputError) throw this.inputError;
      const input = this.input;
      if (!input || !this.isConnected) throw new Error('inpaint() needs the element to be in the document');
      if (!this.result) this.#setStatus(this.#model?.handle ? 'working' : 'loading');
      const { handle, predict } = await this.#loadModel(input);
      signal.throwIfAborted();
      // Over a drawn result, "Inpainting…" (and aria-busy) shows only once a fill takes long enough to notice:
      // a fast one would flash it, and pay for one more update of the element (bench/README.md). A status
      // that says something else (loading, an error) gives way at once.
      if (this.status === 'done') this.#watchBusy(signal);
      else this.#setStatus('working');
      const started = performance.now();
      const decoded = await decode(predict, input.pixels, input.mask, {
        decoding: input.decoding,
        steps: input.steps,
        seed: input.seed,
        signal,
      });
      const durationMs = performance.now() - started;
      signal.throwIfAborted();
      const detail: InpaintDetail = {
        pixels: serializeCells(decoded.pixels),
        probabilities: decoded.probabilities,
        mask: serializeCells(input.mask),
        backend: handle.backend,
        durationMs,
        decoding: input.decoding,
        runs: decoded.runs,
      };
      if (decoded.seed !== undefined) detail.seed = decoded.seed;
      this.result = { ...decoded, mask: input.mask, backend: handle.backend, durationMs };
      this.#setFormValue(detail.pixels);
      this.#setStatus('done');
      this.#emit('inpaint', detail);
      return detail;
    } catch (error) {
      // A request that was replaced or whose element left the page ends quietly.
      if (!signal.aborted) this.#reportError(error);
      throw error;
    } finally {
      if (this.#busy?.signal === signal) this.#busy = undefined;
      // A settled request has nothing left to abort: the next one need not abort it (a DOMException each time).
      if (this.#controller?.signal === signal) this.#controller = undefined;
    }
  }

  /** The element's model for `input`, opened (or joined) once per model URL and backend. */
  #loadModel(input: Input): ModelSlot['ready'] {
    const cellCount = input.gridSize * input.gridSize;
    const key = `${input.backend} ${cellCount} ${input.modelUrl}`;
    if (this.#model?.key === key) return this.#model.ready;
    this.#releaseModel();
    const slot: ModelSlot = { key, released: false, ready: undefined! };
    this.#reportProgress(0);
    // The runtime reports the whole load (downloads, then the session's start); 1 comes just before `load`.
    const onProgress = (fraction: number) => this.#model === slot && this.#reportProgress(fraction);
    slot.ready = openModel(input.modelUrl, input.backend, onProgress).then((handle) => {
      slot.handle = handle;
      if (slot.released) {
        handle.release();
        throw new DOMException('The model is no longer needed', 'AbortError');
      }
      if (handle.cellCount !== null && handle.cellCount !== cellCount) {
        this.#releaseModel();
        throw new AttributeError(
          input.modelUrl === bundledModelUrl(input.gridSize) ? 'grid-size' : 'model-src',
          `model-src ${input.modelUrl} takes ${handle.cellCount} cells, but grid-size ${input.gridSize} needs ${cellCount}`,
        );
      }
      this.#reportProgress(1);
      const { backend, adapter, reason } = handle;
      this.#emit('load', { backend, adapter, reason, gridSize: input.gridSize, modelUrl: input.modelUrl } satisfies LoadDetail);
      return { handle, predict: handle.createPredictor(cellCount) };
    });
    // A failed load is not kept: the next request tries again.
    slot.ready.catch(() => {
      if (this.#model === slot) this.#model = undefined;
    });
    this.#model = slot;
    return slot.ready;
  }

  #releaseModel(): void {
    const slot = this.#model;
    if (!slot) return;
    this.#model = undefined;
    slot.released = true;
    slot.handle?.release();
  }

  /** Starts a request that replaces any pending one; a replaced request follows its replacement. */
  #startRequest(): Promise<InpaintResult> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const request: Promise<InpaintResult> = this.#runRequest(controller.signal).catch((error: unknown) => {
      if (controller.signal.aborted && this.#latest && this.#latest !== request) return this.#latest;
      throw error;
    });
    this.#latest = request;
    return request;
  }

  /**
   * Shows "Inpainting…" once the fill of `signal` has run for BUSY_DELAY_MS. One timer serves fill after fill:
   * it is armed only when none is, and re-arms itself while a fill runs (setTimeout and clearTimeout for every
   * fill cost more than the rest of a fast fill's bookkeeping, bench/README.md).
   */
  #watchBusy(signal: AbortSignal): void {
    this.#busy = { signal, since: performance.now() };
    this.#busyTimer ??= setTimeout(this.#checkBusy, BUSY_DELAY_MS);
  }

  readonly #checkBusy = (): void => {
    this.#busyTimer = undefined;
    if (!this.#busy) return;
    const left = this.#busy.since + BUSY_DELAY_MS - performance.now();
    if (left > 0) this.#busyTimer = setTimeout(this.#checkBusy, left);
    else this.#setStatus('working');
  };

  #autoInpaint(): void {
    // Failures reach the page as `error` events; the promise itself has no one waiting on it.
    this.#startRequest().catch(() => undefined);
  }

  /** Hands the form a new value; the same value again costs nothing. */
  #setFormValue(value: string | null): void {
    if (value === this.#formValue) return;
    this.#formValue = value;
    this.#internals.setFormValue(value);
  }

  #reportProgress(totalProgress: number): void {
    this.loaded = totalProgress;
    this.#emit('progress', { totalProgress });
  }

  #reportError(error: unknown): void {
    let type: ErrorType = 'inference';
    let attribute: string | undefined;
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof AttributeError) {
      type = 'invalid-attribute';
      attribute = error.attribute;
    } else if (error instanceof RuntimeLoadError) {
      type = 'runtime-load';
    } else if (error instanceof ModelLoadError) {
      type = 'model-load';
      if (this.modelSrc) {
        attribute = 'model-src';
        message = `model-src: ${message}`;
      }
    }
    this.#setStatus('error', message);
    this.#emit('error', { type, message, attribute, cause: error } satisfies ErrorDetail);
  }

  #setStatus(status: SquareInpainter['status'], message?: string): void {
    this.status = status;
    const result = this.result;
    this.statusText =
      status === 'loading' ? 'Loading model…'
      : status === 'working' ? 'Inpainting…'
      : status === 'error' ? `Error: ${message}`
      // Whole milliseconds: fills that take about as long as the last leave the line, and the page's layout, alone.
      : result ? `Filled on ${result.backend} in ${result.durationMs < 0.5 ? '<1' : Math.round(result.durationMs)} ms`
      : '';
  }

  #emit<K extends keyof SquareInpainterEventMap>(type: K, detail: SquareInpainterEventMap[K]['detail']): void {
    // `error` does not bubble: a bubbling event named `error` reaches window, where pages (and test runners)
    // listen for uncaught script errors. `load` never reaches window, so it bubbles like the others.
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: type !== 'error', composed: true }));
  }

  readonly #handleFocusin = (event: FocusEvent): void => {
    const index = this.#cells.indexOf(event.target as HTMLElement);
    if (index >= 0) this.focusIndex = index;
  };

  readonly #handleKeydown = (event: KeyboardEvent): void => {
    const size = this.input?.gridSize;
    if (!size) return;
    const index = Math.min(this.focusIndex, size * size - 1);
    let row = Math.floor(index / size);
    let col = index % size;
    const key = event.key;
    if (key === 'ArrowUp') row--;
    else if (key === 'ArrowDown') row++;
    else if (key === 'ArrowLeft') col--;
    else if (key === 'ArrowRight') col++;
    else if (key === 'Home' || key === 'End') {
      col = key === 'Home' ? 0 : size - 1;
      if (event.ctrlKey) row = col;
    } else if ((key === ' ' || key === 'Enter') && this.#editable) this.#setCell(index, 1 - this.#shown(index), 0);
    else if ((key === 'h' || key === 'H') && this.#editable) {
      const hidden = this.input!.mask[index];
      this.#setCell(index, hidden ? this.#shown(index) : this.input!.pixels[index], 1 - hidden);
    } else return;
    event.preventDefault();
    const next = Math.min(Math.max(row, 0), size - 1) * size + Math.min(Math.max(col, 0), size - 1);
    if (next !== index) this.#cells[next]?.focus();
  };

  readonly #handlePointerdown = (event: PointerEvent): void => {
    if (!this.#editable || event.button !== 0 || !this.input) return;
    const grid = event.currentTarget as HTMLElement;
    // Geometry is read once per stroke; every move then maps its coordinates to a cell without layout.
    const { left, top, width } = grid.getBoundingClientRect();
    const gap = parseFloat(getComputedStyle(grid).paddingLeft) || 0;
    this.#stroke = { value: 0, left, top, gap, pitch: (width - gap) / this.input.gridSize };
    const index = this.#cellAt(event);
    if (index < 0) return this.#handlePointerup();
    // The first cell decides the whole stroke: the colour opposite to its own, or the opposite of its hiding.
    this.#stroke.value = 1 - (this.tool === 'draw' ? this.#shown(index) : this.input.mask[index]);
    grid.setPointerCapture(event.pointerId);
    this.#cells[index]?.focus();
    event.preventDefault();
    this.#paint(index);
  };

  readonly #handlePointermove = (event: PointerEvent): void => {
    const index = this.#stroke ? this.#cellAt(event) : -1;
    if (index >= 0) this.#paint(index);
  };

  readonly #handlePointerup = (): void => {
    this.#stroke = undefined;
  };

  /** The cell under the pointer during a stroke, or -1 outside the grid. */
  #cellAt(event: PointerEvent): number {
    const { left, top, pitch, gap } = this.#stroke!;
    const size = this.input!.gridSize;
    const col = Math.floor((event.clientX - left - gap / 2) / pitch);
    const row = Math.floor((event.clientY - top - gap / 2) / pitch);
    return row < 0 || col < 0 || row >= size || col >= size ? -1 : row * size + col;
  }

  #paint(index: number): void {
    const value = this.#stroke!.value;
    if (this.tool === 'draw') this.#setCell(index, value, 0);
    // Unhiding keeps the colour the cell shows, so the model's guess becomes part of the picture.
    else this.#setCell(index, value ? this.input!.pixels[index] : this.#shown(index), value);
  }
}

/** Sets only the attributes whose values differ: an update that changes nothing leaves the DOM alone. */
function setAttributes(element: Element, attributes: Record<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
}

/** Typed listeners for the element's own events, including `load` and `error`. */
export interface SquareInpainter {
  addEventListener<K extends keyof SquareInpainterEventMap>(
    type: K,
    listener: (this: SquareInpainter, event: SquareInpainterEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SquareInpainterEventMap>(
    type: K,
    listener: (this: SquareInpainter, event: SquareInpainterEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'square-inpainter': SquareInpainter;
  }
}
