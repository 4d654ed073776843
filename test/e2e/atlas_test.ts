// The local-optima atlas page (/atlas) on the built site in headless Chromium: atlases run to done in
// the workers and show the shares and the best known value lib/atlas computes for the same seeds, a
// cancel mid-run leaves a clear state, and a refused seed count says so. Needs `npm run build`.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { assertClean, openPage, setInput, withSite } from "./_browser_helpers.ts";
import {
  ATLAS_NAMES,
  type AtlasModel,
  atlasSeeds,
  type AtlasSummary,
  localOptimaAtlas,
} from "../../lib/atlas.js";
import { parseNpy } from "../../lib/io/npy.js";
import { takeRows } from "../../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { split } from "../../lib/random/split.js";
import { formatScore } from "../../src/components/draw/format.ts";
import { repoFile } from "../_testdata.js";

const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));

/** lib/atlas's summary of `model` at k = 5 over seeds 0..seeds-1, on the model's split of data2D. */
async function libSummary(model: AtlasModel, seeds: number): Promise<AtlasSummary> {
  const validDivisor = model === "kmeans"
    ? NOTEBOOK_SPLIT.kmeansValidDivisor
    : NOTEBOOK_SPLIT.mixtureValidDivisor;
  const indices = split(points.rows, { validDivisor });
  const train = takeRows(points, indices.train), valid = takeRows(points, indices.valid);
  return (await localOptimaAtlas(train, valid, { model, k: 5, seeds: atlasSeeds(seeds) })).summary;
}

const state = (page: Page) => page.locator(".atlas-status").getAttribute("data-atlas-state");

/** Waits until the atlas says `wanted` (state-based, no fixed sleep). */
async function waitForState(page: Page, wanted: string, timeout = 240_000): Promise<void> {
  await page.waitForSelector(`.atlas-status[data-atlas-state="${wanted}"]`, { timeout });
}

/** The figures the page's sentences give: the best known value, and each method's "N of M" reaching it. */
async function shownFigures(page: Page, summary: AtlasSummary) {
  const text = await page.locator(".atlas-findings").innerText();
  const best = text.match(/Best known validation (?:score|NLL) for k = 5: (\S+) /)?.[1];
  const reached = summary.methods.map(({ method }) => {
    const name = ATLAS_NAMES[method];
    const escaped = `${name[0].toUpperCase()}${name.slice(1)}`.replace(/[()]/g, "\\$&");
    const found = text.match(new RegExp(`${escaped}: (\\d+) of (\\d+) \\(\\d+ %\\) seeds reach it`));
    return found ? [Number(found[1]), Number(found[2])] : undefined;
  });
  return { best, reached };
}

/** Asserts the page's figures are lib's. */
async function assertFigures(page: Page, summary: AtlasSummary) {
  const shown = await shownFigures(page, summary);
  assert.equal(shown.best, formatScore(summary.best), "the best known value");
  assert.deepEqual(shown.reached, summary.methods.map((row) => [row.reached, row.runs]), "seeds reaching it");
  // One histogram per method, each with the best known value marked.
  const charts = page.locator(".atlas-charts svg");
  assert.equal(await charts.count(), summary.methods.length);
  for (let i = 0; i < summary.methods.length; i++) {
    assert.match(
      await charts.nth(i).textContent() ?? "",
      new RegExp(`best known ${formatScore(summary.best)}`),
    );
  }
}

Deno.test("an atlas of 20 seeds, the Report's section, then its link to the default 100, show lib/atlas's shares", async () => {
  const [twenty, hundred] = [await libSummary("kmeans", 20), await libSummary("kmeans", 100)];
  await withSite(async (site) => {
    const watched = await openPage(site, "/atlas?seeds=20", /Local optima/);
    const { page } = watched;
    await waitForState(page, "done");
    // Both methods' 20 seeds and the reference.
    assert.equal(await page.locator(".atlas-status").getAttribute("data-runs-done"), "41");
    await assertFigures(page, twenty);
    // The Report's section quotes the default atlas (100 seeds) of lib; its link opens the page, which runs it.
    await page.goto(`${site.origin}/`, { waitUntil: "networkidle" });
    const report = (await page.locator("main").innerText()).replace(/\s+/g, " ");
    assert.ok(
      report.includes(`Best known validation score for k = 5: ${formatScore(hundred.best)}`),
      "the best known value",
    );
    for (const row of hundred.methods) {
      const name = ATLAS_NAMES[row.method];
      const words = `${name[0].toUpperCase()}${name.slice(1)}: ${row.reached} of ${row.runs} `;
      assert.ok(report.includes(words), `the Report says "${words}"`);
    }
    await page.locator('main a[href="./atlas"]').click();
    await page.waitForURL(/\/atlas$/);
    await waitForState(page, "done");
    assert.equal(await page.locator(".atlas-status").getAttribute("data-runs-done"), "201");
    await assertFigures(page, hundred);
    await page.screenshot({ path: "test/e2e/screenshots/atlas.png", fullPage: true });
    await assertClean(watched);
  });
});

Deno.test("a cancelled atlas says so and stops; run again, it reaches done with lib's figures", async () => {
  const summary = await libSummary("mixture", 2);
  await withSite(async (site) => {
    const watched = await openPage(site, "/atlas?model=mixture&seeds=20", /Local optima/);
    const { page } = watched;
    const status = page.locator(".atlas-status");
    await page.waitForFunction(() =>
      Number(document.querySelector(".atlas-status")?.getAttribute("data-runs-done")) >= 2
    );
    await page.getByRole("button", { name: "Cancel" }).click();
    await waitForState(page, "cancelled");
    const done = await status.getAttribute("data-runs-done");
    assert.match(await status.innerText(), new RegExp(`Cancelled after ${done} of 61 runs`));
    assert.equal(await status.getAttribute("data-training-jobs"), "0", "no job left in the workers");
    assert.ok(await page.getByRole("button", { name: "Cancel" }).isDisabled());
    // Nothing arrives after the cancel: the count holds while the page goes on (two reports' time).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
    assert.equal(await status.getAttribute("data-runs-done"), done);
    assert.equal(await state(page), "cancelled");
    // A refused seed count: one sentence, and the last valid value is kept.
    await setInput(watched, "seeds", 0);
    await page.waitForSelector(".input-note:not([hidden])");
    assert.match(await page.locator(".input-note:not([hidden])").innerText(), /seeds: "0" was not applied/);
    await setInput(watched, "seeds", 2);
    await waitForState(page, "done");
    assert.equal(await status.getAttribute("data-runs-done"), "7");
    await assertFigures(page, summary);
    await assertClean(watched);
  });
});
