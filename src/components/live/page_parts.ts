/**
 * The parts of a live page that read the engine's model at the time they are used, written once
 * for every model: the reference's ONNX map, the trained model's ONNX download (re-scored in the
 * tab), and the reproducibility downloads (manifest, CSV, JSON, charts). What differs between
 * models is a {@link ModelFiles} in the model's module.
 */
import { html } from "htl";
import { ENGINES } from "../../lib/gradient/engine.js";
import type { Matrix } from "../../lib/matrix.js";
import type { Split } from "../../lib/random/split.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import type { InputSpec } from "../inputs/input_spec.js";
import { viewOptions } from "../inputs/dataset_picker.js";
import {
  chartDownloadButtons,
  csvDownloadButton,
  download,
  type ExportPanel,
  jsonDownloadButton,
  manifestHeader,
} from "../inputs/reproducibility.js";
import type { ExportCheck } from "../onnx/charts.js";
import { onnxExportButton, onnxReferenceMap } from "../onnx/model_export.js";
import type { OnnxScorer } from "../onnx/scoring.js";
import type { Snapshot } from "../player/player.js";
import { type HalfStep, type LiveEngine, type LiveSettings, LOSS, REFERENCE, STEPS } from "./engine.js";

/** Dataset and model facts an export records. */
type Metadata = Record<string, string | number>;

/** A model's files: its ONNX exports, the check of a download, and its manifest and tables. */
export interface ModelFiles<S extends LiveSettings, Snap extends Snapshot, Ref> {
  /** The page's name in manifests ("kmeans", "gmm") and the trained model's ("gradient-kmeans"). */
  page: string;
  model: string;
  validDivisor: number;
  /** The reference's map title for k. */
  mapTitle(k: number): string;
  referenceToOnnx(reference: Ref, metadata: Metadata): Promise<Uint8Array>;
  modelToOnnx(snapshot: Snap, metadata: Metadata): Promise<Uint8Array>;
  /** Scores the validation set with the downloaded model and compares it with the tab's. */
  check(scorer: OnnxScorer, snapshot: Snap, valid: Matrix): Promise<ExportCheck>;
  /** The score a download records, by name. */
  score(snapshot: Snap): Metadata;
  /** The manifest's results: every shown run's, and the reference's. */
  results(runs: { name: string; snapshot: Snap }[], reference: Ref | undefined): unknown;
  /** CSV and JSON tables of the focus run's model (centroids, components, validation assignments). */
  tables: (
    & { label: string; file: string }
    & (
      | { csv(snapshot: Snap, data: { valid: Matrix; split: Split }): Record<string, unknown>[] }
      | { json(snapshot: Snap, data: { valid: Matrix; split: Split }): unknown }
    )
  )[];
}

type Engine<S extends LiveSettings, Snap extends Snapshot, Ref> = LiveEngine<S, Snap, Ref, HalfStep>;

/** The settings an export and a manifest record: every input but the view, and the optimizer. */
function recorded(optimizer: string, settings: LiveSettings): Metadata {
  const { view: _, ...training } = settings;
  return { ...training, optimizer };
}

/** Each engine in one sentence. */
export const ENGINE_NOTES = {
  autodiff:
    "autodiff: the notebook's loss written in stock TensorFlow.js ops and differentiated by tf.variableGrads.",
  fused: "fused: one hand-derived, single-pass loss-and-gradient loop in plain TypeScript.",
};

/**
 * The inputs every live page has, each declared once: k (up to `maxK`), the learning rate on a log
 * scale up to `maxLr` (from `lr`), the epochs up to `maxEpochs` (from `epochs`), the seed, the engine
 * and the view. A page puts them in its own order, with its own inputs between.
 */
export function liveInputs(
  dataset: ChosenDataset,
  { maxK, lr, maxLr, epochs, maxEpochs }: Record<"maxK" | "lr" | "maxLr" | "epochs" | "maxEpochs", number>,
) {
  return {
    k: { type: "number", label: "k", value: Math.min(5, maxK), min: 1, max: maxK, integer: true },
    lr: { type: "number", label: "learning rate", value: lr, min: 0.0001, max: maxLr, log: true },
    epochs: { type: "number", label: "epochs", value: epochs, min: 1, max: maxEpochs, integer: true },
    seed: {
      type: "number",
      label: "seed",
      value: 0,
      min: 0,
      max: 0xffffffff,
      integer: true,
      control: "number",
    },
    engine: { type: "option", label: "engine", value: "autodiff", options: [...ENGINES], control: "radio" },
    view: viewSpec(dataset),
  } satisfies Record<string, InputSpec>;
}

/** The view select's spec for a dataset (not kept in the URL: its options depend on the data). */
function viewSpec(dataset: ChosenDataset): InputSpec {
  const views = viewOptions(dataset.points.cols, dataset.columns);
  const values = [...views.values()];
  return {
    type: "option",
    label: "view",
    value: values[0],
    options: values,
    labels: Object.fromEntries([...views].map(([label, value]) => [value, label])),
    url: false,
  };
}

