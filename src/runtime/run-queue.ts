/**
 * The queue of one onnxruntime-web build in the runtime (engine.ts): its session creations, runs and releases, one
 * at a time. On WebGPU, sessions share one device and one wasm heap, and runs (or creations) of two sessions at
 * once corrupt each other's buffers; on WASM they share the one thread anyway.
 *
 * Two rules keep a page's figures from waiting on each other, whatever the backend's speed:
 * - A task whose caller gave up on it (its signal aborted) never starts: it leaves the queue at once, rejected
 *   with the signal's reason. A fill that a newer one replaced costs no model run.
 * - Fills' runs go first, then a new session's warm-up run, then a session's creation or release, each kind in
 *   the order asked: a model that loads holds back another model's fills by at most the creation already under
 *   way, and a model created while another waits for its warm-up does not delay that one's `load`.
 *
 * Before each task the queue gives the scope's task queue a turn: the page's aborts are read there, and a fill's
 * next run, asked for in the microtasks after its last one, is in the queue before anything is picked.
 */
import { nextTask } from '../next-task.js';

/** What a task is, in the order the queue serves them. */
export type TaskKind = 'run' | 'warm-up' | 'loading';
const ORDER: readonly TaskKind[] = ['run', 'warm-up', 'loading'];

interface Waiting {
  rank: number;
  start(): Promise<void>;
}

export class RunQueue {
  readonly #waiting: Waiting[] = [];
  #draining = false;

  /**
   * Runs `task` (a `run` unless `kind` says otherwise) in its turn; rejects with `signal`'s reason, without starting
   * the task, where that aborts first.
   */
  add<T>(task: () => T | Promise<T>, { signal, kind = 'run' }: { signal?: AbortSignal; kind?: TaskKind } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiting);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      const waiting: Waiting = {
        rank: ORDER.indexOf(kind),
        start() {
          signal?.removeEventListener('abort', onAbort);
          return new Promise<T>((run) => run(task())).then(resolve, reject);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiting);
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length) {
      await nextTask();
      // The first task of the most urgent kind; every task may have left during the turn (aborted).
      let first = 0;
      this.#waiting.forEach((waiting, index) => waiting.rank < this.#waiting[first].rank && (first = index));
      const [next] = this.#waiting.splice(first, 1);
      await next?.start();
    }
    this.#draining = false;
  }
}
