// System test: the official ONNX checker (Debian's python3-onnx: `apt-get install -y python3-onnx`)
// accepts every kind of model we export. Needs that package, so it is not part of `npm test`;
// `.ci/run` installs it and runs `deno task system`. test/testdata/check_onnx.py says what it checks.
import assert from "node:assert/strict";
import { fromRows } from "../../lib/matrix.js";
import { type SphericalGaussianMixture } from "../../lib/mixture/gaussian_mixture.js";
import { kmeansToOnnx, mixtureToOnnx } from "../../lib/onnx/onnx_export.js";
import { makeBlobs } from "../../lib/random/synthetic.js";
import { emReferenceOnnx, lloydReferenceOnnx } from "../../src/data/onnx_references.js";
import { repoFile } from "../_testdata.js";

Deno.test({
  name: "the official ONNX checker (full_check) accepts every kind of exported model",
  async fn() {
    const directory = await Deno.makeTempDir({ dir: "/tmp", prefix: "onnx_check_" });
    try {
      const paths = [];
      for (const k of [1, 5, 10]) {
        for (const [name, make] of [["lloyd", lloydReferenceOnnx], ["em", emReferenceOnnx]] as const) {
          paths.push(`${directory}/${name}-${k}.onnx`);
          await Deno.writeFile(paths.at(-1)!, (await make(k)).bytes);
        }
      }
      paths.push(`${directory}/kmeans-d7.onnx`, `${directory}/mixture-d1.onnx`);
      await Deno.writeFile(paths.at(-2)!, kmeansToOnnx(makeBlobs({ n: 20, k: 3, d: 7 }).points));
      await Deno.writeFile(paths.at(-1)!, mixtureToOnnx(good1D()));
      const output = await new Deno.Command("/usr/bin/python3", {
        args: [repoFile("test/testdata/check_onnx.py").pathname, ...paths],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, text);
      assert.equal(text.match(/: ok \(/g)?.length, paths.length, text);
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  },
});

function good1D(): SphericalGaussianMixture {
  return { means: fromRows([[0], [3]]), sigmas: Float64Array.of(1, 0.5), weights: Float64Array.of(0.4, 0.6) };
}
