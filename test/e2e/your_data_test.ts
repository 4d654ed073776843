// Bringing your own data, in headless Chromium: a good upload trains on every page, a bad one
// is refused in one sentence while the previous data stays, and nothing leaves the browser.
// Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { assertClean, blobsCsv, openPage, waitForText, withSite } from "./_browser_helpers.ts";
import { npyBytes } from "../_testdata.ts";
import { parsePoints } from "../../lib/io/read_points.js";
import { RandomState } from "../../lib/random/random_state.js";
import { MAX_UPLOAD_BYTES } from "../../src/components/inputs/dataset_picker.ts";
import { checkName } from "../../src/components/inputs/dataset_checks.ts";
import { readJson, repoFile } from "../_testdata.ts";

const blobs = () => blobsCsv({ n: 600, seed: 4 });

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
      buffer: Buffer.from(blobs()),
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

/** The sentence the upload page must show for `bytes`: the readers' own, with the upload's limits. */
function uploadRefusal(bytes: Uint8Array, name: string): string {
  try {
    // The page checks the name first (dataset_checks.ts), then reads as the CLI does.
    checkName(name);
    parsePoints(bytes, name, { maxBytes: MAX_UPLOAD_BYTES, sizeAdvice: "upload a sample of it" });
  } catch (error) {
    // By name: the page's modules reach lib/ through the src/lib link, a second copy of DataError.
    if (error instanceof Error && error.name === "DataError") {
      return `That data was refused: ${error.message}`;
    }
    throw error;
  }
  throw new Error(`${name} was accepted; it should be refused`);
}

