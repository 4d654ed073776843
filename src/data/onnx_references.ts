/**
 * The reference models as ONNX files, shared by the loaders `lloyd-[k].onnx.ts` and `em-[k].onnx.ts`
 * (and the tests): the same fits as lloyd.json and em.json, with their settings, split and the
 * dataset's SHA-256 in the metadata.
 */
import { emGaussianMixture } from "../lib/mixture/em.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { kmeansToOnnx, mixtureToOnnx } from "../lib/onnx/onnx_export.js";
import { NOTEBOOK_SPLIT_SEED } from "../lib/random/split.js";
import { EM, LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";

/** The k of the shipped references: data/lloyd-1.onnx ... data/lloyd-10.onnx, and em-*.onnx. */
export const REFERENCE_KS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Lloyd's settings, as lloyd.json.ts, on the K-means split (validation = first quarter). */
export const LLOYD_REFERENCE = { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor, options: LLOYD };
/** EM's settings, as em.json.ts, on the mixture split (validation = first third). */
export const EM_REFERENCE = {
  validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor,
  options: { nInit: EM.nInit, maxIter: EM.maxIter, tol: EM.tol, regCovar: EM.regCovar, seed: EM.seed },
};

/** Reads k from a parameterized loader's `--k=<k>` argument, refusing any k not shipped. */
export function referenceK(args: string[], loader: string): number {
  const match = args.map((arg) => /^--k=(.*)$/.exec(arg)?.[1]).find((value) => value !== undefined);
  const k = Number(match);
  if (!REFERENCE_KS.includes(k)) {
    throw new Error(
      `${loader}: k must be an integer from 1 to 10 (run as --k=<k>), not ${match ?? "missing"}.`,
    );
  }
  return k;
}

/** Lloyd's K-means for k on data2D's K-means split, as ONNX bytes, with its validation score. */
export async function lloydReferenceOnnx(k: number): Promise<{ bytes: Uint8Array; validScore: number }> {
  const { points, sha256 } = await loadDataset();
  const { validDivisor, options } = LLOYD_REFERENCE;
  const { train, valid } = splitPoints(points, validDivisor);
  const { centroids } = lloyd(train, { k, ...options });
  const validScore = validationScore(valid, centroids);
  const bytes = kmeansToOnnx(centroids, {
    name: `lloyd_k${k}`,
    description:
      `Lloyd's K-means (k = ${k}) on the training split of data2D.npy: nearest centroid and squared distance.`,
    metadata: {
      model: "lloyd",
      training: options,
      split: { seed: NOTEBOOK_SPLIT_SEED, validDivisor },
      dataset: "data2D.npy",
      dataset_sha256: sha256,
      valid_score: validScore,
    },
  });
  return { bytes, validScore };
}

/** The EM mixture for k on data2D's mixture split, as ONNX bytes, with its validation NLL. */
export async function emReferenceOnnx(k: number): Promise<{ bytes: Uint8Array; validNLL: number }> {
  const { points, sha256 } = await loadDataset();
  const { validDivisor, options } = EM_REFERENCE;
  const { train, valid } = splitPoints(points, validDivisor);
  const model = emGaussianMixture(train, { k, ...options });
  const validNLL = gmmNLL(valid, model);
  const bytes = mixtureToOnnx(model, {
    name: `em_k${k}`,
    description: `Spherical Gaussian mixture (k = ${k}) fitted by EM on the training split of data2D.npy.`,
    metadata: {
      model: "em",
      training: options,
      split: { seed: NOTEBOOK_SPLIT_SEED, validDivisor },
      dataset: "data2D.npy",
      dataset_sha256: sha256,
      valid_nll: validNLL,
    },
  });
  return { bytes, validNLL };
}

/** Writes every byte to stdout (one `write` may take only part of them). */
export async function writeStdout(bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await Deno.stdout.write(bytes.subarray(written));
}
