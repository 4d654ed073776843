/**
 * The model-selection chart: one criterion against k, with the k it picks marked.
 */
import * as Plot from "@observablehq/plot";

/** One criterion's value at one k, for {@link criterionPlot}. */
export interface CriterionPoint {
  k: number;
  value: number;
  series?: string;
}

/** A criterion against k, the picked k ringed and labelled; several series share the axes. */
export function criterionPlot(
  points: CriterionPoint[],
  { width = 640, height = 240, picks = [], yLabel, format = (v: number) => v.toFixed(4) }: {
    width?: number;
    height?: number;
    /** The points to mark, e.g. the elbow or the minimum. */
    picks?: CriterionPoint[];
    yLabel?: string;
    format?: (value: number) => string;
  } = {},
) {
  const series = new Set(points.map((p) => p.series ?? "")).size > 1;
  return Plot.plot({
    width,
    height,
    grid: true,
    x: { label: "k", ticks: points.map((p) => p.k), tickFormat: "d" },
    marginLeft: 56,
    y: { label: yLabel, tickFormat: "~s" },
    color: series ? { legend: true } : undefined,
    marks: [
      Plot.line(points, { x: "k", y: "value", stroke: series ? "series" : "currentColor", z: "series" }),
      Plot.dot(points, { x: "k", y: "value", fill: series ? "series" : "currentColor", r: 3 }),
      Plot.dot(picks, { x: "k", y: "value", r: 9, stroke: "var(--theme-red)", strokeWidth: 2 }),
      // One label per pick, stacked upwards so that picks at the same k stay readable.
      ...picks.map((pick, i) =>
        Plot.text([pick], {
          x: "k",
          y: "value",
          text: (p: CriterionPoint) => `${p.series ? `${p.series}: ` : ""}k = ${p.k} (${format(p.value)})`,
          dy: -16 - 14 * i,
          dx: 12,
          textAnchor: "start",
          fill: "var(--theme-red)",
        })
      ),
      Plot.tip(
        points,
        Plot.pointerX({
          x: "k",
          y: "value",
          title: (p: CriterionPoint) => `${p.series ? `${p.series}\n` : ""}k = ${p.k}\n${format(p.value)}`,
        }),
      ),
    ],
  });
}
