/**
 * The pure core, re-exported: readers, NumPy's RNG and split, Lloyd's K-means and EM, and K-means
 * and the spherical mixture trained by gradient descent (PyTorch's SGD, momentum, Adam and AdamW; the fused engine
 * by default, TensorFlow.js autodiff on request). Importing this module loads TensorFlow.js (the
 * autodiff engine's); import the individual modules to avoid that.
 *
 * @module
 */
export * from "./errors.js";
export * from "./matrix.js";
export * from "./io/npy.js";
export * from "./io/csv.js";
export * from "./io/digest.js";
export * from "./random/random_state.js";
export * from "./random/split.js";
export * from "./kmeans/kmeans.js";
export * from "./gradient/adamw.js";
export * from "./gradient/engine.js";
export * from "./gradient/fused.js";
export * from "./gradient/optimizers.js";
export * from "./notebook_settings.js";
export * from "./kmeans/gradient_kmeans.js";
export * from "./io/read_points.js";
export * from "./kmeans/match_centroids.js";
export * from "./model_selection.js";
export * from "./mixture/gaussian_mixture.js";
export * from "./mixture/em.js";
export * from "./mixture/gradient_mixture.js";
export * from "./random/synthetic.js";
export * from "./projection.js";
export * from "./atlas.js";
