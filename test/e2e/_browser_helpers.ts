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
