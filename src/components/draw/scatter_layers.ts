/**
 * A scatter drawn in layers, for charts that change many times a second: Plot draws the static
 * part once (axes, grid, legend, title) as SVG; the points are painted on a canvas under it
 * (thousands of dots cost one path per colour, not one element each); the moving parts (centres,
 * paths, decision regions, circles, contours) are an SVG group inside Plot's SVG whose content is
 * replaced on each draw. Everything is placed with Plot's own scales, so it lines up exactly.
 */
import * as Plot from "@observablehq/plot";
import { extent } from "d3-array";
import { Delaunay } from "d3-delaunay";
import { contours } from "d3-contour";
import { html } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import { RandomState } from "../../lib/random/random_state.js";
import { CLUSTER_COLOURS, clusterColourOf, clusterName, columnName } from "./palette.js";

/** At most this many points are drawn; larger sets are drawn as a seeded subsample. */
export const MAX_DRAWN_POINTS = 5000;

/** Indices of at most `max` rows of `rows`, a seeded (seed 0) subsample in row order, or all of them. */
export function drawnRows(rows: number, max = MAX_DRAWN_POINTS): Int32Array {
  if (rows <= max) return Int32Array.from({ length: rows }, (_, i) => i);
  return new RandomState(0).permutation(rows).subarray(0, max).sort();
}

/**
 * The two axis names of a view (see `viewOptions`): the columns' names (a CSV header's, else x₀, x₁,
 * ...), or PC1 and PC2 for the principal components.
 */
export function axisNames(view: string, columns?: string[]): [string, string] {
  if (view === "pca") return ["PC1", "PC2"];
  const [i, j] = view.split(",").map(Number);
  return [columns?.[i] || columnName(i), columns?.[j] || columnName(j)];
}

/** Plot's size options: equal units unless the spans differ so much that the chart would be a sliver. */
function size(xs: [number, number], ys: [number, number], width: number) {
  const ratio = (ys[1] - ys[0] || 1) / (xs[1] - xs[0] || 1);
  return ratio >= 0.4 && ratio <= 2.5 ? { aspectRatio: 1 } : { height: Math.min(width, 460) };
}

/** Options of {@link scatterPanel}. */
export interface ScatterOptions {
  width?: number;
  /** Names of the two axes. */
  axisLabels?: [string, string];
  /** Legend entries: clusters 1..k in the palette's colours. */
  k: number;
  /** Legend names (default: "cluster j"). */
  name?: (j: number) => string;
}

/** A layered scatter: see the module's description. */
export interface ScatterPanel {
  element: HTMLElement;
  /** The legend's k: {@link ScatterPanel.setK} changes it. */
  readonly k: number;
  /**
   * Shows a legend of k clusters instead, and clears the points and the moving layer, if the
   * legend has another k: a change of k keeps the axes (rebuilding them is most of a panel's cost).
   */
  setK(k: number): void;
  setTitle(text: string): void;
  /** Paints the points: colour index and opacity (0..1) of point i. */
  paint(colour: (i: number) => number, opacity?: (i: number) => number): void;
  /** Replaces the moving SVG layer's content (SVG markup in pixel coordinates). */
  overlay(markup: string): void;
  /** Data to pixel coordinates. */
  px(x: number): number;
  py(y: number): number;
  /** The plotting area in pixels: [left, top, right, bottom]. */
  frame: [number, number, number, number];
  /** The data domain shown: [x1, x2, y1, y2]. */
  domain: [number, number, number, number];
}

type Scale = { apply(v: number): number; range: number[]; domain: number[] };

/**
 * Plot's axes for a set of points, by width and axis names: built once and cloned afterwards, as
 * a change of k or a new run redraws the panels over the same axes (building them is most of a
 * panel's cost, and a long task when three panels are rebuilt at once).
 */
const axesCache = new WeakMap<
  Matrix,
  Map<string, { svg: SVGSVGElement & { scale(name: string): Scale }; x: Scale; y: Scale; height: number }>
>();

