/**
 * The local-optima atlas's findings in sentences, computed from `summarizeAtlas` (lib/atlas.ts):
 * shared by the atlas page (`atlas.ts`) and the Report's section (`src/data/report_atlas.ts`).
 */
import {
  ATLAS_NAMES,
  ATLAS_REFERENCE,
  ATLAS_TOLERANCE,
  type AtlasModel,
  type AtlasSummary,
  LOST_SHARE,
} from "../../lib/atlas.js";
import { EM, LLOYD } from "../../lib/notebook_settings.js";
import { formatScore } from "../draw/format.js";

/** What a model's loss is called. */
export const what = (model: AtlasModel) => model === "kmeans" ? "validation score" : "validation NLL";
const unit = (model: AtlasModel) => model === "kmeans" ? "centroid" : "component";
const share = (count: number, total: number) =>
  `${count} of ${total} (${Math.round((100 * count) / total)} %)`;

/** The tolerance of `model` in words. */
export function toleranceWords(model: AtlasModel): string {
  const { relative, absolute } = ATLAS_TOLERANCE[model];
  return relative ? `within ${100 * relative} % of it` : `within ${absolute} nats of it`;
}

/**
 * The atlas's findings in sentences: the best known value and the threshold, then each method's
 * share reaching it, its range and its lost runs, what the single-start share means for the best
 * of the reference's n_init starts, as if the starts were independent, and what "lost" means.
 */
export function atlasFindings(summary: AtlasSummary, k: number): string[] {
  const { model, best, reference, threshold } = summary;
  const sentences = [
    `Best known ${what(model)} for k = ${k}: ${formatScore(best)} (${ATLAS_NAMES[ATLAS_REFERENCE[model]]}: ${
      formatScore(reference)
    }). A run reaches it when it ends ${toleranceWords(model)}, at ${formatScore(threshold)} or below.`,
  ];
  for (const row of summary.methods) {
    const name = ATLAS_NAMES[row.method];
    sentences.push(
      `${name[0].toUpperCase()}${name.slice(1)}: ${share(row.reached, row.runs)} seeds reach it; final ${
        what(model)
      }s from ${formatScore(row.min)} to ${formatScore(row.max)}; ${row.lostRuns} lost a ${unit(model)}.`,
    );
    if (row.method === "lloyd" || row.method === "em") {
      const nInit = row.method === "lloyd" ? LLOYD.nInit : EM.nInit;
      const miss = (1 - row.reached / row.runs) ** nInit;
      sentences.push(
        miss === 0
          ? `Every one of these starts reached it: here n_init = ${nInit} buys nothing.`
          : `With n_init = ${nInit}, ${nInit} such starts would all miss it with probability ${
            miss.toPrecision(2)
          } if they were independent: why the reference restarts.`,
      );
    }
  }
  sentences.push(
    `A ${unit(model)} is lost when it is the ${
      model === "kmeans" ? "nearest centroid" : "most likely component"
    } of fewer than ${100 * LOST_SHARE} % of the validation points.`,
  );
  return sentences;
}
