/**
 * The messages between the live pages and their training worker (`worker.ts`), typed by job kind:
 * {@link JobTypes} says, for each kind, the options the page sends, the snapshots the worker streams
 * and the results it posts. The pool (`pool.ts`) and the worker both code against it, so that
 * `deno check` catches a page sending what the worker does not read, or the reverse. Options and
 * results are lib's own types, picked: a job's options are those of its lib function that the page
 * gives (the worker adds the data, the cancel signal and the mini-batch size).
 */
import type { LloydHalfStep } from "../../lib/kmeans/lloyd_steps.js";
import type {
  GradientKMeansOptions,
  GradientKMeansRestartsOptions,
  GradientKMeansRun,
  GradientKMeansStep,
} from "../../lib/kmeans/gradient_kmeans.js";
import type { LloydResult as LloydRun } from "../../lib/kmeans/kmeans.js";
import type { GradientMixtureOptions, GradientMixtureStep } from "../../lib/mixture/gradient_mixture.js";
import type { EMResult as EMRun } from "../../lib/mixture/em.js";
import type { EMHalfStep } from "../../lib/mixture/em_steps.js";
import type { Matrix } from "../../lib/matrix.js";
import type { AtlasOptions, AtlasRun } from "../../lib/atlas.js";
import type { BackendInfo, BackendName } from "./tf_backend.js";
import type { AnnealFindings } from "../../data/soft_kmeans_figures.js";
import type { RaceOptions, RaceRun } from "../../lib/kmeans/optimizer_race.js";

/** One report of a gradient K-means run. */
export interface KMeansSnapshot extends GradientKMeansStep {
  /** NaN when the run has no validation set. */
  validScore: number;
  /** Training points owned by each centroid (final snapshot only). */
  counts?: Int32Array;
  /** False for an epoch between two reports (recorded for stepping and scrubbing). */
  report?: boolean;
}

/** One report of a gradient mixture run. */
export interface MixtureSnapshot extends GradientMixtureStep {
  /** NaN when the run has no validation set. */
  validNLL: number;
  /** False for an epoch between two reports (recorded for stepping and scrubbing). */
  report?: boolean;
}

/** One of Lloyd's half-steps as the worker sends it: without the N labels (the page assigns what it draws). */
export type LloydStepSummary = Omit<LloydHalfStep, "labels">;

/** One of EM's half-steps as the worker sends it: without the N x k responsibilities. */
export type EMStepSummary = Omit<EMHalfStep, "responsibilities">;

/** Soft Lloyd's iterates as the steps panel reads them: Lloyd's shape, every iterate an update. */
export interface SoftLloydStepSummary extends LloydStepSummary {
  /** The free energy at the job's beta. */
  freeEnergy: number;
}

/** The settings of a gradient K-means run, and its start (`initial`, placed by hand, wins over init and seed). */
type KMeansSettings =
  & Required<Pick<GradientKMeansOptions, "k" | "lr" | "epochs" | "engine" | "seed" | "init" | "uniformBox">>
  & Pick<GradientKMeansOptions, "initial">;

/** A gradient K-means run the reader watches (or a replay of one epoch of it). */
export interface KMeansJobOptions extends KMeansSettings {
  /** Epochs between two posted reports (every epoch is recorded). */
  reportEvery: number;
  /** A replay: no epoch-0 snapshot, and only reports every `reportEvery` epochs recorded. */
  skipStart?: boolean;
  /** Soft K-means (`lib/soft_kmeans/`) at this beta instead of K-means: the free energy is the loss. */
  beta?: number;
  /** Soft K-means annealed: beta rises geometrically from `beta` to this over the epochs. */
  betaEnd?: number;
}

/** A gradient mixture run the reader watches (or a replay of one epoch of it; see {@link KMeansJobOptions}). */
type MixtureJobOptions =
  & Required<Pick<GradientMixtureOptions, "k" | "lr" | "epochs" | "engine" | "seed" | "init" | "reportEvery">>
  & { skipStart?: boolean };

/** One gradient K-means run per k of `ks`, each to its last epoch: the k = 1..5 table. */
export type KMeansTableJobOptions = Omit<KMeansSettings, "k" | "initial"> & { ks: number[] };

/** One gradient mixture run per k of `ks`: the k = 1..5 table. */
type MixtureTableJobOptions = Omit<MixtureJobOptions, "k" | "reportEvery" | "skipStart"> & { ks: number[] };

/** What the restarts job gives: each run's final score, and the best run. */
export interface RestartsResult {
  runs: Pick<GradientKMeansRun, "seed" | "validScore" | "diverged">[];
  best: number;
}

/** One row of a table job (posted once per k, in the order of `ks`). */
export interface TableResult {
  k: number;
  /** The validation score (K-means) or NLL (mixture) of the last epoch. */
  score: number;
  diverged: boolean;
  /** The worker's milliseconds for this k. */
  ms: number;
}

/** Lloyd's reference run for one k. */
export type LloydResult = Pick<LloydRun, "centroids"> & { validScore: number; trainLoss: number };

/** EM's reference run for one k. */
export type EMResult = Pick<EMRun, "means" | "sigmas" | "weights" | "iterations"> & {
  validNLL: number;
  trainNLL: number;
};

