import assert from "node:assert/strict";
import { fitGradientKMeans, initialCentroids } from "../lib/kmeans/gradient_kmeans.js";
import { fitRace, meanNorm, RACE_LANES, raceFindings, type RaceLane } from "../lib/kmeans/optimizer_race.js";
import { OPTIMIZERS } from "../lib/gradient/optimizers.js";
import { fromRows } from "../lib/matrix.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { raceLanes, raceSentence } from "../src/components/models/race.ts";

const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points,
  valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
const lanes = OPTIMIZERS.map((name) => RACE_LANES[name]);

Deno.test("fitRace() trains every lane from the same start, as fitGradientKMeans() does lane by lane", async () => {
  const options = { k: 3, seed: 4, epochs: 30, init: "kmeans++" as const };
  const runs = await fitRace(train, { ...options, valid, lanes });
  const start = initialCentroids(train, options);
  assert.deepEqual(runs.map((run) => run.name), ["sgd", "momentum", "adam", "adamw"]);
  for (const [r, run] of runs.entries()) {
    const { optimizer, lr } = lanes[r];
    const fit = await fitGradientKMeans(train, { ...options, optimizer, lr, valid, reportEvery: 1 });
    assert.deepEqual(run.centroids[0], start);
    assert.deepEqual(run.epochs, [0, ...fit.curveEpochs]);
    assert.deepEqual(run.trainLoss.slice(1), fit.lossCurve);
    assert.deepEqual(run.validScore.slice(1), fit.validCurve);
    assert.deepEqual(run.centroids.at(-1), fit.centroids);
    assert.equal(run.centroids.length, run.epochs.length);
  }
});

Deno.test("fitRace() ends a lane that blows up at its last finite centroids, marked diverged", async () => {
  const blowUp: RaceLane = { optimizer: { name: "sgd" }, lr: 1e300 };
  const [run] = await fitRace(train, { k: 2, seed: 0, epochs: 20, valid, lanes: [blowUp] });
  assert.equal(run.diverged, true);
  assert.ok(run.epochs.at(-1)! < 20);
  assert.ok(run.trainLoss.every(Number.isFinite), `losses ${run.trainLoss}`);
  assert.deepEqual(run.epochs, Array.from({ length: run.epochs.length }, (_, e) => e));
});

Deno.test("raceFindings() ranks by the final validation score and compares Adam and AdamW only at one learning rate", async () => {
  const runs = await fitRace(train, { k: 3, seed: 0, epochs: 40, valid, lanes });
  const findings = raceFindings(runs, lanes);
  const finals = runs.map((run) => run.validScore.at(-1)!);
  assert.equal(findings.winner!.validScore.at(-1), Math.min(...finals));
  assert.equal(findings.others.length, 3);
  assert.deepEqual(findings.decay, {
    adam: meanNorm(runs[2].centroids.at(-1)!),
    adamw: meanNorm(runs[3].centroids.at(-1)!),
    lr: 0.1,
    weightDecay: 0.01,
  });
  const sentence = raceSentence(findings, { epochs: 40 });
  assert.match(sentence, /^After 40 epochs from the same start, .+ reaches the lowest validation score/);
  assert.match(sentence, /1 − 0\.1 × 0\.01 = 0\.999/);

  const apart = raceLanes({ sgdLr: 1, momentumLr: 0.1, adamLr: 0.3, adamwLr: 0.1 });
  const other = raceFindings(await fitRace(train, { k: 3, seed: 0, epochs: 5, valid, lanes: apart }), apart);
  assert.equal(other.decay, undefined);
  assert.match(raceSentence(other, { epochs: 5 }), /Give Adam and AdamW the same learning rate/);
});

Deno.test("meanNorm() is the centroids' mean distance to the origin", () => {
  assert.equal(meanNorm(fromRows([[3, 4], [0, 0]])), 2.5);
});
