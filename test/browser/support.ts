/** Shared pieces of the browser tests: waiting on the element's events, cell strings, the model manifest. */
import type { SquareInpainter, SquareInpainterEventMap } from '../../src/index.js';

/** The next `type` event of `element`, or a failure naming the event after `timeoutMs`. */
export function nextEvent<K extends keyof SquareInpainterEventMap>(
  element: SquareInpainter,
  type: K,
  timeoutMs = 60_000,
): Promise<SquareInpainterEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      element.removeEventListener(type, listener);
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (event: SquareInpainterEventMap[K]) => {
      clearTimeout(timer);
      element.removeEventListener(type, listener);
      resolve(event);
    };
    element.addEventListener(type, listener);
  });
}

/** Every `type` event of `element` from now on, in order. */
export function recordEvents<K extends keyof SquareInpainterEventMap>(
  element: SquareInpainter,
  type: K,
): SquareInpainterEventMap[K][] {
  const events: SquareInpainterEventMap[K][] = [];
  element.addEventListener(type, (event) => events.push(event));
  return events;
}

/** Cells as the attribute form: `0`/`1` characters. */
export function cellString(cells: ArrayLike<number>): string {
  return Array.from(cells, (cell) => (cell ? '1' : '0')).join('');
}

/** Parses the attribute form back into cells. */
export function cellsOf(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/\s/g, ''), (char) => (char === '1' ? 1 : 0));
}

export interface ModelEntry {
  gridSize: number;
  file: string;
  prior?: { name?: string };
  evaluation?: {
    overall?: { meanAbsError?: number; certainAgreement?: number };
    decoding?: { overall?: Record<string, { valid?: number }> };
  };
}

/** The bundled models' manifest entry for a grid size and prior, as served beside them. */
export async function manifestEntry(gridSize: number, prior = 'squares'): Promise<ModelEntry> {
  const response = await fetch('/models/manifest.json');
  if (!response.ok) throw new Error(`models/manifest.json: HTTP ${response.status}`);
  const manifest = (await response.json()) as { models: ModelEntry[] };
  // Entries from before the priors had names are the squares'.
  const entry = manifest.models.find((model) => model.gridSize === gridSize && (model.prior?.name ?? 'squares') === prior);
  if (!entry) throw new Error(`models/manifest.json has no ${prior} model for grid size ${gridSize}`);
  return entry;
}

/** The bundled model's absolute URL for a grid size, as the element resolves it. */
export function modelUrl(gridSize: number): string {
  return new URL(`/models/square-inpainter-${gridSize}.onnx`, location.href).href;
}

/** The URLs this page has fetched so far (scripts, wasm, models). */
export function fetchedUrls(): string[] {
  return performance.getEntriesByType('resource').map((entry) => entry.name);
}

/** Counts unhandled promise rejections from now on. */
export function watchUnhandledRejections(): { readonly reasons: unknown[] } {
  const reasons: unknown[] = [];
  window.addEventListener('unhandledrejection', (event) => reasons.push(event.reason));
  return { reasons };
}

/** Lets queued tasks (and any stray events) run. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

performance.setResourceTimingBufferSize(10_000);

/**
 * From now on, starts each worker of the page through a module that runs `prelude` (e.g. a stub of the worker's
 * WebGPU), imports the real script, and answers with the URLs the worker fetched. Resolves with the page's own
 * fetches and every worker's: the runtime worker downloads the models and the wasm, and imports onnxruntime-web's
 * module itself.
 */
export function watchWorkerFetches(prelude = ''): () => Promise<string[]> {
  const workers: Worker[] = [];
  const RealWorker = window.Worker;
  window.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      const script = [
        // Imports run first: the real script's code runs after the prelude only where it waits for a message.
        `import ${JSON.stringify(new URL(url, location.href).href)};`,
        // The worker fetches every model the page opens: keep them all.
        'performance.setResourceTimingBufferSize(10000);',
        prelude,
        `self.addEventListener('message', ({ data }) => data === 'fetched?' && self.postMessage({ fetched: performance.getEntriesByType('resource').map((e) => e.name) }));`,
      ].join('\n');
      super(URL.createObjectURL(new Blob([script], { type: 'text/javascript' })), options);
      workers.push(this);
    }
  };
  const ask = (worker: Worker) =>
    new Promise<string[]>((resolve) => {
      // A worker that has ended answers nothing: what it fetched is gone with it.
      const timer = setTimeout(() => resolve([]), 5000);
      const listener = ({ data }: MessageEvent) => {
        if (!data?.fetched) return;
        clearTimeout(timer);
        worker.removeEventListener('message', listener);
        resolve(data.fetched);
      };
      worker.addEventListener('message', listener);
      worker.postMessage('fetched?');
    });
  return async () => [...fetchedUrls(), ...(await Promise.all(workers.map(ask))).flat()];
}
