import assert from "node:assert/strict";
import { FrameQueue } from "../src/components/player/player.ts";

/** A fake requestAnimationFrame: `frame(time)` runs the callbacks asked for before it, as a browser's frame does. */
function fakeFrames() {
  let pending: ((time: number) => void)[] = [];
  const saved = { request: globalThis.requestAnimationFrame, cancel: globalThis.cancelAnimationFrame };
  globalThis.requestAnimationFrame = (callback) => pending.push(callback);
  globalThis.cancelAnimationFrame = (id) => void (pending[id - 1] = () => {});
  return {
    frame(time: number) {
      const now = pending;
      pending = [];
      for (const callback of now) callback(time);
    },
    restore() {
      globalThis.requestAnimationFrame = saved.request;
      globalThis.cancelAnimationFrame = saved.cancel;
    },
  };
}

Deno.test("FrameQueue runs one step a frame, in the order asked, each step's latest function", () => {
  const frames = fakeFrames();
  try {
    const ran: string[] = [];
    const queue = new FrameQueue();
    queue.want("a", () => ran.push("a1"));
    queue.want("b", () => ran.push("b"));
    queue.want("a", () => ran.push("a2")); // asked again before it ran: keeps its place, new function
    assert.deepEqual([...ran], [], "nothing runs before a frame");
    frames.frame(1);
    assert.deepEqual([...ran], ["a2"]);
    queue.want("c", () => ran.push("c"));
    queue.drop("c");
    frames.frame(2);
    frames.frame(3);
    assert.deepEqual([...ran], ["a2", "b"], "one step a frame; a dropped step never runs");
  } finally {
    frames.restore();
  }
});

Deno.test("FrameQueue leaves a frame the player drew in to it, for at most `patience` frames in a row", () => {
  const frames = fakeFrames();
  try {
    const ran: number[] = [];
    let drawing = true;
    const queue = new FrameQueue({ claims: () => drawing });
    queue.want("step", () => ran.push(1));
    for (let t = 1; t <= FrameQueue.patience; t++) frames.frame(t);
    assert.deepEqual([...ran], [], "waits while the player draws");
    frames.frame(FrameQueue.patience + 1);
    assert.deepEqual([...ran], [1], "then runs anyway");
    drawing = false;
    queue.want("next", () => ran.push(2));
    frames.frame(10);
    assert.deepEqual([...ran], [1, 2], "a frame the player left free runs at once");
    queue.want("later", () => ran.push(3));
    queue.dispose();
    frames.frame(11);
    assert.deepEqual([...ran], [1, 2], "dispose drops the steps");
  } finally {
    frames.restore();
  }
});
