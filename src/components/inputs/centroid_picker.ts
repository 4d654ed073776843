/**
 * Place your own start: a scatter of the points on which clicks place k initial centroids (one per
 * click; once all k are placed, the next click starts a new set) and drags move them. An input
 * in Framework's sense: its `value` is the k centroids as rows ([[x₀, x₁], ...]), and it dispatches
 * `input` whenever a complete set changes, so `view(centroidPicker(...))` drives whatever starts
 * from it (Lloyd's steps, a gradient run). The points are drawn once with Plot; the centroids are
 * circles over them, moved in place while dragging.
 *
 * A mouse places and drags at once. Touches (and pens) do only once the "Place centroids" toggle
 * is on: until then a swipe over the chart scrolls the page. The keyboard works too: the chart
 * takes focus (Tab), the arrow keys move a cursor (Shift: five times further), Enter or Space
 * places a centroid there, a digit (1 to 9, 0 for the 10th) picks centroid j up to move it with the
 * arrows and Enter puts it down (Escape puts it back).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { html, svg } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import { clusterColourOf } from "../draw/palette.js";
import { xy } from "../draw/clusters.js";
import { panelPlot, type PlotDomain, sharedDomain } from "../draw/report_panels.js";

/** Options of {@link centroidPicker}. */
interface CentroidPickerOptions {
  /** How many centroids make a start. */
  k: number;
  /** The start shown first (k rows), e.g. from the URL or k-means++. */
  value?: number[][];
  width?: number;
  domain?: PlotDomain;
  /** Whether touches place centroids from the start (the toggle on). */
  placing?: boolean;
}

/**
 * The picker: an input whose `value` is the last complete set, whether touches place centroids,
 * and `setStart`, which asks for `k` centroids and shows `value` (if it has k rows) on the same
 * chart: a change of k keeps Plot's thousands of dots (building and laying them out again is a
 * long task).
 */
export type CentroidPicker = HTMLElement & {
  value: number[][];
  readonly placing: boolean;
  setStart(k: number, value?: number[][]): void;
};

/** A press this close to a centroid (px) drags it rather than placing a new one. */
const GRAB_RADIUS = 14;
/** An arrow key moves the cursor this fraction of the axis' domain (Shift: five times as far). */
const KEY_STEP = 1 / 50;
const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, 1],
  ArrowDown: [0, -1],
};

