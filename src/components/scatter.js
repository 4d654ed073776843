import * as Plot from "@observablehq/plot";

/**
 * The dataset as a scatter plot, each point coloured by the set it belongs to
 * (train or validation), so the reader sees the split is an even shuffle.
 */
export function splitScatter(points, split, { width, height = 420 } = {}) {
  const role = new Array(points.rows);
  for (const i of split.train) role[i] = "train";
  for (const i of split.valid) role[i] = "validation";
  const rows = Array.from({ length: points.rows }, (_, i) => ({
    x: points.data[i * points.cols],
    y: points.data[i * points.cols + 1],
    set: role[i],
  }));
  return Plot.plot({
    width,
    height,
    aspectRatio: 1,
    grid: true,
    color: { legend: true, domain: ["train", "validation"], range: ["#9ca3af", "#e66101"] },
    x: { label: "x₀" },
    y: { label: "x₁" },
    marks: [Plot.dot(rows, { x: "x", y: "y", fill: "set", r: 1.4, fillOpacity: 0.6 })],
  });
}

/**
 * Points coloured by their cluster, with the centres marked, for a reference clustering.
 */
export function clusterScatter(points, labels, centres, { width, height = 320, title } = {}) {
  const rows = Array.from({ length: points.rows }, (_, i) => ({
    x: points.data[i * points.cols],
    y: points.data[i * points.cols + 1],
    cluster: String(labels[i] + 1),
  }));
  const centreRows = centres.map(([x, y], j) => ({ x, y, cluster: String(j + 1) }));
  return Plot.plot({
    width,
    height,
    title,
    aspectRatio: 1,
    grid: true,
    color: { type: "categorical", scheme: "observable10", legend: true, label: "cluster" },
    x: { label: "x₀" },
    y: { label: "x₁" },
    marks: [
      Plot.dot(rows, { x: "x", y: "y", fill: "cluster", r: 1.4, fillOpacity: 0.7 }),
      Plot.dot(centreRows, {
        x: "x",
        y: "y",
        symbol: "times",
        r: 7,
        stroke: "currentColor",
        strokeWidth: 2.5,
      }),
    ],
  });
}
