// The pages' words against lib/, on the built site in headless Chromium: every figure or claim
// the prose of the Report, /kmeans, /model-selection and /your-data quotes is recomputed here
// and compared with what the page shows. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { assertClean, openPage, waitForText, withSite } from "./_browser_helpers.ts";
import { assertGapFindings } from "../_report_claims.ts";
import { repoFile } from "../_testdata.ts";
import { NOT_NUMERIC } from "../../lib/io/csv.js";
import { VALUES_HASH_LABEL, valuesSha256 } from "../../lib/io/digest.js";
import { parseNpy } from "../../lib/io/npy.js";
import { assign, lloyd } from "../../lib/kmeans/kmeans.js";
import { emGaussianMixture } from "../../lib/mixture/em.js";
import { gmmNLL } from "../../lib/mixture/gaussian_mixture.js";
import { takeRows } from "../../lib/matrix.js";
import { silhouetteScore } from "../../lib/model_selection.js";
import { split } from "../../lib/random/split.js";
import { EM, GRADIENT_KMEANS, GRADIENT_MIXTURE, LLOYD } from "../../lib/notebook_settings.js";

const data2D = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
const kmeansSplit = split(data2D.rows, { validDivisor: 4 });
/** The one data hash as every page must show it: its label, then its first 16 hex digits. */
const shownHash = `${VALUES_HASH_LABEL} ${(await valuesSha256(data2D)).slice(0, 16)}…`;
const oneLine = (text: string) => text.replace(/\s+/g, " ");

Deno.test("the Report explains the k = 1 gap and each k's gap with lib's figures, and names its data hash", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/", /Part 2/);
    const text = oneLine(await watched.page.locator("main").innerText());
    await assertGapFindings(text, takeRows(data2D, kmeansSplit.train));
    assert.ok(!text.includes("finds a lower local optimum"), "the old, false explanation is gone");
    assert.equal(text.split(shownHash).length - 1, 2, `the note and the footer both show "${shownHash}"`);
    assertEmFindings(text);
    await assertClean(watched);
  });
});

/**
 * Checks the Report's sentence on where EM ends above gradient descent: the iterations and NLL it
 * quotes for EM (scikit-learn's tol) and for EM run on to a tolerance of 1e-9, recomputed with lib/.
 */
function assertEmFindings(text: string) {
  const mixtureSplit = split(data2D.rows, { validDivisor: 3 });
  const train = takeRows(data2D, mixtureSplit.train), valid = takeRows(data2D, mixtureSplit.valid);
  const found = text.match(
    /At k = ([\d, ]+), EM ends above gradient descent from the K-means init \((.*?)\)\. .*? EM reaches (.*?): EM stopped early, not in a worse optimum\./,
  );
  assert.ok(found, "the EM finding");
  const ks = found[1].split(", ").map(Number);
  const early = [...found[2].matchAll(/EM (\S+) after (\d+) iterations/g)];
  const onward = [...found[3].matchAll(/(\S+) \(([\d,]+) iterations\)/g)];
  assert.equal(early.length, ks.length);
  assert.equal(onward.length, ks.length);
  ks.forEach((k, i) => {
    const em = emGaussianMixture(train, { k });
    assert.deepEqual(
      [early[i][1], Number(early[i][2])],
      [gmmNLL(valid, em).toFixed(4), em.iterations],
      `EM at k = ${k}`,
    );
    const on = emGaussianMixture(train, { k, tol: 1e-9, maxIter: 100_000 });
    assert.deepEqual([onward[i][1], onward[i][2]], [
      gmmNLL(valid, on).toFixed(4),
      on.iterations.toLocaleString("en-US"),
    ], `EM run on at k = ${k}`);
  });
}

