/**
 * Controls that let a reader share and reproduce what is on screen: copy the page's link,
 * download a JSON manifest of a run, download data as CSV or JSON, download the charts as SVG or PNG.
 */
import { html } from "htl";
import { csvFormat } from "d3-dsv";
import type { Split } from "../../lib/random/split.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "./dataset_store.js";
import { hasChart, panelSvg, svgToPng } from "../draw/chart_export.js";

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

/** A panel a page exports: its name in file names, its element, and a title if it shows none. */
export interface ExportPanel {
  name: string;
  element: HTMLElement;
  title?: string;
}

/**
 * Two buttons downloading every panel drawn on the page, each once, as SVG files or as PNG
 * images (see `chart_export.ts`), each named `fileName(panel's name)` plus the extension; a line
 * after them says how many were saved.
 */
export function chartDownloadButtons(panels: () => ExportPanel[], fileName: (panel: string) => string) {
  const status = html`<span class="muted small" role="status"></span>` as HTMLSpanElement;
  const each = async (format: "svg" | "png") => {
    const drawn = panels().filter(({ element }) => hasChart(element));
    for (const { name, element, title } of drawn) {
      const svg = panelSvg(element, { title });
      const file = `${fileName(name)}.${format}`;
      if (format === "svg") download(file, svg.text, "image/svg+xml");
      else download(file, await svgToPng(svg));
    }
    status.textContent = drawn.length
      ? `${drawn.length} chart${drawn.length === 1 ? "" : "s"} saved as ${format.toUpperCase()}.`
      : "No chart is drawn yet.";
  };
  return html`<span>${actionButton("Charts (SVG)", () => each("svg"))} ${
    actionButton("Charts (PNG)", () => each("png"))
  } ${status}</span>`;
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
