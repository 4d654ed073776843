// The Report's local-optima section (src/data/report_atlas.ts) on seeded blobs: the counts and the best
// known values it prints are those of the trainers run here directly, seed by seed (each loss the same
// float64 computation as the atlas's, so the counts must agree exactly).
import assert from "node:assert/strict";
import { atlasSection, REPORT_ATLAS, reportAtlas } from "../src/data/report_atlas.ts";
import { splitPoints } from "../src/data/dataset.ts";
import { ATLAS_TOLERANCE } from "../lib/atlas.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { emGaussianMixture } from "../lib/mixture/em.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { formatScore } from "../src/components/draw/format.ts";

const seeds = (count: number) => Array.from({ length: count }, (_, seed) => seed);

Deno.test("the Report's atlas section prints the shares of the trainers run directly", async () => {
  const { points } = makeBlobs({ n: 400, k: 4, d: 2, spread: 0.6, seed: 3 });
  const { k, kmeansSeeds, mixtureSeeds } = REPORT_ATLAS;
  const markdown = atlasSection(await reportAtlas(points)).replace(/\s+/g, " ");

  const km = splitPoints(points, NOTEBOOK_SPLIT.kmeansValidDivisor);
  const gradient: number[] = [], single: number[] = [];
  for (const seed of seeds(kmeansSeeds)) {
    gradient.push(
      (await fitGradientKMeans(km.train, { k, seed, valid: km.valid, reportEvery: 150 })).validScore!,
    );
    single.push(validationScore(km.valid, lloyd(km.train, { k, seed, nInit: 1 }).centroids));
  }
  const kmeansBest = Math.min(
    ...gradient,
    ...single,
    validationScore(km.valid, lloyd(km.train, { k }).centroids),
  );
  const kmeansThreshold = kmeansBest + ATLAS_TOLERANCE.kmeans.relative * kmeansBest;
  const reached = (losses: number[], threshold: number) => losses.filter((loss) => loss <= threshold).length;
  assert.ok(markdown.includes(`Best known validation score for k = ${k}: ${formatScore(kmeansBest)}`));
  for (
    const [name, losses] of [["Gradient K-means (AdamW)", gradient], ["Lloyd, n_init = 1", single]] as const
  ) {
    const count = reached(losses, kmeansThreshold);
    assert.ok(
      markdown.includes(`${name}: ${count} of ${kmeansSeeds} `),
      `${name}: ${count} of ${kmeansSeeds}`,
    );
  }

  const mx = splitPoints(points, NOTEBOOK_SPLIT.mixtureValidDivisor);
  const random: number[] = [], kmeansInit: number[] = [], em: number[] = [];
  for (const seed of seeds(mixtureSeeds)) {
    for (const [init, losses] of [["random", random], ["kmeans", kmeansInit]] as const) {
      losses.push(
        (await fitGradientMixture(mx.train, { k, seed, init, valid: mx.valid, reportEvery: 1000 })).validNLL!,
      );
    }
    em.push(gmmNLL(mx.valid, emGaussianMixture(mx.train, { k, seed, nInit: 1 })));
  }
  const mixtureBest = Math.min(
    ...random,
    ...kmeansInit,
    ...em,
    gmmNLL(mx.valid, emGaussianMixture(mx.train, { k })),
  );
  const mixtureThreshold = mixtureBest + ATLAS_TOLERANCE.mixture.absolute;
  assert.ok(markdown.includes(`Best known validation NLL for k = ${k}: ${formatScore(mixtureBest)}`));
  for (
    const [name, losses] of [
      ["Gradient mixture, random init", random],
      ["Gradient mixture, K-means init", kmeansInit],
      ["EM, n_init = 1", em],
    ] as const
  ) {
    const count = reached(losses, mixtureThreshold);
    assert.ok(
      markdown.includes(`${name}: ${count} of ${mixtureSeeds} `),
      `${name}: ${count} of ${mixtureSeeds}`,
    );
  }
  assert.ok(markdown.includes("[Local optima](./atlas)"), "the link to the page");
});
