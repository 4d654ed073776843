/**
 * The report, as a page loader: Framework runs this at build time and publishes the Markdown it
 * prints. Every number in the prose comes from `computeReportFigures`, so the text is static
 * (it reads without JavaScript) and can never disagree with the data. Set REPORT_DATASET to
 * another .npy to see every figure change (the test does).
 */
import katex from "katex";
import { VALUES_HASH_LABEL } from "./lib/io/digest.js";
import { EM, NOTEBOOK_SPLIT } from "./lib/notebook_settings.js";
import { type FormulaName, FORMULAS } from "./components/draw/formulas.js";
import { computeReportFigures, type ReportFigures } from "./data/report_figures.js";
import {
  DEAD_START,
  kmeansScenarios,
  mixtureScenarios,
  scenarioHref,
} from "./components/models/scenarios.js";
import { annealFindings, annealSentence } from "./data/soft_kmeans_figures.js";
import { loadDataset, splitPoints } from "./data/dataset.js";
import { atlasSection, reportAtlas } from "./data/report_atlas.js";
import { parseStart } from "./components/inputs/url_state.js";
import { fromRows } from "./lib/matrix.js";
import {
  fitRace,
  meanNorm,
  RACE_LANES,
  type RaceFindings,
  raceFindings,
  type RaceRun,
} from "./lib/kmeans/optimizer_race.js";
import { OPTIMIZER_LABELS, OPTIMIZERS } from "./lib/gradient/optimizers.js";
import { raceSentence } from "./components/models/race.js";

const figures: ReportFigures = await computeReportFigures(Deno.env.get("REPORT_DATASET") || undefined);
const { settings } = figures;
const atlas = await reportAtlas((await loadDataset(Deno.env.get("REPORT_DATASET") || undefined)).points);
const f4 = (value: number) => value.toFixed(4);
const f5 = (value: number) => value.toFixed(5);
const pct = (value: number) => `${value.toFixed(2)}%`;
const byK = <T extends { k: number }>(rows: T[], k: number) => rows.find((row) => row.k === k)!;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const descending = [...settings.ks].reverse();

/** A formula rendered now, at build time, with its caption: HTML on one line, as Markdown needs. */
const formula = (name: FormulaName) =>
  `<figure class="formula-figure">${
    katex.renderToString(FORMULAS[name].tex, {
      displayMode: true,
      throwOnError: true,
      output: "htmlAndMathml",
    })
  }<figcaption>${FORMULAS[name].caption}</figcaption></figure>`;
const datasetName = figures.dataset.path.split("/").at(-1);
// The live pages' lessons (data2D only: their links place starts in data2D's plane), ranked by this
// report's ten seeds at k = 5.
const lessonSeeds = byK(figures.kmeans, 5).scores.map((validScore, i) => ({
  seed: settings.kmeans.seeds[i],
  validScore,
}));
const lessonLinks = (page: string, scenarios: { title: string; params: Record<string, string | number> }[]) =>
  scenarios.map((scenario) =>
    `[${scenario.title.replace(/[[\]]/g, "\\$&")}](${scenarioHref(page, scenario)})`
  ).join(" · ");
const lessons = datasetName === "data2D.npy"
  ? `\n**Lessons**, one click each, each run explained by its own figures: K-means, ${
    lessonLinks("kmeans", kmeansScenarios(lessonSeeds))
  }; the mixture, ${lessonLinks("gmm", mixtureScenarios())}.\n`
  : "";
// Part 3: soft K-means, annealed from the /kmeans lesson's start where a centroid dies (data2D only: the
// start is placed in data2D's plane).
const softKMeansSection = datasetName === "data2D.npy"
  ? `## Part 3: soft K-means, the bridge

[Soft K-means](./soft-kmeans) gives every point to every centroid with the responsibility softmax(−β‖x − c‖²) and
descends the free energy; as β grows it becomes K-means, and at β = 1/(2σ²) it is the mixture with equal weights and
one fixed σ. Annealed from the [start where a centroid dies](./soft-kmeans?start=${DEAD_START}) (k = 5, shake seed 0),
on the K-means training points: ${
    annealSentence(
      await annealFindings(
        splitPoints((await loadDataset(figures.dataset.path)).points, NOTEBOOK_SPLIT.kmeansValidDivisor),
        fromRows(parseStart(DEAD_START, { k: 5, cols: 2 }).start!),
      ),
    )
  }
`
  : "";

