/**
 * One picture of a clustering, for the Report's side-by-side panels and for stepping through
 * Lloyd and EM: points coloured by their cluster (K-means) or most likely component, more opaque
 * the surer the responsibility (mixture); centroids "×" or means "+" with 1σ and 2σ circles. Colours
 * come from the one palette through `colourOf` (each model's centroid or mean j is drawn in colour
 * `colourOf[j]`), so panels of matched models colour the same cluster alike. Every mark is clipped
 * to the frame, and panels given the same `domain` and width get the same plot height.
 *
 * The points are in a mark of class `points` and the centroids and means of class `markers`,
 * so tests (and screen readers) can find them; the chart's own `aria-label` summarises it.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { extent } from "d3-array";
import type { EMHalfStep } from "../../lib/mixture/em_steps.js";
import { gmmPosterior, type SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import type { LloydHalfStep } from "../../lib/kmeans/lloyd_steps.js";
import type { Matrix } from "../../lib/matrix.js";
import { clusterColourOf, clusterName, columnName } from "./palette.js";
import { describePositions, equalUnits, xy } from "./clusters.js";

/** The narrowest chart drawn, in px: below it the frame would have a negative size. */
const MIN_WIDTH = 160;

/** The x and y extent a row of panels shares. */
export interface PlotDomain {
  x: [number, number];
  y: [number, number];
}

/** Options shared by the panels. */
interface PanelOptions {
  width?: number;
  /** Shared axis extent; by default the points' own. Give every panel of a row the same one. */
  domain?: PlotDomain;
  /** Colour index of each centroid or mean (default: its own index). */
  colourOf?: ArrayLike<number>;
  title?: string;
  /** The chart's text alternative; by default a sentence naming the centroids or means. */
  ariaLabel?: string;
}

/** The first two columns' extent over every matrix given, a little padded: one domain for a row of panels. */
export function sharedDomain(...sets: Matrix[]): PlotDomain {
  const padded = (t: number): [number, number] => {
    const [low, high] = extent(
      sets.flatMap((set) => Array.from({ length: set.rows }, (_, i) => set.data[i * set.cols + t])),
    ) as [number, number];
    const pad = (high - low) * 0.02 || 1;
    return [low - pad, high + pad];
  };
  return { x: padded(0), y: padded(1) };
}

const colours = (colourOf: ArrayLike<number> | undefined, k: number) =>
  Array.from({ length: k }, (_, j) => (colourOf ? colourOf[j] : j));
/** Every mark reads x and y from its rows, and is clipped to the frame. */
const XY = { x: "x", y: "y", clip: true } as const;

/**
 * A panel's Plot chart: `marks` in a light frame over the axes x₀ and x₁ of `domain`, in equal units
 * unless that makes a sliver (the centroid picker's chart too, so that it lines up with the panels).
 */
export function panelPlot(
  marks: Plot.Markish[],
  { width, domain, title, ariaLabel }: {
    width: number;
    domain: PlotDomain;
    title?: string;
    ariaLabel: string;
  },
) {
  // resize() can first measure a card before layout (0 px): keep the frame's size positive.
  width = Math.max(width, MIN_WIDTH);
  return Plot.plot({
    width,
    ...equalUnits(domain.x, domain.y, width),
    title,
    ariaLabel,
    grid: true,
    x: { label: columnName(0), domain: domain.x },
    y: { label: columnName(1), domain: domain.y },
    marks: [Plot.frame({ strokeOpacity: 0.2 }), ...marks],
  });
}

/** Centroids' or means' markers, "×" or "+", over a halo in the background colour. */
function markerMarks(positions: { x: number; y: number }[], symbol: "times" | "plus") {
  const marker = { ...XY, symbol, r: 8 };
  return [
    Plot.dot(positions, { ...marker, stroke: "var(--theme-background)", strokeWidth: 5, ariaHidden: "true" }),
    Plot.dot(positions, { ...marker, stroke: "currentColor", strokeWidth: 2.5, className: "markers" }),
  ];
}

/**
 * Points coloured by their cluster (`labels[i]` indexes `centroids`), centroids "×", and each
 * centroid's decision region (its Voronoi cell, exact for 2-D data) lightly shaded.
 */
