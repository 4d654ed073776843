import assert from "node:assert/strict";
import {
  axisNames,
  clipSegment,
  drawnRows,
  kmeansOverlay,
  MAX_DRAWN_POINTS,
  mixtureOverlay,
  OVERLAY_MARGIN,
  planeDensity,
  polylinePath,
  type ScatterPanel,
  scatterPanel,
} from "../src/components/draw/scatter_layers.ts";
import { withDom } from "./_dom.ts";

Deno.test("drawnRows() keeps every row of a small set, in order", () => {
  assert.deepEqual(Array.from(drawnRows(4)), [0, 1, 2, 3]);
  assert.equal(drawnRows(MAX_DRAWN_POINTS).length, MAX_DRAWN_POINTS);
});

Deno.test("drawnRows() draws a seeded subsample of at most 5,000 distinct rows of a large set, in order", () => {
  const rows = drawnRows(1_000_000);
  assert.equal(rows.length, MAX_DRAWN_POINTS);
  assert.equal(new Set(rows).size, rows.length, "distinct");
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i] > rows[i - 1], "sorted");
  assert.ok(rows[0] >= 0 && rows.at(-1)! < 1_000_000);
  assert.deepEqual(
    Array.from(drawnRows(1_000_000).subarray(0, 20)),
    Array.from(rows.subarray(0, 20)),
    "seeded",
  );
  // Spread over the whole set, not its start: a uniform sample's mean row is near the middle.
  const mean = rows.reduce((sum, row) => sum + row, 0) / rows.length;
  assert.ok(Math.abs(mean - 500_000) < 20_000, `mean row ${mean}`);
});

Deno.test("axisNames() names columns x₀, x₁ (or by a CSV header) and principal components PC1, PC2", () => {
  assert.deepEqual(axisNames("0,1"), ["x₀", "x₁"]);
  assert.deepEqual(axisNames("2,11"), ["x₂", "x₁₁"]);
  assert.deepEqual(axisNames("0,1", ["height", "weight"]), ["height", "weight"]);
  assert.deepEqual(axisNames("pca"), ["PC1", "PC2"]);
});

Deno.test("planeDensity() of one unit Gaussian at its mean is 1 / 2π, and integrates to its weight", () => {
  const model = { means: { rows: 1, cols: 2, data: Float64Array.of(1, -2) }, sigmas: [1], weights: [0.5] };
  // Exact up to rounding (1e-15).
  assert.ok(Math.abs(planeDensity(model, 1, -2) - 0.5 / (2 * Math.PI)) < 1e-15);
  // A Riemann sum over ±8 sigma, step 0.05: the truncation and the step cost far less than 1e-6.
  let total = 0;
  for (let x = -7; x <= 9; x += 0.05) {
    for (let y = -10; y <= 6; y += 0.05) total += planeDensity(model, x, y) * 0.0025;
  }
  assert.ok(Math.abs(total - 0.5) < 1e-6, `integral ${total}`);
});

/** A panel's geometry without a DOM: data [0, 3]² on the frame [50, 350]² px (y up). */
const fakePanel = {
  px: (v: number) => 50 + 100 * v,
  py: (v: number) => 350 - 100 * v,
  frame: [50, 50, 350, 350],
  domain: [0, 3, 0, 3],
} as unknown as ScatterPanel;

const matrix = (rows: number[][]) => ({ rows: rows.length, cols: 2, data: Float64Array.from(rows.flat()) });
const ABSURD = [[1e33, 1], [NaN, 2], [-Infinity, 0.5], [1.5, 1.5], [-1e33, 1e33]];

/** Every number in the markup's geometry attributes, each checked finite and within the frame ± margin. */
function assertSane(markup: string) {
  assert.ok(!/NaN|Infinity|e[+-]?\d/.test(markup), `no NaN, Infinity or exponent in ${markup.slice(0, 200)}`);
  const numbers = [...markup.matchAll(/\s(?:d|cx|cy|rx|ry)="([^"]*)"/g)].flatMap(([, value]) =>
    value.match(/-?\d+(\.\d+)?/g)!.map(Number)
  );
  assert.ok(numbers.length > 0);
  for (const value of numbers) {
    assert.ok(
      Number.isFinite(value) && value >= 50 - OVERLAY_MARGIN && value <= 350 + OVERLAY_MARGIN,
      `${value}`,
    );
  }
}

Deno.test("kmeansOverlay() with absurd centroids (1e33, NaN, -Infinity) gives only finite coordinates near the frame", () => {
  const centroids = matrix(ABSURD);
  const trajectory = [
    matrix([[0.5, 0.5], [1, 1], [2, 2], [1, 2], [0.2, 0.2]]),
    centroids,
    matrix(ABSURD.slice().reverse()),
  ];
  const markup = kmeansOverlay(fakePanel, centroids, { colourOf: [0, 1, 2, 3, 4], trajectory });
  assertSane(markup);
  // The one centroid in the frame keeps its marker; the path of centroid 1 runs from (0.5, 0.5) towards
  // 1e33 along its direction, cut at the frame's margin: it starts where it did.
  assert.equal(markup.match(/class="marker"/g)?.length, 1);
  assert.match(markup, /M100\.0,300\.0L/);
  // The regions come from the finite centroids; those 1e35 px away own none of the frame.
  assert.equal(markup.match(/fill-opacity="0.12"/g)?.length, 1);
});

