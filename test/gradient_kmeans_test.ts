import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// Autodiff, which lib/ never uses, checks the analytic gradients here: the full tfjs package
// (a devDependency, never bundled into pages) registers every gradient on the same tfjs-core.
import "@tensorflow/tfjs";
import { type Engine, ENGINES } from "../lib/gradient/engine.js";
import { DataError } from "../lib/errors.js";
import {
  fitGradientKMeans,
  fitGradientKMeansRestarts,
  type GradientKMeansRestartsStep,
  type GradientKMeansStep,
  initialCentroids,
  trainGradientKMeans,
  trainGradientKMeansRestarts,
} from "../lib/kmeans/gradient_kmeans.js";
import { kmeansLosses, kmeansTensors } from "../lib/kmeans/_autodiff_loss.js";
import { kmeansLossAndGradient } from "../lib/gradient/fused.js";
import { kmeansPlusPlus, validationScore } from "../lib/kmeans/kmeans.js";
import { fromRows, type Matrix, takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { RandomState } from "../lib/random/random_state.js";
import { split } from "../lib/random/split.js";
import { notebookKMeansLoss } from "./_notebook_loss.js";

await tf.setBackend("cpu");

const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
const { train: trainIndices, valid: validIndices } = split(data2D.rows, { validDivisor: 4 });
const train = takeRows(data2D, trainIndices), valid = takeRows(data2D, validIndices);

/** Figures of the notebook's own PyTorch runs (torch.rand init), copied from the shared reference. */
const notebook: { kmeans: Record<string, { grad_valid_median: number; grad_valid_max: number }> } = JSON
  .parse(
    await Deno.readTextFile(new URL("./testdata/pytorch_data2d.json", import.meta.url)),
  );
/** The notebook's training loop in PyTorch from our NumPy-drawn initial centroids, per seed. */
const sameInit: {
  kmeans: Record<string, { seed: number; initial: number[][]; centroids: number[][]; validScore: number }[]>;
} = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/pytorch_kmeans_numpy_init.json", import.meta.url)),
);

const SEEDS = Array.from({ length: 10 }, (_, seed) => seed);

/** Ten seeds per k, trained once as a batch and shared by the fidelity tests. */
const restartsByK = new Map<string, Promise<{ step: GradientKMeansRestartsStep; ms: number }>>();
function tenSeeds(k: number, engine: Engine = "fused") {
  const key = `${k} ${engine}`;
  if (!restartsByK.has(key)) {
    restartsByK.set(
      key,
      (async () => {
        const start = performance.now();
        const step = await fitGradientKMeansRestarts(train, { engine, k, seeds: SEEDS, valid });
        return { step, ms: performance.now() - start };
      })(),
    );
  }
  return restartsByK.get(key)!;
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function collect<T>(steps: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const step of steps) all.push(step);
  return all;
}

/** Small blobs for the quick tests: 300 points around three centres, seeded. */
function blobs(): Matrix {
  const rng = new RandomState(7);
  const centres = [[0, 0], [3, 1], [1, 4]];
  return fromRows(
    Array.from({ length: 300 }, (_, i) => centres[i % 3].map((c) => c + 0.5 * rng.standardNormal())),
  );
}