Deno.test("/kmeans says where the uniform start draws with data2D's own ranges", async () => {
  const column = (t: number) => Array.from({ length: data2D.rows }, (_, i) => data2D.data[2 * i + t]);
  const range = (t: number) =>
    [Math.min(...column(t)), Math.max(...column(t))].map((v) => v.toFixed(2).replace("-", "−"));
  const [[low0, high0], [low1, high1]] = [range(0), range(1)];
  await withSite(async (site) => {
    // The sentence is written once the page has read the dataset.
    const watched = await openPage(
      site,
      "/kmeans",
      /uniform draws each coordinate uniformly, .* these data span/,
    );
    const text = oneLine(await watched.page.locator("main").innerText());
    assert.ok(
      text.includes(
        `in [0, 1) in every coordinate: these data span x₀ from ${low0} to ${high0} and x₁ from ${low1} to ${high1}`,
      ),
      text.slice(text.indexOf("How the centroids start"), text.indexOf("How the centroids start") + 400),
    );
    assert.ok(!text.includes("which holds data2D"), "the old, false claim is gone");
  });
});

Deno.test("/model-selection: the silhouette sentence and axis tell what lib computes; BIC and AIC each visible", async () => {
  // The silhouette of Lloyd's clustering on the validation quarter, k = 2..10, as the page's loader.
  const train = takeRows(data2D, kmeansSplit.train), valid = takeRows(data2D, kmeansSplit.valid);
  const runs = [];
  for (let k = 2; k <= 10; k++) {
    runs.push({ k, value: silhouetteScore(valid, assign(valid, lloyd(train, { k }).centroids).labels) });
  }
  const [best, second] = [...runs].sort((a, b) => b.value - a.value);
  const values = runs.map((r) => r.value);
  const spread = Math.max(...values) - Math.min(...values);
  await withSite(async (site) => {
    const watched = await openPage(site, "/model-selection", /Silhouette/);
    const { page } = watched;
    const text = oneLine(await page.locator("main").innerText());
    const f3 = (value: number) => value.toFixed(3);
    const claim = `It is highest at k = ${best.k} (${f3(best.value)}), but only ${
      f3(best.value - second.value)
    } above k = ${second.k} (${f3(second.value)})`;
    assert.ok(
      text.includes(claim),
      `page: ${
        text.slice(text.indexOf("It is highest"), text.indexOf("It is highest") + 300)
      }; lib: ${claim}`,
    );
    assert.ok(text.includes(`lies within ${f3(spread)} of the others`), "the spread");
    assert.ok(!text.includes("favours few"), "the old, false claim is gone");
    // The silhouette's axis starts at 0 (and ends at 1, its best), so a 0.07 spread looks like one.
    const silhouetteChart = 'svg[aria-label^="silhouette (higher is better) against k"]';
    await page.locator(silhouetteChart).scrollIntoViewIfNeeded();
    const ticks = await page.locator(
      'svg[aria-label^="silhouette (higher is better) against k"] [aria-label="y-axis tick label"] text',
    )
      .allTextContents();
    assert.equal(Number(ticks[0]), 0, `first tick ${ticks[0]}`);
    assert.equal(Number(ticks.at(-1)), 1, `last tick ${ticks.at(-1)}`);
    // BIC and AIC: one chart each, both drawn and side by side or stacked, never on top of each other.
    const boxes = [];
    for (const name of ["BIC", "AIC"]) {
      const chart = page.locator(`svg[aria-label^="${name} (lower is better) against k"]`);
      await chart.scrollIntoViewIfNeeded();
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 200 && box.height > 150, `${name} chart drawn: ${JSON.stringify(box)}`);
      boxes.push(box);
    }
    const [bic, aic] = boxes;
    const apart = bic!.x + bic!.width <= aic!.x || aic!.y >= bic!.y + bic!.height;
    assert.ok(apart, `the BIC and AIC charts overlap: ${JSON.stringify(boxes)}`);
    assert.ok(text.includes(shownHash), `the data hash: ${shownHash}`);
    await assertClean(watched);
  });
});

