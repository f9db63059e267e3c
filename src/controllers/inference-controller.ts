/**
 * The inference request: one request at a time, a new one aborting the pending one, a replaced request's
 * promise following its replacement, and "busy" shown only for fills slower than {@link BUSY_DELAY_MS}. A result
 * that arrives while the host has an update pending waits for it: inputs the page set while the fill ran apply
 * first, and if they start a newer request the result is stale.
 *
 * Why not `@lit/task`'s Task: Task requests a host update when a run starts (to render its PENDING status) and
 * again when it ends. Over a drawn result that is two update cycles per fill where one is needed (the element's
 * status must not say "Inpainting…" for a fill that takes 2 ms: it would flash, and the extra update costs about
 * what the rest of a fast fill's bookkeeping does, bench/README.md); and its status cannot say "pending, but not
 * for long enough to show". The rest is what Task does: an AbortSignal per run, a call id (here the request's
 * own AbortController) that drops stale results, and a completion promise that follows a replaced run.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long a fill over a drawn result runs before the host shows that it is working. */
export const BUSY_DELAY_MS = 100;

export interface InferenceOptions<R> {
  /**
   * Runs one request and resolves with `complete(result)`, called as soon as the result is known so that the
   * host's events fire in the microtask the work ends in. It may throw at once (an input the host cannot use);
   * `signal` aborts when a newer request replaces it or the host leaves the page.
   */
  task(signal: AbortSignal, complete: (result: R) => R | Promise<R>): Promise<R>;
  /** The current request's result (never a replaced one's), already in `value`. */
  onComplete(result: R): void;
  /** The current request failed (an abort is no failure), already in `error`. */
  onError(error: unknown): void;
}

/** A host whose pending update (a LitElement's `isUpdatePending`) may hold input changes not yet applied. */
export type InferenceHost = ReactiveControllerHost & { readonly isUpdatePending?: boolean };

export class InferenceController<R> implements ReactiveController {
  /** The last result, drawn until the next one arrives; the host clears it when it no longer fits. */
  value?: R;
  /** The failure of the last request, until the next one starts. */
  error?: unknown;
  /** Whether the host should show a request as running: at once without a drawn result, else after the delay. */
  busy = false;

  readonly #host: InferenceHost;
  readonly #options: InferenceOptions<R>;
  #controller?: AbortController;
  #latest?: Promise<R>;
  /** The request over a drawn result now running, and when it started: what the busy timer checks. */
  #watched?: { signal: AbortSignal; since: number };
  #busyTimer?: ReturnType<typeof setTimeout>;

  constructor(host: InferenceHost, options: InferenceOptions<R>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The newest request's promise, if one was made: where a replaced request's promise leads. */
  get latest(): Promise<R> | undefined {
    return this.#latest;
  }

  hostDisconnected(): void {
    this.#controller?.abort();
  }

  /** Starts a request that replaces any pending one. Resolves with its result, or with its replacement's. */
  run(): Promise<R> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const request: Promise<R> = this.#run(controller.signal).catch((error: unknown) => {
      if (controller.signal.aborted && this.#latest && this.#latest !== request) return this.#latest;
      throw error;
    });
    this.#latest = request;
    return request;
  }

  async #run(signal: AbortSignal): Promise<R> {
    try {
      const drawn = this.value !== undefined && this.error === undefined;
      this.error = undefined;
      const pending = this.#options.task(signal, (result) => this.#complete(signal, result));
      if (drawn) this.#watchBusy(signal);
      else this.#setBusy(true);
      return await pending;
    } catch (error) {
      // A replaced request ends quietly; so does one whose host left the page, which leaves nothing running.
      if (!signal.aborted) {
        this.error = error;
        this.#setBusy(false, true);
        this.#options.onError(error);
      } else if (this.#controller?.signal === signal) this.#setBusy(false);
      throw error;
    } finally {
      if (this.#watched?.signal === signal) this.#watched = undefined;
      // A settled request has nothing left to abort: the next one need not abort it (a DOMException each time).
      if (this.#controller?.signal === signal) this.#controller = undefined;
    }
  }

  /**
   * The request of `signal` has its result. Changes the page made while it ran apply first (the host's pending
   * update): if they start a newer request, this result is stale and dropped; else it becomes `value`.
   */
  #complete(signal: AbortSignal, result: R): R | Promise<R> {
    signal.throwIfAborted();
    if (this.#host.isUpdatePending) return this.#host.updateComplete.then(() => this.#accept(signal, result));
    return this.#accept(signal, result);
  }

  #accept(signal: AbortSignal, result: R): R {
    signal.throwIfAborted();
    this.value = result;
    this.busy = false;
    this.#host.requestUpdate();
    this.#options.onComplete(result);
    return result;
  }

  #setBusy(busy: boolean, update = false): void {
    if (this.busy === busy && !update) return;
    this.busy = busy;
    this.#host.requestUpdate();
  }

  /**
   * Shows the request busy once it has run for BUSY_DELAY_MS. One timer serves request after request: it is
   * armed only when none is, and re-arms itself while one runs (a setTimeout and clearTimeout per fill cost
   * more than the rest of a fast fill's bookkeeping, bench/README.md).
   */
  #watchBusy(signal: AbortSignal): void {
    this.#watched = { signal, since: performance.now() };
    this.#busyTimer ??= setTimeout(this.#checkBusy, BUSY_DELAY_MS);
  }

  readonly #checkBusy = (): void => {
    this.#busyTimer = undefined;
    if (!this.#watched) return;
    const left = this.#watched.since + BUSY_DELAY_MS - performance.now();
    if (left > 0) this.#busyTimer = setTimeout(this.#checkBusy, left);
    else this.#setBusy(true);
  };
}
