/**
 * What the K-means and mixture descriptors (`kmeans.ts`, `mixture.ts`) share, written once: a run's
 * job options, the reference for k, the frame that explains finished runs, and the validation
 * assignments download.
 */
import type { Matrix } from "../../lib/matrix.js";
import type { Split } from "../../lib/random/split.js";
import type { HalfStep, LiveEngine, LiveSettings, RunSpec } from "../live/engine.js";
import { ReferenceJobs, type TrainingPool } from "../live/pool.js";
import type { JobResult } from "../live/protocol.js";
import type { Snapshot } from "../player/player.js";

// The exporter (with its protobuf code, 125 kB) is loaded when a model is exported or a map drawn.
export const onnxExport = () => import("../../lib/onnx/onnx_export.js");

/**
 * The options of a run's training job that every model has: reported about `reports` times over
 * the epochs, or, for a replay (`upTo` given), trained to `upTo` without its epoch-0 report.
 */
export function runJob(
  { k, lr, epochs, seed, engine }: LiveSettings,
  upTo: number | undefined,
  reports: number,
) {
  return {
    k,
    lr,
    epochs: upTo ?? epochs,
    seed,
    engine,
    reportEvery: upTo ?? Math.max(1, Math.ceil(epochs / reports)),
    skipStart: upTo !== undefined,
  };
}

/**
 * A descriptor's `reference`: the runs built with the site (`built`, k = 1..K), else each k's
 * `kind` job in a worker, read by `read` and kept; asked at priority 0 (the k on screen), it
 * cancels the jobs of other k under way.
 */
export function referenceRuns<K extends "lloyd" | "em", T>(
  kind: K,
  read: (k: number, result: JobResult<K>) => T,
  built?: T[],
): (pool: TrainingPool, k: number, priority: number) => Promise<T> {
  let jobs: ReferenceJobs<K, T> | undefined;
  return (pool, k, priority) => {
    if (built) return Promise.resolve(built[k - 1]);
    jobs ??= new ReferenceJobs(pool, kind, read);
    if (priority === 0) jobs.cancelExcept(k);
    return jobs.get(k, priority);
  };
}

/**
 * Explains `finished` runs (the lesson's why, the notes) in a frame loop step of its own (with the
 * other notes, one frame's work was a long task), unless a new run has replaced one of them by then.
 */
export function explainInFrame<S extends LiveSettings, Snap extends Snapshot, Ref, Step extends HalfStep>(
  engine: LiveEngine<S, Snap, Ref, Step>,
  finished: { run: RunSpec; snapshot: Snap }[],
  explain: () => void,
): void {
  engine.loop.want("lesson", () => {
    if (finished.every(({ run, snapshot }) => engine.runs.get(run.id)!.last === snapshot)) explain();
  });
}

/** The download of each validation row's cluster or component (`noun`), 1-based, by `labels`. */
export function assignmentsTable<Snap>(
  file: string,
  noun: string,
  labels: (snapshot: Snap, valid: Matrix) => ArrayLike<number>,
) {
  return {
    label: "Validation assignments (CSV)",
    file,
    csv: (snapshot: Snap, { valid, split }: { valid: Matrix; split: Split }) =>
      Array.from(labels(snapshot, valid), (label, i) => ({ row: split.valid[i], [noun]: label + 1 })),
  };
}
