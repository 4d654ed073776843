/**
 * The one live page engine, generic over a model: what /kmeans and /gmm (and any model after them)
 * share. It owns the pool of training workers, the runs and their player, the one frame loop, the
 * scatter panels and their slots, the settings diff (what a change must retrain, rerun, redraw or
 * keep), the classical method's reference and its step-by-step panel, the gap curve, the k = 1..K
 * table, the extra jobs and charts a model adds (K-means' restarts, the mixture's parameters), and
 * dispose. A model is a {@link ModelDescriptor}: its runs and their jobs, how it paints a snapshot
 * and its reference, its half-steps, its curve value, its table row and its notes.
 *
 * Every drawing happens in the frame loop (`player/frame_loop.ts`): the player draws the epoch on
 * screen in every run's panel at once, and a change's other panels follow one a frame, each drawn
 * from the state as it is when its frame comes, so that a paused, scrubbed, stepped or superseded
 * run shows its own state everywhere.
 */
import { html } from "htl";
import type { Engine } from "../../lib/gradient/engine.js";
import { type Matrix, takeRows, toRows } from "../../lib/matrix.js";
import { matchCentroids } from "../../lib/kmeans/match_centroids.js";
import { project, type Projection } from "../../lib/projection.js";
import { projectionFor } from "../inputs/dataset_picker.js";
import { gapCurve } from "../draw/gap_curve.js";
import { KeptAxes } from "../draw/kept_axes.js";
import { describePositions, labelChart } from "../draw/clusters.js";
import { PanelSlot, SCATTER_SLOT } from "../draw/panel_slot.js";
import { axisNames, drawnRows, KeptPanels, type ScatterPanel } from "../draw/scatter_layers.js";
import { FrameLoop } from "../player/frame_loop.js";
import { LiveRun, Player, type Snapshot, subsampleNote } from "../player/player.js";
import { Stepper } from "../player/stepper.js";
import { largeDataNote } from "./large_data.js";
import { type Job, TrainingPool } from "./pool.js";
import type { TableResult } from "./protocol.js";

/** The inputs every live page has. */
export interface LiveSettings {
  k: number;
  lr: number;
  epochs: number;
  seed: number;
  engine: Engine;
  init: string;
  view: string;
}

/** One gradient run a page shows: its id (a slot's name), its label and the worker it trains on. */
export interface RunSpec {
  id: string;
  name: string;
  slot: number;
}

/** What a painted panel says: its title, and the rest of its text alternative. */
interface Label {
  title: string;
  details: string;
}

/** What a descriptor paints with. */
export interface PaintContext {
  /** The validation points drawn (all, or a seeded subsample of large sets). */
  points: Matrix;
  projection: Projection;
  /** Whether decision regions can be drawn (2-D data). */
  regions: boolean;
  /** Colour index of each cluster or component: the reference's it matches. */
  colourOf: Int32Array;
}

/** A half-step of the classical method, as the steps panel needs it. */
export interface HalfStep {
  phase: string;
  iteration: number;
  converged: boolean;
}

