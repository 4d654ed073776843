/**
 * Controls that let a reader share and reproduce what is on screen: copy the page's link,
 * download a JSON manifest of a run, download data as CSV or JSON.
 */
import { html } from "htl";
import { csvFormat } from "d3-dsv";
import type { Split } from "../../lib/random/split.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "./dataset_store.js";

/** A plain button running `action` on click (keyboard-operable, as every <button>). */
export function actionButton(label: string, action: () => unknown): HTMLButtonElement {
  const button = html`<button type="button" class="action-button">${label}</button>` as HTMLButtonElement;
  button.addEventListener("click", () => void action());
  return button;
}

/** How long "Copied" stays beside the button (a later change of the inputs makes another link). */
const COPIED_MS = 5000;

/**
 * A button copying the page's current address (which holds every input) to the clipboard, and
 * beside it what happened: "Copied", or why not and what to do instead.
 */
export function copyLinkButton() {
  const status = html`<span class="copy-status" role="status"></span>` as HTMLSpanElement;
  let clear: ReturnType<typeof setTimeout> | undefined;
  const button = actionButton("Copy link to these settings", async () => {
    clearTimeout(clear);
    try {
      await navigator.clipboard.writeText(location.href);
      status.textContent = "Copied: the link opens these settings.";
      clear = setTimeout(() => (status.textContent = ""), COPIED_MS);
    } catch {
      // No clipboard (an insecure origin) or no permission: the address bar holds the same link.
      status.textContent =
        "Could not copy: this browser did not allow it. Copy the address bar instead, it holds the same link.";
    }
  });
  return html`<span>${button} ${status}</span>`;
}

/** Starts a download of `content` as a file named `name`. */
export function download(name: string, content: string | Blob, type = "application/json") {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement("a"), { href: url, download: name });
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name, or a function giving it at the time of the click (when it names the settings on screen). */
const nameOf = (name: string | (() => string)) => typeof name === "function" ? name() : name;

/** A button downloading `make()`'s value as pretty-printed JSON. */
export function jsonDownloadButton(label: string, name: string | (() => string), make: () => unknown) {
  return actionButton(label, () => download(nameOf(name), JSON.stringify(make(), null, 2)));
}

/** A button downloading rows (objects with the same keys) as CSV, through d3-dsv. */
export function csvDownloadButton(
  label: string,
  name: string | (() => string),
  make: () => Record<string, unknown>[],
) {
  return actionButton(label, () => download(nameOf(name), csvFormat(make()), "text/csv"));
}

/**
 * A chart as a standalone SVG file: Plot's SVG with the page's computed colours inlined (Plot
 * uses currentColor and CSS variables, which mean nothing outside the page).
 */
function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const style = getComputedStyle(svg);
  copy.style.color = style.color;
  copy.style.background = getComputedStyle(document.body).backgroundColor;
  copy.style.fontFamily = style.fontFamily;
  return new XMLSerializer().serializeToString(copy);
}

/** The page's charts (Plot's SVGs, not legends), in document order. */
function pageCharts(): SVGSVGElement[] {
  return Array.from(document.querySelectorAll<SVGSVGElement>("main svg[class^='plot']"));
}

/** Renders an SVG string to a PNG blob at twice its size, for sharper images. */
async function svgToPng(text: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  await image.decode();
  const canvas = Object.assign(document.createElement("canvas"), { width: 2 * width, height: 2 * height });
  canvas.getContext("2d")!.drawImage(image, 0, 0, 2 * width, 2 * height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => blob ? resolve(blob) : reject(new Error("no PNG")), "image/png")
  );
}

/** Two buttons downloading every chart on the page, as SVG files or as PNG images. */
export function svgDownloadButtons() {
  const each = async (format: "svg" | "png") => {
    const charts = pageCharts();
    for (const [i, svg] of charts.entries()) {
      const text = standaloneSvg(svg);
      const name = `${location.pathname.split("/").pop() || "index"}-chart-${i + 1}.${format}`;
      if (format === "svg") download(name, text, "image/svg+xml");
      else download(name, await svgToPng(text, svg.width.baseVal.value, svg.height.baseVal.value));
    }
  };
  return html`<span>${actionButton("Charts (SVG)", () => each("svg"))} ${
    actionButton("Charts (PNG)", () => each("png"))
  }</span>`;
}

/** What every page's manifest starts with: the page, its URL, the dataset and the notebook's split of it. */
export function manifestHeader(
  page: string,
  { dataset, split, validDivisor }: { dataset: ChosenDataset; split: Split; validDivisor: number },
) {
  const { name, source, points, sha256 } = dataset;
  return {
    page,
    url: location.href,
    dataset: { name, source, rows: points.rows, cols: points.cols, sha256 },
    split: { seed: NOTEBOOK_SPLIT.seed, validDivisor, train: split.train.length, valid: split.valid.length },
  };
}
