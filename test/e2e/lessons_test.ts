// The one-click lessons of /kmeans and /gmm, and the warning for a centroid or component that owns
// no validation point, in headless Chromium on the built site (`npm run build` first). Each lesson
// link is clicked as a visitor would, its runs are waited for to their end, and its why must quote
// the figures of that run: those the panels' titles show, or recomputed here with lib/.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { parseNpy } from "../../lib/io/npy.js";
import { fromRows, type Matrix, takeRows } from "../../lib/matrix.js";
import { split } from "../../lib/random/split.js";
import { assign } from "../../lib/kmeans/kmeans.js";
import { fitGradientKMeans } from "../../lib/kmeans/gradient_kmeans.js";
import { fitGradientMixture } from "../../lib/mixture/gradient_mixture.js";
import { gmmPredict } from "../../lib/mixture/gaussian_mixture.js";
import { emGaussianMixture } from "../../lib/mixture/em.js";
import { EM } from "../../lib/notebook_settings.js";
import { DEAD_START, kmeansScenarios, mixtureScenarios } from "../../src/components/models/scenarios.ts";
import { assertClean, openPage, waitForRunsDone, waitForText, withSite } from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";

const data2D = parseNpy(await Deno.readFile(new URL("../../src/data/data2D.npy", import.meta.url)));
const splitOf = (divisor: number) => {
  const { train, valid } = split(data2D.rows, { validDivisor: divisor });
  return { train: takeRows(data2D, train), valid: takeRows(data2D, valid) };
};

/** The lesson links the page lists: each one's id and address. */
function lessonLinks(page: Page): Promise<{ id: string; href: string }[]> {
  return page.$$eval(
    "nav.lessons a[data-lesson]",
    (links) =>
      links.map((a) => ({ id: (a as HTMLElement).dataset.lesson!, href: (a as HTMLAnchorElement).href })),
  );
}

/**
 * Clicks lesson `id`'s link, waits for the page it opens to train every run to its end and for the
 * lesson box to explain it; returns the box's text and the panels' titles (in page order).
 */
async function openLesson(watched: WatchedPage, id: string): Promise<{ why: string; titles: string[] }> {
  const page = watched.page;
  const link = page.locator(`nav.lessons a[data-lesson="${id}"]`);
  const href = await link.getAttribute("href");
  await Promise.all([page.waitForURL((url) => url.href.endsWith(href!.replace(/^\./, ""))), link.click()]);
  await page.waitForSelector(`.lesson[data-lesson="${id}"][data-lesson-state="done"]`, { timeout: 180_000 });
  await waitForRunsDone(watched, 180_000);
  return page.evaluate(() => ({
    why: document.querySelector<HTMLElement>(".lesson")!.innerText,
    titles: [...document.querySelectorAll("figure.layered-scatter h2")].map((h) => h.textContent ?? ""),
  }));
}

/** The number after `label` in `text` ("validation score 0.27539" → 0.27539). */
function figure(text: string, label: RegExp): string {
  const found = new RegExp(`${label.source}\\s*(-?[\\d.]+(?:e[+-]\\d+)?)`).exec(text);
  assert.ok(found, `${label} in ${JSON.stringify(text.slice(0, 300))}`);
  return found[1];
}

Deno.test("every /kmeans lesson link opens, trains to its end and explains that run with its figures", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /Lessons \(\d+\)/);
    const ids = (await lessonLinks(watched.page)).map((link) => link.id);
    // Exactly the scenarios module's lessons, ranked by the ten seeds built with the site.
    const built = [...Deno.readDirSync("dist/_file/data")].find((entry) =>
      entry.name.startsWith("kmeans_seeds.")
    )!;
    const { seeds } = JSON.parse(Deno.readTextFileSync(`dist/_file/data/${built.name}`));
    assert.deepEqual(ids, kmeansScenarios(seeds).map((scenario) => scenario.id));
    const { train } = splitOf(4);
    for (const id of ids) {
      const { why, titles } = await openLesson(watched, id);
      const gradient = titles.find((t) => t.startsWith("Gradient descent"))!;
      const lloyd = figure(titles.find((t) => t.startsWith("Lloyd (scikit"))!, /validation score/);
      if (id === "large-lr") {
        // Float32 (the page's autodiff engine) leaves its range: the title and the why name one epoch.
        const epoch = figure(gradient, /diverged at epoch/);
        assert.match(why, new RegExp(`diverged at epoch ${epoch};`), why);
        assert.match(why, /multiplies every centroid by 1 − lr × 0\.01 = -9 each epoch/);
        continue;
      }
      // The run's own validation score (its panel's title) and Lloyd's (the reference panel's).
      const score = figure(gradient, /validation score/);
      assert.match(
        why,
        new RegExp(`validation score ${score}, [\\d.]+% (above|below) Lloyd's ${lloyd}`),
        why,
      );
      if (id === "notebook" || id === "median-seed") assert.match(why, /seed \d+ ranks \d+(st|nd|rd|th)/);
      if (id === "notebook") assert.match(why, /ranks 10th \(the worst\)/, "seed 0 is the worst of the ten");
      if (id === "dead-centroid") {
        // The far centroid (6, 5) moves only by weight decay: |c| × 0.999^150, recomputed here.
        const far = DEAD_START.split(";").map((row) => row.split(",").map(Number)).at(-1)!;
        const from = Math.hypot(...far), predicted = from * 0.999 ** 150;
        assert.match(
          why,
          new RegExp(`went from ${from.toFixed(3)} to ${predicted.toFixed(3)} in 150 epochs`),
          why,
        );
      }
      if (id === "uniform-patch") {
        // data2D's training points span these (lib's split, min and max per column).
        const column = (t: number) => Array.from({ length: train.rows }, (_, i) => train.data[2 * i + t]);
        const spans = [0, 1].map((t) =>
          `from ${Math.min(...column(t)).toFixed(2)} to ${Math.max(...column(t)).toFixed(2)}`
        );
        assert.ok(why.includes(`x₀ ${spans[0]} and x₁ ${spans[1]}`), why);
        assert.match(why, /the 10 starts lie between \(0\.\d\d, 0\.\d\d\) and \(0\.\d\d, 0\.\d\d\)/);
      }
      if (id === "restarts") {
        // The restarts chart and its sentence are drawn once scrolled into view.
        await watched.page.getByText("The ringed run has the lowest training loss").scrollIntoViewIfNeeded();
        await waitForText(watched, /The best of \d+ restarts scores/);
        const text = await watched.page.locator("main").innerText();
        const best = /The best of (\d+) restarts scores ([\d.]+) \(seed (\d+)\)/.exec(text);
        assert.ok(best, "the restarts sentence");
        assert.match(
          why,
          new RegExp(`${best[1]} runs from k-means\\+\\+ starts .* seed ${best[3]}, scores ${best[2]}`),
        );
      }
    }
    await assertClean(watched);
  });
});

