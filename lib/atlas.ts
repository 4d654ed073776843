/**
 * The local-optima atlas: each seed's final validation loss for every way of training a model, so
 * that how often a single start ends in a poor optimum can be counted. For K-means: gradient
 * K-means (AdamW, the notebook's settings, uniform init) and single-start Lloyd (`nInit` 1); for
 * the mixture: the gradient mixture (Adam) from its random and its K-means init, and single-start
 * EM. The best known value is the lowest of every run and of the multi-start reference (Lloyd's or
 * EM's best of 10, the pages' reference); a run "reaches" it when its loss is within
 * {@link ATLAS_TOLERANCE} of it. Every run comes from the project's trainers, unchanged.
 *
 * @example
 * ```ts
 * import { makeBlobs } from "./random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * const atlas = await localOptimaAtlas(train, valid, { model: "kmeans", k: 3, seeds: [0, 1, 2] });
 * console.assert(atlas.summary.methods.length === 2);
 * ```
 *
 * @module
 */
import { DataError } from "./errors.js";
import { DEFAULT_ENGINE, type Engine } from "./gradient/engine.js";
import { trainGradientKMeans, type UniformBox } from "./kmeans/gradient_kmeans.js";
import { assign, lloyd, validationScore } from "./kmeans/kmeans.js";
import { emGaussianMixture } from "./mixture/em.js";
import { gmmNLL, gmmPredict, type SphericalGaussianMixture } from "./mixture/gaussian_mixture.js";
import { trainGradientMixture } from "./mixture/gradient_mixture.js";
import type { Matrix } from "./matrix.js";
import { EM, GRADIENT_KMEANS, GRADIENT_MIXTURE, LLOYD } from "./notebook_settings.js";

/** The methods of each model's atlas, in the order they are shown. */
export const ATLAS_METHODS = {
  kmeans: ["gradient", "lloyd"],
  mixture: ["gradient-random", "gradient-kmeans", "em"],
} as const;

/** The model an atlas is drawn for. */
export type AtlasModel = keyof typeof ATLAS_METHODS;
/** One way of training one seed. */
export type AtlasMethod = (typeof ATLAS_METHODS)[AtlasModel][number];
/** The multi-start reference of each model (one run, not one per seed). */
export const ATLAS_REFERENCE = { kmeans: "lloyd-best", mixture: "em-best" } as const;
/** A multi-start reference, trained as one more method of the atlas. */
export type AtlasReference = (typeof ATLAS_REFERENCE)[AtlasModel];

/** What each method and reference is called in text. */
export const ATLAS_NAMES: Record<AtlasMethod | AtlasReference, string> = {
  gradient: "gradient K-means (AdamW)",
  lloyd: "Lloyd, n_init = 1",
  "gradient-random": "gradient mixture, random init",
  "gradient-kmeans": "gradient mixture, K-means init",
  em: "EM, n_init = 1",
  "lloyd-best": `Lloyd's best of ${LLOYD.nInit}`,
  "em-best": `EM's best of ${EM.nInit}`,
};

/** Seeds per method by default, and the most the pages accept. */
export const ATLAS_SEEDS = { default: 100, max: 500 } as const;

/**
 * How close to the best known value a run must end to be said to reach it. K-means: within 0.5 % of
 * the best validation score (relative), above the about 0.1 % that 150 AdamW epochs with weight
 * decay stop short of Lloyd's fixed point on data2D, below the 1.5 % gap to Lloyd's nearest other
 * optimum there. The mixture: within 0.005 nats of the best validation NLL (absolute, as a
 * log-density's value shifts with the data's scale), a factor e^0.005, again 0.5 %, in the mean
 * point's likelihood.
 */
export const ATLAS_TOLERANCE = {
  kmeans: { relative: 0.005, absolute: 0 },
  mixture: { relative: 0, absolute: 0.005 },
} as const;

/**
 * A centroid or component is "lost" when it is the nearest centroid (or the most likely component)
 * of fewer than this share of the validation points: the pages' "random init loses a component".
 */
export const LOST_SHARE = 0.01;

