// Each action a visitor takes on the live pages, run to its end, and what every panel shows then:
// a start placed by clicking or by a link, a new seed paused at once, the player's step, scrub,
// reset and play, a diverging learning rate, a change of k and of the restarts. The checks read the
// page once the action has run its course (every run's `data-training-state`, then the panels,
// which follow a frame or a few later), never its first frame. Needs `npm run build` and Debian's
// chromium.
import assert from "node:assert/strict";
import {
  assertClean,
  clickChartAt,
  type LiveView,
  liveView,
  marksOutsideFrames,
  openPage,
  setInput,
  settle,
  type Site,
  waitForIdle,
  waitForText,
  withSite,
} from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.ts";
import { type Matrix, toRows } from "../../lib/matrix.ts";
import { data2DTrain } from "../_testdata.ts";
import { initialCentroids } from "../../lib/kmeans/gradient_kmeans.ts";
import { initialMixture } from "../../lib/mixture/gradient_mixture.ts";
import { emStart, emSteps } from "../../lib/mixture/em_steps.ts";

const VIEWPORT = { width: 1400, height: 900 };
/** The longest any one wait lasts (the machine is slow and shared). */
const WAIT = 60_000;
const site = (body: (site: Site) => Promise<void>) => withSite(body, { viewport: VIEWPORT });

const kmeansTrain = data2DTrain(NOTEBOOK_SPLIT.kmeansValidDivisor);
const mixtureTrain = data2DTrain(NOTEBOOK_SPLIT.mixtureValidDivisor);

/** Sentences (of the page's text) that speak of a divergence, and of a failure. */
const DIVERGED = /[^.\n]*diverg[^.\n]*\./gi;
const FAILED = /Training failed/;
/** K-means' note on centroids nearest to no training point. */
const DEAD_NOTE = /owns? no training point/;
/** A number printed with more than 6 significant digits in e± notation ("9.043540493077463e+32"). */
const LONG_EXPONENT = /\d\.\d{6,}e[+-]?\d+/i;

/** Fails at once (no point waiting) if the page says training failed. */
function notFailed(view: LiveView): void {
  const failed = /Training failed[^\n]*/.exec(view.text);
  if (failed) assert.fail(`the page says "${failed[0]}" (states ${text(view.runs.map((r) => r.state))})`);
}

/** Whether two k x d matrices agree within `tolerance` (relative above 1). */
function close(a: number[][] | undefined, b: number[][], tolerance: number): boolean {
  return !!a && a.length === b.length &&
    a.every((row, j) =>
      row.length === b[j].length &&
      row.every((v, t) => Math.abs(v - b[j][t]) <= tolerance * Math.max(1, Math.abs(b[j][t])))
    );
}

const rows = (m: Matrix) => toRows(m);
/** Centroids as a panel's text alternative names them: "(x, y)" to 2 decimals, sorted. */
const describe = (centroids: number[][]) =>
  centroids.map((row) => `(${row.slice(0, 2).map((v) => v.toFixed(2)).join(", ")})`).sort();
/** The "(x, y)" of every cluster or component a panel's text alternative names, sorted. */
const centroidsIn = (label: string) =>
  [...label.matchAll(/(?:cluster|component) \d+ at (\([^)]*\))/g)].map((m) => m[1]).sort();
const text = (value: unknown) => JSON.stringify(value);

/** Problems of a view whose every run should be in `state` at `epoch` (any epoch when undefined). */
function runsAre(view: LiveView, state: string, epoch?: number, run?: number): string[] {
  const problems: string[] = [];
  if (!view.runs.length) problems.push("no progress element");
  view.runs.forEach((r, i) => {
    if (r.state !== state) problems.push(`run ${i} is ${r.state} (wanted ${state}): ${r.status}`);
    if (epoch !== undefined && r.epoch !== epoch) {
      problems.push(`run ${i} shows epoch ${r.epoch}, not ${epoch}`);
    }
    if (run !== undefined && r.run !== run) problems.push(`run ${i} is run ${r.run}, not ${run}`);
  });
  return problems;
}