/** A scatter where clicks, taps once asked for, and keys place and move k centroids. */
export function centroidPicker(
  points: Matrix,
  { k, value = [], width = 560, domain = sharedDomain(points), placing = false }: CentroidPickerOptions,
): CentroidPicker {
  const rows = Array.from({ length: points.rows }, (_, i) => xy(points, i));
  const ariaLabel = (k: number) =>
    `Place ${k} starting centroids: click, or move the cursor with the arrow keys and press ` +
    `Enter; a digit picks a centroid up to move it. Drag a centroid to move it.`;
  const chart = panelPlot(
    [Plot.dot(rows, { x: "x", y: "y", r: 1.3, fill: "currentColor", fillOpacity: 0.25, clip: true })],
    { width, domain, ariaLabel: ariaLabel(k) },
  );
  // No title nor legend: the chart is the svg itself.
  const plot = chart as unknown as SVGSVGElement;
  const x = chart.scale("x")!, y = chart.scale("y")!;
  const layer = svg`<g class="picked-centroids"></g>` as SVGGElement;
  plot.append(layer);
  plot.style.cursor = "crosshair";
  plot.setAttribute("tabindex", "0");
  plot.setAttribute("role", "application");

  const toggle =
    html`<button type="button" class="place-toggle">Place centroids</button>` as HTMLButtonElement;
  const status = html`<p class="picker-status muted small" aria-live="polite"></p>` as HTMLParagraphElement;
  const wrapper = html`<div class="centroid-picker">${toggle}${plot}${status}</div>` as CentroidPicker & {
    placing: boolean;
  };
  let centroids: number[][] = [];
  /** Touches place and drag centroids (`touch-action: none`) only while the toggle is on. */
  const setPlacing = (on: boolean) => {
    wrapper.placing = on;
    toggle.setAttribute("aria-pressed", String(on));
    plot.style.touchAction = on ? "none" : "pan-x pan-y";
    plot.classList.toggle("placing", on);
  };
  setPlacing(placing);
  toggle.addEventListener("click", () => setPlacing(!wrapper.placing));

  /** The keyboard's cursor (data units), the centroid it holds (-1: none) and where that one was. */
  const cursor = [(domain.x[0] + domain.x[1]) / 2, (domain.y[0] + domain.y[1]) / 2];
  let held = -1, heldFrom: number[] = [];
  const ring = svg.fragment`<circle class="picker-cursor" r="10" fill="none" stroke="currentColor"
    stroke-width="1.5" stroke-dasharray="3 2"></circle>`.firstElementChild as SVGCircleElement;

  const draw = () => {
    const focused = plot.matches(":focus-visible");
    ring.setAttribute("cx", String(x.apply(cursor[0])));
    ring.setAttribute("cy", String(y.apply(cursor[1])));
    plot.dataset.cursor = JSON.stringify(cursor);
    layer.replaceChildren(
      ...(focused ? [ring] : []),
      // Each centroid with its number, the digit that picks it up from the keyboard.
      ...centroids.map((centroid, j) => {
        const cx = x.apply(centroid[0]), cy = y.apply(centroid[1]);
        return svg.fragment`<circle cx=${cx} cy=${cy} r="7" fill=${clusterColourOf(j)}
          stroke="var(--theme-background)" stroke-width="2" data-centroid=${j}></circle>
          <text x=${cx} y=${cy} dy="0.35em" text-anchor="middle" font-size="9" font-weight="700" fill="white"
          pointer-events="none">${(j + 1) % 10}</text>`;
      }),
    );
  };
  /** Adds a centroid at `point` (data units); once all k are placed, it starts a new set. */
  const place = (point: number[]) => {
    if (centroids.length === k) centroids = [];
    centroids.push(point);
  };
  const emit = () => {
    if (centroids.length !== k) return;
    wrapper.value = centroids.map((row) => [...row]);
    wrapper.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const say = () => {
    const at = (c: number[]) => `(${c.map((v) => v.toFixed(2)).join(", ")})`;
    status.textContent = held >= 0
      ? `Centroid ${held + 1} picked up, at ${
        at(cursor)
      }: arrows move it, Enter puts it down, Escape puts it back.`
      : `Cursor at ${at(cursor)}; ${centroids.length} of ${k} centroids placed.`;
  };
  plot.addEventListener("focus", () => {
    draw();
    if (plot.matches(":focus-visible")) say();
  });
  plot.addEventListener("blur", () => {
    status.textContent = "";
    draw();
  });
  plot.addEventListener("keydown", (event) => {
    const digit = /^[0-9]$/.test(event.key) ? (Number(event.key) + 9) % 10 : -1;
    if (event.key in ARROWS) {
      const [dx, dy] = ARROWS[event.key], times = event.shiftKey ? 5 : 1;
      const clamp = (v: number, [a, b]: number[]) => Math.min(Math.max(v, Math.min(a, b)), Math.max(a, b));
      cursor[0] = clamp(cursor[0] + dx * times * KEY_STEP * (domain.x[1] - domain.x[0]), domain.x);
      cursor[1] = clamp(cursor[1] + dy * times * KEY_STEP * (domain.y[1] - domain.y[0]), domain.y);
      if (held >= 0) centroids[held] = [...cursor];
    } else if (event.key === "Enter" || event.key === " ") {
      if (held >= 0) held = -1;
      else place([...cursor]);
      emit();
    } else if (digit >= 0 && digit < centroids.length && held < 0) {
      held = digit;
      heldFrom = [...centroids[digit]];
      cursor.splice(0, 2, ...heldFrom);
    } else if (event.key === "Escape" && held >= 0) {
      centroids[held] = heldFrom;
      held = -1;
    } else return;
    event.preventDefault();
    draw();
    say();
  });

  // Pointer position in the plot's own coordinates (the svg may be scaled by CSS).
  const local = (event: PointerEvent) => {
    const box = plot.getBoundingClientRect();
    const scale = plot.viewBox.baseVal.width / box.width || 1;
    return [(event.clientX - box.left) * scale, (event.clientY - box.top) * scale];
  };
  let dragging = -1;
  plot.addEventListener("pointerdown", (event) => {
    // A touch or a pen before the toggle is on: the page scrolls (touch-action), nothing is placed.
    if (event.pointerType !== "mouse" && !wrapper.placing) return;
    const [px, py] = local(event);
    dragging = centroids.findIndex((c) => Math.hypot(x.apply(c[0]) - px, y.apply(c[1]) - py) <= GRAB_RADIUS);
    if (dragging >= 0) {
      plot.setPointerCapture(event.pointerId);
      return;
    }
    place([x.invert!(px), y.invert!(py)]);
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
  wrapper.setStart = (size, start = []) => {
    k = size;
    plot.setAttribute("aria-label", ariaLabel(k));
    centroids = start.length === k ? start.map((row) => [...row]) : [];
    wrapper.value = centroids.map((row) => [...row]);
    held = dragging = -1;
    draw();
    if (plot.matches(":focus-visible")) say();
  };
  wrapper.setStart(k, value);
  return wrapper;
}
