/**
 * The runtime on the page, for hosts whose bundler leaves no onnxruntime-web module a worker can import: Parcel 2
 * compiles every `new URL('…mjs', import.meta.url)` into a script of its own format, without the module's exports.
 * The page then serves the worker's messages itself (a chunk of its own, loaded only there), with onnxruntime-web
 * imported the way the bundler can follow: the model runs block the page as they did before the worker.
 */
import { serve, type Endpoint, type Ort, type OrtImporter } from './engine.js';
import type { RuntimeBuild } from './assets.js';
import type { FromWorker, ToWorker, WorkerPort } from './protocol.js';
import { nextTask } from '../next-task.js';

/** A stand-in for the runtime worker, answering on the page; `importOrt` is for the tests. */
export function startOnPage(importOrt: OrtImporter = importBuild): WorkerPort {
  let ended = false;
  const page = {
    onmessage: null as ((event: MessageEvent<FromWorker>) => unknown) | null,
    onerror: null,
    postMessage(message: ToWorker) {
      // Asynchronous, as a worker's messages are, and in one line with the run queue's turns (run-queue.ts): an
      // `abort` sent before a replaced fill's run was due is read before the queue would start it.
      nextTask().then(() => !ended && engine.onmessage?.({ data: message } as MessageEvent<ToWorker>));
    },
    terminate() {
      ended = true;
    },
  };
  const engine: Endpoint = {
    onmessage: null,
    postMessage(message: FromWorker) {
      nextTask().then(() => !ended && page.onmessage?.({ data: message } as MessageEvent<FromWorker>));
    },
  };
  serve(engine, importOrt);
  return page as unknown as WorkerPort;
}

async function importBuild(build: RuntimeBuild): Promise<Ort> {
  // Literal specifiers, one per build, so a bundler keeps each build in a chunk of its own, fetched only when
  // used; rollup.config.mjs maps them to the copies in dist/ort/.
  const ort: Ort =
    build === 'webgpu-jspi' ? await import('onnxruntime-web/jspi')
    : build === 'webgpu-asyncify' ? await import('onnxruntime-web/webgpu')
    : await import('onnxruntime-web/wasm');
  if (import.meta.url.startsWith('file:')) {
    // Parcel replaces `import.meta.url` with the module's file: path at build time; onnxruntime-web would start its
    // thread workers from a URL no page can fetch, and its wasm backend would fail for good. One thread, no worker.
    ort.env.wasm.numThreads = 1;
  }
  return ort;
}
