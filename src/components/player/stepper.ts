/**
 * One picture of a clustering, for the Report's side-by-side panels and for stepping through
 * Lloyd and EM: points coloured by their cluster (K-means) or most likely component, more opaque
 * the surer the responsibility (mixture); centres "×" or means "+" with 1σ and 2σ circles. Colours
 * come from the one palette through `colourOf` (each model's centre j is drawn in colour
 * `colourOf[j]`), so panels of matched models colour the same cluster alike. Every mark is clipped
 * to the frame, and panels given the same `domain` and width get the same plot height.
 *
 * The points are in a mark of class `points` and the centres of class `centres`,
 * so tests (and screen readers) can find them; the chart's own `aria-label` summarises it.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { EMHalfStep } from "../../lib/mixture/em_steps.js";
import { gmmPosterior, type SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import type { LloydHalfStep } from "../../lib/kmeans/lloyd_steps.js";
import type { Matrix } from "../../lib/matrix.js";
import { clusterColourOf, clusterName, columnName } from "../draw/palette.js";

/** The narrowest chart drawn, in px: below it the frame would have a negative size. */
const MIN_WIDTH = 160;

/** The x and y extent a row of panels shares. */
export interface PlotDomain {
  x: [number, number];
  y: [number, number];
}

/** Options shared by the panels. */
export interface PanelOptions {
  width?: number;
  /** Shared axis extent; by default the points' own. Give every panel of a row the same one. */
  domain?: PlotDomain;
  /** Colour index of each centre (default: its own index). */
  colourOf?: ArrayLike<number>;
  title?: string;
  /** The chart's text alternative; by default a sentence naming the centres. */
  ariaLabel?: string;
}

/** The first two columns' extent over every matrix given, a little padded: one domain for a row of panels. */
export function sharedDomain(...sets: Matrix[]): PlotDomain {
  const extent = (t: number): [number, number] => {
    let low = Infinity, high = -Infinity;
    for (const set of sets) {
      for (let i = 0; i < set.rows; i++) {
        const value = set.data[i * set.cols + t];
        if (value < low) low = value;
        if (value > high) high = value;
      }
    }
    const pad = (high - low) * 0.02 || 1;
    return [low - pad, high + pad];
  };
  return { x: extent(0), y: extent(1) };
}

/** Plot's size for a panel: equal units on both axes unless the chart would be a sliver. */
function size(domain: PlotDomain, width: number) {
  const ratio = (domain.y[1] - domain.y[0]) / (domain.x[1] - domain.x[0]);
  return ratio >= 0.4 && ratio <= 2.5 ? { aspectRatio: 1 } : { height: Math.min(width, 460) };
}

const at = (m: Matrix, i: number) => ({ x: m.data[i * m.cols], y: m.data[i * m.cols + 1] });
const colours = (colourOf: ArrayLike<number> | undefined, k: number) =>
  Array.from({ length: k }, (_, j) => (colourOf ? colourOf[j] : j));
const describeCentres = (centres: Matrix, colourIndex: number[]) =>
  Array.from({ length: centres.rows }, (_, j) => {
    const { x, y } = at(centres, j);
    return `${clusterName(colourIndex[j])} at (${x.toFixed(2)}, ${y.toFixed(2)})`;
  }).join(", ");

function frame(
  { width, domain, title, ariaLabel }: {
    width: number;
    domain: PlotDomain;
    title?: string;
    ariaLabel: string;
  },
  marks: Plot.Markish[],
) {
  return Plot.plot({
    // resize() can first measure a card before layout (0 px): keep the frame's size positive.
    width: Math.max(width, MIN_WIDTH),
    ...size(domain, Math.max(width, MIN_WIDTH)),
    title,
    ariaLabel,
    grid: true,
    x: { label: columnName(0), domain: domain.x },
    y: { label: columnName(1), domain: domain.y },
    marks: [Plot.frame({ strokeOpacity: 0.2 }), ...marks],
  });
}