/** One seed's end: its final validation loss and how many of its k centroids or components were lost. */
export interface AtlasRun {
  seed: number;
  /** Final validation score (K-means) or NLL (mixture), in float64. */
  loss: number;
  /** Centroids or components that own fewer than {@link LOST_SHARE} of the validation points. */
  lost: number;
}

/** A report of {@link trainAtlas}: a run's end, or (`run` absent) a sign that training goes on. */
export interface AtlasStep {
  seed: number;
  run?: AtlasRun;
}

/** Options of {@link trainAtlas}. */
export interface AtlasOptions {
  /** The method, or the model's multi-start reference (one run, whatever `seeds` says). */
  method: AtlasMethod | AtlasReference;
  k: number;
  /** The seeds to train (ignored by the references, which use the pages' seed 0). */
  seeds: readonly number[];
  /** Which engine trains the gradient methods (default `"fused"`). */
  engine?: Engine;
  /** Where gradient K-means' uniform start draws (default `"unit"`, the notebook's). */
  uniformBox?: UniformBox;
  /** Gradient runs report (and the generator yields) every this many epochs (default: at their end). */
  reportEvery?: number;
  /** Mini-batches of this many points for the gradient methods (default: full batch, the notebook's). */
  batchSize?: number;
  signal?: AbortSignal;
}

function lostCount(labels: Int32Array, k: number): number {
  const counts = new Int32Array(k);
  for (const label of labels) counts[label]++;
  return counts.filter((count) => count < LOST_SHARE * labels.length).length;
}

function kmeansRun(seed: number, valid: Matrix, centroids: Matrix): AtlasRun {
  return {
    seed,
    loss: validationScore(valid, centroids),
    lost: lostCount(assign(valid, centroids).labels, centroids.rows),
  };
}

function mixtureRun(seed: number, valid: Matrix, model: SphericalGaussianMixture): AtlasRun {
  return {
    seed,
    loss: gmmNLL(valid, model),
    lost: lostCount(gmmPredict(valid, model), model.weights.length),
  };
}

/**
 * Trains `method` from each seed in turn on `train` and yields each seed's {@link AtlasRun},
 * scored on `valid`; gradient runs also yield (without a run) at each of their reports, so that a
 * caller can yield to its event loop. Lloyd and EM run synchronously, one seed per step.
 */
export async function* trainAtlas(
  train: Matrix,
  valid: Matrix,
  { method, k, seeds, engine = DEFAULT_ENGINE, uniformBox, reportEvery, batchSize, signal }: AtlasOptions,
): AsyncGenerator<AtlasStep, void, undefined> {
  if (method === "lloyd-best") {
    yield { seed: LLOYD.seed, run: kmeansRun(LLOYD.seed, valid, lloyd(train, { k, ...LLOYD }).centroids) };
    return;
  }
  if (method === "em-best") {
    yield { seed: EM.seed, run: mixtureRun(EM.seed, valid, emGaussianMixture(train, { k })) };
    return;
  }
  // The options both gradient trainers take.
  const gradient = (seed: number) => ({ k, seed, engine, batchSize, signal });
  for (const seed of seeds) {
    signal?.throwIfAborted();
    if (method === "lloyd") {
      yield { seed, run: kmeansRun(seed, valid, lloyd(train, { k, seed, nInit: 1 }).centroids) };
    } else if (method === "em") {
      yield { seed, run: mixtureRun(seed, valid, emGaussianMixture(train, { k, seed, nInit: 1 })) };
    } else if (method === "gradient") {
      const every = reportEvery ?? GRADIENT_KMEANS.epochs;
      const steps = trainGradientKMeans(train, { ...gradient(seed), uniformBox, reportEvery: every });
      yield* gradientRun(seed, steps, (last) => kmeansRun(seed, valid, last.centroids));
    } else {
      const init = method === "gradient-random" ? "random" : "kmeans";
      const every = reportEvery ?? GRADIENT_MIXTURE.epochs;
      const steps = trainGradientMixture(train, { ...gradient(seed), init, reportEvery: every });
      yield* gradientRun(seed, steps, (last) => mixtureRun(seed, valid, last));
    }
  }
}

