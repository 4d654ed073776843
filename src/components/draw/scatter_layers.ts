/**
 * A scatter drawn in layers, for charts that change many times a second: Plot draws the static
 * part once (axes, grid, legend, title) as SVG; the points are painted on a canvas under it
 * (thousands of dots cost one path per colour, not one element each); the moving parts (centroids, means,
 * paths, decision regions, circles, contours) are an SVG group inside Plot's SVG whose content is
 * replaced on each draw. Everything is placed with Plot's own scales, so it lines up exactly.
 */
import * as Plot from "@observablehq/plot";
import { extent, min } from "d3-array";
import { Delaunay } from "d3-delaunay";
import { contours } from "d3-contour";
import { rgb } from "d3-color";
import { html, svg as svgMarkup } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import { RandomState } from "../../lib/random/random_state.js";
import { CLUSTER_COLOURS, clusterColourOf, clusterName, columnName } from "./palette.js";
import { equalUnits } from "./clusters.js";
import type { PanelSlot } from "./panel_slot.js";

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

/** Options of {@link scatterPanel}. */
interface ScatterOptions {
  width?: number;
  /** Names of the two axes. */
  axisLabels?: [string, string];
  /** Legend entries: clusters 1..k in the palette's colours. */
  k: number;
  /** Legend names (default: "cluster j"). */
  name?: (j: number) => string;
}

/** A rectangle [left, top, right, bottom] in px. */
export type Box = [number, number, number, number];

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
  /** The plotting area in pixels. */
  frame: Box;
  /** The data domain shown: [x1, x2, y1, y2]. */
  domain: [number, number, number, number];
}

type Scale = { apply(v: number): number; range: number[]; domain: number[] };
/** Plot's SVG, with its scales. */
export type PlotSvg = SVGSVGElement & { scale(name: string): Scale };

/** How to paint each panel's points on a new canvas at another scale (see {@link pointsAt}). */
const repaints = new WeakMap<HTMLCanvasElement, (scale: number) => HTMLCanvasElement>();

/**
 * The points of the panel whose canvas is `canvas`, painted anew on a canvas of `scale` device
 * pixels per CSS pixel (an export's sharper copy); `canvas` itself if it is no panel's.
 */
export function pointsAt(canvas: HTMLCanvasElement, scale: number): HTMLCanvasElement {
  return repaints.get(canvas)?.(scale) ?? canvas;
}

/** Panels built so far, for their clip paths' ids (unique in the page). */
let clipCount = 0;

/**
 * Plot's axes for a set of points, by width and axis names: built once and cloned afterwards, as
 * a change of k or a new run redraws the panels over the same axes (building them is most of a
 * panel's cost, and a long task when three panels are rebuilt at once).
 */
const axesCache = new WeakMap<Matrix, Map<string, { svg: PlotSvg; x: Scale; y: Scale; height: number }>>();

