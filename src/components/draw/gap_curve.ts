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
import { formatScore } from "./format.js";

/** The narrowest chart drawn, in px: below it the frame would have a negative size. */
const MIN_WIDTH = 160;

/** Log-axis ticks that stay narrow: 0.001 to 10^6 as decimals, others as 1e−6 or 1e+32. */
export const logTick = (value: number): string =>
  value >= 1e-3 && value < 1e6 ? String(+value.toPrecision(3)) : value.toExponential(0).replace("e-", "e−");

/** A dashed vertical rule at `x` labelled `text` at the top of the frame: a reference value on a chart. */
export function labelledRule(x: number, text: string, { dy = 0 }: { dy?: number } = {}): Plot.Markish[] {
  return [
    Plot.ruleX([x], { stroke: "currentColor", strokeDasharray: "4,3" }),
    Plot.text([x], {
      x: (d: number) => d,
      frameAnchor: "top",
      dx: 4,
      dy,
      textAnchor: "start",
      text: () => text,
    }),
  ];
}

/** One curve: a name, the epochs and the loss at each. */
interface GapSeries {
  name: string;
  epochs: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Colour index in the palette (default: the series' index). */
  colour?: number;
}

/** Options of {@link gapCurve}. */
interface GapCurveOptions {
  /** The reference's loss and name (e.g. `{value: 0.264, name: "Lloyd"}`). */
  reference: { value: number; name: string };
  width?: number;
  height?: number;
  /** What is measured, for the axis: "loss" or "NLL". */
  quantity?: string;
  /** The run's length: the x axis spans 0 to it from the first epoch (default: the epochs drawn). */
  epochs?: number;
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
  { reference, width = 640, height = 260, quantity = "loss", epochs }: GapCurveOptions,
) {
  const { floor, rows } = excessRows(series, reference.value);
  const anyBelow = rows.some((row) => row.below);
  const finals = series.map((s) => {
    const last = rows.filter((row) => row.name === s.name).at(-1);
    return last ? `${s.name} ends ${last.excess.toExponential(2)} ${last.below ? "below" : "above"}` : s.name;
  });
  return Plot.plot({
    // resize() can first measure a card before layout (0 px): keep the frame's size positive.
    width: Math.max(width, MIN_WIDTH),
    height,
    marginRight: 20,
    marginLeft: 52,
    ariaLabel: `Excess ${quantity} over ${reference.name}'s (${
      formatScore(reference.value)
    }) against epoch, log scale: ${finals.join("; ")}.`,
    x: { label: "epoch →", ...(epochs ? { domain: [0, epochs] } : {}) },
    y: { type: "log", label: `↑ ${quantity} − ${reference.name}'s (log)`, tickFormat: logTick, grid: true },
    color: { type: "identity" },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.ruleY([floor], { stroke: "currentColor", strokeDasharray: "3,3", strokeOpacity: 0.6 }),
      // The floor's label sits at the left, where the curves start high: away from them.
      Plot.text([floor], {
        y: (d: number) => d,
        frameAnchor: "left",
        textAnchor: "start",
        lineAnchor: "bottom",
        // Wrapped within the frame (Plot's 10 px font: an em is about 10 px).
        lineWidth: (Math.max(width, MIN_WIDTH) - 52 - 20 - 8) / 10,
        dy: -3,
        dx: 4,
        text: () =>
          anyBelow
            ? `at or below ${reference.name}'s ${quantity}`
            : `floor (${reference.name}'s ${quantity} would be 0, off this scale)`,
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
      // Each series named at its end, stacked so that runs ending together stay readable.
      ...series.map((s, n) =>
        Plot.text(rows.filter((row) => row.name === s.name).slice(-1), {
          x: "epoch",
          y: "shown",
          text: "name",
          fill: "colour",
          textAnchor: "end",
          dy: -8 - 14 * n,
          stroke: "var(--theme-background)",
          strokeWidth: 3,
          paintOrder: "stroke",
        })
      ),
    ],
  });
}
