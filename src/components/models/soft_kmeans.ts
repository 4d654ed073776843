/**
 * Soft K-means as a model of the live engine (`live/engine.ts`), built on the K-means model: the
 * same page of runs, start picker, Lloyd reference, gap curve and matching, with the gradient run's
 * loss the free energy at the page's beta (fixed, or annealed over the epochs), soft Lloyd's
 * iterates in the steps panel, and annealing soft Lloyd from the run's start as an extra: where the
 * centroids split on a beta axis, and where annealing ends against Lloyd's best.
 */
import { html } from "htl";
import { initialCentroids } from "../../lib/kmeans/gradient_kmeans.js";
import { ANNEAL_DEFAULTS } from "../../lib/soft_kmeans/soft_kmeans.js";
import type { Matrix } from "../../lib/matrix.js";
import { formatScore } from "../draw/format.js";
import { splitsChart } from "../draw/splits.js";
import { type AnnealFindings, annealSentence, betaText } from "../../data/soft_kmeans_figures.js";
import type { ChosenDataset } from "../inputs/dataset_store.js";
import type { InputSpec } from "../inputs/input_spec.js";
import type { KMeansJobOptions, KMeansSnapshot, SoftLloydStepSummary } from "../live/protocol.js";
import type { PaintContext } from "../live/engine.js";
import { kmeansInputs, KMeansModel, type KMeansSettings } from "./kmeans.js";
import type { ScatterPanel } from "../draw/scatter_layers.js";

/** The soft K-means page's inputs: K-means' and beta, fixed or annealed. */
export interface SoftKMeansSettings extends KMeansSettings {
  beta: number;
  schedule: "fixed" | "anneal";
}

/** Annealing's schedule, lib's: from below data2D's first critical beta, where every centroid sits at the mean. */
export const { betaStart: ANNEAL_FROM, betaEnd: ANNEAL_TO } = ANNEAL_DEFAULTS;

const soft = (settings: KMeansSettings) => settings as SoftKMeansSettings;

/** The soft K-means descriptor (see the module). */
export class SoftKMeansModel extends KMeansModel {
  #anneal?: AnnealFindings;
  /** The sentence under the annealing chart, with its figures as data attributes for readers and tests. */
  readonly annealText = html`<p class="anneal-text"></p>` as HTMLParagraphElement;

  override runKey(settings: KMeansSettings): string {
    const { beta, schedule } = soft(settings);
    return `${super.runKey(settings)} ${JSON.stringify([beta, schedule])}`;
  }

  protected override jobOptions(settings: KMeansSettings): Partial<KMeansJobOptions> {
    const { beta, schedule } = soft(settings);
    return schedule === "anneal" ? { beta: ANNEAL_FROM, betaEnd: beta } : { beta };
  }

  override paint(
    panel: ScatterPanel,
    snapshot: KMeansSnapshot,
    context: PaintContext & { history: KMeansSnapshot[] },
  ) {
    const label = super.paint(panel, snapshot, context);
    return { ...label, title: label.title.replace("Gradient descent (AdamW)", "Soft K-means by AdamW") };
  }

  /** The run's start: placed by hand, or drawn as the worker draws it (the same lib function). */
  startOf(settings: KMeansSettings, train: Matrix): Matrix {
    const { k, seed, init } = settings;
    return this.placedStart(k) ??
      initialCentroids(train, { k, seed, init, uniformBox: this.options.uniformBox });
  }

  override readonly steps: KMeansModel["steps"] = {
    waiting: "waiting for the gradient run's start…",
    key: (settings, engine) => {
      const start = this.runStart(settings, engine);
      return start && JSON.stringify([soft(settings).beta, Array.from(start.data)]);
    },
    start: (pool, settings, engine, done) =>
      pool.start("soft-lloyd-steps", {
        start: this.runStart(settings, engine)!,
        beta: soft(settings).beta,
        maxIterations: 100,
      }, { slot: 1, priority: 0, onResult: done }),
    parameters: (step) => step.centroids,
    // Every iterate's points coloured by their nearest centroid of that iterate.
    paint: (panel, step, _before, context) =>
      this.paintCentroids(panel, step.centroids, step.centroids, context),
    describe: (step) => ({
      what: step.phase === "start"
        ? "soft Lloyd from the gradient run's start"
        : `soft Lloyd iteration ${step.iteration} (free energy ${
          formatScore((step as SoftLloydStepSummary).freeEnergy)
        })`,
      value: step.loss,
    }),
  };

  /** No k = 1..K table on this page. */
  override readonly table = {
    key: () => "",
    start: () => [],
    render: () => html`<p></p>` as Node,
  };

  override readonly extras: KMeansModel["extras"] = [{
    slot: "anneal",
    title: () => `Annealing: the centroids split as beta rises from ${ANNEAL_FROM} to ${betaText(ANNEAL_TO)}`,
    /** Annealing starts from the run's start; beta's schedule is its own, so the beta input does not rerun it. */
    key: ({ k, seed, init }) => JSON.stringify([k, seed, init, this.placed ?? null]),
    start: (pool, settings, engine, redraw) => {
      this.#anneal = undefined;
      engine.slots.anneal.element.dataset.annealState = "running";
      return pool.start("anneal", {
        start: this.startOf(settings, engine.options.train),
        seed: settings.seed,
      }, {
        slot: 1,
        priority: 1,
        onResult: (result) => {
          this.#anneal = result;
          redraw();
        },
      });
    },
    draw: (slot, engine) => {
      const result = this.#anneal;
      if (!result) {
        slot.show(html`<p class="muted">Annealing runs in a worker after the main run…</p>`);
        this.annealText.textContent = "";
        return;
      }
      if (!engine.projection) return;
      const { annealed, lloydBest, lloydFromStart, gradientFromStart, splits, firstCritical, reached } =
        result;
      slot.show(splitsChart(result, {
        width: slot.drawWidth,
        projection: engine.projection,
        colourOf: engine.colours(result.levels.at(-1)!.centroids),
        axis: "the view's horizontal axis",
      }));
      Object.assign(engine.slots.anneal.element.dataset, {
        annealState: "done",
        firstSplit: String(splits[0]?.beta ?? NaN),
        firstCritical: String(firstCritical),
        annealedTrain: String(annealed.trainLoss),
        annealedValid: String(annealed.validScore),
        lloydBestTrain: String(lloydBest.trainLoss),
        lloydStartTrain: String(lloydFromStart.trainLoss),
        reached: String(reached),
        gradientStartOwners: String(gradientFromStart.owners),
      });
      this.annealText.textContent = annealSentence(result);
    },
  }];
}

/** The soft K-means page's inputs: K-means' without the restarts, and beta (log slider) with its schedule. */
export function softKMeansInputs(dataset: ChosenDataset, maxK: number): Record<string, InputSpec> {
  const { restarts: _, ...inputs } = kmeansInputs(dataset, maxK);
  return {
    ...inputs,
    beta: { type: "number", label: "beta", value: 1, min: 0.1, max: 1e4, log: true },
    schedule: {
      type: "option",
      label: "beta over the epochs",
      value: "fixed",
      options: ["fixed", "anneal"],
      labels: { fixed: "fixed", anneal: `anneal from ${ANNEAL_FROM}` },
      control: "radio",
    },
  };
}
