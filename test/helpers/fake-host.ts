/** A ReactiveControllerHost without a DOM, for the controllers' Node tests: it counts the updates asked for. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FakeHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  updates = 0;
  /** Whether an update is queued: a LitElement's property changes wait in one until it runs. */
  isUpdatePending = false;

  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }

  removeController(controller: ReactiveController): void {
    this.controllers.splice(this.controllers.indexOf(controller), 1);
  }

  requestUpdate(): void {
    this.updates++;
  }


  /** Resolves once a queued update has run (tests run it with `runPendingUpdate()`). */
  get updateComplete(): Promise<boolean> {
    if (!this.isUpdatePending) return Promise.resolve(true);
    return new Promise((resolve) => (this.#waiting = resolve)).then(() => true);
  }

  #waiting?: (value: unknown) => void;

  /** Runs the queued update (`apply` is what the element's updated() would do) and lets what waits on it go on. */
  async runPendingUpdate(apply: () => void = () => {}): Promise<void> {
    this.update();
    apply();
    this.isUpdatePending = false;
    this.#waiting?.(true);
  }

  /** What the element does around an update and when it leaves the page. */
  update(): void {
    for (const controller of this.controllers) controller.hostUpdate?.();
    for (const controller of this.controllers) controller.hostUpdated?.();
  }

  disconnect(): void {
    for (const controller of this.controllers) controller.hostDisconnected?.();
  }
}

/** A promise with its resolve and reject, for tasks a test settles by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