/** Problems of a view whose gradient panels and player should all say epoch `epoch`. */
function epochShown(view: LiveView, epoch: number, gradientPanels: RegExp): string[] {
  const problems: string[] = [];
  if (view.playerEpoch !== String(epoch)) problems.push(`the player says epoch ${view.playerEpoch}`);
  const panels = view.panels.filter((p) => gradientPanels.test(p.title));
  if (!panels.length) problems.push("no gradient panel drawn");
  for (const panel of panels) {
    if (!new RegExp(`\\bEpoch ${epoch}\\b`).test(panel.label)) {
      problems.push(
        `panel "${panel.title}" says "${/Epoch \d+/.exec(panel.label)?.[0]}", not Epoch ${epoch}`,
      );
    }
  }
  return problems;
}

/** Sets the seed and clicks pause as soon as the page has started the new run (in the same task). */
function changeSeedAndPause(watched: WatchedPage, seed: number): Promise<boolean> {
  return watched.page.getByLabel("seed", { exact: true }).evaluate(
    (input, seed) =>
      new Promise<boolean>((resolve) => {
        const progress = document.querySelector<HTMLElement>("[data-training-state]")!;
        const before = progress.dataset.run;
        const observer = new MutationObserver(() => {
          if (progress.dataset.run === before) return;
          observer.disconnect();
          document.querySelector<HTMLButtonElement>('.player [aria-label="pause"]')?.click();
          resolve(true);
        });
        observer.observe(progress, { attributes: true });
        setTimeout(() => (observer.disconnect(), resolve(false)), 30_000);
        (input as HTMLInputElement).value = String(seed);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }),
    seed,
  );
}

/** Clicks a player control (by its label), or sets the scrubber to `value`. */
async function player(watched: WatchedPage, label: string, value?: number): Promise<void> {
  const control = watched.page.locator(`.player [aria-label="${label}"]`);
  if (value === undefined) await control.click();
  else {
    await control.evaluate((input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, value);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. A start placed by hand: by clicks on the picker, and by a link.

Deno.test("/kmeans: three clicks on the start picker train from the clicked centroids to done, Lloyd's steps too", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&seed=0", /done in/, WAIT);
    const { page } = watched;
    await settle(watched, (view) => runsAre(view, "done"), { what: "the first run" });
    const before = (await liveView(watched)).runs[0].run;
    const geometry = await clickChartAt(
      page.locator(".centroid-picker svg").first(),
      [[0.25, 0.3], [0.7, 0.25], [0.5, 0.8]],
      WAIT,
    );
    await page.waitForFunction(() => /[?&]start=/.test(location.search), null, { timeout: WAIT });
    const urlStart = new URL(page.url()).searchParams.get("start")!.split(";").map((row) =>
      row.split(",").map(Number)
    );
    assert.ok(close(urlStart, geometry.wanted, geometry.pixel), `the URL's start ${urlStart}`);
    const end = await settle(watched, (view) => {
      const problems = view.runs[0]?.run > before ? [] : ["the clicks started no new run"];
      notFailed(view);
      return problems.length ? problems : runsAre(view, "done");
    }, { what: "the run from the clicked start" });
    assert.doesNotMatch(end.text, FAILED);
    const done = await settle(watched, (view) => {
      const problems: string[] = [];
      if (!close(view.gradientStart, urlStart, 1e-6)) {
        problems.push(`the gradient run's epoch 0 is ${text(view.gradientStart)}, not ${text(urlStart)}`);
      }
      if (!close(view.stepper.start, urlStart, 1e-6)) {
        problems.push(`Lloyd's steps start at ${text(view.stepper.start)}, not ${text(urlStart)}`);
      }
      return problems;
    }, { what: "the panels after the clicks", timeout: 20_000 });
    assert.ok(close(done.gradientStart, geometry.wanted, geometry.pixel), "epoch 0 is where the clicks were");
    assert.doesNotMatch(done.text, FAILED);
    await assertClean(watched);
  });
});

Deno.test("/kmeans?k=3&start=...: a start from a link trains to done from exactly that start", async () => {
  const start = [[0.1, 0.2], [0.5, 0.5], [0.9, 0.1]];
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&start=0.1,0.2;0.5,0.5;0.9,0.1", /epoch/, WAIT);
    const view = await settle(watched, (view) => {
      notFailed(view);
      const problems = runsAre(view, "done");
      if (!close(view.gradientStart, start, 1e-6)) {
        problems.push(`the gradient run's epoch 0 is ${text(view.gradientStart)}`);
      }
      if (!close(view.stepper.start, start, 1e-6)) {
        problems.push(`Lloyd's steps start at ${text(view.stepper.start)}`);
      }
      return problems;
    }, { what: "the run from the link's start" });
    assert.doesNotMatch(view.text, FAILED);
    await assertClean(watched);
  });
});

