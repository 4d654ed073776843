/**
 * Curves that show the gap: how far each run's training loss is above a reference (K-means:
 * loss − Lloyd's; the mixture: NLL − EM's), against epoch, on a log axis, where the last
 * 0.01 of a gap is as visible as the first unit. A run that goes *below* the reference (excess
 * ≤ 0, which happens: EM stops in a local optimum, and float32 rounding) cannot sit on a log
 * axis: such points are drawn on a floor line at the bottom, hollow, and the caption says so.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { clusterColourOf } from "./palette.js";

/** One curve: a name, the epochs and the loss at each. */
export interface GapSeries {
  name: string;
  epochs: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Colour index in the palette (default: the series' index). */
  colour?: number;
}

/** Options of {@link gapCurve}. */
export interface GapCurveOptions {
  /** The reference's loss and name (e.g. `{value: 0.264, name: "Lloyd"}`). */
  reference: { value: number; name: string };
  width?: number;
  height?: number;
  /** What is measured, for the axis: "loss" or "NLL". */
  quantity?: string;
}

/** The excess of each value over the reference, with points at or below it put on `floor`. */
export function excessRows(series: GapSeries[], reference: number) {
  const rows = series.flatMap((s, n) =>
    Array.from({ length: s.values.length }, (_, i) => ({
      name: s.name,
      colour: clusterColourOf(s.colour ?? n),
      epoch: s.epochs[i],
      excess: s.values[i] - reference,
    }))
  ).filter((row) => Number.isFinite(row.excess));
  const positive = rows.map((row) => row.excess).filter((excess) => excess > 0);
  // The floor sits a decade under the smallest positive excess (or at 1e-6 of the reference if none).
  const floor = positive.length ? Math.min(...positive) / 10 : Math.abs(reference) * 1e-6 || 1e-6;
  return {
    floor,
    rows: rows.map((row) => ({ ...row, below: row.excess <= 0, shown: Math.max(row.excess, floor) })),
  };
}

/**
 * The excess of each series over the reference against epoch, log y. The reference itself is 0
 * excess, off any log axis: the y label names it, and a dashed floor line labelled at its right end
 * (away from the curves' start) holds any point at or below it. Returns the chart; its `aria-label`
 * gives each series' final excess.
 */
export function gapCurve(
  series: GapSeries[],
  { reference, width = 640, height = 260, quantity = "loss" }: GapCurveOptions,
) {
  const { floor, rows } = excessRows(series, reference.value);
  const anyBelow = rows.some((row) => row.below);
  const finals = series.map((s) => {
    const last = rows.filter((row) => row.name === s.name).at(-1);
    return last ? `${s.name} ends ${last.excess.toExponential(2)} ${last.below ? "below" : "above"}` : s.name;
  });
  return Plot.plot({
    width,
    height,
    marginRight: 20,
    ariaLabel: `Excess ${quantity} over ${reference.name}'s (${
      reference.value.toFixed(5)
    }) against epoch, log scale: ${finals.join("; ")}.`,
    x: { label: "epoch →" },
    y: { type: "log", label: `↑ ${quantity} − ${reference.name}'s (log)`, tickFormat: "~g", grid: true },
    color: { type: "identity" },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.ruleY([floor], { stroke: "currentColor", strokeDasharray: "3,3", strokeOpacity: 0.6 }),
      Plot.text([floor], {
        y: (d: number) => d,
        frameAnchor: "right",
        textAnchor: "end",
        dy: -6,
        dx: -4,
        text: () => `${anyBelow ? "at or below" : "floor; 0 would be"} ${reference.name}'s ${quantity}`,
        fill: "currentColor",
        fillOpacity: 0.8,
      }),
      Plot.line(rows, { x: "epoch", y: "shown", z: "name", stroke: "colour", strokeWidth: 1.75, clip: true }),
      Plot.dot(rows.filter((row) => row.below), {
        x: "epoch",
        y: "shown",
        stroke: "colour",
        fill: "var(--theme-background)",
        r: 2.5,
        clip: true,
      }),
      Plot.text(
        series.map((s) => rows.filter((row) => row.name === s.name).at(-1)).filter((row) =>
          row !== undefined
        ),
        {
          x: "epoch",
          y: "shown",
          text: "name",
          fill: "colour",
          textAnchor: "end",
          dy: -8,
          stroke: "var(--theme-background)",
          strokeWidth: 3,
          paintOrder: "stroke",
        },
      ),
    ],
  });
}
