// The live K-means page in headless Chromium: it trains on load, retrains when k changes, and
// opens with the settings in its URL. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import {
  assertClean,
  clickChartAt,
  liveTensors,
  openPage,
  playerAction,
  runsShown,
  stepperValues,
  waitForIdle,
  waitForRunsDone,
  waitForTensors,
  waitForText,
  withSite,
} from "./_browser_helpers.ts";
import { data2DTrain } from "../_testdata.ts";

const LLOYD_K3 = /Lloyd \(scikit-learn semantics\): validation score 0\.48848/;

Deno.test("the K-means page trains, and setting k to 3 retrains with a k = 3 score", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/);
    await watched.page.screenshot({ path: "test/e2e/screenshots/kmeans-k5.png", fullPage: true });
    const k = watched.page.getByLabel("k", { exact: true });
    await k.fill("3");
    await k.dispatchEvent("input");
    await waitForText(watched, LLOYD_K3);
    await waitForText(watched, /done in/);
    const title = await watched.page.getByText("Gradient descent (AdamW): validation score").first()
      .innerText();
    const score = Number(/validation score ([\d.]+)/.exec(title)?.[1]);
    // k = 3 on data2D: Lloyd's optimum is 0.48848; gradient descent lands within a few percent of it.
    assert.ok(score > 0.48 && score < 0.52, `k = 3 gradient score ${score}`);
    assert.match(watched.page.url(), /[?&]k=3\b/, "the URL follows the input");

    // The trained model leaves the tab as ONNX, and onnxruntime-web agrees with TensorFlow.js on every label.
    const downloading = watched.page.waitForEvent("download");
    await watched.page.getByRole("button", { name: "Download the trained model (.onnx)" }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^gradient-kmeans-k3-seed0\.onnx$/);
    await waitForText(
      watched,
      /✓ onnxruntime-web, scoring the downloaded model: 2,500 of\s+2,500 validation labels equal/,
    );
    await watched.page.screenshot({ path: "test/e2e/screenshots/kmeans-k3.png", fullPage: true });
    await assertClean(watched);
  });
});

Deno.test("/kmeans?k=3&seed=2 opens the page at k = 3 and trains it", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&seed=2", LLOYD_K3);
    await waitForText(watched, /done in/);
    assert.equal(await watched.page.getByLabel("k", { exact: true }).inputValue(), "3");
    assert.equal(await watched.page.getByLabel("seed", { exact: true }).inputValue(), "2");
    await assertClean(watched);
  });
});

Deno.test("the formulas are typeset by KaTeX only once they scroll into view", async () => {
  await withSite(async (site) => {
    const katexRequests: string[] = [];
    site.context.on("request", (request) => {
      if (/katex/i.test(request.url())) katexRequests.push(request.url());
    });
    const watched = await openPage(site, "/kmeans", /done in/);
    const formulas = watched.page.locator(".formula-figure");
    assert.equal(await formulas.count(), 3, "the loss, its gradient and AdamW's update");
    // They sit below the first screen (1280 x 720): the trained model came with no byte of KaTeX.
    const top = (await formulas.first().boundingBox())?.y ?? 0;
    assert.ok(top > (watched.page.viewportSize()?.height ?? 0), `the first formula is at ${top} px`);
    assert.equal(katexRequests.length, 0, `KaTeX fetched before its formulas were in view: ${katexRequests}`);
    await formulas.last().scrollIntoViewIfNeeded();
    await watched.page.waitForFunction(() => document.querySelectorAll(".katex-display").length === 3);
    assert.ok(katexRequests.some((url) => url.endsWith(".css")), "KaTeX's stylesheet was loaded");
    await assertClean(watched);
  });
});

Deno.test("an out-of-range k in the URL is clamped, and the page says so", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans?k=99", /k=99 in the link is outside 1 to 10/);
    assert.equal(await watched.page.getByLabel("k", { exact: true }).inputValue(), "10");
    await assertClean(watched);
  });
});