/** Yields `{ seed }` at each report of a gradient run, then the run its last report scores as. */
async function* gradientRun<T>(
  seed: number,
  steps: AsyncIterable<T>,
  score: (last: T) => AtlasRun,
): AsyncGenerator<AtlasStep, void, undefined> {
  let last: T | undefined;
  for await (const step of steps) {
    last = step;
    yield { seed };
  }
  yield { seed, run: score(last!) };
}

/** Every run of {@link trainAtlas}, to the end. */
export async function atlasRuns(train: Matrix, valid: Matrix, options: AtlasOptions): Promise<AtlasRun[]> {
  const runs: AtlasRun[] = [];
  for await (const step of trainAtlas(train, valid, options)) if (step.run) runs.push(step.run);
  return runs;
}

/** One method's row of {@link AtlasSummary}. */
export interface AtlasMethodSummary {
  method: AtlasMethod;
  runs: number;
  /** Runs within the tolerance of the best known value. */
  reached: number;
  /** Runs that lost a centroid or component. */
  lostRuns: number;
  /** Lowest and highest final validation loss. */
  min: number;
  max: number;
}

/** What an atlas found: the best known value, the threshold for reaching it, and each method's row. */
export interface AtlasSummary {
  model: AtlasModel;
  /** The lowest loss of every run and of the reference. */
  best: number;
  /** The reference's loss (Lloyd's or EM's best of 10). */
  reference: number;
  /** A run reaches the best known value when its loss is at most this. */
  threshold: number;
  methods: AtlasMethodSummary[];
}

/**
 * Summarises the runs of `model`'s methods (any of them may be missing or partial) against the
 * reference: the best known value, the threshold of {@link ATLAS_TOLERANCE}, each method's counts.
 */
export function summarizeAtlas(
  model: AtlasModel,
  runs: Partial<Record<AtlasMethod, readonly AtlasRun[]>>,
  reference: AtlasRun,
): AtlasSummary {
  const methods: AtlasMethod[] = ATLAS_METHODS[model].filter((method) => runs[method]?.length);
  let best = reference.loss;
  for (const method of methods) for (const run of runs[method]!) best = Math.min(best, run.loss);
  const { relative, absolute } = ATLAS_TOLERANCE[model];
  const threshold = best + relative * Math.abs(best) + absolute;
  return {
    model,
    best,
    reference: reference.loss,
    threshold,
    methods: methods.map((method) => {
      const losses = runs[method]!.map((run) => run.loss);
      return {
        method,
        runs: losses.length,
        reached: losses.filter((loss) => loss <= threshold).length,
        lostRuns: runs[method]!.filter((run) => run.lost > 0).length,
        min: Math.min(...losses),
        max: Math.max(...losses),
      };
    }),
  };
}

/** The seeds 0..count-1, `count` checked against {@link ATLAS_SEEDS}. */
export function atlasSeeds(count: number = ATLAS_SEEDS.default): number[] {
  if (!Number.isInteger(count) || count < 1 || count > ATLAS_SEEDS.max) {
    throw new DataError(`${count} seeds: choose a whole number from 1 to ${ATLAS_SEEDS.max}.`);
  }
  return Array.from({ length: count }, (_, seed) => seed);
}

/** An atlas: every method's runs, the reference run, and the summary. */
export interface Atlas {
  runs: Record<AtlasMethod, AtlasRun[]>;
  reference: AtlasRun;
  summary: AtlasSummary;
}

/**
 * The local-optima atlas of `model` for k on the model's own split (`train`, `valid`): every method
 * from each of `seeds` (0..99 by default), the reference, and their summary.
 */
export async function localOptimaAtlas(
  train: Matrix,
  valid: Matrix,
  { model, k, seeds = atlasSeeds(), engine, uniformBox }: {
    model: AtlasModel;
    k: number;
    seeds?: readonly number[];
    engine?: Engine;
    uniformBox?: UniformBox;
  },
): Promise<Atlas> {
  const runs = {} as Record<AtlasMethod, AtlasRun[]>;
  for (const method of ATLAS_METHODS[model]) {
    runs[method] = await atlasRuns(train, valid, { method, k, seeds, engine, uniformBox });
  }
  const [reference] = await atlasRuns(train, valid, { method: ATLAS_REFERENCE[model], k, seeds });
  return { runs, reference, summary: summarizeAtlas(model, runs, reference) };
}
