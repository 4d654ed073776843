// The lessons' whys and the notes beside the charts, against lib/ runs on data2D: each sentence is
// said only when the run makes it true, and quotes that run's own figures.
import assert from "node:assert/strict";
import { parseNpy } from "../lib/io/npy.js";
import { fromRows, type Matrix, takeRows, toRows } from "../lib/matrix.js";
import { split } from "../lib/random/split.js";
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import {
  type GradientKMeansOptions,
  initialCentroids,
  trainGradientKMeans,
} from "../lib/kmeans/gradient_kmeans.js";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { emGaussianMixture } from "../lib/mixture/em.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { EM, LLOYD } from "../lib/notebook_settings.js";
import {
  DEAD_START,
  type KMeansLessonRun,
  kmeansLessonRun,
  kmeansScenarios,
  matchScenario,
  mixtureLessonInit,
  type MixtureLessonRun,
  mixtureScenarios,
  type SeedScore,
} from "../src/components/models/scenarios.ts";
import {
  deadThroughout,
  jumpsAndCrawls,
  largestStep,
  stillFalling,
} from "../src/components/models/why_notes.ts";

const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
const splitOf = (divisor: number) => {
  const { train, valid } = split(data2D.rows, { validDivisor: divisor });
  return { train: takeRows(data2D, train), valid: takeRows(data2D, valid) };
};
const kmeansSplit = splitOf(4), mixtureSplit = splitOf(3);
/** Lloyd's training loss and validation score for k, as the page's reference panel has them. */
function lloydFigures(k: number) {
  const run = lloyd(kmeansSplit.train, { ...LLOYD, k });
  return {
    trainLoss: run.inertia / kmeansSplit.train.rows,
    validScore: validationScore(kmeansSplit.valid, run.centroids),
  };
}
const lloydK5 = lloydFigures(5);
type KMeansStepLike = KMeansLessonRun["steps"][number];
const copy = (m: Matrix): Matrix => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });

/** A lib run as the page has it: every epoch from the start (epoch 0), then the lesson's view of it. */
async function kmeansRun(
  options: Omit<GradientKMeansOptions, "k"> & { k?: number },
  tenSeeds?: SeedScore[],
): Promise<KMeansLessonRun> {
  const settings = { k: 5, lr: 0.1, epochs: 150, seed: 0, init: "uniform" as const, ...options };
  const { train, valid } = kmeansSplit;
  const start = options.initial ?? initialCentroids(train, settings);
  const steps: KMeansStepLike[] = [{
    epoch: 0,
    trainLoss: validationScore(train, start),
    validScore: validationScore(valid, start),
    centroids: copy(start),
    diverged: false,
  }];
  for await (const step of trainGradientKMeans(train, { ...settings, valid, reportEvery: 1 })) {
    steps.push({ ...step, centroids: copy(step.centroids) });
  }
  return kmeansLessonRun(steps, { train, valid, settings, lloyd: lloydFigures(settings.k), tenSeeds });
}

const tenSeeds: SeedScore[] = [];
for (let seed = 0; seed < 10; seed++) {
  const run = await kmeansRun({ seed });
  tenSeeds.push({ seed, validScore: run.validScore });
}
const scenarios = kmeansScenarios(tenSeeds);
const why = (id: string, run: KMeansLessonRun) => scenarios.find((s) => s.id === id)!.why(run)!;
const f5 = (v: number) => v.toFixed(5);

Deno.test("the ten seeds pick the lessons: seed 0 is the worst (the notebook's), seed 8 the median", () => {
  const sorted = [...tenSeeds].sort((a, b) => a.validScore - b.validScore);
  assert.equal(sorted.at(-1)!.seed, 0);
  assert.deepEqual(scenarios.map((s) => s.id), [
    "notebook",
    "median-seed",
    "dead-centroid",
    "large-lr",
    "uniform-patch",
    "restarts",
  ]);
  assert.deepEqual(scenarios[1].params, { seed: sorted[4].seed });
});

