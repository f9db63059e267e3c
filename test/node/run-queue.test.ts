import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunQueue, type TaskKind } from '../../src/runtime/run-queue.js';
import { deferred } from '../helpers/fake-host.js';

/** The order in which a queue serves `tasks` (name and kind), all asked for while another task runs. */
async function servedOrder(tasks: [string, TaskKind?][]): Promise<string[]> {
  const queue = new RunQueue();
  const gate = deferred<void>();
  const order: string[] = [];
  const busy = queue.add(() => gate.promise);
  const work = tasks.map(([name, kind]) => queue.add(() => order.push(name), { kind }));
  gate.resolve();
  await Promise.all([busy, ...work]);
  return order;
}

describe('RunQueue', () => {
  it('runs one task at a time, in the order asked', async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      assert.equal(running, 1, `${name} runs alone`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(name);
      running--;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => queue.add(task(name))));
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  it('never starts a task whose signal aborted while it waited, and rejects it at once with the reason', async () => {
    const queue = new RunQueue();
    const first = deferred<void>();
    const started: string[] = [];
    const running = queue.add(async () => {
      started.push('first');
      await first.promise;
    });
    const controller = new AbortController();
    const replaced = queue.add(() => started.push('replaced'), { signal: controller.signal });
    const next = queue.add(() => started.push('next'));
    controller.abort(new DOMException('replaced', 'AbortError'));
    await assert.rejects(replaced, { name: 'AbortError', message: 'replaced' });
    first.resolve();
    await Promise.all([running, next]);
    assert.deepEqual(started, ['first', 'next']);
  });

  it('rejects at once a task whose signal aborted before it was asked for', async () => {
    const queue = new RunQueue();
    const started: string[] = [];
    await assert.rejects(queue.add(() => started.push('late'), { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.deepEqual(started, []);
  });

  it('lets a task that started run to its end when its signal aborts', async () => {
    const queue = new RunQueue();
    const controller = new AbortController();
    const gate = deferred<void>();
    const task = queue.add(
      async () => {
        controller.abort();
        await gate.promise;
        return 'done';
      },
      { signal: controller.signal },
    );
    gate.resolve();
    assert.equal(await task, 'done');
  });

  it('runs every waiting run before loading work, whatever order they came in', async () => {
    const order = await servedOrder([['create 16×16', 'loading'], ['run 8×8 a'], ['release', 'loading'], ['run 8×8 b']]);
    assert.deepEqual(order, ['run 8×8 a', 'run 8×8 b', 'create 16×16', 'release']);
  });

  it("serves a new session's warm-up after the runs of fills and before creations", async () => {
    const order = await servedOrder([['create 16×16', 'loading'], ['warm up 8×8', 'warm-up'], ['run 8×8']]);
    assert.deepEqual(order, ['run 8×8', 'warm up 8×8', 'create 16×16']);
  });

  it("puts a run asked for as the last one ends before the loading work already waiting (a fill's next run)", async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    const fill = async () => {
      for (const run of ['run 1', 'run 2', 'run 3']) await queue.add(() => order.push(run));
    };
    const filled = fill();
    const created = queue.add(() => order.push('create'), { kind: 'loading' });
    await Promise.all([filled, created]);
    assert.deepEqual(order, ['run 1', 'run 2', 'run 3', 'create']);
  });

  it('goes on after a task that throws', async () => {
    const queue = new RunQueue();
    const failed = queue.add(() => {
      throw new Error('broken model');
    });
    await assert.rejects(failed, /broken model/);
    assert.equal(await queue.add(() => 'after'), 'after');
  });
});
