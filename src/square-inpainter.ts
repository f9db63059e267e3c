import { LitElement, html, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { DECODINGS, MAX_SEED, MAX_STEPS, decode, type Decoding, type Predictor } from './decoding.js';
import type { ErrorDetail, ErrorType, InpaintDetail, InpaintResult, LoadDetail, SquareInpainterEventMap } from './events.js';
import { parseCells, serializeCells, validateGridSize } from './grid.js';
import {
  BUNDLED_GRID_SIZES,
  ModelLoadError,
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
export class SquareInpainter extends LitElement {
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

  private readonly internals = this.attachInternals();
  /** `pixels` and `mask` as first rendered: what a form reset restores. */
  private defaults?: [string, string];
  /** The pointer stroke in progress: the value it paints and the grid's geometry, read once per stroke. */
  private stroke?: { value: number; left: number; top: number; pitch: number; gap: number };
  /** What `drawCells()` last wrote on each cell (its label and shade), to write only the cells that changed. */
  private drawn: string[] = [];
  private model?: ModelSlot;
  private controller?: AbortController;
  private latest?: Promise<InpaintResult>;

  /**
   * Fills the hidden cells now. Resolves with the result of this request, or of the newer one that replaced it;
   * rejects with the error the `error` event reports.
   */
  async inpaint(): Promise<InpaintResult> {
    if (this.isUpdatePending) {
      // Properties set just before the call take effect first; if they started a request, that is this one.
      const before = this.latest;
      await this.updateComplete;
      if (this.latest && this.latest !== before) return this.latest;
    }
    return this.startRequest();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reattached: the first update will not run again, so ask for a fresh result.
    if (this.hasUpdated) this.autoInpaint();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
    this.releaseModel();
  }

  /** Form reset: back to the `pixels` and `mask` the element first rendered with. */
  formResetCallback(): void {
    if (this.defaults) [this.pixels, this.mask] = this.defaults;
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.defaults ??= [this.pixels, this.mask];
    if (!INPUTS.some((name) => changed.has(name))) return;
    try {
      const input = this.readInput();
      // While a new result is on its way the old one stays drawn (no flicker while drawing), unless the grid changed.
      if (this.input?.gridSize !== input.gridSize || this.input.modelUrl !== input.modelUrl) this.result = undefined;
      this.input = input;
      this.inputError = undefined;
      // The completed image is known now only if nothing is hidden; otherwise once the fill arrives.
      this.internals.setFormValue(input.mask.includes(1) ? null : serializeCells(input.pixels));
    } catch (error) {
      this.inputError = error as AttributeError;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('input') || changed.has('result')) this.drawCells();
    if (INPUTS.some((name) => changed.has(name))) this.autoInpaint();
  }

  protected override render() {
    const input = this.input;
    const size = input?.gridSize ?? 0;
    const focus = Math.min(this.focusIndex, size * size - 1);
    const loading = this.status === 'loading';
    return html`
      <div
        part="grid"
        role="grid"
        aria-readonly=${String(!this.editable)}
        aria-disabled=${String(this.disabled || this.formDisabled)}
        aria-busy=${String(loading || this.status === 'working')}
        aria-label=${`${size} by ${size} grid`}
        style=${`--grid-size: ${size}`}
        @keydown=${this.handleKeydown}
        @focusin=${this.handleFocusin}
        @pointerdown=${this.handlePointerdown}
        @pointermove=${this.handlePointermove}
        @pointerup=${this.handlePointerup}
        @pointercancel=${this.handlePointerup}
      >
        ${guard([size, focus], () => this.renderRows(size, focus))}
      </div>
      ${loading
        ? html`<div part="progress-bar" role="progressbar" aria-label="Loading model" aria-valuenow=${Math.round(this.loaded * 100)}
            style=${`--progress: ${this.loaded}`}></div>`
        : ''}
      <div part="status" role="status">${this.statusText}</div>
    `;
  }

  /**
   * The cells and their tab stop, re-rendered only when the size or the tab stop changes: what each cell shows
   * is written by `drawCells()`, so a status, progress or result update does not re-evaluate N*N templates.
   */
  private renderRows(size: number, focus: number) {
    // Some cells may be new (the size changed): draw every one again.
    this.drawn = [];
    const rows = [];
    for (let row = 0; row < size; row++) {
      const cells = [];
      for (let col = 0; col < size; col++) {
        cells.push(html`<div role="gridcell" tabindex=${row * size + col === focus ? 0 : -1}></div>`);
      }
      rows.push(html`<div part="row" role="row">${cells}</div>`);
    }
    return rows;
  }

  /** Writes each cell's part, label, confidence and shade from the input and the result, where they changed. */
  private drawCells(): void {
    const input = this.input;
    if (!input) return;
    this.cells().forEach((cell, index) => {
      const [part, label, confidence, p] = this.describeCell(input, index);
      if (this.drawn[index] === label + p) return;
      this.drawn[index] = label + p;
      cell.setAttribute('part', part);
      cell.setAttribute('aria-label', label);
      cell.setAttribute('data-confidence', confidence);
      cell.setAttribute('style', p);
    });
  }

  private describeCell(input: Input, index: number): [string, string, string, string] {
    let part = 'cell cell-black';
    let label = 'black';
    let p = '';
    let confidence = '';
    const result = this.result;
    if (result && this.filled(index)) {
      const probability = result.probabilities[index];
      const white = result.pixels[index] === 1;
      confidence = `${Math.round(100 * (white ? probability : 1 - probability))}%`;
      part = white ? 'cell cell-filled cell-filled-white' : 'cell cell-filled cell-filled-black';
      label = `filled ${white ? 'white' : 'black'}, ${confidence} sure`;
      p = `--p: ${probability.toFixed(3)}`;
    } else if (input.mask[index]) {
      part = 'cell cell-hidden';
      label = 'hidden';
    } else if (input.pixels[index]) {
      part = 'cell cell-white';
      label = 'white';
    }
    return [part, label, confidence, p];
  }

  private get editable(): boolean {
    return (this.tool === 'draw' || this.tool === 'mask') && !this.disabled && !this.formDisabled;
  }

  /** Whether a cell shows the model's fill: hidden now and in the request the drawn result answered. */
  private filled(index: number): boolean {
    return this.input!.mask[index] === 1 && this.result?.mask[index] === 1;
  }

  /** The colour a cell shows: its pixel, or the model's fill. */
  private shown(index: number): number {
    return (this.filled(index) ? this.result! : this.input!).pixels[index];
  }

  /** A user edit: sets one cell, updates `pixels` and `mask` and fires `change` when that changed anything. */
  private setCell(index: number, pixel: number, hidden: number): void {
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
    this.emit('change', { pixels: this.pixels, mask: this.mask });
  }

  private cells(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="gridcell"]')];
  }

  /** Validates every input attribute; throws an AttributeError naming the first that is wrong. */
  private readInput(): Input {
    const raw = (name: string) => this.getAttribute(name);
    let gridSize: number;
    try {
      // A removed attribute reads as null: back to the default.
      gridSize = validateGridSize(this.gridSize ?? DEFAULT_GRID_SIZE);
    } catch (cause) {
      const text = raw('grid-size') ?? String(this.gridSize);
      throw new AttributeError('grid-size', `grid-size must be an integer (bundled models: ${BUNDLED_GRID_SIZES.join(', ')}); got ${JSON.stringify(text)}`, { cause });
    }
    const modelSrc = (this.modelSrc ?? '').trim();
    if (!modelSrc && !BUNDLED_GRID_SIZES.includes(gridSize)) {
      throw new AttributeError(
        'grid-size',
        `grid-size ${gridSize} has no bundled model; use ${BUNDLED_GRID_SIZES.join(' or ')}, or set model-src to a model for ${gridSize}×${gridSize}`,
      );
    }
    const pixels = this.readCells('pixels', this.pixels, gridSize);
    const mask = this.readCells('mask', this.mask, gridSize);
    let modelUrl: string;
    try {
      modelUrl = modelSrc ? new URL(modelSrc, document.baseURI).href : bundledModelUrl(gridSize);
    } catch (cause) {
      throw new AttributeError('model-src', `model-src must be a URL of an ONNX model; got ${JSON.stringify(modelSrc)}`, { cause });
    }
    const backend = this.backend ?? 'auto';
    if (!BACKENDS.includes(backend)) {
      throw new AttributeError('backend', `backend must be one of ${BACKENDS.join(', ')}; got ${JSON.stringify(backend)}`);
    }
    const decoding = this.decoding ?? 'iterative';
    if (!DECODINGS.includes(decoding)) {
      throw new AttributeError('decoding', `decoding must be one of ${DECODINGS.join(', ')}; got ${JSON.stringify(decoding)}`);
    }
    const steps = this.steps ?? undefined;
    if (steps !== undefined && (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS)) {
      throw new AttributeError('steps', `steps must be an integer from 1 to ${MAX_STEPS}; got ${JSON.stringify(raw('steps') ?? String(steps))}`);
    }
    const seed = this.seed ?? undefined;
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)) {
      throw new AttributeError('seed', `seed must be an integer from 0 to ${MAX_SEED}; got ${JSON.stringify(raw('seed') ?? String(seed))}`);
    }
    return { gridSize, pixels, mask, modelUrl, backend, decoding, steps, seed };
  }

  private readCells(attribute: string, value: string | null | undefined, gridSize: number): Uint8Array {
    if (value == null || value.trim() === '') return new Uint8Array(gridSize * gridSize);
    try {
      return parseCells(value, gridSize, attribute);
    } catch (cause) {
      throw new AttributeError(attribute, (cause as Error).message, { cause });
    }
  }

  /** One request, from validation to the `inpaint` event, with one place that turns failures into `error`. */
  private async runRequest(signal: AbortSignal): Promise<InpaintResult> {
    try {
      if (this.inputError) throw this.inputError;
      const input = this.input;
      if (!input || !this.isConnected) throw new Error('inpaint() needs the element to be in the document');
      if (!this.result) this.setStatus(this.model?.handle ? 'working' : 'loading');
      const { handle, predict } = await this.loadModel(input);
      signal.throwIfAborted();
      this.setStatus('working');
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
      this.internals.setFormValue(detail.pixels);
      this.setStatus('done');
      this.emit('inpaint', detail);
      return detail;
    } catch (error) {
      // A request that was replaced or whose element left the page ends quietly.
      if (!signal.aborted) this.reportError(error);
      throw error;
    }
  }

  /** The element's model for `input`, opened (or joined) once per model URL and backend. */
  private loadModel(input: Input): ModelSlot['ready'] {
    const cellCount = input.gridSize * input.gridSize;
    const key = `${input.backend} ${cellCount} ${input.modelUrl}`;
    if (this.model?.key === key) return this.model.ready;
    this.releaseModel();
    const slot: ModelSlot = { key, released: false, ready: undefined! };
    this.reportProgress(0);
    // The download is the first 90%; starting the runtime and the warm-up run make the rest.
    const onProgress = (fraction: number) => this.model === slot && this.reportProgress(0.9 * fraction);
    slot.ready = openModel(input.modelUrl, input.backend, onProgress).then((handle) => {
      slot.handle = handle;
      if (slot.released) {
        handle.release();
        throw new DOMException('The model is no longer needed', 'AbortError');
      }
      if (handle.cellCount !== null && handle.cellCount !== cellCount) {
        this.releaseModel();
        throw new AttributeError(
          input.modelUrl === bundledModelUrl(input.gridSize) ? 'grid-size' : 'model-src',
          `model-src ${input.modelUrl} takes ${handle.cellCount} cells, but grid-size ${input.gridSize} needs ${cellCount}`,
        );
      }
      this.reportProgress(1);
      this.emit('load', { backend: handle.backend, gridSize: input.gridSize, modelUrl: input.modelUrl } satisfies LoadDetail);
      return { handle, predict: handle.createPredictor(cellCount) };
    });
    // A failed load is not kept: the next request tries again.
    slot.ready.catch(() => {
      if (this.model === slot) this.model = undefined;
    });
    this.model = slot;
    return slot.ready;
  }

  private releaseModel(): void {
    const slot = this.model;
    if (!slot) return;
    this.model = undefined;
    slot.released = true;
    slot.handle?.release();
  }

  /** Starts a request that replaces any pending one; a replaced request follows its replacement. */
  private startRequest(): Promise<InpaintResult> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const request: Promise<InpaintResult> = this.runRequest(controller.signal).catch((error: unknown) => {
      if (controller.signal.aborted && this.latest && this.latest !== request) return this.latest;
      throw error;
    });
    this.latest = request;
    return request;
  }

  private autoInpaint(): void {
    // Failures reach the page as `error` events; the promise itself has no one waiting on it.
    this.startRequest().catch(() => undefined);
  }

  private reportProgress(totalProgress: number): void {
    this.loaded = totalProgress;
    this.emit('progress', { totalProgress });
  }

  private reportError(error: unknown): void {
    let type: ErrorType = 'inference';
    let attribute: string | undefined;
    if (error instanceof AttributeError) {
      type = 'invalid-attribute';
      attribute = error.attribute;
    } else if (error instanceof ModelLoadError) {
      type = 'model-load';
      attribute = this.modelSrc ? 'model-src' : undefined;
    }
    const text = error instanceof Error ? error.message : String(error);
    const message = type === 'model-load' && attribute ? `model-src: ${text}` : text;
    this.setStatus('error', message);
    this.emit('error', { type, message, attribute, cause: error } satisfies ErrorDetail);
  }

  private setStatus(status: SquareInpainter['status'], message?: string): void {
    this.status = status;
    const result = this.result;
    this.statusText =
      status === 'loading' ? 'Loading model…'
      : status === 'working' ? 'Inpainting…'
      : status === 'error' ? `Error: ${message}`
      : result ? `Filled on ${result.backend} in ${result.durationMs.toFixed(1)} ms`
      : '';
  }

  private emit<K extends keyof SquareInpainterEventMap>(type: K, detail: SquareInpainterEventMap[K]['detail']): void {
    // `error` does not bubble: a bubbling event named `error` reaches window, where pages (and test runners)
    // listen for uncaught script errors. `load` never reaches window, so it bubbles like the others.
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: type !== 'error', composed: true }));
  }

  private handleFocusin(event: FocusEvent): void {
    const index = this.cells().indexOf(event.target as HTMLElement);
    if (index >= 0) this.focusIndex = index;
  }

  private handleKeydown(event: KeyboardEvent): void {
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
    } else if ((key === ' ' || key === 'Enter') && this.editable) this.setCell(index, 1 - this.shown(index), 0);
    else if ((key === 'h' || key === 'H') && this.editable) {
      const hidden = this.input!.mask[index];
      this.setCell(index, hidden ? this.shown(index) : this.input!.pixels[index], 1 - hidden);
    } else return;
    event.preventDefault();
    const next = Math.min(Math.max(row, 0), size - 1) * size + Math.min(Math.max(col, 0), size - 1);
    if (next !== index) this.cells()[next]?.focus();
  }

  private handlePointerdown(event: PointerEvent): void {
    if (!this.editable || event.button !== 0 || !this.input) return;
    const grid = event.currentTarget as HTMLElement;
    // Geometry is read once per stroke; every move then maps its coordinates to a cell without layout.
    const { left, top, width } = grid.getBoundingClientRect();
    const gap = parseFloat(getComputedStyle(grid).paddingLeft) || 0;
    this.stroke = { value: 0, left, top, gap, pitch: (width - gap) / this.input.gridSize };
    const index = this.cellAt(event);
    if (index < 0) return this.handlePointerup();
    // The first cell decides the whole stroke: the colour opposite to its own, or the opposite of its hiding.
    this.stroke.value = 1 - (this.tool === 'draw' ? this.shown(index) : this.input.mask[index]);
    grid.setPointerCapture(event.pointerId);
    this.cells()[index]?.focus();
    event.preventDefault();
    this.paint(index);
  }

  private handlePointermove(event: PointerEvent): void {
    const index = this.stroke ? this.cellAt(event) : -1;
    if (index >= 0) this.paint(index);
  }

  private handlePointerup(): void {
    this.stroke = undefined;
  }

  /** The cell under the pointer during a stroke, or -1 outside the grid. */
  private cellAt(event: PointerEvent): number {
    const { left, top, pitch, gap } = this.stroke!;
    const size = this.input!.gridSize;
    const col = Math.floor((event.clientX - left - gap / 2) / pitch);
    const row = Math.floor((event.clientY - top - gap / 2) / pitch);
    return row < 0 || col < 0 || row >= size || col >= size ? -1 : row * size + col;
  }

  private paint(index: number): void {
    const value = this.stroke!.value;
    if (this.tool === 'draw') this.setCell(index, value, 0);
    // Unhiding keeps the colour the cell shows, so the model's guess becomes part of the picture.
    else this.setCell(index, value ? this.input!.pixels[index] : this.shown(index), value);
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
