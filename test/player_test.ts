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

/**
 * A fake requestAnimationFrame and clock: `settle()` runs the callbacks asked for before each frame,
 * frame after frame, the clock (`performance.now`) moving one 60 Hz frame each; `wait(ms)` moves
 * the clock without a frame.
 */
function fakeFrames() {
  let pending: (() => void)[] = [];
  let now = 0;
  const saved = {
    request: globalThis.requestAnimationFrame,
    cancel: globalThis.cancelAnimationFrame,
    now: performance.now,
  };
  globalThis.requestAnimationFrame = (callback) => pending.push(() => callback(now));
  globalThis.cancelAnimationFrame = (id) => void (pending[id - 1] = () => {});
  performance.now = () => now;
  return {
    /** Runs frames until nothing asks for one (at most `max`); returns how many ran. */
    settle(max = 50, each?: () => void) {
      let frames = 0;
      for (; frames < max && pending.length; frames++) {
        const asked = pending;
        pending = [];
        now += 1000 / 60;
        for (const callback of asked) callback();
        each?.();
      }
      return frames;
    },
    wait(ms: number) {
      now += ms;
    },
    restore() {
      globalThis.requestAnimationFrame = saved.request;
      globalThis.cancelAnimationFrame = saved.cancel;
      performance.now = saved.now;
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
    sendDiverged: (epoch: number) => deliver({ epoch, diverged: true }),
    finish: async (status: JobEnd["status"] = "done") => {
      end({ status, ms: 1 });
      await ended;
      await Promise.resolve();
    },
  };
}

/**
 * A test with a fake requestAnimationFrame and clock ({@link fakeFrames}), restored whatever happens.
 */
function frameTest(name: string, body: (frames: ReturnType<typeof fakeFrames>) => void | Promise<void>) {
  Deno.test(name, async () => {
    const frames = fakeFrames();
    try {
      await body(frames);
    } finally {
      frames.restore();
    }
  });
}

/**
 * A player of runs named `names` (one unnamed run by default), at `speed` (default: the default
 * speed), each run fed by hand for `epochs` epochs, started. `drawn` holds what each frame drew;
 * `ended` whether each of those draws showed every run's end (trained, its last snapshot drawn);
 * `epochs()` the epochs of the first run drawn (frames before its first snapshot left out);
 * `latest()` the epochs of the latest frame, one per run.
 */
function fedPlayer(epochs: number, { names = [""], speed }: { names?: string[]; speed?: "instant" } = {}) {
  const drawn: (Snap | undefined)[][] = [];
  const ended: boolean[] = [];
  const player = new Player<Snap>(new FrameLoop(), (snapshots) => {
    drawn.push([...snapshots]);
    ended.push(runs.every((run, r) => run.trained && snapshots[r] === run.last));
  });
  const runs = names.map((name) => new LiveRun<Snap>(name));
  player.runs = runs;
  const feeds = runs.map((run) => fedRun(run, epochs, () => player.request()));
  if (speed) player.speed = speed;
  player.restartPlayback();
  return {
    player,
    runs,
    feeds,
    run: runs[0],
    feed: feeds[0],
    drawn,
    ended,
    epochs: () => drawn.flatMap(([s]) => s ? [s.epoch] : []),
    latest: () => drawn.at(-1)?.map((s) => s?.epoch),
  };
}

/** The player's controls as a reader finds them: by their accessible name. */
function control(player: { element: HTMLElement }, label: string): HTMLButtonElement {
  const found = player.element.querySelector<HTMLButtonElement>(`[aria-label="${label}"]`);
  assert.ok(found, `no control labelled "${label}"`);
  return found;
}

frameTest(
  "Player: instant mode shows the start, then the last epoch once trained, and says done",
  async (frames) => {
    const { run, feed, drawn } = fedPlayer(10, { speed: "instant" });
    const epochs = () => drawn.map(([s]) => s?.epoch);
    for (let epoch = 0; epoch <= 10; epoch++) feed.send(epoch);
    frames.settle();
    assert.deepEqual(epochs(), [0], "while training, instant mode keeps the start on screen");
    assert.equal(run.progress.dataset.trainingState, "running");
    await feed.finish();
    frames.settle();
    assert.deepEqual(epochs(), [0, 10]);
    assert.equal(run.progress.dataset.trainingState, "done");
    assert.equal(run.progress.dataset.epoch, "10");
  },
);

frameTest(
  "Player: pause, seek, step and reset show the stored epoch in every run at once",
  async (frames) => {
    const { player, runs, feeds, latest } = fedPlayer(6, { names: ["a", "b"], speed: "instant" });
    for (const feed of feeds) for (let epoch = 0; epoch <= 6; epoch++) feed.send(epoch, epoch % 3 === 0);
    for (const feed of feeds) await feed.finish();
    frames.settle();
    player.seek(4);
    frames.settle();
    assert.deepEqual(latest(), [4, 4], "a seek draws both runs in one frame");
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "paused"));
    await player.stepEpoch();
    frames.settle();
    assert.deepEqual(latest(), [5, 5]);
    player.stepReport();
    frames.settle();
    assert.deepEqual(latest(), [6, 6], "the next report after 5 is 6");
    player.reset();
    frames.settle();
    assert.deepEqual(latest(), [0, 0]);
    player.play();
    frames.settle();
    assert.deepEqual(latest(), [6, 6], "play (instant) goes to the end");
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "done"));
  },
);

