import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serve, type Endpoint, type Ort } from '../../src/runtime/engine.js';
import { startOnPage } from '../../src/runtime/on-page.js';
import type { FromWorker, ToWorker } from '../../src/runtime/protocol.js';
import { deferred, sleep } from '../helpers/fake-host.js';

/**
 * onnxruntime-web as the engine uses it, with models whose first byte is their cell count. Every creation and run
 * is logged; a run logs the cells it was given hidden. `gates` holds a creation or a run (by its log line) until
 * the test opens it.
 */
function fakeOrt(log: string[], gates: Map<string, Promise<void>>): Ort {
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: BigInt64Array,
      readonly dims: number[],
    ) {}
  }
  const InferenceSession = {
    async create(model: Uint8Array) {
      const cells = model[0];
      log.push(`create ${cells}`);
      await gates.get(`create ${cells}`);
      return {
        inputNames: ['tokens'],
        outputNames: ['logits'],
        inputMetadata: [{ isTensor: true, name: 'tokens', type: 'int64', shape: [1, cells] }],
        async run(feeds: Record<string, Tensor>) {
          const tokens = [...feeds.tokens.data].map(Number);
          const hidden = tokens.flatMap((token, cell) => (token === 2 ? [cell] : []));
          const line = `run ${cells}: ${hidden.length === cells ? 'all' : hidden.join(',')}`;
          log.push(line);
          await gates.get(line);
          // Every cell a coin toss: iterative decoding commits one cell a run.
          return { logits: { type: 'float32', data: new Float32Array(cells * 2), dims: [1, cells, 2], dispose() {} } };
        },
        async release() {
          log.push(`release ${cells}`);
        },
      };
    },
  };
  return { InferenceSession, Tensor, env: { wasm: {} } } as unknown as Ort;
}

/**
 * The engine and the page's side of it: on an endpoint of its own, each message handled as it is sent, or as the
 * page runs it where no worker can (on-page.ts), each message in a task of its own.
 */
/**
 * The worker downloads what a `create` names: `model-N` is a model of N cells, any `.wasm` a wasm file (its magic
 * number and nothing else).
 */
globalThis.fetch = async (url: string | URL | Request) => {
  const name = String(url);
  const body = name.endsWith('.wasm') ? new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) : new Uint8Array([Number(name.split('-').at(-1))]);
  return new Response(body, { headers: { 'Content-Length': String(body.length) } });
};

function engine(path: 'worker' | 'on-page' = 'worker') {
  const log: string[] = [];
  const gates = new Map<string, Promise<void>>();
  const replies: FromWorker[] = [];
  const importOrt = async () => fakeOrt(log, gates);
  let send: (message: ToWorker) => void;
  if (path === 'worker') {
    const endpoint: Endpoint = { onmessage: null, postMessage: (message) => replies.push(message) };
    serve(endpoint, importOrt);
    send = (message) => endpoint.onmessage?.({ data: message } as MessageEvent<ToWorker>);
  } else {
    const port = startOnPage(importOrt);
    port.onmessage = ({ data }: MessageEvent<FromWorker>) => replies.push(data);
    send = (message) => port.postMessage(message);
  }
  /** The engine's last answer to request `id`. */
  const answer = async (id: number) => {
    for (let waited = 0; waited < 10_000; waited += 2) {
      const reply = replies.find((message) => 'id' in message && message.id === id && message.type !== 'progress');
      if (reply) return reply;
      await sleep(2);
    }
    throw new Error(`no answer to request ${id}`);
  };
  /** Holds the creation or run logged as `line` until the returned function is called. */
  const hold = (line: string) => {
    const gate = deferred<void>();
    gates.set(line, gate.promise);
    return () => gate.resolve();
  };
  /** Opens a session of `cells` cells (request `id`) and resolves with its handle once it is ready. */
  const open = async (id: number, cells: number) => {
    send({ type: 'create', id, url: `model-${cells}`, backend: 'wasm', runtime: { build: 'wasm', module: 'ort.mjs', wasm: 'ort.wasm' } });
    const reply = await answer(id);
    assert.equal(reply.type, 'created', JSON.stringify(reply));
    return (reply as Extract<FromWorker, { type: 'created' }>).session;
  };
  return { log, replies, send, answer, hold, open };
}

/** A mask of `cells` cells that hides `hidden`. */
function maskOf(cells: number, hidden: number[]): Uint8Array {
  const mask = new Uint8Array(cells);
  for (const cell of hidden) mask[cell] = 1;
  return mask;
}