Deno.test("/kmeans?k=3&start=0,0;0,0;0,0: three centroids at one point end done or in a clear sentence, with no error", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&start=0,0;0,0;0,0", /epoch/, WAIT);
    const view = await settle(watched, (view) => {
      notFailed(view);
      // Either it trains to the end, or a note says, in a sentence, what is wrong with this start.
      const refused = view.notes.some((note) => /\bstart\b.*\./i.test(note) && !DEAD_NOTE.test(note));
      return refused ? [] : runsAre(view, "done");
    }, { what: "the run from one point" });
    assert.doesNotMatch(view.text, FAILED);
    if (view.runs[0].state === "done") {
      assert.ok(
        close(view.gradientStart, [[0, 0], [0, 0], [0, 0]], 1e-9),
        `epoch 0: ${text(view.gradientStart)}`,
      );
    }
    await assertClean(watched);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. A new seed, paused at once: every panel shows the new run's start.

Deno.test("/kmeans: a new seed paused at once shows the new run's epoch 0 on every panel", async () => {
  const expected = rows(
    initialCentroids(kmeansTrain, { k: 5, seed: 7, init: "uniform", uniformBox: "unit" }),
  );
  const old = rows(initialCentroids(kmeansTrain, { k: 5, seed: 0, init: "uniform", uniformBox: "unit" }));
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/, WAIT);
    const first = await settle(watched, (view) => runsAre(view, "done", 150), { what: "seed 0" });
    assert.ok(close(first.gradientStart, old, 1e-6), `seed 0's epoch 0: ${text(first.gradientStart)}`);
    assert.ok(await changeSeedAndPause(watched, 7), "the new seed started a new run");
    const run = first.runs[0].run + 1;
    // Paused at epoch 0 once the new run has trained (training goes on under a paused player).
    await settle(watched, (view) => {
      const problems = runsAre(view, "paused", 0, run);
      if (!/trained/.test(view.runs[0]?.status ?? "")) problems.push(`status "${view.runs[0]?.status}"`);
      return problems;
    }, { what: "seed 7, paused" });
    await settle(watched, (view) => {
      const problems = [...runsAre(view, "paused", 0, run), ...epochShown(view, 0, /^Gradient descent/)];
      if (!close(view.gradientStart, expected, 1e-6)) {
        problems.push(`the gradient panel's epoch 0 is ${text(view.gradientStart)}, not seed 7's`);
      }
      if (!close(view.stepper.start, expected, 1e-6)) {
        problems.push(
          `the Lloyd step-by-step panel starts at ${text(view.stepper.start)}${
            close(view.stepper.start, old, 1e-6) ? " (seed 0's start)" : ""
          }, not at seed 7's ${text(expected)}`,
        );
      }
      if (!/the gradient run's start/.test(view.stepper.title)) {
        problems.push(`the step panel's title is "${view.stepper.title}"`);
      }
      // What the step panel draws (its text alternative names each centroid), not only its attribute.
      const drawn = view.panels.find((p) => /^Lloyd step by step/.test(p.title))?.label ?? "";
      if (text(centroidsIn(drawn)) !== text(describe(expected))) {
        problems.push(
          `the step panel draws centroids at ${centroidsIn(drawn)}, not at ${describe(expected)}`,
        );
      }
      if (!/Training loss at epoch 0\b/.test(view.lossCaption)) {
        problems.push(`the loss caption says "${view.lossCaption.slice(0, 40)}"`);
      }
      return problems;
    }, { what: "every panel once the new run is trained, paused at epoch 0", timeout: 10_000 });
    await assertClean(watched);
  });
});

