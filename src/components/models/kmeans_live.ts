/**
 * The live K-means page's machinery: gradient K-means trained in workers, its player, and every
 * chart and table that follows a run. `update(settings)` is called with the page's inputs; it
 * restarts only what a change concerns (the view only redraws, `restarts` only reruns the restarts,
 * k does not rerun the k = 1..5 table) and cancels what it supersedes. Static layers are drawn once
 * per (dataset, view, width) for the axes and once per k for the legends and the Lloyd panel; a
 * run's moving parts at most once per animation frame. A change's drawing is spread over frames, one panel or chart a frame (a
 * {@link FrameQueue}), so that no task of the page grows long while a run trains.
 */
import { html } from "htl";
import * as Inputs from "@observablehq/inputs";
import { assign, validationScore } from "../../lib/kmeans/kmeans.js";
import { fromRows, type Matrix, takeRows, toRows } from "../../lib/matrix.js";
import { matchCentres } from "../../lib/kmeans/match_centroids.js";
import { project, type Projection } from "../../lib/projection.js";
import { projectionFor } from "../inputs/dataset_picker.js";
import { gapCurve } from "../draw/gap_curve.js";
import { describeCentres, labelChart } from "../draw/clusters.js";
import { Stepper } from "../player/stepper.js";
import { centrePicker } from "../inputs/centroid_picker.js";
import { formatStart } from "../inputs/url_state.js";
import { deadCentroidNote, restartsPlot, type SummaryRow, summaryTable } from "./kmeans_report.js";
import { ReferenceJobs, TrainingPool } from "../live/pool.js";
import type { KMeansSnapshot, LloydStepSummary } from "../live/protocol.js";
import { largeDataNote } from "../live/large_data.js";
import { exposeForTests, FrameQueue, LiveRun, Player, subsampleNote } from "../player/player.js";
import { inTask } from "../live/next_task.js";
import {
  axisNames,
  drawnRows,
  KeptPanels,
  kmeansOverlay,
  type ScatterPanel,
} from "../draw/scatter_layers.js";
import { PanelSlot, SCATTER_SLOT } from "../draw/panel_slot.js";

/** The page's inputs. */
export interface KMeansSettings {
  k: number;
  lr: number;
  epochs: number;
  seed: number;
  init: string;
  engine: string;
  view: string;
  restarts: number;
}

/** Lloyd's reference for one k. */
export interface LloydRun {
  k: number;
  centres: number[][];
  validScore: number;
  /** Inertia / N on the training points, when the worker computed the run (else the page scores it). */
  trainLoss?: number;
}

/** What the component needs of the page. */
export interface KMeansLiveOptions {
  train: Matrix;
  valid: Matrix;
  columns?: string[];
  /** Lloyd's runs built with the site (data2D), else undefined: computed in a worker. */
  lloydBuilt?: LloydRun[];
  /** The largest k of the k = 1..5 table. */
  tableK: number;
  /** A start placed by hand, from the URL (k rows, already validated), for the first k shown. */
  start?: number[][];
  /** Where "uniform" draws: the notebook's [0, 1) for data2D, the training data's box for other data. */
  uniformBox?: "unit" | "data";
}

/** What the restarts job gives: each run's final score, and the best run. */
interface RestartsResult {
  runs: { seed: number; validScore?: number; diverged: boolean }[];
  best: number;
}

