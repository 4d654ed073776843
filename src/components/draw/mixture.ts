/**
 * Charts of spherical Gaussian mixtures: the mixing weights and sigmas over training (Plot's axes,
 * kept, with the lines in a layer: `kept_axes.ts`; the live scatters are in `scatter_layers.ts`), and
 * the components' names.
 */
import * as Plot from "@observablehq/plot";
import { html } from "htl";
import { CLUSTER_COLOURS, clusterColourOf } from "./palette.js";
import { KeptAxes, line, niceCeil } from "./kept_axes.js";

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

/** The kept parts of a live page's parameter chart (see {@link parameterCurves}). */
export class ParameterAxes {
  readonly element = html`<div class="parameter-curves"></div>` as HTMLElement;
  readonly weights = new KeptAxes();
  readonly sigmas = new KeptAxes();
  readonly panels = html`<div class="parameter-panels"></div>` as HTMLDivElement;
  legend?: { k: number; node: Node };
}

/**
 * Mixing weights and sigmas against epoch, one line per component, side by side under one legend.
 * With `kept` (a live page's), the axes are kept while their rounded domains stay (`kept_axes.ts`)
 * and the same element is returned, redrawn.
 */
export function parameterCurves(
  history: MixtureReport[],
  { width = 640, epochs, colourOf }: {
    width?: number;
    epochs?: number;
    /** Colour index of each component (from matching it with a reference), default its own index. */
    colourOf?: ArrayLike<number>;
  } = {},
  kept = new ParameterAxes(),
): HTMLElement {
  const k = history.length ? history[0].weights.length : 1;
  const colour = (j: number) => clusterColourOf(colourOf ? colourOf[j] : j);
  if (kept.legend?.k !== k) kept.legend = { k, node: Plot.legend({ color: componentColour(k) }) };
  const epochsAxis = [0, epochs ?? Math.max(1, ...history.map((step) => step.epoch))];
  const xs = history.map((step) => step.epoch);
  const half = Math.max(120, Math.floor(width / 2));
  const panels = ([["mixing weight", "weights", kept.weights], ["sigma", "sigmas", kept.sigmas]] as const)
    .map(
      ([label, field, axesOf]) => {
        let largest = 0;
        for (const step of history) {
          for (const v of Array.from(step[field])) largest = Math.max(largest, Math.abs(v));
        }
        const axes = axesOf.get({
          width: half,
          height: 200,
          grid: true,
          // Room for half of the last tick's label ("1,000") past the frame.
          marginRight: 20,
          // On a phone's width the end ticks of one panel met the next's start.
          x: { label: "epoch", domain: epochsAxis, ticks: width < 500 ? 2 : undefined },
          y: { label, domain: [0, niceCeil(largest)] },
        });
        // Lines cut to the frame: a diverging run's values cannot draw over the other panel or the page.
        axes.layer.innerHTML = Array.from(
          { length: k },
          (_, j) =>
            line(axes, xs, history.map((step) => step[field][j]), `stroke="${colour(j)}" stroke-width="1.5"`),
        ).join("");
        return axes.svg;
      },
    );
  // The kept charts stay in place; only new ones (a new k, width or domain) are put in.
  if (panels.some((panel, i) => kept.panels.children[i] !== panel)) kept.panels.replaceChildren(...panels);
  if (kept.element.firstChild !== kept.legend.node) {
    kept.element.replaceChildren(kept.legend.node, kept.panels);
  }
  return kept.element;
}
