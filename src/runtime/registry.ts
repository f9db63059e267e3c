/**
 * The page's shared sessions: one per (model URL, backend) in the runtime worker, shared by every element on the
 * page and released a little after the last element holding it lets go.
 */
import { chooseBackend, type BackendPreference } from './backend.js';
import { loadSession, type ProgressListener, type WorkerSession } from './load.js';

/** An element's hold on a shared session. */
export interface ModelHandle extends Omit<WorkerSession, 'release'> {
  /** Lets go of the session; the last release frees it. Idempotent. */
  release(): void;
}

/**
 * How long a session outlives its last element. An element moved in the page (disconnected, then connected
 * again) or re-created by a framework rejoins it instead of opening a new one, which on WebGPU means
 * compiling every shader again (2.8 s against 1.0 s for the first run in the bench).
 */
export const RELEASE_DELAY_MS = 5000;

interface Entry {
  refs: number;
  /** The pending release, while no element holds the session. */
  releaseTimer?: ReturnType<typeof setTimeout>;
  ready: Promise<WorkerSession>;
  /** Everyone waiting on this session's load, joiners included. */
  listeners: Set<ProgressListener>;
  /** The session, once loaded. */
  shared?: WorkerSession;
}

const entries = new Map<string, Entry>();

/** Opens (or joins) the session for `url` on the preferred backend; `onProgress` hears the whole load. */
export async function openModel(url: string, preference: BackendPreference, onProgress?: ProgressListener): Promise<ModelHandle> {
  const choice = await chooseBackend(preference);
  const key = `${choice.backend} ${url}`;
  let entry = entries.get(key);
  // A session in a worker that was lost is gone: open it again in the next one.
  if (entry?.shared?.lost) {
    entries.delete(key);
    entry = undefined;
  }
  if (!entry) {
    const listeners = new Set<ProgressListener>();
    let reported = 0;
    // Monotonic, whatever order the downloads report in; at most once a frame, each being an update of every
    // element waiting.
    const report = perFrame((fraction: number) => listeners.forEach((listener) => listener(fraction)));
    const created: Entry = {
      refs: 0,
      listeners,
      ready: loadSession(url, choice, (fraction) => {
        if (fraction <= reported) return;
        reported = fraction;
        report(fraction);
      }),
    };
    // Settled before anyone waiting hears of it: the last step (the session's start) still reaches them, before
    // their `load`; after a failure, nothing does.
    created.ready.then(report.flush, report.cancel);
    created.ready.then((shared) => (created.shared = shared)).catch(() => {
      // A failed load is not cached: the next element (or a fixed server) gets a fresh try.
      if (entries.get(key) === created) entries.delete(key);
    });
    entries.set(key, created);
    entry = created;
  }
  const held = entry;
  clearTimeout(held.releaseTimer);
  held.refs++;
  if (onProgress) held.listeners.add(onProgress);
  let shared: WorkerSession;
  try {
    shared = await held.ready;
  } catch (error) {
    held.refs--;
    throw error;
  } finally {
    if (onProgress) held.listeners.delete(onProgress);
  }
  let released = false;
  return {
    backend: shared.backend,
    adapter: shared.adapter,
    reason: shared.reason,
    cellCount: shared.cellCount,
    createPredictor: shared.createPredictor,
    decode: shared.decode,
    get lost() {
      return shared.lost;
    },
    release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      held.releaseTimer = setTimeout(() => {
        if (entries.get(key) === held) entries.delete(key);
        shared.release();
      }, RELEASE_DELAY_MS);
    },
  };
}

/**
 * `deliver` of the latest value, once at the next frame (none while the page draws no frames: a hidden tab).
 * `flush` delivers a value still held at once, `cancel` drops it.
 */
function perFrame(deliver: (value: number) => void) {
  let held: number | undefined;
  let frame = 0;
  const cancel = () => {
    cancelAnimationFrame(frame);
    frame = 0;
    held = undefined;
  };
  const flush = () => {
    const value = held;
    cancel();
    if (value !== undefined) deliver(value);
  };
  const report = (value: number) => {
    held = value;
    frame ||= requestAnimationFrame(flush);
  };
  return Object.assign(report, { flush, cancel });
}