Deno.test("/your-data names the same data hash, and tells a text file it is not numeric data", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/your-data", /In use: data2D\.npy/);
    const { page } = watched;
    assert.ok(
      oneLine(await page.locator("main").innerText()).includes(
        `${VALUES_HASH_LABEL}: ${shownHash.slice(VALUES_HASH_LABEL.length + 1)}`,
      ),
    );
    for (
      const [name, text] of [["notes.txt", "hello world\n"], [
        "letter.csv",
        "Dear reader\nThank you, and see you soon.\n",
      ]]
    ) {
      await page.locator("input[type=file]").setInputFiles({
        name,
        mimeType: "text/plain",
        buffer: Buffer.from(text),
      });
      await waitForText(
        watched,
        new RegExp(`That data was refused: ${NOT_NUMERIC.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
        15_000,
      );
      assert.match(await page.locator("main").innerText(), /In use: data2D\.npy/, `after ${name}`);
    }
    await assertClean(watched);
  });
});

Deno.test("the navigation links to the benchmark page, and the link opens it", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/", /Part 1/);
    await watched.page.locator('#observablehq-sidebar a:text-is("Benchmark")').click();
    await watched.page.waitForURL(/\/bench$/);
    await watched.page.locator("h1").first().waitFor();
    assert.match(await watched.page.locator("h1").first().innerText(), /Benchmark/);
  });
});

Deno.test("/kmeans and /gmm quote Lloyd's and EM's settings from lib, and /gmm's reason why EM can end above gradient descent holds", async () => {
  await withSite(async (site) => {
    const kmeans = await openPage(site, "/kmeans", /k-means\+\+ starts/);
    const kmeansText = oneLine(await kmeans.page.locator("main").innerText());
    const starts = [...kmeansText.matchAll(/best of (\d+) k-means\+\+ starts/g)].map((found) =>
      Number(found[1])
    );
    assert.ok(starts.length >= 2, "the panel's caption and the restarts section");
    assert.deepEqual(new Set(starts), new Set([LLOYD.nInit]));
    const gmm = await openPage(site, "/gmm", /scikit-learn's tolerance/);
    const gmmText = oneLine(await gmm.page.locator("main").innerText());
    assert.match(gmmText, new RegExp(`best of ${EM.nInit} starts`));
    assert.ok(gmmText.includes(`by less than ${EM.tol} (scikit-learn's tolerance), at times well before`));
    assert.ok(!gmmText.includes("EM too stops in a local optimum"), "the old, misleading reason is gone");
    // The claim, against lib: at k = 2 EM's tolerance stops it early, far above where it goes on to.
    const mixtureSplit = split(data2D.rows, { validDivisor: 3 });
    const train = takeRows(data2D, mixtureSplit.train), valid = takeRows(data2D, mixtureSplit.valid);
    const early = emGaussianMixture(train, { k: 2 });
    const on = emGaussianMixture(train, { k: 2, tol: 1e-9, maxIter: 100_000 });
    assert.ok(
      early.iterations < on.iterations / 5,
      `${early.iterations} against ${on.iterations} iterations`,
    );
    // A gap of 0.1 nats or more (measured: 2.695 against 2.397) is no rounding.
    assert.ok(gmmNLL(valid, early) - gmmNLL(valid, on) > 0.1);
    await assertClean(kmeans);
    await assertClean(gmm);
  });
});

Deno.test("/bench quotes what it times from lib: k, epochs, training points and seeds", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/bench", /timed runs/);
    const text = oneLine(await watched.page.locator("main").innerText());
    const mixtureTrain = split(data2D.rows, { validDivisor: 3 }).train.length;
    assert.ok(
      text.includes(
        `gradient K-means (k = 5, ${GRADIENT_KMEANS.epochs} epochs, ${
          kmeansSplit.train.length.toLocaleString("en-US")
        } points)`,
      ),
      text,
    );
    assert.ok(
      text.includes(
        `mixture (k = 5, ${GRADIENT_MIXTURE.epochs} epochs, random init, ${
          mixtureTrain.toLocaleString("en-US")
        } points), one warm-up then 3 timed runs (seeds 0, 1, 2)`,
      ),
      text,
    );
    await assertClean(watched);
  });
});
