/**
 * Reference results for the chosen dataset: from the build (data2D's loaders) when the data is
 * data2D, else computed in the browser by lib/ in a Web Worker (on the main thread if workers are
 * unavailable). Results are cached per dataset, kind and k.
 */
import { emGaussianMixture, type EMResult } from "../lib/em.js";
import { lloyd, type LloydResult } from "../lib/kmeans.js";
import { LLOYD } from "../lib/notebook_settings.js";
import type { Matrix } from "../lib/matrix.js";
import { DataError } from "../lib/errors.js";

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const cache = new Map<string, Promise<unknown>>();

function startWorker(): Worker | undefined {
  if (worker) return worker;
  try {
    worker = new Worker(import.meta.resolve("./reference_worker.js"), { type: "module" });
    worker.onmessage = ({ data }) => {
      const request = pending.get(data.id);
      pending.delete(data.id);
      if (!request) return;
      if (data.error) request.reject(new DataError(data.error));
      else request.resolve(data.result);
    };
    return worker;
  } catch {
    return undefined;
  }
}

function compute(kind: "lloyd" | "em", points: Matrix, k: number): Promise<unknown> {
  const running = startWorker();
  if (!running) {
    return Promise.resolve().then(() =>
      kind === "lloyd" ? lloyd(points, { ...LLOYD, k }) : emGaussianMixture(points, { k })
    );
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    running.postMessage({ id, kind, points, k });
  });
}

/** Lloyd's K-means (k-means++, nInit 10, seed 0) on `points`, keyed by the dataset's digest. */
export function lloydReference(points: Matrix, k: number, digest: string): Promise<LloydResult> {
  const key = `lloyd:${digest}:${points.rows}:${k}`;
  if (!cache.has(key)) cache.set(key, compute("lloyd", points, k));
  return cache.get(key) as Promise<LloydResult>;
}

/** EM for the spherical mixture (scikit-learn's settings) on `points`, keyed by the dataset's digest. */
export function emReference(points: Matrix, k: number, digest: string): Promise<EMResult> {
  const key = `em:${digest}:${points.rows}:${k}`;
  if (!cache.has(key)) cache.set(key, compute("em", points, k));
  return cache.get(key) as Promise<EMResult>;
}