Deno.test("/gmm: a new seed paused at once shows the new runs' epoch 0 and the new seed's EM start", async () => {
  const randomMeans = describe(rows(initialMixture(mixtureTrain, { k: 5, seed: 7, init: "random" }).means));
  const kmeansMeans = describe(rows(initialMixture(mixtureTrain, { k: 5, seed: 7, init: "kmeans" }).means));
  const emNLL = emSteps(mixtureTrain, emStart(mixtureTrain, { k: 5, seed: 7 }), { maxIterations: 100 })[0].nll
    .toFixed(6);
  const emNLLOld = emSteps(mixtureTrain, emStart(mixtureTrain, { k: 5, seed: 0 }), { maxIterations: 100 })[0]
    .nll
    .toFixed(6);
  await site(async (site) => {
    const watched = await openPage(site, "/gmm", /done in[\s\S]*done in/, WAIT);
    const first = await settle(watched, (view) => {
      const problems = runsAre(view, "done", 1000);
      if (view.stepper.value !== emNLLOld) problems.push(`seed 0's EM start NLL ${view.stepper.value}`);
      return problems;
    }, { what: "seed 0" });
    assert.ok(await changeSeedAndPause(watched, 7), "the new seed started new runs");
    const run = first.runs[0].run + 1;
    await settle(watched, (view) => {
      const problems = runsAre(view, "paused", 0, run);
      for (const r of view.runs) if (!/trained/.test(r.status)) problems.push(`status "${r.status}"`);
      return problems;
    }, { what: "seed 7, paused" });
    await settle(watched, (view) => {
      const problems = [...runsAre(view, "paused", 0, run), ...epochShown(view, 0, /^(Random|K-means) init/)];
      const random = view.panels.find((p) => /^Random init/.test(p.title));
      const kmeans = view.panels.find((p) => /^K-means init/.test(p.title));
      if (text(centroidsIn(random?.label ?? "")) !== text(randomMeans)) {
        problems.push(
          `the random-init panel's means ${centroidsIn(random?.label ?? "")}, not seed 7's ${randomMeans}`,
        );
      }
      if (text(centroidsIn(kmeans?.label ?? "")) !== text(kmeansMeans)) {
        problems.push(
          `the K-means-init panel's means ${centroidsIn(kmeans?.label ?? "")}, not seed 7's ${kmeansMeans}`,
        );
      }
      if (view.stepper.value !== emNLL) {
        problems.push(
          `the EM step-by-step panel shows a start of NLL ${view.stepper.value}${
            view.stepper.value === emNLLOld ? " (seed 0's start)" : ""
          }, not seed 7's ${emNLL}`,
        );
      }
      return problems;
    }, { what: "every panel once the new runs are trained, paused at epoch 0", timeout: 10_000 });
    await assertClean(watched);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The player: step, scrub, reset and play, each to its end.

async function playerActions(
  watched: WatchedPage,
  { epochs, scrubTo, gradientPanels, lossCaption }: {
    epochs: number;
    scrubTo: number;
    gradientPanels: RegExp;
    lossCaption: (epoch: number) => RegExp;
  },
) {
  // The loss curve's caption is checked after the rest, and its failures told at the end: the
  // progress, the player and the gradient panels must hold in any case.
  const captionProblems: string[] = [];
  const shows = async (state: string, epoch: number, what: string, timeout = WAIT) => {
    const view = await settle(
      watched,
      (view) => [...runsAre(view, state, epoch), ...epochShown(view, epoch, gradientPanels)],
      { what, timeout },
    );
    try {
      await settle(
        watched,
        (view) =>
          lossCaption(epoch).test(view.lossCaption)
            ? []
            : [`the loss curve's caption says "${view.lossCaption.slice(0, 80)}…"`],
        { what, timeout: 5_000 },
      );
    } catch (error) {
      captionProblems.push((error as Error).message);
    }
    return view;
  };
  const trained = await shows("done", epochs, "the trained runs");
  const run = trained.runs.map((r) => r.run);
  await player(watched, "reset to the start");
  await shows("paused", 0, "reset", 20_000);
  await player(watched, "step one epoch");
  await shows("paused", 1, "+1 epoch", 20_000);
  await player(watched, "epoch shown", scrubTo);
  await shows("paused", scrubTo, `the scrubber at ${scrubTo}`, 20_000);
  await player(watched, "reset to the start");
  await shows("paused", 0, "reset again", 20_000);
  await player(watched, "play");
  const played = await shows("done", epochs, "play", 20_000);
  assert.deepEqual(played.runs.map((r) => r.run), run, "the player replays: no run is trained again");
  assert.deepEqual(
    captionProblems,
    [],
    `the loss curve does not follow the player:\n${captionProblems.join("\n")}`,
  );
}

Deno.test("/kmeans: +1 epoch, scrub, reset and play each end with every panel at their epoch", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/, WAIT);
    await playerActions(watched, {
      epochs: 150,
      scrubTo: 75,
      gradientPanels: /^Gradient descent/,
      lossCaption: (epoch) => new RegExp(`Training loss at epoch ${epoch}:`),
    });
    await assertClean(watched);
  });
});

