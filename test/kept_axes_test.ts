import assert from "node:assert/strict";
import { niceCeil, wrap } from "../src/components/draw/kept_axes.ts";
import { gapCurve } from "../src/components/draw/gap_curve.ts";
import { KeptAxes } from "../src/components/draw/kept_axes.ts";
import { ParameterAxes, parameterCurves } from "../src/components/draw/mixture.ts";
import { withDom } from "./_dom.ts";

Deno.test("niceCeil() rounds up to 1, 2 or 5 times a power of ten, and is 1 for what has no bound", () => {
  for (
    const [value, bound] of [[0.33, 0.5], [0.5, 0.5], [0.51, 1], [1.7, 2], [3, 5], [1234, 2000], [2e-7, 2e-7]]
  ) {
    assert.equal(niceCeil(value), bound, `niceCeil(${value})`);
  }
  for (const value of [0, -1, NaN, Infinity]) assert.equal(niceCeil(value), 1);
});

Deno.test("wrap() keeps the words in order, in lines of at most width / 5.5 characters unless a word is longer", () => {
  const words = "floor (Lloyd's training loss would be 0, off this scale)";
  const lines = wrap(words, 110);
  assert.equal(lines.join(" "), words);
  assert.ok(lines.length > 1);
  for (const line of lines) assert.ok(line.length <= 20, line);
  assert.deepEqual(wrap(words, 1000), [words]);
  assert.deepEqual(wrap("unbreakable", 10), ["unbreakable"]);
});

/** Every number in the moving layer's coordinates, with the frame they must lie in. */
function layerCoordinates(svg: SVGSVGElement) {
  const layer = svg.querySelector("g.moving")!;
  const numbers: number[][] = [];
  for (const element of layer.querySelectorAll("path, circle, line, text")) {
    const d = element.getAttribute("d");
    if (d) numbers.push(...d.split(/[ML]/).filter(Boolean).map((pair) => pair.split(",").map(Number)));
    for (const [x, y] of [["cx", "cy"], ["x1", "y1"], ["x2", "y2"], ["x", "y"]]) {
      if (element.hasAttribute(x)) {
        numbers.push([Number(element.getAttribute(x)), Number(element.getAttribute(y))]);
      }
    }
  }
  return numbers;
}

Deno.test("gapCurve() with kept axes redraws into the same chart while its decades stay, and cuts every mark to its frame", () => {
  withDom(() => {
    const kept = new KeptAxes();
    const series = (values: number[]) => [{ name: "run", epochs: values.map((_, i) => 10 * i), values }];
    const options = { reference: { value: 1, name: "EM" }, width: 400, epochs: 100, quantity: "NLL" };
    const first = gapCurve(series([3, 2, 1.5]), options, kept);
    const second = gapCurve(series([3, 2, 1.5, 1.3]), options, kept);
    assert.equal(second, first, "the same decades (0.01 to 10): the axes are kept");
    assert.match(second.getAttribute("aria-label")!, /run ends 3\.00e-1 above/);
    const third = gapCurve(series([300, 2, 1.5]), options, kept);
    assert.notEqual(third, first, "a new decade at the top: new axes");
    // A diverged run (1e32, then not finite), drawn on an axis shorter than the run: every coordinate in
    // the layer is finite and in the frame.
    const diverged = gapCurve(
      series([3, 1e12, 1e32, Infinity, NaN, 2, 4]),
      { ...options, epochs: 25 },
      new KeptAxes(),
    );
    const [left, right] = (diverged as unknown as { scale(n: string): { range: number[] } }).scale("x").range;
    const [bottom, top] = (diverged as unknown as { scale(n: string): { range: number[] } }).scale("y").range;
    const coordinates = layerCoordinates(diverged);
    assert.ok(coordinates.length > 4);
    for (const [x, y] of coordinates) {
      assert.ok(x >= left - 1e-9 && x <= right + 1e-9 && y >= top - 1e-9 && y <= bottom + 1e-9, `${x},${y}`);
    }
  });
});

Deno.test("parameterCurves() with kept axes keeps its element and charts, and draws one line per component", () => {
  withDom(() => {
    const kept = new ParameterAxes();
    const history = (n: number) =>
      Array.from(
        { length: n },
        (_, e) => ({ epoch: 10 * e, weights: [0.5, 0.3, 0.2], sigmas: [1, 0.5, 2 + e / 10] }),
      );
    const element = parameterCurves(history(3), { width: 600, epochs: 100 }, kept);
    const charts = [...element.querySelectorAll(".parameter-panels > svg")];
    assert.equal(charts.length, 2);
    assert.equal(parameterCurves(history(5), { width: 600, epochs: 100 }, kept), element);
    assert.deepEqual(
      [...element.querySelectorAll(".parameter-panels > svg")],
      charts,
      "the same rounded domains: the same charts",
    );
    for (const chart of charts) assert.equal(chart.querySelectorAll("g.moving path").length, 3);
  });
});