Deno.test("both engines' K-means losses and gradients equal the notebook's loss and its autodiff gradient", () => {
  const rng = new RandomState(3);
  const n = 200, d = 3;
  const x = Float64Array.from({ length: n * d }, () => 1 + rng.standardNormal());
  const points: Matrix = { rows: n, cols: d, data: x };
  const prepared = kmeansTensors(points);
  const before = tf.memory().numTensors;
  for (const [k, restarts] of [[1, 1], [4, 1], [1, 3], [4, 3]]) {
    const centroids = Float64Array.from({ length: restarts * k * d }, () => rng.standardNormal());
    const what = `k = ${k}, R = ${restarts}`;
    // The notebook's loss as written, differentiated by tfjs, run by run (float32).
    const expected = Array.from({ length: restarts }, (_, r) =>
      tf.tidy(() => {
        const c = tf.tensor2d(Float32Array.from(centroids.subarray(r * k * d, (r + 1) * k * d)), [k, d]);
        const { value, grad } = tf.valueAndGrad((m: tf.Tensor) =>
          notebookKMeansLoss(tf.tensor2d(Float32Array.from(x), [n, d]), m as tf.Tensor2D)
        )(c);
        return { loss: value.dataSync()[0], gradient: grad.dataSync() };
      }));
    const wantGradient = expected.flatMap((e) => Array.from(e.gradient));
    // float32 against float64 (fused) or float32 by another formulation (autodiff): both agree
    // to a few units in the 6th digit.
    const fused = kmeansLossAndGradient(x, centroids, { d, k });
    const autodiff = tf.tidy(() => {
      const c = tf.variable(tf.tensor2d(Float32Array.from(centroids), [restarts * k, d]));
      let losses: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(
        () => tf.sum(losses = tf.keep(kmeansLosses(prepared, c, { k }))) as tf.Scalar,
        [c],
      );
      const result = { losses: losses!.dataSync(), gradient: grads[c.name].dataSync() };
      losses!.dispose();
      c.dispose();
      return result;
    });
    for (const [engine, got] of [["fused", fused], ["autodiff", autodiff]] as const) {
      for (let r = 0; r < restarts; r++) {
        const want = expected[r].loss;
        assert.ok(
          Math.abs(got.losses[r] - want) <= 1e-5 * want,
          `${engine}, ${what}: loss ${got.losses[r]} vs ${want}`,
        );
      }
      for (let p = 0; p < wantGradient.length; p++) {
        assert.ok(
          Math.abs(got.gradient[p] - wantGradient[p]) <= 1e-5,
          `${engine}, ${what}: gradient[${p}] ${got.gradient[p]} vs ${wantGradient[p]}`,
        );
      }
    }
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([prepared.augmented, prepared.mean]);
});

Deno.test("the fused K-means loss is NaN for a run with a NaN centroid, and skips the runs it is told to", () => {
  const x = Float64Array.of(0, 0, 1, 1, 2, 0);
  const { losses, gradient } = kmeansLossAndGradient(x, Float64Array.of(0, 0, NaN, 0, 1, 1, 5, 5), {
    d: 2,
    k: 2,
  });
  assert.ok(Number.isNaN(losses[0]));
  assert.ok(Number.isFinite(losses[1]));
  const skipped = kmeansLossAndGradient(x, Float64Array.of(0, 0, 1, 1), { d: 2, k: 1, skip: [true, false] });
  assert.ok(Number.isNaN(skipped.losses[0]));
  assert.deepEqual(Array.from(skipped.gradient.subarray(0, 2)), [0, 0]);
  assert.ok(gradient.subarray(4).every(Number.isFinite));
});

Deno.test('initialCentroids() with uniformBox "data" draws the same uniforms in the points\' bounding box', async () => {
  // Points far from [0, 1)^2: x in [100, 104], y in [-7, -6].
  const points = fromRows(Array.from({ length: 50 }, (_, i) => [100 + (i % 5), -7 + (i % 11) / 10]));
  const unit = initialCentroids(points, { k: 4, seed: 9 });
  const box = initialCentroids(points, { k: 4, seed: 9, uniformBox: "data" });
  for (let j = 0; j < 4; j++) {
    // The same draw u, mapped to low + (high - low) u per column (exact up to one rounding).
    assert.ok(Math.abs(box.data[2 * j] - (100 + 4 * unit.data[2 * j])) <= 1e-12);
    assert.ok(Math.abs(box.data[2 * j + 1] - (-7 + unit.data[2 * j + 1])) <= 1e-12);
  }
  assert.deepEqual(initialCentroids(points, { k: 4, seed: 9, uniformBox: "unit" }), unit);
  // Trained from the box, every centroid ends among the points; from [0, 1) it stays far away.
  for (const engine of ENGINES) {
    const inBox = await fitGradientKMeans(points, { engine, k: 2, uniformBox: "data", reportEvery: 150 });
    assert.ok(inBox.trainLoss < 2, `${engine}: from the data's box, loss ${inBox.trainLoss}`);
    const fromUnit = await fitGradientKMeans(points, { engine, k: 2, reportEvery: 150 });
    assert.ok(fromUnit.trainLoss > 100, `${engine}: from [0, 1), loss ${fromUnit.trainLoss}`);
  }
  assert.throws(
    () => trainGradientKMeans(points, { k: 2, uniformBox: "cube" as "unit" }),
    /uniformBox "cube" is unknown; use one of unit, data/,
  );
});

Deno.test("initialCentroids() draws NumPy's random_sample((k, d)), k-means++ and permutation rows", () => {
  for (const k of [1, 3, 5]) {
    for (const { seed, initial } of sameInit.kmeans[k]) {
      // The fixture's initial centroids were drawn by NumPy itself: bit for bit the same.
      assert.deepEqual(
        Array.from(initialCentroids(train, { k, seed }).data),
        initial.flat(),
        `k = ${k}, seed = ${seed}`,
      );
    }
  }
  const chosen = kmeansPlusPlus(train, 4, new RandomState(2));
  assert.deepEqual(initialCentroids(train, { k: 4, seed: 2, init: "kmeans++" }), takeRows(train, chosen));
  assert.deepEqual(
    initialCentroids(train, { k: 4, seed: 2, init: "points" }),
    takeRows(train, new RandomState(2).permutation(train.rows).subarray(0, 4)),
  );
});

for (const engine of ENGINES) {
  Deno.test(`trainGradientKMeans() reports every reportEvery epochs and after the last (${engine})`, async () => {
    const points = blobs();
    const steps = await collect(trainGradientKMeans(points, { engine, k: 3, epochs: 25, reportEvery: 10 }));
    assert.deepEqual(steps.map((s) => s.epoch), [10, 20, 25]);
    for (const step of steps) {
      assert.equal(step.diverged, false);
      assert.equal(step.validScore, undefined);
      assert.deepEqual([step.centroids.rows, step.centroids.cols], [3, 2]);
    }
    assert.ok(steps[2].trainLoss < steps[0].trainLoss, "the loss goes down");
  });
}

for (const engine of ENGINES) {
  Deno.test(`trainGradientKMeans() is deterministic for a seed and differs between seeds (${engine})`, async () => {
    const points = blobs();
    const run = (seed: number) =>
      fitGradientKMeans(points, { engine, k: 3, epochs: 40, seed, valid: points });
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.centroids, c.centroids);
  });
}