Deno.test("200 retrains leave no tensor behind and the heap where it was", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans?epochs=30", /done in/);
    const { page } = watched;
    // Several collections a moment apart: detached charts and DOM wrappers need more than one pass.
    const measure = async () => ({
      heap: await page.evaluate(async () => {
        const gc = (globalThis as unknown as { gc: () => void }).gc;
        for (let pass = 0; pass < 4; pass++) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const memory = (performance as unknown as { memory: { usedJSHeapSize: number } }).memory;
        return memory.usedJSHeapSize;
      }),
      // The tensors live in the training workers: the test asks each of them.
      tensors: await liveTensors(page),
    });
    const seed = page.getByLabel("seed", { exact: true });
    // Warm-up: the first retrains compile code and fill caches that stay; the 200 that count come after.
    for (let i = 1000; i < 1020; i++) {
      await seed.fill(String(i));
      await seed.dispatchEvent("input");
      await page.waitForTimeout(20);
    }
    await waitForText(watched, /epoch 30 of 30[\s\S]*done in/);
    // Idle: no training job queued or running (the restarts and the k = 1..5 table are over).
    const idle = () => waitForIdle(page);
    await idle();
    const before = await measure();
    for (let i = 1; i <= 200; i++) {
      await seed.fill(String(i));
      await seed.dispatchEvent("input");
      await page.waitForTimeout(20); // some runs finish, most are cancelled mid-way
    }
    await waitForText(watched, /epoch 30 of 30[\s\S]*done in/);
    await idle();
    // Cancelled runs stop at their next report and free their tensors; the restarts and the k = 1..5 table
    // then run again: wait until every run has ended (a leak would never get back to the baseline, and
    // fails here after a minute).
    await waitForTensors(page, before.tensors);
    const after = await measure();
    assert.equal(after.tensors, before.tensors, "live tensors after 200 retrains");
    // A heap within 10 MB of where it started: nothing kept per run (measured after a forced GC).
    const grown = (after.heap - before.heap) / 2 ** 20;
    console.log(
      `heap: ${(before.heap / 2 ** 20).toFixed(1)} MB before, ${(after.heap / 2 ** 20).toFixed(1)} MB after`,
    );
    assert.ok(grown < 10, `heap grew by ${grown.toFixed(1)} MB`);
    await assertClean(watched);
  });
});

Deno.test("learning rate 1000 diverges: training stops, says so, and keeps finite numbers on screen", async () => {
  await withSite(async (site) => {
    // lr x weight decay = 10 > 2: AdamW's decay step multiplies the centroids by -9 each epoch.
    const watched = await openPage(site, "/kmeans?lr=1000", /Training diverged at epoch \d+/);
    const text = await watched.page.locator("main").innerText();
    assert.match(text, /Lower the learning rate/);
    assert.doesNotMatch(text, /NaN|Infinity/, "no NaN reaches a chart title or a table");
    // The panel's title says what happened, in words; its text alternative keeps the last finite score, short.
    assert.match(text, /Gradient descent \(AdamW\): diverged at epoch \d+/);
    const label = await watched.page.locator("[aria-label^='Gradient descent (AdamW)']").first().getAttribute(
      "aria-label",
    );
    assert.match(label ?? "", /training loss \d\.\de\+\d+/);
    await assertClean(watched);
  });
});

Deno.test("the player: reset, step, play, pause and scrubbing each answer with the state asked for and change what is drawn", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/);
    await waitForRunsDone(watched);
    const trained = await runsShown(watched);
    assert.deepEqual(trained.states, ["done"]);
    assert.deepEqual(trained.epochs, [150]);
    // A click is answered by the next animation frame. The bound only catches a click left
    // unanswered: how fast the answer comes is the benchmark's business (`npm run bench`, click
    // wait), since a test's timing measures the machine's load as much as the page.
    const within = (ms: number, what: string) =>
      assert.ok(ms < 1000, `${what} answered in ${ms.toFixed(0)} ms`);

    within(await playerAction(watched, "reset to the start"), "reset");
    const start = await runsShown(watched);
    assert.deepEqual([start.states, start.epochs], [["paused"], [0]]);
    assert.notEqual(start.centroids, trained.centroids, "reset draws the initial centroids");

    within(await playerAction(watched, "step one epoch"), "step one epoch");
    const one = await runsShown(watched);
    assert.deepEqual(one.epochs, [1]);
    assert.notEqual(one.centroids, start.centroids, "one epoch moves the centroids");

    within(await playerAction(watched, "step one report"), "step one report");
    assert.deepEqual(
      (await runsShown(watched)).epochs,
      [5],
      "the next report is epoch 5 (reports every 5 epochs)",
    );

    within(await playerAction(watched, "epoch shown", { value: 75 }), "scrubbing");
    const scrubbed = await runsShown(watched);
    assert.deepEqual([scrubbed.states, scrubbed.epochs], [["paused"], [75]]);
    assert.notEqual(scrubbed.centroids, one.centroids);

    // Animated (the default speed): from epoch 75 to 150 at 150 epochs in 2 s.
    within(await playerAction(watched, "play"), "play");
    await waitForRunsDone(watched, 20_000);
    const played = await runsShown(watched);
    assert.deepEqual([played.states, played.epochs], [["done"], [150]]);
    assert.equal(
      played.centroids,
      trained.centroids,
      "playing to the end draws the trained model again, without retraining",
    );

    // At the end the one play button offers a replay (not "pause"), which plays from epoch 0 again.
    within(await playerAction(watched, "replay"), "replay");
    within(await playerAction(watched, "pause"), "pause");
    const paused = await runsShown(watched);
    assert.deepEqual(paused.states, ["paused"]);
    assert.ok(paused.epochs[0] < 150, `the replay paused at epoch ${paused.epochs[0]}`);
    await assertClean(watched);
  });
});