/** The k of the step-through sections. */
const STEP_K = 3;

// Part 1 findings.
const smallK = figures.kmeans.filter((row) => row.k <= 3);
const largeK = figures.kmeans.filter((row) => row.k > 3);
const runsPerK = settings.kmeans.seeds.length;
const lloydWinsSmall = sum(smallK.map((row) => row.lloydBetter));
const lloydWinsLarge = sum(largeK.map((row) => row.lloydBetter));
const gaps = figures.kmeans.map((row) => row.gapPercent);
const smallestGap = figures.kmeans[gaps.indexOf(Math.min(...gaps))];
const largestGap = figures.kmeans[gaps.indexOf(Math.max(...gaps))];

// Why the gaps: at k = 1 the one minimum, the mean, and how far the drawn run is from it; for every k, which
// optimum the runs were heading for (Lloyd's algorithm continued from their final centroids).
const { oneCluster } = figures;
const p2 = (value: number) => value.toPrecision(2);
const oneClusterFinding = `At k = 1 the loss has a single minimum, the mean of the training points, (${
  oneCluster.mean.map(f4).join(", ")
}), which is where Lloyd's centroid sits; the drawn gradient run (seed ${oneCluster.seed}) ends ${
  p2(oneCluster.notebook.distance)
} from it after ${oneCluster.notebook.epochs} epochs${
  oneCluster.notebook.towardOrigin
    ? " (on the origin's side: weight decay pulls every centroid toward the origin)"
    : ""
}, its training loss ${p2(oneCluster.notebook.trainLossAbove)} above the minimum's, and ${
  p2(oneCluster.longer.distance)
} from it after ${oneCluster.longer.epochs.toLocaleString("en-US")} epochs: ${
  oneCluster.longer.distance < oneCluster.notebook.distance
    ? "the gap at k = 1 is AdamW not having converged in " + oneCluster.notebook.epochs +
      " epochs, not a better optimum found by Lloyd."
    : "longer training does not close the gap at k = 1."
}`;
const reachingLloyd = figures.kmeans.filter((row) => row.sameOptimum === runsPerK).map((row) => row.k);
const missingLloyd = figures.kmeans.filter((row) => row.sameOptimum < runsPerK);
const optimumFinding =
  `Lloyd's algorithm continued from a gradient run's final centroids shows which optimum the run was
heading for: it ends at Lloyd's own optimum (within ${100 * settings.sameOptimumTolerance}%) for ${
    [
      ...(reachingLloyd.length ? [`all ${runsPerK} seeds at k = ${reachingLloyd.join(", ")}`] : []),
      ...missingLloyd.map((row) => `${row.sameOptimum} of ${runsPerK} at k = ${row.k}`),
    ].join(", and ")
  }. ${
    missingLloyd.length
      ? "The other runs were heading for worse local optima; the rest of the gap is training that has not finished (neither method is guaranteed the global optimum)."
      : "So the whole gap is training that has not finished, not worse optima (neither method is guaranteed the global optimum)."
  }`;

// Part 2 findings.
const k5 = byK(figures.mixture, Math.max(...settings.ks));
const gmmSeeds = settings.gmm.seeds.length;
const emLocal = figures.mixture.filter((row) => row.kmeans.median < row.em.nll - settings.reachTolerance);
const bestK = figures.mixture.reduce((best, row) => (row.em.nll < best.em.nll ? row : best));

