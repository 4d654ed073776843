/**
 * Charts of clusterings: points coloured by cluster over the centres' decision regions, the
 * train/validation split, and centroid trajectories. Plot marks only; functions of data and
 * options that return an element, as Framework's examples do.
 */
import * as Plot from "@observablehq/plot";
import { max, min } from "d3-array";
import type { Matrix } from "../../lib/matrix.js";
import { CLUSTER_COLOURS, clusterName, columnName } from "./palette.js";
import type { ScatterPanel } from "./scatter_layers.js";

export { CLUSTER_COLOURS, clusterName } from "./palette.js";
function clusterColour(k: number) {
  const domain = Array.from({ length: k }, (_, j) => clusterName(j));
  return { type: "categorical" as const, domain, range: CLUSTER_COLOURS.slice(0, k), legend: true };
}

/**
 * Plot's size options for a scatter: equal units on both axes (so distances and circles look as
 * they are) unless the data's spans differ so much that the chart would be a sliver; then a
 * fixed height.
 */
export function equalUnits(xs: number[], ys: number[], width: number, height?: number) {
  if (height !== undefined) return { height };
  const span = (values: number[]) => (max(values) ?? 0) - (min(values) ?? 0) || 1;
  const ratio = span(ys) / span(xs);
  return ratio >= 0.4 && ratio <= 2.5 ? { aspectRatio: 1 } : { height: Math.min(width, 460) };
}

/** Row i of `points` as {x, y} (the first two columns). */
function xy(points: Matrix, i: number) {
  return { x: points.data[i * points.cols], y: points.data[i * points.cols + 1] };
}

/** Options of {@link clusterPlot}. */
export interface ClusterPlotOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Centroid positions over training, one Matrix per report, drawn as paths. */
  trajectory?: Matrix[];
  /** Colour index of each centre (default: its own index); lets matched clusters share a colour. */
  colourOf?: ArrayLike<number>;
  /** Shade each centre's decision region (Voronoi cell); only exact for 2-D data. */
  regions?: boolean;
  /** Names of the two axes (e.g. from a projection). */
  axisLabels?: [string, string];
}

/**
 * Points coloured by their cluster, centres marked "×", each centre's decision region (its
 * Voronoi cell: where it is the nearest centre) shaded, and optionally the path each centre
 * took during training.
 */
export function clusterPlot(
  points: Matrix,
  labels: ArrayLike<number>,
  centres: Matrix,
  { width = 640, height, title, trajectory, colourOf, regions = true, axisLabels = ["x₀", "x₁"] }:
    ClusterPlotOptions = {},
) {
  const k = centres.rows;
  const colour = (j: number) => clusterName(colourOf ? colourOf[j] : j);
  const dots = Array.from(
    { length: points.rows },
    (_, i) => ({ ...xy(points, i), cluster: colour(labels[i]) }),
  );
  const centreRows = Array.from({ length: k }, (_, j) => ({ ...xy(centres, j), cluster: colour(j) }));
  const paths = (trajectory ?? []).flatMap((step, t) =>
    Array.from({ length: k }, (_, j) => ({ ...xy(step, j), cluster: colour(j), t }))
  );
  const extent = (values: number[]) => [min(values), max(values)];
  return Plot.plot({
    width,
    ...equalUnits(dots.map((d) => d.x), dots.map((d) => d.y), width, height),
    title,
    grid: true,
    x: { label: axisLabels[0], domain: extent(dots.map((d) => d.x)), nice: true },
    y: { label: axisLabels[1], domain: extent(dots.map((d) => d.y)), nice: true },
    color: clusterColour(Math.max(k, ...(colourOf ? Array.from(colourOf, (c) => c + 1) : [0]))),
    marks: [
      regions && k > 1
        ? Plot.voronoi(centreRows, { x: "x", y: "y", fill: "cluster", fillOpacity: 0.12 })
        : null,
      Plot.dot(dots, { x: "x", y: "y", fill: "cluster", r: 1.6, fillOpacity: 0.75 }),
      paths.length
        ? Plot.line(paths, { x: "x", y: "y", z: "cluster", stroke: "currentColor", strokeOpacity: 0.5 })
        : null,
      Plot.dot(centreRows, {
        x: "x",
        y: "y",
        symbol: "times",
        r: 8,
        stroke: "var(--theme-background)",
        strokeWidth: 5,
      }),
      Plot.dot(centreRows, {
        x: "x",
        y: "y",
        symbol: "times",
        r: 8,
        stroke: "currentColor",
        strokeWidth: 2.5,
      }),
    ],
  });
}