/** A model, described: everything the engine needs to train, draw and compare it. */
export interface ModelDescriptor<S extends LiveSettings, Snap extends Snapshot, Ref, Step extends HalfStep> {
  /** What one of the k is called ("cluster", "component"): legends say "cluster 2". */
  noun: string;
  /** The optimizer ("AdamW") and the classical method ("Lloyd"), as the text names them. */
  optimizer: string;
  classic: string;
  /** What a score is called ("score", "NLL"), for the subsample caption. */
  scoreName: string;
  /** Every run the page can show, and those it shows with `settings`. */
  runs: RunSpec[];
  shownRuns(settings: S): RunSpec[];
  /** A run's training settings (a change of them retrains it). */
  runKey(settings: S, run: RunSpec, engine: LiveEngine<S, Snap, Ref, Step>): string;
  /** Starts a run's training job (`epochs` given: trains to that epoch only, for a replay). */
  train(
    pool: TrainingPool,
    settings: S,
    run: RunSpec,
    options: { onSnapshot: (snapshot: Snap) => void; epochs?: number },
    engine: LiveEngine<S, Snap, Ref, Step>,
  ): Job;
  /** The centroids or means of a snapshot and of a reference (matched for colours). */
  parameters(snapshot: Snap): Matrix;
  referenceParameters(reference: Ref): Matrix;
  /** Paints a run's snapshot (points, overlay) and says what it shows. */
  paint(
    panel: ScatterPanel,
    snapshot: Snap,
    context: PaintContext & { run: RunSpec; history: Snap[] },
  ): Label;
  /** The reference for k (built with the site, or computed in a worker). */
  reference(pool: TrainingPool, k: number, priority: number): Promise<Ref>;
  paintReference(panel: ScatterPanel, reference: Ref, context: PaintContext): Label;
  /** The curve: its quantity, a snapshot's value, the reference's value, and the caption under it. */
  curve: {
    quantity: string;
    value(snapshot: Snap): number;
    reference(reference: Ref, train: Matrix): number;
    caption(shown: { run: RunSpec; history: Snap[] }[], reference: Ref, referenceValue: number): string;
  };
  /** The half-steps of the classical method, from a start the settings (and the runs) give. */
  steps: {
    /** What the panel says while it waits for its half-steps. */
    waiting: string;
    /** The key of the half-steps wanted (undefined: not yet known). */
    key(settings: S, engine: LiveEngine<S, Snap, Ref, Step>): string | undefined;
    start(
      pool: TrainingPool,
      settings: S,
      engine: LiveEngine<S, Snap, Ref, Step>,
      done: (steps: Step[]) => void,
    ): Job;
    /** A half-step's centroids or means. */
    parameters(step: Step): Matrix;
    /** Paints a half-step (`before` is the one before it). */
    paint(panel: ScatterPanel, step: Step, before: Step | undefined, context: PaintContext): void;
    /** A half-step in words ("iteration 3, assign") and the training loss or NLL after it. */
    describe(step: Step): { what: string; value: number };
  };
  /** The k = 1..K table: its jobs, a row once every job's result for k is in, the table. */
  table: {
    key(settings: S): string;
    start(
      pool: TrainingPool,
      settings: S,
      ks: number[],
      onResult: (run: string, result: TableResult) => void,
    ): Job[];
    render(results: Map<number, Map<string, TableResult>>, references: Map<number, Ref>, ks: number[]): Node;
  };
  /** The notes and tables that follow finished runs (warnings, matching), or none. */
  final(
    finished: { run: RunSpec; snapshot: Snap; status: string }[],
    engine: LiveEngine<S, Snap, Ref, Step>,
  ): Node[];
  /** Charts and jobs of this model only (K-means' restarts, the mixture's parameters). */
  extras?: Extra<S, Snap, Ref, Step>[];
  /** The run whose model the page exports and downloads (default: the first shown). */
  readonly focus?: string;
}

/** A chart or a job of one model: drawn with the runs (`everyFrame`) or when its key changes. */
export interface Extra<S extends LiveSettings, Snap extends Snapshot, Ref, Step extends HalfStep> {
  slot: string;
  /** The chart's title in an export (the page shows it under a heading of its own). */
  title(settings: S): string;
  /** Rerun when this changes (a job's settings); absent: drawn with the runs. */
  key?(settings: S): string;
  start?(pool: TrainingPool, settings: S, engine: LiveEngine<S, Snap, Ref, Step>, redraw: () => void): Job;
  draw(slot: PanelSlot, engine: LiveEngine<S, Snap, Ref, Step>): void;
}

/** What the engine needs of the page. */
interface LiveOptions {
  train: Matrix;
  valid: Matrix;
  columns?: string[];
  /** The largest k of the k = 1..K table. */
  tableK: number;
}

/** The slots every live page has beside its runs': the reference, the classical steps and the gap curve. */
export const REFERENCE = "reference", STEPS = "steps", LOSS = "loss";

