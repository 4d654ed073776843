// Training you can watch, on the built site: a fresh live page animates its runs with no click (the
// epochs a visitor sees, sampled every animation frame), "Back to the notebook's settings" puts the
// inputs and the link back and trains to done, and "Copy link" says what happened. Needs
// `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { assertClean, liveView, openPage, settle, type Site, withSite } from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";
import { GRADIENT_KMEANS } from "../../lib/notebook_settings.ts";
import { RACE_LANES } from "../../lib/kmeans/optimizer_race.ts";

const VIEWPORT = { width: 1400, height: 900 };
/** The longest any one wait lasts (the machine is slow and shared). */
const WAIT = 90_000;
const site = (body: (site: Site) => Promise<void>) => withSite(body, { viewport: VIEWPORT });

/**
 * One frame's reading: when, each run's progress element (state, epoch, run count), and the epoch
 * each run's panel has painted.
 */
interface Sample {
  t: number;
  runs: { state: string; epoch: number; run: string }[];
  panels: number[];
}

/**
 * Installed before the page's scripts: reads every progress element's `data-training-state` and
 * `data-epoch`, and every run panel's `data-epoch` (the epoch painted), in every animation frame
 * from the start, into `window.__samples`.
 */
function sampleEveryFrame() {
  const samples: Sample[] = [];
  (window as unknown as { __samples: Sample[] }).__samples = samples;
  const read = (t: number) => {
    const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) => ({
      state: el.dataset.trainingState ?? "",
      epoch: Number(el.dataset.epoch),
      run: el.dataset.run ?? "",
    }));
    const panels = [...document.querySelectorAll<HTMLElement>("[data-epoch]:has(> figure.layered-scatter)")];
    if (runs.length) samples.push({ t, runs, panels: panels.map((el) => Number(el.dataset.epoch)) });
    requestAnimationFrame(read);
  };
  requestAnimationFrame(read);
}

/** What a visitor saw of the first run of each progress element, and of its panel, from the frames sampled. */
function seen(samples: Sample[]) {
  const first = samples.filter((s) => s.runs.every((r) => r.run === "1"));
  const count = first[0]?.runs.length ?? 0;
  const between = (epochs: number[], last: number) => new Set(epochs.filter((e) => e > 0 && e < last)).size;
  return Array.from({ length: count }, (_, i) => {
    const epochs = first.map((s) => s.runs[i].epoch);
    const doneAt = first.find((s) => s.runs[i].state === "done");
    const last = doneAt?.runs[i].epoch ?? NaN;
    const movedAt = first.find((s) => s.runs[i].epoch > 0);
    return {
      last,
      done: !!doneAt,
      intermediate: between(epochs, last),
      /** The same count for the epochs the run's panel painted. */
      painted: between(first.flatMap((s) => s.panels.length === count ? [s.panels[i]] : []), last),
      /** Milliseconds from the first epoch after 0 on screen to "done". */
      onScreenMs: doneAt && movedAt ? doneAt.t - movedAt.t : NaN,
      /** Whether the epoch on screen ever went back. */
      backwards: epochs.some((e, j) => j > 0 && e < epochs[j - 1]),
    };
  });
}

for (const path of ["/kmeans", "/gmm"]) {
  Deno.test(`${path}: a fresh page trains visibly, with no click: ten or more epochs between 0 and the last`, async () => {
    await site(async (site) => {
      await site.context.addInitScript(sampleEveryFrame);
      const watched = await openPage(site, path, /epoch/, WAIT);
      await watched.page.waitForFunction(
        () => {
          const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
          return runs.length > 0 && runs.every((el) => el.dataset.trainingState === "done");
        },
        null,
        { timeout: WAIT },
      );
      await watched.page.waitForTimeout(500); // the frames after "done" are sampled too
      const samples = await watched.page.evaluate(() =>
        (window as unknown as { __samples: Sample[] }).__samples
      );
      const runs = seen(samples);
      const said = runs.map((r) =>
        `${r.intermediate} distinct epochs between 0 and ${r.last} (${r.painted} painted), ` +
        `${r.onScreenMs.toFixed(0)} ms from the first to done`
      );
      console.log(`${path}: ${samples.length} frames sampled; per run: ${said.join("; ")}`);
      assert.ok(runs.length > 0, "no run sampled");
      for (const [i, run] of runs.entries()) {
        assert.ok(run.done, `run ${i} never said done`);
        assert.ok(
          run.intermediate >= 10,
          `run ${i} said ${run.intermediate} epochs between 0 and ${run.last}`,
        );
        assert.ok(
          run.painted >= 10,
          `run ${i}'s panel painted ${run.painted} epochs between 0 and ${run.last}`,
        );
        assert.ok(!run.backwards, `run ${i}'s epoch went back while it played`);
        // The pace: a whole run over about 2 s (or longer, when training is slower): not a jump.
        assert.ok(
          run.onScreenMs > 1000,
          `run ${i} went from its first epoch to done in ${run.onScreenMs} ms`,
        );
      }
      await assertClean(watched);
    });
  });
}

