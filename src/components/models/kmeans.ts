/**
 * Gradient K-means as a model of the live engine (`live/engine.ts`): one run (AdamW) from a start
 * that the init draws or the reader places by clicking, Lloyd's algorithm as the reference and its
 * half-steps (assign, update) from the run's own start, the restarts, the dead-centroid note and
 * the one-to-one matching with Lloyd's centroids.
 */
import { html } from "htl";
import type { CentroidInit } from "../../lib/kmeans/gradient_kmeans.js";
import * as Inputs from "@observablehq/inputs";
import { assign, validationScore } from "../../lib/kmeans/kmeans.js";
import { matchCentroids } from "../../lib/kmeans/match_centroids.js";
import { fromRows, type Matrix, toRows } from "../../lib/matrix.js";
import { project, type Projection } from "../../lib/projection.js";
import { describePositions } from "../draw/clusters.js";
import { divergedNote, formatScore } from "../draw/format.js";
import { clusterName } from "../draw/palette.js";
import { kmeansOverlay, type ScatterPanel } from "../draw/scatter_layers.js";
import { type CentroidPicker, centroidPicker } from "../inputs/centroid_picker.js";
import { formatStart, writeStartParam } from "../inputs/url_state.js";
import type { LiveEngine, LiveSettings, ModelDescriptor, PaintContext, RunSpec } from "../live/engine.js";
import { liveInputs, type ModelFiles } from "../live/page_parts.js";
import { GRADIENT_KMEANS, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import type { InputSpec } from "../inputs/input_spec.js";
import { compareWithTab } from "../onnx/model_export.js";
import { inTask } from "../live/next_task.js";
import type { KMeansJobOptions, KMeansSnapshot, LloydStepSummary, RestartsResult } from "../live/protocol.js";
import { deadCentroidNote, restartsPlot, summaryTable } from "./kmeans_report.js";
import {
  type KMeansLessonRun,
  kmeansLessonRun,
  type Lessons,
  nearestCounts,
  type SeedScore,
} from "./scenarios.js";
import { deadCentroidWhy, jumpsAndCrawls, stillFalling, unownedWarning, whyNote } from "./why_notes.js";
import { OptimizerRace, type RaceSettings } from "./race.js";
import { assignmentsTable, explainInFrame, onnxExport, referenceRuns, runJob } from "./model_parts.js";

/** The K-means page's inputs (the race's learning rates come from a form of their own). */
export interface KMeansSettings extends LiveSettings, RaceSettings {
  init: CentroidInit;
  restarts: number;
}

/** Lloyd's reference for one k. */
export interface LloydRun {
  k: number;
  centroids: number[][];
  validScore: number;
  /** Inertia / N on the training points, when the worker computed the run (else the page scores it). */
  trainLoss?: number;
}

/** The K-means model's engine, and what a descriptor of it is. */
export type KMeansEngine = LiveEngine<KMeansSettings, KMeansSnapshot, LloydRun, LloydStepSummary>;
type Descriptor = ModelDescriptor<KMeansSettings, KMeansSnapshot, LloydRun, LloydStepSummary>;

/** What the K-means model needs of the page. */
interface KMeansModelOptions {
  /** Lloyd's runs built with the site (data2D), else undefined: computed in a worker. */
  built?: LloydRun[];
  /** Where "uniform" draws: the notebook's [0, 1) for data2D, the training data's box for other data. */
  uniformBox: "unit" | "data";
  /** A start placed by hand, from the URL (k rows, validated), for the k the page opens with. */
  start?: number[][];
  /** The page's lessons (data2D), and the Report's ten seeds they rank a run among. */
  lessons?: Lessons<KMeansLessonRun>;
  tenSeeds?: SeedScore[];
}

const RUN: RunSpec = { id: "gradient", name: "", slot: 0 };

/** The K-means descriptor, with the page's state of it: the start placed by hand, the picker. */
export class KMeansModel implements Descriptor {
  readonly noun = "cluster";
  readonly optimizer = "AdamW";
  readonly classic = "Lloyd";
  readonly scoreName = "score";
  readonly runs = [RUN];
  /** The start placed by hand (k rows), if any: the run and Lloyd's steps start from it. */
  placed?: number[][];
  readonly reference: Descriptor["reference"];
  #restarts?: RestartsResult;
  /** Where clicks place the start (2-D data only), with its clear button. */
  readonly picker = html`<div class="start-picker"></div>` as HTMLDivElement;
  #pickerKey = "";
  readonly #projected = new WeakMap<KMeansSnapshot, { projection: Projection; centroids: Matrix }>();
  /** The picker's chart, and the width it was built for. */
  #chart?: { width: number; picker: CentroidPicker };
  readonly matching = html`<div class="matching"></div>` as HTMLDivElement;
  readonly restartsText = html`<p></p>` as HTMLParagraphElement;
  /** The notes beside the gap curve: why the finished run on screen looks as it does. */
  readonly why = html`<div class="why-notes"></div>` as HTMLDivElement;
  #runKey = "";
  /** The finished run as the lessons read it (without the restarts, which come later). */
  #lessonRun?: KMeansLessonRun;

  /** The optimizer race from this page's start (an extra of the engine). */
  readonly race = new OptimizerRace(this);

  constructor(readonly options: KMeansModelOptions) {
    this.placed = options.start;
    this.reference = referenceRuns("lloyd", (k, { centroids, validScore, trainLoss }) => ({
      k,
      centroids: toRows(centroids),
      validScore,
      trainLoss,
    }), options.built);
    this.extras.push(this.race.extra);
  }

  /** The start placed by hand, if it is one for k. */
  placedStart(k: number): Matrix | undefined {
    return this.placed?.length === k ? fromRows(this.placed) : undefined;
  }

  shownRuns(): RunSpec[] {
    return this.runs;
  }

  runKey(settings: KMeansSettings): string {
    const { k, lr, epochs, seed, init, engine } = settings;
    // A start placed for another k is forgotten once k changes.
    if (this.placed && this.placed.length !== k) {
      this.placed = undefined;
      writeStartParam(undefined);
    }
    const key = JSON.stringify([k, lr, epochs, seed, init, engine, this.placed ?? null]);
    if (key !== this.#runKey) {
      this.#runKey = key;
      this.#lessonRun = undefined;
      this.why.replaceChildren();
      this.#showLesson(settings);
    }
    return key;
  }

  /** The settings a lesson is told apart by: the inputs and the start placed by hand ("" if none). */
  #showLesson(settings: KMeansSettings) {
    this.options.lessons?.show(
      { ...settings, start: this.placed ? formatStart(this.placed) : "" },
      this.#lessonRun && { ...this.#lessonRun, restarts: this.#restarts },
    );
  }

  readonly train: Descriptor["train"] = (pool, settings, _run, { onSnapshot, epochs }) =>
    pool.start("kmeans", {
      ...runJob(settings, epochs, 30),
      init: settings.init,
      uniformBox: this.options.uniformBox,
      initial: this.placedStart(settings.k),
      ...this.jobOptions(settings),
    }, { onSnapshot });

  /** Options a model built on this one adds to the run's job (soft K-means: its beta). */
  protected jobOptions(_settings: KMeansSettings): Partial<KMeansJobOptions> {
    return {};
  }

  /** A snapshot's centroids in the plane of `projection`, projected once (a run's path redraws them all). */
  #inPlane(snapshot: KMeansSnapshot, projection: Projection): Matrix {
    const kept = this.#projected.get(snapshot);
    if (kept?.projection === projection) return kept.centroids;
    const centroids = project(snapshot.centroids, projection);
    this.#projected.set(snapshot, { projection, centroids });
    return centroids;
  }

  readonly parameters = (snapshot: KMeansSnapshot) => snapshot.centroids;
  readonly referenceParameters = (reference: LloydRun) => fromRows(reference.centroids);

  /** Colours the points by their nearest centroid of `labelling` and draws `centroids` over them. */
  protected paintCentroids(
    panel: ScatterPanel,
    centroids: Matrix,
    labelling: Matrix,
    context: PaintContext,
    trajectory?: Matrix[],
  ) {
    const labels = assign(context.points, labelling).labels;
    panel.paint((i) => context.colourOf[labels[i]]);
    panel.overlay(
      kmeansOverlay(panel, project(centroids, context.projection), {
        colourOf: context.colourOf,
        regions: context.regions,
        trajectory,
      }),
    );
  }

  paint(
    panel: ScatterPanel,
    snapshot: KMeansSnapshot,
    context: PaintContext & { history: KMeansSnapshot[] },
  ) {
    const trajectory = context.history.map((s) => this.#inPlane(s, context.projection));
    this.paintCentroids(panel, snapshot.centroids, snapshot.centroids, context, trajectory);
    return {
      title: `Gradient descent (AdamW): ${
        snapshot.diverged
          ? divergedNote(snapshot.epoch + 1)
          : `validation score ${formatScore(snapshot.validScore)}`
      }`,
      details: `Epoch ${snapshot.epoch}, training loss ${formatScore(snapshot.trainLoss)}; ${
        describePositions(snapshot.centroids, context.colourOf)
      }.`,
    };
  }

  paintReference(panel: ScatterPanel, reference: LloydRun, context: PaintContext) {
    const centroids = fromRows(reference.centroids);
    this.paintCentroids(panel, centroids, centroids, context);
    return {
      title: `Lloyd (scikit-learn semantics): validation score ${reference.validScore.toFixed(5)}`,
      details: `Validation points coloured by their nearest centroid; ${
        describePositions(centroids, context.colourOf)
      }.`,
    };
  }

  readonly curve: Descriptor["curve"] = {
    quantity: "training loss",
    value: (snapshot) => snapshot.trainLoss,
    reference: (reference, train) =>
      reference.trainLoss ?? validationScore(train, fromRows(reference.centroids)),
    caption: (shown, reference, value) => {
      const last = shown[0].history.at(-1)!;
      return `Training loss at epoch ${last.epoch}: ${
        formatScore(last.trainLoss)
      }, Lloyd's (inertia / N, best of 10 ` +
        `k-means++ starts) ${value.toFixed(5)}: a gap of ${
          formatScore(last.trainLoss - value, { digits: 2 })
        }. Validation score ` +
        `${formatScore(last.validScore)} against Lloyd's ${reference.validScore.toFixed(5)}.`;
    },
  };

  /** The gradient run's start (its epoch-0 centroids) once in, for k centroids; else undefined. */
  protected runStart(settings: KMeansSettings, engine: KMeansEngine): Matrix | undefined {
    const start = engine.runs.get(RUN.id)!.history[0];
    return start?.epoch === 0 && start.centroids.rows === settings.k ? start.centroids : undefined;
  }

  readonly steps: Descriptor["steps"] = {
    waiting: "waiting for the gradient run's start…",
    /** Lloyd's half-steps start where the gradient run on screen starts. */
    key: (settings, engine) => {
      const start = this.runStart(settings, engine);
      return start && JSON.stringify(Array.from(start.data));
    },
    start: (pool, settings, engine, done) =>
      pool.start("lloyd-steps", { start: this.runStart(settings, engine)!, maxIterations: 100 }, {
        slot: 1,
        priority: 0, // a panel the reader sees: ahead of the restarts and the table (tens of ms)
        onResult: done,
      }),
    parameters: (step) => step.centroids,
    // An update keeps the labels of the assign before it: colour by the centroids that made them.
    paint: (panel, step, before, context) =>
      this.paintCentroids(
        panel,
        step.centroids,
        (step.phase === "update" && before ? before : step).centroids,
        context,
      ),
    describe: (step) => ({
      what: step.phase === "start"
        ? "the gradient run's start"
        : `iteration ${step.iteration}, ${step.phase}`,
      value: step.loss,
    }),
  };

  readonly table: Descriptor["table"] = {
    key: ({ lr, epochs, seed, init, engine }) => JSON.stringify([lr, epochs, seed, init, engine]),
    start: (pool, { lr, epochs, seed, init, engine }, ks, onResult) => [
      pool.start(
        "kmeans-table",
        { lr, epochs, seed, init, engine, uniformBox: this.options.uniformBox, ks },
        {
          slot: 1,
          priority: 2,
          onResult: (result) => onResult(RUN.id, result),
        },
      ),
    ],
    render: (results, references, ks) =>
      summaryTable(ks.flatMap((k) => {
        const result = results.get(k)?.get(RUN.id), lloyd = references.get(k);
        if (!result || !lloyd) return [];
        return [{
          k,
          lloydScore: lloyd.validScore,
          gradientScore: result.score,
          gapPercent: 100 * (result.score - lloyd.validScore) / lloyd.validScore,
          ms: result.ms,
        }];
      })),
  };

  /**
   * After a run that ended: the lesson's why; once it ended well, the notes beside the gap curve, the
   * dead-centroid warnings and the matching with Lloyd's centroids (a frame loop step of its own too).
   */
  final(
    finished: { run: RunSpec; snapshot: KMeansSnapshot; status: string }[],
    engine: KMeansEngine,
  ): Node[] {
    const [{ snapshot, status }] = finished;
    this.drawPicker(engine);
    const live = engine.runs.get(RUN.id)!;
    explainInFrame(engine, finished, () => {
      const run = this.#finishedRun(engine);
      this.#lessonRun = run;
      this.#showLesson(engine.settings!);
      if (status !== "done") this.why.replaceChildren();
      else if (run) {
        this.why.replaceChildren(
          ...[
            jumpsAndCrawls(run),
            stillFalling(live.history, run.lloyd.trainLoss, {
              value: (s) => s.trainLoss,
              gap: "the gap to Lloyd's training loss",
            }),
            deadCentroidWhy(run),
          ].map(whyNote),
        );
      }
    });
    if (status !== "done") {
      this.matching.replaceChildren();
      return [];
    }
    const counts = Array.from(snapshot.counts ?? new Int32Array(snapshot.centroids.rows));
    engine.loop.want("matching", () => {
      const lloyd = engine.reference;
      if (live.last !== snapshot || lloyd?.centroids.length !== snapshot.centroids.rows) return;
      const d = snapshot.centroids.cols;
      const colourOf = engine.colours(snapshot.centroids);
      const short = (values: ArrayLike<number>) =>
        Array.from(values).slice(0, 4).map((v) => v.toFixed(4)).join(", ") + (values.length > 4 ? ", …" : "");
      this.matching.replaceChildren(Inputs.table(
        matchCentroids(snapshot.centroids, fromRows(lloyd.centroids)).map(({ a, b, distance }) => ({
          gradient: clusterName(colourOf[a]),
          "gradient centroid": short(snapshot.centroids.data.slice(a * d, (a + 1) * d)),
          "Lloyd centroid": short(lloyd.centroids[b]),
          distance,
          "training points": counts[a],
        })),
        { format: { distance: (v: number) => v.toFixed(4) }, select: false },
      ));
    });
    return [
      deadCentroidNote(counts),
      unownedWarning(nearestCounts(engine.options.valid, snapshot.centroids), {
        names: Array.from(engine.colours(snapshot.centroids), clusterName),
        noun: "centroid",
        rows: engine.options.valid.rows,
      }),
    ];
  }

  /** The run on screen, finished, as the lessons and notes read it (undefined before Lloyd's run is in). */
  #finishedRun(engine: KMeansEngine): KMeansLessonRun | undefined {
    const lloyd = engine.reference, settings = engine.settings!, live = engine.runs.get(RUN.id)!;
    const last = live.last;
    if (!lloyd || lloyd.centroids.length !== settings.k || live.epochsStored[0]?.epoch !== 0 || !last) {
      return undefined;
    }
    // Every epoch stored, ending on the run's final report (a diverged run's says so).
    const steps = [...live.epochsStored.filter((s) => s.epoch < last.epoch), last];
    const { train, valid } = engine.options;
    return kmeansLessonRun(steps, {
      train,
      valid,
      settings,
      lloyd: { trainLoss: this.curve.reference(lloyd, train), validScore: lloyd.validScore },
      names: Array.from(engine.colours(last.centroids), clusterName),
      tenSeeds: this.options.tenSeeds,
    });
  }

  readonly extras: NonNullable<Descriptor["extras"]> = [{
    slot: "restarts",
    title: ({ restarts }) =>
      `Restarts: the validation score of each of ${restarts} seeds (ringed: the lowest training loss)`,
    /** Restarts train seeds 0..R-1 whatever the seed input: the seed does not rerun them. */
    key: ({ k, lr, epochs, init, engine, restarts }) =>
      JSON.stringify([k, lr, epochs, init, engine, restarts]),
    start: (pool, { k, lr, epochs, init, engine, restarts }, live, redraw) => {
      this.#restarts = undefined;
      return pool.start("restarts", {
        k,
        lr,
        epochs,
        init,
        engine,
        restarts,
        uniformBox: this.options.uniformBox,
        reportEvery: Math.max(1, Math.ceil(epochs / 10)),
      }, {
        slot: 1,
        priority: 1,
        onResult: (result) => {
          this.#restarts = result;
          redraw();
          this.#showLesson(live.settings!);
        },
      });
    },
    draw: async (slot, engine) => {
      const result = this.#restarts, k = engine.settings!.k;
      if (!result) {
        slot.wait("Restarts train after the main run…");
        this.restartsText.textContent = "";
        return;
      }
      const lloyd = await engine.referenceFor(k).catch(() => undefined);
      if (result !== this.#restarts || !lloyd) return;
      slot.show(
        restartsPlot(result.runs, { width: slot.drawWidth, lloydScore: lloyd.validScore, best: result.best }),
      );
      const best = result.runs[result.best];
      this.restartsText.textContent = `The best of ${result.runs.length} restarts scores ${
        formatScore(best.validScore ?? NaN)
      } (seed ${best.seed}), against Lloyd's ${lloyd.validScore.toFixed(5)}.`;
    },
  }];

  /**
   * The picker for k centroids over the validation points (2-D data), shown with its note when k,
   * its width or the placed start changes: Plot's thousands of dots are built (for a new width only)
   * in a task, and shown in a frame, of their own; a new k or start is set on the same chart.
   */
  drawPicker(engine: KMeansEngine): void {
    const settings = engine.settings!, train = engine.options.train;
    if (train.cols !== 2) {
      this.picker.replaceChildren(
        html`<p class="muted">Placing a start by hand needs 2-D data; these have ${train.cols} columns.</p>`,
      );
      return;
    }
    const width = Math.min(420, engine.slots[RUN.id].drawWidth);
    const key = [settings.k, width, this.placed ? formatStart(this.placed) : ""].join();
    if (key === this.#pickerKey) return;
    this.#pickerKey = key;
    const show = (chart: CentroidPicker) =>
      engine.loop.want("picker", () => {
        if (key !== this.#pickerKey) return;
        chart.setStart(settings.k, this.placed);
        const note = this.#pickerNote(engine, settings.k);
        const old = this.picker.querySelector(".centroid-picker");
        // The same chart stays in place (moved, it would lose the focus); a new one takes the focus.
        if (old === chart) this.picker.lastElementChild?.replaceWith(note);
        else {
          const focused = !!old?.contains(document.activeElement);
          this.picker.replaceChildren(chart, note);
          if (focused) chart.querySelector("svg")?.focus();
        }
      });
    if (this.#chart?.width === width) show(this.#chart.picker);
    else inTask(() => key === this.#pickerKey && show(this.#buildPicker(engine, width)));
  }

  /** The picker for `width`, kept for later k and starts; it keeps the old one's toggle. */
  #buildPicker(engine: KMeansEngine, width: number): CentroidPicker {
    const chart = centroidPicker(engine.validDrawn, {
      k: engine.settings!.k,
      value: this.placed,
      width,
      placing: this.#chart?.picker.placing,
    });
    this.#chart = { width, picker: chart };
    // Kept to the URL's precision, so that a reloaded link starts exactly here.
    chart.addEventListener(
      "input",
      () => this.#place(engine, chart.value.map((row) => row.map((v) => +v.toPrecision(6)))),
    );
    return chart;
  }

  #place(engine: KMeansEngine, placed: number[][] | undefined) {
    this.placed = placed;
    writeStartParam(placed);
    engine.retrain();
  }

  /** What the picker does, and its clear button. */
  #pickerNote(engine: KMeansEngine, k: number): Node {
    const clear = html`<button type="button">Clear: start from the init again</button>` as HTMLButtonElement;
    clear.disabled = !this.placed;
    clear.addEventListener("click", () => this.#place(engine, undefined));
    return html`
      <p
        class="muted small">${this.placed
          ? `Both runs start from the ${k} centroids placed here. Click again to place a new set; drag one to move it.`
          : `Click ${k} times to place the start of both runs (the gradient run and Lloyd's steps); drag a centroid to move it.`} On a touch screen, turn on "Place centroids" first. Keyboard: Tab to the chart, then arrows and Enter. ${clear}</p>
    `;
  }
}

/** The K-means page's inputs, with `maxK` the largest k the data allows. */
export function kmeansInputs(dataset: ChosenDataset, maxK: number): Record<string, InputSpec> {
  // A log scale, so that 0.001 and 1000 are both in reach. Adam's steps are bounded by the learning rate,
  // so a large one only wanders; past 200, AdamW's weight decay (lr x 0.01 > 2) blows the centroids up.
  const { k, lr, epochs, seed, engine, view } = liveInputs(dataset, {
    maxK,
    lr: GRADIENT_KMEANS.lr,
    maxLr: 1000,
    epochs: GRADIENT_KMEANS.epochs,
    maxEpochs: 1000,
  });
  return {
    k,
    lr,
    epochs,
    seed,
    init: { type: "option", label: "init", value: "uniform", options: ["uniform", "kmeans++", "points"] },
    engine,
    view,
    restarts: { type: "number", label: "restarts (R)", value: 10, min: 1, max: 20, integer: true },
  };
}

/** The K-means page's files: Lloyd's map and the trained model as ONNX, the manifest and the tables. */
export const KMEANS_FILES: ModelFiles<KMeansSettings, KMeansSnapshot, LloydRun> = {
  page: "kmeans",
  model: "gradient-kmeans",
  validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor,
  mapTitle: (k) => `Lloyd, k = ${k}: decision regions from lloyd-${k}.onnx (onnxruntime-web)`,
  referenceToOnnx: async (lloyd, metadata) =>
    (await onnxExport()).kmeansToOnnx(fromRows(lloyd.centroids), {
      metadata: { model: "lloyd", ...metadata },
    }),
  modelToOnnx: async (snapshot, metadata) =>
    (await onnxExport()).kmeansToOnnx(snapshot.centroids, { metadata }),
  async check(scorer, snapshot, valid) {
    const scores = await scorer.score(valid);
    if (scores.kind !== "kmeans") throw new Error("the downloaded model is not a K-means model.");
    const { labels, distances } = scores;
    return compareWithTab(
      { onnxLabels: labels, tabLabels: assign(valid, snapshot.centroids).labels, perPoint: distances },
      { tabScore: snapshot.validScore, scoreName: "validation score" },
    );
  },
  score: (snapshot) => ({ valid_score: snapshot.validScore }),
  results: ([{ snapshot }], lloyd) => ({
    epoch: snapshot.epoch,
    diverged: snapshot.diverged,
    trainLoss: snapshot.trainLoss,
    validScore: snapshot.validScore,
    centroids: toRows(snapshot.centroids),
    optimizer: { name: "AdamW", ...GRADIENT_KMEANS.adamW },
    lloydValidScore: lloyd?.validScore,
    lloydCentroids: lloyd?.centroids,
  }),
  tables: [
    {
      label: "Centroids (CSV)",
      file: "gradient-centroids",
      csv: (snapshot) =>
        toRows(snapshot.centroids).map((row, j) => ({
          cluster: j + 1,
          ...Object.fromEntries(row.map((v, t) => [`x${t}`, v])),
        })),
    },
    assignmentsTable(
      "validation-assignments",
      "cluster",
      (snapshot, valid) => assign(valid, snapshot.centroids).labels,
    ),
    { label: "Centroids (JSON)", file: "gradient-centroids", json: (snapshot) => toRows(snapshot.centroids) },
  ],
};
