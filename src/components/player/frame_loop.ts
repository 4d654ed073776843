/**
 * The one frame loop of a live page: every drawing it does happens here, once per animation frame.
 * Each frame does one piece of work: the player's draw (the epoch on screen, in every panel at
 * once) or, unless the player drew, one named step (a panel built, a curve redrawn, a slot resized).
 * A piece's DOM changes and the style, layout and paint they cause make a short task of their own,
 * where doing several in one frame made one long task. A step asked for again before it ran keeps
 * its place and takes the new function, so a superseded rebuild never runs; a step draws the page's
 * state as it is when it runs, so nothing stale is drawn. While the player animates, a step waits
 * at most {@link FrameLoop.patience} frames: then it has the frame, and the player draws in the next.
 */
export class FrameLoop {
  readonly #steps = new Map<string, () => void>();
  #frame = 0;
  #waited = 0;
  #player?: () => boolean;
  #playerWanted = false;
  /** Callbacks waiting until no step is left (see {@link FrameLoop.afterSteps}). */
  #afterSteps: (() => void)[] = [];
  static readonly patience = 3;

  /** Sets the player's draw: called in the next frame after {@link FrameLoop.requestPlayer}; true if it drew. */
  setPlayer(draw: () => boolean): void {
    this.#player = draw;
  }

  /** Asks for the player's draw in the next frame. */
  requestPlayer(): void {
    this.#playerWanted = true;
    this.#schedule();
  }

  /** Runs `step` in a frame of its own, after the steps asked for before it. */
  want(name: string, step: () => void): void {
    this.#steps.set(name, step);
    this.#schedule();
  }

  /** Forgets the step `name` if it has not run. */
  drop(name: string): void {
    this.#steps.delete(name);
  }

  /**
   * Calls `callback` in a task of its own once no step is left (at once, in a task, if none is):
   * after the frame that drew the last of them.
   */
  afterSteps(callback: () => void): void {
    this.#afterSteps.push(callback);
    if (!this.#steps.size) this.#release();
  }

  #release() {
    const callbacks = this.#afterSteps.splice(0);
    if (callbacks.length) setTimeout(() => callbacks.forEach((callback) => callback()));
  }

  /** Whether anything is waiting for a frame. */
  get pending(): boolean {
    return this.#playerWanted || this.#steps.size > 0;
  }

  #schedule() {
    if (!this.#frame) this.#frame = requestAnimationFrame(() => this.#run());
  }

  #run(): void {
    this.#frame = 0;
    const [first] = this.#steps;
    const overdue = first !== undefined && this.#waited >= FrameLoop.patience;
    let drew = false;
    try {
      if (this.#playerWanted && this.#player && !overdue) {
        this.#playerWanted = false;
        drew = this.#player();
      }
      if (first) {
        if (drew) this.#waited++;
        else {
          this.#waited = 0;
          this.#steps.delete(first[0]);
          first[1]();
        }
      }
    } finally {
      // A piece that throws is reported (the error goes on), and the pieces after it still get their frames:
      // one failed drawing must not freeze every later one.
      if (this.pending) this.#schedule();
      if (!this.#steps.size) this.#release();
    }
  }

  /** Drops every step and stops (the page is going away). */
  dispose(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#steps.clear();
    this.#playerWanted = false;
    this.#afterSteps = [];
  }
}
