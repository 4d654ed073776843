/**
 * The local-optima atlas on a page (`src/atlas.md`): `lib/atlas.ts` run in the training workers, one
 * "atlas" job per method and worker (each worker takes every size-th seed) and one for the
 * reference, the runs drawn as they arrive as one histogram per method (Observable Plot, each in a
 * frame of the one frame loop), with the best known value and the tolerance marked, and the
 * findings in sentences computed from `summarizeAtlas`. A progress bar counts the runs done, a
 * button cancels, and the status element carries `data-atlas-state` (running, done, cancelled,
 * error) and `data-runs-done` / `data-runs-total` for tests and benchmarks.
 */
import { html } from "htl";
import * as Plot from "@observablehq/plot";
import {
  ATLAS_METHODS,
  ATLAS_NAMES,
  ATLAS_REFERENCE,
  ATLAS_SEEDS,
  type AtlasMethod,
  type AtlasModel,
  type AtlasRun,
  type AtlasSummary,
  summarizeAtlas,
} from "../../lib/atlas.js";
import type { UniformBox } from "../../lib/kmeans/gradient_kmeans.js";
import type { Matrix } from "../../lib/matrix.js";
import type { InputSpec } from "../inputs/input_spec.js";
import { formatScore } from "../draw/format.js";
import { atlasFindings, what } from "./atlas_findings.js";
import { PanelSlot } from "../draw/panel_slot.js";
import { type Job, TrainingPool } from "../live/pool.js";
import { FrameLoop } from "../player/frame_loop.js";

/** The atlas page's inputs. */
export interface AtlasSettings {
  model: AtlasModel;
  k: number;
  seeds: number;
}

/** The atlas page's inputs (`maxK`: the largest k the data allows), each bounded and in the URL. */
export function atlasInputs(maxK: number): Record<string, InputSpec> {
  return {
    model: {
      type: "option",
      label: "model",
      value: "kmeans",
      options: ["kmeans", "mixture"],
      labels: { kmeans: "K-means", mixture: "Gaussian mixture" },
      control: "radio",
    },
    k: { type: "number", label: "k", value: Math.min(5, maxK), min: 1, max: maxK, integer: true },
    seeds: {
      type: "number",
      label: "seeds",
      value: ATLAS_SEEDS.default,
      min: 1,
      max: ATLAS_SEEDS.max,
      integer: true,
      control: "number",
    },
  };
}

/** How an atlas on the page ended, or that it runs. */
type AtlasState = "running" | "done" | "cancelled" | "error";

/** Milliseconds between two redraws of the charts while runs arrive. */
const DRAW_MS = 500;
/** Bins of a histogram between the best known value and its right edge. */
const BINS = 40;
/** A histogram's right edge: the best known value plus this many tolerances (later runs go in the last bin). */
const SPAN = 10;

