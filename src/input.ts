/**
 * The element's inputs as a validated request, and its failures as an `error` detail. Pure: no DOM.
 *
 * Properties may hold anything a page assigns (numbers, objects, null, symbols); each is read the way the
 * attribute would read it, or rejected with an {@link AttributeError} that names the attribute.
 */
import { DECODINGS, MAX_SEED, MAX_STEPS, type Decoding } from './decoding-options.js';
import type { ErrorDetail, ErrorType } from './events.js';
import { MAX_GRID_SIZE, MIN_GRID_SIZE, parseCells } from './grid.js';
import { BUNDLED_GRID_SIZES, ModelLoadError, PRIORS, RuntimeLoadError, bundledModelUrl, type BackendPreference, type Prior } from './runtime/index.js';

export const DEFAULT_GRID_SIZE = 16;
export const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];
/** Most characters of a value an error message quotes. */
const QUOTE_LIMIT = 80;

/** A validated request: what the element would send to the model now. */
export interface Input {
  gridSize: number;
  /** The prior the bundled model learned, and `fits` is counted against; `squares` unless the page says. */
  prior: Prior;
  pixels: Uint8Array;
  mask: Uint8Array;
  /** `model-src` as given (trimmed), empty for the bundled model. */
  modelSrc: string;
  modelUrl: string;
  /** `prior-src` resolved: the published image set of the model at `model-src`; empty where none is given. */
  priorUrl: string;
  backend: BackendPreference;
  decoding: Decoding;
  steps?: number;
  seed?: number;
}

/** The input properties as the page set them. */
export interface InputValues {
  gridSize?: unknown;
  prior?: unknown;
  pixels?: unknown;
  mask?: unknown;
  modelSrc?: unknown;
  priorSrc?: unknown;
  backend?: unknown;
  decoding?: unknown;
  steps?: unknown;
  seed?: unknown;
}

/** The image set at `prior-src` could not be fetched or read, or is not of the grid's size. */
export class PriorLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PriorLoadError';
  }
}

/** An input the element cannot use; `attribute` names the attribute at fault. */
export class AttributeError extends Error {
  constructor(
    readonly attribute: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttributeError';
  }
}

/**
 * Validates every input; throws an AttributeError naming the first attribute that is wrong. `baseUrl` resolves
 * `model-src`; `attributeText` gives an attribute's text, quoted where its number does not say what the page wrote.
 */
export function readInput(values: InputValues, baseUrl: string, attributeText: (name: string) => string | null = () => null): Input {
  const integer = (attribute: string, value: unknown, min: number, max: number): number | undefined => {
    const number = toNumber(attribute, value);
    if (number === undefined || (Number.isInteger(number) && number >= min && number <= max)) return number;
    // A non-integer attribute reads as NaN: quote it as the page wrote it.
    const text = typeof value === 'string' ? value : (attributeText(attribute) ?? String(number));
    throw new AttributeError(attribute, `${attribute} must be an integer from ${min} to ${max}; got ${quote(text)}`);
  };
  const gridSize = integer('grid-size', values.gridSize, MIN_GRID_SIZE, MAX_GRID_SIZE) ?? DEFAULT_GRID_SIZE;
  const modelSrc = toText('model-src', values.modelSrc).trim();
  const prior = oneOf('prior', values.prior, PRIORS, 'squares');
  const sizes = BUNDLED_GRID_SIZES[prior];
  if (!modelSrc && !sizes.includes(gridSize)) {
    const of = prior === 'squares' ? '' : ` of ${prior}`;
    throw new AttributeError(
      'grid-size',
      `grid-size ${gridSize} has no bundled model${of}; use ${sizes.join(' or ')}, or set model-src to a model for ${gridSize}×${gridSize}`,
    );
  }
  const pixels = readCells('pixels', values.pixels, gridSize);
  const mask = readCells('mask', values.mask, gridSize);
  let modelUrl: string;
  try {
    modelUrl = modelSrc ? new URL(modelSrc, baseUrl).href : bundledModelUrl(gridSize, prior);
  } catch (cause) {
    throw new AttributeError('model-src', `model-src must be a URL of an ONNX model; got ${quote(modelSrc)}`, { cause });
  }
  const priorSrc = toText('prior-src', values.priorSrc).trim();
  let priorUrl = '';
  if (priorSrc) {
    if (!modelSrc) throw new AttributeError('prior-src', 'prior-src is the image set of the model at model-src; set model-src too');
    try {
      priorUrl = new URL(priorSrc, baseUrl).href;
    } catch (cause) {
      throw new AttributeError('prior-src', `prior-src must be a URL of an image set (.images.json); got ${quote(priorSrc)}`, { cause });
    }
  }
  return {
    gridSize,
    prior,
    pixels,
    mask,
    modelSrc,
    modelUrl,
    priorUrl,
    backend: oneOf('backend', values.backend, BACKENDS, 'auto'),
    decoding: oneOf('decoding', values.decoding, DECODINGS, 'iterative'),
    steps: integer('steps', values.steps, 1, MAX_STEPS),
    seed: integer('seed', values.seed, 0, MAX_SEED),
  };
}

