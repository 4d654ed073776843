/**
 * The live pages' training, off the main thread: a module Web Worker running lib/ unchanged with
 * TensorFlow.js (wasm where it works). The page sends the dataset once (`data`), then each job
 * only its options (`job`); the worker streams snapshots of the run (epoch, losses, parameters as
 * transferable typed arrays) and ends each job with one `end` message. `cancel` stops a job at its
 * next report (the worker yields to its event loop after each report so that the message is seen);
 * a job that cannot stop (Lloyd's and EM's references are synchronous) is ended by the page
 * terminating the worker. Jobs run one at a time, in the order they arrive.
 *
 * Each job kind has one handler in {@link handlers}, typed by `protocol.ts`'s `JobTypes`: its
 * options in, its snapshots and results out through its {@link JobContext}. Whatever is transferred
 * is a copy made for the message: nothing the worker reads again is ever detached. Each page needs
 * one model's trainer (and EM only for uploaded data): a handler imports its lib module on first
 * use, so that a page downloads what it trains.
 */
import { selectBackend } from "./tf_backend.js";
import { assign, lloyd, validationScore } from "../../lib/kmeans/kmeans.js";
import { gmmNLL } from "../../lib/mixture/gaussian_mixture.js";
import type { GradientKMeansStep } from "../../lib/kmeans/gradient_kmeans.js";
import type { GradientMixtureStep } from "../../lib/mixture/gradient_mixture.js";
import type { Matrix } from "../../lib/matrix.js";
import { LLOYD } from "../../lib/notebook_settings.js";
import { sampleRows } from "../../lib/projection.js";
import { batchSizeFor, STEPS_SAMPLE } from "./large_data.js";
import { nextTask } from "./next_task.js";
import type {
  FromWorker,
  JobKind,
  JobOptions,
  JobRequest,
  JobResult,
  JobSnapshot,
  JobStatus,
  ToWorker,
} from "./protocol.js";

/** Posts to the page (the worker's `postMessage`, its options form: the same under the DOM's types). */
function post(message: FromWorker, transfer: Transferable[] = []) {
  globalThis.postMessage(message, { transfer });
}

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
 * worker lowers a job's `reportEvery` (never raises it). Until that cost is known, a job reports
 * after every epoch: the epochs up to the requested report could outlast the pool's watchdog
 * (`aliveMs`) on a slow or busy machine, and the worker be taken for dead.
 */
const REPORT_BUDGET_MS = 40;
/** A job that posted nothing for this long says it is alive (the pool's watchdog waits far longer). */
const ALIVE_MS = 2000;
const unitCost = new Map<string, number>();

/** What a handler gets besides its options: the data, and the job's way out. */
class JobContext<K extends JobKind> {
  /** What every gradient run of the job is given besides its settings (the mini-batch size: large_data.ts). */
  readonly common: { valid: Matrix; signal: AbortSignal; batchSize: number | undefined };
  status: JobStatus = "done";
  #snapshots: JobSnapshot<K>[] = [];
  #transfer: Transferable[] = [];
  #posted = performance.now();

  constructor(
    readonly id: number,
    readonly kind: K,
    readonly train: Matrix,
    valid: Matrix,
    signal: AbortSignal,
  ) {
    this.common = { valid, signal, batchSize: batchSizeFor(train.rows) };
  }

  get valid(): Matrix {
    return this.common.valid;
  }

  /**
   * Adds `snapshot` to the next message, transferring the buffers of `copies`: arrays made for this
   * snapshot only (they are detached once posted), so that the run's own are never detached.
   */
  snapshot(
    snapshot: JobSnapshot<K>,
    copies: (Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | undefined)[],
  ) {
    this.#snapshots.push(snapshot);
    for (const copy of copies) if (copy) this.#transfer.push(copy.buffer);
  }

