// A long session on /kmeans (issue 21): 150 rapid input changes end on the last settings, trained to
// done, with the main thread's heap after a forced garbage collection within 60 MB of where it
// started and as many workers as before. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import type { CDPSession, Page } from "playwright-core";
import { openPage, waitForIdle, waitForRunsDone, withSite } from "./_browser_helpers.ts";

const CHANGES = 150;
const MB = 2 ** 20;

/** The page's JavaScript heap in use after a full garbage collection (CDP), in bytes. */
async function heapAfterGC(cdp: CDPSession): Promise<number> {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return usedSize;
}

/** The longest main-thread task seen since {@link watchLongTasks}, in ms. */
async function watchLongTasks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const seen = globalThis as unknown as { longest: number };
    seen.longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.longest = Math.max(seen.longest, entry.duration);
    }).observe({ type: "longtask" });
  });
  return () => page.evaluate(() => (globalThis as unknown as { longest: number }).longest);
}

Deno.test("150 rapid input changes on /kmeans: the last settings, done, a flat heap, as many workers", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/);
    const { page } = watched;
    await waitForRunsDone(watched);
    await waitForIdle(page, 90_000);
    const cdp = await page.context().newCDPSession(page);
    const before = await heapAfterGC(cdp);
    const workers = page.workers().length;
    const longest = await watchLongTasks(page);
    const started = performance.now();
    // k and the seed in turn, 10 ms apart: faster than a hand on the keyboard.
    const [k, seed] = await page.evaluate(async (changes) => {
      const input = (label: string) =>
        [...document.querySelectorAll<HTMLInputElement>("main input")].find((el) =>
          el.labels?.[0]?.textContent?.trim() === label
        )!;
      let k = 5, seed = 0;
      for (let i = 0; i < changes; i++) {
        const [element, value] = i % 2 === 0
          ? [input("k"), k = 1 + ((i / 2) % 5)]
          : [input("seed"), seed = i];
        element.value = String(value);
        element.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return [k, seed];
    }, CHANGES);
    const typed = performance.now() - started;
    await waitForRunsDone(watched, 90_000);
    await waitForIdle(page, 90_000);
    const settled = performance.now() - started;
    assert.equal(await page.getByLabel("k", { exact: true }).inputValue(), String(k));
    assert.equal(await page.getByLabel("seed", { exact: true }).inputValue(), String(seed));
    assert.match(page.url(), new RegExp(`[?&]seed=${seed}\\b`));
    const states = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) =>
        el.dataset.trainingState
      )
    );
    assert.ok(states.length > 0 && states.every((state) => state === "done"), `states ${states}`);
    const after = await heapAfterGC(cdp);
    const task = await longest();
    console.log(
      `${CHANGES} changes typed in ${(typed / 1000).toFixed(1)} s, settled after ${
        (settled / 1000).toFixed(1)
      } s; ` +
        `heap ${(before / MB).toFixed(1)} MB -> ${(after / MB).toFixed(1)} MB after GC; ` +
        `workers ${workers} -> ${page.workers().length}; longest main-thread task ${task.toFixed(0)} ms`,
    );
    assert.ok(after - before < 60 * MB, `the heap grew by ${((after - before) / MB).toFixed(1)} MB`);
    assert.equal(page.workers().length, workers, "as many workers as before");
    assert.deepEqual(watched.errors, [], "no page error");
  });
});