const kmeansSection = (k: number) => {
  const row = byK(figures.kmeans, k);
  return `### k = ${k}

Lloyd's validation score is **${f5(row.lloydScore)}**; gradient descent's median over ${runsPerK} seeds is
**${f5(row.median)}** (worst ${f5(row.worst)}), a gap of ${
    pct(row.gapPercent)
  }. Lloyd is better in ${row.lloydBetter}
of ${runsPerK} seeds. Drawn: seed ${row.typicalSeed}, the median run, its centroids coloured like the Lloyd centroids
they match. [Train seed ${row.typicalSeed} live with k = ${k}](./kmeans?k=${k}&seed=${row.typicalSeed}).

<div class="grid grid-cols-2 panel-row" data-panels="kmeans-${k}">
  <div class="card">\${resize((width) => kmeansPanel(${k}, "gradient", width))}</div>
  <div class="card">\${resize((width) => kmeansPanel(${k}, "lloyd", width))}</div>
</div>
<div class="card">\${resize((width) => kmeansGap(${k}, width))}</div>
<p class="chart-caption">The drawn run's training loss minus Lloyd's (${
    f5(row.lloydTrainLoss)
  } on the training points), per epoch, on a log scale: the gap a plain loss curve hides.</p>
`;
};

const mixtureSection = (k: number) => {
  const row = byK(figures.mixture, k);
  const { random, kmeans } = { random: row.random.typical.seed, kmeans: row.kmeans.typical.seed };
  const live = random === kmeans
    ? `[Train seed ${kmeans} live with k = ${k}](./gmm?k=${k}&seed=${kmeans})`
    : `Train live with k = ${k}: [random init, seed ${random}](./gmm?k=${k}&seed=${random}&init=random), [K-means init, seed ${kmeans}](./gmm?k=${k}&seed=${kmeans}&init=kmeans)`;
  return `### k = ${k}

Validation NLL, median over ${gmmSeeds} seeds: random init **${f5(row.random.median)}**, K-means init
**${f5(row.kmeans.median)}**; EM **${f5(row.em.nll)}**. Runs at EM's NLL or better (within
${settings.reachTolerance}): random init ${row.random.reachesEM} of ${gmmSeeds}, K-means init ${row.kmeans.reachesEM}
of ${gmmSeeds}. Drawn: the median run of each init, components coloured like the EM components they match.
${live}.

<div class="grid grid-cols-3 panel-row" data-panels="mixture-${k}">
  <div class="card">\${resize((width) => mixturePanel(${k}, "random", width))}</div>
  <div class="card">\${resize((width) => mixturePanel(${k}, "kmeans", width))}</div>
  <div class="card">\${resize((width) => mixturePanel(${k}, "em", width))}</div>
</div>
<div class="card">\${resize((width) => mixtureGap(${k}, width))}</div>
<p class="chart-caption">The drawn runs' training NLL minus EM's (${
    f5(row.em.trainNLL)
  } on the training points), per epoch, on a log scale. Where a run goes below EM (EM stopped short of where
the run ends), its points are drawn hollow on the dashed floor line: a log scale has no room for zero or less.</p>
`;
};

