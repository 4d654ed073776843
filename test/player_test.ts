// The player and its runs, in Deno: a DOM from jsdom (htl builds the controls), a fake
// requestAnimationFrame driving the one frame loop, and runs fed by hand as the pool would feed them.
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><body></body>");
const { document, Node, Element, HTMLElement, DocumentFragment } = dom.window;
Object.assign(globalThis, { document, Node, Element, HTMLElement, DocumentFragment });
const { FrameLoop } = await import("../src/components/player/frame_loop.ts");
const { LiveRun, Player } = await import("../src/components/player/player.ts");
type Job = import("../src/components/live/pool.ts").Job;
type JobEnd = import("../src/components/live/pool.ts").JobEnd;

interface Snap {
  epoch: number;
  diverged: boolean;
  report?: boolean;
}

/** A fake requestAnimationFrame: `frame()` runs the callbacks asked for before it. */
function fakeFrames() {
  let pending: (() => void)[] = [];
  const saved = { request: globalThis.requestAnimationFrame, cancel: globalThis.cancelAnimationFrame };
  globalThis.requestAnimationFrame = (callback) => pending.push(() => callback(0));
  globalThis.cancelAnimationFrame = (id) => void (pending[id - 1] = () => {});
  return {
    /** Runs frames until nothing asks for one (at most `max`). */
    settle(max = 50) {
      for (let i = 0; i < max && pending.length; i++) {
        const now = pending;
        pending = [];
        for (const callback of now) callback();
      }
    },
    restore() {
      globalThis.requestAnimationFrame = saved.request;
      globalThis.cancelAnimationFrame = saved.cancel;
    },
  };
}

/** A run whose job the test feeds: `send(epoch)` delivers a snapshot, `finish()` ends the job. */
function fedRun(run: InstanceType<typeof LiveRun<Snap>>, epochs: number, onChange: () => void) {
  let deliver!: (snapshot: Snap) => void;
  let end!: (value: JobEnd) => void;
  const ended = new Promise<JobEnd>((resolve) => (end = resolve));
  run.begin(epochs, (onSnapshot) => {
    deliver = onSnapshot;
    const job: Job = { id: 1, kind: "kmeans", ended, cancel() {}, cancelled: false };
    return job;
  }, onChange);
  return {
    send: (epoch: number, report = true) => deliver({ epoch, diverged: false, report }),
    finish: async (status: JobEnd["status"] = "done") => {
      end({ status, ms: 1 });
      await ended;
      await Promise.resolve();
    },
  };
}

Deno.test("Player: instant mode shows the start, then the last epoch once trained, and says done", async () => {
  const frames = fakeFrames();
  try {
    const drawn: (number | undefined)[] = [];
    const loop = new FrameLoop();
    const player = new Player<Snap>(loop, ([s]) => drawn.push(s?.epoch));
    const run = new LiveRun<Snap>();
    player.runs = [run];
    const feed = fedRun(run, 10, () => player.request());
    player.restartPlayback();
    for (let epoch = 0; epoch <= 10; epoch++) feed.send(epoch);
    frames.settle();
    assert.deepEqual(drawn, [0], "while training, instant mode keeps the start on screen");
    assert.equal(run.progress.dataset.trainingState, "running");
    await feed.finish();
    frames.settle();
    assert.deepEqual(drawn, [0, 10]);
    assert.equal(run.progress.dataset.trainingState, "done");
    assert.equal(run.progress.dataset.epoch, "10");
  } finally {
    frames.restore();
  }
});

Deno.test("Player: pause, seek, step and reset show the stored epoch in every run at once", async () => {
  const frames = fakeFrames();
  try {
    const drawn: (number | undefined)[][] = [];
    const loop = new FrameLoop();
    const player = new Player<Snap>(loop, (snapshots) => drawn.push(snapshots.map((s) => s?.epoch)));
    const runs = [new LiveRun<Snap>("a"), new LiveRun<Snap>("b")];
    player.runs = runs;
    const feeds = runs.map((run) => fedRun(run, 6, () => player.request()));
    player.restartPlayback();
    for (const feed of feeds) for (let epoch = 0; epoch <= 6; epoch++) feed.send(epoch, epoch % 3 === 0);
    for (const feed of feeds) await feed.finish();
    frames.settle();
    player.seek(4);
    frames.settle();
    assert.deepEqual(drawn.at(-1), [4, 4], "a seek draws both runs in one frame");
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "paused"));
    await player.stepEpoch();
    frames.settle();
    assert.deepEqual(drawn.at(-1), [5, 5]);
    player.stepReport();
    frames.settle();
    assert.deepEqual(drawn.at(-1), [6, 6], "the next report after 5 is 6");
    player.reset();
    frames.settle();
    assert.deepEqual(drawn.at(-1), [0, 0]);
    player.play();
    frames.settle();
    assert.deepEqual(drawn.at(-1), [6, 6], "play (instant) goes to the end");
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "done"));
  } finally {
    frames.restore();
  }
});

Deno.test("Player: a new run paused at once shows the new run's start, not the old run's last epoch", async () => {
  const frames = fakeFrames();
  try {
    const drawn: (Snap | undefined)[] = [];
    const loop = new FrameLoop();
    const player = new Player<Snap>(loop, ([s]) => drawn.push(s));
    const run = new LiveRun<Snap>();
    player.runs = [run];
    const first = fedRun(run, 5, () => player.request());
    player.restartPlayback();
    for (let epoch = 0; epoch <= 5; epoch++) first.send(epoch);
    await first.finish();
    frames.settle();
    assert.equal(drawn.at(-1)?.epoch, 5);
    const old = drawn.at(-1);
    const second = fedRun(run, 5, () => player.request());
    player.restartPlayback();
    player.pause();
    frames.settle();
    second.send(0);
    frames.settle();
    assert.notEqual(drawn.at(-1), old, "the old run's snapshot is gone");
    assert.equal(drawn.at(-1)?.epoch, 0, "the new run's start is drawn while paused");
    assert.equal(run.progress.dataset.trainingState, "paused");
  } finally {
    frames.restore();
  }
});
