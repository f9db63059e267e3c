/** The runtime's errors, shared by the page and the worker, and how they cross between the two. */
import type { SentError } from './protocol.js';

/** Why the runtime itself (onnxruntime-web's module or wasm, or its worker) could not be fetched or started. */
export class RuntimeLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeLoadError';
  }
}

/** Why opening a model failed: it could not be fetched, or it is not a model that follows the contract. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/** `error`'s message, cut at `limit` characters (another library's message can be a page long). */
export function describeError(error: unknown, limit = 200): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message : String(error);
  } catch {
    text = 'an error that cannot be shown';
  }
  return text.length > limit ? text.slice(0, limit) + '…' : text;
}

/**
 * `error` as a message can carry it. The runtime's own messages cross whole: one that names a long URL (a failed
 * download, checked in the worker) reads on the page as it would have been thrown there.
 */
export function sendable(error: unknown): SentError {
  return { name: error instanceof Error ? error.name : 'Error', message: describeError(error, 2000) };
}

/** A sent error as the class it was thrown as (RangeError and TypeError too: decoding throws them for options). */
export function received({ name, message }: SentError): Error {
  const Class = { RuntimeLoadError, ModelLoadError, RangeError, TypeError }[name] ?? Error;
  const error = new Class(message);
  if (Class === Error && name !== 'Error') error.name = name;
  return error;
}

/** Whether `bytes` start like an HTML page: what a dev server or SPA host sends for a file it does not have. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('<');
}
