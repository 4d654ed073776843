/**
 * What the notebook's uniform start means on the data at hand: `torch.rand(k, d)` draws every
 * centroid in [0, 1)^d, whatever the data's extent, so on data2D every start sits in one small
 * patch of the data. The sentence quotes the data's own ranges, so it cannot drift from them.
 */
import { columnRanges, type Matrix } from "../../lib/matrix.js";
import { columnName } from "../draw/palette.js";

const signed = (value: number) => value.toFixed(2).replace("-", "−");
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

/**
 * The figures of the unit box against `points`: each column's range, the share of the
 * data's bounding box the unit box covers (the overlap's volume over the box's) and the share of
 * the points inside it.
 */
export function unitBoxFigures(points: Matrix) {
  const [low, high] = columnRanges(points);
  let overlap = 1, volume = 1;
  for (let t = 0; t < points.cols; t++) {
    overlap *= Math.max(0, Math.min(high[t], 1) - Math.max(low[t], 0));
    volume *= high[t] - low[t];
  }
  let inside = 0;
  for (let i = 0; i < points.rows; i++) {
    const row = points.data.subarray(i * points.cols, (i + 1) * points.cols);
    if (row.every((value) => value >= 0 && value < 1)) inside++;
  }
  return {
    low: Array.from(low),
    high: Array.from(high),
    boxShare: volume > 0 ? overlap / volume : 0,
    pointShare: inside / points.rows,
  };
}

/** How the K-means page ends "uniform draws each coordinate uniformly, as the notebook's `torch.rand(k, d)`, ...". */
export function unitBoxSentence(points: Matrix): string {
  const { low, high, boxShare, pointShare } = unitBoxFigures(points);
  const ranges = low.map((value, t) => `${columnName(t)} from ${signed(value)} to ${signed(high[t])}`);
  return `in [0, 1) in every coordinate: these data span ${ranges.join(" and ")}, so that unit box is only ${
    percent(boxShare)
  } of their bounding box (with ${
    percent(pointShare)
  } of the points), and every start bunches in that one patch`;
}
