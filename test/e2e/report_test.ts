// The built report, model-selection and front pages in headless Chromium. Needs `npm run build`
// and Debian's chromium.
import assert from "node:assert/strict";
import { assertClean, openPage, withSite } from "./_browser_helpers.ts";

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
