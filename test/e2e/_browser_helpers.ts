/**
 * Page-level helpers for the browser tests: open a page of the built site and wait until a text
 * appears, then check that no error cell, console error or off-site request happened.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { launchBrowser, openWatchedPage, serveStatic, type WatchedPage } from "./_browser.ts";
import { makeBlobs } from "../../lib/random/synthetic.js";

/** A served site and the browser context its pages open in (one storage, like one browser profile). */
export interface Site {
  origin: string;
  browser: Browser;
  context: BrowserContext;
}

/**
 * Runs `body` with a served dist/ and a fresh browser, closing both afterwards; `viewport` sets the
 * pages' size (Playwright's default is 1280 x 720).
 */
export async function withSite(
  body: (site: Site) => Promise<void>,
  { viewport }: { viewport?: { width: number; height: number } } = {},
) {
  const server = serveStatic();
  const browser = await launchBrowser();
  try {
    await body({ origin: server.origin, browser, context: await browser.newContext({ viewport }) });
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Opens `path` and waits until the page's text matches `ready`. */
export async function openPage(
  site: Site,
  path: string,
  ready: RegExp,
  timeout = 90_000,
): Promise<WatchedPage> {
  const watched = await openWatchedPage(site.context, site.origin);
  await watched.page.goto(`${site.origin}${path}`, { waitUntil: "networkidle" });
  await waitForText(watched, ready, timeout);
  return watched;
}

/** Waits until the page's text matches `pattern`. */
export async function waitForText(watched: WatchedPage, pattern: RegExp, timeout = 90_000): Promise<void> {
  await watched.page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.body.innerText),
    [pattern.source, pattern.flags],
    { timeout },
  );
}

/** Asserts the page shows no error cell, logged no console error and asked nothing off-site. */
export async function assertClean(watched: WatchedPage): Promise<void> {
  assert.equal(await watched.page.locator(".observablehq--error").count(), 0, "an error cell is shown");
  assert.deepEqual(watched.errors, [], "console errors");
  assert.deepEqual(watched.externalRequests, [], "requests outside the site");
}

/**
 * Live TensorFlow.js tensors summed over the page's workers: read in each worker from tfjs's own
 * engine (the `_tfengine` global tfjs-core keeps); a worker that is ending counts none.
 */
