// The live pages when their training workers die (issue 21): workers closed mid-run are noticed
// within seconds, replaced, and the run trains to done; a worker that dies on every job ends the
// run in one sentence within 5 s while the rest of the page keeps working. Needs `npm run build`
// and Debian's chromium.
import assert from "node:assert/strict";
import type { Page, Worker } from "playwright-core";
import { openPage, setInput, waitForText, withSite } from "./_browser_helpers.ts";

/** The page's training workers (not onnxruntime's proxy worker). */
const trainingWorkers = (page: Page): Worker[] =>
  page.workers().filter((w) => /\/live\/worker\./.test(w.url()));

/** Ends `worker` from inside (`self.close()`: no event reaches the page), without waiting on it. */
async function closeWorker(worker: Worker): Promise<void> {
  await Promise.race([
    worker.evaluate(() => void setTimeout(() => self.close(), 0)).catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ]);
}

/** The state of every run's progress element. */
const states = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) =>
      el.dataset.trainingState!
    )
  );

/** Milliseconds since `start` at each warning the pool logs when it takes a worker for dead. */
function deathLog(page: Page, start: () => number): number[] {
  const deaths: number[] = [];
  page.on("console", (message) => {
    if (/^training worker: /.test(message.text())) deaths.push(performance.now() - start());
  });
  return deaths;
}

Deno.test("both training workers closed mid-run: a k change trains to done on fresh workers", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/);
    const { page } = watched;
    let closedAt = 0;
    const deaths = deathLog(page, () => closedAt);
    await setInput(watched, "k", 4);
    await page.waitForFunction(() =>
      document.querySelector<HTMLElement>("[data-training-state]")?.dataset.trainingState === "running"
    );
    const workers = trainingWorkers(page);
    assert.equal(workers.length, 2, "two training workers");
    closedAt = performance.now();
    await Promise.all(workers.map(closeWorker));
    await setInput(watched, "k", 3);
    const changed = performance.now();
    await page.waitForFunction(
      () => {
        const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
        return runs.length > 0 && runs.every((el) => el.dataset.trainingState === "done");
      },
      null,
      { timeout: 30_000 },
    );
    const done = performance.now() - changed;
    await waitForText(watched, /Lloyd \(scikit-learn semantics\): validation score 0\.48848/, 30_000);
    console.log(
      `dead workers noticed after ${deaths.map((ms) => (ms / 1000).toFixed(2)).join(", ")} s; ` +
        `k = 3 done ${(done / 1000).toFixed(2)} s after the change`,
    );
    assert.ok(deaths.length >= 1 && deaths[0] < 3000, `the first death noticed after ${deaths[0]} ms`);
    assert.doesNotMatch(await page.locator("main").innerText(), /Training failed/);
    assert.ok(trainingWorkers(page).length >= 1, "a dead worker was replaced");
    assert.deepEqual(watched.errors, []);
  });
});

/** Prepended to the worker's module: the worker closes itself as soon as it is sent a job. */
const DIES_ON_JOB =
  `self.addEventListener("message", (e) => { if (e.data?.type === "job") self.close(); });\n`;

Deno.test("a worker that dies on every job: one sentence within 5 s, and the page keeps working", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/);
    const { page } = watched;
    await waitForText(watched, /Lloyd \(scikit-learn semantics\): validation score/);
    // From now on every worker, the running ones and every replacement, dies when it is sent a job.
    await page.route(/\/live\/worker\.[0-9a-f]+\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: DIES_ON_JOB + await response.text() });
    });
    for (const worker of trainingWorkers(page)) {
      await worker.evaluate((source) => (0, eval)(source), DIES_ON_JOB);
    }
    await setInput(watched, "k", 3);
    const changed = performance.now();
    await waitForText(watched, /The training worker stopped twice on this job/, 10_000);
    const shown = performance.now() - changed;
    console.log(`the sentence shown ${(shown / 1000).toFixed(2)} s after the k change`);
    assert.ok(shown < 5000, `the sentence after ${shown.toFixed(0)} ms`);
    // One sentence per run that failed, nothing else: no page error, earlier results stay.
    const text = await page.locator("main").innerText();
    assert.match(text, /Lloyd \(scikit-learn semantics\): validation score/, "the reference stays");
    assert.ok((await states(page)).length > 0);
    // Inputs still respond: the URL follows a change, and the page says it is training again.
    await setInput(watched, "seed", 2);
    await page.waitForFunction(() => /[?&]seed=2\b/.test(location.search), null, { timeout: 5000 });
    assert.equal(await page.getByLabel("seed", { exact: true }).inputValue(), "2");
    assert.deepEqual(watched.errors, []);
  });
});