Deno.test("/gmm: +1 epoch, scrub, reset and play each end with both runs at the same epoch", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/gmm", /done in[\s\S]*done in/, WAIT);
    await playerActions(watched, {
      epochs: 1000,
      scrubTo: 500,
      gradientPanels: /^(Random|K-means) init/,
      // Both curves end at the epoch shown (the caption names each run's last point).
      lossCaption: (epoch) =>
        new RegExp(`random[^;]* at epoch ${epoch};.*K-means[^;]* at epoch ${epoch};`, "i"),
    });
    await assertClean(watched);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. A learning rate too large: diverged, said once, and nothing drawn off the charts.

async function divergedChecks(watched: WatchedPage, view: LiveView) {
  const problems: string[] = [];
  // The lesson box of "too large a learning rate" explains the divergence on purpose: the page
  // around it says it once.
  const lesson = await watched.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("main .lesson")].map((box) => box.innerText).join("\n")
  );
  const sentences = view.text.replace(lesson, "").match(DIVERGED) ?? [];
  if (view.runs.some((r) => r.state === "diverged") && sentences.length !== 1) {
    problems.push(`${sentences.length} sentences about the divergence: ${text(sentences)}`);
  }
  const titles = await watched.page.evaluate(() => [
    ...[...document.querySelectorAll("main h2, main h3, main figcaption")].map((el) => el.textContent ?? ""),
    ...[...document.querySelectorAll("main [aria-label]")].map((el) => el.getAttribute("aria-label") ?? ""),
    ...[...document.querySelectorAll("main svg title, main svg text")].map((el) => el.textContent ?? ""),
    document.querySelector(".loss-caption")?.textContent ?? "",
  ]);
  for (const title of titles.filter((t) => LONG_EXPONENT.test(t))) {
    problems.push(`a title with a long exponent: "${title.slice(0, 120)}"`);
  }
  problems.push(...(await marksOutsideFrames(watched.page)).slice(0, 5));
  if (DEAD_NOTE.test(view.text)) problems.push(`the dead-centroid note: "${DEAD_NOTE.exec(view.text)![0]}"`);
  return problems;
}

Deno.test("/kmeans?lr=1000 diverges: one sentence says so, short numbers, every mark inside its chart, no dead-centroid note", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans?lr=1000", /epoch/, WAIT);
    const view = await settle(watched, (view) => runsAre(view, "diverged"), { what: "lr = 1000" });
    // The restarts and the k = 1..5 table train at this rate too: read the page once they are over.
    await waitForIdle(watched.page);
    await watched.page.waitForTimeout(500);
    assert.match(view.runs[0].status, /diverged/);
    const problems = await divergedChecks(watched, await liveView(watched));
    assert.deepEqual(problems, [], problems.join("\n"));
    await assertClean(watched);
  });
});

Deno.test("/gmm?lr=100 (the largest): both runs end done or diverged, short numbers, every mark inside its chart", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/gmm?lr=100", /epoch/, WAIT);
    await settle(
      watched,
      (view) =>
        view.runs.length === 2 && view.runs.every((r) => ["done", "diverged"].includes(r.state))
          ? []
          : [`runs ${text(view.runs.map((r) => r.state))}`],
      { what: "lr = 100" },
    );
    await watched.page.waitForTimeout(500);
    const problems = await divergedChecks(watched, await liveView(watched));
    assert.deepEqual(problems, [], problems.join("\n"));
    await assertClean(watched);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. k 5 → 3, then the restarts: R reruns only them; the seed does not rerun them.

Deno.test("/kmeans: k 5 → 3 ends done with k = 3 everywhere", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/, WAIT);
    const first = await settle(watched, (view) => runsAre(view, "done", 150), { what: "k = 5" });
    await setInput(watched, "k", 3);
    const run = first.runs[0].run + 1;
    await settle(watched, (view) => runsAre(view, "done", 150, run), { what: "k = 3" });
    await settle(watched, (view) => {
      const problems: string[] = [];
      if (view.panels.length < 3) problems.push(`${view.panels.length} panels`);
      for (const panel of view.panels) {
        if (panel.legend !== 3) problems.push(`panel "${panel.title}" has ${panel.legend} legend entries`);
        const centroids = panel.label.match(/cluster \d+ at/g)?.length ?? 0;
        if (centroids !== 3) problems.push(`panel "${panel.title}" describes ${centroids} centroids`);
      }
      if (!/Lloyd \(scikit-learn semantics\): validation score 0\.48848/.test(view.text)) {
        problems.push("Lloyd's panel is not k = 3's");
      }
      if (view.stepper.start?.length !== 3) {
        problems.push(`the step panel starts with ${view.stepper.start?.length}`);
      }
      if (!close(view.stepper.start, view.gradientStart ?? [], 1e-9)) {
        problems.push("the step panel does not start at the gradient run's start");
      }
      return problems;
    }, { what: "the panels at k = 3", timeout: 30_000 });
    // The matching table is a frame loop step of its own, after the run's notes: its end state.
    await watched.page.waitForFunction(
      () => document.querySelectorAll(".matching table tbody tr").length === 3,
      null,
      { timeout: 30_000 },
    ).catch(() => {});
    const matching = await watched.page.locator(".matching table tbody tr").count();
    assert.equal(matching, 3, "the matching table has a row per centroid");
    await assertClean(watched);
  });
});