/** Points as a plain scatter (the data page's preview), with named axes. */
export function pointsPlot(
  points: Matrix,
  { width = 640, height, title, labels = ["x₀", "x₁"] }: {
    width?: number;
    height?: number;
    title?: string;
    labels?: [string, string];
  } = {},
) {
  const rows = Array.from({ length: points.rows }, (_, i) => xy(points, i));
  return Plot.plot({
    width,
    height: height ?? Math.min(width * 0.7, 460),
    title,
    grid: true,
    x: { label: labels[0] },
    y: { label: labels[1] },
    marks: [Plot.dot(rows, { x: "x", y: "y", r: 1.4, fill: "currentColor", fillOpacity: 0.5 })],
  });
}

/** The dataset coloured by set (train or validation), so readers see the split is an even shuffle. */
export function splitPlot(
  points: Matrix,
  split: { train: ArrayLike<number>; valid: ArrayLike<number> },
  { width = 640, height }: { width?: number; height?: number } = {},
) {
  const rows = [
    ...Array.from(split.train, (i) => ({ ...xy(points, i), set: "train" })),
    ...Array.from(split.valid, (i) => ({ ...xy(points, i), set: "validation" })),
  ];
  return Plot.plot({
    width,
    height: height ?? Math.min(width * 0.7, 460),
    grid: true,
    x: { label: columnName(0) },
    y: { label: columnName(1) },
    color: { legend: true, domain: ["train", "validation"], range: ["#9ca3af", "#d55e00"] },
    marks: [Plot.dot(rows, { x: "x", y: "y", fill: "set", r: 1.4, fillOpacity: 0.6 })],
  });
}

/** One point of a loss curve. */
export interface CurvePoint {
  epoch: number;
  value: number;
  series: string;
}

/**
 * Loss against epoch for several series (e.g. train loss and validation score), with a
 * dashed reference line (e.g. Lloyd's optimum) labelled at the right.
 */
export function lossCurve(
  points: CurvePoint[],
  {
    width = 640,
    height = 260,
    epochs,
    reference,
    referenceLabel = "reference",
    yLabel = "loss",
    logScale = true,
  }: {
    width?: number;
    height?: number;
    epochs?: number;
    reference?: number;
    referenceLabel?: string;
    yLabel?: string;
    /** A log y axis, for losses that fall over orders of magnitude (they must be positive). */
    logScale?: boolean;
  } = {},
) {
  const finite = points.filter((p) => Number.isFinite(p.value));
  return Plot.plot({
    width,
    height,
    grid: true,
    x: { label: "epoch", domain: [0, epochs ?? Math.max(1, max(finite, (p: CurvePoint) => p.epoch) ?? 0)] },
    y: { label: yLabel, type: logScale ? "log" : "linear", tickFormat: "~g" },
    color: { legend: true },
    marks: [
      reference !== undefined
        ? Plot.ruleY([reference], { stroke: "currentColor", strokeDasharray: "4,3" })
        : null,
      reference !== undefined
        ? Plot.text([reference], {
          y: (d) => d,
          frameAnchor: "left",
          dx: 8,
          dy: -8,
          text: () => referenceLabel,
        })
        : null,
      Plot.line(finite, { x: "epoch", y: "value", stroke: "series" }),
      Plot.dot(finite, Plot.selectLast({ x: "epoch", y: "value", fill: "series", z: "series", r: 3 })),
    ],
  });
}

/** A centre list for a chart's text alternative: "cluster 1 at (0.12, 0.34), ...". */
export function describeCentres(centres: Matrix, colourOf: ArrayLike<number>, name = "cluster"): string {
  return Array.from({ length: centres.rows }, (_, j) => {
    const row = Array.from(centres.data.slice(j * centres.cols, (j + 1) * centres.cols).slice(0, 2));
    return `${name} ${colourOf[j] + 1} at (${row.map((v) => v.toFixed(2)).join(", ")})`;
  }).join(", ");
}

/** Gives a layered scatter its text alternative: its title, then `details`. */
export function labelChart(panel: ScatterPanel, title: string, details: string): void {
  panel.setTitle(title);
  // Two lines kept for every title, so that a wrapping one does not shift its plot below its neighbours'.
  panel.element.querySelector("h2")?.style.setProperty("min-height", "2lh");
  panel.element.setAttribute("role", "img");
  panel.element.setAttribute("aria-label", `${title}. ${details}`);
}