describe('the runtime engine', () => {
  for (const path of ['worker', 'on-page'] as const) {
    it(`runs no model run of a fill the page replaced, and stops a running one before its next run (${path})`, async () => {
      const { log, send, answer, hold, open } = engine(path);
      const session = await open(1, 64);
      log.length = 0;
      const release = hold('run 64: 0,1,2');
      // A fill of three hidden cells (three runs), replaced while its first run is under way, then 28 more fills
      // replaced one after another before their turn came, as a stroke on a slow backend sends them.
      send({ type: 'decode', id: 10, session, pixels: new Uint8Array(64), mask: maskOf(64, [0, 1, 2]), options: {} });
      while (!log.length) await sleep(1);
      for (let id = 11; id <= 40; id++) {
        send({ type: 'abort', id: id - 1 });
        send({ type: 'decode', id, session, pixels: new Uint8Array(64), mask: maskOf(64, [id]), options: {} });
        await sleep(1);
      }
      release();
      const last = await answer(40);
      assert.equal(last.type, 'decoded');
      assert.deepEqual(log, ['run 64: 0,1,2', 'run 64: 40']);
    });

    it(`starts no run of a fill replaced just as the run before it ends (${path})`, async () => {
      const { log, send, answer, hold, open } = engine(path);
      const session = await open(1, 64);
      log.length = 0;
      const release = hold('run 64: 0');
      send({ type: 'decode', id: 10, session, pixels: new Uint8Array(64), mask: maskOf(64, [0]), options: {} });
      while (!log.length) await sleep(1);
      send({ type: 'decode', id: 11, session, pixels: new Uint8Array(64), mask: maskOf(64, [1]), options: {} });
      await sleep(5);
      // The page replaces the waiting fill in the task in which the run ahead of it ends.
      send({ type: 'abort', id: 11 });
      send({ type: 'decode', id: 12, session, pixels: new Uint8Array(64), mask: maskOf(64, [2]), options: {} });
      release();
      assert.equal((await answer(12)).type, 'decoded');
      assert.deepEqual(log, ['run 64: 0', 'run 64: 2']);
    });
  }

  it("puts a ready model's fills before another model's creation", async () => {
    const { log, send, answer, hold, open } = engine();
    const small = await open(1, 4);
    log.length = 0;
    const releaseRun = hold('run 4: 0,1,2');
    send({ type: 'decode', id: 2, session: small, pixels: new Uint8Array(4), mask: maskOf(4, [0, 1, 2]), options: {} });
    while (!log.length) await sleep(1);
    // The other model's creation comes while the fill's first run is under way: the fill's next runs go first.
    send({ type: 'create', id: 3, url: 'model-16', backend: 'wasm', runtime: { build: 'wasm', module: 'ort.mjs', wasm: 'ort.wasm' } });
    releaseRun();
    assert.equal((await answer(2)).type, 'decoded');
    assert.equal((await answer(3)).type, 'created');
    assert.deepEqual(log.slice(0, 4), ['run 4: 0,1,2', 'run 4: 1,2', 'run 4: 2', 'create 16']);
  });

  it("runs a fill that waited for another model's creation before that model's warm-up", async () => {
    const { log, send, answer, hold, open } = engine();
    const small = await open(1, 4);
    log.length = 0;
    const releaseCreate = hold('create 16');
    send({ type: 'create', id: 2, url: 'model-16', backend: 'wasm', runtime: { build: 'wasm', module: 'ort.mjs', wasm: 'ort.wasm' } });
    while (!log.length) await sleep(1);
    send({ type: 'decode', id: 3, session: small, pixels: new Uint8Array(4), mask: maskOf(4, [0]), options: {} });
    await sleep(5);
    releaseCreate();
    assert.equal((await answer(3)).type, 'decoded');
    assert.equal((await answer(2)).type, 'created');
    assert.deepEqual(log, ['create 16', 'run 4: 0', 'run 16: all']);
  });

  it("times a fill without its wait behind another model's creation", async () => {
    const { send, answer, hold, open } = engine();
    const small = await open(1, 4);
    const releaseCreate = hold('create 16');
    send({ type: 'create', id: 2, url: 'model-16', backend: 'wasm', runtime: { build: 'wasm', module: 'ort.mjs', wasm: 'ort.wasm' } });
    await sleep(5);
    const asked = performance.now();
    send({ type: 'decode', id: 3, session: small, pixels: new Uint8Array(4), mask: maskOf(4, [0]), options: {} });
    const waitMs = 200;
    await sleep(waitMs);
    releaseCreate();
    const reply = await answer(3);
    const wallMs = performance.now() - asked;
    assert.equal(reply.type, 'decoded');
    const { fillMs } = (reply as Extract<FromWorker, { type: 'decoded' }>).result;
    assert.ok(wallMs >= waitMs, `the fill waited for the creation: ${wallMs} ms`);
    assert.ok(fillMs >= 0 && fillMs < waitMs / 2, `the fill's own time leaves the wait out: ${fillMs} ms of ${wallMs} ms`);
    assert.equal((await answer(2)).type, 'created');
  });

  it("releases a session after the runs of a fill still under way, and answers the fill", async () => {
    const { log, send, answer, hold, open } = engine();
    const session = await open(1, 4);
    log.length = 0;
    const releaseRun = hold('run 4: 0,1');
    send({ type: 'decode', id: 2, session, pixels: new Uint8Array(4), mask: maskOf(4, [0, 1]), options: {} });
    while (!log.length) await sleep(1);
    send({ type: 'release', session });
    releaseRun();
    assert.equal((await answer(2)).type, 'decoded');
    while (log.length < 3) await sleep(1);
    assert.deepEqual(log, ['run 4: 0,1', 'run 4: 1', 'release 4']);
  });
});
