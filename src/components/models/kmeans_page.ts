/**
 * The K-means page's declarations: its inputs (one spec for the controls and the URL), the ONNX
 * parts (Lloyd's reference map, the trained model's export) and the reproducibility downloads,
 * all reading the live component's current model at the time they are used.
 */
import { html } from "htl";
import { assign } from "../../lib/kmeans/kmeans.js";
import { fromRows, type Matrix, toRows } from "../../lib/matrix.js";
import type { Split } from "../../lib/random/split.js";
import { GRADIENT_KMEANS, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import { viewOptions } from "../inputs/dataset_picker.js";
import type { InputSpec } from "../inputs/input_spec.js";
import type { KMeansLive } from "./kmeans_live.js";
import { compareWithTab, onnxExportButton, onnxReferenceMap } from "../onnx/model_export.js";
import {
  csvDownloadButton,
  download,
  jsonDownloadButton,
  manifestHeader,
  svgDownloadButtons,
} from "../inputs/reproducibility.js";
import type { KMeansScores } from "../onnx/scoring.js";

// The exporter (with its protobuf code, 125 kB) is loaded when a model is exported or a map drawn.
const onnxExport = () => import("../../lib/onnx/onnx_export.js");

/** Explains each engine in one sentence. */
export const ENGINE_NOTES = {
  autodiff: "autodiff: the notebook's loss written in stock TensorFlow.js ops and differentiated by tf.grad.",
  fused: "fused: one hand-derived, single-pass loss-and-gradient loop in plain TypeScript.",
};

/** The view select's spec for a dataset (not kept in the URL: its options depend on the data). */
export function viewSpec(dataset: ChosenDataset): InputSpec {
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

/** The K-means page's inputs, with `maxK` the largest k the data allows. */
export function kmeansInputs(dataset: ChosenDataset, maxK: number): Record<string, InputSpec> {
  return {
    k: { type: "number", label: "k", value: Math.min(5, maxK), min: 1, max: maxK, integer: true },
    // A log scale, so that 0.001 and 1000 are both in reach. Adam's steps are bounded by the learning rate,
    // so a large one only wanders; past 200, AdamW's weight decay (lr x 0.01 > 2) blows the centroids up.
    lr: {
      type: "number",
      label: "learning rate",
      value: GRADIENT_KMEANS.lr,
      min: 0.0001,
      max: 1000,
      log: true,
    },
    epochs: {
      type: "number",
      label: "epochs",
      value: GRADIENT_KMEANS.epochs,
      min: 1,
      max: 1000,
      integer: true,
    },
    seed: {
      type: "number",
      label: "seed",
      value: 0,
      min: 0,
      max: 4294967295,
      integer: true,
      control: "number",
    },
    init: { type: "option", label: "init", value: "uniform", options: ["uniform", "kmeans++", "points"] },
    engine: {
      type: "option",
      label: "engine",
      value: "autodiff",
      options: ["autodiff", "fused"],
      control: "radio",
    },
    view: viewSpec(dataset),
    restarts: { type: "number", label: "restarts (R)", value: 10, min: 1, max: 20, integer: true },
  };
}

/** Lloyd's reference model as ONNX, scored over a grid once its section is wanted. */
export function lloydMap(
  live: KMeansLive,
  { files, dataset }: { files: { arrayBuffer(): Promise<ArrayBuffer> }[]; dataset: ChosenDataset },
) {
  const built = dataset.source === "data2D";
  return onnxReferenceMap({
    points: live.validDrawn,
    bytesFor: async (k) =>
      built
        ? new Uint8Array(await files[k - 1].arrayBuffer())
        : (await onnxExport()).kmeansToOnnx(fromRows((await live.lloydFor(k)).centres), {
          metadata: { model: "lloyd", dataset: dataset.name, dataset_sha256: dataset.sha256 },
        }),
    title: (k) => `Lloyd, k = ${k}: decision regions from lloyd-${k}.onnx (onnxruntime-web)`,
  });
}

/** The trained model's download as ONNX, re-scored with onnxruntime-web against the tab's model. */
export function kmeansExport(
  live: KMeansLive,
  { dataset, valid }: { dataset: ChosenDataset; valid: Matrix },
) {
  const exporter = onnxExportButton({
    label: "Download the trained model (.onnx)",
    download,
    async make() {
      const { snapshot, settings, trained } = live.current();
      if (!snapshot || !settings || !trained) return undefined;
      const { k, lr, epochs, seed, init, engine } = settings;
      const { kmeansToOnnx } = await onnxExport();
      const bytes = kmeansToOnnx(snapshot.centroids, {
        metadata: {
          model: "gradient-kmeans",
          lr,
          epochs,
          seed,
          init,
          engine,
          dataset: dataset.name,
          dataset_sha256: dataset.sha256,
          valid_score: snapshot.validScore,
        },
      });
      return { name: `gradient-kmeans-k${k}-seed${seed}.onnx`, bytes };
    },
    async check(scorer) {
      const { snapshot } = live.current();
      const { labels, distances } = await scorer.score(valid) as KMeansScores;
      return compareWithTab(
        { onnxLabels: labels, tabLabels: assign(valid, snapshot!.centroids).labels, perPoint: distances },
        { tabScore: snapshot!.validScore!, scoreName: "validation score" },
      );
    },
  });
  live.onResult(() => exporter.enable(live.current().trained));
  return exporter.element;
}

/** The manifest and the CSV/JSON/SVG/PNG downloads of what is on screen. */
export function kmeansDownloads(
  live: KMeansLive,
  { dataset, split, valid, versions }: {
    dataset: ChosenDataset;
    split: Split;
    valid: Matrix;
    versions: unknown;
  },
) {
  let backend: unknown;
  live.pool.backend.then((info) => (backend = info));
  const state = () => {
    const { snapshot, settings, lloyd } = live.current();
    if (!snapshot || !settings) throw new Error("no model has trained yet; wait for the run to finish.");
    return { snapshot, settings, lloyd, k: settings.k };
  };
  const manifest = () => {
    const { snapshot, settings, lloyd } = state();
    const { k, lr, epochs, seed, init, engine } = settings;
    return {
      ...manifestHeader("kmeans", { dataset, split, validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor }),
      settings: {
        k,
        lr,
        epochs,
        seed,
        init,
        engine,
        optimizer: { name: "AdamW", ...GRADIENT_KMEANS.adamW },
      },
      backend,
      versions,
      results: {
        epoch: snapshot.epoch,
        diverged: snapshot.diverged,
        trainLoss: snapshot.trainLoss,
        validScore: snapshot.validScore,
        centroids: toRows(snapshot.centroids),
        lloydValidScore: lloyd?.validScore,
        lloydCentres: lloyd?.centres,
      },
    };
  };
  const centreRows = () =>
    toRows(state().snapshot.centroids).map((row, j) => ({
      cluster: j + 1,
      ...Object.fromEntries(row.map((v, t) => [`x${t}`, v])),
    }));
  const assignmentRows = () =>
    Array.from(
      assign(valid, state().snapshot.centroids).labels,
      (label, i) => ({ row: split.valid[i], cluster: label + 1 }),
    );
  return html`<div class="downloads">
    ${jsonDownloadButton("Manifest (JSON)", () => `kmeans-manifest-k${state().k}.json`, manifest)}
    ${csvDownloadButton("Centroids (CSV)", () => `gradient-centroids-k${state().k}.csv`, centreRows)}
    ${
    csvDownloadButton("Validation assignments (CSV)", () =>
      `validation-assignments-k${state().k}.csv`, assignmentRows)
  }
    ${
    jsonDownloadButton("Centroids (JSON)", () =>
      `gradient-centroids-k${state().k}.json`, () =>
      toRows(state().snapshot.centroids))
  }
    ${svgDownloadButtons()}
  </div>`;
}
