/**
 * The live pages' training runs and their player, in the manner of TensorFlow Playground: runs
 * train in the workers (`training_client.ts`) and stream snapshots into a stored history; a
 * {@link Player} decides which epoch is on screen (the latest, an animation over the history, or
 * where the reader paused, stepped or scrubbed) and draws at most once per animation frame, so
 * snapshots that arrive in between are coalesced and scrubbing redraws from the history without
 * retraining.
 *
 * Each run's progress element carries `data-training-state` (running, paused, done, diverged,
 * cancelled), `data-epoch` (the epoch drawn, or trained so far while an instant run trains),
 * `data-run` (a count of the runs started, so that a new run's "done" is told from the previous
 * one's) and, once trained, `data-worker-ms` (the worker's own time for the job). The browser tests
 * and the benchmark wait on them.
 */
import { html } from "htl";
import type { Job, JobEnd } from "../live/pool.js";
import { readUrlState, writeUrlParam } from "../inputs/url_state.js";
import type { FrameLoop } from "./frame_loop.js";

/** What a run's progress element says. */
type TrainingState = "running" | "paused" | "done" | "diverged" | "cancelled";

/** A snapshot as a run stores it. */
export interface Snapshot {
  epoch: number;
  diverged: boolean;
  /** False for an epoch between two reports: kept for stepping and scrubbing, not in `history`. */
  report?: boolean;
}

/** One training run: its job, its stored history and its progress element. */
export class LiveRun<S extends Snapshot> {
  /** The run's reports, in epoch order (what the curves draw). */
  history: S[] = [];
  /** Every epoch stored, reports included, in epoch order (what stepping and scrubbing show). */
  epochsStored: S[] = [];
  job?: Job;
  end?: JobEnd;
  epochs = 1;
  /** Milliseconds from the start to the last snapshot's arrival. */
  ms = 0;
  #started = 0;
  /** Steps one epoch past the history: trains to `epoch` again (deterministic) and gives its state. */
  replay?: (epoch: number) => Promise<S | undefined>;
  readonly progress: HTMLDivElement;
  readonly #epoch = html`<strong data-testid="epoch">0</strong>` as HTMLElement;
  readonly #of = html`<span>1</span>` as HTMLElement;
  readonly #bar = html`<progress max="1" value="0"></progress>` as HTMLProgressElement;
  readonly #status = html`<span class="training-status">starting…</span>` as HTMLElement;
  #state: TrainingState = "running";
  #shownKey = "";
  #shownAt = 0;

  constructor(readonly name = "") {
    this.progress =
      html`<div class="training-progress" aria-live="polite" data-training-state="running" data-epoch="0">
      ${
        name
          ? html`
            <strong>${name}</strong>
          `
          : ""
      }<label>epoch ${this.#epoch} of ${this.#of}
      ${this.#bar}</label> ${this.#status}
    </div>` as HTMLDivElement;
  }

  /** Starts a new run (the previous one, if any, is cancelled and forgotten). */
  begin(epochs: number, start: (onSnapshot: (snapshot: S) => void) => Job, onChange: () => void): void {
    this.job?.cancel();
    this.history = [];
    this.epochsStored = [];
    this.end = undefined;
    this.epochs = epochs;
    this.#started = performance.now();
    this.#of.textContent = String(epochs);
    this.#bar.max = epochs;
    // Said at once, so that nothing reads the previous run's "done" as this one's.
    this.progress.dataset.run = String(Number(this.progress.dataset.run ?? 0) + 1);
    this.show(undefined, "running");
    const job = start((snapshot) => {
      if (job !== this.job) return;
      this.insert(snapshot);
      this.ms = performance.now() - this.#started;
      onChange();
    });
    this.job = job;
    job.ended.then((end) => {
      if (job !== this.job) return;
      this.end = end;
      this.ms = performance.now() - this.#started;
      onChange();
    });
  }

