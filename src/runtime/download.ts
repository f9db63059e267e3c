/**
 * The runtime's downloads, made where onnxruntime-web runs (the runtime worker; the page only for on-page.ts): the
 * model and the wasm, each reporting its bytes as they arrive, and checked before onnxruntime-web gets it. The page
 * only names the files; their bytes never cross to it.
 */
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
 * onnxruntime-web's wasm at `url`, checked: anything else (a dev server's HTML page, an error page) would break
 * onnxruntime-web for good ("previous call to initializeWebAssembly() failed"), and only a reload would clear it.
 */
export async function fetchWasm(url: string, expected: number | undefined, onBytes: ByteProgress): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, expected, onBytes);
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

/**
 * The downloads' share of a load, 0..0.9 of it, over the files counted with `count(expected)`: each reports its
 * bytes, and a file of unknown size counts as twice what has come (the bar moves, and never reaches the end early).
 */
export function downloadShare(onShare: (fraction: number) => void): (expected: number | undefined) => ByteProgress {
  const files: [number, number | undefined][] = [];
  return (expected) => {
    const file: [number, number | undefined] = [0, expected];
    files.push(file);
    return (received, total) => {
      file[0] = received;
      file[1] = total;
      let done = 0;
      let all = 0;
      for (const [got, size] of files) {
        done += got;
        all += size ?? 2 * got + 1;
      }
      onShare(all > 0 ? (0.9 * done) / all : 0);
    };
  };
}

/**
 * `report` at most once per `intervalMs`: a value that comes sooner is held (the latest one) and sent when the
 * interval is up, unless `report.now` sends a newer one first. Each sent value is a message to the page and an
 * update of its elements, which need no more than one a frame.
 */
export function throttle(report: (value: number) => void, intervalMs = 16): ((value: number) => void) & { now(value: number): void } {
  let last = -Infinity;
  let held: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (value: number) => {
    clearTimeout(timer);
    timer = undefined;
    held = undefined;
    last = performance.now();
    report(value);
  };
  const throttled = (value: number) => {
    const wait = last + intervalMs - performance.now();
    if (wait <= 0) return send(value);
    held = value;
    timer ??= setTimeout(() => held !== undefined && send(held), wait);
  };
  return Object.assign(throttled, { now: send });
}
