/**
 * The report, as a page loader: Framework runs this at build time and publishes the Markdown it
 * prints. Every number in the prose comes from `computeReportFigures`, so the text is static
 * (it reads without JavaScript) and can never disagree with the data. Set REPORT_DATASET to
 * another .npy to see every figure change (the test does).
 */
import { computeReportFigures, type ReportFigures } from "./data/report_figures.js";

const figures: ReportFigures = await computeReportFigures(Deno.env.get("REPORT_DATASET") || undefined);
const { settings } = figures;
const f4 = (value: number) => value.toFixed(4);
const f5 = (value: number) => value.toFixed(5);
const pct = (value: number) => `${value.toFixed(2)}%`;
const byK = <T extends { k: number }>(rows: T[], k: number) => rows.find((row) => row.k === k)!;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const descending = [...settings.ks].reverse();

// Part 1 findings.
const smallK = figures.kmeans.filter((row) => row.k <= 3);
const largeK = figures.kmeans.filter((row) => row.k > 3);
const runsPerK = settings.kmeans.seeds.length;
const lloydWinsSmall = sum(smallK.map((row) => row.lloydBetter));
const lloydWinsLarge = sum(largeK.map((row) => row.lloydBetter));
const gaps = figures.kmeans.map((row) => row.gapPercent);
const smallestGap = figures.kmeans[gaps.indexOf(Math.min(...gaps))];
const largestGap = figures.kmeans[gaps.indexOf(Math.max(...gaps))];

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
of ${runsPerK} seeds. Drawn: seed ${row.typicalSeed}, the median run. [Train it live with k = ${k}](./kmeans?k=${k}).

<div class="grid grid-cols-2">
  <div class="card">\${resize((width) => kmeansPanel(${k}, "gradient", width))}</div>
  <div class="card">\${resize((width) => kmeansPanel(${k}, "lloyd", width))}</div>
</div>
`;
};

const mixtureSection = (k: number) => {
  const row = byK(figures.mixture, k);
  return `### k = ${k}

Validation NLL, median over ${gmmSeeds} seeds: random init **${f5(row.random.median)}**, K-means init
**${f5(row.kmeans.median)}**; EM **${f5(row.em.nll)}**. Runs at EM's optimum or better (within
${settings.reachTolerance}): random init ${row.random.reachesEM} of ${gmmSeeds}, K-means init ${row.kmeans.reachesEM}
of ${gmmSeeds}. [Train it live with k = ${k}](./gmm?k=${k}).

<div class="grid grid-cols-3">
  <div class="card">\${resize((width) => mixturePanel(${k}, "random", width))}</div>
  <div class="card">\${resize((width) => mixturePanel(${k}, "kmeans", width))}</div>
  <div class="card">\${resize((width) => mixturePanel(${k}, "em", width))}</div>
</div>
`;
};

console.log(`---
title: Report
toc: false
---