/** A live page's engine (see the module's description). */
export class LiveEngine<S extends LiveSettings, Snap extends Snapshot, Ref, Step extends HalfStep> {
  readonly loop = new FrameLoop();
  /**
   * Two workers. Background jobs (restarts, race, table) wait, after a change's runs end, until the
   * frames that draw them are done: in a task after the worker's last message (its promises settled,
   * its frames asked for), then after the frame loop's last step.
   */
  readonly pool = new TrainingPool({
    size: 2,
    settle: (resume) => setTimeout(() => this.loop.afterSteps(resume)),
  });
  readonly player: Player<Snap>;
  readonly runs = new Map<string, LiveRun<Snap>>();
  /** Every shown run's progress element. */
  readonly progress = html`<div class="run-progress"></div>` as HTMLDivElement;
  readonly slots: Record<string, PanelSlot> = {};
  readonly stepper: Stepper;
  readonly notes = html`<div class="final-notes"></div>` as HTMLDivElement;
  readonly table = html`<div class="summary"></div>` as HTMLDivElement;
  readonly caption: HTMLElement;
  settings?: S;
  /** The validation points drawn (all, or a seeded subsample of large sets). */
  readonly validDrawn: Matrix;
  #projection?: Projection;
  #shown?: Matrix;
  readonly #panels = new KeptPanels<string>();
  /** The gap curve's axes, kept while its domains stay, and its caption. */
  readonly #lossAxes = new KeptAxes();
  readonly #lossCaption = html`<p class="muted small loss-caption"></p>` as HTMLParagraphElement;
  /** The panels' key (k, view, widths, shown runs, the reference's k), and the one each was built for. */
  #panelKey = "";
  readonly #built = new Map<string, string>();
  /** The reference on screen (for the settings' k), and the settings' k it was asked for. */
  reference?: Ref;
  /** The snapshots on screen, per shown run (what the player drew last). */
  #drawn: (Snap | undefined)[] = [];
  readonly #painted = new Map<string, Snap>();
  readonly #keys = new Map<string, string>();
  #steps: Step[] = [];
  /** The key of the half-steps wanted, and of those in hand. */
  #wantedSteps?: string;
  #stepsKey?: string;
  #stepsJob?: Job;
  #tableJobs: Job[] = [];
  readonly #extraJobs = new Map<string, Job>();
  #finished = new Set<Snap>();
  readonly #listeners: (() => void)[] = [];
  readonly #referenceValue = new Map<Ref, number>();

