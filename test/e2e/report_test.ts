// The built front page in headless Chromium: no error cell, no console error, no request off-site.
// Needs `npm run build` first and Debian's chromium (`apt-get install -y chromium`).
import assert from "node:assert/strict";
import { launchBrowser, openWatchedPage, serveStatic } from "./_browser.ts";

Deno.test("the report page loads offline with no error and the Lloyd table", async () => {
  const server = serveStatic();
  const browser = await launchBrowser();
  try {
    const { page, errors, externalRequests } = await openWatchedPage(browser, server.origin);
    await page.goto(`${server.origin}/`, { waitUntil: "networkidle" });
    await page.waitForSelector("svg", { timeout: 30_000 });
    await page.waitForFunction(() => document.body.innerText.includes("validation score 0.26439"), null, {
      timeout: 30_000,
    });
    assert.equal(await page.locator(".observablehq--error").count(), 0, "an error cell is shown");
    const text = await page.locator("main").innerText();
    assert.match(text, /2651, 6985, 1054, 9610/);
    await page.screenshot({ path: "test/e2e/screenshots/report.png", fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(externalRequests, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