export async function liveTensors(page: Page): Promise<number> {
  const counts = await Promise.all(
    page.workers().map((worker) =>
      worker.evaluate(() => {
        const engine = (globalThis as { _tfengine?: { memory(): { numTensors: number } } })._tfengine;
        return engine ? engine.memory().numTensors : 0;
      }).catch(() => 0)
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Waits (polling, up to `timeout` ms) until {@link liveTensors} is `count`; returns the last count. */
export async function waitForTensors(page: Page, count: number, timeout = 60_000): Promise<number> {
  const until = Date.now() + timeout;
  let now = await liveTensors(page);
  while (now !== count && Date.now() < until) {
    await page.waitForTimeout(250);
    now = await liveTensors(page);
  }
  return now;
}

/** Waits until no training job is queued or running: the pool's `data-training-jobs` says 0. */
export async function waitForIdle(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const shown = [...document.querySelectorAll<HTMLElement>("[data-training-jobs]")];
      return shown.length > 0 && shown.every((el) => el.dataset.trainingJobs === "0");
    },
    null,
    { timeout },
  );
}

/** What a live page shows of its runs: each progress element's state and epoch, and the drawn markers. */
export interface RunsShown {
  states: string[];
  epochs: number[];
  /** The path data of the first panel's markers (changes when the drawn model changes). */
  centroids: string;
}

/** Reads {@link RunsShown} from the page. */
export function runsShown(watched: WatchedPage): Promise<RunsShown> {
  return watched.page.evaluate(() => {
    const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
    const centroids = [...document.querySelectorAll(".layered-scatter g.moving")][0]?.querySelectorAll(
      "path.marker",
    );
    return {
      states: runs.map((el) => el.dataset.trainingState!),
      epochs: runs.map((el) => Number(el.dataset.epoch)),
      centroids: [...(centroids ?? [])].map((path) => path.getAttribute("d")).join(" "),
    };
  });
}

/** Waits until every visible run's progress element says done (or diverged). */
export async function waitForRunsDone(watched: WatchedPage, timeout = 90_000): Promise<void> {
  await watched.page.waitForFunction(
    () => {
      const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
      return runs.length > 0 && runs.every((el) => ["done", "diverged"].includes(el.dataset.trainingState!));
    },
    null,
    { timeout },
  );
}

/**
 * Clicks the player control labelled `label` (or, for the scrubber, sets it to `value`) and returns
 * the milliseconds until the first progress element's epoch or state changed (the page answered),
 * or until `timeout` ms if nothing changed.
 */
export function playerAction(
  watched: WatchedPage,
  label: string,
  { value, timeout = 2000 }: { value?: number; timeout?: number } = {},
): Promise<number> {
  return watched.page.evaluate(([label, value, timeout]) =>
    new Promise<number>((resolve) => {
      const progress = document.querySelector<HTMLElement>("[data-training-state]")!;
      const before = `${progress.dataset.trainingState} ${progress.dataset.epoch}`;
      const control = document.querySelector<HTMLElement>(`[aria-label="${label}"]`)!;
      const start = performance.now();
      const observer = new MutationObserver(() => {
        if (`${progress.dataset.trainingState} ${progress.dataset.epoch}` === before) return;
        observer.disconnect();
        resolve(performance.now() - start);
      });
      observer.observe(progress, { attributes: true });
      setTimeout(() => {
        observer.disconnect();
        resolve(timeout as number);
      }, timeout as number);
      if (value === null) control.click();
      else {
        (control as HTMLInputElement).value = String(value);
        control.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }), [label, value ?? null, timeout] as const);
}

/** Sets the page input labelled `label` (exactly) to `value`, as typing in it does. */
export async function setInput(watched: WatchedPage, label: string, value: string | number): Promise<void> {
  const input = watched.page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

/** Everything a live page shows of its runs, read at one moment (see {@link liveView}). */
export interface LiveView {
  /** Each run's progress element: state, epoch, run count and its status text. */
  runs: { state: string; epoch: number; run: number; status: string }[];
  /** The epoch next to the player's scrubber. */
  playerEpoch: string;
  /** Each layered scatter panel: its title, its text alternative and its legend's entries. */
  panels: { title: string; label: string; legend: number }[];
  /** The gradient run's epoch-0 centroids (`data-start` of its panel, /kmeans), if given. */
  gradientStart?: number[][];
  /** The step-by-step panel's attributes (`data-start`, `data-loss`, `data-nll`, `data-phase`). */
  stepper: { start?: number[][]; value?: string; phase?: string; title: string };
  /** The loss curve's caption. */
  lossCaption: string;
  /** The page's notes and warnings (`.warning`, `[role=note]`), one text each. */
  notes: string[];
  /** The page's main text. */
  text: string;
}

/** Reads a {@link LiveView} from the page. */
export function liveView(watched: WatchedPage): Promise<LiveView> {
  return watched.page.evaluate(() => {
    const json = (text: string | null | undefined) => (text ? JSON.parse(text) : undefined);
    const stepper = document.querySelector<HTMLElement>(".stepper");
    return {
      runs: [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) => ({
        state: el.dataset.trainingState ?? "",
        epoch: Number(el.dataset.epoch),
        run: Number(el.dataset.run ?? 0),
        status: el.querySelector(".training-status")?.textContent?.trim() ?? "",
      })),
      playerEpoch: document.querySelector(".player-epoch")?.textContent ?? "",
      panels: [...document.querySelectorAll<HTMLElement>("figure.layered-scatter")].map((figure) => ({
        title: figure.querySelector("h2")?.textContent ?? "",
        // The text alternative is on the figure or on the element that wraps it (the panel's root).
        label: figure.getAttribute("aria-label") ?? figure.parentElement?.getAttribute("aria-label") ?? "",
        legend: [...figure.querySelectorAll("span")].filter((span) =>
          [...span.classList].some((name) =>
            /-swatch$/.test(name)
          )
        ).length,
      })),
      gradientStart: json(document.querySelector(".panel-slot[data-start]")?.getAttribute("data-start")),
      stepper: {
        start: json(stepper?.dataset.start),
        value: stepper?.dataset.value,
        phase: stepper?.dataset.phase,
        title: stepper?.querySelector("figure.layered-scatter h2")?.textContent ?? "",
      },
      lossCaption: document.querySelector(".loss-caption")?.textContent?.replace(/\s+/g, " ").trim() ?? "",
      notes: [...document.querySelectorAll<HTMLElement>("main .warning, main [role=note]")].map((el) =>
        el.innerText.trim()
      ).filter(Boolean),
      text: document.querySelector("main")?.innerText ?? "",
    };
  });
}

/**
 * Reads the page until `check` finds nothing wrong with what it shows (an empty list of problems),
 * and returns that view; fails with the last problems found after `timeout` ms. What a visitor
 * sees once an action has run its course, not its first frame.
 */
export async function settle(
  watched: WatchedPage,
  check: (view: LiveView) => string[],
  { timeout = 60_000, what = "the page" }: { timeout?: number; what?: string } = {},
): Promise<LiveView> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const view = await liveView(watched);
    const problems = check(view);
    if (!problems.length) return view;
    if (Date.now() > deadline) {
      assert.fail(`${what}, after ${timeout / 1000} s: ${problems.join("; ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Every mark of the scatter panels' moving layer (path, circle, ellipse, line, rect, text) that is
 * drawn outside its chart's plot frame by more than 1 px, as "panel title: tag at [box]". A mark's
 * box is first cut to any nested svg of the layer that hides its overflow (the mixture's clip):
 * what is cut away is not seen.
 */
export function marksOutsideFrames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const figure of document.querySelectorAll("figure.layered-scatter")) {
      const svg = figure.querySelector<SVGSVGElement>(".scatter-stack > svg");
      const frameMark = svg?.querySelector('[aria-label="frame"]');
      if (!svg || !frameMark) continue;
      const frame = frameMark.getBoundingClientRect();
      const title = figure.querySelector("h2")?.textContent ?? "(untitled)";
      const marks = svg.querySelectorAll("g.moving :is(path, circle, ellipse, line, rect, text)");
      for (const mark of marks) {
        const box = mark.getBoundingClientRect();
        if (box.width === 0 && box.height === 0 && box.x === 0 && box.y === 0) continue; // no geometry
        let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
        for (let el: Element | null = mark.parentElement; el && el !== svg; el = el.parentElement) {
          if (el.tagName.toLowerCase() !== "svg" || !/hidden|clip/.test(getComputedStyle(el).overflow)) {
            continue;
          }
          // Its viewport (x, y, width, height in its parent's user units) on screen: its own box is
          // the union of its content's, overflow included.
          const nested = el as SVGSVGElement,
            matrix = (el.parentElement as unknown as SVGGraphicsElement)
              .getScreenCTM();
          if (!matrix) continue;
          const corner = (x: number, y: number) => new DOMPoint(x, y).matrixTransform(matrix);
          const [x, y] = [nested.x.baseVal.value, nested.y.baseVal.value];
          const a = corner(x, y), b = corner(x + nested.width.baseVal.value, y + nested.height.baseVal.value);
          [left, top, right, bottom] = [
            Math.max(left, Math.min(a.x, b.x)),
            Math.max(top, Math.min(a.y, b.y)),
            Math.min(right, Math.max(a.x, b.x)),
            Math.min(bottom, Math.max(a.y, b.y)),
          ];
        }
        // The moving layer's clip path (a rect in the layer's own units): what it cuts away is not seen.
        const clipped = mark.closest("[clip-path]") as SVGGraphicsElement | null;
        const id = clipped?.getAttribute("clip-path")?.match(/url\(#([^)]+)\)/)?.[1];
        const rect = id ? document.getElementById(id)?.querySelector("rect") : null;
        const matrix = clipped?.getScreenCTM();
        if (rect && matrix) {
          const number = (name: string) => Number(rect.getAttribute(name));
          const a = new DOMPoint(number("x"), number("y")).matrixTransform(matrix);
          const b = new DOMPoint(number("x") + number("width"), number("y") + number("height"))
            .matrixTransform(matrix);
          [left, top, right, bottom] = [
            Math.max(left, Math.min(a.x, b.x)),
            Math.max(top, Math.min(a.y, b.y)),
            Math.min(right, Math.max(a.x, b.x)),
            Math.min(bottom, Math.max(a.y, b.y)),
          ];
        }
        if (right < left || bottom < top) continue; // wholly clipped away
        if (
          left < frame.left - 1 || top < frame.top - 1 || right > frame.right + 1 || bottom > frame.bottom + 1
        ) {
          const r = (v: number) => Math.round(v);
          out.push(
            `${title}: ${mark.tagName} at [${r(left)}, ${r(top)}, ${r(right)}, ${
              r(bottom)
            }] outside the frame [${r(frame.left)}, ${r(frame.top)}, ${r(frame.right)}, ${r(frame.bottom)}]`,
          );
        }
      }
    }
    return out;
  });
}

/** A CSV of `n` seeded blobs in 3 dimensions with a header, as a user would export it, lines ended by `newline`. */
export function blobsCsv({ n, seed, newline = "\n" }: { n: number; seed: number; newline?: string }): string {
  const { points } = makeBlobs({ n, k: 3, d: 3, spread: 0.5, seed });
  const rows = ["alpha,beta,gamma"];
  for (let i = 0; i < points.rows; i++) {
    rows.push(Array.from(points.data.subarray(3 * i, 3 * i + 3)).join(","));
  }
  return rows.join(newline);
}

/**
 * Clicks a Plot chart (`chart`, an svg) where a reader would to place points at `fractions` of its x
 * and y domains: data to screen through the chart's own scales. Gives the points clicked (data units)
 * and one pixel's worth of data, the tolerance of a click.
 */
export async function clickChartAt(
  chart: Locator,
  fractions: number[][],
  timeout = 60_000,
): Promise<{ wanted: number[][]; pixel: number }> {
  await chart.waitFor({ timeout });
  await chart.scrollIntoViewIfNeeded();
  const geometry = await chart.evaluate((element, fractions) => {
    const chart = element as unknown as SVGSVGElement & {
      scale(name: string): { apply(v: number): number; domain: number[]; range: number[] };
    };
    const x = chart.scale("x"), y = chart.scale("y");
    const box = element.getBoundingClientRect();
    const ratio = box.width / chart.viewBox.baseVal.width;
    const at = (s: { domain: number[] }, f: number) => s.domain[0] + f * (s.domain[1] - s.domain[0]);
    const wanted = fractions.map(([a, b]) => [at(x, a), at(y, b)]);
    const span = (s: { domain: number[]; range: number[] }) =>
      Math.abs((s.domain[1] - s.domain[0]) / (s.range[1] - s.range[0]));
    return {
      wanted,
      clicks: wanted.map(([a, b]) => [box.left + x.apply(a) * ratio, box.top + y.apply(b) * ratio]),
      pixel: Math.max(span(x), span(y)) / ratio,
    };
  }, fractions);
  for (const [cx, cy] of geometry.clicks) await chart.page().mouse.click(cx, cy);
  return { wanted: geometry.wanted, pixel: geometry.pixel };
}

/**
 * The step-by-step panel's value (`data-value`: Lloyd's loss or EM's NLL) at its start and after each
 * of `steps` clicks on its "step forward" button.
 */
export async function stepperValues(page: Page, steps = 2): Promise<(string | null)[]> {
  await page.waitForSelector(".stepper[data-value]", { timeout: 60_000 });
  const value = () => page.getAttribute(".stepper", "data-value");
  const seen = [await value()];
  for (let step = 1; step <= steps; step++) {
    await page.locator(".stepper .step-forward").click();
    await page.waitForSelector(`.stepper[data-step="${step}"]`);
    seen.push(await value());
  }
  return seen;
}
