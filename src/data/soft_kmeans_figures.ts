/**
 * Soft K-means' findings on the K-means split, computed with lib/ for the Report, for /soft-kmeans (in
 * its worker) and for the browser test that checks the page against them: the first critical beta, in theory and as annealing
 * measures it, and where annealing from a start ends against Lloyd's best, against Lloyd from the
 * same start and against gradient K-means from the same start.
 */
import { anneal, firstCriticalBeta, splits } from "../lib/soft_kmeans/soft_kmeans.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { assign, lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { lloydSteps } from "../lib/kmeans/lloyd_steps.js";
import { matchCentroids } from "../lib/kmeans/match_centroids.js";
import type { Matrix } from "../lib/matrix.js";
import { LLOYD } from "../lib/notebook_settings.js";
import { formatScore } from "../components/draw/format.js";

/** Training and validation scores of some centroids, and how many of them own training points. */
export interface Ending {
  trainLoss: number;
  validScore: number;
  owners: number;
}

/** What {@link annealFindings} measures. */
export interface AnnealFindings {
  k: number;
  /** Every beta annealing visited: the centroids soft Lloyd reached there and how many groups they form. */
  levels: { beta: number; groups: number; centroids: Matrix }[];
  firstCritical: number;
  splits: { beta: number; groups: number }[];
  annealed: Ending;
  lloydBest: Ending;
  lloydFromStart: Ending;
  gradientFromStart: Ending;
  /** Whether annealing ends at Lloyd's best training loss (within 1e-6 of it, relative). */
  reached: boolean;
  /** The largest distance between annealing's centroids and Lloyd's best, matched one to one. */
  farthest: number;
}

function ending(train: Matrix, valid: Matrix, centroids: Matrix): Ending {
  const owned = new Set(assign(train, centroids).labels);
  return {
    trainLoss: validationScore(train, centroids),
    validScore: validationScore(valid, centroids),
    owners: owned.size,
  };
}

/** Annealing from `start` (lib's default schedule, shake seed `seed`) against the others (see the module). */
export async function annealFindings(
  { train, valid }: { train: Matrix; valid: Matrix },
  start: Matrix,
  { seed = 0 }: { seed?: number } = {},
): Promise<AnnealFindings> {
  const levels = anneal(train, start, { seed });
  const annealed = levels.at(-1)!.centroids;
  const best = lloyd(train, { k: start.rows, ...LLOYD }).centroids;
  const gradient = await fitGradientKMeans(train, { k: start.rows, initial: start, engine: "fused" });
  const end = ending(train, valid, annealed), lloydBest = ending(train, valid, best);
  return {
    k: start.rows,
    levels: levels.map(({ beta, groups, centroids }) => ({ beta, groups, centroids })),
    firstCritical: firstCriticalBeta(train),
    splits: splits(levels),
    annealed: end,
    lloydBest,
    lloydFromStart: ending(train, valid, lloydSteps(train, start, { maxIterations: 5000 }).at(-1)!.centroids),
    gradientFromStart: ending(train, valid, gradient.centroids),
    reached: Math.abs(end.trainLoss - lloydBest.trainLoss) <= 1e-6 * lloydBest.trainLoss,
    farthest: Math.max(...matchCentroids(annealed, best).map(({ distance }) => distance)),
  };
}

/** A beta as the text writes it: 0.02, 1.5, 1e+4. */
export const betaText = (
  beta: number,
): string => (beta >= 1e4 ? beta.toExponential(0) : String(+beta.toPrecision(3)));
const ownersText = ({ owners }: Ending, k: number) =>
  owners === k ? `all ${k} centroids owning points` : `${k - owners} of ${k} centroids owning no point`;

/** Where the first split lies among the betas visited, against the theory's critical beta. */
function splitPlace({ levels, splits, firstCritical }: AnnealFindings): string {
  const above = levels.findIndex((level) => level.beta > firstCritical);
  const at = levels.findIndex((level) => level.beta === splits[0]?.beta);
  if (at < 0 || above < 0) return "against";
  const nth = (n: number) => ["first", "second", "third", "fourth", "fifth"][n - 1] ?? `${n}th`;
  return at >= above ? `the ${nth(at - above + 1)} beta visited above` : `${above - at} betas visited below`;
}

/** The findings in words, as /soft-kmeans and the Report say them. */
export function annealSentence(findings: AnnealFindings): string {
  const { k, levels, splits, firstCritical, annealed, lloydBest, lloydFromStart, gradientFromStart } =
    findings;
  const gap = annealed.trainLoss - lloydBest.trainLoss;
  return `Annealing (soft Lloyd at ${levels.length} betas from ${betaText(levels[0].beta)} to ${
    betaText(levels.at(-1)!.beta)
  }) first splits the centroids at beta = ${splits[0] ? splits[0].beta.toFixed(4) : "none"}, ${
    splitPlace(findings)
  } the theory's 1/(2 lambda_max) = ${firstCritical.toFixed(4)}; its splits: ${
    splits.map((s) => `${s.groups} groups at ${s.beta.toFixed(3)}`).join(", ")
  }. It ends at training loss ${formatScore(annealed.trainLoss)} (validation ${
    formatScore(annealed.validScore)
  }), ${ownersText(annealed, k)}. Lloyd's best of ${LLOYD.nInit} k-means++ starts trains ${
    formatScore(lloydBest.trainLoss)
  }: annealing ${
    findings.reached ? "reaches it" : `does not reach it (${formatScore(gap, { digits: 2 })} above)`
  }, its centroids at most ${
    findings.farthest.toFixed(3)
  } from Lloyd's best. From the same start, Lloyd ends at ${
    formatScore(lloydFromStart.trainLoss)
  } and gradient K-means (AdamW, 150 epochs) at ${formatScore(gradientFromStart.trainLoss)}, ${
    ownersText(gradientFromStart, k)
  }.`;
}
