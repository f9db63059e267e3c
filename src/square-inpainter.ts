import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
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
 *
 * @csspart grid - The grid of cells.
 * @csspart row - One row of cells (`display: contents`).
 * @csspart cell - Every cell; with one of `cell-black`, `cell-white` (visible), `cell-hidden` (not yet filled),
 *   `cell-filled` (filled by the model; also `cell-filled-black` / `cell-filled-white` for its completed colour).
 * @csspart status - The line under the grid: loading, backend and time, or the error.
 *
 * @cssprop [--square-inpainter-cell-size=1.25rem] - Side of one cell.
 * @cssprop [--square-inpainter-gap=1px] - Gap between cells, and the grid's padding.
 * @cssprop [--square-inpainter-black=#000] - Colour of black cells.
 * @cssprop [--square-inpainter-white=#fff] - Colour of white cells.
 * @cssprop [--square-inpainter-hidden=#8a8a8a] - Colour of hidden cells not yet filled.
 * @cssprop [--square-inpainter-border=#6b6b6b] - Colour behind the cells (gaps and padding).
 * @cssprop [--square-inpainter-marker=#e0457b] - Colour of the dot that marks a filled cell.
 * @cssprop [--square-inpainter-marker-size=30%] - Size of that dot, relative to the cell.
 */
export class SquareInpainter extends LitElement {
  static override styles = styles;

  /**
   * Moves the folders the element loads its models (`square-inpainter-${N}.onnx`) and the onnxruntime-web
   * files from; by default both ship beside the module. Call it before the first element loads a model.
   */
  static setAssetLocations(locations: Partial<AssetLocations>): void {
    setAssetLocations(locations);
  }

  /** Grid side N; picks the bundled model for N (8 and 16 ship) unless `model-src` is set. */
  @property({ type: Number, attribute: 'grid-size' }) gridSize = DEFAULT_GRID_SIZE;

  /** N*N characters `0`/`1`, row-major, whitespace ignored. Empty means all black. */
  @property() pixels = '';

  /** N*N characters `0`/`1`, 1 = hidden, whitespace ignored. Empty means nothing hidden. */
  @property() mask = '';

  /** URL of a model that follows the contract; overrides the bundled one. */
  @property({ attribute: 'model-src' }) modelSrc = '';

  /** `auto` (WebGPU where an adapter exists, else WASM), `webgpu` or `wasm`. */
  @property() backend: BackendPreference = 'auto';

  /** `iterative` (commit the surest cells, re-predict, repeat), `one-shot` (argmax of one prediction) or `sample`. */
  @property() decoding: Decoding = 'iterative';

  /** Model runs for `iterative` and `sample` decoding; empty for the default. */
  @property({ type: Number }) steps?: number;

  /** Seed for `sample` decoding; the same seed gives the same picture. */
  @property({ type: Number }) seed?: number;

  /** The last valid input, kept while the current one is invalid so the grid stays drawn. */
  @state() private input?: Input;
  @state() private inputError?: AttributeError;
  /** The latest result, drawn until the next one arrives; cleared when the grid or the model changes. */
  @state() private result?: { pixels: Uint8Array; probabilities: Float32Array; backend: Backend; durationMs: number };
  @state() private status: 'loading' | 'working' | 'done' | 'error' = 'loading';
  @state() private statusText = 'Loading model…';

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

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!INPUTS.some((name) => changed.has(name))) return;
    try {
      const input = this.readInput();
      // While a new result is on its way the old one stays drawn (no flicker while drawing), unless the grid changed.
      if (this.input?.gridSize !== input.gridSize || this.input.modelUrl !== input.modelUrl) this.result = undefined;
      this.input = input;
      this.inputError = undefined;
    } catch (error) {
      this.inputError = error as AttributeError;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (INPUTS.some((name) => changed.has(name))) this.autoInpaint();
  }

  protected override render() {
    const input = this.input;
    const size = input?.gridSize ?? 0;
    const rows = [];
    for (let row = 0; row < size; row++) {
      const cells = [];
      for (let col = 0; col < size; col++) cells.push(this.renderCell(input!, row * size + col));
      rows.push(html`<div part="row" role="row">${cells}</div>`);
    }
    return html`
      <div
        part="grid"
        role="grid"
        aria-readonly="true"
        aria-busy=${this.status === 'loading' || this.status === 'working' ? 'true' : 'false'}
        aria-label=${`${size} by ${size} grid`}
        style=${`--grid-size: ${size}`}
      >
        ${rows}
      </div>
      <div part="status" role="status">${this.statusText}</div>
    `;
  }

  private renderCell(input: Input, index: number) {
    if (!input.mask[index]) {
      const white = input.pixels[index] === 1;
      return html`<div part=${white ? 'cell cell-white' : 'cell cell-black'} role="gridcell" aria-label=${white ? 'white' : 'black'}></div>`;
    }
    if (!this.result) {
      return html`<div part="cell cell-hidden" role="gridcell" aria-label="hidden"></div>`;
    }
    const p = this.result.probabilities[index];
    const white = this.result.pixels[index] === 1;
    const confidence = Math.round(100 * (white ? p : 1 - p));
    return html`<div
      part=${white ? 'cell cell-filled cell-filled-white' : 'cell cell-filled cell-filled-black'}
      role="gridcell"
      aria-label=${`filled ${white ? 'white' : 'black'}, ${confidence}% sure`}
      style=${`--p: ${p.toFixed(3)}`}
    ></div>`;
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
      this.result = { pixels: decoded.pixels, probabilities: decoded.probabilities, backend: handle.backend, durationMs };
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
    slot.ready = openModel(input.modelUrl, input.backend).then((handle) => {
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
    // listen for uncaught script errors. `load` never reaches window, so it bubbles like `inpaint`.
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: type !== 'error', composed: true }));
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
