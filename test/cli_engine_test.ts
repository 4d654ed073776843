// `--engine`: the CLI's two engines print the same model for the same seed (the default, 0).
// Autodiff trains in float32 and fused in float64, from the same start: on data2D with seed 0
// the centroids agree to about 1e-5 (measured); 1e-4 is the bar. (A run still crossing between
// clusters at the last epoch amplifies float32 rounding: seed 3's K-means centroids differ by 1.5e-4.)
import assert from "node:assert/strict";
import { repoFile, runCli as cli } from "./_testdata.js";

const data2D = repoFile("src/data/data2D.npy").pathname;

async function both(command: string, ...args: string[]): Promise<Record<string, number[][]>[]> {
  return await Promise.all(["autodiff", "fused"].map(async (engine) => {
    const { code, stdout, stderr } = await cli(command, data2D, "--engine", engine, ...args);
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout);
  }));
}

function assertClose(a: number[][], b: number[][], what: string): void {
  a.flat().forEach((value, p) =>
    assert.ok(Math.abs(value - b.flat()[p]) <= 1e-4, `${what}[${p}]: ${value} vs ${b.flat()[p]}`)
  );
}

Deno.test("cli gradient-kmeans --engine autodiff and fused print the same centroids to 1e-4", async () => {
  const [autodiff, fused] = await both("gradient-kmeans");
  assertClose(autodiff.centroids, fused.centroids, "centroids");
});

Deno.test("cli gradient-gmm --engine autodiff and fused print the same mixture to 1e-4", async () => {
  // 300 of the 1000 epochs keep the test quick (autodiff runs on tfjs's plain JavaScript backend here).
  const [autodiff, fused] = await both("gradient-gmm", "--epochs", "300");
  assertClose(autodiff.means, fused.means, "means");
  assertClose([autodiff.sigmas.flat()], [fused.sigmas.flat()], "sigmas");
  assertClose([autodiff.weights.flat()], [fused.weights.flat()], "weights");
});

Deno.test("cli refuses an unknown --engine", async () => {
  const { code, stderr } = await cli("gradient-kmeans", data2D, "--engine", "torch");
  assert.equal(code, 2);
  assert.match(stderr, /--engine "torch" must be one of autodiff, fused/);
});
