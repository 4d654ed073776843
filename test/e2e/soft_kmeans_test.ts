// /soft-kmeans in headless Chromium: the gradient run and soft Lloyd's iterates show lib's figures,
// moving the beta slider retrains at the new beta, and annealing from the start where a centroid dies
// shows the findings lib computes. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { assertClean, openPage, setInput, waitForRunsDone, withSite } from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";
import { fitSoftKMeans } from "../../lib/soft_kmeans/gradient_soft_kmeans.js";
import { softLloydStep } from "../../lib/soft_kmeans/soft_kmeans.js";
import { initialCentroids } from "../../lib/kmeans/gradient_kmeans.js";
import { validationScore } from "../../lib/kmeans/kmeans.js";
import { fromRows } from "../../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "../../src/data/dataset.ts";
import { annealFindings, annealSentence } from "../../src/data/soft_kmeans_figures.ts";
import { formatScore } from "../../src/components/draw/format.ts";
import { DEAD_START } from "../../src/components/models/scenarios.ts";
import { parseStart } from "../../src/components/inputs/url_state.ts";

const { train, valid } = splitPoints((await loadDataset()).points, NOTEBOOK_SPLIT.kmeansValidDivisor);

/** The gradient run's validation score at `beta` as lib trains it (the page's defaults, fused engine). */
async function libScore(beta: number): Promise<string> {
  const run = await fitSoftKMeans(train, { k: 5, beta, seed: 0, engine: "fused", valid, reportEvery: 150 });
  return formatScore(run.validScore!);
}

/** Waits until the gradient panel's title shows validation score `score`, and every run is done. */
async function waitForScore(watched: WatchedPage, score: string): Promise<void> {
  await watched.page.waitForFunction(
    (score) =>
      [...document.querySelectorAll("h2")].some((h) =>
        h.textContent?.includes(`AdamW: validation score ${score}`)
      ),
    score,
    { timeout: 120_000 },
  );
  await waitForRunsDone(watched);
}

Deno.test("/soft-kmeans trains at beta 1, steps soft Lloyd, and retrains when the beta slider moves", async () => {
  await withSite(async (site) => {
    const watched = await openPage(
      site,
      "/soft-kmeans?engine=fused&speed=instant",
      /Soft K-means: the bridge/,
    );
    await waitForRunsDone(watched);
    // Fused float64 in the worker and in Deno run the same lib code: the five digits shown agree.
    await waitForScore(watched, await libScore(1));

    // Soft Lloyd from the run's start: the start, then one iterate; the title's loss is lib's.
    const start = initialCentroids(train, { k: 5, seed: 0 });
    const stepper = watched.page.locator("[data-phase]");
    await watched.page.waitForSelector("[data-phase=start]", { timeout: 60_000 });
    assert.equal(await stepper.getAttribute("data-value"), validationScore(train, start).toFixed(6));
    await watched.page.getByRole("button", { name: "Lloyd: one half-step forward" }).click();
    await watched.page.waitForSelector("[data-phase=update]");
    const first = softLloydStep(train, start, { beta: 1 }).centroids;
    assert.equal(await stepper.getAttribute("data-value"), validationScore(train, first).toFixed(6));

    // The beta slider (log scale, 0.1 to 10^4): 100 retrains at beta 100.
    await setInput(watched, "beta", 100);
    await watched.page.waitForURL(/[?&]beta=100\b/);
    await waitForScore(watched, await libScore(100));
    await assertClean(watched);
  });
});

Deno.test("/soft-kmeans anneals from the start where a centroid dies and says what lib finds", async () => {
  await withSite(async (site) => {
    const watched = await openPage(
      site,
      `/soft-kmeans?engine=fused&speed=instant&start=${DEAD_START}`,
      /Soft K-means: the bridge/,
    );
    await waitForRunsDone(watched);
    const chart = watched.page.locator("[data-anneal-state]");
    await watched.page.waitForSelector("[data-anneal-state=done]", { timeout: 180_000 });
    const findings = await annealFindings(
      { train, valid },
      fromRows(parseStart(DEAD_START, { k: 5, cols: 2 }).start!),
    );
    assert.equal(await watched.page.locator(".anneal-text").innerText(), annealSentence(findings));
    // The same float64 code in the worker and here: equal to rounding (1e-12 relative).
    const close = async (name: string, expected: number) => {
      const shown = Number(await chart.getAttribute(`data-${name}`));
      assert.ok(
        Math.abs(shown - expected) <= 1e-12 * Math.abs(expected),
        `${name}: ${shown} against lib's ${expected}`,
      );
    };
    await close("first-split", findings.splits[0].beta);
    await close("first-critical", findings.firstCritical);
    await close("annealed-train", findings.annealed.trainLoss);
    await close("lloyd-best-train", findings.lloydBest.trainLoss);
    await close("lloyd-start-train", findings.lloydFromStart.trainLoss);
    assert.equal(await chart.getAttribute("data-reached"), String(findings.reached));
    assert.equal(
      await chart.getAttribute("data-gradient-start-owners"),
      String(findings.gradientFromStart.owners),
    );
    assert.ok(await chart.locator("svg").count() > 0, "the splits chart is drawn");
    await assertClean(watched);
  });
});