/** The value of the number field of the page input labelled `label`. */
function inputValue(watched: WatchedPage, label: string): Promise<number> {
  return watched.page.getByLabel(label, { exact: true }).inputValue().then(Number);
}

Deno.test("/kmeans?k=3&lr=0.5&seed=4&sgdLr=0.3: Back to the notebook's settings restores k 5, lr 0.1, 150 epochs, seed 0, the race's rates, and trains to done", async () => {
  await site(async (site) => {
    const watched = await openPage(site, "/kmeans?k=3&lr=0.5&epochs=60&seed=4&sgdLr=0.3", /done in/, WAIT);
    const { page } = watched;
    assert.deepEqual(
      [
        await inputValue(watched, "k"),
        await inputValue(watched, "learning rate"),
        await inputValue(watched, "seed"),
      ],
      [3, 0.5, 4],
      "the link's settings first",
    );
    const before = Number(await page.locator("[data-training-state]").first().getAttribute("data-run"));
    await page.getByRole("button", { name: "Back to the notebook's settings" }).click();
    await settle(watched, (view) => {
      const run = view.runs[0];
      if (!run || run.run <= before) return ["no new run started"];
      return run.state === "done" && run.epoch === GRADIENT_KMEANS.epochs
        ? []
        : [`the new run is ${run.state} at epoch ${run.epoch}`];
    }, { what: "the notebook's settings", timeout: WAIT });
    assert.deepEqual(
      {
        k: await inputValue(watched, "k"),
        lr: await inputValue(watched, "learning rate"),
        epochs: await inputValue(watched, "epochs"),
        seed: await inputValue(watched, "seed"),
      },
      { k: 5, lr: GRADIENT_KMEANS.lr, epochs: GRADIENT_KMEANS.epochs, seed: 0 },
      "the inputs",
    );
    const url = new URL(page.url()).searchParams;
    assert.deepEqual(
      ["k", "lr", "epochs", "seed", "init", "sgdLr"].map((name) => url.get(name)),
      [
        "5",
        String(GRADIENT_KMEANS.lr),
        String(GRADIENT_KMEANS.epochs),
        "0",
        "uniform",
        String(RACE_LANES.sgd.lr),
      ],
      `the link: ${page.url()}`,
    );
    const [gradient] = (await liveView(watched)).panels;
    assert.equal(
      gradient.label.match(/cluster \d+ at/g)?.length,
      5,
      `the gradient panel shows five centroids: ${gradient.label}`,
    );
    await assertClean(watched);
  });
});

Deno.test("/kmeans: Copy link says Copied (and the clipboard holds the link), or says why it could not", async () => {
  await site(async (site) => {
    await site.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.origin });
    const watched = await openPage(site, "/kmeans?k=4&seed=2", /epoch/, WAIT);
    const { page } = watched;
    const button = page.getByRole("button", { name: "Copy link to these settings" });
    await button.click();
    const status = page.locator(".copy-status");
    await status.filter({ hasText: /^Copied/ }).waitFor({ timeout: WAIT });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
    await assertClean(watched);

    // A browser that refuses the clipboard.
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    });
    await button.click();
    await status.filter({ hasText: /^Could not copy/ }).waitFor({ timeout: WAIT });
    assert.match(await status.textContent() ?? "", /address bar/);
  });
});
