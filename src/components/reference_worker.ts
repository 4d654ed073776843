/**
 * A Web Worker computing the exact references (Lloyd's K-means, EM) for data the build never saw
 * (uploads, generated blobs), so large datasets do not freeze the page. It runs lib/ unchanged.
 */
import { emGaussianMixture } from "../lib/em.js";
import { lloyd } from "../lib/kmeans.js";
import { LLOYD } from "../lib/notebook_settings.js";
import type { Matrix } from "../lib/matrix.js";

/** A request: which reference, on which points, with which k. */
export interface ReferenceRequest {
  id: number;
  kind: "lloyd" | "em";
  points: Matrix;
  k: number;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ReferenceRequest>) => void) | null;
  postMessage: (message: unknown) => void;
};

scope.onmessage = ({ data: { id, kind, points, k } }) => {
  try {
    const result = kind === "lloyd" ? lloyd(points, { ...LLOYD, k }) : emGaussianMixture(points, { k });
    scope.postMessage({ id, result });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
