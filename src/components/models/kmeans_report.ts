/**
 * Small report elements for the K-means page: the dead-centroid note, the k = 1..5 summary table
 * and the restarts chart (training progress lives in `live_training.ts`).
 */
import { html } from "htl";
import * as Inputs from "@observablehq/inputs";
import * as Plot from "@observablehq/plot";
import type { RestartsResult } from "../live/protocol.js";
import { formatScore } from "../draw/format.js";
import { labelledRule } from "../draw/gap_curve.js";

/** A note naming centroids that own no training point, and why they are stuck there. */
export function deadCentroidNote(trainCounts: number[]) {
  const dead = trainCounts.flatMap((count, j) => (count === 0 ? [j + 1] : []));
  if (dead.length === 0) return html`<span></span>`;
  const names = dead.length === 1 ? `Centroid ${dead[0]} owns` : `Centroids ${dead.join(", ")} own`;
  return html`<div class="warning" role="note"><strong>${names} no training point.</strong> The loss only involves
    each point's nearest centroid, so a centroid nearest to no point gets a zero gradient: it never moves toward the
    data (AdamW's weight decay only pulls it slowly to the origin). Try another seed, or the k-means++ init.</div>`;
}

/** The k = 1..5 table: Lloyd's score, the gradient score, the gap, the training time in this tab. */
export function summaryTable(
  rows: { k: number; lloydScore: number; gradientScore: number; gapPercent: number; ms: number }[],
) {
  return Inputs.table(rows, {
    columns: ["k", "lloydScore", "gradientScore", "gapPercent", "ms"],
    header: {
      k: "k",
      lloydScore: "Lloyd",
      gradientScore: "gradient descent",
      gapPercent: "gap (%)",
      ms: "time (ms)",
    },
    format: {
      lloydScore: (v: number) => formatScore(v),
      gradientScore: (v: number) => formatScore(v),
      gapPercent: (v: number) => formatScore(v, { digits: 2 }),
      ms: (v: number) => v.toFixed(0),
    },
    select: false,
  });
}

/**
 * The restarts chart: each run's final validation score as a dot (the best ringed), beside
 * Lloyd's score as a dashed line, so the spread over seeds reads against the reference.
 */
export function restartsPlot(
  runs: RestartsResult["runs"],
  { width = 640, lloydScore, best }: { width?: number; lloydScore: number; best: number },
) {
  const rows = runs.map((run, i) => ({ seed: run.seed, score: run.validScore ?? NaN, best: i === best }))
    .filter((row) => Number.isFinite(row.score));
  return Plot.plot({
    width,
    height: 140,
    marginLeft: 20,
    x: {
      label: "validation score of each restart →",
      tickFormat: (v: number) => formatScore(v, { digits: 4 }),
    },
    y: { axis: null },
    marks: [
      ...labelledRule(lloydScore, `Lloyd ${formatScore(lloydScore)}`, { dy: 4 }),
      Plot.dot(
        rows,
        Plot.dodgeY({
          x: "score",
          r: 5,
          fill: "var(--theme-foreground-focus)",
          fillOpacity: 0.7,
          anchor: "middle",
          title: (d: { seed: number; score: number }) => `seed ${d.seed}: ${formatScore(d.score)}`,
        }),
      ),
      Plot.dot(
        rows.filter((row) => row.best),
        Plot.dodgeY({ x: "score", r: 9, stroke: "var(--theme-red)", anchor: "middle" }),
      ),
    ],
  });
}