\`\`\`js
import {parseNpy} from "./lib/npy.js";
import {takeRows, fromRows} from "./lib/matrix.js";
import {assign} from "./lib/kmeans.js";
import {clusterPlot, splitPlot} from "./components/clusters.js";
import {mixturePlot} from "./components/mixture.js";
\`\`\`

\`\`\`js
// The figures this page's text was built from (computed at build time by src/data/report_figures.ts).
const figures = ${JSON.stringify(figures)};
const points = parseNpy(new Uint8Array(await FileAttachment("data/data2D.npy").arrayBuffer()));
const kmeansSplit = await FileAttachment("data/split-kmeans.json").json();
const gmmSplit = await FileAttachment("data/split-gmm.json").json();
const kmeansValid = takeRows(points, kmeansSplit.valid);
const gmmValid = takeRows(points, gmmSplit.valid);
function kmeansPanel(k, which, width) {
  const row = figures.kmeans.find((r) => r.k === k);
  const centres = fromRows(which === "lloyd" ? row.lloydCentres : row.typicalCentroids);
  const score = which === "lloyd" ? row.lloydScore : row.typicalScore;
  const title = \`\${which === "lloyd" ? "Lloyd (scikit-learn semantics)" : "Gradient descent (AdamW)"}: \${score.toFixed(5)}\`;
  return clusterPlot(kmeansValid, assign(kmeansValid, centres).labels, centres, {width, title});
}
function mixturePanel(k, which, width) {
  const row = figures.mixture.find((r) => r.k === k);
  const model = which === "em" ? row.em : row[which].typical;
  const nll = which === "em" ? row.em.nll : row[which].typical.nll;
  const name = {random: "Random init", kmeans: "K-means init", em: "EM"}[which];
  return mixturePlot(gmmValid, {means: fromRows(model.means), sigmas: Float64Array.from(model.sigmas), weights: Float64Array.from(model.weights)}, {width, title: \`\${name}: NLL \${nll.toFixed(5)}\`});
}
\`\`\`

# K-means and Gaussian mixtures, by gradient descent

A course notebook trained K-means and a Gaussian mixture by gradient descent in PyTorch and compared them with
scikit-learn. This report rebuilds it, correct and computed: the same ${
  figures.dataset.rows.toLocaleString("en-US")
}
points, the same seeded split (NumPy's, bit for bit), Lloyd's algorithm and EM as references, and every figure
below computed when the site was built. The [K-means](./kmeans) and [mixture](./gmm) pages retrain the models live;
[Choosing k](./model-selection) compares the criteria for k.

<div class="card">\${resize((width) => splitPlot(points, kmeansSplit, {width}))}</div>

## Part 1: K-means, Lloyd against gradient descent

Gradient descent trains the centroids with AdamW (learning rate ${settings.kmeans.lr}, ${settings.kmeans.epochs}
epochs, centroids started uniform in [0, 1)) on the mean squared distance to the nearest centroid; Lloyd's
algorithm (k-means++, 10 restarts) is scikit-learn's reference. Scores are that mean squared distance on the
${Math.trunc(figures.dataset.rows / settings.kmeans.validDivisor).toLocaleString("en-US")} validation points.

**Findings.** For k ≤ 3, Lloyd's score is lower than gradient descent's in ${lloydWinsSmall} of
${smallK.length * runsPerK} runs; for k = 4 and 5, in ${lloydWinsLarge} of ${
  largeK.length * runsPerK
}. The median gap
is smallest at k = ${smallestGap.k} (${pct(smallestGap.gapPercent)}) and largest at k = ${largestGap.k}
(${pct(largestGap.gapPercent)}): gradient descent gets close, but Lloyd's exact steps land on the optimum.

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
here points take their cluster's colour, the "×" marks the centres and shading shows each centre's region.

${descending.map(kmeansSection).join("\n")}

## Part 2: the Gaussian mixture, random against K-means init

Gradient descent fits an isotropic mixture (a mean, a sigma and a mixing weight per component) with Adam (learning
rate ${settings.gmm.lr}, ${settings.gmm.epochs} epochs) on the mean negative log-likelihood (NLL), from random
parameters or from Lloyd's centres. EM (scikit-learn's \`GaussianMixture(covariance_type="spherical")\`) is the
reference. Scores are the NLL of the
${
  Math.trunc(figures.dataset.rows / settings.gmm.validDivisor).toLocaleString("en-US")
} validation points (lower is better).

**Findings.** At k = ${k5.k}, K-means init reaches EM's optimum in ${k5.kmeans.reachesEM} of ${gmmSeeds} seeds and
random init in ${k5.random.reachesEM} of ${gmmSeeds}. EM's validation NLL is lowest at k = ${bestK.k}
(${f5(bestK.em.nll)}).${
  emLocal.length
    ? ` At k = ${
      emLocal.map((r) => r.k).join(", ")
    }, EM stops in a worse local optimum than gradient descent from the K-means init (${
      emLocal.map((r) => `EM ${f4(r.em.nll)} against ${f4(r.kmeans.median)}`).join("; ")
    }): EM is not guaranteed the best likelihood either.`
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
and 2 sigma, grey lines the density's contours. Drawn: the median run of each init.

${descending.map(mixtureSection).join("\n")}

<small>Dataset SHA-256 ${figures.dataset.sha256.slice(0, 16)}…; K-means seeds ${settings.kmeans.seeds[0]}–${
  settings.kmeans.seeds.at(-1)
}, mixture seeds ${settings.gmm.seeds[0]}–${settings.gmm.seeds.at(-1)}.</small>
`);
