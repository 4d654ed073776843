/**
 * Charts and checks drawn from ONNX models scored by onnxruntime-web: decision regions and
 * density maps over a grid, and the proof that an exported model agrees with the one in the tab.
 */
import * as Plot from "@observablehq/plot";
import { html } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import type { Grid, KMeansScores, MixtureScores } from "./scoring.js";
import { max } from "d3-array";
import { equalUnits, xy } from "../draw/clusters.js";
import { CLUSTER_COLOURS, clusterName, columnName } from "../draw/palette.js";

/**
 * A raster of the grid's scores (the nearest centroid's colour, or the mixture's log density)
 * under the points: what the ONNX model answers everywhere in the plane.
 */
export function onnxMapPlot(
  { grid, scores }: { grid: Grid; scores: KMeansScores | MixtureScores },
  points: Matrix,
  { width = 640, title }: { width?: number; title?: string } = {},
) {
  const { x1, x2, y1, y2 } = grid;
  const isKMeans = scores.kind === "kmeans";
  const values = isKMeans ? Array.from(scores.labels) : Array.from(scores.logLikelihood);
  const k = isKMeans ? (max(values) ?? 0) + 1 : 0;
  return Plot.plot({
    width,
    ...equalUnits([x1, x2], [y1, y2], width),
    title,
    x: { label: columnName(0), domain: [x1, x2] },
    y: { label: columnName(1), domain: [y1, y2] },
    color: isKMeans
      ? {
        type: "ordinal",
        domain: Array.from({ length: k }, (_, j) => j),
        range: CLUSTER_COLOURS,
        tickFormat: clusterName,
        legend: true,
      }
      : { type: "linear", scheme: "viridis", label: "log-likelihood", legend: true },
    marks: [
      // The grid's size and bounds are the raster's (see scoring.ts).
      Plot.raster(values, {
        ...grid,
        fill: (v: number) => v,
        fillOpacity: isKMeans ? 0.35 : 0.9,
        imageRendering: "pixelated",
      }),
      Plot.dot(Array.from({ length: points.rows }, (_, i) => xy(points, i)), {
        x: "x",
        y: "y",
        r: 1,
        fill: "currentColor",
        fillOpacity: 0.5,
      }),
    ],
  });
}

/** What re-scoring the validation set with the exported model found. */
export interface ExportCheck {
  points: number;
  sameLabels: number;
  /** The score the tab computed (float64) and the one from the ONNX model's outputs. */
  tabScore: number;
  onnxScore: number;
  scoreName: string;
}

/** One sentence (and a tick or a cross) saying whether the exported model agrees with the tab's. */
export function exportCheckNote(check: ExportCheck) {
  const { points, sameLabels, tabScore, onnxScore, scoreName } = check;
  const relative = Math.abs(onnxScore - tabScore) / Math.max(Math.abs(tabScore), 1e-12);
  const agrees = sameLabels === points && relative < 1e-5;
  return html`<div class=${agrees ? "note" : "warning"} data-testid="onnx-check">
    ${agrees ? "✓" : "✗"} onnxruntime-web, scoring the downloaded model: ${
    sameLabels.toLocaleString("en-US")
  } of
    ${points.toLocaleString("en-US")} validation labels equal the TensorFlow.js model's; ${scoreName}
    ${onnxScore.toFixed(6)} against ${tabScore.toFixed(6)} here (relative difference ${
    relative.toExponential(1)
  }).
  </div>`;
}
