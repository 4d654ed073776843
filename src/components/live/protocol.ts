/**
 * The messages between the live pages and their training worker (`training_worker.ts`), and the
 * snapshots a run streams.
 */
import type { LloydHalfStep } from "../../lib/kmeans/lloyd_steps.js";
import type { Matrix } from "../../lib/matrix.js";
import type { EMHalfStep } from "../../lib/mixture/em_steps.js";
import type { BackendInfo, BackendName } from "./tf_backend.js";

/** One report of a gradient K-means run. */
export interface KMeansSnapshot {
  epoch: number;
  trainLoss: number;
  /** NaN when the run has no validation set. */
  validScore: number;
  diverged: boolean;
  centroids: Matrix;
  /** Training points owned by each centroid (final snapshot only). */
  counts?: Int32Array;
  /** False for an epoch between two reports (recorded for stepping and scrubbing). */
  report?: boolean;
}

/** One report of a gradient mixture run. */
export interface MixtureSnapshot {
  epoch: number;
  trainNLL: number;
  validNLL: number;
  diverged: boolean;
  means: Matrix;
  sigmas: Float64Array;
  weights: Float64Array;
  /** False for an epoch between two reports (recorded for stepping and scrubbing). */
  report?: boolean;
}

/** One of Lloyd's half-steps as the worker sends it: without the N labels (the page assigns what it draws). */
export type LloydStepSummary = Omit<LloydHalfStep, "labels">;

/** One of EM's half-steps as the worker sends it: without the N x k responsibilities. */
export type EMStepSummary = Omit<EMHalfStep, "responsibilities">;

/** What a job computes. */
export type JobKind =
  | "kmeans"
  | "gmm"
  | "restarts"
  | "kmeans-table"
  | "gmm-table"
  | "lloyd"
  | "em"
  | "lloyd-steps"
  | "em-steps";

/** A job as the worker receives it: only its options (the data was sent before). */
export interface JobRequest {
  id: number;
  kind: JobKind;
  // deno-lint-ignore no-explicit-any
  options: Record<string, any>;
}

/** Page to worker. */
export type ToWorker =
  | { type: "init"; backends: BackendName[] }
  | { type: "data"; train: Matrix; valid: Matrix }
  | { type: "job"; request: JobRequest }
  | { type: "cancel"; ids: number[] }
  | { type: "memory"; id: number };

/** Worker to page. */
export type FromWorker =
  | { type: "ready"; id: -1; backend: BackendInfo }
  /** A run's snapshots since its previous message, in epoch order (every epoch of a run). */
  | { type: "snapshots"; id: number; snapshots: (KMeansSnapshot | MixtureSnapshot)[] }
  | { type: "result"; id: number; result: unknown }
  | { type: "end"; id: number; status: JobStatus; error?: string; ms?: number }
  | { type: "memory"; id: number; numTensors: number };

/** How a job ended. */
export type JobStatus = "done" | "diverged" | "cancelled" | "error";
