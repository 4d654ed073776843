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
import { inFrame, KeptAxes, line, text, wrap } from "./kept_axes.js";

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
 * excess, off any log axis: the y label names it, and a dashed floor line labelled at its left end
 * holds any point at or below it. Returns the chart; its `aria-label` gives each series' final
 * excess. With `kept` (a live page's), the axes are kept while the rounded domains stay (see
 * `kept_axes.ts`) and the same element is returned, redrawn.
 */
export function gapCurve(
  series: GapSeries[],
  { reference, width = 640, height = 260, quantity = "loss", epochs }: GapCurveOptions,
  kept = new KeptAxes(),
): SVGSVGElement {
  const { floor, rows } = excessRows(series, reference.value);
  const anyBelow = rows.some((row) => row.below);
  const bySeries = series.map((s) => rows.filter((row) => row.name === s.name));
  const finals = series.map((s, n) => {
    const last = bySeries[n].at(-1);
    return last ? `${s.name} ends ${last.excess.toExponential(2)} ${last.below ? "below" : "above"}` : s.name;
  });
  // Whole decades from the floor to the largest excess: the axes change only when a run crosses one.
  const decade = (v: number, round: (x: number) => number) => 10 ** round(Math.log10(v));
  const low = decade(floor, Math.floor);
  const high = Math.max(decade(Math.max(floor, ...rows.map((row) => row.shown)), Math.ceil), low * 10);
  // resize() can first measure a card before layout (0 px): keep the frame's size positive.
  const w = Math.max(width, MIN_WIDTH);
  const axes = kept.get({
    width: w,
    height,
    marginRight: 20,
    marginLeft: 52,
    x: { label: "epoch →", domain: [0, epochs ?? Math.max(1, ...rows.map((row) => row.epoch))] },
    y: {
      type: "log",
      domain: [low, high],
      label: `↑ ${quantity} − ${reference.name}'s (log)`,
      tickFormat: logTick,
      grid: true,
    },
  });
  axes.svg.setAttribute(
    "aria-label",
    `Excess ${quantity} over ${reference.name}'s (${
      formatScore(reference.value)
    }) against epoch, log scale: ${finals.join("; ")}.`,
  );
  const [left, , right] = axes.frame, yFloor = axes.y(floor);
  const floorText = anyBelow
    ? `at or below ${reference.name}'s ${quantity}`
    : `floor (${reference.name}'s ${quantity} would be 0, off this scale)`;
  // The floor's label sits at the left, where the curves start high: away from them.
  let markup =
    `<line x1="${left}" x2="${right}" y1="${yFloor}" y2="${yFloor}" stroke="currentColor" stroke-dasharray="3,3" stroke-opacity="0.6"/>` +
    text(left + 4, yFloor - 3, wrap(floorText, right - left - 8), {
      attributes: `fill="currentColor" fill-opacity="0.8"`,
    });
  bySeries.forEach((own) => {
    if (!own.length) return;
    const colour = own[0].colour;
    markup += line(
      axes,
      own.map((r) => r.epoch),
      own.map((r) => r.shown),
      `stroke="${colour}" stroke-width="1.75"`,
    );
    for (const row of own.filter((r) => r.below)) {
      const px = axes.x(row.epoch), py = axes.y(row.shown);
      if (inFrame(axes, px, py)) {
        markup += `<circle cx="${px}" cy="${py}" r="2.5" stroke="${colour}" fill="var(--theme-background)"/>`;
      }
    }
  });
  // Each series named at its end, stacked so that runs ending together stay readable.
  bySeries.forEach((own, n) => {
    const last = own.at(-1);
    if (!last) return;
    const px = axes.x(last.epoch), py = axes.y(last.shown);
    if (!inFrame(axes, px, py)) return;
    markup += text(
      px,
      // Above its point, within the frame.
      Math.max(axes.frame[1] + 10, py - 8 - 14 * n),
      [last.name],
      {
        attributes:
          `fill="${last.colour}" stroke="var(--theme-background)" stroke-width="3" paint-order="stroke"`,
        anchor: "end",
      },
    );
  });
  axes.layer.innerHTML = markup;
  return axes.svg;
}
