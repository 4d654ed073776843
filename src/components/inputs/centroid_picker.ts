/**
 * Place your own start: a scatter of the points on which clicks place k initial centres (one per
 * click; once all k are placed, the next click starts a new set) and drags move them. An input
 * in Framework's sense: its `value` is the k centres as rows ([[x₀, x₁], ...]), and it dispatches
 * `input` whenever a complete set changes, so `view(centrePicker(...))` drives whatever starts
 * from it (Lloyd's steps, a gradient run). The points are drawn once with Plot; the centres are
 * circles over them, moved in place while dragging.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Matrix } from "../../lib/matrix.js";
import { clusterColourOf, columnName } from "../draw/palette.js";
import { type PlotDomain, sharedDomain } from "../player/stepper.js";

/** Options of {@link centrePicker}. */
export interface CentrePickerOptions {
  /** How many centres make a start. */
  k: number;
  /** The start shown first (k rows), e.g. from the URL or k-means++. */
  value?: number[][];
  width?: number;
  domain?: PlotDomain;
}

const SVG = "http://www.w3.org/2000/svg";
/** A press this close to a centre (px) drags it rather than placing a new one. */
const GRAB_RADIUS = 14;

/** A scatter where clicks place and drags move k centres; `value` is the last complete set. */
export function centrePicker(
  points: Matrix,
  { k, value = [], width = 560, domain = sharedDomain(points) }: CentrePickerOptions,
): HTMLElement & { value: number[][] } {
  const rows = Array.from(
    { length: points.rows },
    (_, i) => [points.data[i * points.cols], points.data[i * points.cols + 1]],
  );
  const chart = Plot.plot({
    width,
    aspectRatio: 1,
    grid: true,
    ariaLabel: `Click to place ${k} starting centres; drag a centre to move it.`,
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
  layer.setAttribute("class", "picked-centres");
  plot.append(layer);
  plot.style.touchAction = "none"; // drags move centres, not the page
  plot.style.cursor = "crosshair";

  const wrapper = document.createElement("div") as unknown as HTMLElement & { value: number[][] };
  wrapper.className = "centre-picker";
  wrapper.append(plot);
  let centres = value.length === k ? value.map((row) => [...row]) : [];
  wrapper.value = centres.map((row) => [...row]);

  const draw = () => {
    layer.replaceChildren(...centres.map((centre, j) => {
      const circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("cx", String(x.apply(centre[0])));
      circle.setAttribute("cy", String(y.apply(centre[1])));
      circle.setAttribute("r", "7");
      circle.setAttribute("fill", clusterColourOf(j));
      circle.setAttribute("stroke", "var(--theme-background)");
      circle.setAttribute("stroke-width", "2");
      circle.setAttribute("data-centre", String(j));
      return circle;
    }));
  };
  const emit = () => {
    if (centres.length !== k) return;
    wrapper.value = centres.map((row) => [...row]);
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
    dragging = centres.findIndex((c) => Math.hypot(x.apply(c[0]) - px, y.apply(c[1]) - py) <= GRAB_RADIUS);
    if (dragging >= 0) {
      plot.setPointerCapture(event.pointerId);
      return;
    }
    if (centres.length === k) centres = [];
    centres.push([x.invert!(px), y.invert!(py)]);
    draw();
    emit();
  });
  plot.addEventListener("pointermove", (event) => {
    if (dragging < 0) return;
    const [px, py] = local(event);
    centres[dragging] = [x.invert!(px), y.invert!(py)];
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
