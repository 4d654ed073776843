// The built report, model-selection and front pages in headless Chromium. Needs `npm run build`
// and Debian's chromium.
import assert from "node:assert/strict";
import { assertClean, openPage, withSite } from "./_browser_helpers.ts";
import { emStart, emSteps } from "../../lib/mixture/em_steps.js";
import { kmeansPlusPlus } from "../../lib/kmeans/kmeans.js";
import { lloydSteps } from "../../lib/kmeans/lloyd_steps.js";
import { fromRows, takeRows } from "../../lib/matrix.js";
import { parseNpy } from "../../lib/io/npy.js";
import { RandomState } from "../../lib/random/random_state.js";
import { split } from "../../lib/random/split.js";
import { repoFile } from "../_testdata.js";

Deno.test("the report shows the computed Lloyd score and mixture NLLs, offline, with no error", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/", /Part 2/);
    await watched.page.waitForSelector("svg", { timeout: 30_000 });
    const text = await watched.page.locator("main").innerText();
    // Lloyd k = 5 on data2D: scikit-learn's 0.26439 (printed to 5 decimals in the text).
    assert.match(text, /Lloyd's validation score is 0\.26439/);
    // The mixture's validation NLL at k = 3..5 is about 1.689 for every method.
    assert.match(text, /K-means init 1\.68\d\d\d/);
    await watched.page.screenshot({ path: "test/e2e/screenshots/report.png", fullPage: true });
    await assertClean(watched);
  });
});

Deno.test("the model-selection page names the k each criterion picks", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/model-selection", /mixture validation NLL \(lowest\)\s+k = \d/);
    const text = await watched.page.locator("main").innerText();
    // data2D's validation NLL stops improving at k = 3 (EM: 1.68898).
    assert.match(text, /mixture validation NLL \(lowest\)\s+k = 3/);
    await watched.page.waitForSelector("svg");
    await watched.page.screenshot({ path: "test/e2e/screenshots/model-selection.png", fullPage: true });
    await assertClean(watched);
  });
});

Deno.test("the report steps Lloyd and EM one iteration and shows the loss lib/ computes", async () => {
  // The report's step-through sections: k = 3, seed 0, on the training splits (src/index.md.ts).
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const lloydTrain = takeRows(points, split(points.rows, { validDivisor: 4 }).train);
  const lloydHalfSteps = lloydSteps(
    lloydTrain,
    takeRows(lloydTrain, kmeansPlusPlus(lloydTrain, 3, new RandomState(0))),
  );
  const emTrain = takeRows(points, split(points.rows, { validDivisor: 3 }).train);
  const emHalfSteps = emSteps(emTrain, emStart(emTrain, { k: 3, seed: 0 }));
  await withSite(async (site) => {
    const watched = await openPage(site, "/", /Step through EM/);
    const { page } = watched;
    const sliders = page.locator('form:has(label:text-is("half-step")) input[type=number]');
    // The page's cells render one after another: wait for the second stepper, then count.
    await sliders.nth(1).waitFor({ timeout: 60_000 });
    assert.equal(await sliders.count(), 2, "one stepper for Lloyd, one for EM");
    const shown = async (testId: string) => Number(await page.getByTestId(testId).innerText());
    // Printed to 6 decimals: equal to lib's value to 5e-7.
    const close = (actual: number, expected: number, what: string) =>
      assert.ok(Math.abs(actual - expected) <= 5e-7, `${what}: page ${actual}, lib ${expected}`);
    close(await shown("lloyd-step-loss"), lloydHalfSteps[0].loss, "Lloyd's start");
    // One iteration: assign (half-step 1), then update (half-step 2).
    await sliders.nth(0).fill("2");
    await sliders.nth(0).dispatchEvent("input");
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="lloyd-step-loss"]')?.closest("p")?.textContent?.includes(
        "Half-step 2",
      )
    );
    close(await shown("lloyd-step-loss"), lloydHalfSteps[2].loss, "Lloyd after one iteration");
    assert.ok(lloydHalfSteps[2].loss < lloydHalfSteps[0].loss, "one iteration lowers the loss");
    close(await shown("em-step-nll"), emHalfSteps[0].nll, "EM's start");
    await sliders.nth(1).fill("2");
    await sliders.nth(1).dispatchEvent("input");
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="em-step-nll"]')?.closest("p")?.textContent?.includes(
        "Half-step 2",
      )
    );
    close(await shown("em-step-nll"), emHalfSteps[2].nll, "EM after one iteration (E, then M)");
    assert.ok(emHalfSteps[2].nll < emHalfSteps[0].nll, "one EM iteration lowers the NLL");
    await assertClean(watched);
  });
});

Deno.test("on the report, three clicks place Lloyd's start, and the steps start from them", async () => {
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const train = takeRows(points, split(points.rows, { validDivisor: 4 }).train);
  await withSite(async (site) => {
    const watched = await openPage(site, "/", /Step through Lloyd/);
    const { page } = watched;
    const picker = page.locator(".centroid-picker svg");
    await picker.scrollIntoViewIfNeeded();
    const box = (await picker.boundingBox())!;
    // Three clicks inside the frame, away from the seeded centroids (a press near one would drag it).
    for (const [fx, fy] of [[0.25, 0.3], [0.5, 0.75], [0.8, 0.5]]) {
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    }
    await page.waitForFunction(() =>
      document.querySelectorAll(".centroid-picker circle[data-centroid]").length === 3
    );
    const placed = await page.evaluate(() =>
      (document.querySelector(".centroid-picker") as unknown as { value: number[][] }).value
    );
    assert.equal(placed.length, 3);
    const steps = lloydSteps(train, fromRows(placed));
    // The step chart's start is the placed centroids: the loss the page prints is lib's from them.
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="lloyd-step-loss"]')?.textContent === expected,
      steps[0].loss.toFixed(6),
      { timeout: 10_000 },
    );
    const slider = page.locator('form:has(label:text-is("half-step")) input[type=number]').first();
    await slider.fill("2");
    await slider.dispatchEvent("input");
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="lloyd-step-loss"]')?.textContent === expected,
      steps[2].loss.toFixed(6),
      { timeout: 10_000 },
    );
    await page.locator(".step-row").screenshot({ path: "/tmp/shots/report-placed-start.png" });
    await assertClean(watched);
  });
});
