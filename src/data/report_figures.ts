/**
 * Every figure the report states, computed from a dataset at build time: Lloyd and EM for
 * k = 1..5, gradient K-means over ten seeds, and the gradient mixture over five seeds from both
 * inits. The report page loader prints its prose from these numbers, so none is typed by hand.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { emGaussianMixture } from "../lib/mixture/em.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { matchCentroids } from "../lib/kmeans/match_centroids.js";
import type { Matrix } from "../lib/matrix.js";
import { columnMeans, fromRows, toRows } from "../lib/matrix.js";
import { lloydSteps } from "../lib/kmeans/lloyd_steps.js";
import {
  GRADIENT_KMEANS,
  GRADIENT_MIXTURE,
  LLOYD,
  NOTEBOOK_SPLIT,
  REPORT_SEEDS,
} from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";
import { median } from "./statistics.js";

/** The notebook's settings, which the report reproduces. */
export const REPORT_SETTINGS = {
  ks: REPORT_SEEDS.ks,
  /** The fused engine (float64; the autodiff engine's float32 runs agree to about 1e-5). */
  engine: "fused" as const,
  kmeans: {
    lr: GRADIENT_KMEANS.lr,
    epochs: GRADIENT_KMEANS.epochs,
    init: "uniform" as const,
    seeds: REPORT_SEEDS.kmeans,
    validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor,
  },
  gmm: {
    lr: GRADIENT_MIXTURE.lr,
    epochs: GRADIENT_MIXTURE.epochs,
    seeds: REPORT_SEEDS.mixture,
    validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor,
  },
  /** A gradient mixture "reaches EM" when its validation NLL is at most EM's plus this (nats per point). */
  reachTolerance: 1e-3,
  /**
   * A gradient run is "headed for Lloyd's optimum" when Lloyd's algorithm, continued from the run's
   * final centroids, ends within this fraction of Lloyd's own loss (continued to convergence too).
   * On data2D the runs that do end 1e-7 to 1e-5 from it (a few boundary points assigned otherwise);
   * the others end 3e-4 to 1e-2 above it.
   */
  sameOptimumTolerance: 1e-4,
  /** The tolerance EM is run on with, to show where scikit-learn's `tol` (1e-3) stopped it. */
  emOnwardTol: 1e-9,
  /** The k = 1 run is trained again for this many times the notebook's epochs, to show the gap closing. */
  longerTraining: 10,
};

/** Index of the run with the median value (the lower middle for an even count): the one drawn. */
function typicalIndex(values: number[]): number {
  return values.indexOf([...values].sort((a, b) => a - b)[(values.length - 1) >> 1]);
}

/**
 * The colour index of each centroid of `model` so that it matches `reference`'s centroid j (colour j)
 * one-to-one (lib/kmeans/match_centroids.ts): matched clusters share a colour across panels.
 */
function coloursMatching(reference: Matrix, model: Matrix): number[] {
  const colourOf = new Array<number>(model.rows);
  for (const { a, b } of matchCentroids(reference, model)) colourOf[b] = a;
  return colourOf;
}

/** Report curves every this many epochs for the drawn runs' gap curves (a point per 1% of training). */
const curvePoints = (epochs: number) => Math.max(1, Math.round(epochs / 100));

/**
 * Why k = 1 has a gap: its loss has one minimum, the mean of the training points (Lloyd's centroid),
 * and the drawn gradient run has not reached it after the notebook's epochs; trained
 * `longerTraining` times longer, it ends closer.
 */
async function oneClusterGap(train: Matrix, seed: number) {
  const mean = columnMeans(train);
  const { epochs, lr, init } = REPORT_SETTINGS.kmeans;
  const distanceAfter = async (runEpochs: number) => {
    const fit = await fitGradientKMeans(train, {
      k: 1,
      seed,
      lr,
      init,
      epochs: runEpochs,
      reportEvery: runEpochs,
    });
    const centroid = fit.centroids.data;
    return {
      epochs: runEpochs,
      centroid: Array.from(centroid),
      distance: Math.hypot(...Array.from(mean, (value, t) => centroid[t] - value)),
      /** Whether the run stopped on the origin's side of the mean in every coordinate (weight decay's pull). */
      towardOrigin: Array.from(mean).every((value, t) => Math.abs(centroid[t]) <= Math.abs(value)),
      /** Its training loss minus the mean's (the loss's minimum). */
      trainLossAbove: validationScore(train, fit.centroids) -
        validationScore(train, fromRows([Array.from(mean)])),
    };
  };
  return {
    seed,
    mean: Array.from(mean),
    notebook: await distanceAfter(epochs),
    longer: await distanceAfter(epochs * REPORT_SETTINGS.longerTraining),
  };
}