const reportEveryFor = (epochs: number) => Math.max(1, Math.ceil(epochs / 30));
const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The live K-means component (see the module's description). */
export class KMeansLive {
  readonly pool = new TrainingPool(2);
  readonly run = new LiveRun<KMeansSnapshot>();
  readonly player = new Player<KMeansSnapshot>((snapshots) => this.#draw(snapshots[0]));
  settings?: KMeansSettings;
  readonly slots: Record<"gradient" | "lloyd" | "steps" | "loss" | "restarts", PanelSlot>;
  /** Lloyd's half-steps from the gradient run's own start, stepped by its buttons. */
  readonly stepper = new Stepper("Lloyd", (index) => this.#drawStep(index));
  #steps: LloydStepSummary[] = [];
  #stepsJob?: { cancel(): void };
  /** The start `#steps` were computed from. */
  #stepsFor?: Matrix;
  /** Where clicks place the start (2-D data only), with its reset button. */
  readonly picker = html`<div class="start-picker"></div>` as HTMLDivElement;
  /** The start placed by hand (k rows), if any: both runs start from it. */
  #placed?: number[][];
  #pickerKey = "";
  #stepsStart?: Matrix;
  readonly matching = html`<div class="matching"></div>` as HTMLDivElement;
  readonly deadNote = html`<div></div>` as HTMLDivElement;
  readonly restartsText = html`<p></p>` as HTMLParagraphElement;
  readonly table = html`<div class="summary"></div>` as HTMLDivElement;
  readonly caption: HTMLElement;
  readonly #options: KMeansLiveOptions;
  readonly #drawn: Int32Array;
  readonly #validDrawn: Matrix;
  #projection?: Projection;
  #shown?: Matrix;
  readonly #lloyd = new ReferenceJobs<LloydRun>(this.pool, "lloyd", (k, result) => {
    const { centres, validScore, trainLoss } = result as {
      centres: Matrix;
      validScore: number;
      trainLoss: number;
    };
    return { k, centres: toRows(centres), validScore, trainLoss };
  });
  #current?: LloydRun;
  readonly #panels = new KeptPanels<"gradient" | "lloyd" | "steps">();
  /** Lloyd's training loss (inertia / N) per k: the gap curve's reference. */
  #lloydTrainLoss = new Map<number, number>();
  /** The (k, view, widths, Lloyd's run) the panels should show, and the one each was built for. */
  #panelKey = "";
  #built = { gradient: "", lloyd: "", steps: "" };
  readonly #frames = new FrameQueue(this.player);
  #restartsJob?: { cancel(): void };
  #restartsResult?: RestartsResult;
  #tableJob?: { cancel(): void };
  #finalDrawn?: KMeansSnapshot;
  #listeners: (() => void)[] = [];

  constructor(options: KMeansLiveOptions) {
    this.#options = options;
    this.#placed = options.start;
    this.pool.setData(options.train, options.valid);
    this.player.runs = [this.run];
    this.#drawn = drawnRows(options.valid.rows);
    this.#validDrawn = this.#drawn.length === options.valid.rows
      ? options.valid
      : takeRows(options.valid, this.#drawn);
    this.caption = subsampleNote(this.#drawn.length, options.valid.rows, { scores: "score" });
    this.caption.append(" ", largeDataNote(options.train.rows, { optimizer: "AdamW", steps: "Lloyd" }));
    const redraw = () => {
      this.#panelKey = "";
      this.#rebuild();
    };
    this.slots = {
      gradient: new PanelSlot(redraw, SCATTER_SLOT),
      lloyd: new PanelSlot(redraw, SCATTER_SLOT),
      steps: new PanelSlot(redraw, SCATTER_SLOT),
      loss: new PanelSlot(() => this.#lossLater()),
      restarts: new PanelSlot(() => this.#drawRestarts()),
    };
    this.stepper.element.append(this.slots.steps.element, this.stepper.controls);
    exposeForTests(this.pool);
  }

  /** Calls `listener` whenever a run's final model is on screen. */
  onResult(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => (this.#listeners = this.#listeners.filter((l) => l !== listener));
  }

  /** Lloyd's reference for k: built with the site, or computed in a worker (cached per k). */
  lloydFor(k: number, priority = 1): Promise<LloydRun> {
    const built = this.#options.lloydBuilt;
    if (built) return Promise.resolve(built[k - 1]);
    return this.#lloyd.get(k, priority);
  }

  /** Applies the page's inputs: retrains, reruns or redraws what they concern. */
  update(settings: KMeansSettings): void {
    const before = this.settings;
    this.settings = settings;
    const { k, lr, epochs, seed, init, engine, view } = settings;
    const training = [k, lr, epochs, seed, init, engine];
    const changed = !before ||
      !same(training, [before.k, before.lr, before.epochs, before.seed, before.init, before.engine]);
    if (!before || before.view !== view) {
      this.#projection = projectionFor(view, this.#options.train, this.#options.columns);
      this.#shown = project(this.#validDrawn, this.#projection);
    }
    if (before && before.k !== k) this.#placed = undefined;
    if (!before || before.k !== k) {
      this.#lloyd.cancelExcept(k);
      this.#current = this.#options.lloydBuilt?.[k - 1];
      if (!this.#current) {
        this.lloydFor(k, 0).then((run) => {
          if (this.settings?.k !== k) return;
          this.#current = run;
          this.#panelKey = "";
          this.#rebuild();
          this.#lossLater(); // the gap curve's reference is Lloyd's loss
        }, () => {});
      }
    }
    this.#rebuild();
    // A retrain redraws the picker once its model is on screen (#draw): not while it trains.
    if (changed) this.#train();
    else this.#drawPicker();
    if (changed || before.restarts !== settings.restarts) this.#runRestarts();
    if (
      !before ||
      !same([lr, epochs, seed, init, engine], [
        before.lr,
        before.epochs,
        before.seed,
        before.init,
        before.engine,
      ])
    ) {
      this.#runTable();
    }
  }

  #train() {
    const { k, lr, epochs, seed, init, engine } = this.settings!;
    const placed = this.#placed?.length === k ? fromRows(this.#placed) : undefined;
    const options = {
      k,
      lr,
      epochs,
      seed,
      init,
      engine,
      uniformBox: this.#options.uniformBox ?? "unit",
      ...(placed ? { initial: placed } : {}),
    };
    this.#finalDrawn = undefined;
    this.run.begin(
      epochs,
      (onSnapshot) =>
        this.pool.start("kmeans", { ...options, reportEvery: reportEveryFor(epochs) }, { onSnapshot }),
      () => this.player.request(),
    );
    this.run.replay = (epoch) =>
      new Promise((resolve) => {
        let found: KMeansSnapshot | undefined;
        this.pool.start("kmeans", { ...options, epochs: epoch, reportEvery: epoch, skipStart: true }, {
          onSnapshot: (snapshot) => (found = snapshot),
        }).ended.then(() => resolve(found));
      });
    this.player.restartPlayback();
  }

  /** The URL parameter of the start placed by hand (none when the init draws it). */
  startParam(): { start?: string } {
    return this.#placed ? { start: formatStart(this.#placed) } : {};
  }

  /**
   * The picker for k centres over the validation points (2-D data), redrawn when k or its width
   * changes: Plot's thousands of dots are built in a task, and shown in a frame, of their own.
   */
  #drawPicker() {
    const settings = this.settings!;
    if (this.#options.train.cols !== 2) {
      this.picker.replaceChildren(
        html`<p class="muted">Placing a start by hand needs 2-D data; these have ${this.#options.train.cols} columns.</p>`,
      );
      return;
    }
    const width = Math.min(420, this.slots.gradient.drawWidth);
    const key = [settings.k, width, this.#placed ? formatStart(this.#placed) : ""].join();
    if (key === this.#pickerKey) return;
    this.#pickerKey = key;
    inTask(() => key === this.#pickerKey && this.#buildPicker(key, width));
  }

  #buildPicker(key: string, width: number) {
    const settings = this.settings!;
    const chart = centrePicker(this.#validDrawn, { k: settings.k, value: this.#placed, width });
    chart.addEventListener("input", () => {
      // Kept to the URL's precision, so that a reloaded link starts exactly here.
      this.#placed = chart.value.map((row) => row.map((v) => +v.toPrecision(6)));
      this.#pickerKey = [settings.k, width, formatStart(this.#placed)].join();
      this.#writeStart();
      this.#train();
    });
    const clear = html`<button type="button">Clear: start from the init again</button>` as HTMLButtonElement;
    clear.disabled = !this.#placed;
    clear.addEventListener("click", () => {
      this.#placed = undefined;
      this.#writeStart();
      this.#drawPicker();
      this.#train();
    });
    const note = html`<p class="muted small">${
      this.#placed
        ? `Both runs start from the ${settings.k} centres placed here. Click again to place a new set; drag one to move it.`
        : `Click ${settings.k} times to place the start of both runs (the gradient run and Lloyd's steps); drag a centre to move it.`
    } ${clear}</p>`;
    this.#frames.want(
      "picker-show",
      () => key === this.#pickerKey && this.picker.replaceChildren(chart, note),
    );
  }

  #writeStart() {
    const params = new URLSearchParams(location.search);
    if (this.#placed) params.set("start", formatStart(this.#placed));
    else params.delete("start");
    history.replaceState(history.state, "", `${location.pathname}?${params}${location.hash}`);
  }

  #runRestarts() {
    this.#restartsJob?.cancel();
    this.#restartsResult = undefined;
    this.#drawRestarts();
    const { k, lr, epochs, init, engine, restarts } = this.settings!;
    this.#restartsJob = this.pool.start(
      "restarts",
      {
        k,
        lr,
        epochs,
        init,
        engine,
        restarts,
        uniformBox: this.#options.uniformBox ?? "unit",
        reportEvery: Math.max(1, Math.ceil(epochs / 10)),
      },
      {
        slot: 1,
        priority: 1,
        onResult: (result) => {
          this.#restartsResult = result as RestartsResult;
          this.#drawRestarts();
        },
      },
    );
  }

  async #drawRestarts() {
    const result = this.#restartsResult, settings = this.settings;
    if (!result || !settings) {
      this.slots.restarts.show(html`<p class="muted">Restarts train after the main run…</p>`);
      this.restartsText.textContent = "";
      return;
    }
    const lloyd = await this.lloydFor(settings.k).catch(() => undefined);
    if (result !== this.#restartsResult || !lloyd) return;
    this.slots.restarts.show(
      restartsPlot(result.runs, {
        width: this.slots.restarts.drawWidth,
        lloydScore: lloyd.validScore,
        best: result.best,
      }),
    );
    const best = result.runs[result.best];
    this.restartsText.textContent = `The best of ${result.runs.length} restarts scores ${
      best.validScore?.toFixed(5)
    } (seed ${best.seed}), against Lloyd's ${lloyd.validScore.toFixed(5)}.`;
  }

  #runTable() {
    this.#tableJob?.cancel();
    const { lr, epochs, seed, init, engine } = this.settings!;
    const rows: SummaryRow[] = [];
    this.table.replaceChildren(
      html`<p class="muted">The k = 1..${this.#options.tableK} runs train after the main run…</p>`,
    );
    const job = this.pool.start(
      "kmeans-table",
      {
        lr,
        epochs,
        seed,
        init,
        engine,
        uniformBox: this.#options.uniformBox ?? "unit",
        ks: Array.from({ length: this.#options.tableK }, (_, i) => i + 1),
      },
      {
        slot: 1,
        priority: 2,
        onResult: async (result) => {
          const { k, score, diverged, ms } = result as {
            k: number;
            score: number;
            diverged: boolean;
            ms: number;
          };
          const lloyd = await this.lloydFor(k, 2).catch(() => undefined);
          // A preempted table starts over: keep the first result of each k.
          if (job.cancelled || !lloyd || rows.some((row) => row.k === k)) return;
          rows.push({
            k,
            lloydScore: lloyd.validScore,
            gradientScore: score,
            gapPercent: 100 * (score - lloyd.validScore) / lloyd.validScore,
            ms,
            diverged,
          });
          rows.sort((a, b) => a.k - b.k);
          this.table.replaceChildren(summaryTable(rows.slice()));
        },
      },
    );
    this.#tableJob = job;
  }

  #drawnSnapshot?: KMeansSnapshot;
  readonly #lossLater = () => this.#frames.want("loss", () => this.#drawLoss(this.#drawnSnapshot));

  /** Asks for the static layers again when (k, view, width, Lloyd's run) changed: a panel a frame. */
  #rebuild() {
    const settings = this.settings;
    if (!settings || !this.#shown || !this.#projection) return;
    const key = [
      settings.k,
      settings.view,
      this.slots.gradient.drawWidth,
      this.slots.lloyd.drawWidth,
      this.slots.steps.drawWidth,
      this.#current?.k,
    ].join();
    if (key === this.#panelKey) return;
    this.#panelKey = key;
    this.#frames.want("gradient", () => this.#gradientPanel());
    this.#frames.want("lloyd", () => this.#lloydPanel());
    this.#frames.want("steps", () => {
      this.#stepsPanel();
      if (this.#stepsReady()) this.#frames.want("steps-draw", () => this.stepper.show(this.stepper.index));
    });
  }

  /**
   * Panel `name` for the current settings: its axes kept, and its legend set to k (cleared if k
   * changed), when the view and width are those it was built for; else built anew and shown.
   */
  #freshPanel(name: "gradient" | "lloyd" | "steps"): ScatterPanel {
    const { k, view } = this.settings!;
    return this.#panels.fresh(name, this.#shown!, {
      k,
      view,
      slot: this.slots[name],
      axisLabels: axisNames(view, this.#options.columns),
    });
  }

  /** The gradient run's panel for the current key, built now if it is not yet (a draw needs it). */
  #gradientPanel(): ScatterPanel | undefined {
    if (this.#built.gradient !== this.#panelKey) {
      this.#built.gradient = this.#panelKey;
      this.#freshPanel("gradient");
      this.#drawnSnapshot = undefined;
      if (this.run.last) this.#draw(this.run.at(this.#drawnEpoch));
    }
    return this.#panels.get("gradient");
  }

  /** Lloyd's panel: its run's labels and centres, or a note while a worker computes it. */
  #lloydPanel() {
    if (this.#built.lloyd === this.#panelKey) return;
    this.#built.lloyd = this.#panelKey;
    const lloyd = this.#freshPanel("lloyd");
    const run = this.#current;
    if (run) {
      const centres = fromRows(run.centres);
      const labels = assign(this.#validDrawn, centres).labels;
      lloyd.paint((i) => labels[i]);
      lloyd.overlay(
        kmeansOverlay(lloyd, project(centres, this.#projection!), {
          colourOf: labels.map((_, j) => j),
          regions: this.#options.train.cols === 2,
        }),
      );
      labelChart(
        lloyd,
        `Lloyd (scikit-learn semantics): validation score ${run.validScore.toFixed(5)}`,
        `Validation points coloured by their nearest centre; ${
          describeCentres(centres, Array.from({ length: centres.rows }, (_, j) => j))
        }.`,
      );
    } else {
      lloyd.paint(() => 6);
      lloyd.setTitle("Lloyd (scikit-learn semantics): computing in a worker…");
    }
  }

  /** Lloyd's step-by-step panel, showing the current half-step once its steps are in. */
  #stepsPanel(): ScatterPanel | undefined {
    if (this.#built.steps !== this.#panelKey) {
      this.#built.steps = this.#panelKey;
      const steps = this.#freshPanel("steps");
      // Until the steps of these settings are in, the title says what the panel waits for.
      if (!this.#stepsReady()) steps.setTitle("Lloyd, step by step: waiting for the gradient run's start…");
    }
    return this.#panels.get("steps");
  }

  /** Whether `#steps` start where the gradient run on screen starts. */
  #stepsReady(): boolean {
    const start = this.#stepsFor;
    return !!start && start === this.#stepsStart && start.rows === this.settings?.k && this.#steps.length > 0;
  }

  #drawnEpoch = Infinity;

  /** Draws a snapshot's moving parts (once per frame at most, called by the player). */
  #draw(snapshot: KMeansSnapshot | undefined) {
    const projection = this.#projection;
    if (!snapshot || !projection || snapshot.centroids.rows !== this.settings!.k) return;
    const panel = this.#gradientPanel();
    if (!panel || snapshot === this.#drawnSnapshot) return;
    this.#drawnSnapshot = snapshot;
    this.#drawnEpoch = snapshot.epoch;
    const start = this.run.history[0]?.centroids;
    if (start && start !== this.#stepsStart && this.run.history[0].epoch === 0) {
      this.#stepsStart = start;
      // For the browser test: the gradient run's epoch-0 centroids.
      this.slots.gradient.element.dataset.start = JSON.stringify(toRows(start));
      inTask(() => this.#startSteps(start));
    }
    const lloyd = this.#current;
    const colourOf = lloyd
      ? Int32Array.from(matchCentres(snapshot.centroids, fromRows(lloyd.centres)).map((pair) => pair.b))
      : Int32Array.from({ length: snapshot.centroids.rows }, (_, j) => j);
    const labels = assign(this.#validDrawn, snapshot.centroids).labels;
    panel.paint((i) => colourOf[labels[i]]);
    const trajectory = this.run.history.filter((s) => s.epoch <= snapshot.epoch).map((s) =>
      project(s.centroids, projection)
    );
    panel.overlay(
      kmeansOverlay(panel, project(snapshot.centroids, projection), {
        colourOf,
        regions: this.#options.train.cols === 2,
        trajectory,
      }),
    );
    labelChart(
      panel,
      `Gradient descent (AdamW): validation score ${snapshot.validScore.toFixed(5)}`,
      `Epoch ${snapshot.epoch}, training loss ${snapshot.trainLoss.toFixed(5)}; ${
        describeCentres(snapshot.centroids, colourOf)
      }.`,
    );
    this.#lossLater();
    if (snapshot === this.run.last && this.run.trained && snapshot !== this.#finalDrawn) {
      this.#finalDrawn = snapshot;
      this.#frames.want("final", () => snapshot === this.run.last && this.#drawFinal(snapshot, colourOf));
      this.#drawPicker();
    }
  }

  #drawLoss(snapshot: KMeansSnapshot | undefined) {
    if (!snapshot) return;
    const lloyd = this.#current;
    const history = this.run.history.filter((s) => s.epoch <= snapshot.epoch);
    // A retrain empties the history before its first report: nothing to draw yet.
    if (!history.length) return;
    if (!lloyd) {
      this.slots.loss.show(
        html`<p class="muted">The gap to Lloyd's loss is drawn once Lloyd's run is in.</p>`,
      );
      return;
    }
    const reference = this.#lloydTrainLossFor(lloyd);
    const chart = gapCurve([{
      name: "gradient (AdamW)",
      epochs: history.map((s) => s.epoch),
      values: history.map((s) => s.trainLoss),
    }], {
      reference: { value: reference, name: "Lloyd" },
      width: this.slots.loss.drawWidth,
      height: 240,
      quantity: "training loss",
      epochs: this.run.epochs,
    });
    const last = history.at(-1)!;
    this.slots.loss.show(
      chart,
      html`
        <p
          class="muted small loss-caption">Training loss at epoch ${last.epoch}: ${last.trainLoss.toFixed(
            5,
          )}, Lloyd's (inertia / N, best of 10 k-means++ starts) ${reference.toFixed(
            5,
          )}: a gap of ${(last.trainLoss - reference).toExponential(2)}. Validation score ${last.validScore
            .toFixed(5)} against Lloyd's ${lloyd.validScore.toFixed(5)}.</p>
      `,
    );
  }

  #lloydTrainLossFor(lloyd: LloydRun): number {
    let loss = this.#lloydTrainLoss.get(lloyd.k);
    if (loss === undefined) {
      loss = lloyd.trainLoss ?? validationScore(this.#options.train, fromRows(lloyd.centres));
      this.#lloydTrainLoss.set(lloyd.k, loss);
    }
    return loss;
  }

  /**
   * Lloyd's half-steps on the training points (a sample of large sets, see large_data.ts) from
   * `start` (the gradient run's epoch-0 centroids), computed in a worker;
   * the first is drawn in a frame of its own.
   */
  #startSteps(start: Matrix) {
    if (start !== this.#stepsStart) return;
    this.#stepsJob?.cancel();
    this.stepper.reset(0);
    this.#stepsJob = this.pool.start("lloyd-steps", { start, maxIterations: 100 }, {
      slot: 1,
      priority: 0, // a panel the reader sees: ahead of the restarts and the table (tens of ms)
      onResult: (steps) => {
        if (start !== this.#stepsStart) return;
        this.#steps = steps as LloydStepSummary[];
        this.#stepsFor = start;
        this.#frames.want("steps-reset", () => {
          if (!this.#stepsReady()) return;
          this.#stepsPanel();
          this.stepper.reset(this.#steps.length);
        });
      },
    });
  }

  /** Draws Lloyd's half-step `index`: the validation points by the labels it leaves, its centres. */
  #drawStep(index: number) {
    const projection = this.#projection, step = this.#steps[index];
    if (!projection || !step || !this.#stepsReady()) return;
    const panel = this.#stepsPanel();
    if (!panel) return;
    // An update keeps the labels of the assign before it: colour by the centres that made them.
    const labelling = step.phase === "update" ? this.#steps[index - 1].centres : step.centres;
    const labels = assign(this.#validDrawn, labelling).labels;
    const lloyd = this.#current;
    const colourOf = lloyd && lloyd.centres.length === step.centres.rows
      ? Int32Array.from(matchCentres(step.centres, fromRows(lloyd.centres)).map((pair) => pair.b))
      : Int32Array.from({ length: step.centres.rows }, (_, j) => j);
    panel.paint((i) => colourOf[labels[i]]);
    panel.overlay(
      kmeansOverlay(panel, project(step.centres, projection), {
        colourOf,
        regions: this.#options.train.cols === 2,
      }),
    );
    const what = step.phase === "start"
      ? "the gradient run's start"
      : `iteration ${step.iteration}, ${step.phase}`;
    labelChart(
      panel,
      `Lloyd step by step, ${what}: training loss ${step.loss.toFixed(5)}${
        step.converged ? " (converged)" : ""
      }`,
      `Half-step ${index} of ${this.#steps.length - 1}; ${describeCentres(step.centres, colourOf)}.`,
    );
    const element = this.stepper.element;
    element.dataset.loss = step.loss.toFixed(6);
    element.dataset.phase = step.phase;
    element.dataset.iteration = String(step.iteration);
    element.dataset.start = JSON.stringify(toRows(this.#steps[0].centres));
  }

  /** The parts that follow a finished run: the matching table and the dead-centroid note. */
  #drawFinal(snapshot: KMeansSnapshot, colourOf: Int32Array) {
    const counts = Array.from(snapshot.counts ?? new Int32Array(snapshot.centroids.rows));
    this.deadNote.replaceChildren(deadCentroidNote(counts));
    const lloyd = this.#current;
    const short = (values: ArrayLike<number>) =>
      Array.from(values).slice(0, 4).map((v) => v.toFixed(4)).join(", ") + (values.length > 4 ? ", …" : "");
    if (lloyd) {
      const d = snapshot.centroids.cols;
      const pairs = matchCentres(snapshot.centroids, fromRows(lloyd.centres));
      this.matching.replaceChildren(Inputs.table(
        pairs.map(({ a, b, distance }) => ({
          gradient: `cluster ${colourOf[a] + 1}`,
          "gradient centroid": short(snapshot.centroids.data.slice(a * d, (a + 1) * d)),
          "Lloyd centre": short(lloyd.centres[b]),
          distance,
          "training points": counts[a],
        })),
        { format: { distance: (v: number) => v.toFixed(4) }, select: false },
      ));
    }
    for (const listener of this.#listeners) listener();
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

  /** The model on screen when its run has finished, with its settings and Lloyd's run. */
  current(): { snapshot?: KMeansSnapshot; settings?: KMeansSettings; lloyd?: LloydRun; trained: boolean } {
    return {
      snapshot: this.run.last,
      settings: this.settings,
      lloyd: this.#current,
      trained: this.run.trained,
    };
  }
}