Deno.test("/kmeans: changing R reruns only the restarts; changing the seed does not rerun them", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans", /done in/, WAIT);
    const { page } = watched;
    const first = await settle(watched, (view) => runsAre(view, "done", 150), { what: "the first run" });
    await waitForText(watched, /The best of 10 restarts scores/, WAIT);
    const run = first.runs[0].run;
    // While the restarts rerun, their old chart stays in place, dimmed (nothing below it moves).
    await page.evaluate(() => {
      const flags = globalThis as unknown as { dimmedChart: boolean };
      flags.dimmedChart = false;
      new MutationObserver(() => {
        if (document.querySelector(".panel-slot.waiting > .slot-wait + svg")) flags.dimmedChart = true;
      }).observe(document.querySelector("main")!, { childList: true, subtree: true, attributes: true });
    });
    await setInput(watched, "restarts (R)", 4);
    await waitForText(watched, /The best of 4 restarts scores/, WAIT);
    assert.ok(
      await page.evaluate(() => (globalThis as unknown as { dimmedChart: boolean }).dimmedChart),
      "the old restarts chart stayed, dimmed, while they reran",
    );
    assert.equal(await page.locator(".waiting").count(), 0, "nothing is left dimmed once they are done");
    const afterR = await liveView(watched);
    assert.deepEqual(afterR.runs.map((r) => [r.state, r.run]), [["done", run]], "R reran the main run");
    const chartDrawn = await page.evaluate(() => {
      const heading = [...document.querySelectorAll("main h2")].find((h) =>
        h.textContent?.trim() === "Restarts"
      );
      let el = heading?.nextElementSibling;
      while (el && !el.classList.contains("card")) el = el.nextElementSibling;
      return !!el?.querySelector("svg");
    });
    assert.ok(chartDrawn, "the restarts chart is drawn");
    const restartsText = /The best of 4 restarts scores[^\n]*/.exec(afterR.text)![0];

    // The restarts use seeds 0..R-1 whatever the seed: a new seed leaves them as they are.
    await page.evaluate(() => {
      const flags = globalThis as unknown as { restartsPlaceholder: boolean };
      flags.restartsPlaceholder = false;
      new MutationObserver(() => {
        if (/Restarts train after the main run/.test(document.querySelector("main")!.textContent ?? "")) {
          flags.restartsPlaceholder = true;
        }
      }).observe(document.querySelector("main")!, { childList: true, subtree: true, characterData: true });
    });
    await setInput(watched, "seed", 3);
    const view = await settle(watched, (view) => runsAre(view, "done", 150, run + 1), { what: "seed 3" });
    await waitForIdle(watched.page);
    const after = await liveView(watched);
    const placeholder = await page.evaluate(() =>
      (globalThis as unknown as { restartsPlaceholder: boolean }).restartsPlaceholder
    );
    assert.equal(placeholder, false, `"Restarts train after the main run…" came back after the seed changed`);
    assert.equal(
      /The best of \d+ restarts scores[^\n]*/.exec(after.text)?.[0],
      restartsText,
      "the restarts text",
    );
    assert.equal(view.runs[0].state, "done");
    await assertClean(watched);
  });
});