  /** Adds a snapshot in epoch order (replayed epochs land between reports). */
  insert(snapshot: S): void {
    const put = (list: S[]) => {
      // A diverged run ends on its last finite epoch again, marked diverged: it ends the list (the
      // epochs stored after it had a loss that was not finite).
      if (snapshot.diverged) {
        while (list.length && list[list.length - 1].epoch >= snapshot.epoch) list.pop();
        list.push(snapshot);
        return;
      }
      let at = list.length;
      while (at > 0 && list[at - 1].epoch > snapshot.epoch) at--;
      if (at > 0 && list[at - 1].epoch === snapshot.epoch) return;
      list.splice(at, 0, snapshot);
    };
    put(this.epochsStored);
    if (snapshot.report !== false) put(this.history);
  }

  /** Stops the run; its element then says "cancelled". */
  cancel(): void {
    this.job?.cancel();
    this.job = undefined;
    this.show(this.last, "cancelled");
  }

  /** Whether training has finished (or failed) in the worker. */
  get trained(): boolean {
    return this.end !== undefined;
  }

  /** The latest stored snapshot. */
  get last(): S | undefined {
    return this.history.at(-1);
  }

  /** The stored snapshot at `epoch`, or the latest one before it (a binary search: every epoch is stored). */
  at(epoch: number): S | undefined {
    const list = this.epochsStored;
    let low = 0, high = list.length; // the first index whose epoch is above `epoch`
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid].epoch > epoch) high = mid;
      else low = mid + 1;
    }
    return list[low - 1] ?? list[0];
  }

  get state(): TrainingState {
    return this.#state;
  }

  /**
   * Updates the progress element to `snapshot` in `state`: the snapshot drawn, or (`drawn` false)
   * the latest trained while the instant speed keeps the start on screen.
   */
  show(snapshot: S | undefined, state: TrainingState, { drawn = true }: { drawn?: boolean } = {}): void {
    const epoch = snapshot?.epoch ?? 0;
    // An epoch trained but not drawn changes the element at most every 100 ms (each change costs
    // the page a style and layout pass); the epoch drawn, and any change of state, show at once.
    const now = performance.now();
    const key = `${state} ${epoch} ${this.end?.status} ${this.progress.dataset.run}`;
    if (key === this.#shownKey) return;
    if (!drawn && state === "running" && this.#state === "running" && now - this.#shownAt < 100) {
      return;
    }
    this.#shownKey = key;
    this.#shownAt = now;
    this.#state = state;
    this.progress.dataset.trainingState = state;
    this.progress.dataset.epoch = String(epoch);
    // The worker's own time for the job (the engine plus its reports), beside what the reader waited.
    if (this.end?.ms !== undefined) this.progress.dataset.workerMs = this.end.ms.toFixed(1);
    else delete this.progress.dataset.workerMs;
    this.#epoch.textContent = String(epoch);
    this.#bar.value = epoch;
    const seconds = (this.ms / 1000).toFixed(2);
    let status: string | Node;
    if (this.end?.status === "error") {
      status = html`<strong class="warning">Training failed: ${this.end.error}</strong>`;
    } else if (state === "diverged") {
      status = html`
        <strong
          class="warning">Training diverged at epoch ${epoch +
            1}: the loss stopped being finite, so it stopped and shows the last finite state. Lower the learning rate.</strong>
      `;
    } else if (state === "done") status = `done in ${seconds} s`;
    else if (state === "paused") {
      status = this.trained ? `paused (trained in ${seconds} s)` : "paused (training…)";
    } else if (state === "cancelled") status = "cancelled";
    else status = this.trained ? "playing back…" : `training… ${(this.ms / 1000).toFixed(1)} s`;
    this.#status.replaceChildren(status);
  }
}

/**
 * How a run is shown: "animated" paces its epochs over about {@link ANIMATION_MS} as they arrive
 * (never ahead of training), "instant" shows its start, then its result once trained.
 */
type Speed = "animated" | "instant";

