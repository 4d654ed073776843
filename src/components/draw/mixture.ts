/**
 * Charts of spherical Gaussian mixtures: points coloured by their most likely component (opacity
 * by how sure), means as "+", 1-sigma and 2-sigma circles, density contours; and the mixing
 * weights and sigmas over training. Plot marks only.
 */
import * as Plot from "@observablehq/plot";
import { max, min } from "d3-array";
import type { Matrix } from "../../lib/matrix.js";
import type { SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import { gmmPosterior } from "../../lib/mixture/gaussian_mixture.js";
import { equalUnits } from "./clusters.js";
import { CLUSTER_COLOURS } from "./palette.js";

/** Component j's name in legends (1-based). */
export const componentName = (j: number) => `component ${j + 1}`;

function componentColour(k: number) {
  const domain = Array.from({ length: k }, (_, j) => componentName(j));
  return { type: "categorical" as const, domain, range: CLUSTER_COLOURS.slice(0, k), legend: true };
}

/** A circle of `radius` around (cx, cy) as a closed polyline. */
function circle(cx: number, cy: number, radius: number, steps = 72) {
  return Array.from({ length: steps + 1 }, (_, s) => {
    const angle = (2 * Math.PI * s) / steps;
    return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
  });
}

/** The mixture density at (x, y) for a 2-D model (the first two coordinates). */
function density2d(model: SphericalGaussianMixture, x: number, y: number): number {
  const { means, sigmas, weights } = model;
  let total = 0;
  for (let j = 0; j < means.rows; j++) {
    const variance = sigmas[j] * sigmas[j];
    const dx = x - means.data[j * means.cols], dy = y - means.data[j * means.cols + 1];
    total += (weights[j] / (2 * Math.PI * variance)) * Math.exp(-(dx * dx + dy * dy) / (2 * variance));
  }
  return total;
}

/** Options of {@link mixturePlot}. */
export interface MixturePlotOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Draw density contours (of the plotted two coordinates). */
  contours?: boolean;
  /** Names of the two axes (e.g. from a projection). */
  axisLabels?: [string, string];
}

/**
 * Validation points coloured by their most likely component, more opaque the surer the
 * posterior; means as "+"; circles at 1 and 2 sigma; and the mixture density's contours.
 */
export function mixturePlot(
  points: Matrix,
  model: SphericalGaussianMixture,
  { width = 640, height, title, contours = true, axisLabels = ["x₀", "x₁"] }: MixturePlotOptions = {},
) {
  const k = model.means.rows;
  const { responsibilities } = gmmPosterior(points, model);
  const dots = Array.from({ length: points.rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) {
      if (responsibilities.data[i * k + j] > responsibilities.data[i * k + best]) best = j;
    }
    return {
      x: points.data[i * points.cols],
      y: points.data[i * points.cols + 1],
      component: componentName(best),
      sureness: responsibilities.data[i * k + best],
    };
  });
  const means = Array.from({ length: k }, (_, j) => ({
    x: model.means.data[j * model.means.cols],
    y: model.means.data[j * model.means.cols + 1],
    component: componentName(j),
  }));
  const rings = means.flatMap((mean, j) =>
    [1, 2].flatMap((n) =>
      circle(mean.x, mean.y, n * model.sigmas[j]).map((p) => ({
        ...p,
        ring: `${j}-${n}`,
        component: mean.component,
      }))
    )
  );
  const xs = dots.map((d) => d.x), ys = dots.map((d) => d.y);
  const [x1, x2, y1, y2] = [min(xs)!, max(xs)!, min(ys)!, max(ys)!];
  return Plot.plot({
    width,
    ...equalUnits(xs, ys, width, height),
    title,
    grid: true,
    x: { label: axisLabels[0], domain: [x1, x2], nice: true },
    y: { label: axisLabels[1], domain: [y1, y2], nice: true },
    color: componentColour(k),
    opacity: { domain: [0, 1], range: [0.08, 0.9] },
    marks: [
      contours
        ? Plot.contour({
          x1,
          x2,
          y1,
          y2,
          value: (x: number, y: number) => density2d(model, x, y),
          fill: "none",
          stroke: "currentColor",
          strokeOpacity: 0.3,
          thresholds: 8,
        })
        : null,
      Plot.dot(dots, { x: "x", y: "y", fill: "component", fillOpacity: "sureness", r: 1.6 }),
      Plot.line(rings, { x: "x", y: "y", z: "ring", stroke: "component", strokeWidth: 1.5, clip: true }),
      Plot.dot(means, {
        x: "x",
        y: "y",
        symbol: "plus",
        r: 9,
        stroke: "var(--theme-background)",
        strokeWidth: 5,
      }),
      Plot.dot(means, { x: "x", y: "y", symbol: "plus", r: 9, stroke: "currentColor", strokeWidth: 2.5 }),
    ],
  });
}

/** One report of a mixture's training: the epoch and its parameters. */
export interface MixtureReport {
  epoch: number;
  sigmas: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** Mixing weights and sigmas against epoch, one line per component, side by side. */
export function parameterCurves(
  history: MixtureReport[],
  { width = 640, epochs, colourOf }: {
    width?: number;
    epochs?: number;
    /** Colour index of each component (from matching it with a reference), default its own index. */
    colourOf?: ArrayLike<number>;
  } = {},
) {
  const name = (j: number) => componentName(colourOf ? colourOf[j] : j);
  const rows = history.flatMap((step) =>
    Array.from(step.weights, (weight, j) => [
      { epoch: step.epoch, value: weight, component: name(j), parameter: "mixing weight" },
      { epoch: step.epoch, value: step.sigmas[j], component: name(j), parameter: "sigma" },
    ]).flat()
  );
  const k = history.length ? history[0].weights.length : 1;
  return Plot.plot({
    width,
    height: 220,
    grid: true,
    // Room for half of the last tick's label ("1,000") past the right facet's frame.
    marginRight: 20,
    fx: { label: null },
    x: {
      label: "epoch",
      domain: [0, epochs ?? Math.max(1, max(rows, (r: { epoch: number }) => r.epoch) ?? 0)],
      // Two facets side by side: on a phone's width the end ticks of one met the next's start.
      ticks: width < 500 ? 2 : undefined,
    },
    y: { label: null, zero: true },
    color: componentColour(k),
    facet: { data: rows, x: "parameter" },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.line(rows, { x: "epoch", y: "value", stroke: "component", z: "component", fx: "parameter" }),
    ],
  });
}
