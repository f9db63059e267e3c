/**
 * The bench's worker, dist-bench/worker.js (built by rollup.config.mjs, never shipped): the runtime's engine
 * (src/runtime/engine.ts) answering the runtime's messages as the element's worker does, so a `decode` sent here
 * times the same code, plus the raw baseline: a session of its own on the same onnxruntime-web, whose `session.run`
 * calls it times in the worker.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { toInt64Tokens } from '../src/model-io.js';
import { serve, type Endpoint, type Ort } from '../src/runtime/engine.js';
import { sendable } from '../src/runtime/errors.js';
import type { ToWorker } from '../src/runtime/protocol.js';
import type { BaselineReply, BaselineRequest, BenchFromWorker, BenchToWorker } from './protocol.js';

const scope = self as unknown as {
  postMessage(message: BenchFromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<BenchToWorker>) => unknown) | null;
};

/** The engine's side of the line: the runtime's messages only. */
const engine: Endpoint = { onmessage: null, postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []) };
serve(engine, (_build, url) => import(url) as Promise<Ort>);

let raw: { ort: Ort; session: InferenceSession } | undefined;

async function answer(message: BaselineRequest): Promise<BaselineReply> {
  if (message.type === 'raw-session') {
    // The engine imported this module already: the same instance, its wasm started.
    const ort = (await import(message.module)) as Ort;
    raw = { ort, session: await ort.InferenceSession.create(message.model, { executionProviders: [message.backend], logSeverityLevel: 3 }) };
    return { type: 'raw-session-ready', id: message.id };
  }
  const times: number[] = [];
  if (message.repeats > 0) {
    if (!raw) throw new Error('time: no raw session (send raw-session first)');
    const { ort, session } = raw;
    const { tokens } = message;
    const feeds: Record<string, Tensor> = { [session.inputNames[0]]: new ort.Tensor('int64', toInt64Tokens(tokens), [1, tokens.length]) };
    for (let i = 0; i < message.repeats; i++) {
      const started = performance.now();
      const outputs = await session.run(feeds);
      times.push(performance.now() - started);
      for (const output of Object.values(outputs)) output.dispose();
    }
  }
  return { type: 'timed', id: message.id, times };
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type !== 'raw-session' && message.type !== 'time') {
    engine.onmessage?.(event as MessageEvent<ToWorker>);
    return;
  }
  answer(message).then(
    (reply) => scope.postMessage(reply),
    (error) => scope.postMessage({ type: 'failed', id: message.id, error: sendable(error) }),
  );
};