export function assignmentPlot(
  points: Matrix,
  { centroids, labels, width = 640, domain = sharedDomain(points), colourOf, title, ariaLabel }:
    & PanelOptions
    & { centroids: Matrix; labels: ArrayLike<number> },
) {
  const colourIndex = colours(colourOf, centroids.rows);
  const dots = Array.from({ length: points.rows }, (_, i) => ({
    ...xy(points, i),
    fill: clusterColourOf(colourIndex[labels[i]]),
  }));
  const centroidRows = Array.from({ length: centroids.rows }, (_, j) => ({
    ...xy(centroids, j),
    fill: clusterColourOf(colourIndex[j]),
  }));
  const positions = describePositions(centroids, colourIndex);
  ariaLabel ??= `${points.rows} points in ${centroids.rows} clusters; ${positions}.`;
  return panelPlot([
    centroids.rows > 1
      ? Plot.voronoi(centroidRows, { ...XY, fill: "fill", fillOpacity: 0.1, ariaHidden: "true" })
      : null,
    Plot.dot(dots, { ...XY, fill: "fill", r: 1.6, fillOpacity: 0.8, className: "points" }),
    ...markerMarks(centroidRows, "times"),
  ], { width, domain, title, ariaLabel });
}

/** Points of a circle of `radius` around (x, y), as a closed path. */
function circle(x: number, y: number, radius: number) {
  return Array.from({ length: 65 }, (_, s) => {
    const angle = (2 * Math.PI * s) / 64;
    return { x: x + radius * Math.cos(angle), y: y + radius * Math.sin(angle) };
  });
}

/**
 * Points coloured by their most likely component, more opaque the surer (the largest
 * responsibility), means "+", and circles at 1σ and 2σ. Give `responsibilities` (N x k) to draw an
 * E-step's; by default they are computed from the mixture.
 */
export function responsibilityPlot(
  points: Matrix,
  { mixture, responsibilities, width = 640, domain = sharedDomain(points), colourOf, title, ariaLabel }:
    & PanelOptions
    & { mixture: SphericalGaussianMixture; responsibilities?: Matrix },
) {
  const k = mixture.means.rows;
  const r = (responsibilities ?? gmmPosterior(points, mixture).responsibilities).data;
  const colourIndex = colours(colourOf, k);
  const dots = Array.from({ length: points.rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (r[i * k + j] > r[i * k + best]) best = j;
    return {
      ...xy(points, i),
      fill: clusterColourOf(colourIndex[best]),
      sureness: 0.08 + 0.82 * r[i * k + best],
    };
  });
  const means = Array.from({ length: k }, (_, j) => xy(mixture.means, j));
  const rings = means.flatMap((mean, j) =>
    [1, 2].flatMap((n) =>
      circle(mean.x, mean.y, n * mixture.sigmas[j]).map((p) => ({
        ...p,
        ring: `${j}-${n}`,
        stroke: clusterColourOf(colourIndex[j]),
      }))
    )
  );
  const describe = Array.from(
    { length: k },
    (_, j) =>
      `${clusterName(colourIndex[j])}: mean (${means[j].x.toFixed(2)}, ${means[j].y.toFixed(2)}), σ ${
        mixture.sigmas[j].toFixed(2)
      }, weight ${mixture.weights[j].toFixed(2)}`,
  ).join("; ");
  ariaLabel ??= `${points.rows} points, a mixture of ${k} components; ${describe}.`;
  return panelPlot([
    Plot.dot(dots, { ...XY, fill: "fill", fillOpacity: "sureness", r: 1.6, className: "points" }),
    Plot.line(rings, { ...XY, z: "ring", stroke: "stroke", strokeWidth: 1.5, ariaHidden: "true" }),
    ...markerMarks(means, "plus"),
  ], { width, domain, title, ariaLabel });
}

/** One of Lloyd's half-steps (lib/kmeans/lloyd_steps.ts) drawn: its labels, its centroids, its loss in the title. */
export function lloydStepPlot(points: Matrix, step: LloydHalfStep, options: PanelOptions = {}) {
  const what = step.phase === "start" ? "start" : `iteration ${step.iteration}, ${step.phase}`;
  return assignmentPlot(points, {
    title: `Lloyd, ${what}: loss ${step.loss.toFixed(5)}${step.converged ? " (converged)" : ""}`,
    ...options,
    centroids: step.centroids,
    labels: step.labels,
  });
}

/** One of EM's half-steps (lib/mixture/em_steps.ts) drawn: its responsibilities, its mixture, its NLL in the title. */
export function emStepPlot(points: Matrix, step: EMHalfStep, options: PanelOptions = {}) {
  const what = step.phase === "start" ? "start" : `iteration ${step.iteration}, ${step.phase}-step`;
  return responsibilityPlot(points, {
    title: `EM, ${what}: NLL ${step.nll.toFixed(5)}${step.converged ? " (converged)" : ""}`,
    ...options,
    mixture: step.mixture,
    responsibilities: step.responsibilities,
  });
}
