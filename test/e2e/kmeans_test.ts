// The live K-means page in headless Chromium: it trains on load, and setting k retrains.
// Needs `npm run build` first and Debian's chromium.
import assert from "node:assert/strict";
import { launchBrowser, openWatchedPage, serveStatic } from "./_browser.ts";

Deno.test("the K-means page trains, and setting k to 3 retrains with a k = 3 score", async () => {
  const server = serveStatic();
  const browser = await launchBrowser();
  try {
    const { page, errors, externalRequests } = await openWatchedPage(browser, server.origin);
    await page.goto(`${server.origin}/kmeans`, { waitUntil: "networkidle" });
    await page.waitForFunction(() => document.body.innerText.includes("done in"), null, { timeout: 60_000 });
    assert.equal(await page.locator(".observablehq--error").count(), 0, "an error cell is shown");
    await page.screenshot({ path: "test/e2e/screenshots/kmeans-k5.png", fullPage: true });

    const k = page.getByLabel("k", { exact: true });
    await k.fill("3");
    await k.dispatchEvent("input");
    await page.waitForFunction(
      () => /Lloyd \(scikit-learn semantics\): validation score 0\.48848/.test(document.body.innerText),
      null,
      { timeout: 30_000 },
    );
    await page.waitForFunction(() => document.body.innerText.includes("done in"), null, { timeout: 60_000 });
    const title = await page.locator("h2, figure h2, text").filter({ hasText: "Gradient descent (AdamW)" }).first()
      .innerText();
    const score = Number(/validation score ([\d.]+)/.exec(title)?.[1]);
    // k = 3 on data2D: Lloyd's optimum is 0.48848; gradient descent lands within a few percent of it.
    assert.ok(score > 0.48 && score < 0.52, `k = 3 gradient score ${score}`);
    await page.screenshot({ path: "test/e2e/screenshots/kmeans-k3.png", fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(externalRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