Deno.test("a lesson matches its settings only: defaults fill what its link leaves out", () => {
  const defaults = { k: 5, lr: 0.1, epochs: 150, seed: 0, init: "uniform", start: "" };
  const at = (settings: Record<string, unknown>) =>
    matchScenario(scenarios, { ...defaults, engine: "autodiff", ...settings }, defaults)?.id;
  assert.equal(at({}), "notebook");
  assert.equal(at({ seed: scenarios[1].params.seed }), "median-seed");
  assert.equal(at({ start: DEAD_START }), "dead-centroid");
  assert.equal(at({ lr: 1000 }), "large-lr");
  assert.equal(at({ k: 10 }), "uniform-patch");
  assert.equal(at({ init: "kmeans++" }), "restarts");
  assert.equal(at({ seed: 3 }), undefined);
  assert.equal(at({ k: 10, seed: 1 }), undefined);
});

Deno.test("the notebook's run: its rank among the ten seeds, and the notes that hold for it", async () => {
  const run = await kmeansRun({}, tenSeeds);
  const text = why("notebook", run);
  assert.match(
    text,
    /Of the Report's 10 seeds \(0 to 9\) with these settings, seed 0 ranks 10th \(the worst\)/,
  );
  const gap = (100 * (run.validScore - lloydK5.validScore)) / lloydK5.validScore;
  assert.ok(
    text.includes(
      `validation score ${f5(run.validScore)}, ${gap.toFixed(2)}% above Lloyd's ${f5(lloydK5.validScore)}`,
    ),
    text,
  );
  // Adam's largest step is about lr at most; Lloyd's first update jumps much farther.
  const step = largestStep(run);
  assert.ok(step <= 0.12, `largest step ${step}`);
  assert.match(jumpsAndCrawls(run)!, new RegExp(`more than ${step.toFixed(3)} in an epoch`));
  // 150 epochs: the gap to Lloyd's training loss still falls over the last 15 (lib's curve).
  const value = (step: { trainLoss: number }) => step.trainLoss;
  const before = run.steps[135].trainLoss - lloydK5.trainLoss,
    after = run.steps[150].trainLoss - lloydK5.trainLoss;
  assert.ok(before > after * 1.01 && after > 0, `gap ${before} then ${after}`);
  assert.match(
    stillFalling(run.steps, lloydK5.trainLoss, { value, gap: "the gap" })!,
    new RegExp(`from ${before.toFixed(5)} at epoch 135 to ${after.toFixed(5)} at epoch 150`),
  );
  // Converged (a reference at the curve's end, no gap left): nothing is said.
  assert.equal(stillFalling(run.steps, run.steps[150].trainLoss, { value, gap: "the gap" }), undefined);
  assert.equal(deadThroughout(run), undefined, "no centroid is dead in the notebook's run");
});

Deno.test("a dead centroid: zero gradient, moved only by weight decay, (1 − lr·λ)^epochs", async () => {
  const initial = fromRows(DEAD_START.split(";").map((row) => row.split(",").map(Number)));
  const run = await kmeansRun({ initial });
  const dead = deadThroughout(run)!;
  assert.equal(dead.j, 4);
  const end = toRows(run.steps[150].centroids)[4];
  // lib's float64 run against weight decay alone: equal to rounding (1e-9 relative).
  assert.ok(Math.abs(Math.hypot(...end) - Math.hypot(6, 5) * 0.999 ** 150) < 1e-9 * Math.hypot(6, 5));
  const text = why("dead-centroid", run);
  assert.match(
    text,
    new RegExp(`from ${Math.hypot(6, 5).toFixed(3)} to ${Math.hypot(...end).toFixed(3)} in 150 epochs`),
  );
  assert.match(text, /0\.999\^150/);
  // A centroid that owns points is not "dead": the same test on the notebook's run found none.
});