for (const engine of ENGINES) {
  Deno.test(`trainGradientKMeans() frees every tensor after a full, a broken-off and an aborted run (${engine})`, async () => {
    const points = blobs();
    const before = tf.memory().numTensors;
    await collect(trainGradientKMeans(points, { engine, k: 3, epochs: 30, reportEvery: 7, valid: points }));
    assert.equal(tf.memory().numTensors, before, "full run");

    for await (const step of trainGradientKMeans(points, { engine, k: 3, epochs: 30, reportEvery: 5 })) {
      assert.equal(step.epoch, 5);
      if (engine === "autodiff") {
        assert.ok(tf.memory().numTensors > before, "autodiff holds tensors while it runs");
      }
      break; // calls return() on the generator
    }
    assert.equal(tf.memory().numTensors, before, "broken off with break/return()");

    const controller = new AbortController();
    const reason = new Error("stop");
    await assert.rejects(async () => {
      for await (
        const step of trainGradientKMeans(points, {
          k: 3,
          epochs: 30,
          reportEvery: 5,
          signal: controller.signal,
        })
      ) {
        if (step.epoch === 10) controller.abort(reason);
      }
    }, (error) => error === reason);
    assert.equal(tf.memory().numTensors, before, "aborted");

    // Never started: nothing is allocated until the first next().
    trainGradientKMeans(points, { engine, k: 3 });
    assert.equal(tf.memory().numTensors, before, "created, never run");

    await assert.rejects(fitGradientKMeans(points, { engine, k: 3, signal: AbortSignal.abort() }));
    await collect(
      trainGradientKMeansRestarts(points, { engine, k: 3, restarts: 4, epochs: 12, reportEvery: 5 }),
    );
    await fitGradientKMeans(points, { engine, k: 3, epochs: 30, lr: 1e6 });
    assert.equal(tf.memory().numTensors, before, "aborted fit, restarts and a diverged run");
  });
}

for (const engine of ENGINES) {
  Deno.test(`trainGradientKMeans() stops on a non-finite loss and keeps the last finite centroids (${engine})`, async () => {
    const points = blobs();
    // lr * weight decay = 1e4: every step multiplies the centroids by about -1e4, so float32 overflows within a few epochs.
    const result = await fitGradientKMeans(points, { engine, k: 3, lr: 1e6, valid: points });
    assert.equal(result.diverged, true);
    assert.ok(result.epoch < 150, `stopped at epoch ${result.epoch}`);
    assert.ok(result.centroids.data.every(Number.isFinite), "the centroids are finite");
    for (const value of [result.trainLoss, result.validScore!, ...result.lossCurve, ...result.validCurve!]) {
      assert.ok(Number.isFinite(value), `${value} is finite`);
    }
    assert.equal(result.lossCurve.length, result.curveEpochs.length);
    assert.equal(result.curveEpochs.at(-1), result.epoch, "the curves end at the kept state");
    assert.equal(result.lossCurve.at(-1), result.trainLoss);

    // The kept centroids are exactly those after `epoch` epochs of the same run.
    const replay = await fitGradientKMeans(points, {
      k: 3,
      lr: 1e6,
      valid: points,
      epochs: Math.max(result.epoch, 1),
    });
    // (autodiff: equal to float32 rounding, 1e-6 relative: the replay's last step may round differently)
    if (result.epoch > 0) {
      result.centroids.data.forEach((value, p) =>
        assert.ok(Math.abs(replay.centroids.data[p] - value) <= 1e-6 * Math.abs(value), `centroid ${p}`)
      );
    }
    // And one epoch more had a non-finite float32 loss: training that far reports the divergence too.
    const further = await fitGradientKMeans(points, { engine, k: 3, lr: 1e6, epochs: result.epoch + 2 });
    assert.equal(further.diverged, true);
    assert.equal(further.epoch, result.epoch);

    // Whatever the report interval, the same state is kept.
    for (const reportEvery of [3, 50]) {
      const steps = await collect(trainGradientKMeans(points, { engine, k: 3, lr: 1e6, reportEvery }));
      assert.equal(steps.at(-1)!.diverged, true);
      assert.equal(steps.at(-1)!.epoch, result.epoch, `reportEvery ${reportEvery}`);
      assert.deepEqual(steps.at(-1)!.centroids, result.centroids);
    }
  });
}

