import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUSY_DELAY_MS, InferenceController } from '../../src/controllers/inference-controller.js';
import { FakeHost, deferred, sleep } from '../helpers/fake-host.js';

/** A controller whose requests the test settles: each `run()` takes the next deferred result. */
function setup() {
  const host = new FakeHost();
  const pending: { signal: AbortSignal; settle: ReturnType<typeof deferred<string>> }[] = [];
  const completed: string[] = [];
  const errors: unknown[] = [];
  let failNow: Error | undefined;
  const controller = new InferenceController<string>(host, {
    task(signal, complete) {
      if (failNow) throw failNow;
      const settle = deferred<string>();
      pending.push({ signal, settle });
      return settle.promise.then(complete);
    },
    onComplete: (result) => completed.push(result),
    onError: (error) => errors.push(error),
  });
  return { host, controller, pending, completed, errors, failWith: (error?: Error) => (failNow = error) };
}

describe('InferenceController', () => {
  it('resolves with the result, keeps it as value and tells the host once', async () => {
    const { host, controller, pending, completed } = setup();
    const request = controller.run();
    assert.equal(controller.busy, true, 'nothing drawn yet: busy at once');
    pending[0].settle.resolve('a');
    assert.equal(await request, 'a');
    assert.equal(controller.value, 'a');
    assert.equal(controller.busy, false);
    assert.deepEqual(completed, ['a']);
    assert.equal(host.updates, 2, 'busy, then the result');
  });

  it('aborts the pending request when a new one starts, and the replaced promise follows its replacement', async () => {
    const { controller, pending, completed, errors } = setup();
    const first = controller.run();
    const second = controller.run();
    assert.equal(pending[0].signal.aborted, true);
    assert.equal(pending[1].signal.aborted, false);
    pending[1].settle.resolve('second');
    // The replaced request's work finishes late: its result is stale and dropped.
    pending[0].settle.resolve('first');
    assert.equal(await first, 'second');
    assert.equal(await second, 'second');
    assert.equal(controller.value, 'second');
    assert.deepEqual(completed, ['second']);
    assert.deepEqual(errors, []);
  });

  it('follows a chain of replacements to the newest request', async () => {
    const { controller, pending } = setup();
    const requests = [controller.run(), controller.run(), controller.run()];
    assert.equal(controller.latest, requests[2]);
    pending[2].settle.resolve('third');
    // The replaced requests' work ends when it next looks at its signal (decode() does between model runs).
    pending[0].settle.reject(pending[0].signal.reason);
    pending[1].settle.resolve('stale');
    assert.deepEqual(await Promise.all(requests), ['third', 'third', 'third']);
  });

  it('reports a failure of the current request, and rejects the requests that wait on it', async () => {
    const { controller, pending, errors } = setup();
    const first = controller.run();
    const second = controller.run();
    const failure = new Error('model failed');
    pending[0].settle.reject(new Error('stale failure'));
    pending[1].settle.reject(failure);
    await assert.rejects(first, failure);
    await assert.rejects(second, failure);
    assert.deepEqual(errors, [failure], 'the replaced request fails quietly');
    assert.equal(controller.error, failure);
    assert.equal(controller.busy, false);
  });

  it('reports an input that cannot start a request before run() returns', async () => {
    const { controller, errors, failWith } = setup();
    const invalid = new Error('grid-size must be an integer');
    failWith(invalid);
    const request = controller.run();
    assert.deepEqual(errors, [invalid]);
    await assert.rejects(request, invalid);
    failWith(undefined);
  });

  it('clears the error when the next request starts', async () => {
    const { controller, pending } = setup();
    const failing = controller.run();
    pending[0].settle.reject(new Error('x'));
    await failing.catch(() => undefined);
    const request = controller.run();
    assert.equal(controller.error, undefined);
    pending[1].settle.resolve('ok');
    assert.equal(await request, 'ok');
  });

  it('shows a request over a drawn result as busy only once it has run for the delay', async () => {
    const { host, controller, pending } = setup();
    const first = controller.run();
    pending[0].settle.resolve('drawn');
    await first;
    const updates = host.updates;
    // A fast fill: not busy, and one update for its result.
    const fast = controller.run();
    assert.equal(controller.busy, false);
    pending[1].settle.resolve('fast');
    await fast;
    assert.equal(host.updates, updates + 1);
    // A slow one: busy after the delay.
    const slow = controller.run();
    await sleep(BUSY_DELAY_MS / 2);
    assert.equal(controller.busy, false);
    await sleep(BUSY_DELAY_MS);
    assert.equal(controller.busy, true);
    pending[2].settle.resolve('slow');
    await slow;
    assert.equal(controller.busy, false);
  });

  it('does not carry the busy timer of a fast fill over to the next fill', async () => {
    const { controller, pending } = setup();
    const first = controller.run();
    pending[0].settle.resolve('drawn');
    await first;
    const fast = controller.run();
    pending[1].settle.resolve('fast');
    await fast;
    // A new fill starts late in the timer's period: it still gets its full delay.
    await sleep(BUSY_DELAY_MS * 0.8);
    const next = controller.run();
    await sleep(BUSY_DELAY_MS * 0.5);
    assert.equal(controller.busy, false, 'not busy before its own delay');
    await sleep(BUSY_DELAY_MS * 0.8);
    assert.equal(controller.busy, true);
    pending[2].settle.resolve('done');
    await next;
  });

  it('applies changes the page made while a request ran before taking its result: a newer request makes it stale', async () => {
    const { host, controller, pending, completed } = setup();
    const first = controller.run();
    // The page changes an input: the host's update that will start a newer request is queued, not run yet.
    host.isUpdatePending = true;
    pending[0].settle.resolve('old input');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(completed, [], 'the result waits for the pending update');
    let second!: Promise<string>;
    await host.runPendingUpdate(() => (second = controller.run()));
    pending[1].settle.resolve('new input');
    assert.equal(await first, 'new input');
    assert.equal(await second, 'new input');
    assert.deepEqual(completed, ['new input']);
  });

  it('takes a result after a pending update that starts no request', async () => {
    const { host, controller, pending, completed } = setup();
    const request = controller.run();
    host.isUpdatePending = true;
    pending[0].settle.resolve('result');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await host.runPendingUpdate();
    assert.equal(await request, 'result');
    assert.deepEqual(completed, ['result']);
  });

  it('aborts the pending request when the host leaves the page, quietly', async () => {
    const { host, controller, pending, errors } = setup();
    const request = controller.run();
    host.disconnect();
    assert.equal(pending[0].signal.aborted, true);
    pending[0].settle.resolve('late');
    await assert.rejects(request, { name: 'AbortError' });
    assert.deepEqual(errors, []);
    assert.equal(controller.busy, false);
    assert.equal(controller.value, undefined);
  });
});