  /** Posts the snapshots added since the last flush, in one message. */
  flush(): void {
    if (!this.#snapshots.length) return;
    const snapshots = this.#snapshots, transfer = this.#transfer;
    this.#snapshots = [];
    this.#transfer = [];
    this.#posted = performance.now();
    post({ type: "snapshots", id: this.id, kind: this.kind, snapshots }, transfer);
  }

  /** Posts a result (copied by the structured clone: nothing is transferred). */
  result(result: JobResult<K>): void {
    this.#posted = performance.now();
    post({ type: "result", id: this.id, kind: this.kind, result });
  }

  /**
   * Drains a training generator, yielding to the event loop after every report: after every step,
   * or after those `onStep` does not return false for (a generator asked for every epoch, reported
   * in batches). Throws {@link Cancelled} once the job is cancelled.
   */
  async drain<T>(steps: AsyncGenerator<T>, onStep: (step: T) => boolean | void): Promise<void> {
    try {
      for await (const step of steps) {
        if (onStep(step) === false) continue;
        await this.pause();
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw new Cancelled();
      throw error;
    }
  }

  /** Yields to the event loop (a cancel can arrive), throws if cancelled, says the job is alive if quiet. */
  async pause(): Promise<void> {
    await nextTask();
    if (cancelled.has(this.id)) throw new Cancelled();
    if (performance.now() - this.#posted > ALIVE_MS) {
      this.#posted = performance.now();
      post({ type: "alive", id: this.id });
    }
  }

  /**
   * Trains `steps(every)`, drained as {@link drain} does (`onStep` also told `every` and
   * `reportEvery`): `reportEvery` is `requested` lowered so that a report comes about every
   * {@link REPORT_BUDGET_MS}, from what the same `cost` key took before per unit of `work`
   * (components x points x runs) and epoch; `every` is the same, or 1 while that cost is unknown
   * (then `reportEvery` is `requested`). What the `epochs(last)` epochs took is then learned for
   * the next. Returns the last step.
   */
  async run<T>(
    steps: (every: number) => AsyncGenerator<T>,
    { cost, work, requested, epochs, onStep = () => {} }: {
      cost: string;
      work: number;
      requested: number;
      epochs: (last: T) => number;
      onStep?: (step: T, every: number, reportEvery: number) => boolean | void;
    },
  ): Promise<T | undefined> {
    const begun = performance.now(), unit = unitCost.get(cost);
    const reportEvery = unit
      ? Math.max(1, Math.min(requested, Math.floor(REPORT_BUDGET_MS / (unit * work))))
      : requested;
    const every = unit ? reportEvery : 1;
    let last: T | undefined;
    await this.drain(steps(every), (step) => onStep(last = step, every, reportEvery));
    const trained = last === undefined ? 0 : epochs(last), ms = performance.now() - begun;
    if (trained >= 1 && ms > 0) unitCost.set(cost, ms / (trained * work));
    return last;
  }

  /** The training points of the step-by-step replays (see {@link stepsTrain}). */
  get stepsTrain(): Matrix {
    return stepsTrain ??= sampleRows(this.train, { max: STEPS_SAMPLE });
  }
}

function softmax(logits: Float64Array): Float64Array {
  const top = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = logits.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function counts(points: Matrix, centroids: Matrix): Int32Array<ArrayBuffer> {
  const result = new Int32Array(centroids.rows);
  for (const label of assign(points, centroids).labels) result[label]++;
  return result;
}

/** A copy of `matrix` with a buffer of its own (to be transferred). */
function copy({ rows, cols, data }: Matrix): Matrix & { data: Float64Array<ArrayBuffer> } {
  return { rows, cols, data: Float64Array.from(data) };
}

/**
 * Streams a gradient run the reader watches: its start, then every epoch (`steps` is asked for a
 * report every `reportEvery` epochs), posted at each report; a replay (`skipStart`) gives its last
 * epoch only. `add` adds a step's snapshot, said to be a report or the run's last (`final`).
 */
async function watch<K extends "kmeans" | "mixture", Step extends { epoch: number; diverged: boolean }>(
  job: JobContext<K>,
  o: JobOptions<K>,
  { start, steps, add }: {
    start: () => Step;
    steps: (reportEvery: number) => AsyncGenerator<Step>;
    add: (step: Step, report: boolean, final: boolean) => void;
  },
) {
  if (!o.skipStart) {
    // The start (epoch 0), so that reset and scrubbing can show it.
    add(start(), true, false);
    job.flush();
    await job.pause();
  }
  const last = await job.run((every) => steps(o.skipStart ? every : 1), {
    cost: `${job.kind}:${o.engine}`,
    work: o.k * job.train.rows,
    requested: o.reportEvery,
    epochs: (last) => last.epoch,
    // Snapshots are posted at reports; the worker yields to its event loop at those and every `every` epochs.
    onStep: (step, every, reportEvery) => {
      const final = step.diverged || step.epoch === o.epochs;
      const report = final || step.epoch % reportEvery === 0;
      add(step, report, final);
      if (report) job.flush();
      else if (step.epoch % every !== 0) return false;
    },
  });
  if (last?.diverged) job.status = "diverged";
}

/** Runs one gradient training per k of `ks` and posts each k's final `score` (`cost`: as its watched run's). */
async function table<
  K extends "kmeans-table" | "mixture-table",
  Step extends { epoch: number; diverged: boolean },
>(
  job: JobContext<K>,
  { ks, epochs, engine }: JobOptions<K>,
  cost: string,
  run: (k: number, reportEvery: number) => AsyncGenerator<Step>,
  score: (step: Step) => number | undefined,
) {
  for (const k of ks) {
    const begun = performance.now();
    const last = await job.run((every) => run(k, every), {
      cost: `${cost}:${engine}`,
      work: k * job.train.rows,
      requested: Math.max(1, Math.ceil(epochs / 10)),
      epochs: (last) => last.epoch,
    });
    const ms = performance.now() - begun;
    job.result({ k, score: (last && score(last)) ?? NaN, diverged: last?.diverged ?? false, ms });
  }
}

type Handlers = { [K in JobKind]: (options: JobOptions<K>, job: JobContext<K>) => Promise<void> };

/** One handler per job kind. */
const handlers: Handlers = {
  async kmeans(o, job) {
    const { initialCentroids, trainGradientKMeans } = await import("../../lib/kmeans/gradient_kmeans.js");
    const { train, valid } = job;
    const options = { ...o, ...job.common };
    await watch(job, o, {
      // An explicit start (centroids placed by hand) wins over init and seed, as in trainGradientKMeans.
      start: (): GradientKMeansStep => {
        const centroids = o.initial ?? initialCentroids(train, o);
        const trainLoss = validationScore(train, centroids), validScore = validationScore(valid, centroids);
        return { epoch: 0, trainLoss, validScore, centroids, diverged: false };
      },
      // Soft K-means when the page gives a beta: the same run, its loss the free energy.
      steps: async function* (reportEvery) {
        if (o.beta === undefined) yield* trainGradientKMeans(train, { ...options, reportEvery });
        else {
          const { trainSoftKMeans } = await import("../../lib/soft_kmeans/gradient_soft_kmeans.js");
          yield* trainSoftKMeans(train, { ...options, reportEvery, beta: o.beta, betaEnd: o.betaEnd });
        }
      },
      // The last snapshot says how many training points each centroid owns.
      add: ({ epoch, trainLoss, validScore = NaN, diverged, centroids: run }, report, final) => {
        const centroids = copy(run), owned = final ? counts(train, run) : undefined;
        const snapshot = { epoch, trainLoss, validScore, diverged, centroids, counts: owned, report };
        job.snapshot(snapshot, [centroids.data, owned]);
      },
    });
  },

  async mixture(o, job) {
    const { initialMixture, trainGradientMixture } = await import("../../lib/mixture/gradient_mixture.js");
    const { train, valid } = job;
    await watch(job, o, {
      start: (): GradientMixtureStep => {
        const { means, sigmas, logits } = initialMixture(train, o);
        const model = { means, sigmas, weights: softmax(logits) };
        return {
          epoch: 0,
          trainNLL: gmmNLL(train, model),
          validNLL: gmmNLL(valid, model),
          diverged: false,
          ...model,
        };
      },
      steps: (reportEvery) => trainGradientMixture(train, { ...o, ...job.common, reportEvery }),
      add: ({ epoch, trainNLL, validNLL = NaN, diverged, ...step }, report) => {
        const means = copy(step.means), sigmas = Float64Array.from(step.sigmas);
        const weights = Float64Array.from(step.weights);
        const snapshot = { epoch, trainNLL, validNLL, diverged, means, sigmas, weights, report };
        job.snapshot(snapshot, [means.data, sigmas, weights]);
      },
    });
  },

  async restarts(o, job) {
    const { trainGradientKMeansRestarts } = await import("../../lib/kmeans/gradient_kmeans.js");
    const last = await job.run(
      (reportEvery) => trainGradientKMeansRestarts(job.train, { ...o, ...job.common, reportEvery }),
      {
        cost: `restarts:${o.engine}`,
        work: o.k * job.train.rows * o.restarts,
        requested: o.reportEvery,
        epochs: (last) => last.epoch,
      },
    );
    if (!last) throw new Error("the restarts reported nothing.");
    job.result({
      runs: last.runs.map(({ seed, validScore, diverged }) => ({ seed, validScore, diverged })),
      best: last.best,
    });
  },

  async "kmeans-table"(o, job) {
    const { trainGradientKMeans } = await import("../../lib/kmeans/gradient_kmeans.js");
    const run = (k: number, reportEvery: number) =>
      trainGradientKMeans(job.train, { ...o, ...job.common, k, reportEvery });
    await table(job, o, "kmeans", run, (step) => step.validScore);
  },

  async "mixture-table"(o, job) {
    const { trainGradientMixture } = await import("../../lib/mixture/gradient_mixture.js");
    const run = (k: number, reportEvery: number) =>
      trainGradientMixture(job.train, { ...o, ...job.common, k, reportEvery });
    await table(job, o, "mixture", run, (step) => step.validNLL);
  },

  // deno-lint-ignore require-await
  async lloyd({ k }, job) {
    const { centroids } = lloyd(job.train, { k, ...LLOYD });
    job.result({
      centroids,
      validScore: validationScore(job.valid, centroids),
      trainLoss: validationScore(job.train, centroids),
    });
  },

  async em({ k }, job) {
    const { emGaussianMixture } = await import("../../lib/mixture/em.js");
    const { means, sigmas, weights, iterations } = emGaussianMixture(job.train, { k });
    const model = { means, sigmas, weights };
    job.result({
      ...model,
      iterations,
      validNLL: gmmNLL(job.valid, model),
      trainNLL: gmmNLL(job.train, model),
    });
  },

  async "lloyd-steps"({ start, maxIterations }, job) {
    const { lloydSteps } = await import("../../lib/kmeans/lloyd_steps.js");
    job.result(lloydSteps(job.stepsTrain, start, { maxIterations }).map(({ labels: _, ...step }) => step));
  },

  async "em-steps"({ k, seed, maxIterations }, job) {
    const { emStart, emSteps } = await import("../../lib/mixture/em_steps.js");
    const steps = emSteps(job.stepsTrain, emStart(job.stepsTrain, { k, seed }), { maxIterations });
    job.result(steps.map(({ responsibilities: _, ...step }) => step));
  },

  async atlas(o, job) {
    const { trainAtlas } = await import("../../lib/atlas.js");
    // A gradient run yields at most every 50 epochs (tens of milliseconds on data2D): a cancel is seen
    // within a seed. Each seed's run is trained on its own, so that the first one's cost sets the next's
    // report interval (the references and Lloyd's and EM's runs are synchronous: one go).
    const { valid, ...common } = job.common;
    const gradient = o.method.startsWith("gradient");
    for (const seeds of gradient ? o.seeds.map((seed) => [seed]) : [o.seeds]) {
      let reports = 0, interval = 1;
      await job.run(
        (reportEvery) => trainAtlas(job.train, valid, { ...o, ...common, seeds, reportEvery }),
        {
          cost: `atlas:${o.method}:${o.engine}`,
          work: o.k * job.train.rows,
          requested: 50,
          epochs: () => reports * interval,
          onStep: ({ run }, every) => {
            interval = every;
            if (!run) return void reports++;
            job.snapshot(run, []);
            job.flush();
          },
        },
      );
    }
  },

  async "soft-lloyd-steps"({ start, beta, maxIterations }, job) {
    const { softLloyd } = await import("../../lib/soft_kmeans/soft_kmeans.js");
    const train = job.stepsTrain;
    const steps = softLloyd(train, start, { beta, maxIterations, tolerance: 1e-9 });
    job.result(steps.map(({ iteration, centroids, freeEnergy }, t) => ({
      phase: iteration === 0 ? "start" : "update",
      iteration,
      centroids,
      loss: validationScore(train, centroids),
      freeEnergy,
      relocated: 0,
      converged: t === steps.length - 1 && t < maxIterations,
    })));
  },

  async anneal({ start, seed }, job) {
    const { annealFindings } = await import("../../data/soft_kmeans_figures.js");
    job.result(await annealFindings(job, start, { seed }));
  },

  /** Each lane's run posted as it ends; a cancel is seen at least every {@link RACE_PAUSE_EPOCHS} epochs. */
  async race(o, job) {
    const { raceSteps } = await import("../../lib/kmeans/optimizer_race.js");
    // The job's options are the race's own (start, epochs, engine, lanes); the data is the worker's.
    // Every lane reports each epoch; the worker yields to its event loop every `every` of them.
    let epochs = 0;
    await job.run(() => raceSteps(job.train, { ...o, ...job.common }), {
      cost: `race:${o.engine}`,
      work: o.k * job.train.rows,
      requested: RACE_PAUSE_EPOCHS,
      epochs: () => epochs,
      onStep: ({ run, done }, every) => {
        if (done) job.result(run);
        else if (++epochs % every !== 0) return false;
      },
    });
  },
};

/** Epochs of a race between two yields to the worker's event loop (about 10 ms with the fused engine). */
const RACE_PAUSE_EPOCHS = 10;

async function run<K extends JobKind>(request: JobRequest<K>): Promise<void> {
  const { id } = request;
  const controller = new AbortController();
  controllers.set(id, controller);
  const started = performance.now();
  let status: JobStatus;
  try {
    await ready;
    if (cancelled.has(id)) throw new Cancelled();
    if (!train || !valid) throw new Error("no dataset was sent to the training worker before a job.");
    const job = new JobContext(id, request.kind, train, valid, controller.signal);
    const handler: Handlers[K] = handlers[request.kind];
    // Said before a synchronous job holds the worker: the pool stops expecting pongs from here on.
    post({ type: "alive", id });
    await handler(request.options, job);
    status = job.status;
  } catch (error) {
    if (!(error instanceof Cancelled)) {
      post({
        type: "end",
        id,
        status: "error",
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    status = "cancelled";
  } finally {
    controllers.delete(id);
    cancelled.delete(id);
  }
  post({ type: "end", id, status, ms: performance.now() - started });
}

addEventListener("message", ({ data: message }: MessageEvent<ToWorker>) => {
  if (message.type === "init") {
    ready = selectBackend(message.backends).then((backend) => post({ type: "ready", id: -1, backend }));
  } else if (message.type === "data") {
    train = message.train;
    valid = message.valid;
    stepsTrain = undefined;
  } else if (message.type === "job") {
    const { request } = message;
    chain = chain.then(() => run(request));
  } else if (message.type === "cancel") {
    for (const id of message.ids) {
      cancelled.add(id);
      controllers.get(id)?.abort();
    }
  } else if (message.type === "ping") {
    post({ type: "pong", id: -1 });
  }
});
// Loaded: from now on the pool expects an answer to every ping between two reports.
post({ type: "pong", id: -1 });