/** The speed as a URL parameter (`speed=instant`; animated when absent). */
const SPEED = { type: "option", value: "animated", options: ["animated", "instant"] } as const;

/** Milliseconds an animated playback of a whole run lasts at least (a slower training sets the pace). */
const ANIMATION_MS = 2000;
/**
 * The most time one frame moves the playhead by: a frame that comes late (a long task, a hidden tab)
 * does not skip the epochs in between.
 */
const LATE_FRAME_MS = 250;

/** What the play button does next, and says. */
type PlayAction = "play" | "pause" | "replay";

/**
 * Plays a set of runs that share an epoch axis: one play button (play, pause, or replay once every
 * run's end is on screen), step one epoch or one report, reset, skip to the end, a scrubber over the
 * stored history and the speed. `draw(snapshots)` gets the snapshot to show for each run and is
 * called at most once per animation frame, only when one of them changed or when every run's end
 * has come to be on screen (a job ends after its last snapshot: that snapshot may be drawn already).
 *
 * Animated, a playhead moves over the epochs at {@link ANIMATION_MS} a whole run, from the first
 * snapshot on, and never past the latest epoch stored: a training faster than that is shown at
 * that pace, a slower one as its epochs arrive.
 */
export class Player<S extends Snapshot> {
  runs: LiveRun<S>[] = [];
  /** How new runs are shown (from the URL's `speed=`, else animated). */
  speed: Speed;
  paused = false;
  /** The epoch on screen when paused. */
  #cursor = 0;
  /** Whether the playback is paced (animated, or a replay), and its playhead (an epoch, fractional). */
  #paced = true;
  #playhead = 0;
  /** When the playhead last moved. */
  #movedAt = 0;
  #drawn: (S | undefined)[] = [];
  /** Whether the last tick had every run's end on screen. */
  #ended = false;
  #shownKey = "";
  #action: PlayAction = "pause";
  readonly element: HTMLDivElement;
  readonly #scrubber =
    html`<input type="range" min="0" max="1" step="1" value="0" aria-label="epoch shown">` as HTMLInputElement;
  readonly #playButton: HTMLButtonElement;
  readonly #skipButton: HTMLButtonElement;
  readonly #label = html`<span class="player-epoch" data-testid="player-epoch">0</span>` as HTMLElement;

  constructor(readonly loop: FrameLoop, readonly draw: (snapshots: (S | undefined)[]) => void) {
    loop.setPlayer(() => this.#tick());
    const { values, problems } = readUrlState({ speed: SPEED });
    this.speed = values.speed as Speed;
    const button = (label: string, text: string, action: () => void, title = label) => {
      const b =
        html`<button type="button" aria-label=${label} title=${title}>${text}</button>` as HTMLButtonElement;
      b.addEventListener("click", action);
      return b;
    };
    this.#playButton = button(
      "pause",
      "pause",
      () => (this.#action === "pause" ? this.pause() : this.play()),
    );
    this.#skipButton = button("skip to the end", "skip to end", () => this.skipToEnd());
    this.#scrubber.addEventListener("input", () => this.seek(Number(this.#scrubber.value)));
    const speed = html`<select aria-label="playback speed">
      <option value="animated">animated (2 s)</option><option value="instant">instant</option></select>` as HTMLSelectElement;
    speed.value = this.speed;
    speed.addEventListener("change", () => {
      this.speed = speed.value as Speed;
      // The default (animated) is left out of the link.
      writeUrlParam("speed", this.speed === SPEED.value ? undefined : this.speed);
      this.restartPlayback();
    });
    this.element = html`<div class="player" role="group" aria-label="training playback">
      ${button("reset to the start", "reset", () => this.reset())}
      ${this.#playButton}
      ${button("step one epoch", "+1 epoch", () => void this.stepEpoch())}
      ${
      button(
        "step one report",
        "+1 report",
        () => this.stepReport(),
        "Step to the next report. A report is an epoch whose losses are recorded and drawn as a point of the curves, every few epochs; +1 epoch steps through the epochs in between.",
      )
    }
      ${this.#skipButton}
      ${this.#scrubber} epoch ${this.#label} ${speed}
      ${problems.length ? html`<span class="warning" role="note">${problems.join(" ")}</span>` : ""}
    </div>` as HTMLDivElement;
  }

  /** Starts showing fresh runs (called after each run's `begin`): from epoch 0, at the chosen speed. */
  restartPlayback(): void {
    this.#playFrom(0, this.speed === "animated");
    this.#drawn = [];
  }

  /** Asks the frame loop for a draw (every request until the next frame is one draw). */
  request(): void {
    this.loop.requestPlayer();
  }

  get #epochs(): number {
    return Math.max(1, ...this.runs.map((run) => run.epochs));
  }