frameTest(
  "Player: a new run paused at once shows the new run's start, not the old run's last epoch",
  async (frames) => {
    const { player, run, feed: first, drawn } = fedPlayer(5);
    for (let epoch = 0; epoch <= 5; epoch++) first.send(epoch);
    await first.finish();
    frames.settle(200);
    const old = drawn.at(-1)?.[0];
    assert.equal(old?.epoch, 5);
    const second = fedRun(run, 5, () => player.request());
    player.restartPlayback();
    player.pause();
    frames.settle();
    second.send(0);
    frames.settle();
    assert.notEqual(drawn.at(-1)?.[0], old, "the old run's snapshot is gone");
    assert.equal(drawn.at(-1)?.[0]?.epoch, 0, "the new run's start is drawn while paused");
    assert.equal(run.progress.dataset.trainingState, "paused");
  },
);

frameTest(
  "Player: animated (the default) paces a fast run over 2 s from its first epoch, never ahead of training",
  async (frames) => {
    const { epochs, player, run, feed } = fedPlayer(150);
    frames.settle(60); // a second while the worker starts: the pace waits for the first epoch
    for (let epoch = 0; epoch <= 40; epoch++) feed.send(epoch);
    frames.settle(60); // a second: the pace would be at epoch 75, training is at 40
    assert.equal(epochs().at(-1), 40, "the playhead stops at the latest epoch trained");
    assert.ok(epochs().length > 30, `${epochs().length} epochs drawn in the first second`);
    assert.equal(run.progress.dataset.trainingState, "running");
    assert.equal(control(player, "pause").textContent, "pause");
    for (let epoch = 41; epoch <= 150; epoch++) feed.send(epoch);
    await feed.finish();
    const ran = frames.settle(400);
    // 110 epochs more at 150 epochs per 2000 ms: 1467 ms, 88 frames (one frame either way).
    assert.ok(Math.abs(ran - 88) <= 1, `the last 110 epochs took ${ran} frames`);
    const drawn = epochs();
    assert.equal(drawn.at(-1), 150);
    assert.ok(drawn.every((epoch, i) => i === 0 || epoch > drawn[i - 1]), "epochs only go forward");
    assert.equal(run.progress.dataset.trainingState, "done");
    assert.equal(control(player, "replay").textContent, "replay", "after the end the button offers a replay");
    assert.ok(control(player, "skip to the end").disabled, "nothing to skip at the end");
  },
);

frameTest(
  "Player: animated, a training slower than the pace is shown as its epochs arrive",
  async (frames) => {
    const { epochs, run, feed } = fedPlayer(150);
    // Five epochs every 200 ms (the pace would show 75).
    for (let epoch = 0; epoch <= 150; epoch++) {
      feed.send(epoch);
      if (epoch % 5 === 0) {
        frames.wait(200);
        frames.settle(1);
        assert.equal(epochs().at(-1), epoch, "the epoch just trained is on screen");
      }
    }
    await feed.finish();
    frames.settle(5);
    assert.equal(run.progress.dataset.trainingState, "done");
  },
);