function centreMarks(centres: { x: number; y: number }[], symbol: "times" | "plus") {
  return [
    Plot.dot(centres, {
      x: "x",
      y: "y",
      symbol,
      r: 8,
      stroke: "var(--theme-background)",
      strokeWidth: 5,
      clip: true,
      ariaHidden: "true",
    }),
    Plot.dot(centres, {
      x: "x",
      y: "y",
      symbol,
      r: 8,
      stroke: "currentColor",
      strokeWidth: 2.5,
      clip: true,
      className: "centres",
    }),
  ];
}

/**
 * Points coloured by their cluster (`labels[i]` indexes `centres`), centres "×", and each
 * centre's decision region (its Voronoi cell, exact for 2-D data) lightly shaded.
 */
export function assignmentPlot(
  points: Matrix,
  { centres, labels, width = 640, domain = sharedDomain(points), colourOf, title, ariaLabel, regions = true }:
    & PanelOptions
    & { centres: Matrix; labels: ArrayLike<number>; regions?: boolean },
) {
  const colourIndex = colours(colourOf, centres.rows);
  const dots = Array.from({ length: points.rows }, (_, i) => ({
    ...at(points, i),
    fill: clusterColourOf(colourIndex[labels[i]]),
  }));
  const centreRows = Array.from({ length: centres.rows }, (_, j) => ({
    ...at(centres, j),
    fill: clusterColourOf(colourIndex[j]),
  }));
  return frame({
    width,
    domain,
    title,
    ariaLabel: ariaLabel ??
      `${points.rows} points in ${centres.rows} clusters; ${describeCentres(centres, colourIndex)}.`,
  }, [
    regions && centres.rows > 1
      ? Plot.voronoi(centreRows, {
        x: "x",
        y: "y",
        fill: "fill",
        fillOpacity: 0.1,
        clip: true,
        ariaHidden: "true",
      })
      : null,
    Plot.dot(dots, {
      x: "x",
      y: "y",
      fill: "fill",
      r: 1.6,
      fillOpacity: 0.8,
      clip: true,
      className: "points",
    }),
    ...centreMarks(centreRows, "times"),
  ]);
}

/** Points of a circle of `radius` around (x, y), as a closed path. */
function circle(x: number, y: number, radius: number) {
  return Array.from({ length: 65 }, (_, s) => {
    const angle = (2 * Math.PI * s) / 64;
    return { x: x + radius * Math.cos(angle), y: y + radius * Math.sin(angle) };
  });
}

/**
 * Points coloured by their most likely component, more opaque the surer (the largest
 * responsibility), means "+", and circles at 1σ and 2σ. Give `responsibilities` (N x k) to draw an
 * E-step's; by default they are computed from the mixture.
 */
export function responsibilityPlot(
  points: Matrix,
  { mixture, responsibilities, width = 640, domain = sharedDomain(points), colourOf, title, ariaLabel }:
    & PanelOptions
    & { mixture: SphericalGaussianMixture; responsibilities?: Matrix },
) {
  const k = mixture.means.rows;
  const r = (responsibilities ?? gmmPosterior(points, mixture).responsibilities).data;
  const colourIndex = colours(colourOf, k);
  const dots = Array.from({ length: points.rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (r[i * k + j] > r[i * k + best]) best = j;
    return {
      ...at(points, i),
      fill: clusterColourOf(colourIndex[best]),
      sureness: 0.08 + 0.82 * r[i * k + best],
    };
  });
  const means = Array.from({ length: k }, (_, j) => at(mixture.means, j));
  const rings = means.flatMap((mean, j) =>
    [1, 2].flatMap((n) =>
      circle(mean.x, mean.y, n * mixture.sigmas[j]).map((p) => ({
        ...p,
        ring: `${j}-${n}`,
        stroke: clusterColourOf(colourIndex[j]),
      }))
    )
  );
  const describe = Array.from(
    { length: k },
    (_, j) =>
      `${clusterName(colourIndex[j])}: mean (${means[j].x.toFixed(2)}, ${means[j].y.toFixed(2)}), σ ${
        mixture.sigmas[j].toFixed(2)
      }, weight ${mixture.weights[j].toFixed(2)}`,
  ).join("; ");
  return frame({
    width,
    domain,
    title,
    ariaLabel: ariaLabel ?? `${points.rows} points, a mixture of ${k} components; ${describe}.`,
  }, [
    Plot.dot(dots, {
      x: "x",
      y: "y",
      fill: "fill",
      fillOpacity: "sureness",
      r: 1.6,
      clip: true,
      className: "points",
    }),
    Plot.line(rings, {
      x: "x",
      y: "y",
      z: "ring",
      stroke: "stroke",
      strokeWidth: 1.5,
      clip: true,
      ariaHidden: "true",
    }),
    ...centreMarks(means, "plus"),
  ]);
}

