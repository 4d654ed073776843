/**
 * The live pages' training, off the main thread: a module Web Worker running lib/ unchanged with
 * TensorFlow.js (wasm where it works). The page sends the dataset once (`data`), then each job
 * only its options (`job`); the worker streams snapshots of the run (epoch, losses, parameters as
 * transferable typed arrays) and ends each job with one `end` message. `cancel` stops a job at its
 * next report (the worker yields to its event loop after each report so that the message is seen);
 * a job that cannot stop (Lloyd's and EM's references are synchronous) is ended by the page
 * terminating the worker. Jobs run one at a time, in the order they arrive.
 *
 * Protocol types are in `training_protocol.ts`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "./tf_backend.js";
// Each page needs one model's trainer (and EM only for uploaded data): loaded on a job's first use, so
// that a page downloads what it trains.
const kmeansModule = () => import("../../lib/kmeans/gradient_kmeans.js");
const mixtureModule = () => import("../../lib/mixture/gradient_mixture.js");
const emModule = () => import("../../lib/mixture/em.js");
const lloydStepsModule = () => import("../../lib/kmeans/lloyd_steps.js");
const emStepsModule = () => import("../../lib/mixture/em_steps.js");
import { assign, lloyd, validationScore } from "../../lib/kmeans/kmeans.js";
import { gmmNLL } from "../../lib/mixture/gaussian_mixture.js";
import type { Matrix } from "../../lib/matrix.js";
import { LLOYD } from "../../lib/notebook_settings.js";
import { sampleRows } from "../../lib/projection.js";
import { batchSizeFor, STEPS_SAMPLE } from "./large_data.js";
import { nextTask } from "./next_task.js";
import type { JobRequest, KMeansSnapshot, MixtureSnapshot, ToWorker } from "./protocol.js";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage: (message: unknown, transfer?: Transferable[]) => void;
};

let train: Matrix | undefined, valid: Matrix | undefined;
/** The training points the step-by-step replays use (a seeded sample of large sets), made on first use. */
let stepsTrain: Matrix | undefined;
let ready: Promise<unknown> = Promise.resolve();
let chain: Promise<void> = Promise.resolve();
const controllers = new Map<number, AbortController>();
const cancelled = new Set<number>();

class Cancelled extends Error {}

/**
 * A cancel is seen only between two reports, so a report interval is kept to about this many
 * milliseconds: from the epochs the same kind of job took before (per point and component), the
 * worker lowers a job's `reportEvery` (never raises it). The first job of a kind reports as asked.
 */
const REPORT_BUDGET_MS = 40;
const unitCost = new Map<string, number>();
const costKey = (kind: string, engine: unknown) => `${kind}:${engine}`;

function reportEvery(kind: string, o: Record<string, unknown>, k: number, requested: number): number {
  const unit = unitCost.get(costKey(kind, o.engine));
  if (!unit) return requested;
  const epochMs = unit * k * train!.rows * (kind === "restarts" ? Number(o.restarts ?? 1) : 1);
  return Math.max(1, Math.min(requested, Math.floor(REPORT_BUDGET_MS / epochMs)));
}

function learnCost(kind: string, o: Record<string, unknown>, k: number, epochs: number, ms: number) {
  if (epochs < 1 || !(ms > 0)) return;
  const units = epochs * k * train!.rows * (kind === "restarts" ? Number(o.restarts ?? 1) : 1);
  unitCost.set(costKey(kind, o.engine), ms / units);
}

function check(id: number) {
  if (cancelled.has(id)) throw new Cancelled();
}