Deno.test("too large a learning rate: weight decay's factor −9, the growth measured in the run", async () => {
  const run = await kmeansRun({ lr: 1000 });
  const text = why("large-lr", run);
  assert.match(text, /1 − lr × 0\.01 = -9 each epoch/);
  // lib runs in float64, where the loss stays finite (4e290): the growth of the last epoch is ×9.
  assert.equal(run.diverged, false);
  assert.match(text, /grew ×9\.00 in epoch 150/);
  assert.equal(jumpsAndCrawls(run), undefined, "Adam's steps are not bounded by lr here: nothing is said");
});

Deno.test("uniform in [0, 1) starts in one small patch of data2D", async () => {
  const run = await kmeansRun({ k: 10 });
  const text = why("uniform-patch", run);
  assert.match(text, /x₀ from -3\.\d\d to 3\.\d\d and x₁ from -4\.\d\d to 1\.\d\d/);
  assert.match(text, /in one small patch, right of and above the data's mean \(0\.\d\d, -1\.\d\d\)/);
  assert.match(
    text,
    new RegExp(
      `ends at validation score ${f5(run.validScore)}, [\\d.]+% (above|below) Lloyd's ${
        f5(run.lloyd.validScore)
      }`,
    ),
  );
});

Deno.test("restarts: the why waits for them, then quotes the best and the median", async () => {
  const run = await kmeansRun({ init: "kmeans++" });
  assert.equal(why("restarts", run), undefined);
  const runs = tenSeeds.map(({ seed, validScore }) => ({ seed, validScore }));
  const text = why("restarts", { ...run, restarts: { runs, best: 1 } });
  assert.match(text, new RegExp(`seed 1, scores ${f5(tenSeeds[1].validScore)}`));
  const sorted = tenSeeds.map((s) => s.validScore).sort((a, b) => a - b);
  assert.match(text, new RegExp(`the median restart scores ${f5(sorted[4])}`));
});

const { kmeansMaxIter: _, ...emOptions } = EM;

/** Lib's mixture runs and EM as the /gmm lessons read them. */
async function mixtureRun(k: number, inits: ("random" | "kmeans")[]): Promise<MixtureLessonRun> {
  const { train, valid } = mixtureSplit;
  const em = emGaussianMixture(train, { k, ...emOptions });
  const runs = [];
  for (const init of inits) {
    const fit = await fitGradientMixture(train, { k, init, seed: 0, valid, reportEvery: 1000 });
    runs.push(
      mixtureLessonInit(init === "random" ? "random init" : "K-means init", {
        ...fit,
        validNLL: fit.validNLL!,
      }, {
        valid,
      }),
    );
  }
  return {
    k,
    lr: 0.005,
    epochs: 1000,
    seed: 0,
    runs,
    em: { validNLL: gmmNLL(valid, em), trainNLL: gmmNLL(train, em), iterations: em.iterations },
    validRows: valid.rows,
  };
}

Deno.test("EM stops early at k = 2: its tolerance after 2 iterations, the gradient runs below", async () => {
  const run = await mixtureRun(2, ["random", "kmeans"]);
  const text = mixtureScenarios().find((s) => s.id === "em-stops-early")!.why(run)!;
  assert.equal(run.em.iterations, 2);
  assert.match(text, /stopped after 2 iterations: .* less than tol = 0\.001, at validation NLL 2\.69548/);
  assert.match(text, /random init 2\.3965\d, K-means init 2\.3965\d, 0\.2989\d below EM/);
});

Deno.test("random init loses a component at k = 3, seed 0", async () => {
  const run = await mixtureRun(3, ["random"]);
  const text = mixtureScenarios().find((s) => s.id === "random-loses-component")!.why(run)!;
  const fewest = Math.min(...run.runs[0].validCounts);
  assert.ok(fewest / run.validRows < 0.01, `${fewest} points`);
  assert.match(text, new RegExp(`only ${fewest} of the 3,333 validation points`));
  assert.match(text, /Random init ends at validation NLL 2\.400\d\d against EM's 1\.6889\d \(k = 3\)/);
});
