/**
 * Page-level helpers for the browser tests: open a page of the built site and wait until a text
 * appears, then check that no error cell, console error or off-site request happened.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser, openWatchedPage, serveStatic, type WatchedPage } from "./_browser.ts";

/** A served site and the browser context its pages open in (one storage, like one browser profile). */
export interface Site {
  origin: string;
  browser: Browser;
  context: BrowserContext;
}

/** Runs `body` with a served dist/ and a fresh browser, closing both afterwards. */
export async function withSite(body: (site: Site) => Promise<void>) {
  const server = serveStatic();
  const browser = await launchBrowser();
  try {
    await body({ origin: server.origin, browser, context: await browser.newContext() });
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

/** What a live page shows of its runs: each progress element's state and epoch, and the drawn centres. */
export interface RunsShown {
  states: string[];
  epochs: number[];
  /** The path data of the first panel's centre markers (changes when the drawn model changes). */
  centres: string;
}

/** Reads {@link RunsShown} from the page. */
export function runsShown(watched: WatchedPage): Promise<RunsShown> {
  return watched.page.evaluate(() => {
    const runs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
    const centres = [...document.querySelectorAll(".layered-scatter g.moving")][0]?.querySelectorAll(
      "path.centre",
    );
    return {
      states: runs.map((el) => el.dataset.trainingState!),
      epochs: runs.map((el) => Number(el.dataset.epoch)),
      centres: [...(centres ?? [])].map((path) => path.getAttribute("d")).join(" "),
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