Deno.test("hostile uploads are refused with the CLI's sentences, the data stays, and HTML stays text", async () => {
  const hostileFile = (path: string) => Deno.readFileSync(repoFile(`test/testdata/hostile/${path}`));
  const samples: { name: string; buffer: Uint8Array }[] = [
    { name: "digits.csv", buffer: new TextEncoder().encode(`x,y\n1,2\n${"9".repeat(1_000_000)}x,3\n`) },
    { name: "version_1_5.npy", buffer: hostileFile("headers/version_1_5.npy") },
    { name: "extra_key.npy", buffer: hostileFile("headers/extra_key.npy") },
    { name: "latin1_key.npy", buffer: hostileFile("headers/latin1_key.npy") },
    { name: "unit_descr.npy", buffer: hostileFile("headers/unit_descr.npy") },
    { name: "nbsp_padding.npy", buffer: hostileFile("headers/nbsp_padding.npy") },
    { name: "declared_1e12_rows.npy", buffer: npyBytes(1e12, 2, new Float64Array(4)) },
    { name: "big_1e200.npy", buffer: hostileFile("numbers/big_1e200.npy") },
    { name: "outlier_1e200.npy", buffer: hostileFile("numbers/outlier_1e200.npy") },
    { name: "tiny_1e-200.npy", buffer: hostileFile("numbers/tiny_1e-200.npy") },
    {
      name: `<img src=x onerror="document.body.dataset.injected=1">.bin`,
      buffer: new TextEncoder().encode("a,b\n1,x\n"),
    },
  ];
  // Over the upload limit: a sparse file (Playwright passes large files by path), refused from its size.
  const oversized = Deno.makeTempFileSync({ suffix: ".npy" });
  Deno.truncateSync(oversized, MAX_UPLOAD_BYTES + 2 ** 20);
  try {
    await withSite(async (site) => {
      const watched = await openPage(site, "/your-data", /In use: data2D\.npy/);
      const { page } = watched;
      const input = page.locator("input[type=file]");
      // A file name with markup in it is refused in a sentence (uploads and stored data share the check)...
      const htmlCsv = ["<b>alpha</b>,beta,gamma", ...blobs().split("\n").slice(1)].join("\n");
      await input.setInputFiles({
        name: "<i>blobs</i>.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(htmlCsv),
      });
      await waitForText(
        watched,
        /the file's name holds control characters or < >; rename it with plain text\./,
      );
      // ...and a header with HTML in it is shown as text in the status and the view menu, never as markup.
      await input.setInputFiles({ name: "blobs.csv", mimeType: "text/csv", buffer: Buffer.from(htmlCsv) });
      await waitForText(watched, /Every page now uses blobs\.csv: 600 points in 3 dimensions\./);
      assert.equal(
        await page.locator("main i:text('blobs'), main b:text('alpha')").count(),
        0,
        "markup injected",
      );
      assert.match(await page.locator("select").first().innerText(), /<b>alpha<\/b> and beta/);

      const check = async (name: string, message: string) => {
        const start = performance.now();
        await page.waitForFunction((text) => document.body.innerText.includes(text), message, {
          timeout: 15_000,
        });
        // Refused from the header or in one linear pass: well within the 2 s of the issue.
        assert.ok(performance.now() - start < 5000, `${name}: ${performance.now() - start} ms`);
        assert.match(await page.locator("main").innerText(), /In use: blobs\.csv/, `after ${name}`);
      };
      for (const { name, buffer } of samples) {
        await input.setInputFiles({
          name,
          mimeType: "application/octet-stream",
          buffer: Buffer.from(buffer),
        });
        await check(name, uploadRefusal(buffer, name));
      }
      await input.setInputFiles(oversized);
      const name = oversized.split("/").pop()!;
      await check(
        name,
        `That data was refused: ${name} is 101 MB, over the 100 MB limit; upload a sample of it.`,
      );
      assert.equal(
        await page.evaluate(() => document.body.dataset.injected),
        undefined,
        "a file name ran as HTML",
      );
      await assertClean(watched);

      // Storage refusing a value (as Chromium does above ~127 MB per value): one sentence with the
      // limit in MB instead of the browser's message, and the previous data stays.
      await page.evaluate(() => {
        const w = window as unknown as { __put: unknown };
        w.__put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = () => {
          throw new DOMException(
            "The serialized value is too large (size=838860040, max=133169152).",
            "DataError",
          );
        };
      });
      await input.setInputFiles({ name: "fine.csv", mimeType: "text/csv", buffer: Buffer.from(blobs()) });
      await check(
        "fine.csv (storage refused)",
        "That data was refused: this browser would not store the data (1 MB as float64; it allows about 127 MB here); upload a sample of it, or free some of this site's storage.",
      );
      await page.evaluate(() => {
        IDBObjectStore.prototype.put =
          (window as unknown as { __put: typeof IDBObjectStore.prototype.put }).__put;
      });

      // Large but valid: 1,000,000 x 2 float64 (16 MB) is read, checked, stored and drawn.
      const rng = new RandomState(14);
      const values = Float64Array.from({ length: 2e6 }, () => rng.standardNormal());
      let start = performance.now();
      await input.setInputFiles({
        name: "million.npy",
        mimeType: "application/octet-stream",
        buffer: Buffer.from(npyBytes(1e6, 2, values)),
      });
      await waitForText(
        watched,
        /Every page now uses million\.npy: 1,000,000 points in 2 dimensions\./,
        60_000,
      );
      await waitForText(watched, /A seeded sample of 5,000 of the 1,000,000 points/, 60_000);
      console.log(`1,000,000 x 2 upload: accepted and drawn in ${(performance.now() - start).toFixed(0)} ms`);
      // Wide: 10,000 columns, 10 rows; bounded PCA draws it in seconds (a d x d matrix took minutes).
      const wide = ["x0" + Array.from({ length: 9_999 }, (_, j) => `,x${j + 1}`).join("")];
      for (let i = 0; i < 10; i++) {
        wide.push(Array.from({ length: 10_000 }, (_, j) => ((i * 7 + j * 13) % 17) / 4).join(","));
      }
      start = performance.now();
      await input.setInputFiles({
        name: "wide.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(wide.join("\n")),
      });
      await waitForText(watched, /Every page now uses wide\.csv: 10 points in 10000 dimensions\./, 30_000);
      await page.waitForFunction(
        () => document.querySelectorAll(".card svg, .card canvas").length > 0,
        null,
        { timeout: 30_000 },
      );
      const wideMs = performance.now() - start;
      console.log(`10,000-column CSV: accepted and drawn in ${wideMs.toFixed(0)} ms`);
      assert.ok(wideMs < 10_000, `${wideMs} ms`);
      await assertClean(watched);
      // The stored dataset survives a reload (values stored in pieces, read back whole).
      await page.reload({ waitUntil: "networkidle" });
      await waitForText(watched, /In use: wide\.csv/);
    });
  } finally {
    Deno.removeSync(oversized);
  }
});
