/**
 * The page's line to the runtime: one worker per page (or its stand-in on the page, on-page.ts, for hosts that
 * leave no module a worker can import), requests and their answers, aborts, and the worker's faults. A worker
 * that fails to start, throws where nothing catches it, or ends (its lock is released) fails every request
 * waiting on it with a RuntimeLoadError; the next request starts a new one.
 */
import { runtimeRunsOnPage, startWorker } from './assets.js';
import { describeError, received, RuntimeLoadError } from './errors.js';
import type { FromWorker, Request, ToWorker, WorkerPort } from './protocol.js';

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: unknown): void;
  /** Hears the `progress` answers before the last. */
  onProgress?(fraction: number): void;
}

/** The worker now serving the page. */
export interface Connection {
  readonly endpoint: Promise<WorkerPort>;
  alive: boolean;
  readonly pending: Map<number, Pending>;
}

let current: Connection | undefined;
let nextId = 1;

/** The worker serving the page, started on first use, and again after one is lost. */
export function connect(): Connection {
  if (current?.alive) return current;
  const connection: Connection = {
    // A worker that cannot even be constructed (a Content-Security-Policy without the worker's origin) is lost
    // like one that fails to start.
    endpoint: runtimeRunsOnPage() ? import('./on-page.js').then((m) => m.startOnPage()) : new Promise<WorkerPort>((resolve) => resolve(startWorker())),
    alive: true,
    pending: new Map(),
  };
  current = connection;
  connection.endpoint.then(
    (endpoint) => {
      endpoint.onmessage = ({ data }: MessageEvent<FromWorker>) => {
        if (data.type === 'hold') {
          // The worker holds this lock for as long as it lives: when the page gets it, the worker has ended.
          navigator.locks.request(data.lock, () => lose(connection, 'the runtime worker stopped')).catch(() => undefined);
          return;
        }
        const request = connection.pending.get(data.id);
        // A request the page gave up on.
        if (!request) return;
        if (data.type === 'progress') return request.onProgress?.(data.fraction);
        connection.pending.delete(data.id);
        if (data.type === 'failed') request.reject(received(data.error));
        else request.resolve(data);
      };
      // A worker whose script could not be fetched or run, or that threw where nothing caught it.
      endpoint.onerror = (event) => {
        event.preventDefault();
        lose(connection, `the runtime worker failed${event.message ? ` (${event.message})` : ' to start'}`);
      };
    },
    (error) => lose(connection, `could not start the runtime worker (${describeError(error)})`),
  );
  return connection;
}

/** Gives `connection` up: every request waiting on it fails, and the next request starts a new worker. */
function lose(connection: Connection, why: string): void {
  if (!connection.alive) return;
  connection.alive = false;
  connection.endpoint.then((endpoint) => endpoint.terminate(), () => undefined);
  const error = new RuntimeLoadError(`${why}; the next input starts it again`);
  for (const request of connection.pending.values()) request.reject(error);
  connection.pending.clear();
}

/**
 * Sends `message` and resolves with the worker's last answer to it. Aborting `signal` rejects at once with its
 * reason and tells the worker to stop: nothing of the request reaches the page after that.
 */
export function request<T extends FromWorker['type']>(
  connection: Connection,
  message: Request,
  { signal, transfer = [], onProgress }: { signal?: AbortSignal; transfer?: Transferable[]; onProgress?: (fraction: number) => void } = {},
): Promise<Extract<FromWorker, { type: T }>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (!connection.alive) return reject(new RuntimeLoadError('the runtime worker stopped; the next input starts it again'));
    signal?.throwIfAborted();
    connection.pending.set(id, { resolve: resolve as (message: FromWorker) => void, reject, onProgress });
    connection.endpoint.then((endpoint) => endpoint.postMessage({ ...message, id } as ToWorker, transfer), () => undefined);
    signal?.addEventListener(
      'abort',
      () => {
        if (!connection.pending.delete(id)) return;
        send(connection, { type: 'abort', id });
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Tells the worker something that needs no answer. */
export function send(connection: Connection, message: Extract<ToWorker, { type: 'abort' | 'release' }>): void {
  if (connection.alive) connection.endpoint.then((endpoint) => endpoint.postMessage(message), () => undefined);
}
