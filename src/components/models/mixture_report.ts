/**
 * Report elements for the mixture page: the collapse warning and the k = 1..5 summary table.
 */
import { html } from "htl";
import * as Inputs from "@observablehq/inputs";
import { formatScore } from "../draw/format.js";

/** Below this fraction of the data's spread, a sigma is "collapsing" onto a point. */
const SIGMA_COLLAPSE = 0.01;
/** Below this, a mixing weight is "vanishing": the component explains almost no point. */
const WEIGHT_VANISH = 0.001;

/**
 * A warning when a component's sigma collapses towards 0 (the likelihood of a point can then
 * grow without bound: a degenerate optimum) or its weight towards 0 (a component that explains
 * nothing); empty when the mixture is healthy.
 */
export function collapseWarning(
  model: { sigmas: ArrayLike<number>; weights: ArrayLike<number> },
  { name, dataScale }: { name: string; dataScale: number },
) {
  /** The components (1-based) whose value passes `test`. */
  const where = (values: ArrayLike<number>, test: (v: number) => boolean) =>
    Array.from(values).flatMap((v, j) => (test(v) ? [j + 1] : []));
  const collapsed = where(model.sigmas, (s) => Math.abs(s) < SIGMA_COLLAPSE * dataScale);
  const vanished = where(model.weights, (w) => w < WEIGHT_VANISH);
  if (!collapsed.length && !vanished.length) return html`<span></span>`;
  return html`
    <div class="warning"
      role="note"><strong>${name}:</strong> ${collapsed.length
        ? `component ${
          collapsed.join(", ")
        } has a sigma collapsing towards 0 (below ${SIGMA_COLLAPSE} of the data's spread): it is
      shrinking onto a few points, where the likelihood grows without bound. `
        : ""}${vanished.length
        ? `Component ${
          vanished.join(", ")
        } has a mixing weight below ${WEIGHT_VANISH}: it explains almost no point. `
        : ""}Try another seed, the K-means init, or a smaller k.</div>
  `;
}

/** The k = 1..5 table: validation NLL of random init, K-means init and EM. */
export function mixtureSummaryTable(
  rows: { k: number; random: number; kmeans: number; em: number; ms: number }[],
) {
  const nll = (v: number) => formatScore(v);
  return Inputs.table(rows, {
    columns: ["k", "random", "kmeans", "em", "ms"],
    header: { k: "k", random: "random init", kmeans: "K-means init", em: "EM", ms: "time, both inits (ms)" },
    format: { random: nll, kmeans: nll, em: nll, ms: (v: number) => v.toFixed(0) },
    select: false,
  });
}
