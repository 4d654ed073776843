/**
 * The optimizer race on a live page: SGD, SGD with momentum, Adam and AdamW trained from the page's
 * start (`lib/kmeans/optimizer_race.ts`), each with its own learning-rate input, as one extra of the
 * live engine (a `race` job in the worker pool, cancelled when its inputs change): the training
 * loss of each optimizer on one log-scaled chart, their centroid paths side by side, a table of the
 * final figures and a sentence of what the race found.
 */
import { html } from "htl";
import * as Plot from "@observablehq/plot";
import { OPTIMIZER_LABELS, type OptimizerName, OPTIMIZERS } from "../../lib/gradient/optimizers.js";
import {
  meanNorm,
  RACE_LANES,
  type RaceFindings,
  raceFindings,
  type RaceLane,
  type RaceRun,
} from "../../lib/kmeans/optimizer_race.js";
import { fromRows, type Matrix } from "../../lib/matrix.js";
import { project, sampleRows } from "../../lib/projection.js";
import { formatScore } from "../draw/format.js";
import { clusterColourOf } from "../draw/palette.js";
import type { InputSpec } from "../inputs/input_spec.js";
import type { KMeansEngine, KMeansModel } from "./kmeans.js";

/** The race's inputs: one learning rate per optimizer (`sgdLr`, `momentumLr`, `adamLr`, `adamwLr`). */
export type RaceSettings = Record<`${OptimizerName}Lr`, number>;

/** The race's inputs, each in the URL (`/kmeans?sgdLr=0.3`), defaults {@link RACE_LANES}'s. */
export function raceInputs(): Record<keyof RaceSettings, InputSpec> {
  const spec = (name: OptimizerName): InputSpec => ({
    type: "number",
    label: `${OPTIMIZER_LABELS[name]} learning rate`,
    value: RACE_LANES[name].lr,
    min: 0.0001,
    max: 10,
    log: true,
  });
  return { sgdLr: spec("sgd"), momentumLr: spec("momentum"), adamLr: spec("adam"), adamwLr: spec("adamw") };
}

/** The lanes of `settings`: each optimizer of {@link RACE_LANES} at the learning rate of its input. */
export function raceLanes(settings: RaceSettings): RaceLane[] {
  return OPTIMIZERS.map((name) => ({ ...RACE_LANES[name], lr: settings[`${name}Lr`] }));
}

const label = (run: RaceRun) => OPTIMIZER_LABELS[run.name];

/** What the race found, in two sentences: who ends lowest, and what the weight decay did to the centroids. */
export function raceSentence(
  { winner, others, diverged, decay }: RaceFindings,
  { epochs }: { epochs: number },
): string {
  const score = (run: RaceRun) => formatScore(run.validScore.at(-1)!);
  const named = (run: RaceRun) => `${label(run)} (lr ${run.lr}) ${score(run)}`;
  const lost = diverged.length
    ? ` ${diverged.map(label).join(" and ")} diverged (${
      diverged.length === 1 ? "its loss became" : "their losses became"
    } too large or not finite).`
    : "";
  const first = winner
    ? `After ${epochs} epochs from the same start, ${
      label(winner)
    } (lr ${winner.lr}) reaches the lowest validation score, ${score(winner)}${
      others.length ? `, ahead of ${others.map(named).join(", ")}` : ""
    }.${lost}`
    : `Every optimizer diverged within ${epochs} epochs.`;
  if (!decay) {
    return `${first} Give Adam and AdamW the same learning rate (and keep both from diverging) to see what the weight decay alone does to the centroids.`;
  }
  const gap = decay.adam - decay.adamw, factor = +(1 - decay.lr * decay.weightDecay).toPrecision(6);
  return `${first} Weight decay: at the same learning rate ${decay.lr}, AdamW's centroids end on average ${
    formatScore(Math.abs(gap), { digits: 3 })
  } ${gap >= 0 ? "closer to" : "farther from"} the origin than Adam's (mean distance ${
    formatScore(decay.adamw, { digits: 3 })
  } against ${
    formatScore(decay.adam, { digits: 3 })
  }): each epoch AdamW first multiplies every centroid by 1 − ${decay.lr} × ${decay.weightDecay} = ${factor}, and the data's gradient only partly pulls it back.`;
}

/** How the race stands, on its element's `data-race-state`. */
type RaceState = "waiting" | "running" | "done" | "cancelled" | "error";

/**
 * The race of the K-means page (`model`): its state, the element of its findings (sentence and
 * table), and the engine extra that trains and draws it from the page's start.
 */
