/**
 * The page's downloads: each reports its bytes as they arrive (the element's progress over the whole load), and
 * what came is checked before the runtime worker gets it: onnxruntime-web's wasm and the model.
 */
import { BUNDLED_BYTES, wasmUrlForRuntime, type RuntimeBuild } from './assets.js';
import { describeError, looksLikeHtml, ModelLoadError, RuntimeLoadError } from './errors.js';

/** `received` bytes of `total` (undefined: the size is not known). */
export type ByteProgress = (received: number, total: number | undefined) => void;

/**
 * Fetches `url` whole, reporting its decoded bytes as they arrive. The size is the Content-Length of an
 * uncompressed response, else `expected` (the shipped file's size): a gzipped response's Content-Length counts
 * compressed bytes, and some servers send none.
 */
export async function fetchBytes(url: string, expected: number | undefined, onBytes: ByteProgress): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const length = Number(response.headers.get('Content-Length'));
  const encoded = !!response.headers.get('Content-Encoding');
  const total = length > 0 && !encoded ? length : expected;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received, total === undefined ? undefined : Math.max(total, received));
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  onBytes(received, received);
  return bytes;
}

/**
 * The wasm of `build`, checked: anything else (a dev server's HTML page, an error page) would break
 * onnxruntime-web for good ("previous call to initializeWebAssembly() failed"), and only a reload would clear it.
 */
export async function fetchWasm(build: RuntimeBuild, onBytes: ByteProgress): Promise<Uint8Array> {
  const url = wasmUrlForRuntime(build);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, BUNDLED_BYTES.wasm[build], onBytes);
  } catch (cause) {
    throw new RuntimeLoadError(`could not fetch onnxruntime-web's wasm at ${url} (${describeError(cause)})`, { cause });
  }
  // "\0asm"
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const html = looksLikeHtml(bytes) ? ': the server answered with an HTML page' : '';
    throw new RuntimeLoadError(`${url} is not a WebAssembly file${html}`);
  }
  return bytes;
}

/** The model at `url` (`expected` bytes where it is a bundled one), checked not to be an HTML page. */
export async function fetchModel(url: string, expected: number | undefined, onBytes: ByteProgress): Promise<Uint8Array> {
  let model: Uint8Array;
  try {
    model = await fetchBytes(url, expected, onBytes);
  } catch (cause) {
    throw new ModelLoadError(`could not fetch the model at ${url} (${describeError(cause)})`, { cause });
  }
  if (looksLikeHtml(model)) {
    throw new ModelLoadError(
      `${url} answered with an HTML page, not an ONNX model (a dev server or static host answers so for a file it does not have)`,
    );
  }
  return model;
}
