// The report's text is computed, not typed: its page loader, run on another dataset, prints that
// dataset's figures (and none of data2D's).
import assert from "node:assert/strict";
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { takeRows } from "../lib/matrix.js";
import { split } from "../lib/random/split.js";
import { npyBytes, repoFile } from "./_testdata.js";
import { assertGapFindings } from "./_report_claims.ts";
import { fitRace, RACE_LANES, raceFindings } from "../lib/kmeans/optimizer_race.js";
import { OPTIMIZERS } from "../lib/gradient/optimizers.js";
import { raceSentence } from "../src/components/models/race.ts";

Deno.test("the report page loader prints the figures of the dataset it is given", async () => {
  const { points } = makeBlobs({ n: 400, k: 4, d: 2, spread: 0.6, seed: 3 });
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: ".npy" });
  try {
    await Deno.writeFile(path, npyBytes(points.rows, points.cols, points.data));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", repoFile("src/index.md.ts").pathname],
      env: { REPORT_DATASET: path, NO_COLOR: "1" },
      cwd: repoFile(".").pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const markdown = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    // Lloyd's k = 5 score on this dataset's K-means split, computed here independently.
    const { train, valid } = split(points.rows, { validDivisor: 4 });
    const score = validationScore(
      takeRows(points, valid),
      lloyd(takeRows(points, train), { k: 5 }).centroids,
    );
    assert.ok(
      markdown.includes(`Lloyd's validation score is **${score.toFixed(5)}**`),
      "the k = 5 section states it",
    );
    assert.ok(
      markdown.includes("the same 400\npoints") || markdown.includes("the same 400 points"),
      "the point count",
    );
    await assertGapFindings(markdown, takeRows(points, train));
    // The optimizer race from seed 0's start, as lib/ runs it here.
    const lanes = OPTIMIZERS.map((name) => RACE_LANES[name]);
    const race = await fitRace(takeRows(points, train), {
      k: 5,
      seed: 0,
      epochs: 150,
      engine: "fused",
      valid: takeRows(points, valid),
      lanes,
    });
    assert.ok(
      markdown.replace(/\s+/g, " ").includes(raceSentence(raceFindings(race, lanes), { epochs: 150 })),
      "the race's sentence",
    );
    // data2D's figures appear nowhere: the text follows the data.
    assert.ok(!markdown.includes("0.26439"), "data2D's Lloyd score is gone");
    assert.ok(!markdown.includes("10,000"), "data2D's size is gone");
  } finally {
    await Deno.remove(path);
  }
});
