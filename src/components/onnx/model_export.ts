/**
 * ONNX in the live pages, loaded on demand: onnxruntime-web (its JavaScript and its 10+ MB of
 * WebAssembly) is imported only when a reference map scrolls into view, when the reader asks for
 * it, or when a trained model is exported. Each reference `.onnx` is fetched and scored over the
 * grid once per page view.
 */
import { html } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import { type ExportCheck, exportCheckNote, onnxMapPlot } from "./charts.js";
import type { OnnxScorer } from "./scoring.js";
import { PanelSlot } from "../draw/panel_slot.js";

const scoring = () => import("./scoring.js");

/** Runs `use` on a scorer of the model `bytes` (onnxruntime-web loaded on first use), then frees it. */
async function withScorer<T>(bytes: Uint8Array, use: (scorer: OnnxScorer) => Promise<T>): Promise<T> {
  const scorer = await (await scoring()).loadOnnxScorer(bytes);
  try {
    return await use(scorer);
  } finally {
    await scorer.release();
  }
}

/** Options of {@link onnxReferenceMap}. */
interface ReferenceMapOptions {
  /** The reference model's bytes for k (a FileAttachment's, or exported in the tab). */
  bytesFor: (k: number) => Promise<Uint8Array>;
  /** The points under the map (2-D), which also set the grid's extent. */
  points: Matrix;
  title: (k: number) => string;
  /** Cells per side of the grid. */
  grid?: number;
}

/** A reference model's map over a grid, scored by onnxruntime-web once it is wanted. */
export function onnxReferenceMap({ bytesFor, points, title, grid = 160 }: ReferenceMapOptions) {
  /** The model for k, fetched and scored over the grid once per k. */
  const scored = new Map<number, ReturnType<typeof import("./scoring.js").scoreGrid>>();
  let wanted = false, k = 0;
  /** The k the slot shows (0: none yet, or a resize to draw again). */
  let shown = 0;
  const slot = new PanelSlot(() => {
    shown = 0;
    void draw();
  });
  const button =
    html`<button type="button" class="action-button">Score with onnxruntime-web now</button>` as HTMLButtonElement;
  const element = html`<div class="onnx-map">${slot.element}</div>` as HTMLDivElement;
  const draw = async () => {
    if (!wanted || !k || k === shown) return;
    shown = k;
    if (points.cols !== 2) {
      slot.show(html`<p>Grid maps are drawn for 2-D data; this dataset has ${points.cols} dimensions.</p>`);
      return;
    }
    slot.show(html`<p class="muted">Loading onnxruntime-web and scoring the model for k = ${k}…</p>`);
    const kk = k;
    if (!scored.has(kk)) {
      const scoreGrid = async (scorer: OnnxScorer) =>
        (await scoring()).scoreGrid(scorer, points, { width: grid });
      scored.set(kk, bytesFor(kk).then((model) => withScorer(model, scoreGrid)));
    }
    const map = await scored.get(kk)!;
    if (k !== kk) return;
    slot.show(onnxMapPlot(map, points, { width: slot.drawWidth, title: title(kk) }));
  };
  const want = () => {
    wanted = true;
    observer.disconnect();
    void draw();
  };
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) want();
  });
  observer.observe(element);
  button.addEventListener("click", want);
  slot.show(html`<p class="muted">The map is drawn when this section scrolls into view. ${button}</p>`);
  return {
    element,
    /** Shows the map for k (drawn once the section is wanted). */
    show(next: number) {
      k = next;
      void draw();
    },
  };
}

/**
 * How the downloaded model agrees with the tab's on the validation points: the share of equal
 * labels, and the mean of the ONNX model's per-point scores (`perPoint`, already signed as the
 * score, e.g. -log-likelihood for an NLL) beside the tab's own score.
 */
export function compareWithTab(
  { onnxLabels, tabLabels, perPoint }: {
    onnxLabels: ArrayLike<number>;
    tabLabels: ArrayLike<number>;
    perPoint: ArrayLike<number>;
  },
  { tabScore, scoreName }: { tabScore: number; scoreName: string },
): ExportCheck {
  let sameLabels = 0, total = 0;
  for (let i = 0; i < onnxLabels.length; i++) sameLabels += onnxLabels[i] === tabLabels[i] ? 1 : 0;
  for (let i = 0; i < perPoint.length; i++) total += perPoint[i];
  return { points: onnxLabels.length, sameLabels, tabScore, onnxScore: total / perPoint.length, scoreName };
}

/** Options of {@link onnxExportButton}. */
interface ExportOptions {
  label: string;
  /** The file's name and bytes, or undefined while there is no trained model. */
  make: () => Promise<{ name: string; bytes: Uint8Array } | undefined>;
  /** Scores the validation set with the downloaded model and compares it with the tab's model. */
  check: (scorer: OnnxScorer) => Promise<ExportCheck>;
  download: (name: string, content: Blob) => void;
}

/** A button that downloads the trained model as ONNX, then proves it agrees with the tab's. */
export function onnxExportButton({ label, make, check, download }: ExportOptions) {
  const button =
    html`<button type="button" class="action-button" disabled>${label}</button>` as HTMLButtonElement;
  const note = html`<div></div>` as HTMLDivElement;
  button.addEventListener("click", async () => {
    const model = await make();
    if (!model) return;
    download(model.name, new Blob([model.bytes as BlobPart], { type: "application/octet-stream" }));
    note.replaceChildren(exportCheckNote(await withScorer(model.bytes, check)));
  });
  return {
    element: html`<div>${button}${note}</div>` as HTMLDivElement,
    /** Enables the button when a trained model is on screen. */
    enable(enabled: boolean) {
      button.disabled = !enabled;
      if (!enabled) note.replaceChildren();
    },
  };
}
