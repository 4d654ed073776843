import assert from "node:assert/strict";
import { FrameLoop } from "../src/components/player/frame_loop.ts";

/** A fake requestAnimationFrame: `frame()` runs the callbacks asked for before it, as a browser's frame does. */
function fakeFrames() {
  let pending: ((time: number) => void)[] = [];
  let time = 0;
  const saved = { request: globalThis.requestAnimationFrame, cancel: globalThis.cancelAnimationFrame };
  globalThis.requestAnimationFrame = (callback) => pending.push(callback);
  globalThis.cancelAnimationFrame = (id) => void (pending[id - 1] = () => {});
  return {
    frame() {
      const now = pending;
      pending = [];
      time += 16;
      for (const callback of now) callback(time);
    },
    get requested() {
      return pending.length;
    },
    restore() {
      globalThis.requestAnimationFrame = saved.request;
      globalThis.cancelAnimationFrame = saved.cancel;
    },
  };
}

Deno.test("FrameLoop runs one step a frame, in the order asked, each step's latest function", () => {
  const frames = fakeFrames();
  try {
    const ran: string[] = [];
    const loop = new FrameLoop();
    loop.want("a", () => ran.push("a1"));
    loop.want("b", () => ran.push("b"));
    loop.want("a", () => ran.push("a2")); // asked again before it ran: keeps its place, new function
    assert.deepEqual([...ran], [], "nothing runs before a frame");
    assert.equal(frames.requested, 1, "one frame asked for, however many steps");
    frames.frame();
    assert.deepEqual([...ran], ["a2"]);
    loop.want("c", () => ran.push("c"));
    loop.drop("c");
    frames.frame();
    frames.frame();
    assert.deepEqual([...ran], ["a2", "b"], "one step a frame; a dropped step never runs");
    assert.equal(frames.requested, 0, "an idle loop asks for no frame");
  } finally {
    frames.restore();
  }
});

Deno.test("FrameLoop draws the player or runs a step in a frame, never both; a step waits at most `patience` frames", () => {
  const frames = fakeFrames();
  try {
    const ran: string[] = [];
    const loop = new FrameLoop();
    let draws = 0;
    loop.setPlayer(() => {
      ran.push(`draw ${++draws}`);
      return true;
    });
    loop.want("step", () => ran.push("step"));
    const frame = () => {
      const before = ran.length;
      frames.frame();
      return ran.slice(before);
    };
    for (let t = 1; t <= FrameLoop.patience; t++) {
      loop.requestPlayer();
      assert.deepEqual(frame(), [`draw ${t}`], "the player draws, the step waits");
    }
    loop.requestPlayer();
    assert.deepEqual(frame(), ["step"], "after `patience` frames the step has the frame alone");
    assert.deepEqual(frame(), ["draw 4"], "and the player draws in the next, unasked again");
    loop.requestPlayer();
    loop.requestPlayer();
    frame();
    assert.equal(draws, 5, "two requests before a frame are one draw");
    loop.setPlayer(() => false); // a frame where nothing changed: the step runs
    loop.want("next", () => ran.push("next"));
    loop.requestPlayer();
    frames.frame();
    assert.equal(ran.at(-1), "next");
    loop.want("later", () => ran.push("later"));
    loop.dispose();
    frames.frame();
    assert.ok(!ran.includes("later"), "nothing runs after dispose");
  } finally {
    frames.restore();
  }
});

Deno.test("FrameLoop goes on after a step that throws: the error is reported, the next steps still run", () => {
  const frames = fakeFrames();
  try {
    const ran: string[] = [];
    const loop = new FrameLoop();
    loop.want("broken", () => {
      throw new Error("a drawing failed");
    });
    loop.want("next", () => ran.push("next"));
    assert.throws(() => frames.frame(), /a drawing failed/);
    assert.equal(frames.requested, 1, "the loop asked for its next frame all the same");
    frames.frame();
    assert.deepEqual(ran, ["next"]);
  } finally {
    frames.restore();
  }
});

Deno.test("FrameLoop.afterSteps calls back in a task after the frame that ran the last step, not before", async () => {
  const frames = fakeFrames();
  try {
    const loop = new FrameLoop();
    const called: string[] = [];
    loop.want("a", () => called.push("a"));
    loop.want("b", () => called.push("b"));
    loop.afterSteps(() => called.push("after"));
    await new Promise((resolve) => setTimeout(resolve, 5));
    frames.frame();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(called, ["a"], "a step left: the callback waits");
    frames.frame();
    assert.deepEqual(called, ["a", "b"], "called in a task of its own, not inside the frame");
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(called, ["a", "b", "after"]);
    loop.afterSteps(() => called.push("idle"));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(called.at(-1), "idle", "no step left: called in the next task");
  } finally {
    frames.restore();
  }
});