/** The optimizer race: each lane trained from one start (posted as one result per lane, in order). */
export type RaceJobOptions =
  & Required<Pick<RaceOptions, "k" | "seed" | "init" | "uniformBox" | "epochs" | "engine" | "lanes">>
  & Pick<RaceOptions, "initial">;

/** `restarts` gradient K-means runs of seeds 0..restarts-1, trained at once. */
type RestartsJobOptions = Required<
  Pick<
    GradientKMeansRestartsOptions,
    "k" | "lr" | "epochs" | "engine" | "init" | "uniformBox" | "restarts" | "reportEvery"
  >
>;

/** One method of the local-optima atlas (`lib/atlas.ts`) over `seeds`: a snapshot per seed done. */
type AtlasJobOptions = Required<Pick<AtlasOptions, "method" | "k" | "seeds" | "engine" | "uniformBox">>;

/** A job that streams snapshots of type `Snapshot` (and posts no result). */
type Streams<Options, Snapshot> = { options: Options; snapshot: Snapshot; result: never };
/** A job that posts results of type `Result` (and streams no snapshot). */
type Posts<Options, Result> = { options: Options; snapshot: never; result: Result };

/** For each job kind: the options the page sends, the snapshots the worker streams, the results it posts. */
export interface JobTypes {
  kmeans: Streams<KMeansJobOptions, KMeansSnapshot>;
  mixture: Streams<MixtureJobOptions, MixtureSnapshot>;
  restarts: Posts<RestartsJobOptions, RestartsResult>;
  "kmeans-table": Posts<KMeansTableJobOptions, TableResult>;
  "mixture-table": Posts<MixtureTableJobOptions, TableResult>;
  lloyd: Posts<{ k: number }, LloydResult>;
  em: Posts<{ k: number }, EMResult>;
  "lloyd-steps": Posts<{ start: Matrix; maxIterations: number }, LloydStepSummary[]>;
  "em-steps": Posts<{ k: number; seed: number; maxIterations: number }, EMStepSummary[]>;
  atlas: Streams<AtlasJobOptions, AtlasRun>;
  race: Posts<RaceJobOptions, RaceRun>;
  "soft-lloyd-steps": Posts<{ start: Matrix; beta: number; maxIterations: number }, SoftLloydStepSummary[]>;
  /** Annealing soft Lloyd (lib's schedule) from `start`, its tiny shakes seeded by `seed`. */
  anneal: Posts<{ start: Matrix; seed: number }, AnnealFindings>;
}

/**
 * The TensorFlow.js backends in the order the worker tries them (see `tf_backend.ts`): WebAssembly
 * with SIMD, then the plain JavaScript CPU backend, then WebGL (far too little work per epoch here to
 * pay for the GPU round trips). Here, not in `tf_backend.ts`, so that the page sends it without
 * loading TensorFlow.js.
 */
export const BACKEND_PREFERENCE: readonly BackendName[] = ["wasm", "cpu", "webgl"];

/** What a job computes. */
export type JobKind = keyof JobTypes;
export type JobOptions<K extends JobKind> = JobTypes[K]["options"];
export type JobSnapshot<K extends JobKind> = JobTypes[K]["snapshot"];
export type JobResult<K extends JobKind> = JobTypes[K]["result"];

/**
 * The jobs that cannot stop in the middle (synchronous in the worker): cancelling one ends its worker,
 * and its worker cannot answer the pool's pings once it started (it says `alive` as it starts).
 */
export const SYNCHRONOUS_JOBS: readonly JobKind[] = [
  "lloyd",
  "em",
  "lloyd-steps",
  "em-steps",
  "soft-lloyd-steps",
  "anneal",
];

/** A job as the worker receives it: only its options (the data was sent before). */
export interface JobRequest<K extends JobKind = JobKind> {
  id: number;
  kind: K;
  options: JobOptions<K>;
}

/** Page to worker. */
export type ToWorker =
  | { type: "init"; backends: BackendName[] }
  | { type: "data"; train: Matrix; valid: Matrix }
  | { type: "job"; request: JobRequest }
  | { type: "cancel"; ids: number[] }
  /** Are you there? Answered with `pong` between two reports (the pool's watchdog). */
  | { type: "ping" };

/**
 * A job's snapshots since its previous message (in epoch order: every epoch of a run), or one of its
 * results (a table job posts one per k), for one kind `K`; on the wire `JobMessage<JobKind>`, narrowed
 * to its job's kind by {@link isJobMessage}.
 */
export type JobMessage<K extends JobKind = JobKind> =
  | { type: "snapshots"; id: number; kind: K; snapshots: JobSnapshot<K>[] }
  | { type: "result"; id: number; kind: K; result: JobResult<K> };

/** Whether `message` belongs to a job of `kind` (the worker tags each message with its job's kind). */
export function isJobMessage<K extends JobKind>(message: JobMessage, kind: K): message is JobMessage<K> {
  return message.kind === kind;
}

/** Worker to page. */
export type FromWorker =
  | { type: "ready"; id: -1; backend: BackendInfo }
  | JobMessage
  /** A job is still running (posted by long jobs that report nothing for a while): the pool's watchdog. */
  | { type: "alive"; id: number }
  /** The answer to `ping`. */
  | { type: "pong"; id: -1 }
  | { type: "end"; id: number; status: JobStatus; error?: string; ms?: number };

/** How a job ended. */
export type JobStatus = "done" | "diverged" | "cancelled" | "error";