function axes(points: Matrix, width: number, axisLabels: [string, string]) {
  let byKey = axesCache.get(points);
  if (!byKey) axesCache.set(points, byKey = new Map());
  const key = JSON.stringify([width, axisLabels]);
  let built = byKey.get(key);
  if (!built) {
    const column = (t: number) =>
      extent(Array.from({ length: points.rows }, (_, i) => points.data[2 * i + t])) as [number, number];
    const xs = column(0), ys = column(1);
    const svg = Plot.plot({
      width,
      ...equalUnits(xs, ys, width),
      grid: true,
      x: { label: axisLabels[0], domain: xs, nice: true },
      y: { label: axisLabels[1], domain: ys, nice: true },
      marks: [Plot.frame({ strokeOpacity: 0 })],
    }) as unknown as PlotSvg;
    built = { svg, x: svg.scale("x"), y: svg.scale("y"), height: Number(svg.getAttribute("height")) };
    byKey.set(key, built);
  }
  // A clone loses Plot's `scale()` method; the axes are the same, so their scales are too (readers
  // such as the browser tests place data on the chart with it, as on any Plot chart).
  const svg = built.svg.cloneNode(true) as PlotSvg;
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
  const ratio = globalThis.devicePixelRatio || 1;
  const canvas = html`<canvas class="scatter-points" aria-hidden="true"></canvas>` as HTMLCanvasElement;
  Object.assign(canvas, { width: Math.round(width * ratio), height: Math.round(height * ratio) });
  // The points under Plot's SVG (axes, grid, moving parts), which has no background of its own.
  canvas.style.cssText =
    `position: absolute; left: 0; top: 0; width: ${width}px; height: ${height}px; pointer-events: none`;
  svg.style.position = "relative";
  const [left, right] = x.range, [bottom, top] = y.range;
  // The moving layer is clipped to the frame (Plot's x range by its y range): whatever the values,
  // its marks never draw over the axes, the legend or the page around the chart.
  const clipId = `scatter-frame-${++clipCount}`;
  const layer = svgMarkup`<g class="moving" clip-path=${`url(#${clipId})`}></g>` as SVGGElement;
  svg.append(
    svgMarkup`<defs><clipPath id=${clipId}>
      <rect x=${left} y=${top} width=${right - left} height=${bottom - top}></rect>
    </clipPath></defs>`,
    layer,
  );
  const title = html`<h2></h2>` as HTMLElement;
  const element = html`
    <figure
      class="layered-scatter">${title}${legend}<div class="scatter-stack" style="position: relative">${canvas}${svg}</div></figure>
  ` as HTMLElement;
  const context = canvas.getContext("2d");
  /** Each drawn point's colour index and opacity, as last painted (for {@link pointsAt}). */
  let painted: { colours: Int32Array; alphas: Float32Array } | undefined;
  let kept: ImageData | undefined;
  // Writes the points into `target`'s bitmap, drawn at `scale` device pixels per CSS pixel.
  const paintOn = (target: CanvasRenderingContext2D, scale: number) => {
    const w = target.canvas.width, h = target.canvas.height;
    if (!painted) return target.clearRect(0, 0, w, h);
    // Dots written into a bitmap and put at once: a canvas path of thousands of arcs is recorded
    // and rasterized in the frame's paint and commit (tens of milliseconds for three panels).
    // The panel's own bitmap is kept from one paint to the next (a new one each time is hundreds of
    // kilobytes of garbage a frame); an export's copy has one of its own.
    const own = target === context && kept?.width === w && kept.height === h;
    const image = own ? kept! : target.createImageData(w, h);
    if (target === context) kept = image;
    const pixels = image.data;
    if (own) pixels.fill(0);
    const tones = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = painted.colours[i];
      let tone = tones.get(c);
      if (!tone) tones.set(c, tone = channels(clusterColourOf(c)));
      const cx = x.apply(points.data[2 * i]) * scale, cy = y.apply(points.data[2 * i + 1]) * scale;
      blendDisc(pixels, { w, h, cx, cy, r: 1.6 * scale, alpha: painted.alphas[i], rgb: tone });
    }
    target.putImageData(image, 0, 0);
  };
  repaints.set(canvas, (scale) => {
    const copy = Object.assign(document.createElement("canvas"), {
      width: Math.round(width * scale),
      height: Math.round(height * scale),
    });
    const target = copy.getContext("2d");
    if (target) paintOn(target, scale);
    return copy;
  });
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
      painted = undefined;
      context?.clearRect(0, 0, canvas.width, canvas.height);
      layer.replaceChildren();
    },
    setTitle: (text) => void (title.textContent = text),
    paint(colour, opacity) {
      const next = {
        colours: Int32Array.from({ length: n }, (_, i) => colour(i)),
        // Opacity in steps of 0.2, as the dots were drawn before (0.75 without an opacity).
        alphas: Float32Array.from(
          { length: n },
          (_, i) => opacity ? Math.round(Math.max(0.08, Math.min(0.9, opacity(i))) * 5) / 5 || 0.08 : 0.75,
        ),
      };
      // The same colours and opacities as on the canvas: nothing to paint.
      if (painted && sameValues(painted.colours, next.colours) && sameValues(painted.alphas, next.alphas)) {
        return;
      }
      painted = next;
      if (context) paintOn(context, ratio);
    },
    overlay: (markup) => void (layer.innerHTML = markup),
    px: (v) => x.apply(v),
    py: (v) => y.apply(v),
    frame: [left, top, right, bottom],
    domain: [...(x.domain as [number, number]), ...(y.domain as [number, number])],
  };
}

/** Whether two arrays of one length hold the same values. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A palette colour as [r, g, b] bytes. */
function channels(colour: string): number[] {
  const { r, g, b } = rgb(colour);
  return [r, g, b];
}

/** A disc in a `w` x `h` bitmap, for {@link blendDisc}. */
type Disc = { w: number; h: number; cx: number; cy: number; r: number; alpha: number; rgb: number[] };

