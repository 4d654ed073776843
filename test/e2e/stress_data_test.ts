// Data the browser cannot trust (issue 21): a dataset read back from IndexedDB gets an upload's
// checks (a damaged one is cleared, and the page falls back to data2D with a note), and a UTF-16 CSV
// upload reads as the same numbers as its UTF-8 twin. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { blobsCsv, openPage, waitForText, withSite } from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";
import { makeBlobs } from "../../lib/random/synthetic.js";
import { utf16 } from "../_text.ts";

const KEY = "gradient-clustering:chosen-dataset";

/** Hex SHA-256 of the values' float64 bytes, as the pages compute it. */
async function sha256(data: Float64Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", data.slice().buffer));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Puts `value` in idb-keyval's store under the chosen dataset's key, as an earlier visit would have. */
function store(page: Page, value: Record<string, unknown> | undefined): Promise<void> {
  return page.evaluate(([key, value]) =>
    new Promise<void>((resolve, reject) => {
      const open = indexedDB.open("keyval-store");
      open.onupgradeneeded = () => open.result.createObjectStore("keyval");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction("keyval", "readwrite");
        if (value === undefined) tx.objectStore("keyval").delete(key);
        else tx.objectStore("keyval").put(value, key);
        tx.oncomplete = () => (open.result.close(), resolve());
        tx.onerror = () => reject(tx.error);
      };
    }), [KEY, value] as const);
}

/** Whether anything is stored under the chosen dataset's key. */
function stored(page: Page): Promise<boolean> {
  return page.evaluate((key) =>
    new Promise<boolean>((resolve) => {
      const open = indexedDB.open("keyval-store");
      open.onsuccess = () => {
        const get = open.result.transaction("keyval").objectStore("keyval").get(key);
        get.onsuccess = () => (open.result.close(), resolve(get.result !== undefined));
      };
    }), KEY);
}

/** Records dialogs (alert, confirm, prompt) the page opens; dismisses them. */
function dialogs(watched: WatchedPage): string[] {
  const opened: string[] = [];
  watched.page.on("dialog", (dialog) => {
    opened.push(dialog.message());
    void dialog.dismiss();
  });
  return opened;
}

Deno.test("a stored dataset that fails an upload's checks is cleared: data2D with a note, no error", async () => {
  const { points } = makeBlobs({ n: 200, k: 3, d: 2, spread: 0.5, seed: 7 });
  const good = { name: "blobs.csv", source: "upload", rows: 200, cols: 2, data: points.data };
  const nonFinite = points.data.slice();
  nonFinite[37] = NaN;
  nonFinite[80] = Infinity;
  const cases: [string, Record<string, unknown>][] = [
    ["non-finite values", { ...good, data: nonFinite, sha256: await sha256(nonFinite) }],
    ["a wrong checksum", { ...good, sha256: "ab".repeat(32) }],
    ["a markup name", { ...good, name: "<img src=x onerror=alert(1)>", sha256: await sha256(points.data) }],
    ["a shape its values do not fill", { ...good, rows: 300, sha256: await sha256(points.data) }],
    ["column names that are not its columns", {
      ...good,
      columns: ["<b>x</b>"],
      sha256: await sha256(points.data),
    }],
  ];
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /Training on data2D\.npy/);
    const { page } = watched;
    const opened = dialogs(watched);
    // The checks pass a good stored dataset.
    await store(page, { ...good, sha256: await sha256(points.data) });
    await page.reload({ waitUntil: "networkidle" });
    await waitForText(watched, /Training on blobs\.csv/, 30_000);
    assert.doesNotMatch(await page.locator("main").innerText(), /unreadable/);
    for (const [what, value] of cases) {
      await store(page, value);
      await page.reload({ waitUntil: "networkidle" });
      await waitForText(watched, /Training on data2D\.npy/, 30_000);
      await waitForText(watched, /done in/, 60_000);
      const notes = await page.locator("main [role=note]").allInnerTexts();
      const note = notes.filter((text) => /stored in this browser was unreadable/.test(text));
      assert.equal(note.length, 1, `${what}: one note, in ${JSON.stringify(notes)}`);
      assert.match(
        note[0],
        /^The dataset stored in this browser was unreadable \(.*\), so it was cleared and this page uses data2D\.$/,
      );
      assert.equal(await stored(page), false, `${what}: cleared`);
      assert.equal(await page.locator("img[src=x], b").count(), 0, `${what}: nothing injected`);
      assert.deepEqual(watched.errors, [], `${what}: no page error`);
    }
    // The Data page says it too, once, and then shows data2D in use.
    await store(page, cases[0][1]);
    const data = await openPage(site, "/your-data", /In use: data2D\.npy/);
    await waitForText(data, /The dataset stored in this browser was unreadable/);
    assert.deepEqual(opened, [], "no dialog");
    assert.deepEqual(data.errors, []);
  });
});

Deno.test("a UTF-16 CSV upload (LE or BE, with its mark) is read as the same numbers as its UTF-8 twin", async () => {
  const csv = blobsCsv({ n: 300, seed: 5, newline: "\r\n" });
  await withSite(async (site) => {
    const watched = await openPage(site, "/your-data", /In use: data2D\.npy/);
    const { page } = watched;
    const checksum = async () =>
      /SHA-256 of the values[^:]*: ([0-9a-f]{16})/.exec(await page.evaluate(() => document.body.innerText))
        ?.[1];
    const upload = async (name: string, buffer: Uint8Array) => {
      await page.locator("input[type=file]").setInputFiles({
        name,
        mimeType: "text/csv",
        buffer: Buffer.from(buffer),
      });
      const escaped = name.replace(".", "\\.");
      await waitForText(
        watched,
        new RegExp(`Every page now uses ${escaped}: 300 points in 3 dimensions\\.`),
        20_000,
      );
      await waitForText(watched, new RegExp(`In use: ${escaped}`), 20_000);
      return await checksum();
    };
    const twin = await upload("utf8.csv", new TextEncoder().encode(csv));
    assert.ok(twin);
    assert.equal(await upload("utf16le.csv", utf16(csv, "le")), twin);
    assert.equal(await upload("utf16be.csv", utf16(csv, "be")), twin);
    // Binary data keeps its sentence.
    await page.locator("input[type=file]").setInputFiles({
      name: "zeros.csv",
      mimeType: "text/csv",
      buffer: Buffer.alloc(64),
    });
    await waitForText(
      watched,
      /That data was refused: zeros\.csv has a NUL byte at byte 0, so it is binary data/,
    );
    await waitForText(watched, /In use: utf16be\.csv/);
    assert.deepEqual(watched.errors, []);
  });
});