Deno.test("onnxruntime-web loads only when its section is used, and each .onnx is fetched once", async () => {
  await withSite(async (site) => {
    const requested: string[] = [];
    const watched = await openPage(site, "/kmeans", /done in/);
    watched.page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await waitForRunsDone(watched);
    assert.deepEqual(
      requested.filter((path) => /ort-wasm|onnx/.test(path)),
      [],
      "nothing of ONNX before its section",
    );
    await watched.page.locator(".onnx-map").scrollIntoViewIfNeeded();
    await waitForText(watched, /decision regions from lloyd-5\.onnx/);
    for (const k of ["3", "5", "3"]) {
      const input = watched.page.getByLabel("k", { exact: true });
      await input.fill(k);
      await input.dispatchEvent("input");
      await waitForText(watched, new RegExp(`decision regions from lloyd-${k}\\.onnx`));
    }
    const onnx = requested.filter((path) => path.endsWith(".onnx"));
    assert.equal(onnx.length, new Set(onnx).size, `each .onnx once: ${onnx.join(", ")}`);
    assert.equal(onnx.length, 2, "lloyd-5 and lloyd-3");
    assert.ok(requested.some((path) => /ort-wasm/.test(path)), "the runtime's wasm once the section is used");
    await assertClean(watched);
  });
});

Deno.test("/kmeans: one Lloyd step from the gradient run's start changes the loss as lib/kmeans/lloyd_steps.ts computes", async () => {
  const { NOTEBOOK_SPLIT } = await import("../../lib/notebook_settings.ts");
  const { fromRows } = await import("../../lib/matrix.ts");
  const { lloydSteps } = await import("../../lib/kmeans/lloyd_steps.ts");
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&seed=0", /done in/);
    const { page } = watched;
    // One iteration: assign, then update.
    const seen = await stepperValues(page);
    const start = JSON.parse((await page.getAttribute(".stepper", "data-start"))!) as number[][];
    assert.equal(start.length, 3);
    // The same split as the page, and Lloyd from the start the page shows: the losses to 6 decimals
    // (float64 on both sides, the same code: they agree to the last printed digit).
    const train = data2DTrain(NOTEBOOK_SPLIT.kmeansValidDivisor);
    const steps = lloydSteps(train, fromRows(start));
    assert.deepEqual(seen, steps.slice(0, 3).map((s) => s.loss.toFixed(6)));
    assert.ok(Number(seen[2]) < Number(seen[0]), `one iteration lowers the loss: ${seen.join(" → ")}`);
    assert.equal(await page.getAttribute(".stepper", "data-phase"), "update");
    await assertClean(watched);
  });
});

Deno.test("/kmeans: three centroids placed by clicking start both the gradient run and Lloyd's steps", async () => {
  await withSite(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&seed=0", /done in/);
    const { page } = watched;
    const picker = page.locator(".centroid-picker svg");
    const { wanted, pixel } = await clickChartAt(picker, [[0.25, 0.3], [0.7, 0.25], [0.5, 0.8]]);
    await page.waitForFunction(() => /[?&]start=/.test(location.search));
    await page.waitForFunction(
      () =>
        document.querySelector("[data-start]:not(.stepper)")?.getAttribute("data-start")?.startsWith("[["),
    );
    // The new run's epoch 0 and Lloyd's start both equal the clicked positions.
    const near = (rows: number[][], what: string) => {
      assert.equal(rows.length, 3, what);
      rows.forEach((row, j) =>
        row.forEach((v, t) =>
          assert.ok(
            Math.abs(v - wanted[j][t]) <= pixel,
            `${what} centroid ${j}: ${v} vs ${wanted[j][t]} (± ${pixel})`,
          )
        )
      );
    };
    await page.waitForFunction(
      (first) => {
        const text = document.querySelector(".stepper")?.getAttribute("data-start");
        return text && Math.abs(JSON.parse(text)[0][0] - first) < 0.05;
      },
      wanted[0][0],
      { timeout: 60_000 },
    );
    const gradient = await page.evaluate(() =>
      JSON.parse(document.querySelector(".panel-slot[data-start]")!.getAttribute("data-start")!)
    );
    const lloyd = await page.evaluate(() =>
      JSON.parse(document.querySelector(".stepper")!.getAttribute("data-start")!)
    );
    near(gradient, "the gradient run's epoch 0");
    near(lloyd, "Lloyd's start");
    const start = new URL(page.url()).searchParams.get("start")!;
    near(start.split(";").map((row) => row.split(",").map(Number)), "the URL's start");
    await assertClean(watched);
  });
});
