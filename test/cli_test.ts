// The CLI as a user runs it: JSON on stdout for good input; for bad input exit status 1 (data)
// or 2 (usage) and exactly one `error:` line on stderr, never a stack trace.
import assert from "node:assert/strict";
import { listTestdata, readJson, repoFile, runCli as cli } from "./_testdata.js";

Deno.test("cli split prints NumPy's split", async () => {
  const { code, stdout } = await cli("split", "--n", "10000");
  assert.equal(code, 0);
  const { valid, train } = JSON.parse(stdout);
  assert.deepEqual(valid.slice(0, 4), [2651, 6985, 1054, 9610]);
  assert.equal(valid.length + train.length, 10000);
});

Deno.test("cli lloyd scores data2D as scikit-learn does", async () => {
  const { code, stdout, stderr } = await cli("lloyd", repoFile("src/data/data2D.npy").pathname, "--k", "5");
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  // scikit-learn's validation score at k = 5 is 0.26438710843332436; same algorithm, float64: 1e-9 relative.
  assert.ok(Math.abs(result.validScore / 0.26438710843332436 - 1) < 1e-9, `${result.validScore}`);
  assert.equal(result.centers.length, 5);
});

Deno.test("cli refuses every malformed file with status 1 and one error line", async (t) => {
  const expected = readJson<Record<string, string>>("bad/expected.json");
  for (const name of listTestdata("bad").filter((file) => file !== "expected.json")) {
    await t.step(name, async () => {
      const { code, stdout, stderr } = await cli("lloyd", repoFile(`test/testdata/bad/${name}`).pathname);
      assert.equal(code, 1);
      assert.equal(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.equal(lines[0], `error: ${expected[name]}`);
    });
  }
});

Deno.test("cli refuses bad usage with status 2 and one error line", async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /^usage:/],
    [["frobnicate"], /^error: unknown command "frobnicate"/],
    [["lloyd"], /^error: expected one data file/],
    [["lloyd", "x.npy", "--k", "0"], /^error: --k "0" must be an integer of at least 1$/],
    [["lloyd", "x.npy", "--k", "2.5"], /^error: --k "2.5" must be an integer/],
    [["lloyd", "x.npy", "--bogus", "1"], /^error: Unknown option '--bogus'/],
    [["split", "--n=-3"], /^error: --n "-3" must be an integer between 1 and/],
    [["gradient-kmeans", "x.npy", "--lr", "0"], /^error: --lr "0" must be a number greater than 0$/],
    [
      ["gradient-kmeans", "x.npy", "--init", "magic"],
      /^error: --init "magic" must be one of uniform, kmeans\+\+, points$/,
    ],
  ];
  for (const [args, pattern] of cases) {
    await t.step(args.join(" ") || "(no arguments)", async () => {
      const { code, stdout, stderr } = await cli(...args);
      assert.equal(code, 2);
      const text = args.length ? stderr : stdout;
      assert.match(text.trim().split("\n")[0], pattern);
      if (args.length) assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    });
  }
});

Deno.test("cli reports a missing file and a diverging run as data errors", async () => {
  const missing = await cli("lloyd", "/nonexistent/points.npy");
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), "error: cannot read /nonexistent/points.npy: no such file.");
  const diverged = await cli(
    "gradient-kmeans",
    repoFile("src/data/data2D.npy").pathname,
    "--lr",
    "1e9",
    "--epochs",
    "60",
  );
  assert.equal(diverged.code, 1);
  assert.match(
    diverged.stderr.trim(),
    /^error: training diverged at epoch \d+ .*; lower the learning rate\.$/,
  );
});