/**
 * Draws a disc of radius `r` (device pixels) centred at (cx, cy) over straight-alpha RGBA
 * `pixels`, source-over, each pixel's coverage estimated from its centre's distance to the edge
 * (a one-pixel antialiasing ramp).
 */
function blendDisc(pixels: Uint8ClampedArray, { w, h, cx, cy, r, alpha, rgb }: Disc) {
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

/** `v` in px with one decimal, as every drawn SVG coordinate is written. */
export const fixed = (v: number) => v.toFixed(1);

/**
 * How far past the frame the moving layer's coordinates may reach, in px: every mark is cut to
 * the frame plus this (so that no attribute is NaN or astronomically large, whatever a diverged
 * run's values), then clipped to the frame itself by the layer's clip path.
 */
export const OVERLAY_MARGIN = 16;

/** The frame of `panel` grown by {@link OVERLAY_MARGIN} on each side. */
function reach(panel: ScatterPanel): Box {
  const [left, top, right, bottom] = panel.frame;
  return [left - OVERLAY_MARGIN, top - OVERLAY_MARGIN, right + OVERLAY_MARGIN, bottom + OVERLAY_MARGIN];
}

const finite = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y);
const inside = ([left, top, right, bottom]: Box, x: number, y: number) =>
  x >= left && x <= right && y >= top && y <= bottom;

/**
 * The part of the segment from a to b inside `box` (Liang-Barsky), or undefined: cut, not clamped,
 * so that what shows keeps its direction.
 */