for (const engine of ENGINES) {
  Deno.test(`trainGradientKMeansRestarts() trains each seed as trainGradientKMeans() would (${engine})`, async () => {
    const points = blobs();
    const seeds = [0, 3, 11];
    const batched = await fitGradientKMeansRestarts(points, {
      engine,
      k: 4,
      seeds,
      epochs: 60,
      valid: points,
    });
    assert.deepEqual(batched.runs.map((run) => run.seed), seeds);
    for (const [r, seed] of seeds.entries()) {
      const alone = await fitGradientKMeans(points, { engine, k: 4, seed, epochs: 60, valid: points });
      const run = batched.runs[r];
      // float32 training: the two computations may round differently, so allow float32-level differences.
      for (let p = 0; p < alone.centroids.data.length; p++) {
        assert.ok(
          Math.abs(run.centroids.data[p] - alone.centroids.data[p]) <= 1e-5,
          `seed ${seed}, centroid value ${p}`,
        );
      }
      assert.ok(Math.abs(run.validScore! - alone.validScore!) <= 1e-6 * alone.validScore!);
    }
    const best = batched.runs[batched.best];
    assert.ok(batched.runs.every((run) => run.trainLoss >= best.trainLoss));
  });
}

Deno.test("trainGradientKMeans() checks its options at the call, with errors that name the value", () => {
  const points = blobs();
  const cases: [Parameters<typeof trainGradientKMeans>[1], RegExp][] = [
    [{ k: 0 }, /k = 0/],
    [{ k: 301 }, /k = 301/],
    [{ k: 2.5 }, /k = 2.5/],
    [{ k: 3, lr: 0 }, /lr = 0/],
    [{ k: 3, lr: NaN }, /lr = NaN/],
    [{ k: 3, epochs: 0 }, /epochs = 0/],
    [{ k: 3, seed: -1 }, /seed -1/],
    [{ k: 3, reportEvery: 0 }, /reportEvery = 0/],
    [{ k: 3, init: "random" as never }, /init "random"/],
    [{ k: 3, valid: fromRows([[1, 2, 3]]) }, /3 columns/],
  ];
  for (const [options, message] of cases) assert.throws(() => trainGradientKMeans(points, options), message);
  assert.throws(() => trainGradientKMeans(fromRows([[0, 0], [NaN, 1]]), { k: 1 }), DataError);
  assert.throws(
    () => trainGradientKMeansRestarts(points, { k: 3, restarts: 2, seeds: [1, 2, 3] }),
    /restarts = 2/,
  );
});

for (const engine of ENGINES) {
  Deno.test(`gradient K-means on data2D (${engine}): each seed retraces the notebook's PyTorch run from the same start`, async () => {
    // The fixture ran the notebook's loop (float64) from the same NumPy-drawn centroids. The fused
    // engine (float64) agrees to rounding; autodiff (float32): most runs to about 1e-7 in the
    // validation score (3e-6 in the centroids), while a run still crossing between clusters at
    // epoch 150 amplifies float32 rounding (the worst measured differ by 6e-5, centroids by 4e-3).
    // We allow 5e-4 relative, and require most runs to agree to 1e-6.
    // (autodiff, batched on tfjs's plain JavaScript backend: k = 3 and 5 only, for time.)
    for (const k of engine === "fused" ? [1, 2, 3, 4, 5] : [3, 5]) {
      const { step } = await tenSeeds(k, engine);
      const differences = step.runs.map((run, r) => {
        const expected = sameInit.kmeans[k][r];
        assert.equal(run.seed, expected.seed);
        assert.equal(run.diverged, false);
        return Math.abs(run.validScore! - expected.validScore) / expected.validScore;
      });
      assert.ok(Math.max(...differences) <= 5e-4, `k = ${k}: relative differences ${differences}`);
      assert.ok(
        differences.filter((x) => x <= 1e-6).length >= 7,
        `k = ${k}: relative differences ${differences}`,
      );
    }
  });
}

