/**
 * The model-selection chart: one criterion against k, with the k it picks marked.
 */
import * as Plot from "@observablehq/plot";
import { formatScore } from "./format.js";

/** One criterion's value at one k, for {@link criterionPlot}. */
interface CriterionPoint {
  k: number;
  value: number;
}

/**
 * Tick labels that read as numbers at every magnitude: "0.670", not SI's "670m"; thousands
 * grouped; SI only for values of 10,000 and more (BIC and AIC in the tens of thousands read "31k").
 */
export function criterionTickFormat(values: number[]): string {
  const largest = Math.max(...values.map(Math.abs));
  return largest >= 1e4 ? "~s" : largest >= 10 ? ",.0f" : ".3f";
}

/**
 * A criterion against k, the picked k ringed; one label per pick in the top margin, stacked, so
 * labels never cover the curve nor each other. One criterion per chart: two criteria of similar
 * values (BIC and AIC) drawn on one axis hide each other. The chart's `aria-label` lists every
 * value and the picks.
 */
export function criterionPlot(
  points: CriterionPoint[],
  {
    width = 640,
    picks = [],
    yLabel = "criterion",
    yDomain,
    format = (v: number) => formatScore(v, { digits: 4 }),
  }: {
    width?: number;
    /** The points to mark, e.g. the elbow or the minimum. */
    picks?: CriterionPoint[];
    yLabel?: string;
    /**
     * The y axis's extent, where the values' own extent would exaggerate small differences (the
     * silhouette, between -1 and 1, is drawn from 0 to 1). Default: the values' extent.
     */
    yDomain?: [number, number];
    format?: (value: number) => string;
  } = {},
) {
  const pickText = (p: CriterionPoint) => `picks k = ${p.k} (${format(p.value)})`;
  const describe = points.map((p) => `k = ${p.k}: ${format(p.value)}`).join(", ");
  const lineHeight = 15;
  return Plot.plot({
    width,
    height: 240 + lineHeight * picks.length,
    marginTop: 12 + lineHeight * picks.length,
    // The y label runs along the axis (not in the top margin, which holds the picks' labels).
    marginLeft: 68,
    grid: true,
    ariaLabel: `${yLabel} against k. ${describe}. ${picks.map(pickText).join("; ")}.`,
    x: { label: "k", ticks: points.map((p) => p.k), tickFormat: "d" },
    y: {
      label: yLabel,
      labelAnchor: "center",
      domain: yDomain,
      tickFormat: criterionTickFormat([...points.map((p) => p.value), ...(yDomain ?? [])]),
    },
    marks: [
      Plot.line(points, { x: "k", y: "value", stroke: "currentColor" }),
      Plot.dot(points, { x: "k", y: "value", fill: "currentColor", r: 3 }),
      Plot.dot(picks, { x: "k", y: "value", r: 9, stroke: "var(--theme-red)", strokeWidth: 2 }),
      // The labels sit in the top margin, one line each, right-aligned above the frame.
      ...picks.map((pick, i) =>
        Plot.text([pick], {
          frameAnchor: "top-right",
          text: pickText,
          dy: -6 - lineHeight * (picks.length - 1 - i),
          textAnchor: "end",
          lineAnchor: "bottom",
          fill: "var(--theme-red)",
        })
      ),
      Plot.tip(
        points,
        Plot.pointerX({
          x: "k",
          y: "value",
          title: (p: CriterionPoint) => `k = ${p.k}\n${format(p.value)}`,
        }),
      ),
    ],
  });
}
