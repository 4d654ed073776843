/**
 * Charts of spherical Gaussian mixtures: the mixing weights and sigmas over training (Plot marks;
 * the live scatters are in `scatter_layers.ts`), and the components' names.
 */
import * as Plot from "@observablehq/plot";
import { max } from "d3-array";
import { CLUSTER_COLOURS } from "./palette.js";

/** Component j's name in legends (1-based). */
export const componentName = (j: number) => `component ${j + 1}`;

function componentColour(k: number) {
  const domain = Array.from({ length: k }, (_, j) => componentName(j));
  return { type: "categorical" as const, domain, range: CLUSTER_COLOURS.slice(0, k), legend: true };
}

/** One report of a mixture's training: the epoch and its parameters. */
interface MixtureReport {
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
      // Clipped to the frame: a diverging run's values cannot draw over the neighbouring facet or the page.
      Plot.line(rows, {
        x: "epoch",
        y: "value",
        stroke: "component",
        z: "component",
        fx: "parameter",
        clip: true,
      }),
    ],
  });
}