function axes(points: Matrix, width: number, axisLabels: [string, string]) {
  let byKey = axesCache.get(points);
  if (!byKey) axesCache.set(points, byKey = new Map());
  const key = JSON.stringify([width, axisLabels]);
  let built = byKey.get(key);
  if (!built) {
    const n = points.rows;
    const xs = extent(Array.from({ length: n }, (_, i) => points.data[2 * i])) as [number, number];
    const ys = extent(Array.from({ length: n }, (_, i) => points.data[2 * i + 1])) as [number, number];
    const svg = Plot.plot({
      width,
      ...size(xs, ys, width),
      grid: true,
      x: { label: axisLabels[0], domain: xs, nice: true },
      y: { label: axisLabels[1], domain: ys, nice: true },
      marks: [Plot.frame({ strokeOpacity: 0 })],
    }) as unknown as SVGSVGElement & { scale(name: string): Scale };
    built = { svg, x: svg.scale("x"), y: svg.scale("y"), height: Number(svg.getAttribute("height")) };
    byKey.set(key, built);
  }
  // A clone loses Plot's `scale()` method; the axes are the same, so their scales are too (readers
  // such as the browser tests place data on the chart with it, as on any Plot chart).
  const svg = built.svg.cloneNode(true) as SVGSVGElement & { scale(name: string): Scale };
  svg.scale = built.svg.scale.bind(built.svg);
  return { ...built, svg };
}

/**
 * A layered scatter of `points` (N x 2): Plot's axes with `axisLabels`, a legend of k clusters in
 * the palette's colours, the points on a canvas, and an SVG layer for the moving parts.
 */