function softmax(logits: Float64Array): Float64Array {
  const top = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = logits.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function counts(points: Matrix, centres: Matrix): Int32Array {
  const result = new Int32Array(centres.rows);
  for (const label of assign(points, centres).labels) result[label]++;
  return result;
}

function post(
  message: { type: string; id: number } & Record<string, unknown>,
  transfer: Transferable[] = [],
) {
  scope.postMessage(message, transfer);
}

type KMeansStep = {
  epoch: number;
  trainLoss: number;
  validScore?: number;
  centroids: Matrix;
  diverged: boolean;
};

/**
 * Snapshots waiting to be posted together: a run records every epoch (so that the page steps and
 * scrubs through its history without retraining) but posts them one message per report interval,
 * their arrays transferred.
 */
class Batch {
  snapshots: (KMeansSnapshot | MixtureSnapshot)[] = [];
  transfer: Transferable[] = [];
  constructor(readonly id: number) {}
  add(snapshot: KMeansSnapshot | MixtureSnapshot, transfer: Transferable[]) {
    this.snapshots.push(snapshot);
    this.transfer.push(...transfer);
  }
  flush() {
    if (!this.snapshots.length) return;
    post({ type: "snapshots", id: this.id, snapshots: this.snapshots }, this.transfer);
    this.snapshots = [];
    this.transfer = [];
  }
}

function kmeansSnapshot(
  batch: Batch,
  step: KMeansStep,
  { final = false, report = true }: { final?: boolean; report?: boolean } = {},
) {
  const snapshot: KMeansSnapshot = {
    epoch: step.epoch,
    trainLoss: step.trainLoss,
    validScore: step.validScore ?? NaN,
    diverged: step.diverged,
    centroids: step.centroids,
    counts: final ? counts(train!, step.centroids) : undefined,
    report,
  };
  const transfer: Transferable[] = [snapshot.centroids.data.buffer as ArrayBuffer];
  if (snapshot.counts) transfer.push(snapshot.counts.buffer);
  batch.add(snapshot, transfer);
}

function mixtureSnapshot(
  batch: Batch,
  step: {
    epoch: number;
    trainNLL: number;
    validNLL?: number;
    diverged: boolean;
    means: Matrix;
    sigmas: ArrayLike<number>;
    weights: ArrayLike<number>;
  },
  report = true,
) {
  const snapshot: MixtureSnapshot = {
    epoch: step.epoch,
    trainNLL: step.trainNLL,
    validNLL: step.validNLL ?? NaN,
    diverged: step.diverged,
    means: { rows: step.means.rows, cols: step.means.cols, data: Float64Array.from(step.means.data) },
    sigmas: Float64Array.from(step.sigmas),
    weights: Float64Array.from(step.weights),
    report,
  };
  batch.add(snapshot, [
    snapshot.means.data.buffer as ArrayBuffer,
    snapshot.sigmas.buffer as ArrayBuffer,
    snapshot.weights.buffer as ArrayBuffer,
  ]);
}

/**
 * Drains a training generator, yielding to the event loop after every report: after every step,
 * or after those `onStep` returns true for (a generator asked for every epoch, reported in batches).
 */
async function drain<T>(id: number, steps: AsyncGenerator<T>, onStep: (step: T) => boolean | void) {
  try {
    for await (const step of steps) {
      if (onStep(step) === false) continue;
      await nextTask();
      check(id);
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw new Cancelled();
    throw error;
  }
}

async function run(request: JobRequest): Promise<void> {
  const { id } = request;
  const controller = new AbortController();
  controllers.set(id, controller);
  const signal = controller.signal;
  const started = performance.now();
  let status = "done";
  try {
    await ready;
    check(id);
    if (!train || !valid) throw new Error("no dataset was sent to the training worker before a job.");
    // Past a size, every gradient run trains on mini-batches (large_data.ts).
    const o: JobRequest["options"] = { batchSize: batchSizeFor(train.rows), ...request.options };
    const { initialCentroids, trainGradientKMeans, trainGradientKMeansRestarts } =
      request.kind === "kmeans" || request.kind === "restarts" || request.kind === "kmeans-table"
        ? await kmeansModule()
        : {} as Awaited<ReturnType<typeof kmeansModule>>;
    const { initialMixture, trainGradientGMM } = request.kind === "gmm" || request.kind === "gmm-table"
      ? await mixtureModule()
      : {} as Awaited<ReturnType<typeof mixtureModule>>;
    if (request.kind === "kmeans") {
      const batch = new Batch(id);
      // The start (epoch 0), so that reset and scrubbing can show it; then every epoch, posted at
      // each report (a replay, `skipStart`, asks for its last epoch only).
      if (!o.skipStart) {
        // An explicit start (centres placed by hand) wins over init and seed, as in trainGradientKMeans.
        const start = o.initial ??
          initialCentroids(train, { k: o.k, seed: o.seed, init: o.init, uniformBox: o.uniformBox });
        kmeansSnapshot(batch, {
          epoch: 0,
          trainLoss: validationScore(train, start),
          validScore: validationScore(valid, start),
          centroids: start,
          diverged: false,
        });
        batch.flush();
      }
      const begun = performance.now();
      const every = reportEvery("kmeans", o, o.k, o.reportEvery);
      const steps = trainGradientKMeans(train, {
        k: o.k,
        ...o,
        reportEvery: o.skipStart ? every : 1,
        valid,
        signal,
      });
      // Each step is added once the next one came (the last is added with its counts).
      let last: KMeansStep | undefined;
      await drain(id, steps, (step) => {
        if (last) kmeansSnapshot(batch, last, { report: last.epoch % every === 0 });
        last = step;
        if (step.epoch % every !== 0) return false;
        batch.flush();
      });
      if (last) learnCost("kmeans", o, o.k, last.epoch, performance.now() - begun);
      if (last) {
        kmeansSnapshot(batch, last, { final: true });
        batch.flush();
        if (last.diverged) status = "diverged";
      }
    } else if (request.kind === "gmm") {
      const batch = new Batch(id);
      if (!o.skipStart) {
        const start = initialMixture(train, { k: o.k, seed: o.seed, init: o.init });
        const model = { means: start.means, sigmas: start.sigmas, weights: softmax(start.logits) };
        mixtureSnapshot(batch, {
          epoch: 0,
          trainNLL: gmmNLL(train, model),
          validNLL: gmmNLL(valid, model),
          diverged: false,
          ...model,
        });
        batch.flush();
        await nextTask();
        check(id);
      }
      let diverged = false, epochs = 0;
      const begun = performance.now();
      const every = reportEvery("gmm", o, o.k, o.reportEvery);
      // Every epoch recorded (a replay, `skipStart`, asks for its last epoch only), posted at each report.
      await drain(
        id,
        trainGradientGMM(train, { k: o.k, ...o, reportEvery: o.skipStart ? every : 1, valid, signal }),
        (step) => {
          const report = step.epoch % every === 0 || step.epoch === o.epochs || step.diverged;
          mixtureSnapshot(batch, step, report);
          diverged = step.diverged;
          epochs = step.epoch;
          if (!report) return false;
          batch.flush();
        },
      );
      batch.flush();
      learnCost("gmm", o, o.k, epochs, performance.now() - begun);
      if (diverged) status = "diverged";
    } else if (request.kind === "restarts") {
      let last: unknown;
      const begun = performance.now();
      const every = reportEvery("restarts", o, o.k, o.reportEvery);
      await drain(
        id,
        trainGradientKMeansRestarts(train, { k: o.k, ...o, reportEvery: every, valid, signal }),
        (step) => {
          last = step;
        },
      );
      learnCost("restarts", o, o.k, (last as { epoch: number }).epoch, performance.now() - begun);
      const { runs, best } = last as {
        runs: { seed: number; validScore?: number; diverged: boolean }[];
        best: number;
      };
      post({
        type: "result",
        id,
        result: {
          runs: runs.map(({ seed, validScore, diverged }) => ({ seed, validScore, diverged })),
          best,
        },
      });
    } else if (request.kind === "kmeans-table" || request.kind === "gmm-table") {
      for (const k of o.ks as number[]) {
        const begun = performance.now();
        let score = NaN, diverged = false;
        const kind = request.kind === "kmeans-table" ? "kmeans" : "gmm";
        const every = reportEvery(kind, o, k, Math.max(1, Math.ceil(o.epochs / 10)));
        if (request.kind === "kmeans-table") {
          await drain(
            id,
            trainGradientKMeans(train, { ...o, k, valid, signal, reportEvery: every }),
            (step) => {
              score = step.validScore ?? NaN;
              diverged = step.diverged;
            },
          );
        } else {
          await drain(id, trainGradientGMM(train, { ...o, k, valid, signal, reportEvery: every }), (step) => {
            score = step.validNLL ?? NaN;
            diverged = step.diverged;
          });
        }
        post({ type: "result", id, result: { k, score, diverged, ms: performance.now() - begun } });
      }
    } else if (request.kind === "lloyd") {
      const result = lloyd(train, { k: o.k, ...LLOYD });
      post({
        type: "result",
        id,
        result: {
          centres: result.centres,
          validScore: validationScore(valid, result.centres),
          trainLoss: validationScore(train, result.centres),
        },
      });
    } else if (request.kind === "em") {
      const model = (await emModule()).emGaussianMixture(train, { k: o.k });
      post({
        type: "result",
        id,
        result: {
          means: model.means,
          sigmas: model.sigmas,
          weights: model.weights,
          iterations: model.iterations,
          validNLL: gmmNLL(valid, model),
          trainNLL: gmmNLL(train, model),
        },
      });
    } else if (request.kind === "lloyd-steps") {
      stepsTrain ??= sampleRows(train, { max: STEPS_SAMPLE });
      const steps = (await lloydStepsModule()).lloydSteps(stepsTrain, o.start, {
        maxIterations: o.maxIterations,
      });
      post({ type: "result", id, result: steps.map(({ labels: _, ...step }) => step) });
    } else if (request.kind === "em-steps") {
      stepsTrain ??= sampleRows(train, { max: STEPS_SAMPLE });
      const { emStart, emSteps } = await emStepsModule();
      const steps = emSteps(stepsTrain, emStart(stepsTrain, { k: o.k, seed: o.seed }), {
        maxIterations: o.maxIterations,
      });
      post({ type: "result", id, result: steps.map(({ responsibilities: _, ...step }) => step) });
    }
  } catch (error) {
    if (error instanceof Cancelled) status = "cancelled";
    else {
      status = "error";
      post({ type: "end", id, status, error: error instanceof Error ? error.message : String(error) });
      return;
    }
  } finally {
    controllers.delete(id);
    cancelled.delete(id);
  }
  post({ type: "end", id, status, ms: performance.now() - started });
}

scope.onmessage = ({ data: message }) => {
  if (message.type === "init") {
    ready = selectBackend(message.backends).then((backend) => post({ type: "ready", id: -1, backend }));
  } else if (message.type === "data") {
    train = message.train;
    valid = message.valid;
    stepsTrain = undefined;
  } else if (message.type === "job") {
    chain = chain.then(() => run(message.request));
  } else if (message.type === "cancel") {
    for (const id of message.ids) {
      cancelled.add(id);
      controllers.get(id)?.abort();
    }
  } else if (message.type === "memory") {
    // Queued behind nothing: answers at once, between two reports of a running job.
    post({ type: "memory", id: message.id, numTensors: tf.memory().numTensors });
  }
};