Deno.test("mixtureOverlay() with absurd means and sigmas gives only finite coordinates near the frame", () => {
  const model = {
    means: matrix(ABSURD),
    sigmas: [1, 1e33, NaN, -0.5, Infinity],
    weights: [0.2, NaN, 0.2, 0.4, 1e33],
  };
  assertSane(mixtureOverlay(fakePanel, model, { colourOf: [0, 1, 2, 3, 4] }));
  // A mean 1e6 px away whose circle passes through the frame: drawn as the arc that crosses it.
  const far = { means: matrix([[10_000, 1.5]]), sigmas: [9_999], weights: [1] };
  const arc = mixtureOverlay(fakePanel, far, { colourOf: [0], contourLines: false });
  assertSane(arc);
  assert.match(arc, /<path d="M[^"]*L/);
});

Deno.test("clipSegment() cuts a segment to a box and keeps its direction; polylinePath() breaks at gaps", () => {
  const box: [number, number, number, number] = [0, 0, 10, 10];
  assert.deepEqual(clipSegment([5, 5], [5e33, 5e33], box), [[5, 5], [10, 10]]);
  assert.deepEqual(clipSegment([-10, 5], [20, 5], box), [[0, 5], [10, 5]]);
  assert.equal(clipSegment([20, 20], [30, 30], box), undefined);
  assert.equal(clipSegment([5, 5], [NaN, 5], box), undefined);
  assert.equal(clipSegment([-Number.MAX_VALUE, 5], [Number.MAX_VALUE, 5], box), undefined);
  assert.equal(
    polylinePath([[1, 1], [2, 2], [NaN, 0], [3, 3], [4, 4]], box),
    "M1.0,1.0L2.0,2.0M3.0,3.0L4.0,4.0",
  );
  assert.equal(polylinePath([[1, 1], [50, 1], [2, 2]], box), "M1.0,1.0L10.0,1.0M10.0,1.8L2.0,2.0");
});

Deno.test("scatterPanel() clips its moving layer to the frame of Plot's scales", () => {
  withDom(() => {
    const points = matrix([[0, 0], [2, 1], [-1, 3], [1e-3, 2]]);
    const panel = scatterPanel(points, { width: 400, k: 3 });
    const layer = panel.element.querySelector("g.moving")!;
    const svg = layer.closest("svg")!;
    const id = layer.getAttribute("clip-path")!.match(/^url\(#(.+)\)$/)![1];
    const clip = svg.querySelector(`[id="${id}"]`)!;
    assert.equal(clip.localName, "clipPath");
    const rect = clip.querySelector("rect")!;
    const [left, top, right, bottom] = panel.frame;
    assert.deepEqual(
      ["x", "y", "width", "height"].map((name) => Number(rect.getAttribute(name))),
      [left, top, right - left, bottom - top],
    );
    assert.ok(right - left > 100 && bottom - top > 100, `frame ${panel.frame}`);
    // The frame is Plot's: the domain's corners land on it.
    assert.equal(panel.px(panel.domain[0]), left);
    assert.equal(panel.py(panel.domain[3]), top);
    // Absurd centroids drawn into the layer: only finite attributes, all under the clip path.
    panel.overlay(
      kmeansOverlay(panel, matrix(ABSURD), {
        colourOf: [0, 1, 2, 3, 4],
        trajectory: [matrix(ABSURD), matrix(ABSURD.slice().reverse())],
      }),
    );
    assert.ok(layer.children.length > 0);
    for (const element of layer.querySelectorAll("*")) {
      assert.equal(element.closest("[clip-path]"), layer);
      for (const name of ["d", "cx", "cy", "rx", "ry"]) {
        const value = element.getAttribute(name);
        if (value !== null) assert.ok(!/NaN|Infinity|e[+-]?\d/.test(value), `${name}="${value}"`);
      }
    }
    // A second panel has a clip path of its own.
    const other = scatterPanel(points, { width: 300, k: 2 });
    assert.notEqual(other.element.querySelector("g.moving")!.getAttribute("clip-path"), `url(#${id})`);
  });
});

Deno.test("mixtureOverlay()'s contours leave out the frame's edges (regions that reach the frame are closed along it)", () => {
  // A wide component off the frame's corner: every density level reaches the frame.
  const model = { means: matrix([[-1, -1]]), sigmas: [3], weights: [1] };
  const markup = mixtureOverlay(fakePanel, model, { colourOf: [0] });
  const contourPaths = [
    ...markup.matchAll(/<path d="([^"]*)" fill="none" stroke="currentColor" stroke-opacity="0.3"/g),
  ];
  assert.ok(contourPaths.length >= 4);
  const edge = (x: number, y: number) => x === 50 || x === 350 || y === 50 || y === 350;
  for (const [, d] of contourPaths) {
    const moves = [...d.matchAll(/([ML])(-?[\d.]+),(-?[\d.]+)/g)].map(([, c, x, y]) => [c, +x, +y] as const);
    for (let i = 1; i < moves.length; i++) {
      const [c, x, y] = moves[i], [, px, py] = moves[i - 1];
      if (c === "L") {
        assert.ok(!(edge(x, y) && edge(px, py)), `segment along the edge: ${px},${py} to ${x},${y}`);
      }
    }
  }
});