Deno.test("every /gmm lesson link opens, trains to its end and explains those runs with their figures", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/gmm", /Lessons \(\d+\)/);
    const ids = (await lessonLinks(watched.page)).map((link) => link.id);
    assert.deepEqual(ids, mixtureScenarios().map((scenario) => scenario.id));
    const { train, valid } = splitOf(3);
    const { kmeansMaxIter: _, ...options } = EM;
    for (const id of ids) {
      const { why, titles } = await openLesson(watched, id);
      const em = figure(titles.find((t) => t.startsWith("EM (scikit"))!, /validation NLL/);
      // Each shown run's validation NLL, as its panel's title says it.
      for (
        const name of id === "random-loses-component" ? ["Random init"] : ["Random init", "K-means init"]
      ) {
        const title = titles.find((t) => t.startsWith(name))!;
        assert.ok(why.includes(figure(title, /validation NLL/)), `${name}'s NLL in ${why}`);
      }
      assert.ok(why.includes(em), `EM's ${em} in ${why}`);
      if (id === "em-stops-early") {
        const reference = emGaussianMixture(train, { k: 2, ...options });
        assert.match(why, new RegExp(`stopped after ${reference.iterations} iterations?`), why);
      }
      if (id === "random-loses-component") {
        // The component that drifted off: its validation points, recounted with lib's run (float64).
        const fit = await fitGradientMixture(train, { k: 3, init: "random", seed: 0, reportEvery: 1000 });
        const counts = [0, 0, 0];
        for (const label of gmmPredict(valid, fit)) counts[label]++;
        assert.match(why, new RegExp(`only ${Math.min(...counts)} of the 3,333 validation points`), why);
      }
    }
    await assertClean(watched);
  });
});

/** Validation points owned by each final centroid or component of a lib run. */
function owned(labels: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

Deno.test("a centroid or a component that owns no validation point is flagged, in one sentence", async () => {
  const kmeansSplit = splitOf(4), mixtureSplit = splitOf(3);
  // What lib says of the two runs: the far centroid and one random-init component own no validation point.
  const kmeansRun = await fitGradientKMeans(kmeansSplit.train, {
    k: 5,
    initial: fromRows(DEAD_START.split(";").map((row) => row.split(",").map(Number))),
    reportEvery: 150,
  });
  const centroidCounts = owned(assign(kmeansSplit.valid, kmeansRun.centroids as Matrix).labels, 5);
  assert.equal(centroidCounts.filter((count) => count === 0).length, 1, `lib: ${centroidCounts}`);
  const mixtureCounts = {
    random: 0,
    kmeans: 0,
  };
  for (const init of ["random", "kmeans"] as const) {
    const fit = await fitGradientMixture(mixtureSplit.train, { k: 5, init, seed: 0, reportEvery: 1000 });
    mixtureCounts[init] = owned(gmmPredict(mixtureSplit.valid, fit), 5).filter((count) => count === 0).length;
  }
  assert.deepEqual(mixtureCounts, { random: 1, kmeans: 0 }, "lib: components owning no validation point");

  // The pages train with the fused engine (float64), as lib did here: the same runs, the same counts.
  await withSite(async (site) => {
    const kmeans = await openPage(
      site,
      `/kmeans?engine=fused&start=${DEAD_START}`,
      /Lessons \(\d+\)/,
    );
    await waitForRunsDone(kmeans, 180_000);
    const centroidWarning = kmeans.page.locator('[data-warning="no-validation-point"]');
    await centroidWarning.waitFor({ timeout: 60_000 });
    assert.match(
      await centroidWarning.innerText(),
      /^The centroid of cluster \d+ is the nearest centroid of none of the 2,500 validation points\.$/,
    );
    await assertClean(kmeans);

    const gmm = await openPage(site, "/gmm?engine=fused", /Lessons \(\d+\)/);
    await waitForRunsDone(gmm, 180_000);
    const componentWarning = gmm.page.locator('[data-warning="no-validation-point"]');
    await componentWarning.first().waitFor({ timeout: 60_000 });
    const sentences = await componentWarning.allInnerTexts();
    assert.equal(sentences.length, 1, `one init flagged: ${sentences}`);
    assert.match(
      sentences[0],
      /^Random init: component \d is the most likely component of none of the 3,333 validation points\.$/,
    );
    await assertClean(gmm);
  });
});
