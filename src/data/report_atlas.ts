/**
 * The Report's local-optima section, computed at build time: the atlas (lib/atlas.ts) of both
 * models at k = 5 on the Report's dataset, each on its own split, and its findings in the sentences
 * the atlas page prints (`atlas_findings.ts`).
 */
import { ATLAS_SEEDS, atlasSeeds, type AtlasSummary, localOptimaAtlas } from "../lib/atlas.js";
import type { Matrix } from "../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { atlasFindings } from "../components/models/atlas_findings.js";
import { splitPoints } from "./dataset.js";

/**
 * The Report's atlas: k, and seeds per method; the mixture's runs take about half a second each
 * (1000 epochs), so the Report trains fewer of them than the page's default.
 */
export const REPORT_ATLAS = { k: 5, kmeansSeeds: ATLAS_SEEDS.default, mixtureSeeds: 20 } as const;

/** Both models' atlas summaries on `points`. */
export async function reportAtlas(points: Matrix): Promise<{ kmeans: AtlasSummary; mixture: AtlasSummary }> {
  const { k, kmeansSeeds, mixtureSeeds } = REPORT_ATLAS;
  const kmeansSplit = splitPoints(points, NOTEBOOK_SPLIT.kmeansValidDivisor);
  const mixtureSplit = splitPoints(points, NOTEBOOK_SPLIT.mixtureValidDivisor);
  const kmeans = await localOptimaAtlas(kmeansSplit.train, kmeansSplit.valid, {
    model: "kmeans",
    k,
    seeds: atlasSeeds(kmeansSeeds),
  });
  const mixture = await localOptimaAtlas(mixtureSplit.train, mixtureSplit.valid, {
    model: "mixture",
    k,
    seeds: atlasSeeds(mixtureSeeds),
  });
  return { kmeans: kmeans.summary, mixture: mixture.summary };
}

/** The section's Markdown. */
export function atlasSection({ kmeans, mixture }: { kmeans: AtlasSummary; mixture: AtlasSummary }): string {
  const { k, kmeansSeeds, mixtureSeeds } = REPORT_ATLAS;
  return `## Part 5: local optima

Every method stops in a local optimum that depends on its start. Each method below was trained from seeds 0 to
${kmeansSeeds - 1} (K-means) and 0 to ${
    mixtureSeeds - 1
  } (the mixture) at k = ${k} with the notebook's settings (fused engine), and scored
on the validation points.

**K-means.** ${atlasFindings(kmeans, k).join(" ")}

**The mixture.** ${atlasFindings(mixture, k).join(" ")}

The histograms, other k and more seeds: [Local optima](./atlas).
`;
}