// Part 3: the optimizer race (lib/kmeans/optimizer_race.ts) at k = 5 from each of the ten K-means seeds'
// starts, every optimizer at the live page's default learning rate.
const raceLanes = OPTIMIZERS.map((name) => RACE_LANES[name]);
const raceK = Math.max(...settings.ks);
const raceData = splitPoints((await loadDataset(figures.dataset.path)).points, settings.kmeans.validDivisor);
const races: { seed: number; runs: RaceRun[]; findings: RaceFindings }[] = [];
for (const seed of settings.kmeans.seeds) {
  const runs = await fitRace(raceData.train, {
    k: raceK,
    seed,
    init: settings.kmeans.init,
    epochs: settings.kmeans.epochs,
    engine: settings.engine,
    valid: raceData.valid,
    lanes: raceLanes,
  });
  races.push({ seed, runs, findings: raceFindings(runs, raceLanes) });
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b), middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const raceRows = OPTIMIZERS.map((name, lane) => {
  const finals = races.map(({ runs }) => runs[lane]);
  return {
    name,
    lr: raceLanes[lane].lr,
    wins: races.filter(({ findings }) => findings.winner?.name === name).length,
    median: median(finals.map((run) => run.validScore.at(-1)!)),
    diverged: finals.filter((run) => run.diverged).length,
    norm: median(finals.map((run) => meanNorm(run.centroids.at(-1)!))),
  };
});
const pulls = races.flatMap((
  { findings },
) => (findings.decay ? [findings.decay.adam - findings.decay.adamw] : []));
const raceSection = `## Part 4: the optimizer race

Why did the notebook train K-means with AdamW? The [race on the K-means page](./kmeans#the-optimizer-race) trains
SGD, SGD with momentum, Adam and AdamW from one start. Here it is run from each of the ${races.length} K-means seeds'
starts (k = ${raceK}, ${settings.kmeans.epochs} epochs, each optimizer at the page's default learning rate: ${
  raceRows.map((row) => `${OPTIMIZER_LABELS[row.name]} ${row.lr}`).join(", ")
}).

| optimizer | lr | ends lowest | median score | diverged | median ‖c‖ |
|---|---|---|---|---|---|
${
  raceRows.map((row) =>
    `| ${OPTIMIZER_LABELS[row.name]} | ${row.lr} | ${row.wins} of ${races.length} | ${
      f5(row.median)
    } | ${row.diverged} | ${row.norm.toFixed(3)} |`
  ).join("\n")
}

Ends lowest: from how many starts it reaches the lowest final validation score of the four; median score: the
median final validation score; median ‖c‖: the median of the centroids' mean distance to the origin.

${
  pulls.length
    ? `Weight decay, the one difference between Adam and AdamW here: AdamW's centroids end closer to the origin than Adam's from ${
      pulls.filter((pull) => pull > 0).length
    } of ${pulls.length} starts, by ${f4(Math.min(...pulls))} to ${
      f4(Math.max(...pulls))
    } in their mean distance to it (median ${f4(median(pulls))}).`
    : "Adam or AdamW diverged from every start, so the weight decay's pull is not measured here."
} From seed ${races[0].seed}'s start, the page's default, the race reads: “${
  raceSentence(races[0].findings, { epochs: settings.kmeans.epochs })
}”
`;

