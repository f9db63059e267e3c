/**
 * The host's model slot: opens (or joins) the shared session for the request's model and backend, reports the
 * load's progress and its `load`, and lets the session go when the model changes or the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LoadDetail } from '../events.js';
import { AttributeError } from '../input.js';
import { openModel, type BackendPreference, type ModelHandle } from '../runtime/index.js';

/** What the slot needs of a request. */
export interface ModelRequest {
  gridSize: number;
  modelUrl: string;
  /** `model-src` as the page gave it; empty or absent for the bundled model. */
  modelSrc?: string;
  backend: BackendPreference;
}

export interface ModelOptions {
  /** The load's progress, `totalProgress` from 0 to 1, already in `progress`. */
  onProgress(totalProgress: number): void;
  /** A model is ready. */
  onLoad(detail: LoadDetail): void;
  /** Opens a shared session; the runtime's `openModel` unless a test gives another. */
  open?: typeof openModel;
}

interface Slot {
  key: string;
  ready: Promise<ModelHandle>;
  loaded?: ModelHandle;
  released: boolean;
}

export class ModelController implements ReactiveController {
  /** Share of the current model loaded, from 0 to 1: the progress bar. */
  progress = 0;

  readonly #host: ReactiveControllerHost;
  readonly #options: ModelOptions;
  #slot?: Slot;

  constructor(host: ReactiveControllerHost, options: ModelOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Whether the model of the last request is loaded. */
  get ready(): boolean {
    return !!this.#slot?.loaded;
  }

  hostDisconnected(): void {
    this.release();
  }

  /** The model for `request`, opened (or joined) once per model URL, backend and cell count. */
  open(request: ModelRequest): Promise<ModelHandle> {
    const cellCount = request.gridSize * request.gridSize;
    const key = `${request.backend} ${cellCount} ${request.modelUrl}`;
    // A model whose runtime worker was lost is opened again, in a new worker.
    if (this.#slot?.key === key && !this.#slot.loaded?.lost) return this.#slot.ready;
    this.release();
    const slot: Slot = { key, released: false, ready: undefined! };
    this.#slot = slot;
    this.#report(0);
    // The runtime reports the whole load (the downloads, then the session's start); 1 comes just before `load`.
    const onProgress = (fraction: number) => this.#slot === slot && this.#report(fraction);
    slot.ready = (this.#options.open ?? openModel)(request.modelUrl, request.backend, onProgress).then((handle) => {
      if (slot.released) {
        handle.release();
        throw new DOMException('The model is no longer needed', 'AbortError');
      }
      if (handle.cellCount !== null && handle.cellCount !== cellCount) {
        handle.release();
        if (this.#slot === slot) this.#slot = undefined;
        throw new AttributeError(
          request.modelSrc ? 'model-src' : 'grid-size',
          `model-src ${request.modelUrl} takes ${handle.cellCount} cells, but grid-size ${request.gridSize} needs ${cellCount}`,
        );
      }
      slot.loaded = handle;
      this.#report(1);
      this.#options.onLoad(loadDetail(handle, request));
      return handle;
    });
    // A failed load is not kept: the next request tries again.
    slot.ready.catch(() => {
      if (this.#slot === slot) this.#slot = undefined;
    });
    return slot.ready;
  }

  /** Lets go of the model; the session closes once no host holds it. */
  release(): void {
    const slot = this.#slot;
    if (!slot) return;
    this.#slot = undefined;
    slot.released = true;
    slot.loaded?.release();
  }

  #report(totalProgress: number): void {
    this.progress = totalProgress;
    this.#host.requestUpdate();
    this.#options.onProgress(totalProgress);
  }
}

/** The `load` event's detail, from the session's handle and the request. */
function loadDetail(handle: ModelHandle, request: ModelRequest): LoadDetail {
  const { backend, adapter, reason } = handle;
  return { backend, adapter, reason, gridSize: request.gridSize, modelUrl: request.modelUrl };
}