export function scatterPanel(
  points: Matrix,
  { width = 640, axisLabels = ["x₀", "x₁"], k, name = clusterName }: ScatterOptions,
): ScatterPanel {
  const n = points.rows;
  const { x, y, height, svg } = axes(points, width, axisLabels);
  const legendOf = (k: number) =>
    Plot.legend({
      color: {
        type: "categorical",
        domain: Array.from({ length: k }, (_, j) => name(j)),
        range: CLUSTER_COLOURS.slice(0, k),
      },
    });
  let legend = legendOf(k), legendK = k;
  const canvas = html`<canvas class="scatter-points" aria-hidden="true"></canvas>` as HTMLCanvasElement;
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  // The points under Plot's SVG (axes, grid, moving parts), which has no background of its own.
  Object.assign(canvas.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
  svg.style.position = "relative";
  const layer = document.createElementNS("http://www.w3.org/2000/svg", "g");
  layer.setAttribute("class", "moving");
  svg.append(layer);
  const title = html`<h2></h2>` as HTMLElement;
  const element = html`
    <figure
      class="layered-scatter">${title}${legend}<div class="scatter-stack" style="position: relative">${canvas}${svg}</div></figure>
  ` as HTMLElement;
  const [left, right] = x.range, [bottom, top] = y.range;
  const context = canvas.getContext("2d");
  return {
    element,
    get k() {
      return legendK;
    },
    setK(k) {
      if (k === legendK) return;
      const next = legendOf(k);
      legend.replaceWith(next);
      legend = next;
      legendK = k;
      context?.clearRect(0, 0, canvas.width, canvas.height);
      layer.replaceChildren();
    },
    setTitle: (text) => void (title.textContent = text),
    paint(colour, opacity) {
      if (!context) return;
      // Dots written into a bitmap and put at once: a canvas path of thousands of arcs is recorded
      // and rasterized in the frame's paint and commit (tens of milliseconds for three panels).
      const image = context.createImageData(canvas.width, canvas.height);
      const pixels = image.data, w = canvas.width, h = canvas.height;
      const rgb = new Map<number, [number, number, number]>();
      for (let i = 0; i < n; i++) {
        const c = colour(i);
        let tone = rgb.get(c);
        if (!tone) rgb.set(c, tone = parseColour(context, clusterColourOf(c)));
        // Opacity in steps of 0.2, as the dots were drawn before (0.75 without an opacity).
        const alpha = opacity ? Math.round(Math.max(0.08, Math.min(0.9, opacity(i))) * 5) / 5 || 0.08 : 0.75;
        const cx = x.apply(points.data[2 * i]) * ratio, cy = y.apply(points.data[2 * i + 1]) * ratio;
        blendDisc(pixels, { w, h, cx, cy, r: 1.6 * ratio, alpha, rgb: tone });
      }
      context.putImageData(image, 0, 0);
    },
    overlay: (markup) => void (layer.innerHTML = markup),
    px: (v) => x.apply(v),
    py: (v) => y.apply(v),
    frame: [left, top, right, bottom],
    domain: [...(x.domain as [number, number]), ...(y.domain as [number, number])],
  };
}

/** A CSS colour as [r, g, b] bytes (the canvas normalizes it to #rrggbb). */
function parseColour(context: CanvasRenderingContext2D, colour: string): [number, number, number] {
  context.fillStyle = colour;
  const hex = String(context.fillStyle);
  return /^#[0-9a-f]{6}$/i.test(hex)
    ? [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number]
    : [128, 128, 128];
}

/**
 * Draws a disc of radius `r` (device pixels) centred at (cx, cy) over straight-alpha RGBA
 * `pixels`, source-over, each pixel's coverage estimated from its centre's distance to the edge
 * (a one-pixel antialiasing ramp).
 */
function blendDisc(
  pixels: Uint8ClampedArray,
  { w, h, cx, cy, r, alpha, rgb }: {
    w: number;
    h: number;
    cx: number;
    cy: number;
    r: number;
    alpha: number;
    rgb: [number, number, number];
  },
) {
  const x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(w - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(h - 1, Math.ceil(cy + r));
  for (let py = y0; py <= y1; py++) {
    const dy = py + 0.5 - cy;
    for (let px = x0; px <= x1; px++) {
      const dx = px + 0.5 - cx;
      const distance = Math.sqrt(dx * dx + dy * dy);
      const coverage = Math.max(0, Math.min(1, r + 0.5 - distance));
      if (!coverage) continue;
      const a = alpha * coverage, at = 4 * (py * w + px);
      const below = pixels[at + 3] / 255, out = a + below * (1 - a);
      for (let ch = 0; ch < 3; ch++) {
        pixels[at + ch] = (rgb[ch] * a + pixels[at + ch] * below * (1 - a)) / out;
      }
      pixels[at + 3] = out * 255;
    }
  }
}

const fixed = (v: number) => v.toFixed(1);

/** A centre's marker: a "×" (K-means) or "+" (mixture), with a halo in the background colour. */
function marker(cx: number, cy: number, symbol: "times" | "plus"): string {
  const r = 6;
  const d = symbol === "times"
    ? `M${fixed(cx - r)},${fixed(cy - r)}L${fixed(cx + r)},${fixed(cy + r)}M${fixed(cx - r)},${
      fixed(cy + r)
    }L${fixed(cx + r)},${fixed(cy - r)}`
    : `M${fixed(cx - r)},${fixed(cy)}H${fixed(cx + r)}M${fixed(cx)},${fixed(cy - r)}V${fixed(cy + r)}`;
  return `<path d="${d}" stroke="var(--theme-background)" stroke-width="5" fill="none"/>` +
    `<path d="${d}" stroke="currentColor" stroke-width="2.5" fill="none" class="centre"/>`;
}

/** The moving layer of a K-means panel: decision regions, centroid paths and the centroids. */
export function kmeansOverlay(
  panel: ScatterPanel,
  centres: Matrix,
  { colourOf, regions = true, trajectory = [] }: {
    colourOf: ArrayLike<number>;
    regions?: boolean;
    trajectory?: Matrix[];
  },
): string {
  const k = centres.rows;
  const points = Array.from(
    { length: k },
    (_, j) => [panel.px(centres.data[2 * j]), panel.py(centres.data[2 * j + 1])] as [number, number],
  );
  let markup = "";
  if (regions && k > 1) {
    const voronoi = Delaunay.from(points).voronoi(panel.frame);
    for (let j = 0; j < k; j++) {
      const cell = voronoi.renderCell(j);
      if (cell) markup += `<path d="${cell}" fill="${clusterColourOf(colourOf[j])}" fill-opacity="0.12"/>`;
    }
  }
  if (trajectory.length > 1) {
    for (let j = 0; j < k; j++) {
      const d = trajectory.map((step, t) =>
        `${t ? "L" : "M"}${fixed(panel.px(step.data[2 * j]))},${fixed(panel.py(step.data[2 * j + 1]))}`
      ).join("");
      markup += `<path d="${d}" fill="none" stroke="currentColor" stroke-opacity="0.5" stroke-width="1.5"/>`;
    }
  }
  for (let j = 0; j < k; j++) markup += marker(points[j][0], points[j][1], "times");
  return markup;
}

/** A 2-D spherical mixture (means already projected), for {@link mixtureOverlay}. */
export interface PlaneMixture {
  means: Matrix;
  sigmas: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** The mixture's density at (x, y) in the plane. */
export function planeDensity({ means, sigmas, weights }: PlaneMixture, x: number, y: number): number {
  let total = 0;
  for (let j = 0; j < means.rows; j++) {
    const variance = sigmas[j] * sigmas[j];
    const dx = x - means.data[2 * j], dy = y - means.data[2 * j + 1];
    total += (weights[j] / (2 * Math.PI * variance)) * Math.exp(-(dx * dx + dy * dy) / (2 * variance));
  }
  return total;
}

/** The moving layer of a mixture panel: density contours, 1σ and 2σ circles, and the means. */
export function mixtureOverlay(
  panel: ScatterPanel,
  model: PlaneMixture,
  { colourOf, contourLines = true, grid = 48 }: {
    colourOf: ArrayLike<number>;
    contourLines?: boolean;
    grid?: number;
  },
): string {
  const k = model.means.rows;
  const [x1, x2, y1, y2] = panel.domain;
  const [left, top, right, bottom] = panel.frame;
  let markup = "";
  if (contourLines) {
    const values = new Float64Array(grid * grid);
    for (let r = 0; r < grid; r++) {
      for (let c = 0; c < grid; c++) {
        values[r * grid + c] = planeDensity(
          model,
          x1 + ((c + 0.5) / grid) * (x2 - x1),
          y2 - ((r + 0.5) / grid) * (y2 - y1),
        );
      }
    }
    const sx = (right - left) / grid, sy = (bottom - top) / grid;
    // d3-contour has no typings here: MultiPolygons of rings of [x, y] in grid units.
    const generator = contours() as unknown as {
      size(size: [number, number]): {
        thresholds(n: number): (values: number[]) => { value: number; coordinates: number[][][][] }[];
      };
    };
    for (const contour of generator.size([grid, grid]).thresholds(8)(Array.from(values))) {
      const d = contour.coordinates.map((polygon) =>
        polygon.map((ring) =>
          ring.map(([cx, cy], i) => `${i ? "L" : "M"}${fixed(left + cx * sx)},${fixed(top + cy * sy)}`).join(
            "",
          ) + "Z"
        ).join("")
      ).join("");
      // The lowest threshold (0) outlines the whole frame: not a contour of the density.
      if (d && contour.value > 0) {
        markup += `<path d="${d}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>`;
      }
    }
  }
  const ux = Math.abs(panel.px(x1 + 1) - panel.px(x1)), uy = Math.abs(panel.py(y1 + 1) - panel.py(y1));
  for (let j = 0; j < k; j++) {
    const cx = panel.px(model.means.data[2 * j]), cy = panel.py(model.means.data[2 * j + 1]);
    for (const n of [1, 2]) {
      const s = n * model.sigmas[j];
      markup += `<ellipse cx="${fixed(cx)}" cy="${fixed(cy)}" rx="${fixed(s * ux)}" ry="${
        fixed(s * uy)
      }" fill="none" stroke="${clusterColourOf(colourOf[j])}" stroke-width="1.5"/>`;
    }
  }
  for (let j = 0; j < k; j++) {
    markup += marker(panel.px(model.means.data[2 * j]), panel.py(model.means.data[2 * j + 1]), "plus");
  }
  // Clipped to the frame (a wide 2σ circle would cross the axes); an inline style, since the site's
  // stylesheets set svg { overflow: visible }, which beats the overflow attribute.
  return `<svg x="${left}" y="${top}" width="${right - left}" height="${
    bottom - top
  }" style="overflow: hidden"><g transform="translate(${-left},${-top})">${markup}</g></svg>`;
}

/**
 * The scatter panels a live page keeps by name, each with the (view, width) its axes were built
 * for: asked again for the same ones, a panel keeps its axes and only takes the new k (its points
 * cleared if k changed); otherwise it is built anew and shown in its slot.
 */
export class KeptPanels<Name extends string> {
  readonly #panels = new Map<Name, { panel: ScatterPanel; axes: string }>();

  /** The panel `name` for `options` (see the class), shown in `slot`. */
  fresh(
    name: Name,
    points: Matrix,
    { view, slot, ...options }: ScatterOptions & {
      view: string;
      slot: { drawWidth: number; show(node: Node): void };
    },
  ): ScatterPanel {
    const axes = [view, slot.drawWidth].join();
    const kept = this.#panels.get(name);
    if (kept && kept.axes === axes) {
      kept.panel.setK(options.k);
      return kept.panel;
    }
    const panel = scatterPanel(points, { ...options, width: slot.drawWidth });
    this.#panels.set(name, { panel, axes });
    slot.show(panel.element);
    return panel;
  }

  /** The panel `name` as last built, if any. */
  get(name: Name): ScatterPanel | undefined {
    return this.#panels.get(name)?.panel;
  }

  /** Forgets panel `name` (its slot is cleared by the caller). */
  forget(name: Name): void {
    this.#panels.delete(name);
  }
}
