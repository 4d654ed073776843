/**
 * One-click lessons for /kmeans and /gmm. A scenario is data: the URL parameters that open it (a
 * permalink the pages already read, see `inputs/url_state.ts`) and a `why` that says, in two or three
 * sentences, what the finished run on screen shows, quoting that run's own figures. The page lists
 * the scenarios and, when its settings are a scenario's, shows its why once the run has ended
 * ({@link Lessons}). The runs a why reads are built by {@link kmeansLessonRun} and
 * {@link mixtureLessonRun}, from the page's snapshots or from `lib/` runs alike (the tests do).
 */
import { html } from "htl";
import { accumulateClusterSums, assign } from "../../lib/kmeans/kmeans.js";
import { gmmPredict, type SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import type { GradientKMeansStep as KMeansStep } from "../../lib/kmeans/gradient_kmeans.js";
import { columnMeans, columnRanges, type Matrix, toRows } from "../../lib/matrix.js";
import { EM, GRADIENT_KMEANS, LLOYD } from "../../lib/notebook_settings.js";
import { formatScore } from "../draw/format.js";
import { clusterName, columnName } from "../draw/palette.js";
import { deadCentroidWhy, decayFactor } from "./why_notes.js";

/** A lesson: its link's words, the URL parameters that open it (beyond the defaults), and its why. */
export interface Scenario<R> {
  id: string;
  title: string;
  params: Record<string, string | number>;
  /** Two or three sentences from the finished run, or undefined while a part it needs is still training. */
  why(run: R): string | undefined;
}

/** A seed's final validation score. */
export interface SeedScore {
  seed: number;
  validScore: number;
}

/** A finished gradient K-means run, as the whys and the notes read it. */
export interface KMeansLessonRun {
  k: number;
  lr: number;
  epochs: number;
  seed: number;
  init: string;
  /** Every epoch trained, from the start (epoch 0) to the last finite one. */
  steps: KMeansStep[];
  validScore: number;
  diverged: boolean;
  lloyd: { trainLoss: number; validScore: number };
  /** Training points nearest to each centroid at the start and at the end; validation points at the end. */
  startCounts: number[];
  trainCounts: number[];
  validCounts: number[];
  validRows: number;
  /** The training points' per-column minimum, maximum and mean. */
  box: { min: number[]; max: number[]; mean: number[] };
  /** The farthest a centroid moved in Lloyd's first update from the same start. */
  lloydFirstMove: number;
  /** Each centroid's name as the panels show it ("cluster 2"). */
  names: string[];
  /** The Report's ten seeds at the notebook's settings (data2D). */
  tenSeeds?: SeedScore[];
  /** The restarts chart's runs, once trained. */
  restarts?: { runs: { seed: number; validScore?: number }[]; best: number };
}

/** How many of `labels` are each of 0..k-1. */
function countLabels(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Points of `points` nearest to each of the k centroids. */
export const nearestCounts = (points: Matrix, centroids: Matrix) =>
  countLabels(assign(points, centroids).labels, centroids.rows);

/** The farthest a centroid moves in one Lloyd update (assign, then each centroid to its points' mean). */
function lloydFirstMove(train: Matrix, start: Matrix): number {
  const { rows: k, cols: d } = start;
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  accumulateClusterSums(train, assign(train, start).labels, sums, counts);
  let farthest = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue; // an empty cluster keeps its centroid here
    let squared = 0;
    for (let t = 0; t < d; t++) squared += (sums[j * d + t] / counts[j] - start.data[j * d + t]) ** 2;
    farthest = Math.max(farthest, Math.sqrt(squared));
  }
  return farthest;
}

/** A finished K-means run for the whys, from its epochs (the start first) and what it is compared with. */
export function kmeansLessonRun(
  steps: KMeansStep[],
  { train, valid, settings, lloyd, names, tenSeeds, restarts }: {
    train: Matrix;
    valid: Matrix;
    settings: { k: number; lr: number; epochs: number; seed: number; init: string };
    lloyd: { trainLoss: number; validScore: number };
    names?: string[];
    tenSeeds?: SeedScore[];
    restarts?: KMeansLessonRun["restarts"];
  },
): KMeansLessonRun {
  const start = steps[0].centroids, last = steps.at(-1)!, [min, max] = columnRanges(train);
  return {
    ...settings,
    steps,
    validScore: last.validScore ?? NaN,
    diverged: last.diverged,
    lloyd,
    startCounts: nearestCounts(train, start),
    trainCounts: nearestCounts(train, last.centroids),
    validCounts: nearestCounts(valid, last.centroids),
    validRows: valid.rows,
    box: { min: Array.from(min), max: Array.from(max), mean: Array.from(columnMeans(train)) },
    lloydFirstMove: lloydFirstMove(train, start),
    names: names ?? Array.from({ length: settings.k }, (_, j) => clusterName(j)),
    tenSeeds,
    restarts,
  };
}

/** One finished gradient mixture run (an init). */
interface MixtureLessonInit {
  /** "random init", "K-means init". */
  name: string;
  final: SphericalGaussianMixture & { epoch: number; trainNLL: number; validNLL: number; diverged: boolean };
  /** Validation points whose most likely component is each component. */
  validCounts: number[];
  /** Each component's name as the panels show it ("component 2"). */
  names: string[];
}

/** The finished gradient mixture runs on screen and EM's reference, as the whys read them. */
export interface MixtureLessonRun {
  k: number;
  lr: number;
  epochs: number;
  seed: number;
  runs: MixtureLessonInit[];
  em: { validNLL: number; trainNLL: number; iterations: number };
  validRows: number;
}

/** A finished mixture init for the whys. */
export function mixtureLessonInit(
  name: string,
  final: MixtureLessonInit["final"],
  { valid, names }: { valid: Matrix; names?: string[] },
): MixtureLessonInit {
  const k = final.means.rows;
  return {
    name,
    final,
    validCounts: countLabels(gmmPredict(valid, final), k),
    names: names ?? Array.from({ length: k }, (_, j) => `component ${j + 1}`),
  };
}

const f5 = (value: number) => formatScore(value);
const percent = (value: number) => `${(100 * value).toFixed(2)}%`;
const point = (row: ArrayLike<number>) => `(${Array.from(row, (v) => v.toFixed(2)).join(", ")})`;
const ordinal = (n: number) =>
  `${n}${
    n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"
  }`;
export const capital = (text: string) => text[0].toUpperCase() + text.slice(1);
/** The lower middle of values sorted in increasing order. */
const lowerMedian = <T>(sorted: T[]): T => sorted[(sorted.length - 1) >> 1];
/** The Report's ten seeds, best (lowest validation score) first. */
const bySeedScore = (tenSeeds: SeedScore[]) => [...tenSeeds].sort((a, b) => a.validScore - b.validScore);

/** Where the run ends against Lloyd's: "validation score 0.27539, 3.85% above Lloyd's 0.26516". */
function againstLloyd(run: KMeansLessonRun): string {
  const gap = (run.validScore - run.lloyd.validScore) / run.lloyd.validScore;
  return `validation score ${f5(run.validScore)}, ${percent(Math.abs(gap))} ${
    gap >= 0 ? "above" : "below"
  } Lloyd's ${f5(run.lloyd.validScore)}`;
}

/** The seed's rank among the Report's ten seeds, and where this run ends. */
function seedRank(run: KMeansLessonRun): string {
  const ten = run.tenSeeds;
  const sorted = ten ? bySeedScore(ten) : [];
  const rank = sorted.findIndex((s) => s.seed === run.seed) + 1;
  if (!ten || rank === 0) return `The run ends at ${againstLloyd(run)}.`;
  const median = lowerMedian(sorted);
  const where = rank === sorted.length ? " (the worst)" : rank === 1 ? " (the best)" : "";
  const numbers = ten.map((s) => s.seed);
  return `Of the Report's ${sorted.length} seeds (${Math.min(...numbers)} to ${
    Math.max(...numbers)
  }) with these settings, seed ${run.seed} ranks ${
    ordinal(rank)
  }${where}: the median, seed ${median.seed}, scores ${f5(median.validScore)}, the best ${
    f5(sorted[0].validScore)
  }. Here the run ends at ${againstLloyd(run)}.`;
}

/** A start placed by hand with one centroid far from every point of data2D (k = 5). */
export const DEAD_START = "-2,-3;2,-3;0,0;2,1;6,5";

/** The K-means lessons, for data2D with the Report's ten seeds (`tenSeeds`, built with the site). */
export function kmeansScenarios(tenSeeds: SeedScore[]): Scenario<KMeansLessonRun>[] {
  // The lower median is the Report's drawn run.
  const sorted = bySeedScore(tenSeeds), median = lowerMedian(sorted).seed, worst = sorted.at(-1)!.seed;
  const seedScenario = (id: string, title: string, seed: number): Scenario<KMeansLessonRun> => ({
    id,
    title,
    params: { seed },
    why: seedRank,
  });
  return [
    {
      id: "notebook",
      title: "The notebook's settings",
      params: {},
      why: (run) =>
        `These are the notebook's settings: k = ${run.k} centroids drawn uniformly in [0, 1) (torch.rand, seed ${run.seed}), then AdamW with learning rate ${run.lr} for ${run.epochs} epochs. ${
          seedRank(run)
        }`,
    },
    ...(worst === 0 ? [] : [seedScenario("worst-seed", `The worst of the Report's seeds (${worst})`, worst)]),
    seedScenario("median-seed", `The median of the Report's seeds (seed ${median})`, median),
    {
      id: "dead-centroid",
      title: "A centroid dies",
      params: { start: DEAD_START },
      why: (run) => {
        const dead = deadCentroidWhy(run);
        if (!dead) {
          return `Every centroid owns training points in this run: none died. It ends at ${
            againstLloyd(run)
          }.`;
        }
        return `${dead} The other ${run.k - 1} centroids share the data: ${againstLloyd(run)}.`;
      },
    },
    {
      id: "large-lr",
      title: "Too large a learning rate",
      params: { lr: 1000 },
      why: (run) => {
        const last = run.steps.at(-1)!, before = run.steps.at(-2);
        const farthest = (step: KMeansStep) =>
          Math.max(...toRows(step.centroids).map((row) => Math.hypot(...row)));
        const growth = before && farthest(before) > 0
          ? ` (the farthest centroid's distance to the origin grew ×${
            (farthest(last) / farthest(before)).toFixed(2)
          } in epoch ${last.epoch})`
          : "";
        const end = run.diverged
          ? `The loss left the float range and the run diverged at epoch ${
            last.epoch + 1
          }; the panels keep the last finite centroids${growth}.`
          : `By epoch ${last.epoch} the training loss is ${f5(last.trainLoss)} against Lloyd's ${
            f5(run.lloyd.trainLoss)
          }${growth}.`;
        return `With learning rate ${run.lr}, AdamW's weight decay multiplies every centroid by 1 − lr × ${GRADIENT_KMEANS.adamW.weightDecay} = ${
          decayFactor(run.lr)
        } each epoch, while Adam's own step is about lr: the centroids are thrown through the origin and away from the data. ${end}`;
      },
    },
    {
      id: "uniform-patch",
      title: "Uniform in [0, 1) starts in one small patch (k = 10)",
      params: { k: 10 },
      why: (run) => {
        const [low, high] = columnRanges(run.steps[0].centroids), d = low.length;
        const spans = run.box.min.map((min, t) =>
          `${columnName(t)} from ${min.toFixed(2)} to ${run.box.max[t].toFixed(2)}`
        );
        const centre = low.map((v, t) => (v + high[t]) / 2);
        const side = [
          centre[0] > run.box.mean[0] ? "right of" : "left of",
          ...(d > 1 ? [centre[1] > run.box.mean[1] ? "above" : "below"] : []),
        ].join(" and ");
        return `The uniform init draws each start coordinate in [0, 1), as torch.rand, but these data span ${
          spans.join(" and ")
        }: the ${run.k} starts lie between ${point(low)} and ${
          point(high)
        }, in one small patch, ${side} the data's mean ${
          point(run.box.mean)
        }. Centroids far from the clouds must crawl to them at about lr = ${run.lr} a step; after ${
          run.steps.at(-1)!.epoch
        } epochs the run ends at ${againstLloyd(run)}.`;
      },
    },
    {
      id: "restarts",
      title: "Restarts, as Lloyd's n_init",
      params: { init: "kmeans++" },
      why: (run) => {
        const restarts = run.restarts;
        if (!restarts) return undefined;
        const scores = restarts.runs.flatMap((r) => (r.validScore === undefined ? [] : [r.validScore]));
        const sorted = [...scores].sort((a, b) => a - b), best = restarts.runs[restarts.best];
        return `Lloyd keeps the best of ${LLOYD.nInit} k-means++ starts (scikit-learn's n_init). The restarts chart does the same with gradient descent: ${restarts.runs.length} runs from k-means++ starts (seeds ${
          restarts.runs[0].seed
        } to ${
          restarts.runs.at(-1)!.seed
        }) train at once, and the one with the lowest training loss, seed ${best.seed}, scores ${
          f5(best.validScore ?? NaN)
        } against Lloyd's ${f5(run.lloyd.validScore)}; the median restart scores ${
          f5(lowerMedian(sorted))
        }. This page's own run (seed ${run.seed}) ends at ${againstLloyd(run)}.`;
      },
    },
  ];
}

/** Each init's final validation NLL, in words. */
const finals = (run: MixtureLessonRun) =>
  run.runs.map((init) => `${init.name} ${f5(init.final.validNLL)}`).join(", ");

/** The mixture lessons (data2D). */
export function mixtureScenarios(): Scenario<MixtureLessonRun>[] {
  return [
    {
      id: "notebook",
      title: "The notebook's settings",
      params: {},
      why: (run) =>
        `These are the notebook's settings: k = ${run.k} round Gaussians fitted by Adam (learning rate ${run.lr}, ${run.epochs} epochs, seed ${run.seed}) from a random start and from the K-means centroids. Validation NLL: ${
          finals(run)
        }; EM's (best of ${EM.nInit} starts) ${f5(run.em.validNLL)}.`,
    },
    {
      id: "em-stops-early",
      title: "EM stops early (k = 2)",
      params: { k: 2 },
      why: (run) => {
        const best = Math.min(...run.runs.map((init) => init.final.validNLL));
        const stopped = run.em.iterations < EM.maxIter
          ? `stopped after ${run.em.iterations} iteration${
            run.em.iterations === 1 ? "" : "s"
          }: its rule ends a start once an iteration changes the mean log-likelihood by less than tol = ${EM.tol}`
          : `ran its ${EM.maxIter} iterations`;
        return `EM (scikit-learn's rule, best of ${EM.nInit} starts) ${stopped}, at validation NLL ${
          f5(run.em.validNLL)
        }. The gradient runs have no such rule and train all ${run.epochs} epochs: ${finals(run)}, ${
          f5(run.em.validNLL - best)
        } ${
          best < run.em.validNLL ? "below" : "above"
        } EM. EM's answer is a local optimum it stopped at, not a bug.`;
      },
    },
    {
      id: "random-loses-component",
      title: "Random init loses a component (k = 3)",
      params: { k: 3, init: "random" },
      why: (run) => {
        const init = run.runs[0];
        const owned = init.validCounts.map((count, j) => ({ count, j }));
        const { count, j } = owned.reduce((a, b) => (b.count < a.count ? b : a));
        const mean = toRows(init.final.means)[j];
        const lead = count / run.validRows < 0.01
          ? `From its random start (seed ${run.seed}), ${init.names[j]} drifted to ${
            point(mean)
          } and is the most likely component of only ${count.toLocaleString("en-US")} of the ${
            run.validRows.toLocaleString("en-US")
          } validation points (mixing weight ${init.final.weights[j].toFixed(4)}): the other ${
            run.k - 1
          } components share the data.`
          : `No component was lost in this run: the smallest, ${
            init.names[j]
          }, is the most likely component of ${percent(count / run.validRows)} of the validation points.`;
        return `${lead} ${capital(init.name)} ends at validation NLL ${
          f5(init.final.validNLL)
        } against EM's ${f5(run.em.validNLL)} (k = ${run.k}).`;
      },
    },
  ];
}

/** A scenario's link: `page` ("kmeans") with its parameters. */
export function scenarioHref(page: string, scenario: { params: Record<string, string | number> }): string {
  const query = new URLSearchParams(
    Object.entries(scenario.params).map(([name, value]) => [name, String(value)]),
  ).toString();
  return `./${page}${query ? `?${query}` : ""}`;
}

/**
 * The first scenario whose settings `settings` are (every input, and `start`: the start placed by
 * hand or ""), each setting a scenario's params leave out taken at its default.
 */
export function matchScenario<R>(
  scenarios: Scenario<R>[],
  settings: Record<string, unknown>,
  defaults: Record<string, string | number>,
): Scenario<R> | undefined {
  const same = (a: unknown, b: unknown) =>
    typeof b === "number"
      ? Math.abs(Number(a) - b) <= 1e-9 * Math.max(1, Math.abs(b))
      : String(a ?? "") === String(b);
  return scenarios.find((scenario) =>
    Object.keys({ ...defaults, ...scenario.params }).every((name) =>
      same(settings[name], scenario.params[name] ?? defaults[name])
    )
  );
}

/**
 * A page's lessons: the list of links, and a box that says the why of the scenario the settings
 * are (its `data-lesson` the scenario's id, `data-lesson-state` "training" or "done").
 */
export class Lessons<R> {
  readonly list: HTMLElement;
  readonly box = html`<div class="note lesson" role="note" hidden></div>` as HTMLDivElement;

  /** The default of every setting a scenario is told apart by, where its params do not name it. */
  readonly defaults: Record<string, string | number>;

  /**
   * The lessons of `page` ("kmeans"): scenarios are told apart by the inputs named in `trained`
   * (their defaults from `spec`) and by the start placed by hand (none by default).
   */
  constructor(
    readonly page: string,
    readonly scenarios: Scenario<R>[],
    { spec, trained }: { spec: Record<string, { value: string | number }>; trained: string[] },
  ) {
    this.defaults = { ...Object.fromEntries(trained.map((name) => [name, spec[name].value])), start: "" };
    // Folded on a phone, so that the first chart stays on the first screen; open elsewhere.
    const narrow = globalThis.matchMedia?.("(max-width: 640px)").matches ?? false;
    this.list = html`
      <details class="lessons-details" open=${!narrow}>
        <summary><strong>Lessons</strong> (${scenarios.length})</summary>
        <nav class="lessons" aria-label="Lessons">${scenarios.map((scenario, i) =>
          html`${i ? " · " : ""}<a href=${
            scenarioHref(page, scenario)
          } data-lesson=${scenario.id}>${scenario.title}</a>`
        )}</nav>
      </details>
    `;
  }

  /** Shows the matching scenario's why for the finished `run`, or that it waits for the run. */
  show(settings: Record<string, unknown>, run?: R): void {
    const scenario = matchScenario(this.scenarios, settings, this.defaults);
    this.box.hidden = !scenario;
    if (!scenario) {
      this.box.replaceChildren();
      delete this.box.dataset.lesson;
      return;
    }
    const why = run && scenario.why(run);
    this.box.dataset.lesson = scenario.id;
    this.box.dataset.lessonState = why ? "done" : "training";
    this.box.replaceChildren(
      html`<strong>Lesson: ${scenario.title}.</strong> ${
        why ?? "The why appears here when the run has ended."
      }`,
    );
  }
}
