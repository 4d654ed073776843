/**
 * Annealing's splits on a beta axis: each centroid's position along the chart's first axis (the
 * view's horizontal coordinate) against beta on a log scale, with the betas where the centroids split
 * and the first critical beta `1 / (2 lambda_max)` marked.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type Matrix } from "../../lib/matrix.js";
import { project, type Projection } from "../../lib/projection.js";
import { clusterColourOf } from "./palette.js";
import { labelledRule, logTick } from "./gap_curve.js";

/** The chart of {@link splitsChart}'s data: every beta's centroids, the splits and the theory's beta. */
export interface SplitsData {
  levels: { beta: number; centroids: Matrix }[];
  splits: { beta: number; groups: number }[];
  firstCritical: number;
}

/** The splits chart (see the module); `colourOf` colours each centroid as the panels do. */
export function splitsChart(
  { levels, splits, firstCritical }: SplitsData,
  { width, projection, colourOf, axis }: {
    width: number;
    projection: Projection;
    colourOf: ArrayLike<number>;
    axis: string;
  },
): SVGSVGElement | HTMLElement {
  const rows = levels.flatMap(({ beta, centroids }) => {
    const projected = project(centroids, projection);
    return Array.from({ length: centroids.rows }, (_, j) => ({
      beta,
      position: projected.data[2 * j],
      centroid: j,
    }));
  });
  return Plot.plot({
    width: Math.max(160, width),
    height: 260,
    grid: true,
    x: { type: "log", label: "beta (inverse temperature) →", tickFormat: logTick },
    y: { label: `centroid position along ${axis}` },
    marks: [
      ...labelledRule(firstCritical, "1/(2λmax)"),
      Plot.ruleX(splits, { x: "beta", stroke: "#999", strokeOpacity: 0.6 }),
      Plot.line(rows, {
        x: "beta",
        y: "position",
        z: "centroid",
        stroke: (row: { centroid: number }) => clusterColourOf(colourOf[row.centroid]),
        strokeWidth: 1.5,
      }),
    ],
  });
}