/** The histogram of one method's runs, on the x range shared by every method. */
function histogram(
  runs: readonly AtlasRun[],
  { summary, width, name }: { summary: AtlasSummary; width: number; name: string },
) {
  const { best, threshold, model } = summary;
  const right = best + SPAN * (threshold - best);
  const step = (right - best) / BINS;
  const thresholds = Array.from({ length: BINS + 1 }, (_, i) => best + i * step);
  // Runs beyond the right edge are drawn in the last bin.
  const rows = runs.map((run) => ({ loss: Math.min(run.loss, right - step / 2) }));
  const beyond = runs.filter((run) => run.loss >= right).length;
  return Plot.plot({
    width,
    height: 150,
    marginLeft: 40,
    title: `${name}: ${runs.length} seeds${
      beyond ? ` (${beyond} beyond ${formatScore(right)}, in the last bin)` : ""
    }`,
    x: {
      domain: [best, right],
      label: `final ${what(model)} →`,
      tickFormat: (v: number) => formatScore(v, { digits: 4 }),
    },
    y: { label: "↑ seeds", grid: true },
    marks: [
      Plot.rectY(rows, {
        ...Plot.binX({ y: "count" }, { x: "loss", thresholds }),
        fill: "var(--theme-foreground-focus)",
      }),
      Plot.ruleX([threshold], { stroke: "currentColor", strokeDasharray: "4,3" }),
      Plot.ruleX([best], { stroke: "var(--theme-red)", strokeWidth: 2 }),
      Plot.text([best], {
        x: (d: number) => d,
        frameAnchor: "top",
        dx: 4,
        textAnchor: "start",
        text: () => `best known ${formatScore(best)}`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** The atlas of a page: its workers, its state, its charts and its sentences. */
export class LocalOptimaAtlas {
  readonly pool: TrainingPool;
  readonly loop = new FrameLoop();
  readonly bar = html`<progress max="1" value="0"></progress>` as HTMLProgressElement;
  readonly text = html`<span></span>` as HTMLSpanElement;
  readonly status =
    html`<div class="atlas-status" data-atlas-state="done" role="status">${this.bar} ${this.text}</div>` as HTMLDivElement;
  readonly cancelButton = html`<button type="button" disabled>Cancel</button>` as HTMLButtonElement;
  readonly runButton = html`<button type="button">Run again</button>` as HTMLButtonElement;
  readonly findings = html`<div class="atlas-findings"></div>` as HTMLDivElement;
  readonly slots = {} as Record<AtlasMethod, PanelSlot>;
  settings?: AtlasSettings;
  #jobs: Job[] = [];
  #runs: Partial<Record<AtlasMethod, AtlasRun[]>> = {};
  #reference?: AtlasRun;
  #total = 0;
  #done = 0;
  #sent?: AtlasModel;
  #timer?: ReturnType<typeof setTimeout>;

  /**
   * `data`: each model's split; `workers`: the pool's size (each method's seeds are shared among
   * them); `uniformBox`: where gradient K-means' uniform start draws.
   */
  constructor(
    readonly data: Record<AtlasModel, { train: Matrix; valid: Matrix }>,
    readonly workers = 2,
    readonly uniformBox: UniformBox = "unit",
  ) {
    this.pool = new TrainingPool(workers);
    this.pool.showJobsOn(this.status);
    for (const method of [...ATLAS_METHODS.kmeans, ...ATLAS_METHODS.mixture]) {
      this.slots[method] = new PanelSlot(() => this.#drawLater(method));
    }
    this.cancelButton.onclick = () => this.cancel();
    this.runButton.onclick = () => this.settings && this.run(this.settings);
  }

  /** The slots of `model`'s methods, in order. */
  shownSlots(model: AtlasModel): HTMLElement[] {
    return ATLAS_METHODS[model].map((method) => this.slots[method].element);
  }

  /** Starts the atlas of `settings` (cancelling the one under way). */
  run(settings: AtlasSettings): void {
    this.#stop();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.settings = settings;
    const { model, k, seeds } = settings;
    if (this.#sent !== model) {
      this.pool.setData(this.data[model].train, this.data[model].valid);
      this.#sent = model;
    }
    this.#runs = {};
    this.#reference = undefined;
    this.#done = 0;
    const methods = ATLAS_METHODS[model];
    this.#total = methods.length * seeds + 1;
    const options = { k, engine: "fused" as const, uniformBox: this.uniformBox };
    this.#jobs = [
      this.pool.start("atlas", { ...options, method: ATLAS_REFERENCE[model], seeds: [] }, {
        onSnapshot: (run) => {
          this.#reference = run;
          this.#arrived();
        },
      }),
    ];
    const workers = Math.min(this.workers, seeds);
    for (const method of methods) {
      this.#runs[method] = [];
      for (let slot = 0; slot < workers; slot++) {
        const mine = Array.from({ length: seeds }, (_, seed) => seed).filter((seed) =>
          seed % workers === slot
        );
        this.#jobs.push(this.pool.start("atlas", { ...options, method, seeds: mine }, {
          slot,
          onSnapshot: (run) => {
            this.#runs[method]!.push(run);
            this.#arrived();
          },
        }));
      }
    }
    const jobs = this.#jobs;
    Promise.all(jobs.map((job) => job.ended)).then((ends) => {
      if (jobs !== this.#jobs) return;
      const failed = ends.find((end) => end.status === "error");
      if (failed) {
        this.#stop();
        this.#show("error", `The atlas stopped: ${failed.error}`);
      } else if (ends.every((end) => end.status === "done")) {
        // Done once the last charts and findings are drawn (the frame loop runs its steps in order).
        this.#drawAll();
        this.loop.want("done", () => jobs === this.#jobs && this.#show("done", this.#progressWords()));
      }
    });
    this.#show("running", this.#progressWords());
    this.findings.replaceChildren();
    for (const method of methods) this.slots[method].show();
  }

  /** Cancels the atlas under way: the runs done so far stay on screen. */
  cancel(): void {
    if (!this.#stop()) return;
    this.#show(
      "cancelled",
      `Cancelled after ${this.#done} of ${this.#total} runs: the histograms show the runs that finished. "Run again" starts over.`,
    );
  }

  /** Cancels every job; whether any was still running. */
  #stop(): boolean {
    const running = this.#jobs.some((job) => !job.cancelled) && this.status.dataset.atlasState === "running";
    for (const job of this.#jobs) job.cancel();
    this.#jobs = [];
    return running;
  }

  #progressWords(): string {
    return `${this.#done} of ${this.#total} runs done (${this.settings!.seeds} seeds per method and ${
      ATLAS_NAMES[ATLAS_REFERENCE[this.settings!.model]]
    }).`;
  }

  #show(state: AtlasState, words: string) {
    this.status.dataset.atlasState = state;
    this.status.dataset.runsDone = String(this.#done);
    this.status.dataset.runsTotal = String(this.#total);
    this.bar.value = this.#total ? this.#done / this.#total : 0;
    this.text.textContent = words;
    this.cancelButton.disabled = state !== "running";
  }

  #arrived() {
    this.#done++;
    if (this.status.dataset.atlasState === "running") this.#show("running", this.#progressWords());
    // Runs arrive every few milliseconds: the charts follow at most every DRAW_MS.
    this.#timer ??= setTimeout(() => this.#drawAll(), DRAW_MS);
  }

  /**
   * Draws every histogram (a new best known value moves all their marks) and the findings, each in
   * a frame of its own.
   */
  #drawAll() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const method of ATLAS_METHODS[this.settings!.model]) this.#drawLater(method);
    this.loop.want("findings", () => this.#drawFindings());
  }

  /** The summary of the runs in hand (undefined before the reference and a first run). */
  #summary(): AtlasSummary | undefined {
    if (!this.settings || !this.#reference) return undefined;
    return summarizeAtlas(this.settings.model, this.#runs, this.#reference);
  }

  #drawLater(method: AtlasMethod) {
    this.loop.want(`histogram ${method}`, () => {
      const runs = this.#runs[method], summary = this.#summary();
      if (!runs?.length || !summary) return;
      const slot = this.slots[method];
      slot.show(histogram(runs, { summary, width: slot.drawWidth, name: ATLAS_NAMES[method] }));
    });
  }

  #drawFindings() {
    const summary = this.#summary();
    if (!summary?.methods.length) return;
    this.findings.replaceChildren(
      ...atlasFindings(summary, this.settings!.k).map((sentence) => html`<p>${sentence}</p>`),
    );
  }

  dispose(): void {
    this.#stop();
    clearTimeout(this.#timer);
    this.loop.dispose();
    this.pool.close();
  }
}
