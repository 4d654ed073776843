// The live mixture page in headless Chromium: it trains both inits, and setting k to 3 retrains
// with an NLL near 1.69. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { assertClean, openPage, waitForText, withSite } from "./_browser_helpers.ts";

Deno.test("the mixture page trains, and setting k to 3 retrains with an NLL near 1.69", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/gmm", /K-means init: validation NLL/);
    await watched.page.screenshot({ path: "test/e2e/screenshots/gmm-k5.png", fullPage: true });
    const k = watched.page.getByLabel("k", { exact: true });
    await k.fill("3");
    await k.dispatchEvent("input");
    await waitForText(watched, /EM \(scikit-learn semantics\): validation NLL 1\.68898/);
    await waitForText(watched, /done in[\s\S]*done in/, 180_000);
    const text = await watched.page.locator("main").innerText();
    const nll = Number(/K-means init: validation NLL ([\d.]+)/.exec(text)?.[1]);
    // data2D at k = 3: EM's validation NLL is 1.68898; the gradient mixture lands within 1% of it.
    assert.ok(Math.abs(nll - 1.689) < 0.017, `k = 3 NLL ${nll}`);
    await watched.page.screenshot({ path: "test/e2e/screenshots/gmm-k3.png", fullPage: true });
    await assertClean(watched);
  });
});
