/**
 * Resolves in a task of its own: a MessageChannel round trip, which (unlike a nested `setTimeout`)
 * is not clamped to 4 ms. Long work awaits it between pieces, so that the browser can draw and
 * answer input in between, and so that a worker sees a message (a cancel) between two reports.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

/** Runs `fn` in a task of its own, soon: for computations (no drawing) that should not share a task with a frame's drawing. */
export function inTask(fn: () => void): void {
  void nextTask().then(fn);
}