  constructor(readonly model: ModelDescriptor<S, Snap, Ref, Step>, readonly options: LiveOptions) {
    this.pool.setData(options.train, options.valid);
    this.pool.showJobsOn(this.progress);
    this.player = new Player<Snap>(this.loop, (snapshots) => this.#draw(snapshots));
    const drawn = drawnRows(options.valid.rows);
    this.validDrawn = drawn.length === options.valid.rows ? options.valid : takeRows(options.valid, drawn);
    this.caption = subsampleNote(drawn.length, options.valid.rows, { scores: model.scoreName });
    this.caption.append(
      " ",
      largeDataNote(options.train.rows, { optimizer: model.optimizer, steps: model.classic }),
    );
    const slot = (name: string, onResize: () => void, className?: string) =>
      this.slots[name] = new PanelSlot(onResize, className, (draw) => this.loop.want(`resize ${name}`, draw));
    const rebuild = () => this.#rebuild(true);
    for (const run of model.runs) {
      slot(run.id, rebuild, SCATTER_SLOT);
      this.runs.set(run.id, new LiveRun<Snap>(run.name));
    }
    slot(REFERENCE, rebuild, SCATTER_SLOT);
    slot(STEPS, rebuild, SCATTER_SLOT);
    slot(LOSS, () => this.#curvesLater());
    for (const extra of model.extras ?? []) slot(extra.slot, () => this.#drawExtra(extra));
    this.stepper = new Stepper(model.classic, (index) => this.#drawStep(index));
    this.stepper.element.append(this.slots[STEPS].element, this.stepper.controls);
  }

  /** The runs on screen, in the player's order. */
  get shown(): RunSpec[] {
    return this.settings ? this.model.shownRuns(this.settings) : [];
  }

  /** The projection to the plane of the charts. */
  get projection(): Projection | undefined {
    return this.#projection;
  }

  /** The snapshot on screen of each shown run. */
  get drawn(): (Snap | undefined)[] {
    return this.#drawn;
  }

  /**
   * A shown run's reports up to the epoch on screen, and that epoch (stepped to, it may fall between
   * two reports): what its curves draw.
   */
  historyShown(id: string): Snap[] {
    const drawn = this.#drawn[this.shown.findIndex((run) => run.id === id)];
    const history = this.runs.get(id)!.history.filter((s) => drawn && s.epoch <= drawn.epoch);
    if (drawn && history.at(-1) !== drawn) history.push(drawn);
    return history;
  }

  /** Calls `listener` whenever a run's final model is on screen. */
  onResult(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** The reference for k (cached per k by the descriptor). */
  referenceFor(k: number, priority = 1): Promise<Ref> {
    return this.model.reference(this.pool, k, priority);
  }

  /** Applies the page's inputs: retrains, reruns or redraws what they concern, and nothing else. */
  update(settings: S): void {
    const before = this.settings;
    this.settings = settings;
    if (!before || before.view !== settings.view) {
      this.#projection = projectionFor(settings.view, this.options.train, this.options.columns);
      this.#shown = project(this.validDrawn, this.#projection);
    }
    if (!before || before.k !== settings.k) this.#askReference(settings.k);
    const shown = this.shown;
    let retrained = false;
    for (const run of this.model.runs) {
      const live = this.runs.get(run.id)!;
      if (!shown.includes(run)) {
        live.cancel();
        live.history = [];
        this.#keys.delete(run.id);
        continue;
      }
      const key = this.model.runKey(settings, run, this);
      if (this.#keys.get(run.id) === key) continue;
      this.#keys.set(run.id, key);
      this.#train(run);
      retrained = true;
    }
    this.progress.replaceChildren(...shown.map((run) => this.runs.get(run.id)!.progress));
    this.player.runs = shown.map((run) => this.runs.get(run.id)!);
    if (retrained) {
      this.#drawn = [];
      this.#finished = new Set();
      this.notes.replaceChildren();
      this.player.restartPlayback();
    }
    this.#rebuild();
    this.#askSteps();
    if (!before || this.model.table.key(before) !== this.model.table.key(settings)) this.#runTable();
    for (const extra of this.model.extras ?? []) {
      if (!extra.key || !extra.start) continue;
      if (before && extra.key(before) === extra.key(settings)) continue;
      this.#extraJobs.get(extra.slot)?.cancel();
      // A result drawn in a frame of the one frame loop, never inside the worker's message: several
      // results between two frames draw once, and the drawing is a frame step of its own.
      const job = extra.start(this.pool, settings, this, () => this.#extraLater(extra));
      this.#extraJobs.set(extra.slot, job);
      this.#extraLater(extra);
      // A job that fails (its worker died twice, say) says so in its slot, in place of "trains after…".
      job.ended.then(({ status, error }) => {
        if (status !== "error" || this.#extraJobs.get(extra.slot) !== job) return;
        this.slots[extra.slot].show(
          html`<p class="warning" role="note">This chart could not be computed. ${
            error ?? "the worker failed"
          }</p>`,
        );
      });
    }
  }

  /** Retrains every shown run (a start placed by hand changed, say). */
  retrain(): void {
    this.#keys.clear();
    if (this.settings) this.update(this.settings);
  }

  #askReference(k: number) {
    this.reference = undefined;
    this.referenceFor(k, 0).then((reference) => {
      if (this.settings?.k !== k) return;
      this.reference = reference;
      this.#rebuild(true);
      this.#curvesLater();
    }, () => {});
  }

  #train(run: RunSpec) {
    const live = this.runs.get(run.id)!;
    const settings = this.settings!;
    live.begin(
      settings.epochs,
      (onSnapshot) => this.model.train(this.pool, settings, run, { onSnapshot }, this),
      () => {
        this.player.request();
        this.#askSteps();
      },
    );
    live.replay = (epoch) =>
      new Promise((resolve) => {
        let found: Snap | undefined;
        this.model.train(this.pool, settings, run, { epochs: epoch, onSnapshot: (s) => (found = s) }, this)
          .ended.then(() => resolve(found));
      });
  }

  /** Colour index of each cluster or component: the reference's it matches (one-to-one). */
  colours(parameters: Matrix): Int32Array {
    const reference = this.reference && this.model.referenceParameters(this.reference);
    if (!reference || reference.rows !== parameters.rows) {
      return Int32Array.from({ length: parameters.rows }, (_, j) => j);
    }
    return Int32Array.from(matchCentroids(parameters, reference).map((pair) => pair.b));
  }

  #context(colourOf: Int32Array): PaintContext {
    return {
      points: this.validDrawn,
      projection: this.#projection!,
      regions: this.options.train.cols === 2,
      colourOf,
    };
  }

  /** Asks for the panels again, a panel a frame: when `forced`, or when k, view, widths, shown runs or reference changed. */
  #rebuild(forced = false) {
    const settings = this.settings;
    if (!settings || !this.#shown) return;
    const shown = this.shown;
    const names = [...shown.map((run) => run.id), REFERENCE, STEPS];
    const key = [
      settings.k,
      settings.view,
      ...names.map((name) => `${name}:${this.slots[name].drawWidth}`),
      this.reference ? "reference" : "",
    ].join();
    if (key === this.#panelKey && !forced) return;
    this.#panelKey = key;
    for (const run of this.model.runs) {
      if (shown.includes(run)) this.loop.want(run.id, () => this.#runPanel(run));
      else {
        this.loop.drop(run.id);
        this.slots[run.id].show();
        this.#panels.forget(run.id);
        this.#built.delete(run.id);
      }
    }
    this.loop.want(REFERENCE, () => this.#referencePanel());
    this.loop.want(STEPS, () => this.#stepsPanel());
  }

  /** Panel `name` for the current settings, its axes kept when its view and width are unchanged. */
  #panel(name: string): ScatterPanel {
    const { k, view } = this.settings!;
    if (this.#built.get(name) !== this.#panelKey) {
      this.#built.set(name, this.#panelKey);
      this.#panels.fresh(name, this.#shown!, {
        k,
        view,
        slot: this.slots[name],
        axisLabels: axisNames(view, this.options.columns),
        name: (j) => `${this.model.noun} ${j + 1}`,
      });
      if (name !== REFERENCE && name !== STEPS) this.#painted.delete(name);
    }
    return this.#panels.get(name)!;
  }

  /** A run's panel, with the snapshot on screen painted on it. */
  #runPanel(run: RunSpec) {
    this.#panel(run.id);
    const r = this.shown.indexOf(run);
    const snapshot = this.#drawn[r] ?? this.runs.get(run.id)!.history[0];
    if (snapshot) this.#paintRun(run, snapshot);
  }

  #paintRun(run: RunSpec, snapshot: Snap) {
    const parameters = this.model.parameters(snapshot);
    if (parameters.rows !== this.settings?.k || this.#painted.get(run.id) === snapshot) return;
    const panel = this.#panel(run.id);
    this.#painted.set(run.id, snapshot);
    const live = this.runs.get(run.id)!;
    const history = live.history.filter((s) => s.epoch <= snapshot.epoch);
    // The run's start, for readers that check it (and the browser tests).
    const start = live.history[0];
    if (start?.epoch === 0) {
      this.slots[run.id].element.dataset.start = JSON.stringify(toRows(this.model.parameters(start)));
    }
    const label = this.model.paint(panel, snapshot, {
      ...this.#context(this.colours(parameters)),
      run,
      history,
    });
    labelChart(panel, label.title, label.details);
    panel.element.dataset.epoch = String(snapshot.epoch);
  }

  #referencePanel() {
    const panel = this.#panel(REFERENCE), reference = this.reference;
    if (!reference) {
      panel.paint(() => 6);
      panel.setTitle(`${this.model.classic} (scikit-learn semantics): computing in a worker…`);
      return;
    }
    const ownColours = Int32Array.from({ length: this.settings!.k }, (_, j) => j);
    const label = this.model.paintReference(panel, reference, this.#context(ownColours));
    labelChart(panel, label.title, label.details);
  }

  /** The steps panel: the current half-step once the wanted steps are in, else what it waits for. */
  #stepsPanel() {
    const panel = this.#panel(STEPS);
    if (this.#stepsReady()) this.#drawStep(this.stepper.index);
    else {
      panel.setK(this.settings!.k);
      panel.paint(() => 6);
      panel.overlay("");
      panel.setTitle(`${this.model.classic}, step by step: ${this.model.steps.waiting}`);
      delete this.stepper.element.dataset.start;
    }
  }

  /** Draws the snapshots the player chose (once per frame at most). */
  #draw(snapshots: (Snap | undefined)[]) {
    this.#drawn = snapshots;
    const shown = this.shown;
    snapshots.forEach((snapshot, r) => {
      if (snapshot && shown[r]) this.#paintRun(shown[r], snapshot);
    });
    this.#curvesLater();
    const finished = shown.flatMap((run, r) => {
      const live = this.runs.get(run.id)!;
      const snapshot = snapshots[r];
      return live.trained && snapshot && snapshot === live.last
        ? [{ run, snapshot, status: live.end!.status }]
        : [];
    });
    if (finished.length === shown.length && finished.some(({ snapshot }) => !this.#finished.has(snapshot))) {
      for (const { snapshot } of finished) this.#finished.add(snapshot);
      this.loop.want("final", () => {
        // Superseded before its frame came (a new run began): nothing of it is drawn.
        if (finished.some(({ run, snapshot }) => this.runs.get(run.id)!.last !== snapshot)) return;
        this.notes.replaceChildren(...this.model.final(finished, this));
        for (const listener of this.#listeners) listener();
      });
    }
  }

  readonly #curvesLater = () => {
    this.loop.want(LOSS, () => this.#drawLoss());
    for (const extra of this.model.extras ?? []) if (!extra.key) this.#extraLater(extra);
  };

  #extraLater(extra: Extra<S, Snap, Ref, Step>) {
    this.loop.want(extra.slot, () => this.#drawExtra(extra));
  }

  #drawExtra(extra: Extra<S, Snap, Ref, Step>) {
    if (this.settings) extra.draw(this.slots[extra.slot], this);
  }

  /** The gap curve: each shown run's curve value above the reference's, to the epoch on screen. */
  #drawLoss() {
    const settings = this.settings, reference = this.reference;
    if (!settings) return;
    if (!reference) {
      this.slots[LOSS].show(
        html`<p class="muted">The gap to ${this.model.classic}'s ${this.model.curve.quantity} is drawn once ${this.model.classic}'s run is in.</p>`,
      );
      return;
    }
    const shown = this.shown.map((run) => ({ run, history: this.historyShown(run.id) }));
    if (!shown.some(({ history }) => history.length)) return;
    const value = this.#referenceValue.get(reference) ??
      this.model.curve.reference(reference, this.options.train);
    this.#referenceValue.set(reference, value);
    const chart = gapCurve(
      shown.map(({ run, history }) => ({
        name: run.name || `gradient (${this.model.optimizer})`,
        epochs: history.map((s) => s.epoch),
        values: history.map((s) => this.model.curve.value(s)),
        colour: this.model.runs.indexOf(run) === 0 && this.model.runs.length > 1 ? 1 : 0,
      })),
      {
        reference: { value, name: this.model.classic },
        width: this.slots[LOSS].drawWidth,
        height: 240,
        quantity: this.model.curve.quantity,
        epochs: settings.epochs,
      },
      this.#lossAxes,
    );
    this.#lossCaption.textContent = this.model.curve.caption(shown, reference, value);
    this.slots[LOSS].showKept(chart, this.#lossCaption);
  }

  /** Whether the half-steps in hand are those the settings and the runs on screen call for. */
  #stepsReady(): boolean {
    return this.#wantedSteps !== undefined && this.#stepsKey === this.#wantedSteps && this.#steps.length > 0;
  }

  /** Asks for the half-steps the settings (and the runs' starts) call for, once. */
  #askSteps() {
    const settings = this.settings;
    if (!settings) return;
    const key = this.model.steps.key(settings, this);
    if (key === this.#wantedSteps) return;
    this.#wantedSteps = key;
    this.#stepsJob?.cancel();
    this.stepper.reset(0);
    this.loop.want(STEPS, () => this.#stepsPanel());
    if (key === undefined) return;
    this.#stepsJob = this.model.steps.start(this.pool, settings, this, (steps) => {
      if (key !== this.#wantedSteps) return;
      this.#steps = steps;
      this.#stepsKey = key;
      this.loop.want(STEPS, () => {
        if (!this.#stepsReady()) return;
        this.#panel(STEPS);
        this.stepper.reset(this.#steps.length);
      });
    });
  }

  /** Draws half-step `index` of the classical method; the stepper carries its phase and value. */
  #drawStep(index: number) {
    if (!this.#projection || !this.#stepsReady()) return;
    const steps = this.#steps, step = steps[index], model = this.model;
    const panel = this.#panel(STEPS);
    const parameters = model.steps.parameters(step);
    const colourOf = this.colours(parameters);
    model.steps.paint(panel, step, steps[index - 1], this.#context(colourOf));
    const { what, value } = model.steps.describe(step);
    labelChart(
      panel,
      `${model.classic} step by step, ${what}: ${model.curve.quantity} ${value.toFixed(5)}${
        step.converged ? " (converged)" : ""
      }`,
      `Half-step ${index} of ${steps.length - 1}; ${describePositions(parameters, colourOf, model.noun)}.`,
    );
    Object.assign(this.stepper.element.dataset, {
      value: value.toFixed(6),
      phase: step.phase,
      iteration: String(step.iteration),
      start: JSON.stringify(toRows(model.steps.parameters(steps[0]))),
    });
  }

  #runTable() {
    for (const job of this.#tableJobs) job.cancel();
    const settings = this.settings!;
    const ks = Array.from({ length: this.options.tableK }, (_, i) => i + 1);
    const results = new Map<number, Map<string, TableResult>>();
    const references = new Map<number, Ref>();
    this.table.replaceChildren(
      html`<p class="muted">The k = 1..${this.options.tableK} runs train after the main run…</p>`,
    );
    const jobs = this.model.table.start(this.pool, settings, ks, async (run, result) => {
      // A preempted job starts over: keep the first result of each (k, run).
      const row = results.get(result.k) ?? new Map<string, TableResult>();
      if (row.has(run)) return;
      row.set(run, result);
      results.set(result.k, row);
      const reference = await this.referenceFor(result.k, 2).catch(() => undefined);
      if (jobs.some((job) => job.cancelled) || !reference) return;
      references.set(result.k, reference);
      this.table.replaceChildren(this.model.table.render(results, references, ks));
    });
    this.#tableJobs = jobs;
  }

  /**
   * The focus run's last snapshot (the model the page exports), whether it has trained, every shown
   * run's last snapshot, the settings and the reference.
   */
  current() {
    const shown = this.shown;
    const focus = this.runs.get(shown.find((run) => run.id === this.model.focus)?.id ?? shown[0]?.id ?? "");
    return {
      snapshot: focus?.last,
      trained: focus?.trained ?? false,
      settings: this.settings,
      reference: this.reference,
      runs: shown.map((run) => ({ run, snapshot: this.runs.get(run.id)!.last })),
    };
  }

  /** Stops every job, the frame loop and the workers (the page is going away). */
  dispose(): void {
    this.player.dispose();
    this.pool.close();
  }
}
