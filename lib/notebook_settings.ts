/**
 * The course notebook's configuration, defined once: the train/validation split, Lloyd's and EM's
 * reference options (scikit-learn's, as the notebook calls them), the gradient models' defaults
 * (PyTorch's optimizers as the notebook configures them), and the settings the report and the
 * pages reproduce. Every default in `lib/`, the data loaders, the CLI and the bench comes from here.
 *
 * @example
 * ```ts
 * import { split } from "./random/split.js";
 * const { train, valid } = split(10_000, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
 * console.assert(valid.length === 2_500 && train.length === 7_500);
 * ```
 *
 * @module
 */

/** The notebook's train/validation split: `np.random.seed(seed)`, then a permutation. */
export const NOTEBOOK_SPLIT = {
  /** The seed the notebook passes to `np.random.seed` before shuffling. */
  seed: 45689,
  /** K-means validates on the first `int(n / 4)` shuffled points. */
  kmeansValidDivisor: 4,
  /** The mixture validates on the first `int(n / 3)` shuffled points. */
  mixtureValidDivisor: 3,
} as const;

/** Lloyd's reference options: scikit-learn's `KMeans(n_init=10, max_iter=5000, tol=1e-4, random_state=0)`. */
export const LLOYD = { nInit: 10, maxIter: 5000, tol: 1e-4, seed: 0 } as const;

/**
 * EM's reference options: scikit-learn's `GaussianMixture(covariance_type="spherical", n_init=10,
 * max_iter=1000, tol=1e-3, reg_covar=1e-6, random_state=0)`, and the iterations of the K-means
 * that starts each restart (scikit-learn's `KMeans` default, 300).
 */
export const EM = {
  nInit: 10,
  maxIter: 1000,
  tol: 1e-3,
  regCovar: 1e-6,
  seed: 0,
  kmeansMaxIter: 300,
} as const;

/**
 * Gradient K-means as the notebook trains it: `torch.optim.AdamW(lr=0.1)` with PyTorch's other
 * defaults, 150 full-batch epochs.
 */
export const GRADIENT_KMEANS = {
  lr: 0.1,
  epochs: 150,
  adamW: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
} as const;

/**
 * The gradient mixture as the notebook trains it: `torch.optim.Adam(lr=0.005, betas=(0.9, 0.99),
 * eps=1e-5)`, 1000 full-batch epochs; the K-means init runs Lloyd with `nInit` restarts.
 */
export const GRADIENT_MIXTURE = {
  lr: 0.005,
  epochs: 1000,
  adam: { beta1: 0.9, beta2: 0.99, epsilon: 1e-5, weightDecay: 0 },
  kmeansInitNInit: LLOYD.nInit,
} as const;

/**
 * How often training reports (epochs between two reports) where nothing else is asked: the
 * default of `trainGradientKMeans` and `trainGradientMixture` only (the pages, the bench and the
 * `fit*` functions pass their own `reportEvery`).
 */
export const REPORT_EVERY = { kmeans: 10, mixture: 10 } as const;

/** The seeds the report trains: ten for K-means, five per init for the mixture, and its values of k. */
export const REPORT_SEEDS = {
  ks: [1, 2, 3, 4, 5],
  kmeans: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  mixture: [0, 1, 2, 3, 4],
} as const;
