/**
 * Place your own start: a scatter of the points on which clicks place k initial centroids (one per
 * click; once all k are placed, the next click starts a new set) and drags move them. An input
 * in Framework's sense: its `value` is the k centroids as rows ([[x₀, x₁], ...]), and it dispatches
 * `input` whenever a complete set changes, so `view(centroidPicker(...))` drives whatever starts
 * from it (Lloyd's steps, a gradient run). The points are drawn once with Plot; the centroids are
 * circles over them, moved in place while dragging.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Matrix } from "../../lib/matrix.js";
import { clusterColourOf, columnName } from "../draw/palette.js";
import { type PlotDomain, sharedDomain } from "../draw/report_panels.js";

/** Options of {@link centroidPicker}. */
interface CentroidPickerOptions {
  /** How many centroids make a start. */
  k: number;
  /** The start shown first (k rows), e.g. from the URL or k-means++. */
  value?: number[][];
  width?: number;
  domain?: PlotDomain;
}

const SVG = "http://www.w3.org/2000/svg";
/** A press this close to a centroid (px) drags it rather than placing a new one. */
const GRAB_RADIUS = 14;

/** A scatter where clicks place and drags move k centroids; `value` is the last complete set. */
export function centroidPicker(
  points: Matrix,
  { k, value = [], width = 560, domain = sharedDomain(points) }: CentroidPickerOptions,
): HTMLElement & { value: number[][] } {
  const rows = Array.from(
    { length: points.rows },
    (_, i) => [points.data[i * points.cols], points.data[i * points.cols + 1]],
  );
  const chart = Plot.plot({
    width,
    aspectRatio: 1,
    grid: true,
    ariaLabel: `Click to place ${k} starting centroids; drag a centroid to move it.`,
    x: { label: columnName(0), domain: domain.x },
    y: { label: columnName(1), domain: domain.y },
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.dot(rows, { x: "0", y: "1", r: 1.3, fill: "currentColor", fillOpacity: 0.25, clip: true }),
    ],
  });
  // No title nor legend: the chart is the svg itself.
  const plot = chart as unknown as SVGSVGElement;
  const x = chart.scale("x")!, y = chart.scale("y")!;
  const layer = document.createElementNS(SVG, "g");
  layer.setAttribute("class", "picked-centroids");
  plot.append(layer);
  plot.style.touchAction = "none"; // drags move centroids, not the page
  plot.style.cursor = "crosshair";

  const wrapper = document.createElement("div") as unknown as HTMLElement & { value: number[][] };
  wrapper.className = "centroid-picker";
  wrapper.append(plot);
  let centroids = value.length === k ? value.map((row) => [...row]) : [];
  wrapper.value = centroids.map((row) => [...row]);

  const draw = () => {
    layer.replaceChildren(...centroids.map((centroid, j) => {
      const circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("cx", String(x.apply(centroid[0])));
      circle.setAttribute("cy", String(y.apply(centroid[1])));
      circle.setAttribute("r", "7");
      circle.setAttribute("fill", clusterColourOf(j));
      circle.setAttribute("stroke", "var(--theme-background)");
      circle.setAttribute("stroke-width", "2");
      circle.setAttribute("data-centroid", String(j));
      return circle;
    }));
  };
  const emit = () => {
    if (centroids.length !== k) return;
    wrapper.value = centroids.map((row) => [...row]);
    wrapper.dispatchEvent(new Event("input", { bubbles: true }));
  };
  // Pointer position in the plot's own coordinates (the svg may be scaled by CSS).
  const local = (event: PointerEvent) => {
    const box = plot.getBoundingClientRect();
    const scale = plot.viewBox.baseVal.width / box.width || 1;
    return [(event.clientX - box.left) * scale, (event.clientY - box.top) * scale];
  };
  let dragging = -1;
  plot.addEventListener("pointerdown", (event) => {
    const [px, py] = local(event);
    dragging = centroids.findIndex((c) => Math.hypot(x.apply(c[0]) - px, y.apply(c[1]) - py) <= GRAB_RADIUS);
    if (dragging >= 0) {
      plot.setPointerCapture(event.pointerId);
      return;
    }
    if (centroids.length === k) centroids = [];
    centroids.push([x.invert!(px), y.invert!(py)]);
    draw();
    emit();
  });
  plot.addEventListener("pointermove", (event) => {
    if (dragging < 0) return;
    const [px, py] = local(event);
    centroids[dragging] = [x.invert!(px), y.invert!(py)];
    draw();
  });
  const release = () => {
    if (dragging < 0) return;
    dragging = -1;
    emit();
  };
  plot.addEventListener("pointerup", release);
  plot.addEventListener("pointercancel", release);
  draw();
  return wrapper;
}
