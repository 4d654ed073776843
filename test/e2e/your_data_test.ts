// Bringing your own data, in headless Chromium: a good upload trains on every page, a bad one
// is refused in one sentence while the previous data stays, and nothing leaves the browser.
// Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { assertClean, openPage, waitForText, withSite } from "./_browser_helpers.ts";
import { makeBlobs } from "../../lib/synthetic.js";
import { readJson, repoFile } from "../_testdata.ts";

/** A CSV of seeded blobs with a header, as a user would export it. */
function blobsCsv(): string {
  const { points } = makeBlobs({ n: 600, k: 3, d: 3, spread: 0.5, seed: 4 });
  const rows = ["alpha,beta,gamma"];
  for (let i = 0; i < points.rows; i++) {
    rows.push(Array.from(points.data.subarray(3 * i, 3 * i + 3)).join(","));
  }
  return rows.join("\n");
}

Deno.test("an uploaded CSV is used by the K-means page; bad files are refused and the data stays", async () => {
  const expected = readJson<Record<string, string>>("bad/expected.json");
  await withSite(async (site) => {
    const watched = await openPage(site, "/your-data", /In use: data2D\.npy/);
    const { page } = watched;
    const requestsAfterLoad: string[] = [];
    page.on("request", (request) => requestsAfterLoad.push(request.url()));

    await page.locator("input[type=file]").setInputFiles({
      name: "my-blobs.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(blobsCsv()),
    });
    await waitForText(watched, /Every page now uses my-blobs\.csv: 600 points in 3 dimensions\./);
    await waitForText(watched, /In use: my-blobs\.csv/);
    // The upload was read locally: the page asked the network for nothing.
    assert.deepEqual(requestsAfterLoad, []);

    for (
      const name of [
        "bad_magic.npy",
        "nan.csv",
        "ragged.csv",
        "object_pickle.npy",
        "huge_shape.npy",
        "one_d.npy",
      ]
    ) {
      await page.locator("input[type=file]").setInputFiles(repoFile(`test/testdata/bad/${name}`).pathname);
      const message = `That data was refused: ${expected[name]}`;
      await page.waitForFunction((text) => document.body.innerText.includes(text), message, {
        timeout: 15_000,
      });
      assert.match(await page.locator("main").innerText(), /In use: my-blobs\.csv/, `after ${name}`);
    }
    await page.screenshot({ path: "test/e2e/screenshots/your-data.png", fullPage: true });
    await assertClean(watched);

    // Every page now trains on the upload, here with a PCA view of its three columns.
    const kmeans = await openPage(site, "/kmeans?k=3", /Training on my-blobs\.csv/);
    await waitForText(kmeans, /done in/);
    await waitForText(kmeans, /Lloyd \(scikit-learn semantics\): validation score \d/);
    await kmeans.page.screenshot({ path: "test/e2e/screenshots/kmeans-upload.png", fullPage: true });
    await assertClean(kmeans);
  });
});