export function clipSegment(
  [ax, ay]: [number, number],
  [bx, by]: [number, number],
  [left, top, right, bottom]: Box,
): [[number, number], [number, number]] | undefined {
  const dx = bx - ax, dy = by - ay;
  // Not finite, or so far apart that their difference is not (a segment across 1e308 px).
  if (!finite(ax, ay) || !finite(dx, dy)) return undefined;
  let t0 = 0, t1 = 1;
  for (const [p, q] of [[-dx, ax - left], [dx, right - ax], [-dy, ay - top], [dy, bottom - ay]]) {
    if (p === 0) {
      if (q < 0) return undefined;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  if (t0 > t1 || !Number.isFinite(t0) || !Number.isFinite(t1)) return undefined;
  // Huge coordinates can make t * d imprecise: the ends are kept inside the box.
  const at = (t: number): [number, number] => [
    Math.min(right, Math.max(left, ax + t * dx)),
    Math.min(bottom, Math.max(top, ay + t * dy)),
  ];
  return [at(t0), at(t1)];
}

/**
 * A polyline as an SVG path, cut to `box`: segments outside it are left out, a segment that leaves
 * and comes back starts a new subpath, non-finite points break the line. Empty if nothing is inside.
 */
export function polylinePath(points: [number, number][], box: Box): string {
  let d = "", end: [number, number] | undefined;
  for (let i = 1; i < points.length; i++) {
    const part = clipSegment(points[i - 1], points[i], box);
    if (!part) {
      end = undefined;
      continue;
    }
    const [from, to] = part;
    if (!end || end[0] !== from[0] || end[1] !== from[1]) d += `M${fixed(from[0])},${fixed(from[1])}`;
    d += `L${fixed(to[0])},${fixed(to[1])}`;
    end = to;
  }
  return d;
}

/** Coordinates and radii below this many px are drawn as they are (the clip path does the rest). */
const PLAIN = 1e5;
/** Coordinates and radii above this many px are not drawn (a double's step there is 1e-4 px). */
const FAR = 1e12;

/**
 * An ellipse [cx, cy, rx, ry] (centre, radii in px) as SVG, cut to `box`: as it is when its numbers are moderate;
 * nothing when it is not finite, lies past `FAR`, misses the box or encloses it (no stroke would
 * show); else the arc that crosses the box, as a polyline.
 */
function ellipseMarkup([cx, cy, rx, ry]: number[], box: Box, attributes: string): string {
  if (![cx, cy, rx, ry].every(Number.isFinite) || rx <= 0 || ry <= 0) return "";
  // In units where the ellipse is a circle of radius rx (y scaled by rx / ry).
  const s = rx / ry;
  const [left, top, right, bottom] = box;
  const nx = Math.min(right, Math.max(left, cx)), ny = Math.min(bottom, Math.max(top, cy));
  const near = Math.hypot(nx - cx, (ny - cy) * s);
  const corners: [number, number][] = [[left, top], [right, top], [right, bottom], [left, bottom]];
  const far = Math.max(...corners.map(([x, y]) => Math.hypot(x - cx, (y - cy) * s)));
  // Past FAR the arc's position is not known to a pixel in doubles.
  if (rx < near || rx > far || Math.max(Math.abs(cx), Math.abs(cy), rx, ry) > FAR) return "";
  if (Math.max(Math.abs(cx), Math.abs(cy), rx, ry) < PLAIN) {
    return `<ellipse cx="${fixed(cx)}" cy="${fixed(cy)}" rx="${fixed(rx)}" ry="${fixed(ry)}" ${attributes}/>`;
  }
  // The centre is far outside the box: the arc over the box's corners as seen from it (under π).
  const towards = Math.atan2(((top + bottom) / 2 - cy) * s, (left + right) / 2 - cx);
  const angles = corners.map(([x, y]) => {
    const a = Math.atan2((y - cy) * s, x - cx) - towards;
    return Math.atan2(Math.sin(a), Math.cos(a));
  });
  const from = towards + Math.min(...angles), to = towards + Math.max(...angles), steps = 128;
  const points = Array.from({ length: steps + 1 }, (_, i): [number, number] => {
    const a = from + ((to - from) * i) / steps;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
  const d = polylinePath(points, box);
  return d ? `<path d="${d}" ${attributes}/>` : "";
}

/** A centroid's or mean's marker: a "×" (K-means) or "+" (mixture), with a halo in the background colour. */
function marker(cx: number, cy: number, symbol: "times" | "plus"): string {
  const at = (dx: number, dy: number) => `${fixed(cx + 6 * dx)},${fixed(cy + 6 * dy)}`;
  const d = symbol === "times"
    ? `M${at(-1, -1)}L${at(1, 1)}M${at(-1, 1)}L${at(1, -1)}`
    : `M${at(-1, 0)}L${at(1, 0)}M${at(0, -1)}L${at(0, 1)}`;
  return `<path d="${d}" stroke="var(--theme-background)" stroke-width="5" fill="none"/>` +
    `<path d="${d}" stroke="currentColor" stroke-width="2.5" fill="none" class="marker"/>`;
}

/** The markers at `points` (px) within `box`: one off the chart shows nowhere. */
function markers(points: [number, number][], box: Box, symbol: "times" | "plus"): string {
  return points.map(([x, y]) => finite(x, y) && inside(box, x, y) ? marker(x, y, symbol) : "").join("");
}

/** Row j of `m` (N x 2) in the panel's pixels. */
const pixelsOf = (panel: ScatterPanel, m: Matrix, j: number): [number, number] => [
  panel.px(m.data[2 * j]),
  panel.py(m.data[2 * j + 1]),
];

/**
 * `point` (px) moved towards the centre of `box` until it lies within `bound` px of the box, along
 * the line that joins them: a far centroid keeps its direction for the Voronoi diagram.
 */
function within(point: [number, number], box: Box, bound: number): [number, number] {
  const [left, top, right, bottom] = box;
  const mx = (left + right) / 2, my = (top + bottom) / 2;
  const half = Math.max(right - left, bottom - top) / 2 + bound;
  const dx = point[0] - mx, dy = point[1] - my, size = Math.max(Math.abs(dx), Math.abs(dy));
  if (size <= half) return point;
  // Divided in two steps: dx / size stays finite when dx is near the largest double.
  return [mx + (dx / size) * half, my + (dy / size) * half];
}

/** The moving layer of a K-means panel: decision regions, centroid paths and the centroids. */
export function kmeansOverlay(
  panel: ScatterPanel,
  centroids: Matrix,
  { colourOf, regions = true, trajectory = [] }: {
    colourOf: ArrayLike<number>;
    regions?: boolean;
    trajectory?: Matrix[];
  },
): string {
  const k = centroids.rows;
  const box = reach(panel);
  const points = Array.from({ length: k }, (_, j) => pixelsOf(panel, centroids, j));
  let markup = "";
  if (regions && k > 1) {
    // Centroids that are not finite own no region; far ones are brought within a few frames'
    // width along their direction (their cells in the frame are then nearly the same, and the
    // diagram's arithmetic stays exact enough).
    const shown = points.flatMap((point, j) => finite(...point) ? [j] : []);
    const width = box[2] - box[0];
    const voronoi = Delaunay.from(shown.map((j) => within(points[j], box, 4 * width))).voronoi(panel.frame);
    shown.forEach((j, n) => {
      const cell = voronoi.renderCell(n);
      if (cell && !cell.includes("NaN")) {
        markup += `<path d="${cell}" fill="${clusterColourOf(colourOf[j])}" fill-opacity="0.12"/>`;
      }
    });
  }
  if (trajectory.length > 1) {
    for (let j = 0; j < k; j++) {
      const d = polylinePath(trajectory.map((step) => pixelsOf(panel, step, j)), box);
      if (d) {
        markup +=
          `<path d="${d}" fill="none" stroke="currentColor" stroke-opacity="0.5" stroke-width="1.5"/>`;
      }
    }
  }
  return markup + markers(points, box, "times");
}

/** A 2-D spherical mixture (means already projected), for {@link mixtureOverlay}. */
interface PlaneMixture {
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

/**
 * A contour's ring (grid units) as an SVG path without the parts that run along the grid's edge:
 * a region that reaches the frame is closed along it, and eight such edges drawn over each other
 * read as a dark frame, not as a contour.
 */
function contourRing(ring: number[][], grid: number, at: (x: number, y: number) => string): string {
  // Both ends on the edge: a stretch along it, or the cut d3-contour makes across a corner.
  const edge = ([x, y]: number[]) => x <= 0 || x >= grid || y <= 0 || y >= grid;
  const onEdge = (a: number[], b: number[]) => edge(a) && edge(b);
  let d = "";
  for (let i = 1; i < ring.length; i++) {
    if (onEdge(ring[i - 1], ring[i])) continue;
    if (i === 1 || onEdge(ring[i - 2], ring[i - 1])) d += `M${at(ring[i - 1][0], ring[i - 1][1])}`;
    d += `L${at(ring[i][0], ring[i][1])}`;
  }
  return d;
}

/** The moving layer of a mixture panel: density contours, 1σ and 2σ circles, and the means. */
export function mixtureOverlay(
  panel: ScatterPanel,
  model: PlaneMixture,
  { colourOf, contourLines = true }: { colourOf: ArrayLike<number>; contourLines?: boolean },
): string {
  const k = model.means.rows;
  const [x1, x2, y1, y2] = panel.domain;
  const [left, top, right, bottom] = panel.frame;
  const box = reach(panel), grid = 48;
  let markup = "";
  if (contourLines) {
    // The density at the centre of each cell of a grid x grid grid, row by row from the top.
    const values = Array.from({ length: grid * grid }, (_, i) => {
      const c = i % grid, r = Math.floor(i / grid);
      const value = planeDensity(
        model,
        x1 + ((c + 0.5) / grid) * (x2 - x1),
        y2 - ((r + 0.5) / grid) * (y2 - y1),
      );
      // A collapsed or diverged component can give NaN or Infinity: no contour of those.
      return Number.isFinite(value) ? value : 0;
    });
    const lowest = min(values)!;
    const sx = (right - left) / grid, sy = (bottom - top) / grid;
    // d3-contour has no typings here: MultiPolygons of rings of [x, y] in grid units.
    const generator = contours() as unknown as {
      size(size: [number, number]): {
        thresholds(n: number): (values: number[]) => { value: number; coordinates: number[][][][] }[];
      };
    };
    for (const contour of generator.size([grid, grid]).thresholds(8)(values)) {
      // A threshold at or under the grid's lowest value outlines the whole frame: not a contour.
      if (!(contour.value > lowest)) continue;
      const d = contour.coordinates.map((polygon) =>
        polygon.map((ring) =>
          contourRing(ring, grid, (cx, cy) => `${fixed(left + cx * sx)},${fixed(top + cy * sy)}`)
        ).join("")
      ).join("");
      if (d) markup += `<path d="${d}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>`;
    }
  }
  const ux = Math.abs(panel.px(x1 + 1) - panel.px(x1)), uy = Math.abs(panel.py(y1 + 1) - panel.py(y1));
  const meansPx = Array.from({ length: k }, (_, j) => pixelsOf(panel, model.means, j));
  for (let j = 0; j < k; j++) {
    const [cx, cy] = meansPx[j];
    const stroke = `fill="none" stroke="${clusterColourOf(colourOf[j])}" stroke-width="1.5"`;
    for (const n of [1, 2]) {
      // The trainers' sigmas are free parameters: a negative one is a circle of its size all the same.
      const s = n * Math.abs(model.sigmas[j]);
      markup += ellipseMarkup([cx, cy, s * ux, s * uy], box, stroke);
    }
  }
  // Clipped to the frame by the layer's clip path (see scatterPanel).
  return markup + markers(meansPx, box, "plus");
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
      slot: Pick<PanelSlot, "drawWidth" | "show">;
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
