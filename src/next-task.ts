/** A task of one's own: long work on the page split so that input and frames come between its parts. */
const turns = new MessageChannel();
const waiting: (() => void)[] = [];
turns.port1.onmessage = () => waiting.shift()?.();

/** Resolves in a task of its own, after the messages already queued (unlike setTimeout, never clamped or throttled in a hidden tab). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    turns.port2.postMessage(null);
  });
}
