/**
 * The mixture page's declarations: its inputs (one spec for the controls and the URL), the ONNX
 * parts (EM's reference map, the trained model's export) and the reproducibility downloads, all
 * reading the live component's current model at the time they are used.
 */
import { html } from "htl";
import { gmmPredict } from "../../lib/mixture/gaussian_mixture.js";
import { fromRows, type Matrix, toRows } from "../../lib/matrix.js";
import type { Split } from "../../lib/random/split.js";
import { GRADIENT_MIXTURE, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import type { InputSpec } from "../inputs/input_spec.js";
import type { MixtureLive } from "./mixture_live.js";
import { viewSpec } from "./kmeans_page.js";
import { compareWithTab, onnxExportButton, onnxReferenceMap } from "../onnx/model_export.js";
import {
  csvDownloadButton,
  download,
  jsonDownloadButton,
  manifestHeader,
  svgDownloadButtons,
} from "../inputs/reproducibility.js";
import type { MixtureScores } from "../onnx/scoring.js";

// The exporter (with its protobuf code, 125 kB) is loaded when a model is exported or a map drawn.
const onnxExport = () => import("../../lib/onnx/onnx_export.js");

/** The mixture page's inputs, with `maxK` the largest k the data allows. */
export function mixtureInputs(dataset: ChosenDataset, maxK: number): Record<string, InputSpec> {
  return {
    k: { type: "number", label: "k", value: Math.min(5, maxK), min: 1, max: maxK, integer: true },
    init: {
      type: "option",
      label: "init",
      value: "both",
      options: ["both", "random", "kmeans"],
      labels: { both: "both, side by side", random: "random", kmeans: "K-means" },
      control: "radio",
    },
    // A log scale, so that 0.0005 and 50 (which diverges: try it) are both in reach.
    lr: {
      type: "number",
      label: "learning rate",
      value: GRADIENT_MIXTURE.lr,
      min: 0.0001,
      max: 100,
      log: true,
    },
    epochs: {
      type: "number",
      label: "epochs",
      value: GRADIENT_MIXTURE.epochs,
      min: 1,
      max: 3000,
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
    engine: {
      type: "option",
      label: "engine",
      value: "autodiff",
      options: ["autodiff", "fused"],
      control: "radio",
    },
    view: viewSpec(dataset),
  };
}

/** EM's reference model as ONNX, scored over a grid once its section is wanted. */
export function emMap(
  live: MixtureLive,
  { files, dataset }: { files: { arrayBuffer(): Promise<ArrayBuffer> }[]; dataset: ChosenDataset },
) {
  const built = dataset.source === "data2D";
  return onnxReferenceMap({
    points: live.validDrawn,
    bytesFor: async (k) => {
      if (built) return new Uint8Array(await files[k - 1].arrayBuffer());
      const em = await live.emFor(k);
      const model = {
        means: fromRows(em.means),
        sigmas: Float64Array.from(em.sigmas),
        weights: Float64Array.from(em.weights),
      };
      return (await onnxExport()).mixtureToOnnx(model, {
        metadata: { model: "em", dataset: dataset.name, dataset_sha256: dataset.sha256 },
      });
    },
    title: (k) => `EM, k = ${k}: log density from em-${k}.onnx (onnxruntime-web)`,
  });
}

/** The focus run's download as ONNX, re-scored with onnxruntime-web against the tab's model. */
export function mixtureExport(
  live: MixtureLive,
  { dataset, valid }: { dataset: ChosenDataset; valid: Matrix },
) {
  const exporter = onnxExportButton({
    label: "Download the trained mixture (.onnx)",
    download,
    async make() {
      const { snapshot, settings, trained } = live.current();
      if (!snapshot || !settings || !trained) return undefined;
      const { k, lr, epochs, seed, engine } = settings;
      const { mixtureToOnnx } = await onnxExport();
      const bytes = mixtureToOnnx(snapshot, {
        metadata: {
          model: "gradient-gmm",
          init: live.focus,
          lr,
          epochs,
          seed,
          engine,
          dataset: dataset.name,
          dataset_sha256: dataset.sha256,
          valid_nll: snapshot.validNLL,
        },
      });
      return { name: `gradient-gmm-k${k}-seed${seed}.onnx`, bytes };
    },
    async check(scorer) {
      const { snapshot } = live.current();
      const { labels, logLikelihood } = await scorer.score(valid) as MixtureScores;
      return compareWithTab(
        {
          onnxLabels: labels,
          tabLabels: gmmPredict(valid, snapshot!),
          perPoint: logLikelihood.map((l) => -l),
        },
        { tabScore: snapshot!.validNLL!, scoreName: "validation NLL" },
      );
    },
  });
  live.onResult(() => exporter.enable(live.current().trained));
  return exporter.element;
}

/** The manifest and the CSV/SVG/PNG downloads of what is on screen. */
export function mixtureDownloads(
  live: MixtureLive,
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
    const current = live.current();
    if (!current.snapshot || !current.settings) {
      throw new Error("no model has trained yet; wait for the run to finish.");
    }
    return { ...current, snapshot: current.snapshot, settings: current.settings, k: current.settings.k };
  };
  const manifest = () => {
    const { runs, settings, em } = state();
    const { k, init, lr, epochs, seed, engine } = settings;
    return {
      ...manifestHeader("gmm", { dataset, split, validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor }),
      settings: { k, init, lr, epochs, seed, engine, optimizer: { name: "Adam", ...GRADIENT_MIXTURE.adamW } },
      backend,
      versions,
      results: Object.fromEntries(
        runs.filter((run) => run.snapshot).map(({ name, snapshot: s }) => [name, {
          epoch: s!.epoch,
          diverged: s!.diverged,
          trainNLL: s!.trainNLL,
          validNLL: s!.validNLL,
          means: toRows(s!.means),
          sigmas: Array.from(s!.sigmas),
          weights: Array.from(s!.weights),
        }]),
      ),
      em: em && { validNLL: em.validNLL, means: em.means, sigmas: em.sigmas, weights: em.weights },
    };
  };
  const componentRows = () => {
    const { snapshot } = state();
    return toRows(snapshot.means).map((row, j) => ({
      component: j + 1,
      weight: snapshot.weights[j],
      sigma: snapshot.sigmas[j],
      ...Object.fromEntries(row.map((v, t) => [`mean_x${t}`, v])),
    }));
  };
  const assignmentRows = () =>
    Array.from(
      gmmPredict(valid, state().snapshot),
      (label, i) => ({ row: split.valid[i], component: label + 1 }),
    );
  return html`<div class="downloads">
    ${jsonDownloadButton("Manifest (JSON)", () => `gmm-manifest-k${state().k}.json`, manifest)}
    ${csvDownloadButton("Components (CSV)", () => `gradient-gmm-components-k${state().k}.csv`, componentRows)}
    ${
    csvDownloadButton("Validation assignments (CSV)", () =>
      `gmm-validation-assignments-k${state().k}.csv`, assignmentRows)
  }
    ${svgDownloadButtons()}
  </div>`;
}
