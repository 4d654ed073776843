/**
 * The gradient mixture as a model of the live engine (`live/engine.ts`): two runs (Adam), from a
 * random start and from the K-means centroids, each in its own worker at the same time; EM as the
 * reference and its half-steps (E, M) from its own start for the seed; the weights and sigmas over
 * training; the collapse warnings. Components take the colour of the EM component they match.
 */
import { html } from "htl";
import { meanFeatureVariance } from "../../lib/kmeans/kmeans.js";
import {
  gmmNLL,
  gmmPosterior,
  gmmPredict,
  type SphericalGaussianMixture,
} from "../../lib/mixture/gaussian_mixture.js";
import { fromRows, type Matrix, toRows } from "../../lib/matrix.js";
import { project } from "../../lib/projection.js";
import { describePositions } from "../draw/clusters.js";
import { componentName, ParameterAxes, parameterCurves } from "../draw/mixture.js";
import { mixtureOverlay, type ScatterPanel } from "../draw/scatter_layers.js";
import type { LiveEngine, LiveSettings, ModelDescriptor, PaintContext, RunSpec } from "../live/engine.js";
import { liveInputs, type ModelFiles } from "../live/page_parts.js";
import { GRADIENT_MIXTURE, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import type { InputSpec } from "../inputs/input_spec.js";
import { compareWithTab } from "../onnx/model_export.js";
import type { EMStepSummary, MixtureSnapshot } from "../live/protocol.js";
import { collapseWarning, mixtureSummaryTable } from "./mixture_report.js";
import { divergedNote, formatScore } from "../draw/format.js";
import { capital, type Lessons, mixtureLessonInit, type MixtureLessonRun } from "./scenarios.js";
import { stillFalling, unownedWarning, whyNote } from "./why_notes.js";
import { assignmentsTable, explainInFrame, onnxExport, referenceRuns, runJob } from "./model_parts.js";

/** The mixture page's inputs ("both" shows the two inits side by side). */
interface MixtureSettings extends LiveSettings {
  init: "both" | "random" | "kmeans";
}

/** EM's reference for one k. */
interface EMRun {
  k: number;
  means: number[][];
  sigmas: number[];
  weights: number[];
  validNLL: number;
  iterations: number;
  /** The training points' NLL, when the worker computed the run (else the page scores it). */
  trainNLL?: number;
}

/** The mixture model's engine, and what a descriptor of it is. */
type MixtureEngine = LiveEngine<MixtureSettings, MixtureSnapshot, EMRun, EMStepSummary>;
type Descriptor = ModelDescriptor<MixtureSettings, MixtureSnapshot, EMRun, EMStepSummary>;

const RUNS: RunSpec[] = [
  { id: "random", name: "random init", slot: 0 },
  { id: "kmeans", name: "K-means init", slot: 1 },
];
const initOf = (run: RunSpec) => (run.id === "random" ? "random" : "kmeans");
const emModel = (em: EMRun): SphericalGaussianMixture => ({
  means: fromRows(em.means),
  sigmas: Float64Array.from(em.sigmas),
  weights: Float64Array.from(em.weights),
});

/** The mixture descriptor. */
export class MixtureModel implements Descriptor {
  readonly noun = "component";
  readonly optimizer = "Adam";
  readonly classic = "EM";
  readonly scoreName = "NLL";
  readonly runs = RUNS;
  readonly reference: Descriptor["reference"];
  readonly #focusLabels: HTMLSpanElement[] = [];
  /** The parameter chart's axes, kept while its domains stay. */
  readonly #parameterAxes = new ParameterAxes();
  #focus: "random" | "kmeans" = "kmeans";
  /** The data's spread (the root of the mean feature variance): what "a collapsing sigma" is measured against. */
  readonly dataScale: number;
  /** The notes beside the gap curve: why the finished runs on screen look as they do. */
  readonly why = html`<div class="why-notes"></div>` as HTMLDivElement;
  /** The training settings of the runs, and those with the init shown (what a lesson is told by). */
  #trainedKey = "";
  #lessonKey = "";

  /** `lessons`: the page's lessons (data2D). */
  constructor(
    readonly options: { train: Matrix; built?: EMRun[]; lessons?: Lessons<MixtureLessonRun> },
  ) {
    this.dataScale = Math.sqrt(meanFeatureVariance(options.train));
    this.reference = referenceRuns("em", (k, r) => ({
      k,
      means: toRows(r.means),
      sigmas: Array.from(r.sigmas),
      weights: Array.from(r.weights),
      validNLL: r.validNLL,
      iterations: r.iterations,
      trainNLL: r.trainNLL,
    }), options.built);
  }

  shownRuns({ init }: MixtureSettings): RunSpec[] {
    this.#focus = init === "random" ? "random" : "kmeans";
    for (const label of this.#focusLabels) label.textContent = this.#focusWord();
    return init === "both" ? RUNS : RUNS.filter((run) => run.id === init);
  }

  /** The run whose parameters, export and downloads the page shows (K-means unless only random runs). */
  get focus(): "random" | "kmeans" {
    return this.#focus;
  }

  #focusWord() {
    return this.#focus === "random" ? "random" : "K-means";
  }

  /** A word naming the focus run's init, kept up to date; one per place in the text. */
  focusLabel(): HTMLSpanElement {
    const label = html`<span>${this.#focusWord()}</span>` as HTMLSpanElement;
    this.#focusLabels.push(label);
    return label;
  }

  runKey(settings: MixtureSettings, _run: RunSpec, engine: MixtureEngine): string {
    const { k, lr, epochs, seed, engine: trainer, init } = settings;
    const key = JSON.stringify([k, lr, epochs, seed, trainer]);
    if (JSON.stringify([key, init]) !== this.#lessonKey) {
      // A new init shown over runs already trained is explained at once; a retrain, once it ends.
      const retrains = key !== this.#trainedKey;
      this.#trainedKey = key;
      this.#lessonKey = JSON.stringify([key, init]);
      this.#explain(engine, retrains ? undefined : this.#finishedRun(engine));
    }
    return key;
  }

  /** The shown runs, all trained, as the lessons read them (undefined before, or before EM is in). */
  #finishedRun(engine: MixtureEngine): MixtureLessonRun | undefined {
    const settings = engine.settings!, em = engine.reference, { train, valid } = engine.options;
    const runs = engine.shown.map((run) => ({ run, live: engine.runs.get(run.id)! }));
    if (!em || em.means.length !== settings.k || runs.some(({ live }) => !live.trained || !live.last)) {
      return undefined;
    }
    return {
      ...settings,
      runs: runs.map(({ run, live }) =>
        mixtureLessonInit(run.name, live.last!, {
          valid,
          names: Array.from(engine.colours(live.last!.means), componentName),
        })
      ),
      em: { validNLL: em.validNLL, trainNLL: this.curve.reference(em, train), iterations: em.iterations },
      validRows: valid.rows,
    };
  }

  /** The lesson's why and the notes beside the gap curve, for the finished runs (none: cleared). */
  #explain(engine: MixtureEngine, run: MixtureLessonRun | undefined) {
    this.options.lessons?.show({ ...engine.settings }, run);
    this.why.replaceChildren(
      ...(run ? engine.shown : []).map((shown) =>
        whyNote(stillFalling(engine.runs.get(shown.id)!.history, run!.em.trainNLL, {
          value: (s) => s.trainNLL,
          gap: `the ${shown.name}'s gap to EM's training NLL`,
        }))
      ),
    );
  }

  readonly train: Descriptor["train"] = (pool, settings, run, { onSnapshot, epochs }) =>
    pool.start("mixture", { ...runJob(settings, epochs, 50), init: initOf(run) }, {
      slot: run.slot,
      onSnapshot,
    });

  readonly parameters = (snapshot: MixtureSnapshot) => snapshot.means;
  readonly referenceParameters = (reference: EMRun) => fromRows(reference.means);

  /** Paints the points by their most likely component (fainter where unsure), and the mixture over them. */
  #paintMixture(panel: ScatterPanel, model: SphericalGaussianMixture, context: PaintContext) {
    const k = model.means.rows, points = context.points;
    const { responsibilities } = gmmPosterior(points, model);
    const best = new Int32Array(points.rows), sure = new Float64Array(points.rows);
    for (let i = 0; i < best.length; i++) {
      let top = 0;
      for (let j = 1; j < k; j++) {
        if (responsibilities.data[i * k + j] > responsibilities.data[i * k + top]) top = j;
      }
      best[i] = context.colourOf[top];
      sure[i] = responsibilities.data[i * k + top];
    }
    panel.paint((i) => best[i], (i) => sure[i]);
    const plane = { ...model, means: project(model.means, context.projection) };
    panel.overlay(mixtureOverlay(panel, plane, { colourOf: context.colourOf }));
  }

  paint(panel: ScatterPanel, snapshot: MixtureSnapshot, context: PaintContext & { run: RunSpec }) {
    this.#paintMixture(panel, snapshot, context);
    return {
      title: `${capital(context.run.name)}: ${
        snapshot.diverged
          ? divergedNote(snapshot.epoch + 1)
          : `validation NLL ${formatScore(snapshot.validNLL)}`
      }`,
      details: `Epoch ${snapshot.epoch}, training NLL ${formatScore(snapshot.trainNLL)}; means ${
        describePositions(snapshot.means, context.colourOf, "component")
      }.`,
    };
  }

  paintReference(panel: ScatterPanel, reference: EMRun, context: PaintContext) {
    const model = emModel(reference);
    this.#paintMixture(panel, model, context);
    return {
      title: `EM (scikit-learn semantics): validation NLL ${reference.validNLL.toFixed(5)}`,
      details: `Validation points coloured by their most likely component; means ${
        describePositions(model.means, context.colourOf, "component")
      }.`,
    };
  }

  readonly curve: Descriptor["curve"] = {
    quantity: "training NLL",
    value: (snapshot) => snapshot.trainNLL,
    reference: (reference, train) => reference.trainNLL ?? gmmNLL(train, emModel(reference)),
    caption: (shown, reference, value) => {
      const finals = shown.filter(({ history }) => history.length).map(({ run, history }) =>
        `${run.name} ${formatScore(history.at(-1)!.trainNLL)} at epoch ${history.at(-1)!.epoch}`
      );
      return `Training NLL: ${finals.join("; ")}; EM's ${value.toFixed(5)}. Validation NLL: EM's ${
        reference.validNLL.toFixed(5)
      }.`;
    },
  };

  readonly steps: Descriptor["steps"] = {
    waiting: "computed once the runs are trained…",
    /** EM's own start for (k, seed), once the runs on screen are trained (they have the cores first). */
    key: ({ k, seed }, engine) =>
      engine.shown.every((run) => engine.runs.get(run.id)!.trained) ? JSON.stringify([k, seed]) : undefined,
    start: (pool, { k, seed }, _engine, done) =>
      pool.start("em-steps", { k, seed, maxIterations: 100 }, {
        slot: 1,
        priority: 0, // a panel the reader sees: ahead of the table (tens of ms)
        onResult: done,
      }),
    parameters: (step) => step.mixture.means,
    // An E-step computes responsibilities under the mixture it starts from: draw those.
    paint: (panel, step, before, context) =>
      this.#paintMixture(panel, (step.phase === "E" && before ? before : step).mixture, context),
    describe: (step) => ({
      what: step.phase === "start"
        ? "start (k-means++, then Lloyd)"
        : `iteration ${step.iteration}, ${step.phase}-step`,
      value: step.nll,
    }),
  };

  readonly table: Descriptor["table"] = {
    key: ({ lr, epochs, seed, engine }) => JSON.stringify([lr, epochs, seed, engine]),
    start: (pool, { lr, epochs, seed, engine }, ks, onResult) =>
      RUNS.map((run) =>
        pool.start("mixture-table", { lr, epochs, seed, engine, init: initOf(run), ks }, {
          slot: run.slot,
          priority: 2,
          onResult: (result) => onResult(run.id, result),
        })
      ),
    render: (results, references, ks) =>
      mixtureSummaryTable(ks.flatMap((k) => {
        const random = results.get(k)?.get("random"), kmeans = results.get(k)?.get("kmeans");
        const em = references.get(k);
        if (!random || !kmeans || !em) return [];
        return [{
          k,
          random: random.score,
          kmeans: kmeans.score,
          em: em.validNLL,
          ms: random.ms + kmeans.ms,
        }];
      })),
  };

  /**
   * After runs that ended: the lesson's why and the notes; for each that ended well, a warning when
   * its components collapse or vanish, or one owns no validation point.
   */
  final(
    finished: { run: RunSpec; snapshot: MixtureSnapshot; status: string }[],
    engine: MixtureEngine,
  ): Node[] {
    explainInFrame(engine, finished, () => this.#explain(engine, this.#finishedRun(engine)));
    const valid = engine.options.valid;
    return finished.filter(({ status }) => status === "done").flatMap(({ run, snapshot }) => [
      collapseWarning(snapshot, { name: capital(run.name), dataScale: this.dataScale }),
      unownedWarning(mixtureLessonInit(run.name, snapshot, { valid }).validCounts, {
        names: Array.from(engine.colours(snapshot.means), componentName),
        noun: "component",
        rows: valid.rows,
        who: capital(run.name),
      }),
    ]);
  }

  readonly extras: NonNullable<Descriptor["extras"]> = [{
    slot: "parameters",
    title: () => `Mixing weights and sigmas of the ${this.#focusWord()}-init run over training`,
    /** The focus run's weights and sigmas against epoch, to the epoch on screen. */
    draw: (slot, engine) => {
      const r = engine.shown.findIndex((run) => run.id === this.#focus);
      const shown = engine.drawn[r];
      const history = engine.historyShown(this.#focus);
      const chart = parameterCurves(history, {
        width: slot.drawWidth,
        epochs: engine.settings!.epochs,
        colourOf: shown ? engine.colours(shown.means) : undefined,
      }, this.#parameterAxes);
      slot.showKept(chart);
    },
  }];
}

/** The mixture page's inputs, with `maxK` the largest k the data allows. */
export function mixtureInputs(dataset: ChosenDataset, maxK: number): Record<string, InputSpec> {
  // A log scale, so that 0.0005 and 50 (which diverges: try it) are both in reach.
  const { k, lr, epochs, seed, engine, view } = liveInputs(dataset, {
    maxK,
    lr: GRADIENT_MIXTURE.lr,
    maxLr: 100,
    epochs: GRADIENT_MIXTURE.epochs,
    maxEpochs: 3000,
  });
  const init = {
    type: "option",
    label: "init",
    value: "both",
    options: ["both", "random", "kmeans"],
    labels: { both: "both, side by side", random: "random", kmeans: "K-means" },
    control: "radio",
  } as const;
  return { k, init, lr, epochs, seed, engine, view };
}

/** The mixture page's files: EM's map and the focus run as ONNX, the manifest and the tables. */
export const MIXTURE_FILES: ModelFiles<MixtureSettings, MixtureSnapshot, EMRun> = {
  page: "gmm",
  mapTitle: (k) => `EM, k = ${k}: log density from em-${k}.onnx (onnxruntime-web)`,
  model: "gradient-gmm",
  validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor,
  referenceToOnnx: async (em, metadata) =>
    (await onnxExport()).mixtureToOnnx(emModel(em), { metadata: { model: "em", ...metadata } }),
  modelToOnnx: async (snapshot, metadata) => (await onnxExport()).mixtureToOnnx(snapshot, { metadata }),
  async check(scorer, snapshot, valid) {
    const scores = await scorer.score(valid);
    if (scores.kind === "kmeans") throw new Error("the downloaded model is not a mixture.");
    const { labels, logLikelihood } = scores;
    return compareWithTab(
      { onnxLabels: labels, tabLabels: gmmPredict(valid, snapshot), perPoint: logLikelihood.map((l) => -l) },
      { tabScore: snapshot.validNLL, scoreName: "validation NLL" },
    );
  },
  score: (snapshot) => ({ valid_nll: snapshot.validNLL }),
  results: (runs, em) => ({
    optimizer: { name: "Adam", ...GRADIENT_MIXTURE.adam },
    ...Object.fromEntries(runs.map(({ name, snapshot: s }) => [name, {
      epoch: s.epoch,
      diverged: s.diverged,
      trainNLL: s.trainNLL,
      validNLL: s.validNLL,
      means: toRows(s.means),
      sigmas: Array.from(s.sigmas),
      weights: Array.from(s.weights),
    }])),
    em: em && { validNLL: em.validNLL, means: em.means, sigmas: em.sigmas, weights: em.weights },
  }),
  tables: [
    {
      label: "Components (CSV)",
      file: "gradient-gmm-components",
      csv: (snapshot) =>
        toRows(snapshot.means).map((row, j) => ({
          component: j + 1,
          weight: snapshot.weights[j],
          sigma: snapshot.sigmas[j],
          ...Object.fromEntries(row.map((v, t) => [`mean_x${t}`, v])),
        })),
    },
    assignmentsTable(
      "gmm-validation-assignments",
      "component",
      (snapshot, valid) => gmmPredict(valid, snapshot),
    ),
  ],
};
