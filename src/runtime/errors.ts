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

export function describeError(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message : String(error);
  } catch {
    text = 'an error that cannot be shown';
  }
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

/** `error` as a message can carry it. */
export function sendable(error: unknown): SentError {
  return { name: error instanceof Error ? error.name : 'Error', message: describeError(error) };
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
