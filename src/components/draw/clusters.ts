/**
 * Charts of points: the data page's preview and the train/validation split (Plot marks only;
 * functions of data and options that return an element, as Framework's examples do), and the text
 * alternative of the live pages' layered scatters.
 */
import * as Plot from "@observablehq/plot";
import { formatScore, shortenNumbers } from "./format.js";
import type { Matrix } from "../../lib/matrix.js";
import { columnName } from "./palette.js";
import type { ScatterPanel } from "./scatter_layers.js";

/**
 * Plot's size options for a scatter over the extents `xs` and `ys`: equal units on both axes (so
 * distances and circles look as they are) unless the spans differ so much that the chart would be
 * a sliver; then a fixed height.
 */
export function equalUnits([x1, x2]: number[], [y1, y2]: number[], width: number) {
  const ratio = (y2 - y1 || 1) / (x2 - x1 || 1);
  return ratio >= 0.4 && ratio <= 2.5 ? { aspectRatio: 1 } : { height: Math.min(width, 460) };
}

/** Row i of `points` as {x, y} (the first two columns). */
export function xy(points: Matrix, i: number) {
  return { x: points.data[i * points.cols], y: points.data[i * points.cols + 1] };
}

/** Plot's options for a plain scatter of `width` with named axes. */
function plainScatter(width: number, [x, y]: string[]) {
  return { width, height: Math.min(width * 0.7, 460), grid: true, x: { label: x }, y: { label: y } };
}

/** Points as a plain scatter (the data page's preview), with named axes. */
export function pointsPlot(
  points: Matrix,
  { width = 640, title, labels = ["x₀", "x₁"] }: { width?: number; title?: string; labels?: string[] } = {},
) {
  const rows = Array.from({ length: points.rows }, (_, i) => xy(points, i));
  return Plot.plot({
    ...plainScatter(width, labels),
    title,
    marks: [Plot.dot(rows, { x: "x", y: "y", r: 1.4, fill: "currentColor", fillOpacity: 0.5 })],
  });
}

/** The dataset coloured by set (train or validation), so readers see the split is an even shuffle. */
export function splitPlot(
  points: Matrix,
  split: { train: ArrayLike<number>; valid: ArrayLike<number> },
  { width = 640 }: { width?: number } = {},
) {
  const rows = [
    ...Array.from(split.train, (i) => ({ ...xy(points, i), set: "train" })),
    ...Array.from(split.valid, (i) => ({ ...xy(points, i), set: "validation" })),
  ];
  return Plot.plot({
    ...plainScatter(width, [columnName(0), columnName(1)]),
    color: { legend: true, domain: ["train", "validation"], range: ["#9ca3af", "#d55e00"] },
    marks: [Plot.dot(rows, { x: "x", y: "y", fill: "set", r: 1.4, fillOpacity: 0.6 })],
  });
}

/** A centroid list for a chart's text alternative: "cluster 1 at (0.12, 0.34), ...". */
export function describePositions(centroids: Matrix, colourOf: ArrayLike<number>, name = "cluster"): string {
  return Array.from({ length: centroids.rows }, (_, j) => {
    const row = Array.from(centroids.data.slice(j * centroids.cols, (j + 1) * centroids.cols).slice(0, 2));
    // Coordinates to two decimals, as a reader compares them; a diverged run's as a short exponent.
    const coordinate = (v: number) => Math.abs(v) < 1e6 ? v.toFixed(2) : formatScore(v);
    return `${name} ${colourOf[j] + 1} at (${row.map(coordinate).join(", ")})`;
  }).join(", ");
}

/**
 * Gives a layered scatter its text alternative: its title, then `details` (long exponents, NaN and
 * Infinity in either shortened by `shortenNumbers`).
 */
export function labelChart(panel: ScatterPanel, title: string, details: string): void {
  // A diverged run's figures short ("9.0e+32", "not finite"), whoever wrote the title.
  title = shortenNumbers(title);
  details = shortenNumbers(details);
  panel.setTitle(title);
  // Two lines kept for every title, so that a wrapping one does not shift its plot below its neighbours'.
  panel.element.querySelector("h2")?.style.setProperty("min-height", "2lh");
  panel.element.setAttribute("role", "img");
  panel.element.setAttribute("aria-label", `${title}. ${details}`);
}
