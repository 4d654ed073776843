/**
 * Line charts redrawn many times a second (the gap curve, the mixture's parameters) keep Plot's axes:
 * Plot builds them once for their domains, and each draw only replaces the SVG of the moving marks
 * (lines, dots, labels), placed with Plot's own scales. A new chart from Plot on every frame was most
 * of a frame's main-thread work; the domains are rounded out (decades, nice bounds) so that they, and
 * the axes, change seldom as a run trains.
 */
import * as Plot from "@observablehq/plot";
import { type Box, fixed, type PlotSvg, polylinePath } from "./scatter_layers.js";

/** Plot's axes of a chart, its frame in px, the scales, and the layer its moving marks are drawn in. */
export interface Axes {
  svg: SVGSVGElement;
  x: (v: number) => number;
  y: (v: number) => number;
  frame: Box;
  layer: SVGGElement;
}

/** The axes of one chart, built by Plot again only when their key changes. */
export class KeptAxes {
  #key?: string;
  #axes?: Axes;

  /** The axes for `options` (Plot's, without data marks): the kept ones if `options` are unchanged. */
  get(options: Plot.PlotOptions): Axes {
    const key = JSON.stringify(options, (_, v) => typeof v === "function" ? String(v) : v);
    if (key === this.#key && this.#axes) return this.#axes;
    const svg = Plot.plot({ ...options, marks: [Plot.frame({ strokeOpacity: 0.2 })] }) as unknown as PlotSvg;
    const x = svg.scale("x"), y = svg.scale("y");
    const [left, right] = x.range, [bottom, top] = y.range;
    const layer = document.createElementNS("http://www.w3.org/2000/svg", "g");
    layer.setAttribute("class", "moving");
    svg.append(layer);
    this.#key = key;
    this.#axes = {
      svg,
      x: (v) => x.apply(v),
      y: (v) => y.apply(v),
      frame: [left, Math.min(top, bottom), right, Math.max(top, bottom)],
      layer,
    };
    return this.#axes;
  }
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A polyline through (x, y) data points as an SVG path cut to `axes`' frame (empty if nothing shows). */
export function line(axes: Axes, xs: ArrayLike<number>, ys: ArrayLike<number>, attributes: string): string {
  const points = Array.from(xs, (x, i): [number, number] => [axes.x(x), axes.y(ys[i])]);
  const d = polylinePath(points, axes.frame);
  return d ? `<path d="${d}" fill="none" ${attributes}/>` : "";
}

/** Whether the point (px) lies in `axes`' frame. */
export function inFrame({ frame: [left, top, right, bottom] }: Axes, px: number, py: number): boolean {
  return px >= left && px <= right && py >= top && py <= bottom;
}

/**
 * Text at (px, py) in Plot's font, `attributes` added, starting or ending at px (Plot's SVG centres
 * text by default); several lines stack upwards from the last.
 */
export function text(
  px: number,
  py: number,
  lines: string[],
  { attributes = "", anchor = "start" }: { attributes?: string; anchor?: "start" | "end" } = {},
): string {
  const spans = lines.map((line, i) =>
    `<tspan x="${fixed(px)}" dy="${i ? "1.2em" : `${-(lines.length - 1) * 1.2}em`}">${escape(line)}</tspan>`
  ).join("");
  return `<text x="${fixed(px)}" y="${fixed(py)}" text-anchor="${anchor}" ${attributes}>${spans}</text>`;
}

/** `words` in lines of at most about `width` px of Plot's 10 px font (about 5.5 px a character). */
export function wrap(words: string, width: number): string[] {
  const max = Math.max(8, Math.floor(width / 5.5)), lines: string[] = [];
  for (const word of words.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= max) {
      lines[lines.length - 1] = `${last} ${word}`;
    } else lines.push(word);
  }
  return lines;
}

/** A bound at or above `value` that changes seldom: 1, 2 or 5 times a power of ten. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const decade = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * decade).find((bound) => bound >= value * (1 - 1e-12))!;
}