/** Computes the report's figures on the dataset at `path` (relative to the repository root). */
export async function computeReportFigures(path?: string) {
  tf.env().set("IS_NODE", false); // else tfjs, taking Deno for Node.js, advises tfjs-node on stderr
  await tf.setBackend("cpu");
  const { points, sha256 } = await loadDataset(path);
  const { kmeans: km, gmm } = REPORT_SETTINGS;

  const kmeansSplit = splitPoints(points, km.validDivisor);
  const kmeans = [];
  for (const k of REPORT_SETTINGS.ks) {
    const reference = lloyd(kmeansSplit.train, { ...LLOYD, k });
    const lloydScore = validationScore(kmeansSplit.valid, reference.centroids);
    const fits = [];
    for (const seed of km.seeds) {
      fits.push(
        await fitGradientKMeans(kmeansSplit.train, {
          engine: REPORT_SETTINGS.engine,
          k,
          seed,
          lr: km.lr,
          epochs: km.epochs,
          init: km.init,
          reportEvery: km.epochs,
        }),
      );
    }
    const scores = fits.map((fit) => validationScore(kmeansSplit.valid, fit.centroids));
    // Which optimum each run was heading for: Lloyd's algorithm continued from its final centroids.
    const lloydEnd = (start: Matrix) => lloydSteps(kmeansSplit.train, start).at(-1)!.loss;
    const lloydOptimum = lloydEnd(reference.centroids);
    const sameOptimum = fits.filter((fit) =>
      lloydEnd(fit.centroids) <= lloydOptimum * (1 + REPORT_SETTINGS.sameOptimumTolerance)
    ).length;
    const typical = typicalIndex(scores);
    // The drawn run again, reporting its training loss often enough to draw its curve.
    const curve = await fitGradientKMeans(kmeansSplit.train, {
      k,
      seed: km.seeds[typical],
      lr: km.lr,
      epochs: km.epochs,
      init: km.init,
      reportEvery: 1,
    });
    kmeans.push({
      k,
      lloydScore,
      lloydCentroids: toRows(reference.centroids),
      scores,
      median: median(scores),
      worst: Math.max(...scores),
      gapPercent: (100 * (median(scores) - lloydScore)) / lloydScore,
      lloydBetter: scores.filter((score) =>
        lloydScore < score
      ).length,
      /** Runs from which Lloyd's algorithm ends at Lloyd's own optimum (see `sameOptimumTolerance`). */
      sameOptimum,
      typicalSeed: km.seeds[typical],
      typicalScore: scores[typical],
      typicalCentroids: toRows(fits[typical].centroids),
      /** Colour index of each gradient centroid, matched to Lloyd's centroids (Lloyd's centroid j has colour j). */
      typicalColours: coloursMatching(reference.centroids, fits[typical].centroids),
      /** Lloyd's training loss (inertia / N), the reference of the gap curve. */
      lloydTrainLoss: reference.inertia / kmeansSplit.train.rows,
      typicalCurve: { epochs: curve.curveEpochs, loss: curve.lossCurve },
    });
  }

  const gmmSplit = splitPoints(points, gmm.validDivisor);
  const oneCluster = await oneClusterGap(kmeansSplit.train, kmeans.find((row) => row.k === 1)!.typicalSeed);
  const mixture = [];
  for (const k of REPORT_SETTINGS.ks) {
    const em = emGaussianMixture(gmmSplit.train, { k });
    const emNLL = gmmNLL(gmmSplit.valid, em);
    // EM again, run on until it stops moving: where its own stopping rule (tol) left it short.
    const emOnward = emGaussianMixture(gmmSplit.train, {
      k,
      tol: REPORT_SETTINGS.emOnwardTol,
      maxIter: 100_000,
    });
    const byInit = {} as Record<"random" | "kmeans", {
      nll: number[];
      median: number;
      reachesEM: number;
      typical: {
        seed: number;
        nll: number;
        means: number[][];
        sigmas: number[];
        weights: number[];
        colours: number[];
        curve: { epochs: number[]; nll: number[] };
      };
    }>;
    for (const init of ["random", "kmeans"] as const) {
      const fits = [];
      for (const seed of gmm.seeds) {
        fits.push(
          await fitGradientMixture(gmmSplit.train, {
            engine: REPORT_SETTINGS.engine,
            k,
            seed,
            init,
            lr: gmm.lr,
            epochs: gmm.epochs,
            reportEvery: gmm.epochs,
          }),
        );
      }
      const nll = fits.map((fit) => gmmNLL(gmmSplit.valid, fit));
      const typical = typicalIndex(nll);
      const curve = await fitGradientMixture(gmmSplit.train, {
        k,
        seed: gmm.seeds[typical],
        init,
        lr: gmm.lr,
        epochs: gmm.epochs,
        reportEvery: curvePoints(gmm.epochs),
      });
      byInit[init] = {
        nll,
        median: median(nll),
        reachesEM: nll.filter((value) => value <= emNLL + REPORT_SETTINGS.reachTolerance).length,
        typical: {
          seed: gmm.seeds[typical],
          nll: nll[typical],
          means: toRows(fits[typical].means),
          sigmas: Array.from(fits[typical].sigmas),
          weights: Array.from(fits[typical].weights),
          colours: coloursMatching(em.means, fits[typical].means),
          curve: { epochs: curve.curveEpochs, nll: curve.nllCurve },
        },
      };
    }
    mixture.push({
      k,
      em: {
        nll: emNLL,
        means: toRows(em.means),
        sigmas: Array.from(em.sigmas),
        weights: Array.from(em.weights),
        /** EM's training NLL, the reference of the gap curves. */
        trainNLL: gmmNLL(gmmSplit.train, em),
        /** EM's iterations before its tolerance stopped it (the kept restart). */
        iterations: em.iterations,
        /** Validation NLL of EM run on with `emOnwardTol`, and its iterations. */
        onward: { nll: gmmNLL(gmmSplit.valid, emOnward), iterations: emOnward.iterations },
      },
      ...byInit,
    });
  }
  return {
    dataset: { path: path ?? "src/data/data2D.npy", sha256, rows: points.rows, cols: points.cols },
    settings: REPORT_SETTINGS,
    kmeans,
    oneCluster,
    mixture,
  };
}

/** The report's figures, as the page loader embeds them in the page. */
export type ReportFigures = Awaited<ReturnType<typeof computeReportFigures>>;