  #playFrom(epoch: number, paced: boolean): void {
    // Said at once: a click in the same task (a pause right after a change) does what it reads.
    this.#showAction("pause");
    this.paused = false;
    this.#paced = paced;
    this.#playhead = epoch;
    this.#movedAt = performance.now();
    this.request();
  }

  /** The epoch to show now (Infinity: the instant speed's start, then result). */
  #target(): number {
    if (this.paused) return this.#cursor;
    if (!this.#paced) return Infinity;
    const now = performance.now();
    // The pace starts with the first snapshot; the playhead never passes the latest epoch stored.
    const latest = Math.max(...this.runs.map((run) => run.epochsStored.at(-1)?.epoch ?? -1));
    if (latest >= 0) {
      const elapsed = Math.min(LATE_FRAME_MS, now - this.#movedAt);
      this.#playhead = Math.min(latest, this.#playhead + this.#epochs * elapsed / ANIMATION_MS);
    }
    this.#movedAt = now;
    return Math.floor(this.#playhead);
  }

  /** Draws the epoch to show, if it changed or the runs' ends came; true if it drew. */
  #tick(): boolean {
    const target = this.#target();
    // Instant: the start, then the result once trained (no drawing while the workers train).
    const wanted = this.runs.map((run) =>
      target === Infinity ? (run.trained ? run.last : run.history[0]) : run.at(target)
    );
    // While playing, one run's change per frame: each run's panel costs a posterior, a canvas and
    // contours, and two in one frame would make a long task; the others follow in the next frames.
    // A reader's step, scrub or reset (paused) redraws every run in the frame that answers it.
    const changed = wanted.findIndex((snapshot, r) => snapshot !== this.#drawn[r]);
    const snapshots = this.paused
      ? wanted
      : wanted.map((snapshot, r) => (r === changed ? snapshot : this.#drawn[r]));
    const more = !this.paused && changed >= 0 &&
      wanted.some((snapshot, r) => r > changed && snapshot !== this.#drawn[r]);
    const ended = this.runs.length > 0 &&
      this.runs.every((run, r) => run.trained && snapshots[r] === run.last);
    // A job's end comes after its last snapshot, which may be on screen already: the runs' end is
    // drawn all the same (what follows it, the notes and the lesson's why, is asked by the draw).
    const draws = changed >= 0 || (ended && !this.#ended);
    this.#ended = ended;
    if (draws) {
      this.draw(snapshots);
      this.#drawn = snapshots;
    }
    let animating = more;
    this.runs.forEach((run, r) => {
      const snapshot = snapshots[r];
      const atEnd = run.trained && snapshot === run.last;
      if (run.state === "cancelled" && !run.job) return;
      if (this.paused) run.show(snapshot, "paused");
      else if (atEnd) run.show(snapshot, run.end?.status === "diverged" ? "diverged" : "done");
      else {
        if (target === Infinity) run.show(run.last, "running", { drawn: false });
        else run.show(snapshot, "running");
        if (run.trained || this.#paced) animating = true;
      }
    });
    this.#showAction(ended ? "replay" : this.paused ? "play" : "pause");
    const shown = String(Math.max(0, ...snapshots.map((s) => s?.epoch ?? 0)));
    // Written only when they change: a tick comes with every snapshot, and each write costs the
    // frame a style and layout pass.
    const key = `${this.#epochs} ${shown}`;
    if (key !== this.#shownKey || this.#scrubber.value !== shown) {
      this.#shownKey = key;
      this.#scrubber.max = String(this.#epochs);
      this.#scrubber.value = shown;
      this.#label.textContent = shown;
    }
    if (animating) this.request();
    return draws;
  }

  /** Labels the play button with what it will do, and enables "skip to end" unless at the end. */
  #showAction(action: PlayAction): void {
    if (action === this.#action) return;
    this.#action = action;
    this.#playButton.textContent = action;
    this.#playButton.setAttribute("aria-label", action);
    this.#playButton.title = action === "replay" ? "replay the run from epoch 0, animated" : action;
    this.#skipButton.disabled = action === "replay";
  }

  #shownEpoch(): number {
    return Math.max(0, ...this.#drawn.map((snapshot) => snapshot?.epoch ?? 0));
  }

  /** Freezes the view at the epoch playing (training goes on in the worker). */
  pause(): void {
    // Paced, the playhead's epoch: the runs' panels follow it one a frame, and the one drawn last
    // may still show where the playback was before.
    this.#cursor = this.#paced && Number.isFinite(this.#playhead)
      ? Math.min(this.#epochs, Math.floor(this.#playhead))
      : this.#shownEpoch();
    this.paused = true;
    this.#showAction("play");
    this.request();
  }

  /**
   * Plays on from the epoch on screen, at the chosen speed (instant: to the latest at once); from
   * the start again when every run's end is on screen.
   */
  play(): void {
    if (this.#action === "replay") return this.replay();
    this.#playFrom(this.paused ? this.#cursor : this.#shownEpoch(), this.speed === "animated");
  }

  /** Plays the runs again from epoch 0, animated (at either speed: an instant replay would show nothing). */
  replay(): void {
    this.#playFrom(0, true);
  }

  /** Shows the latest epoch stored at once (the result, once trained), and follows training from there. */
  skipToEnd(): void {
    this.#playFrom(Infinity, this.#paced);
  }

  /** Shows `epoch` (or the last report before it) from the history, paused. */
  seek(epoch: number): void {
    this.paused = true;
    this.#cursor = Math.max(0, Math.min(this.#epochs, epoch));
    this.request();
  }

  /** Back to the start (epoch 0), paused. */
  reset(): void {
    this.seek(0);
  }

  /** One report forward, paused. */
  stepReport(): void {
    const now = this.#shownEpoch();
    const next = Math.min(
      ...this.runs.map((run) => run.history.find((s) => s.epoch > now)?.epoch ?? Infinity),
    );
    this.seek(Number.isFinite(next) ? next : now);
  }

  /**
   * One epoch forward, paused: from the stored epochs (every epoch of a run is stored as it
   * trains), else, for an epoch not trained yet, trained again to that epoch.
   */
  async stepEpoch(): Promise<void> {
    const next = this.#shownEpoch() + 1;
    if (next > this.#epochs) return this.seek(next - 1);
    await Promise.all(this.runs.map(async (run) => {
      if (run.at(next)?.epoch === next || !run.replay) return;
      const snapshot = await run.replay(next);
      if (snapshot) run.insert(snapshot);
    }));
    this.seek(next);
  }

  /** Stops drawing (the page is going away). */
  dispose(): void {
    this.loop.dispose();
    for (const run of this.runs) run.job?.cancel();
  }
}

/** The caption under charts that draw `drawn` of `total` validation points (empty when they draw all). */
export function subsampleNote(drawn: number, total: number, { scores }: { scores: string }): HTMLElement {
  return html`<p class="muted">${
    drawn < total
      ? `The charts draw a seeded subsample of ${drawn.toLocaleString("en-US")} of the ${
        total.toLocaleString("en-US")
      } validation points; every ${scores} uses all of them.`
      : ""
  }</p>`;
}