frameTest(
  "Player: runs whose last epochs are on screen before their jobs end are drawn once more when they end",
  async (frames) => {
    // A training slower than the pace: each epoch is on screen as it arrives, the last one too, and
    // each job's end comes after its last snapshot (the worker's "end" message follows it).
    const { feeds, runs, ended, latest } = fedPlayer(10, { names: ["a", "b"] });
    for (let epoch = 0; epoch <= 10; epoch++) {
      for (const feed of feeds) feed.send(epoch);
      frames.wait(200);
      frames.settle(3);
    }
    assert.deepEqual(latest(), [10, 10], "the last epochs are on screen");
    assert.ok(!ended.some((end) => end), "no draw showed ended runs yet");
    await feeds[0].finish();
    frames.settle(3);
    assert.ok(!ended.some((end) => end), "run b still trains");
    await feeds[1].finish();
    frames.settle();
    assert.equal(ended.at(-1), true, "a draw shows both runs ended (what the notes and lessons follow)");
    assert.equal(ended.filter((end) => end).length, 1, "once");
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "done"));
  },
);

frameTest(
  "Player: the play button says what it does: pause, play, replay; skip to end shows the result",
  async (frames) => {
    const { epochs, player, run, feed } = fedPlayer(100);
    const last = () => epochs().at(-1)!;
    for (let epoch = 0; epoch <= 100; epoch++) feed.send(epoch);
    await feed.finish();
    frames.settle(30);
    control(player, "pause").click();
    frames.settle();
    const paused = last();
    assert.ok(paused > 0 && paused < 100, `paused at ${paused}`);
    assert.equal(run.progress.dataset.trainingState, "paused");
    control(player, "play").click();
    frames.settle(3);
    assert.ok(last() > paused && last() < 100, "play goes on from where it paused, animated");
    control(player, "skip to the end").click();
    frames.settle();
    assert.equal(last(), 100, "skip to the end shows the last epoch at once");
    assert.equal(run.progress.dataset.trainingState, "done");
    control(player, "replay").click();
    frames.settle(3);
    assert.ok(last() < 10, `replay starts again from epoch 0 (shows ${last()})`);
    assert.equal(control(player, "pause").textContent, "pause");
    player.seek(100);
    frames.settle();
    assert.equal(control(player, "replay").textContent, "replay", "paused at the end: replay, not play");
  },
);

frameTest(
  "Player: animated, a run that diverged ends on its last finite epoch and says diverged",
  async (frames) => {
    const { epochs, drawn, player, run, feed } = fedPlayer(150);
    // Epoch 17's loss was not finite: the worker sends epoch 16 again, marked diverged.
    for (let epoch = 0; epoch <= 17; epoch++) feed.send(epoch, epoch % 5 === 0);
    feed.sendDiverged(16);
    await feed.finish("diverged");
    frames.settle(200);
    assert.equal(epochs().at(-1), 16);
    assert.equal(drawn.at(-1)?.[0]?.diverged, true);
    assert.equal(run.progress.dataset.trainingState, "diverged");
    assert.equal(control(player, "replay").textContent, "replay");
  },
);

frameTest(
  "Player: pause right after replay freezes every run at the replay's epoch, not the old end",
  async (frames) => {
    const { player, runs, feeds, latest } = fedPlayer(100, { names: ["a", "b"] });
    for (const feed of feeds) for (let epoch = 0; epoch <= 100; epoch++) feed.send(epoch);
    for (const feed of feeds) await feed.finish();
    frames.settle(200);
    assert.deepEqual(latest(), [100, 100]);
    player.replay();
    frames.settle(1); // one run's panel a frame: run a at the start, run b still at its end
    assert.deepEqual(latest(), [0, 100]);
    player.pause();
    frames.settle();
    assert.deepEqual(latest(), [0, 0]);
    assert.ok(runs.every((run) => run.progress.dataset.trainingState === "paused"));
  },
);