export class OptimizerRace {
  /** The findings: a sentence and the table of final figures; carries `data-race-state`. */
  readonly findings = html`<div class="race-findings" data-race-state="waiting"></div>` as HTMLDivElement;
  /** The loss chart's and the path panels' places in the race's slot. */
  readonly #loss = html`<div></div>` as HTMLDivElement;
  readonly #paths = html`<div></div>` as HTMLDivElement;
  #runs: RaceRun[] = [];
  #lanes: RaceLane[] = [];
  #state: RaceState = "waiting";

  constructor(readonly model: KMeansModel) {}

  /** The live engine's extra: a `race` job per change of its inputs, drawn as its lanes come in. */
  readonly extra: NonNullable<KMeansModel["extras"]>[number] = {
    slot: "race",
    title: ({ epochs }) =>
      `The optimizer race: training loss and centroid paths of SGD, momentum, Adam and AdamW over ${epochs} epochs`,
    key: (settings) => {
      const { k, epochs, seed, init, engine } = settings, start = this.model.placedStart(k);
      return JSON.stringify([
        k,
        epochs,
        seed,
        init,
        engine,
        start ? Array.from(start.data) : null,
        raceLanes(settings),
      ]);
    },
    start: (pool, settings, _engine, redraw) => {
      const { k, epochs, seed, init, engine } = settings;
      this.#runs = [];
      this.#lanes = raceLanes(settings);
      this.#setState("running");
      const job = pool.start("race", {
        k,
        epochs,
        seed,
        init,
        engine,
        uniformBox: this.model.options.uniformBox,
        initial: this.model.placedStart(k),
        lanes: this.#lanes,
      }, {
        slot: 0,
        priority: 1,
        onResult: (run) => {
          this.#runs.push(run);
          redraw();
        },
      });
      job.ended.then(({ status }) => {
        if (job.cancelled) return;
        this.#setState(status === "done" ? "done" : status === "cancelled" ? "cancelled" : "error");
        redraw();
      });
      return job;
    },
    draw: (slot, engine) => {
      const runs = this.#runs, lloyd = engine.reference;
      if (!runs.length) {
        slot.wait("The race trains after the main run…");
        this.findings.classList.add("waiting");
        return;
      }
      // The charts once the race has ended (each lane drew them anew: four long tasks); the paths and
      // the table each in a frame of their own, drawn from the race as it is when their frame comes.
      if (this.#state === "running") {
        slot.wait("The charts follow once every optimizer has trained.");
      } else {
        slot.showKept(this.#loss, this.#paths);
        // Lloyd's training loss dashed on the loss chart, and its centroids in every path panel, once known.
        this.#loss.replaceChildren(lossChart(runs, {
          width: slot.drawWidth,
          reference: lloyd && this.model.curve.reference(lloyd, engine.options.train),
        }));
        engine.loop.want("race paths", () => {
          const lloyd = engine.reference;
          this.#paths.replaceChildren(
            pathsChart(this.#runs, engine, {
              width: slot.drawWidth,
              reference: lloyd && fromRows(lloyd.centroids),
            }),
          );
        });
      }
      engine.loop.want("race findings", () => {
        this.findings.classList.remove("waiting");
        this.findings.replaceChildren(
          this.#state === "done"
            ? html`<p class="race-sentence">${
              raceSentence(raceFindings(this.#runs, this.#lanes), { epochs: engine.settings!.epochs })
            }</p>`
            : html`<p class="muted">Racing: ${this.#runs.length} of ${this.#lanes.length} optimizers trained…</p>`,
          findingsTable(this.#runs),
        );
      });
    },
  };

  #setState(state: RaceState) {
    this.#state = state;
    this.findings.dataset.raceState = state;
  }
}

/** Points drawn of each centroid's path in the race's panels (see {@link pathsChart}). */
const PATH_POINTS = 40;

