/**
 * A task of one's own: long work split so that input, frames and messages come between its parts (the element's
 * first drawing on the page; the run queue in the runtime worker and on the page).
 */
const turns = new MessageChannel();
// Node (the engine's tests) runs on while a port listens, and a port it does not count ends the run under a turn
// still on its way: the port counts while a turn is. Browsers have neither method.
const port = turns.port1 as MessagePort & { ref?(): void; unref?(): void };
const waiting: (() => void)[] = [];
port.onmessage = () => {
  waiting.shift()?.();
  if (!waiting.length) port.unref?.();
};
port.unref?.();

/** Resolves in a task of its own, after the messages already queued (unlike setTimeout, never clamped or throttled in a hidden tab). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.ref?.();
    turns.port2.postMessage(null);
  });
}