console.log(`---
title: Report
toc: false
---

\`\`\`js
import {parseNpy} from "./lib/io/npy.js";
import {takeRows, fromRows, toRows} from "./lib/matrix.js";
import {assign} from "./lib/kmeans/kmeans.js";
import {splitPlot} from "./components/draw/clusters.js";
import {assignmentPlot, responsibilityPlot, sharedDomain} from "./components/draw/report_panels.js";
import {gapCurve} from "./components/draw/gap_curve.js";
import {lloydStepPlot, emStepPlot} from "./components/draw/report_panels.js";
import * as Inputs from "@observablehq/inputs";
import {kmeansPlusPlus} from "./lib/kmeans/kmeans.js";
import {RandomState} from "./lib/random/random_state.js";
import {lloydSteps} from "./lib/kmeans/lloyd_steps.js";
import {centroidPicker} from "./components/inputs/centroid_picker.js";
import {emStart, emSteps} from "./lib/mixture/em_steps.js";
\`\`\`

\`\`\`js
// The figures this page's text was built from (computed at build time by src/data/report_figures.ts).
const figures = ${JSON.stringify(figures)};
const points = parseNpy(new Uint8Array(await FileAttachment("data/data2D.npy").arrayBuffer()));
const kmeansSplit = await FileAttachment("data/split-kmeans.json").json();
const gmmSplit = await FileAttachment("data/split-gmm.json").json();
const kmeansValid = takeRows(points, kmeansSplit.valid);
const gmmValid = takeRows(points, gmmSplit.valid);
// One extent for every panel: panels in a row get equal plot heights and compare at a glance.
const domain = sharedDomain(points);
const mixtureOf = (model) => ({means: fromRows(model.means), sigmas: Float64Array.from(model.sigmas), weights: Float64Array.from(model.weights)});
function kmeansPanel(k, which, width) {
  const row = figures.kmeans.find((r) => r.k === k);
  const centroids = fromRows(which === "lloyd" ? row.lloydCentroids : row.typicalCentroids);
  const score = which === "lloyd" ? row.lloydScore : row.typicalScore;
  const name = which === "lloyd" ? "Lloyd, best of 10 starts" : \`Gradient descent (AdamW), seed \${row.typicalSeed}\`;
  return assignmentPlot(kmeansValid, {
    centroids, labels: assign(kmeansValid, centroids).labels, domain, width,
    colourOf: which === "lloyd" ? undefined : row.typicalColours,
    title: \`\${name}: \${score.toFixed(5)}\`,
    ariaLabel: \`\${name}, k = \${k}: validation score \${score.toFixed(5)} on \${kmeansValid.rows} validation points, coloured by cluster.\`
  });
}
function mixturePanel(k, which, width) {
  const row = figures.mixture.find((r) => r.k === k);
  const model = which === "em" ? row.em : row[which].typical;
  const name = {random: \`Random init, seed \${row.random.typical.seed}\`, kmeans: \`K-means init, seed \${row.kmeans.typical.seed}\`, em: "EM"}[which];
  return responsibilityPlot(gmmValid, {
    mixture: mixtureOf(model), domain, width,
    colourOf: which === "em" ? undefined : model.colours,
    title: \`\${name}: NLL \${model.nll.toFixed(5)}\`,
    ariaLabel: \`\${name}, k = \${k}: validation NLL \${model.nll.toFixed(5)} on \${gmmValid.rows} validation points, coloured by most likely component.\`
  });
}
function kmeansGap(k, width) {
  const row = figures.kmeans.find((r) => r.k === k);
  return gapCurve([{name: \`gradient, seed \${row.typicalSeed}\`, epochs: row.typicalCurve.epochs, values: row.typicalCurve.loss}], {reference: {value: row.lloydTrainLoss, name: "Lloyd"}, width, height: 200, quantity: "loss"});
}
function mixtureGap(k, width) {
  const row = figures.mixture.find((r) => r.k === k);
  return gapCurve([
    {name: "random init", epochs: row.random.typical.curve.epochs, values: row.random.typical.curve.nll, colour: 1},
    {name: "K-means init", epochs: row.kmeans.typical.curve.epochs, values: row.kmeans.typical.curve.nll, colour: 0}
  ], {reference: {value: row.em.trainNLL, name: "EM"}, width, height: 220, quantity: "NLL"});
}
\`\`\`

<link rel="stylesheet" href="./katex.css">

# K-means and Gaussian mixtures, by gradient descent

A course notebook trained K-means and a Gaussian mixture by gradient descent in PyTorch and compared them with
scikit-learn. This report rebuilds it, correct and computed: the same ${
  figures.dataset.rows.toLocaleString("en-US")
}
points, the same seeded split (NumPy's, bit for bit), Lloyd's algorithm and EM as the classical methods to compare
with, and every figure below computed when the site was built. The [K-means](./kmeans) and [mixture](./gmm) pages
retrain the models live; [Choosing k](./model-selection) compares the criteria for k.
${lessons}
<div class="note" role="note">This report shows the course's dataset, <strong>${datasetName}</strong> (${
  figures.dataset.rows.toLocaleString("en-US")
} points in ${figures.dataset.cols} dimensions; ${VALUES_HASH_LABEL} ${
  figures.dataset.sha256.slice(0, 16)
}…), computed once when the site was built. Data you choose on <a href="./your-data">Your data</a> stays in your
browser and is used by the live pages only; this report does not change with it.</div>

<div class="card">\${resize((width) => splitPlot(points, kmeansSplit, {width}))}</div>

## Part 1: K-means, Lloyd against gradient descent

Gradient descent trains the centroids with AdamW (learning rate ${settings.kmeans.lr}, ${settings.kmeans.epochs}
epochs, centroids started uniform in [0, 1)) on the mean squared distance to the nearest centroid; Lloyd's
algorithm (scikit-learn's semantics: k-means++, the best of 10 starts) alternates assigning each point to its nearest
centroid and moving each centroid to the mean of its points. Scores are that mean squared distance on the
${Math.trunc(figures.dataset.rows / settings.kmeans.validDivisor).toLocaleString("en-US")} validation points.

${formula("kmeansLoss")}
${formula("kmeansGradient")}
${formula("adamw")}

**Findings.** For k ≤ 3, Lloyd's score is lower than gradient descent's in ${lloydWinsSmall} of
${smallK.length * runsPerK} runs; for k = 4 and 5, in ${lloydWinsLarge} of ${
  largeK.length * runsPerK
}. The median gap
is smallest at k = ${smallestGap.k} (${pct(smallestGap.gapPercent)}) and largest at k = ${largestGap.k}
(${pct(largestGap.gapPercent)}). ${oneClusterFinding} ${optimumFinding}

| k | Lloyd | gradient, median | gradient, worst | gap | Lloyd better |
|---|---|---|---|---|---|
${
  figures.kmeans.map((r) =>
    `| ${r.k} | ${f5(r.lloydScore)} | ${f5(r.median)} | ${f5(r.worst)} | ${
      pct(r.gapPercent)
    } | ${r.lloydBetter} of ${runsPerK} |`
  ).join("\n")
}

The notebook coloured these plots by the x coordinate instead of the cluster (it filtered on \`new_X[:, 0] == i\`);
here points take their cluster's colour (the gradient centroids coloured like the Lloyd centroids they match one to
one), the "×" marks the centroids and shading shows each centroid's region. Both axes are the data's columns, x₀ and x₁.

${descending.map(kmeansSection).join("\n")}

### Step through Lloyd (k = ${STEP_K})

Lloyd's algorithm is two half-steps, repeated: *assign* each point to its nearest centroid, then *update* each centroid
to the mean of its points. Each can only lower the loss, so Lloyd stops, at a local optimum, when an assignment
changes nothing. Below: Lloyd on the training points, half-step by half-step (computed in your browser by
\`lib/kmeans/lloyd_steps.ts\`), from the first of its k-means++ starts (seed 0), or from yours: click ${STEP_K} times
on the left chart to place your own start, and drag a centroid to move it.

\`\`\`js
const stepTrain = takeRows(points, kmeansSplit.train);
const seededStart = toRows(takeRows(stepTrain, kmeansPlusPlus(stepTrain, ${STEP_K}, new RandomState(0))));
\`\`\`

\`\`\`js
const lloydHalfSteps = lloydSteps(stepTrain, fromRows(stepStart));
const lloydStep = view(Inputs.range([0, lloydHalfSteps.length - 1], {step: 1, value: 0, label: "half-step"}));
\`\`\`

<div class="grid grid-cols-2 step-row">
  <div class="card"><h3 class="panel-title">Your start: click ${STEP_K} times, drag to move</h3>\${stepStartInput}</div>
  <div class="card">\${resize((width) => lloydStepPlot(stepTrain, lloydHalfSteps[lloydStep], {width: Math.min(width, 480), domain}))}</div>
</div>

\`\`\`js
const stepStartInput = centroidPicker(stepTrain, {k: ${STEP_K}, value: seededStart, domain, width: 480});
const stepStart = Generators.input(stepStartInput);
\`\`\`

<p class="chart-caption" aria-live="polite">Half-step \${lloydStep} of \${lloydHalfSteps.length - 1}
(\${lloydHalfSteps[lloydStep].phase}): training loss <strong data-testid="lloyd-step-loss">\${lloydHalfSteps[lloydStep].loss.toFixed(6)}</strong>\${lloydStep > 0 ? \`, \${(lloydHalfSteps[lloydStep - 1].loss - lloydHalfSteps[lloydStep].loss).toExponential(2)} lower than before\` : ""}\${lloydHalfSteps[lloydStep].converged ? "; converged: the assignment changed nothing" : ""}.</p>

## Part 2: the Gaussian mixture, random against K-means init

Gradient descent fits an isotropic mixture (a mean, a sigma and a mixing weight per component) with Adam (learning
rate ${settings.gmm.lr}, ${settings.gmm.epochs} epochs) on the mean negative log-likelihood (NLL), from random
parameters or from Lloyd's centroids. EM (scikit-learn's \`GaussianMixture(covariance_type="spherical")\`) is the
classical method to compare with: it climbs toward a local optimum and stops once an iteration gains less than
${EM.tol} in log-likelihood per point, and the table shows where gradient descent ends lower. Scores are the NLL of the
${
  Math.trunc(figures.dataset.rows / settings.gmm.validDivisor).toLocaleString("en-US")
} validation points (lower is better).

${formula("mixtureNLL")}
${formula("emEStep")}
${formula("emMStep")}

**Findings.** At k = ${k5.k}, K-means init reaches EM's NLL in ${k5.kmeans.reachesEM} of ${gmmSeeds} seeds and
random init in ${k5.random.reachesEM} of ${gmmSeeds}. EM's validation NLL is lowest at k = ${bestK.k}
(${f5(bestK.em.nll)}).${
  emLocal.length
    ? ` At k = ${emLocal.map((r) => r.k).join(", ")}, EM ends above gradient descent from the K-means init (${
      emLocal.map((r) =>
        `EM ${f4(r.em.nll)} after ${r.em.iterations} iterations against ${f4(r.kmeans.median)}`
      ).join("; ")
    }). The stopping rule of scikit-learn ends EM once an iteration improves the training log-likelihood by less than
${EM.tol} per point; run on until it moves by less than ${settings.emOnwardTol}, EM reaches ${
      emLocal.map((r) =>
        `${f4(r.em.onward.nll)} (${r.em.onward.iterations.toLocaleString("en-US")} iterations)`
      ).join(" and ")
    }${
      emLocal.every((r) => r.em.onward.nll <= r.kmeans.median + settings.reachTolerance)
        ? ": EM stopped early, not in a worse optimum."
        : ". Where it stays above, EM is in a worse local optimum: it is not guaranteed the best likelihood either."
    }`
    : ""
}

| k | random init, median | K-means init, median | EM | random at EM | K-means at EM |
|---|---|---|---|---|---|
${
  figures.mixture.map((r) =>
    `| ${r.k} | ${f5(r.random.median)} | ${f5(r.kmeans.median)} | ${
      f5(r.em.nll)
    } | ${r.random.reachesEM} of ${gmmSeeds} | ${r.kmeans.reachesEM} of ${gmmSeeds} |`
  ).join("\n")
}

Points take the colour of their most likely component (fainter where unsure), "+" marks the means, circles are 1
and 2 sigma. Drawn: the median run of each init.

${descending.map(mixtureSection).join("\n")}

### Step through EM (k = ${STEP_K})

EM alternates an *E-step*, which computes every point's responsibilities (how likely each component produced it;
here, the colour is the likeliest component and the opacity its responsibility) and leaves the NLL as it is, and
an *M-step*, which re-estimates the weights, means and sigmas from them and can only lower the NLL. Below: EM's
first restart (seed 0) on the training points, from its K-means start (computed in your browser by
\`lib/mixture/em_steps.ts\`).

\`\`\`js
const emTrain = takeRows(points, gmmSplit.train);
const emHalfSteps = emSteps(emTrain, emStart(emTrain, {k: ${STEP_K}, seed: 0}));
const emStep = view(Inputs.range([0, emHalfSteps.length - 1], {step: 1, value: 0, label: "half-step"}));
\`\`\`

<div class="card step-card">\${resize((width) => emStepPlot(emTrain, emHalfSteps[emStep], {width: Math.min(width, 560), domain}))}</div>
<p class="chart-caption" aria-live="polite">Half-step \${emStep} of \${emHalfSteps.length - 1}
(\${emHalfSteps[emStep].phase}): training NLL <strong data-testid="em-step-nll">\${emHalfSteps[emStep].nll.toFixed(6)}</strong>\${emHalfSteps[emStep].converged && emHalfSteps[emStep].phase === "M" ? "; converged: the likelihood moved by less than 0.001" : ""}.</p>

${softKMeansSection}

${raceSection}

${atlasSection(atlas)}

<small>Dataset ${datasetName}, ${VALUES_HASH_LABEL} ${figures.dataset.sha256.slice(0, 16)}…; K-means seeds ${
  settings.kmeans.seeds[0]
}–${settings.kmeans.seeds.at(-1)}, mixture seeds ${settings.gmm.seeds[0]}–${
  settings.gmm.seeds.at(-1)
}.</small>
`);
