/**
 * The pure core, re-exported: readers, NumPy's RNG and split, Lloyd's K-means.
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
export * from "./read_points.js";