/** The centroid paths, one panel per optimizer, over a sample of the validation points. */
function pathsChart(
  runs: RaceRun[],
  engine: KMeansEngine,
  { width, reference }: { width: number; reference?: Matrix },
) {
  const projection = engine.projection!;
  const inPlane = (matrix: Matrix) => {
    const plane = project(matrix, projection);
    return Array.from(
      { length: plane.rows },
      (_, i) => ({ x: plane.data[2 * i], y: plane.data[2 * i + 1] }),
    );
  };
  const pointRows = inPlane(sampleRows(engine.validDrawn, { max: 300 }));
  const referenceRows = reference ? inPlane(reference) : [];
  const paths: { optimizer: string; path: string; x: number; y: number; colour: string }[] = [];
  const ends: typeof paths = [];
  for (const run of runs) {
    const colourOf = engine.colours(run.centroids.at(-1)!);
    // At most about PATH_POINTS points a path, the last always: more do not show at this size, and
    // they made the chart a long task to build.
    const last = run.centroids.length - 1, stride = Math.ceil(run.centroids.length / PATH_POINTS);
    run.centroids.forEach((centroids, e) => {
      if (e % stride !== 0 && e !== last) return;
      inPlane(centroids).forEach((at, j) => {
        const row = {
          ...at,
          optimizer: label(run),
          path: `${run.name} ${j}`,
          colour: clusterColourOf(colourOf[j]),
        };
        paths.push(row);
        if (e === last) ends.push(row);
      });
    });
  }
  // The frame holds the points, the reference and every path point within one data width of them
  // (a run that blows up leaves it, clipped).
  const extent = (t: 0 | 1) => {
    const value = (row: { x: number; y: number }) => (t === 0 ? row.x : row.y);
    const data = [...pointRows, ...referenceRows].map(value);
    const low = Math.min(...data), high = Math.max(...data), span = high - low;
    const near = paths.map(value).filter((v) => v >= low - span && v <= high + span);
    return [Math.min(low, ...near), Math.max(high, ...near)];
  };
  const facets = runs.map(label);
  return Plot.plot({
    width,
    height: Math.max(180, Math.min(320, width / Math.max(2, facets.length) + 40)),
    x: { domain: extent(0), label: projection.labels[0] },
    y: { domain: extent(1), label: projection.labels[1] },
    fx: { domain: facets, label: null },
    marks: [
      // Marks without fx (the points, Lloyd's centroids, the frame) are drawn in every panel.
      Plot.dot(pointRows, {
        x: "x",
        y: "y",
        r: 1,
        fill: "currentColor",
        fillOpacity: 0.25,
      }),
      Plot.line(paths, { x: "x", y: "y", z: "path", fx: "optimizer", stroke: "colour", clip: true }),
      Plot.dot(ends, {
        x: "x",
        y: "y",
        fx: "optimizer",
        fill: "colour",
        stroke: "white",
        r: 4,
        clip: true,
      }),
      Plot.dot(referenceRows, {
        x: "x",
        y: "y",
        symbol: "plus",
        stroke: "currentColor",
        r: 5,
      }),
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
    ariaLabel: `Centroid paths of ${facets.join(", ")}, each from the same start`,
  });
}

/** One line per optimizer: its training loss over the epochs, log y; the reference's loss dashed. */
function lossChart(runs: RaceRun[], { width, reference }: { width: number; reference?: number }) {
  const rows = runs.flatMap((run) =>
    run.epochs.flatMap((epoch, e) => {
      const loss = run.trainLoss[e];
      return Number.isFinite(loss) && loss > 0 ? [{ optimizer: label(run), epoch, loss }] : [];
    })
  );
  return Plot.plot({
    width,
    height: 260,
    y: { type: "log", label: "training loss", grid: true, tickFormat: "~g" },
    x: { label: "epoch" },
    color: { legend: true, domain: OPTIMIZERS.map((name) => OPTIMIZER_LABELS[name]) },
    marks: [
      Plot.line(rows, { x: "epoch", y: "loss", stroke: "optimizer", tip: true }),
      ...(reference === undefined ? [] : [Plot.ruleY([reference], { strokeDasharray: "4 3" })]),
    ],
    ariaLabel: "Training loss of each optimizer by epoch, log scale",
  });
}

const HEADERS = [
  "optimizer",
  "learning rate",
  "epochs",
  "training loss",
  "validation score",
  "mean distance to the origin",
];

/** The final figures of each lane, one row per optimizer (`data-optimizer` names it). */
function findingsTable(runs: RaceRun[]) {
  const row = (run: RaceRun) => {
    const cells = [
      ["", label(run)],
      ["", String(run.lr)],
      ["", `${run.epochs.at(-1)}${run.diverged ? " (diverged)" : ""}`],
      ["train-loss", formatScore(run.trainLoss.at(-1)!)],
      ["valid-score", formatScore(run.validScore.at(-1)!)],
      ["mean-norm", formatScore(meanNorm(run.centroids.at(-1)!), { digits: 3 })],
    ];
    return html`<tr data-optimizer=${run.name}>${
      cells.map(([className, text]) => html`<td class=${className || null}>${text}</td>`)
    }</tr>`;
  };
  return html`
    <table class="race-table" style="max-width: 760px">
      <thead>
        <tr>${HEADERS.map((title) => html`<th>${title}</th>`)}</tr>
      </thead>
      <tbody>${runs.map(row)}</tbody>
    </table>
  `;
}
