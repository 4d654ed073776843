/**
 * The pure core, re-exported: readers, NumPy's RNG and split, Lloyd's K-means, and K-means by
 * gradient descent with TensorFlow.js (AdamW as PyTorch's). Importing this module loads TensorFlow.js;
 * import the individual modules to avoid that.
 *
 * @module
 */
export * from "./errors.js";
export * from "./matrix.js";
export * from "./npy.js";
export * from "./csv.js";
export * from "./random_state.js";
export * from "./split.js";
export * from "./kmeans.js";
export * from "./adamw.js";
export * from "./engine.js";
export * from "./fused.js";
export * from "./notebook_settings.js";
export * from "./gradient_kmeans.js";
export * from "./read_points.js";
export * from "./match_centres.js";
export * from "./model_selection.js";
export * from "./gaussian_mixture.js";
export * from "./em.js";
export * from "./gradient_gmm.js";
export * from "./synthetic.js";
export * from "./projection.js";