/** The reference model as ONNX (the file built with the site, or exported here), scored over a grid once wanted. */
export function referenceMap<S extends LiveSettings, Snap extends Snapshot, Ref>(
  live: Engine<S, Snap, Ref>,
  files: ModelFiles<S, Snap, Ref>,
  { built, dataset }: { built: { arrayBuffer(): Promise<ArrayBuffer> }[]; dataset: ChosenDataset },
) {
  return onnxReferenceMap({
    points: live.validDrawn,
    bytesFor: async (k) =>
      dataset.source === "data2D"
        ? new Uint8Array(await built[k - 1].arrayBuffer())
        : files.referenceToOnnx(await live.referenceFor(k), {
          dataset: dataset.name,
          dataset_sha256: dataset.sha256,
        }),
    title: files.mapTitle,
  });
}

/** The trained model's download as ONNX, re-scored with onnxruntime-web against the tab's model. */
export function trainedModelExport<S extends LiveSettings, Snap extends Snapshot, Ref>(
  live: Engine<S, Snap, Ref>,
  files: ModelFiles<S, Snap, Ref>,
  { dataset, valid, label }: { dataset: ChosenDataset; valid: Matrix; label: string },
) {
  const exporter = onnxExportButton({
    label,
    download,
    async make() {
      const { snapshot, settings, trained } = live.current();
      if (!snapshot || !settings || !trained) return undefined;
      // The exporter writes k itself (from the model's shape).
      const { k: _, ...training } = recorded(live.model.optimizer, settings);
      const bytes = await files.modelToOnnx(snapshot, {
        model: files.model,
        ...training,
        dataset: dataset.name,
        dataset_sha256: dataset.sha256,
        ...files.score(snapshot),
      });
      return { name: `${files.model}-k${settings.k}-seed${settings.seed}.onnx`, bytes };
    },
    check: (scorer) => files.check(scorer, live.current().snapshot!, valid),
  });
  live.onResult(() => exporter.enable(live.current().trained));
  return exporter.element;
}

/**
 * The panels a live page exports, named for files: each shown run's by its id ("gradient",
 * "random"), the reference's and its steps' by the classical method ("lloyd", "em-steps"), the gap
 * curve, the model's extra charts by their slot ("restarts"), and the reference's ONNX map.
 */
function exportPanels<S extends LiveSettings, Snap extends Snapshot, Ref>(
  live: Engine<S, Snap, Ref>,
  map: HTMLElement,
): ExportPanel[] {
  const classic = live.model.classic.toLowerCase(), settings = live.settings!;
  return [
    ...live.shown.map((run) => ({ name: run.id, element: live.slots[run.id].element })),
    { name: classic, element: live.slots[REFERENCE].element },
    { name: `${classic}-steps`, element: live.slots[STEPS].element },
    {
      name: "gap",
      element: live.slots[LOSS].element,
      title: `Gap to ${live.model.classic}'s ${live.model.curve.quantity} (log scale)`,
    },
    ...(live.model.extras ?? []).map((extra) => ({
      name: extra.slot,
      element: live.slots[extra.slot].element,
      title: extra.title(settings),
    })),
    { name: "onnx-map", element: map },
  ];
}

/** The manifest and the CSV/JSON/SVG/PNG downloads of what is on screen; `map` is the reference's ONNX map. */
export function downloads<S extends LiveSettings, Snap extends Snapshot, Ref>(
  live: Engine<S, Snap, Ref>,
  files: ModelFiles<S, Snap, Ref>,
  { dataset, split, valid, versions, map }: {
    dataset: ChosenDataset;
    split: Split;
    valid: Matrix;
    versions: unknown;
    map: { element: HTMLElement };
  },
) {
  let backend: unknown;
  live.pool.backend.then((info) => (backend = info));
  const state = () => {
    const current = live.current();
    if (!current.snapshot || !current.settings) {
      throw new Error("no model has trained yet; wait for the run to finish.");
    }
    return { ...current, snapshot: current.snapshot, settings: current.settings };
  };
  const manifest = () => {
    const { runs, settings, reference } = state();
    return {
      ...manifestHeader(files.page, { dataset, split, validDivisor: files.validDivisor }),
      settings: recorded(live.model.optimizer, settings),
      backend,
      versions,
      results: files.results(
        runs.flatMap(({ run, snapshot }) => snapshot ? [{ name: run.name || files.model, snapshot }] : []),
        reference,
      ),
    };
  };
  const k = () => state().settings.k;
  return html`<div class="downloads">
    ${jsonDownloadButton("Manifest (JSON)", () => `${files.page}-manifest-k${k()}.json`, manifest)}
    ${
    files.tables.map((table) => {
      const file = (extension: string) => () => `${table.file}-k${k()}.${extension}`;
      return "csv" in table
        ? csvDownloadButton(table.label, file("csv"), () => table.csv(state().snapshot, { valid, split }))
        : jsonDownloadButton(table.label, file("json"), () => table.json(state().snapshot, { valid, split }));
    })
  }
    ${
    chartDownloadButtons(
      () => live.settings ? exportPanels(live, map.element) : [],
      (panel) => `${files.page}-k${live.settings!.k}-seed${live.settings!.seed}-${panel}`,
    )
  }
  </div>`;
}
