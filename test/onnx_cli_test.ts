// `deno task cli export-onnx` as a user runs it: it trains the model exactly as its own command does,
// writes an ONNX file that scores the validation split to the same figure, and refuses bad usage
// with status 2 and one error line.
import assert from "node:assert/strict";
import { takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { describeOnnxModel } from "../lib/onnx/onnx_export.js";
import { split } from "../lib/random/split.js";
import { loadOnnxScorer } from "../src/components/onnx/scoring.js";
import { repoFile, runCli as cli, sha256Hex } from "./_testdata.js";

const DATA = repoFile("src/data/data2D.npy").pathname;
const dataBytes = await Deno.readFile(DATA);
const data2D = parseNpy(dataBytes);

Deno.test("cli export-onnx writes each model, scoring the validation split as it was trained", async (t) => {
  const directory = await Deno.makeTempDir({ dir: "/tmp", prefix: "onnx_cli_" });
  try {
    const cases = [
      { model: "lloyd", options: ["--k", "4", "--n-init", "3"], divisor: 4 },
      { model: "em", options: ["--k", "3"], divisor: 3 },
      { model: "gradient-kmeans", options: ["--k", "3", "--epochs", "5"], divisor: 4 },
      { model: "gradient-gmm", options: ["--k", "2", "--epochs", "5", "--valid-divisor", "5"], divisor: 5 },
    ];
    for (const { model, options, divisor } of cases) {
      await t.step(model, async () => {
        const output = `${directory}/${model}.onnx`;
        const { code, stdout, stderr } = await cli(
          "export-onnx",
          DATA,
          "--model",
          model,
          ...options,
          "-o",
          output,
        );
        assert.equal(code, 0, stderr);
        const summary = JSON.parse(stdout);
        const bytes = await Deno.readFile(output);
        assert.equal(summary.bytes, bytes.length);
        assert.deepEqual([summary.model, summary.k, summary.d, summary.irVersion, summary.opset], [
          model,
          Number(options[1]),
          2,
          8,
          17,
        ]);
        const { metadata } = describeOnnxModel(bytes);
        assert.equal(metadata.model, model);
        assert.equal(metadata.dataset, "data2D.npy");
        // The values' hash: data2D is little-endian float64 in C order, so its values are the file's last bytes.
        assert.equal(
          metadata.dataset_sha256,
          await sha256Hex(dataBytes.subarray(dataBytes.length - data2D.data.length * 8)),
        );
        assert.deepEqual(JSON.parse(metadata.split), { seed: 45689, validDivisor: divisor });
        assert.equal(JSON.parse(metadata.training).k, Number(options[1]));

        // The file's score of the validation split is the one training reported: the mean distance
        // or mean negative log-likelihood of float32 points, so 1e-5 relative (see onnx_export_test.ts).
        const valid = takeRows(data2D, split(data2D.rows, { validDivisor: divisor }).valid);
        const scores = await (await loadOnnxScorer(bytes)).score(valid);
        const perPoint = scores.kind === "kmeans" ? scores.distances : scores.logLikelihood.map((v) => -v);
        const mean = perPoint.reduce((sum, v) => sum + v, 0) / valid.rows;
        const reported = scores.kind === "kmeans" ? summary.validScore : summary.validNLL;
        assert.ok(Math.abs(mean / reported - 1) < 1e-5, `${model}: ${mean} against ${reported}`);
      });
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("cli export-onnx refuses bad usage with status 2, bad output with status 1", async () => {
  const cases: [string[], number, RegExp][] = [
    [["export-onnx", DATA, "-o", "/tmp/x.onnx"], 2, /^error: export-onnx needs --model, one of lloyd, em,/],
    [["export-onnx", DATA, "--model", "em"], 2, /^error: export-onnx needs -o OUT.onnx, the file to write$/],
    [
      ["export-onnx", DATA, "--model", "kmeans", "-o", "/tmp/x.onnx"],
      2,
      /^error: --model "kmeans" must be one of/,
    ],
    [
      ["export-onnx", DATA, "--model", "lloyd", "--lr", "0.1", "-o", "/tmp/x.onnx"],
      2,
      /^error: --lr does not apply/,
    ],
    [["export-onnx", DATA, "--model", "em", "--k", "0", "-o", "/tmp/x.onnx"], 2, /^error: --k "0" must be/],
    [["export-onnx", "--model", "em", "-o", "/tmp/x.onnx"], 2, /^error: expected one data file/],
    [
      ["export-onnx", DATA, "--model", "lloyd", "--k", "2", "-o", "/tmp/no/such/dir/x.onnx"],
      1,
      /^error: cannot write \/tmp\/no\/such\/dir\/x.onnx: no such directory\.$/,
    ],
  ];
  for (const [args, status, message] of cases) {
    const { code, stdout, stderr } = await cli(...args);
    assert.equal(code, status, `${args.join(" ")}: ${stderr}`);
    assert.equal(stdout, "");
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], message);
  }
});
