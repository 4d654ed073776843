// The optimizer race on /kmeans in headless Chromium: it trains after the main run, shows each
// optimizer's final figures and a sentence of what the race found, all as lib/ computes them here; a
// changed learning rate reruns the race. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { parseNpy } from "../../lib/io/npy.js";
import { takeRows } from "../../lib/matrix.js";
import { split } from "../../lib/random/split.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { fitRace, meanNorm, raceFindings } from "../../lib/kmeans/optimizer_race.js";
import { formatScore } from "../../src/components/draw/format.ts";
import { raceLanes, raceSentence, type RaceSettings } from "../../src/components/models/race.ts";
import { assertClean, openPage, setInput, withSite } from "./_browser_helpers.ts";

const data2D = parseNpy(await Deno.readFile(new URL("../../src/data/data2D.npy", import.meta.url)));
const indices = split(data2D.rows, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
const train = takeRows(data2D, indices.train), valid = takeRows(data2D, indices.valid);

/** What the race's table and sentence show, read once the race is done. */
interface ShownRace {
  rows: { optimizer: string; lr: string; trainLoss: string; validScore: string; meanNorm: string }[];
  sentence: string;
}

/** Waits until the race is done with `sgdLr` on screen, and reads it. */
async function raceDone(page: Page, sgdLr: number): Promise<ShownRace> {
  await page.waitForFunction(
    (lr) => {
      const findings = document.querySelector<HTMLElement>(".race-findings");
      const shownLr = findings?.querySelector('tr[data-optimizer="sgd"] td:nth-child(2)')?.textContent;
      // The sentence is drawn last, in the frame after the race's charts: the race's end on screen.
      return findings?.dataset.raceState === "done" && shownLr === String(lr) &&
        findings.querySelector(".race-sentence") !== null;
    },
    sgdLr,
    { timeout: 180_000 },
  );
  return page.evaluate(() => {
    const findings = document.querySelector(".race-findings")!;
    const text = (row: Element, selector: string) => row.querySelector(selector)!.textContent!.trim();
    return {
      rows: Array.from(findings.querySelectorAll("tr[data-optimizer]"), (row) => ({
        optimizer: (row as HTMLElement).dataset.optimizer!,
        lr: text(row, "td:nth-child(2)"),
        trainLoss: text(row, ".train-loss"),
        validScore: text(row, ".valid-score"),
        meanNorm: text(row, ".mean-norm"),
      })),
      sentence: findings.querySelector(".race-sentence")!.textContent!.replace(/\s+/g, " ").trim(),
    };
  });
}

/** The race lib/ runs for `settings` from the page's default start (k 5, seed 0, uniform in [0, 1)), 150 epochs. */
async function expectedRace(settings: RaceSettings): Promise<ShownRace> {
  const lanes = raceLanes(settings);
  const runs = await fitRace(train, { k: 5, seed: 0, epochs: 150, engine: "fused", valid, lanes });
  return {
    rows: runs.map((run) => ({
      optimizer: run.name,
      lr: String(run.lr),
      trainLoss: formatScore(run.trainLoss.at(-1)!),
      validScore: formatScore(run.validScore.at(-1)!),
      meanNorm: formatScore(meanNorm(run.centroids.at(-1)!), { digits: 3 }),
    })),
    sentence: raceSentence(raceFindings(runs, lanes), { epochs: 150 }),
  };
}

Deno.test("the optimizer race on /kmeans shows lib's final figures, and a new learning rate reruns it", async () => {
  await withSite(async (site) => {
    // The fused engine (float64, the same in the browser as in Deno): the page's figures equal lib's
    // to the digits shown. (The autodiff engine's float32 would differ in the last digits.)
    const watched = await openPage(site, "/kmeans?engine=fused", /done in/);
    const { page } = watched;
    await page.locator(".race-findings").scrollIntoViewIfNeeded();
    const defaults: RaceSettings = { sgdLr: 1, momentumLr: 0.1, adamLr: 0.1, adamwLr: 0.1 };
    const shown = await raceDone(page, defaults.sgdLr);
    assert.deepEqual(shown, await expectedRace(defaults));
    // The story the defaults tell on data2D, read off the sentence: the decay pulls AdamW's centroids in.
    assert.match(shown.sentence, /AdamW's centroids end on average [\d.]+ closer to the origin than Adam's/);
    assert.equal(await page.locator(".race-findings").evaluate((e) => e.closest("main") !== null), true);
    assert.equal(await page.locator('svg[aria-label^="Centroid paths"]').count(), 1);
    await page.screenshot({ path: "test/e2e/screenshots/kmeans-race.png", fullPage: true });

    // One optimizer's learning rate, typed: the race reruns with it (the others unchanged), and the URL keeps it.
    await setInput(watched, "SGD learning rate", 0.3);
    const changed = { ...defaults, sgdLr: 0.3 };
    assert.deepEqual(await raceDone(page, changed.sgdLr), await expectedRace(changed));
    assert.match(page.url(), /[?&]sgdLr=0\.3\b/);
    await assertClean(watched);
  });
});