/**
 * What the `error` event says about a failure: its type, the attribute at fault and a message that quotes no
 * more than about 80 characters of any one value. `modelSrc` is the page's `model-src`, which a failed load names.
 */
export function errorDetail(error: unknown, modelSrc: string): ErrorDetail {
  const type: ErrorType =
    error instanceof AttributeError ? 'invalid-attribute'
    : error instanceof RuntimeLoadError ? 'runtime-load'
    : error instanceof ModelLoadError || error instanceof PriorLoadError ? 'model-load'
    : 'inference';
  // A model that fails to load is the page's `model-src` where it set one; its image set is `prior-src`.
  const attribute =
    error instanceof AttributeError ? error.attribute
    : error instanceof PriorLoadError ? 'prior-src'
    : type === 'model-load' && modelSrc ? 'model-src'
    : undefined;
  const message = clip(error instanceof Error ? error.message : safeString(error) ?? 'unknown error');
  return { type, message: type === 'model-load' && attribute ? `${attribute}: ${message}` : message, attribute, cause: error };
}

/** A value as an attribute's text would hold it: `String(value)`, or an AttributeError where that throws. */
export function toText(attribute: string, value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  const text = typeof value === 'symbol' ? undefined : safeString(value);
  if (text === undefined) throw new AttributeError(attribute, `${attribute} must be text; got a ${typeof value} that has none`);
  return text;
}

/** A reflected property's converter: any value a page assigns as the text an attribute would hold, or none. */
export const textAttribute = { toAttribute: (value: unknown) => (value == null ? null : safeString(value) ?? null) };

/** `String(value)`, or undefined where that throws (a symbol, an object whose `toString` throws). */
export function safeString(value: unknown): string | undefined {
  try {
    return String(value);
  } catch {
    return undefined;
  }
}

/** A value quoted for an error message, cut to {@link QUOTE_LIMIT} characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

/** Cuts every run of more than {@link QUOTE_LIMIT} non-space characters (a URL, a value) in a message. */
function clip(message: string): string {
  return message.replace(new RegExp(`\\S{${QUOTE_LIMIT + 1},}`, 'g'), (word) => `${word.slice(0, QUOTE_LIMIT)}…`);
}

/** A number property read like its attribute: empty means the default (undefined), text is `Number(text)`. */
function toNumber(attribute: string, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const text = toText(attribute, value);
  return text.trim() === '' ? undefined : Number(text);
}

function oneOf<T extends string>(attribute: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value == null) return fallback;
  const text = toText(attribute, value);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new AttributeError(attribute, `${attribute} must be one of ${allowed.join(', ')}; got ${quote(text)}`);
}

function readCells(attribute: string, value: unknown, gridSize: number): Uint8Array {
  const text = toText(attribute, value);
  if (text.trim() === '') return new Uint8Array(gridSize * gridSize);
  try {
    return parseCells(text, gridSize, attribute);
  } catch (cause) {
    throw new AttributeError(attribute, (cause as Error).message, { cause });
  }
}
