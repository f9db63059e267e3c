/**
 * Typed details of the events `<square-inpainter>` fires. All are composed; all but `error` bubble;
 * `error` does not (a bubbling `error` would reach window's handlers for uncaught script errors).
 */
import type { Decoding } from './decoding.js';
import type { Backend } from './runtime/index.js';

/**
 * `load`: a model is ready. An element with nothing hidden loads none (no `progress`, no `load`, nothing fetched)
 * until a cell is hidden or, with `tool` set, the pointer enters its grid or focus comes into it.
 */
export interface LoadDetail {
  /** The backend the session really runs on, after any fallback from WebGPU. */
  backend: Backend;
  /** The WebGPU adapter found (vendor, architecture, description; empty if it names none), or null if none was. */
  adapter: string | null;
  /** Why `backend` runs: the attribute, the adapter found (`auto` skips a software fallback adapter), or a fallback. */
  reason: string;
  gridSize: number;
  /** Absolute URL of the model that was loaded. */
  modelUrl: string;
}

/** `inpaint`: the hidden cells are filled. Also what `inpaint()` resolves with. */
export interface InpaintDetail {
  /** The completed image: N*N characters `0`/`1`, row-major, the same form as the `pixels` attribute. */
  pixels: string;
  /** P(white) per cell; visible cells are exactly 0 or 1. */
  probabilities: Float32Array;
  /** The mask that was filled: N*N characters, 1 = hidden. */
  mask: string;
  /** The backend the model ran on; null when nothing was hidden, so no model ran (none loads for such a picture). */
  backend: Backend | null;
  /**
   * The fill's own time in milliseconds: its model runs and decoding, timed in the runtime from its start there
   * to its result. Neither loading this element's model nor waiting for the runtime counts (see `queuedMs`).
   * About 0 with nothing hidden.
   */
  durationMs: number;
  /**
   * The rest of the time from the request (once the element's model was ready) to the result, in milliseconds:
   * waiting for the runtime, which one page's elements share (another model's loading, other fills' model runs),
   * and the messages to the runtime worker and back. `durationMs + queuedMs` is the request's wall time.
   */
  queuedMs: number;
  decoding: Decoding;
  /** How many times the model ran: 0 when nothing was hidden. */
  runs: number;
  /** The seed `sample` decoding used (drawn at random when the `seed` attribute is empty and a cell is hidden). */
  seed?: number;
  /**
   * How many pictures of the prior (`prior`: squares or rectangles; the image set at `prior-src` for a model at
   * `model-src`) agree with every visible cell; absent with a `model-src` and no `prior-src`. 0: no single picture of
   * the prior fits, and the fill is only the model's best guess.
   */
  fits?: number;
}

/** The result of `inpaint()`: the `inpaint` event's detail. */
export type InpaintResult = InpaintDetail;

/**
 * What went wrong:
 * - `invalid-attribute`: an attribute or property has a value the element cannot use (`attribute` names it);
 * - `model-load`: the model could not be fetched, or is not a model onnxruntime-web can load;
 * - `runtime-load`: onnxruntime-web's own files (its module or its wasm) could not be fetched or started, or the
 *   element's runtime worker failed to start or ended (the next input starts a new one);
 * - `inference`: the model ran but failed or answered in the wrong shape.
 */
export type ErrorType = 'invalid-attribute' | 'model-load' | 'runtime-load' | 'inference';

/** `error`: the element could not inpaint; it recovers on the next valid change. */
export interface ErrorDetail {
  type: ErrorType;
  /** Names the attribute and the expected form where the input is at fault. */
  message: string;
  /** The attribute at fault, for `invalid-attribute` (and `model-src` for a model that fails to load). */
  attribute?: string;
  cause?: unknown;
}

/** `change`: the user edited the grid (pointer or keyboard); the element's `pixels` and `mask` already hold it. */
export interface ChangeDetail {
  /** The new `pixels`: N*N characters `0`/`1`. */
  pixels: string;
  /** The new `mask`: N*N characters, 1 = hidden. */
  mask: string;
}

/** `progress`: the model is loading (when a model loads: see {@link LoadDetail}). */
export interface ProgressDetail {
  /**
   * From 0 (started) to 1 (ready, just before `load`), never going back: the downloads of the model and of the
   * runtime's wasm are the first 90% (by bytes), the session's start the rest.
   */
  totalProgress: number;
}

/** Every event `<square-inpainter>` fires, by name. */
export interface SquareInpainterEventMap {
  load: CustomEvent<LoadDetail>;
  inpaint: CustomEvent<InpaintDetail>;
  error: CustomEvent<ErrorDetail>;
  change: CustomEvent<ChangeDetail>;
  progress: CustomEvent<ProgressDetail>;
}

declare global {
  // `load`, `error`, `change` and `progress` already mean built-in events on every element (TypeScript refuses a
  // second type for them), so only `inpaint` joins the global map; the element's own addEventListener overloads
  // type all five.
  interface HTMLElementEventMap {
    inpaint: CustomEvent<InpaintDetail>;
  }
}
