/**
 * The runtime worker, `dist/ort/square-inpainter-worker.js`: one per page, shared by every element. It runs
 * onnxruntime-web (its start, the sessions, every run) and whole decodes, so none of it blocks the page.
 *
 * It imports onnxruntime-web at run time from the URL the page sends, the build's own file beside it, which the
 * host's bundler emitted as an asset: the script itself has no import of onnxruntime-web and no `import.meta`,
 * so it is the same whether a bundler keeps it a module worker or compiles it to a classic one (Parcel).
 */
import { serve, type Endpoint, type Ort } from './engine.js';

serve(self as unknown as Endpoint, (_build, url) => import(/* @vite-ignore */ /* webpackIgnore: true */ url) as Promise<Ort>);

// The page learns that this worker ended (terminated, or killed) when it gets this lock, held until then.
const lock = `square-inpainter-worker-${Math.random().toString(36).slice(2)}`;
(navigator as Navigator).locks?.request(lock, () => {
  (self as unknown as Endpoint).postMessage({ type: 'hold', lock });
  return new Promise(() => undefined);
});
