/**
 * The live mixture page's machinery: the gradient mixture from its two inits, each trained in its
 * own worker at the same time, one player for both, EM's reference panel, the curves, the collapse
 * warnings and the k = 1..5 table. `update(settings)` restarts only what a change concerns and
 * cancels what it supersedes; static layers are drawn once per (dataset, view, width) for the
 * axes and once per k for the legends and EM's panel, the runs' moving parts at most once per
 * animation frame. A change's drawing is spread over frames, one panel or chart a frame (a
 * {@link FrameQueue}), and EM's half-steps are computed once the runs are trained, in tasks of their
 * own, so that no task of the page grows long while the runs train. Components are coloured like
 * the EM component they match (one-to-one), in every panel.
 */
import { html } from "htl";
import { gmmNLL, gmmPosterior, type SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import { meanFeatureVariance } from "../../lib/kmeans/kmeans.js";
import { fromRows, type Matrix, takeRows, toRows } from "../../lib/matrix.js";
import { matchCentres } from "../../lib/kmeans/match_centroids.js";
import { project, type Projection } from "../../lib/projection.js";
import { projectionFor } from "../inputs/dataset_picker.js";
import { gapCurve } from "../draw/gap_curve.js";
import { Stepper } from "../player/stepper.js";
import { describeCentres, labelChart } from "../draw/clusters.js";
import { componentName, parameterCurves } from "../draw/mixture.js";
import { collapseWarning, type MixtureSummaryRow, mixtureSummaryTable } from "./mixture_report.js";
import { ReferenceJobs, TrainingPool } from "../live/pool.js";
import type { EMStepSummary, MixtureSnapshot } from "../live/protocol.js";
import { largeDataNote } from "../live/large_data.js";
import { exposeForTests, FrameQueue, LiveRun, Player, subsampleNote } from "../player/player.js";
import {
  axisNames,
  drawnRows,
  KeptPanels,
  mixtureOverlay,
  type ScatterPanel,
} from "../draw/scatter_layers.js";
import { PanelSlot, SCATTER_SLOT } from "../draw/panel_slot.js";

/** The page's inputs. */
export interface MixtureSettings {
  k: number;
  init: "both" | "random" | "kmeans";
  lr: number;
  epochs: number;
  seed: number;
  engine: string;
  view: string;
}

/** EM's reference for one k. */
export interface EMRun {
  k: number;
  means: number[][];
  sigmas: number[];
  weights: number[];
  validNLL: number;
  iterations: number;
  /** The training points' NLL, when the worker computed the run (else the page scores it). */
  trainNLL?: number;
}

/** What the component needs of the page. */
export interface MixtureLiveOptions {
  train: Matrix;
  valid: Matrix;
  columns?: string[];
  /** EM's runs built with the site (data2D), else undefined: computed in a worker. */
  emBuilt?: EMRun[];
  tableK: number;
}

type Init = "random" | "kmeans";
const INITS: readonly Init[] = ["random", "kmeans"];
const NAMES: Record<Init, string> = { random: "random init", kmeans: "K-means init" };
const reportEveryFor = (epochs: number) => Math.max(1, Math.ceil(epochs / 50));
const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const emModel = (em: EMRun): SphericalGaussianMixture => ({
  means: fromRows(em.means),
  sigmas: Float64Array.from(em.sigmas),
  weights: Float64Array.from(em.weights),
});

/** The live mixture component (see the module's description). */
export class MixtureLive {
  readonly pool = new TrainingPool(2);
  readonly runs: Record<Init, LiveRun<MixtureSnapshot>> = {
    random: new LiveRun(NAMES.random),
    kmeans: new LiveRun(NAMES.kmeans),
  };
  readonly player = new Player<MixtureSnapshot>((snapshots) => this.#draw(snapshots));
  settings?: MixtureSettings;
  readonly progress = html`<div class="run-progress"></div>` as HTMLDivElement;
  readonly slots: Record<Init | "em" | "steps" | "loss" | "parameters", PanelSlot>;
  /** EM's half-steps from its own start for this seed (k-means++, then Lloyd), stepped by its buttons. */
  readonly stepper = new Stepper("EM", (index) => this.#drawStep(index));
  #steps: EMStepSummary[] = [];
  #stepsJob?: { cancel(): void };
  /** The (k, seed, data) whose half-steps are wanted, and those `#steps` hold. */
  #stepsKey = "";
  #stepsDone = "";
  /** EM's training NLL per k: the gap curve's reference. */
  #emTrainNLL = new Map<number, number>();
  readonly warnings = html`<div></div>` as HTMLDivElement;
  readonly table = html`<div class="summary"></div>` as HTMLDivElement;
  readonly #focusLabels: HTMLSpanElement[] = [];
  readonly caption: HTMLElement;
  readonly dataScale: number;
  readonly #options: MixtureLiveOptions;
  readonly #validDrawn: Matrix;
  #projection?: Projection;
  #shown?: Matrix;
  readonly #em = new ReferenceJobs<EMRun>(this.pool, "em", (k, result) => {
    const r = result as {
      means: Matrix;
      sigmas: Float64Array;
      weights: Float64Array;
      validNLL: number;
      iterations: number;
      trainNLL: number;
    };
    return {
      k,
      means: toRows(r.means),
      sigmas: Array.from(r.sigmas),
      weights: Array.from(r.weights),
      validNLL: r.validNLL,
      iterations: r.iterations,
      trainNLL: r.trainNLL,
    };
  });
  #current?: EMRun;
  readonly #panels = new KeptPanels<Init | "em" | "steps">();
  /** The (k, view, inits, widths, EM's run) the panels should show, and the one each was built for. */
  #panelKey = "";
  #built: Record<Init | "em" | "steps", string> = { random: "", kmeans: "", em: "", steps: "" };
  readonly #frames = new FrameQueue(this.player);
  #tableJobs: { cancel(): void }[] = [];
  #drawn: (MixtureSnapshot | undefined)[] = [];
  /** The snapshot each run's panel shows (cleared when the panels are rebuilt). */
  #painted = new Map<Init, MixtureSnapshot>();
  readonly #curvesLater = () => {
    this.#frames.want("loss", () => this.#drawLoss(this.#drawn));
    this.#frames.want("parameters", () => this.#drawParameters(this.#drawn));
  };
  #finalDrawn = new Set<MixtureSnapshot>();
  #listeners: (() => void)[] = [];

  constructor(options: MixtureLiveOptions) {
    this.#options = options;
    this.pool.setData(options.train, options.valid);
    this.dataScale = Math.sqrt(meanFeatureVariance(options.train));
    const drawn = drawnRows(options.valid.rows);
    this.#validDrawn = drawn.length === options.valid.rows ? options.valid : takeRows(options.valid, drawn);
    this.caption = subsampleNote(drawn.length, options.valid.rows, { scores: "NLL" });
    this.caption.append(" ", largeDataNote(options.train.rows, { optimizer: "Adam", steps: "EM" }));
    const redraw = () => {
      this.#panelKey = "";
      this.#rebuild();
    };
    this.slots = {
      random: new PanelSlot(redraw, SCATTER_SLOT),
      kmeans: new PanelSlot(redraw, SCATTER_SLOT),
      em: new PanelSlot(redraw, SCATTER_SLOT),
      steps: new PanelSlot(redraw, SCATTER_SLOT),
      loss: new PanelSlot(() => this.#curvesLater()),
      parameters: new PanelSlot(() => this.#curvesLater()),
    };
    this.stepper.element.append(this.slots.steps.element, this.stepper.controls);
    exposeForTests(this.pool);
  }

  /** A word naming the focus run's init ("random" or "K-means"), kept up to date; one per place in the text. */
  focusLabel(): HTMLSpanElement {
    const label = html`<span>${this.focus === "random" ? "random" : "K-means"}</span>` as HTMLSpanElement;
    this.#focusLabels.push(label);
    return label;
  }

  /** The inits on screen. */
  get inits(): Init[] {
    const init = this.settings?.init ?? "both";
    return init === "both" ? [...INITS] : [init];
  }

  /** The init whose parameters, export and downloads the page shows (K-means unless only random runs). */
  get focus(): Init {
    return this.settings?.init === "random" ? "random" : "kmeans";
  }

  /** Calls `listener` whenever a run's final model is on screen. */
  onResult(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** EM's reference for k: built with the site, or computed in a worker (cached per k). */
  emFor(k: number, priority = 1): Promise<EMRun> {
    const built = this.#options.emBuilt;
    if (built) return Promise.resolve(built[k - 1]);
    return this.#em.get(k, priority);
  }

  /** Applies the page's inputs: retrains, reruns or redraws what they concern. */
  update(settings: MixtureSettings): void {
    const before = this.settings;
    this.settings = settings;
    const { k, lr, epochs, seed, engine, view } = settings;
    const changed = !before ||
      !same([k, lr, epochs, seed, engine], [before.k, before.lr, before.epochs, before.seed, before.engine]);
    if (!before || before.view !== view) {
      this.#projection = projectionFor(view, this.#options.train, this.#options.columns);
      this.#shown = project(this.#validDrawn, this.#projection);
    }
    for (const label of this.#focusLabels) label.textContent = this.focus === "random" ? "random" : "K-means";
    const shown = this.inits;
    for (const name of INITS) {
      const run = this.runs[name];
      if (!shown.includes(name)) {
        run.cancel();
        run.history = [];
      } else if (changed || !before?.init || (before.init !== "both" && before.init !== name)) {
        this.#train(name);
      }
    }
    if (!before || before.k !== k) {
      this.#em.cancelExcept(k);
      this.#current = this.#options.emBuilt?.[k - 1];
      if (!this.#current) {
        // Queued after the runs (a job of the same priority runs in the order it came): EM on a large
        // upload takes longer than the gradient runs it is drawn beside.
        this.emFor(k, 0).then((run) => {
          if (this.settings?.k !== k) return;
          this.#current = run;
          this.#panelKey = "";
          this.#rebuild();
          this.#curvesLater(); // the gap curve's reference is EM's NLL
        }, () => {});
      }
    }
    this.progress.replaceChildren(...shown.map((name) => this.runs[name].progress));
    this.player.runs = shown.map((name) => this.runs[name]);
    this.#rebuild();
    this.#startSteps();
    this.player.restartPlayback();
    if (
      !before || !same([lr, epochs, seed, engine], [before.lr, before.epochs, before.seed, before.engine])
    ) {
      this.#runTable();
    }
  }

  #train(init: Init) {
    const { k, lr, epochs, seed, engine } = this.settings!;
    const options = { k, lr, epochs, seed, engine, init };
    const slot = INITS.indexOf(init);
    const run = this.runs[init];
    run.begin(
      epochs,
      (onSnapshot) =>
        this.pool.start("gmm", { ...options, reportEvery: reportEveryFor(epochs) }, { slot, onSnapshot }),
      () => this.player.request(),
    );
    run.replay = (epoch) =>
      new Promise((resolve) => {
        let found: MixtureSnapshot | undefined;
        this.pool.start("gmm", { ...options, epochs: epoch, reportEvery: epoch, skipStart: true }, {
          slot,
          onSnapshot: (snapshot) => (found = snapshot),
        }).ended.then(() => resolve(found));
      });
  }

  #runTable() {
    for (const job of this.#tableJobs) job.cancel();
    const { lr, epochs, seed, engine } = this.settings!;
    const ks = Array.from({ length: this.#options.tableK }, (_, i) => i + 1);
    const partial = new Map<number, Partial<Record<Init, { score: number; ms: number }>>>();
    const rows: MixtureSummaryRow[] = [];
    this.table.replaceChildren(
      html`<p class="muted">The k = 1..${this.#options.tableK} runs train after the main runs…</p>`,
    );
    const jobs = INITS.map((init, slot) =>
      this.pool.start("gmm-table", { lr, epochs, seed, engine, init, ks }, {
        slot,
        priority: 2,
        onResult: async (result) => {
          const { k, score, ms } = result as { k: number; score: number; ms: number };
          const entry = partial.get(k) ?? {};
          entry[init] = { score, ms };
          partial.set(k, entry);
          if (!entry.random || !entry.kmeans) return;
          const em = await this.emFor(k, 2).catch(() => undefined);
          // A preempted table starts over: keep the first result of each k.
          if (jobs.some((job) => job.cancelled) || !em || rows.some((row) => row.k === k)) return;
          rows.push({
            k,
            random: entry.random.score,
            kmeans: entry.kmeans.score,
            em: em.validNLL,
            ms: entry.random.ms + entry.kmeans.ms,
          });
          rows.sort((a, b) => a.k - b.k);
          this.table.replaceChildren(mixtureSummaryTable(rows.slice()));
        },
      })
    );
    this.#tableJobs = jobs;
  }

  /** Colour index of each component of `model`: the EM component it matches. */
  #colours(model: { means: Matrix }): Int32Array {
    const em = this.#current;
    if (!em || em.means.length !== model.means.rows) {
      return Int32Array.from({ length: model.means.rows }, (_, j) => j);
    }
    return Int32Array.from(matchCentres(model.means, fromRows(em.means)).map((pair) => pair.b));
  }

  #paintModel(panel: ScatterPanel, model: SphericalGaussianMixture, colourOf: ArrayLike<number>) {
    const k = model.means.rows;
    const { responsibilities } = gmmPosterior(this.#validDrawn, model);
    const best = new Int32Array(this.#validDrawn.rows), sure = new Float64Array(this.#validDrawn.rows);
    for (let i = 0; i < best.length; i++) {
      let top = 0;
      for (let j = 1; j < k; j++) {
        if (responsibilities.data[i * k + j] > responsibilities.data[i * k + top]) top = j;
      }
      best[i] = colourOf[top];
      sure[i] = responsibilities.data[i * k + top];
    }
    panel.paint((i) => best[i], (i) => sure[i]);
    const plane = { ...model, means: project(model.means, this.#projection!) };
    panel.overlay(mixtureOverlay(panel, plane, { colourOf }));
  }

  /** Asks for the static layers again when (k, view, width, inits, EM's run) changed: a panel a frame. */
  #rebuild() {
    const settings = this.settings;
    if (!settings || !this.#shown || !this.#projection) return;
    const widths = (["random", "kmeans", "em"] as const).map((name) => this.slots[name].drawWidth);
    const key = [settings.k, settings.view, settings.init, ...widths, this.#current?.k].join();
    if (key === this.#panelKey) return;
    this.#panelKey = key;
    for (const name of INITS) {
      if (this.inits.includes(name)) this.#frames.want(name, () => this.#runPanel(name));
      else {
        this.#frames.drop(name);
        this.slots[name].show();
        this.#panels.forget(name);
        this.#built[name] = "";
      }
    }
    this.#frames.want("em", () => this.#emPanel());
    this.#frames.want("steps", () => {
      this.#stepsPanel();
      if (this.#stepsReady()) this.#frames.want("steps-draw", () => this.stepper.show(this.stepper.index));
    });
  }

  /**
   * Panel `name` for the current settings: its axes kept, and its legend set to k (cleared if k
   * changed), when the view and width are those it was built for; else built anew and shown.
   */
  #freshPanel(name: Init | "em" | "steps"): ScatterPanel {
    const { k, view } = this.settings!;
    return this.#panels.fresh(name, this.#shown!, {
      k,
      view,
      slot: this.slots[name],
      axisLabels: axisNames(view, this.#options.columns),
      name: componentName,
    });
  }

  /** A run's panel for the current key, built now if it is not yet (a draw needs it); its model follows. */
  #runPanel(name: Init): ScatterPanel | undefined {
    if (this.#built[name] !== this.#panelKey && this.inits.includes(name)) {
      this.#built[name] = this.#panelKey;
      this.#freshPanel(name);
      this.#painted.delete(name);
      this.#frames.want(`paint ${name}`, () => {
        const r = this.player.runs.indexOf(this.runs[name]);
        const snapshot = this.#drawn[r] ?? this.runs[name].history[0];
        if (r >= 0 && snapshot) this.#drawRun(name, snapshot);
      });
    }
    return this.#panels.get(name);
  }

  /** EM's panel: its mixture over the validation points, or a note while a worker computes it. */
  #emPanel() {
    if (this.#built.em === this.#panelKey) return;
    this.#built.em = this.#panelKey;
    const k = this.settings!.k;
    const em = this.#freshPanel("em");
    const run = this.#current;
    if (run) {
      const model = emModel(run);
      this.#paintModel(em, model, Array.from({ length: k }, (_, j) => j));
      labelChart(
        em,
        `EM (scikit-learn semantics): validation NLL ${run.validNLL.toFixed(5)}`,
        `Validation points coloured by their most likely component; means ${
          describeCentres(model.means, Array.from({ length: k }, (_, j) => j), "component")
        }.`,
      );
    } else {
      em.paint(() => 6);
      em.setTitle("EM (scikit-learn semantics): computing in a worker…");
    }
  }

  /** EM's step-by-step panel (the current half-step is drawn once the steps are in). */
  #stepsPanel(): ScatterPanel | undefined {
    if (this.#built.steps !== this.#panelKey) {
      this.#built.steps = this.#panelKey;
      const steps = this.#freshPanel("steps");
      // Until the steps of these settings are in, the title says what the panel waits for.
      if (!this.#stepsReady()) steps.setTitle("EM, step by step: computed once the runs are trained…");
    }
    return this.#panels.get("steps");
  }

  /** Draws one run's snapshot on its panel (unless it is there already). */
  #drawRun(name: Init, snapshot: MixtureSnapshot) {
    if (snapshot.means.rows !== this.settings?.k || this.#painted.get(name) === snapshot) return;
    const panel = this.#runPanel(name);
    if (!panel) return;
    this.#painted.set(name, snapshot);
    const colourOf = this.#colours(snapshot);
    this.#paintModel(panel, snapshot, colourOf);
    labelChart(
      panel,
      `${NAMES[name][0].toUpperCase()}${NAMES[name].slice(1)}: validation NLL ${
        snapshot.validNLL.toFixed(5)
      }`,
      `Epoch ${snapshot.epoch}, training NLL ${snapshot.trainNLL.toFixed(5)}; means ${
        describeCentres(snapshot.means, colourOf, "component")
      }.`,
    );
  }

  /** Draws the runs' moving parts (once per frame at most, called by the player). */
  #draw(snapshots: (MixtureSnapshot | undefined)[]) {
    this.player.runs.forEach((run, r) => {
      const name = INITS.find((init) => this.runs[init] === run)!;
      const snapshot = snapshots[r];
      if (snapshot) this.#drawRun(name, snapshot);
    });
    this.#drawn = snapshots;
    this.#curvesLater();
    const finals = this.player.runs.filter((run, r) => run.trained && snapshots[r] === run.last);
    if (finals.length && finals.some((run) => !this.#finalDrawn.has(run.last!))) {
      for (const run of finals) this.#finalDrawn.add(run.last!);
      this.warnings.replaceChildren(
        ...finals.map((run) =>
          collapseWarning(run.last!, {
            name: run.name[0].toUpperCase() + run.name.slice(1),
            dataScale: this.dataScale,
          })
        ),
      );
      for (const listener of this.#listeners) listener();
      this.#startSteps();
    }
  }

  /** The gap curves: each run's training NLL above EM's. */
  #drawLoss(snapshots: (MixtureSnapshot | undefined)[]) {
    const settings = this.settings;
    if (!settings) return;
    const em = this.#current;
    if (em) {
      const reference = this.#emTrainNLLFor(em);
      const series = this.player.runs.map((run, r) => {
        const upTo = snapshots[r]?.epoch ?? -1;
        const history = run.history.filter((s) => s.epoch <= upTo);
        const init = INITS.find((name) => this.runs[name] === run)!;
        return {
          name: run.name,
          epochs: history.map((s) => s.epoch),
          values: history.map((s) => s.trainNLL),
          colour: init === "random" ? 1 : 0,
        };
      });
      const finals = series.filter((s) => s.values.length).map((s) =>
        `${s.name} ${s.values.at(-1)!.toFixed(5)} at epoch ${s.epochs.at(-1)}`
      );
      this.slots.loss.show(
        gapCurve(series, {
          reference: { value: reference, name: "EM" },
          width: this.slots.loss.drawWidth,
          height: 240,
          quantity: "training NLL",
          epochs: settings.epochs,
        }),
        html`
          <p
            class="muted small loss-caption">Training NLL: ${finals.join("; ")}; EM's ${reference.toFixed(
              5,
            )}. Validation NLL: EM's ${em.validNLL.toFixed(5)}.</p>
        `,
      );
    } else {
      this.slots.loss.show(html`<p class="muted">The gap to EM's NLL is drawn once EM's run is in.</p>`);
    }
  }

  /** The focus run's parameters against epoch. */
  #drawParameters(snapshots: (MixtureSnapshot | undefined)[]) {
    const settings = this.settings;
    if (!settings) return;
    const focus = this.runs[this.focus];
    const shown = snapshots[this.player.runs.indexOf(focus)];
    const history = focus.history.filter((s) => s.epoch <= (shown?.epoch ?? -1));
    this.slots.parameters.show(parameterCurves(history, {
      width: this.slots.parameters.drawWidth,
      epochs: settings.epochs,
      colourOf: shown ? this.#colours(shown) : undefined,
    }));
  }

  #emTrainNLLFor(em: EMRun): number {
    let nll = this.#emTrainNLL.get(em.k);
    if (nll === undefined) {
      nll = em.trainNLL ?? gmmNLL(this.#options.train, emModel(em));
      this.#emTrainNLL.set(em.k, nll);
    }
    return nll;
  }

  /**
   * EM's half-steps on the training points (a sample of large sets, see large_data.ts) from
   * `emStart` for (k, seed), once per change of them and once the runs on screen are trained:
   * computed in a worker, the first drawn in a frame.
   */
  #startSteps() {
    const settings = this.settings;
    if (!settings || !this.player.runs.every((run) => run.trained)) return;
    const wanted = () => [this.settings!.k, this.settings!.seed, this.#options.train.rows].join();
    const key = wanted();
    if (key === this.#stepsKey) return;
    this.#stepsKey = key;
    this.#stepsJob?.cancel();
    this.stepper.reset(0);
    this.#stepsJob = this.pool.start("em-steps", { k: settings.k, seed: settings.seed, maxIterations: 100 }, {
      slot: 1,
      priority: 0, // a panel the reader sees: ahead of the restarts and the table (tens of ms)
      onResult: (steps) => {
        if (wanted() !== key) return;
        this.#steps = steps as EMStepSummary[];
        this.#stepsDone = key;
        this.#frames.want("steps-reset", () => {
          if (!this.#stepsReady()) return;
          this.#stepsPanel();
          this.stepper.reset(this.#steps.length);
        });
      },
    });
  }

  /** Whether `#steps` are those of the (k, seed) on screen. */
  #stepsReady(): boolean {
    return this.#stepsDone === this.#stepsKey && this.#steps.length > 0 &&
      this.#steps[0].mixture.means.rows === this.settings?.k;
  }

  /** Draws EM's half-step `index`: the validation points' responsibilities under it, its mixture. */
  #drawStep(index: number) {
    const step = this.#steps[index];
    if (!step || !this.#projection || !this.#stepsReady()) return;
    const panel = this.#stepsPanel();
    if (!panel) return;
    // An E-step computes responsibilities under the mixture it starts from: draw those.
    const mixture = step.phase === "E" ? this.#steps[index - 1].mixture : step.mixture;
    this.#paintModel(panel, mixture, this.#colours(mixture));
    const what = step.phase === "start"
      ? "start (k-means++, then Lloyd)"
      : `iteration ${step.iteration}, ${step.phase}-step`;
    labelChart(
      panel,
      `EM step by step, ${what}: training NLL ${step.nll.toFixed(5)}${step.converged ? " (converged)" : ""}`,
      `Half-step ${index} of ${this.#steps.length - 1}; means ${
        describeCentres(mixture.means, this.#colours(mixture), "component")
      }.`,
    );
    const element = this.stepper.element;
    element.dataset.nll = step.nll.toFixed(6);
    element.dataset.phase = step.phase;
    element.dataset.iteration = String(step.iteration);
  }

  /** The drawn validation points (all of them, or a seeded subsample of large sets). */
  get validDrawn(): Matrix {
    return this.#validDrawn;
  }

  /** Stops every job and the workers (the page is going away). */
  dispose(): void {
    this.#frames.dispose();
    this.player.dispose();
    this.pool.close();
  }

  /** The focus run's model, every shown run, the settings and EM's run. */
  current() {
    const focus = this.runs[this.focus];
    return {
      snapshot: focus.last,
      trained: focus.trained,
      runs: this.inits.map((init) => ({ name: NAMES[init], snapshot: this.runs[init].last })),
      settings: this.settings,
      em: this.#current,
    };
  }
}