Deno.test("gradient K-means on data2D: the training loss follows PyTorch's epoch by epoch", async () => {
  const fixture: Record<string, { lossAtEpoch: Record<string, number> }[]> = JSON.parse(
    await Deno.readTextFile(new URL("./testdata/pytorch_kmeans_numpy_init.json", import.meta.url)),
  ).kmeans;
  for (const seed of [0, 1, 2]) {
    const { lossAtEpoch } = fixture[5][seed];
    // PyTorch's L at epoch e is the loss of the centroids before step e, i.e. after epoch e - 1.
    const initial = initialCentroids(train, { k: 5, seed });
    assert.ok(
      Math.abs(validationScore(train, initial) - lossAtEpoch[1]) <= 1e-12 * lossAtEpoch[1],
      "epoch 0",
    );
    const { lossCurve, curveEpochs } = await fitGradientKMeans(train, { k: 5, seed, epochs: 149 });
    assert.deepEqual(curveEpochs, Array.from({ length: 149 }, (_, i) => i + 1));
    for (const epoch of [10, 50, 150]) {
      const ours = lossCurve[epoch - 2], theirs = lossAtEpoch[epoch];
      assert.ok(
        Math.abs(ours - theirs) <= 5e-4 * theirs,
        `seed ${seed}, epoch ${epoch}: ${ours} vs PyTorch ${theirs}`,
      );
    }
  }
});

Deno.test("gradient K-means on data2D: median and worst validation score of seeds 0..9 within 2% of the notebook's", async () => {
  const lines: string[] = [];
  for (const k of [1, 2, 3, 4, 5]) {
    const { step, ms } = await tenSeeds(k);
    const scores = step.runs.map((run) => run.validScore!);
    const { grad_valid_median: expectedMedian, grad_valid_max: expectedWorst } = notebook.kmeans[k];
    const [ourMedian, ourWorst] = [median(scores), Math.max(...scores)];
    lines.push(
      `k = ${k}: median ${ourMedian.toFixed(5)} (notebook ${expectedMedian.toFixed(5)}), worst ${
        ourWorst.toFixed(5)
      } ` +
        `(notebook ${expectedWorst.toFixed(5)}); 10 seeds x 150 epochs batched in ${ms.toFixed(0)} ms`,
    );
    assert.ok(Math.abs(ourMedian - expectedMedian) <= 0.02 * expectedMedian, lines.at(-1)!);
    assert.ok(Math.abs(ourWorst - expectedWorst) <= 0.02 * expectedWorst, lines.at(-1)!);
  }
  console.log(lines.join("\n"));
});

Deno.test("gradient K-means on data2D: 150 epochs at k = 5 on 7,500 points (timing, cpu backend)", async () => {
  const times: number[] = [];
  let last: GradientKMeansStep | undefined;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    last = await fitGradientKMeans(train, { k: 5, valid, reportEvery: 150 });
    times.push(performance.now() - start);
  }
  console.log(
    `150 epochs, k = 5, 7,500 points: ${times.map((t) => t.toFixed(0)).join(", ")} ms (${tf.getBackend()})`,
  );
  assert.equal(last!.epoch, 150);
  assert.ok(Math.abs(last!.validScore! - sameInit.kmeans[5][0].validScore) <= 5e-4 * last!.validScore!);
});

Deno.test("trainGradientKMeans() with an explicit `initial` trains exactly as from the seed's own start", async () => {
  const points = takeRows(data2D, Int32Array.from({ length: 300 }, (_, i) => i));
  const initial = initialCentroids(points, { k: 3, seed: 4, init: "points" });
  for (const engine of ENGINES) {
    const last = async (options: Record<string, unknown>) => {
      let step;
      for await (step of trainGradientKMeans(points, { k: 3, epochs: 20, engine, ...options })) { /* last */ }
      return step!;
    };
    const bySeed = await last({ seed: 4, init: "points" });
    // A different seed and init: `initial` overrides both.
    const given = await last({ seed: 0, init: "uniform", initial });
    assert.deepEqual(Array.from(given.centroids.data), Array.from(bySeed.centroids.data), engine);
  }
  assert.throws(
    () => trainGradientKMeans(points, { k: 2, initial }),
    /the given start is 3 x 2; give k = 2 finite centroids of 2 columns\./,
  );
});