/** One of Lloyd's half-steps (lib/kmeans/lloyd_steps.ts) drawn: its labels, its centres, its loss in the title. */
export function lloydStepPlot(points: Matrix, step: LloydHalfStep, options: PanelOptions = {}) {
  const what = step.phase === "start" ? "start" : `iteration ${step.iteration}, ${step.phase}`;
  return assignmentPlot(points, {
    title: `Lloyd, ${what}: loss ${step.loss.toFixed(5)}${step.converged ? " (converged)" : ""}`,
    ...options,
    centres: step.centres,
    labels: step.labels,
  });
}

/** One of EM's half-steps (lib/mixture/em_steps.ts) drawn: its responsibilities, its mixture, its NLL in the title. */
export function emStepPlot(points: Matrix, step: EMHalfStep, options: PanelOptions = {}) {
  const what = step.phase === "start" ? "start" : `iteration ${step.iteration}, ${step.phase}-step`;
  return responsibilityPlot(points, {
    title: `EM, ${what}: NLL ${step.nll.toFixed(5)}${step.converged ? " (converged)" : ""}`,
    ...options,
    mixture: step.mixture,
    responsibilities: step.responsibilities,
  });
}

/**
 * Buttons that step through a list of half-steps (back, forward, to the end, to the start) and a
 * place to draw the current one. `draw(index)` is called on each move; the element carries the
 * current index in `data-step` so that tests can follow it.
 */
export class Stepper {
  readonly element: HTMLDivElement;
  readonly controls: HTMLDivElement;
  #count = 0;
  #index = 0;
  readonly #draw: (index: number) => void;
  readonly #buttons: HTMLButtonElement[];

  constructor(name: string, draw: (index: number) => void) {
    this.#draw = draw;
    this.element = document.createElement("div");
    this.element.className = "stepper";
    this.controls = document.createElement("div");
    this.controls.className = "stepper-controls";
    const button = (text: string, label: string, move: () => number) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", () => this.show(move()));
      return b;
    };
    this.#buttons = [
      button("◀◀", `${name}: back to the start`, () => 0),
      button("◀", `${name}: one half-step back`, () => this.#index - 1),
      button(`${name} step ▶`, `${name}: one half-step forward`, () => this.#index + 1),
      button("▶▶", `${name}: to convergence`, () => this.#count - 1),
    ];
    this.#buttons[2].className = "step-forward";
    this.controls.append(...this.#buttons);
    this.reset(0);
  }

  /** Starts over with `count` half-steps, showing the first (0: none yet, every button disabled). */
  reset(count: number): void {
    this.#count = count;
    this.show(0);
  }

  /** Shows half-step `index` (clamped). */
  show(index: number): void {
    this.#index = Math.max(0, Math.min(this.#count - 1, index));
    this.element.dataset.step = String(this.#index);
    this.#buttons[0].disabled = this.#buttons[1].disabled = this.#index <= 0;
    this.#buttons[2].disabled = this.#buttons[3].disabled = this.#index >= this.#count - 1;
    if (this.#count) this.#draw(this.#index);
  }

  get index(): number {
    return this.#index;
  }
}
