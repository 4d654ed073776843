/**
 * The in-browser half of `npm run bench` (bench/browser.ts drives it in headless Chromium; the
 * bench page runs it on a click): the project's own training functions, exactly as the pages call
 * them, timed on the notebook's two configurations for one TensorFlow.js backend. Each is run
 * once to warm up (JIT, kernel set-up), then `runs` times with seeds 0, 1, ...; the median time
 * and the validation scores of the timed runs are reported, the scores being the fidelity check.
 * {@link trainingChunks} measures the other side: how long training holds the main thread
 * between two reports when it reports as often as the live pages ask it to.
 */
import { median } from "d3-array";
import { type Engine, ENGINES } from "../../lib/gradient/engine.js";
import { fitGradientMixture, trainGradientMixture } from "../../lib/mixture/gradient_mixture.js";
import { fitGradientKMeans, trainGradientKMeans } from "../../lib/kmeans/gradient_kmeans.js";
import type { Matrix } from "../../lib/matrix.js";
import { GRADIENT_KMEANS, GRADIENT_MIXTURE } from "../../lib/notebook_settings.js";
import { type BackendInfo, type BackendName, selectBackend } from "./tf_backend.js";

/** The training and validation points of one split. */
interface SplitPoints {
  train: Matrix;
  valid: Matrix;
}

/** The number of clusters the benchmark trains (the notebook's k). */
export const BENCHMARK_K = 5;

/** Timings and scores of one configuration. */
export interface TrainingTimes {
  /** Milliseconds of each timed run, in order. */
  times: number[];
  /** Median of `times`. */
  medianMs: number;
  /** Validation score (K-means: mean squared distance; mixture: mean NLL) of each timed run. */
  scores: number[];
  /** Median of `scores`. */
  medianScore: number;
  /** Milliseconds of the warm-up run. */
  warmUpMs: number;
}

/** Timings of one engine. */
interface EngineTimes {
  kmeans?: TrainingTimes;
  gmm?: TrainingTimes;
}

/**
 * What {@link benchmarkBackend} measured on one backend, per engine (the fused engine runs no
 * tensor op, so its figures do not depend on the backend; `kmeans` and `gmm` repeat them).
 */
interface BackendBenchmark extends EngineTimes {
  backend: BackendInfo;
  engines: Partial<Record<Engine, EngineTimes>>;
}

/** Options of {@link benchmarkBackend}; the defaults are the notebook's configurations. */
interface BenchmarkOptions {
  /** Timed runs per configuration, after one warm-up. */
  runs?: number;
  /** Components / centroids. */
  k?: number;
  /** K-means epochs (the notebook's 150). */
  kmeansEpochs?: number;
  /** Mixture epochs (the notebook's 1000). */
  gmmEpochs?: number;
  /** Which configurations to run. */
  only?: ("kmeans" | "gmm")[];
  /** Which engines to time (default both). */
  engines?: readonly Engine[];
}

async function timeRuns(runs: number, train: (seed: number) => Promise<number>): Promise<TrainingTimes> {
  let start = performance.now();
  await train(0);
  const warmUpMs = performance.now() - start;
  const times: number[] = [], scores: number[] = [];
  for (let seed = 0; seed < runs; seed++) {
    start = performance.now();
    scores.push(await train(seed));
    times.push(performance.now() - start);
  }
  return { times, medianMs: median(times)!, scores, medianScore: median(scores)!, warmUpMs };
}

/**
 * Makes `backend` the active backend (throws if it does not initialise here) and times gradient
 * K-means (k = 5, 150 epochs, uniform init, the K-means split) and the gradient mixture (k = 5,
 * 1000 epochs, random init, the mixture split), each reporting only at its last epoch, as the
 * notebook evaluates only after training.
 */
export async function benchmarkBackend(
  backend: BackendName,
  { kmeans, gmm }: { kmeans: SplitPoints; gmm: SplitPoints },
  {
    runs = 5,
    k = BENCHMARK_K,
    kmeansEpochs = GRADIENT_KMEANS.epochs,
    gmmEpochs = GRADIENT_MIXTURE.epochs,
    only = ["kmeans", "gmm"],
    engines = ENGINES,
  }: BenchmarkOptions = {},
): Promise<BackendBenchmark> {
  const info = await selectBackend([backend]);
  const result: BackendBenchmark = { backend: info, engines: {} };
  for (const engine of engines) {
    const times: EngineTimes = result.engines[engine] = {};
    if (only.includes("kmeans")) {
      const options = { engine, k, epochs: kmeansEpochs, valid: kmeans.valid, reportEvery: kmeansEpochs };
      times.kmeans = await timeRuns(runs, async (seed) => {
        return (await fitGradientKMeans(kmeans.train, { ...options, seed })).validScore!;
      });
    }
    if (only.includes("gmm")) {
      const options = { engine, k, epochs: gmmEpochs, valid: gmm.valid, reportEvery: gmmEpochs };
      times.gmm = await timeRuns(runs, async (seed) => {
        return (await fitGradientMixture(gmm.train, { ...options, seed, init: "random" })).validNLL!;
      });
    }
  }
  return { ...result, ...result.engines.fused };
}

/** How long each step of a live training holds the main thread. */
export interface ChunkTimes {
  /** Epochs between two reports (the pages' choice for the notebook's epochs). */
  reportEvery: number;
  /** Reports, that is chunks of training between two yields to the event loop. */
  chunks: number;
  /** Milliseconds of the longest chunk: the training's own contribution to a long task. */
  longestMs: number;
  /** Median chunk, in milliseconds. */
  medianMs: number;
}

/**
 * Runs gradient K-means (150 epochs) and the mixture (1000 epochs) on the backend a page picks
 * ({@link selectBackend}), the way the live pages do, reporting every 5 and every 25 epochs (their `reportEvery` for those epochs),
 * yielding to the event loop after each report as a page redraws, with the pages' engine (autodiff), and times each chunk: the time
 * from asking the generator for its next report to getting it, all of it on the main thread.
 */
export async function trainingChunks(
  { kmeans, gmm }: { kmeans: SplitPoints; gmm: SplitPoints },
  { k = BENCHMARK_K, kmeansReportEvery = 5, gmmReportEvery = 25, engine = "autodiff" as Engine } = {},
): Promise<{ backend: BackendInfo; kmeans: ChunkTimes; gmm: ChunkTimes }> {
  const backend = await selectBackend(); // what a page picks
  const measure = async (reportEvery: number, steps: AsyncGenerator<unknown>): Promise<ChunkTimes> => {
    const chunks: number[] = [];
    for (;;) {
      const start = performance.now();
      const { done } = await steps.next();
      if (done) break;
      chunks.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 0)); // the page's redraw goes here
    }
    return { reportEvery, chunks: chunks.length, longestMs: Math.max(...chunks), medianMs: median(chunks)! };
  };
  return {
    backend,
    kmeans: await measure(
      kmeansReportEvery,
      trainGradientKMeans(kmeans.train, { engine, k, valid: kmeans.valid, reportEvery: kmeansReportEvery }),
    ),
    gmm: await measure(
      gmmReportEvery,
      trainGradientMixture(gmm.train, { engine, k, valid: gmm.valid, reportEvery: gmmReportEvery }),
    ),
  };
}
