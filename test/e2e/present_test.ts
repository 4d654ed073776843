// The projector and the phone, on the built site: presentation mode on /kmeans and /gmm at
// 1400 x 900 (the controls, the player, the three panels and the gap curve on one screen, chart text
// at 14 px or more, trained to done, and the page back as it was on leaving); on a 390 px touch
// screen, the start picker lets a swipe scroll the page until "Place centroids" is on, and then
// takes a tap; the picker placed with the keyboard alone starts the run there; on a phone the
// first chart's plot area is on the first screen and the matching table's columns are whole.
// Screenshots go to /tmp/shots/ (or LAYOUT_SHOTS). Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser, openWatchedPage, serveStatic, type WatchedPage } from "./_browser.ts";
import { assertClean, liveView, settle, waitForRunsDone, waitForText } from "./_browser_helpers.ts";
import { THEMES, topOfPlotArea } from "./_layout.ts";

const SHOTS = Deno.env.get("LAYOUT_SHOTS") ?? "/tmp/shots";
await Deno.mkdir(SHOTS, { recursive: true });
/** The longest any one wait lasts (the machine is slow and shared). */
const WAIT = 90_000;
const PROJECTOR = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Runs `body` with the built site served and a fresh browser context of `options`. */
async function withContext(
  options: Parameters<import("playwright-core").Browser["newContext"]>[0],
  body: (open: (path: string, ready: RegExp) => Promise<WatchedPage>) => Promise<void>,
) {
  const server = serveStatic();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext(options);
    await body(async (path, ready) => {
      const watched = await openWatchedPage(context, server.origin);
      await watched.page.goto(`${server.origin}${path}`, { waitUntil: "networkidle" });
      await waitForText(watched, ready, WAIT);
      return watched;
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The boxes (viewport px) of what presentation mode must show, by name; absent ones are left out. */
function presentedBoxes(page: Page) {
  return page.evaluate(() => {
    const boxes: Record<string, { top: number; bottom: number; left: number; right: number }> = {};
    const add = (name: string, element: Element | null) => {
      const box = element?.getBoundingClientRect();
      if (box && box.width > 0 && box.height > 0) {
        boxes[name] = { top: box.top, bottom: box.bottom, left: box.left, right: box.right };
      }
    };
    add("controls", document.querySelector(".live-controls"));
    add("player", document.querySelector(".live-player .player"));
    document.querySelectorAll(".live-panels > .card").forEach((card, i) => add(`panel ${i + 1}`, card));
    add("gap curve", document.querySelector(".gap-card svg"));
    return boxes;
  });
}

/** The smallest font size (px) of the panels' and the gap curve's tick labels and titles. */
function chartTextSizes(page: Page) {
  return page.evaluate(() => {
    const size = (selector: string) =>
      Math.min(
        ...[...document.querySelectorAll(selector)].map((el) => parseFloat(getComputedStyle(el).fontSize)),
      );
    return {
      ticks: size(":is(.live-panels, .gap-card) svg [aria-label$='tick label'] text"),
      titles: size(".live-panels figure h2"),
    };
  });
}

for (const name of ["kmeans", "gmm"] as const) {
  Deno.test(`/${name}: presentation mode at 1400 x 900 puts the controls, three panels and the gap curve on one screen, and leaving it restores the page`, async (t) => {
    for (const colorScheme of THEMES) {
      await t.step(colorScheme, async () => {
        await withContext({ viewport: PROJECTOR, colorScheme }, async (open) => {
          const watched = await open(`/${name}`, /epoch/);
          const { page } = watched;
          const before = await page.evaluate(() => document.documentElement.scrollHeight);
          await page.getByRole("button", { name: "Present (fullscreen)" }).click();
          await page.waitForFunction(() => /[?&]present=1/.test(location.search));
          await waitForRunsDone(watched, WAIT);
          await page.waitForTimeout(1000); // the panels redraw at their new widths, a frame each
          await page.screenshot({ path: `${SHOTS}/${name}-present-1400-${colorScheme}.png` });
          const boxes = await presentedBoxes(page);
          assert.deepEqual(
            Object.keys(boxes),
            ["controls", "player", "panel 1", "panel 2", "panel 3", "gap curve"],
            "what presentation mode shows",
          );
          for (const [part, box] of Object.entries(boxes)) {
            assert.ok(
              box.top >= 0 && box.bottom <= PROJECTOR.height && box.right <= PROJECTOR.width,
              `${part} at ${JSON.stringify(box)}: not on the 1400 x 900 screen`,
            );
          }
          assert.equal(
            await page.evaluate(() => document.documentElement.scrollHeight),
            PROJECTOR.height,
            "nothing below the fold",
          );
          const sizes = await chartTextSizes(page);
          assert.ok(sizes.ticks >= 14 && sizes.titles >= 14, `chart text ${JSON.stringify(sizes)} px`);
          console.log(
            `${name} presenting (${colorScheme}): ${JSON.stringify(sizes)} px; ${JSON.stringify(boxes)}`,
          );
          await page.getByRole("button", { name: /Leave presentation/ }).click();
          await page.waitForFunction(() => !/[?&]present=/.test(location.search));
          const after = await page.evaluate(() => ({
            height: document.documentElement.scrollHeight,
            sidebar: document.querySelector("#observablehq-sidebar")!.getBoundingClientRect().width,
            fullscreen: !!document.fullscreenElement,
          }));
          assert.ok(after.height >= before - 200, `the page is ${after.height} px tall again, was ${before}`);
          assert.ok(after.sidebar > 0, "the sidebar is back");
          assert.equal(after.fullscreen, false, "fullscreen left");
          await assertClean(watched);
        });
      });
    }
  });
}

Deno.test("/gmm?present=1: a link opens in presentation mode (no fullscreen without a click), trained to done", async () => {
  await withContext({ viewport: PROJECTOR }, async (open) => {
    const watched = await open("/gmm?present=1", /epoch/);
    await waitForRunsDone(watched, WAIT);
    await watched.page.waitForTimeout(1000);
    const boxes = await presentedBoxes(watched.page);
    assert.equal(Object.keys(boxes).length, 6, `shown: ${Object.keys(boxes)}`);
    for (const [part, box] of Object.entries(boxes)) {
      assert.ok(box.bottom <= PROJECTOR.height, `${part} ends at ${box.bottom} px`);
    }
    assert.equal(
      await watched.page.evaluate(() => document.documentElement.scrollHeight),
      PROJECTOR.height,
      "nothing below the fold",
    );
    await assertClean(watched);
  });
});

/** The picker's chart, scrolled to the middle of the window, and its box. */
async function pickerBox(page: Page) {
  const svg = page.locator(".centroid-picker svg").first();
  await svg.waitFor({ timeout: WAIT });
  await svg.evaluate((element) => element.scrollIntoView({ block: "center" }));
  await page.waitForTimeout(300);
  return (await svg.boundingBox())!;
}

/** Centroids drawn on the picker. */
const placedOnPicker = (page: Page) =>
  page.locator(".centroid-picker .picked-centroids circle[data-centroid]").count();

Deno.test("/kmeans on a 390 px touch screen: a swipe over the picker scrolls the page and places nothing; once 'Place centroids' is on, a tap places one", async () => {
  await withContext({ viewport: PHONE, hasTouch: true, isMobile: true }, async (open) => {
    const watched = await open("/kmeans?k=3", /done in/);
    const { page } = watched;
    const box = await pickerBox(page);
    const scrollBefore = await page.evaluate(() => scrollY);
    // A finger down in the middle of the picker, moved 300 px up: the page should follow it.
    const cdp = await page.context().newCDPSession(page);
    const x = box.x + box.width / 2, y = box.y + box.height * 0.7;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
    for (let step = 1; step <= 10; step++) {
      await cdp.send("Input.dispatchTouchEvent", {
        type: "touchMove",
        touchPoints: [{ x, y: y - 30 * step }],
      });
      await page.waitForTimeout(16);
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await page.waitForTimeout(500);
    const scrollAfter = await page.evaluate(() => scrollY);
    assert.ok(
      scrollAfter > scrollBefore + 100,
      `the swipe scrolled from ${scrollBefore} to ${scrollAfter} px`,
    );
    assert.equal(await placedOnPicker(page), 0, "the swipe placed a centroid");
    assert.doesNotMatch(page.url(), /[?&]start=/);
    // Turned on, a tap places a centroid where it lands.
    const toggle = page.getByRole("button", { name: "Place centroids" });
    await toggle.scrollIntoViewIfNeeded();
    await toggle.tap();
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    const on = await pickerBox(page);
    await page.touchscreen.tap(on.x + on.width / 2, on.y + on.height / 2);
    assert.equal(await placedOnPicker(page), 1, "a tap with the toggle on places one centroid");
    await page.screenshot({ path: `${SHOTS}/kmeans-picker-390-touch.png` });
    await assertClean(watched);
  });
});

Deno.test("/kmeans: the picker with the keyboard alone: k centroids placed with arrows and Enter start the run, epoch 0 exactly there", async () => {
  await withContext({ viewport: PROJECTOR }, async (open) => {
    const watched = await open("/kmeans?k=3&seed=0", /done in/);
    const { page } = watched;
    await waitForRunsDone(watched, WAIT);
    const before = (await liveView(watched)).runs[0].run;
    await pickerBox(page);
    await page.locator(".centroid-picker svg").first().focus();
    const cursor = async () =>
      JSON.parse(await page.locator(".centroid-picker svg").first().getAttribute("data-cursor") ?? "null");
    const start = await cursor();
    const placed: number[][] = [];
    // Each centroid: some arrows (Shift: five steps), then Enter.
    for (
      const keys of [["ArrowLeft", "Shift+ArrowLeft", "ArrowUp"], ["Shift+ArrowRight", "ArrowRight"], [
        "Shift+ArrowDown",
        "Shift+ArrowDown",
      ]]
    ) {
      for (const key of keys) await page.keyboard.press(key);
      placed.push(await cursor());
      await page.keyboard.press("Enter");
    }
    assert.ok(placed[0][0] < start[0] && placed[0][1] > start[1], `left and up from ${start}: ${placed[0]}`);
    assert.ok(placed[1][0] > start[0] && placed[2][1] < start[1], `right, then down: ${placed}`);
    await page.waitForFunction(() => /[?&]start=/.test(location.search), null, { timeout: WAIT });
    const urlStart = new URL(page.url()).searchParams.get("start")!.split(";").map((row) =>
      row.split(",").map(Number)
    );
    // The URL keeps 6 significant digits of each placed value.
    urlStart.forEach((row, j) =>
      row.forEach((v, t) =>
        assert.ok(
          Math.abs(v - placed[j][t]) <= 1e-5 * Math.max(1, Math.abs(v)),
          `start ${urlStart} vs ${placed}`,
        )
      )
    );
    const view = await settle(watched, (view) => {
      const problems: string[] = [];
      if (!(view.runs[0]?.run > before)) problems.push("the keys started no new run");
      if (view.runs.some((run) => run.state !== "done")) {
        problems.push(`states ${view.runs.map((r) => r.state)}`);
      }
      const epoch0 = view.gradientStart ?? [];
      const same = epoch0.length === 3 &&
        epoch0.every((row, j) =>
          row.every((v, t) => Math.abs(v - urlStart[j][t]) <= 1e-6 * Math.max(1, Math.abs(v)))
        );
      if (!same) problems.push(`epoch 0 is ${JSON.stringify(epoch0)}, not ${JSON.stringify(urlStart)}`);
      return problems;
    }, { what: "the run from the keyboard's start", timeout: WAIT });
    assert.equal(view.gradientStart?.length, 3);
    // The rebuilt picker keeps the focus: the keyboard goes on from where it was.
    assert.ok(
      await page.evaluate(() => !!document.activeElement?.closest(".centroid-picker")),
      "the picker lost the focus",
    );
    await assertClean(watched);
  });
});

Deno.test("/kmeans on a 390 px phone: the first chart's plot area on the first screen, the matching table's columns whole, formulas scroll with a cue", async () => {
  await withContext({ viewport: PHONE, hasTouch: true, isMobile: true }, async (open) => {
    const watched = await open("/kmeans", /done in/);
    const { page } = watched;
    await page.screenshot({ path: `${SHOTS}/kmeans-phone-first-screen.png` });
    const top = await topOfPlotArea(page);
    console.log(`kmeans at 390 px: the first chart's plot area at ${Math.round(top)} px`);
    assert.ok(top < PHONE.height, `the first chart's plot area starts at ${top} px`);
    const table = page.locator(".matching table");
    await table.waitFor({ timeout: WAIT });
    await table.scrollIntoViewIfNeeded();
    const cut = await table.evaluate((element) =>
      [...element.querySelectorAll("td, th")].filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
        .map((cell) => cell.textContent)
    );
    assert.deepEqual(cut, [], "cells cut short");
    const scroller = await table.evaluate((element) => {
      const frame = element.closest("form")!;
      return {
        scrolls: frame.scrollWidth > frame.clientWidth,
        overflow: getComputedStyle(frame).overflowX,
        cue: getComputedStyle(frame).backgroundImage,
      };
    });
    assert.ok(scroller.overflow === "auto", `the table's frame: ${JSON.stringify(scroller)}`);
    if (scroller.scrolls) {
      assert.match(scroller.cue, /radial-gradient/, "a table that scrolls shows a shadow");
    }
    await page.screenshot({ path: `${SHOTS}/kmeans-phone-matching.png` });
    // Formulas wider than the column scroll inside their frame, which has the same shadow.
    const formula = page.locator(".formula").first();
    await formula.scrollIntoViewIfNeeded();
    await page.waitForSelector(".formula .katex", { timeout: WAIT });
    const formulas = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".formula")].map((element) => ({
        scrolls: element.scrollWidth > element.clientWidth,
        cue: /radial-gradient/.test(getComputedStyle(element).backgroundImage),
        inner: [...element.querySelectorAll<HTMLElement>(".katex-display")].some((inner) =>
          /auto|scroll/.test(getComputedStyle(inner).overflowX) && inner.scrollWidth > inner.clientWidth
        ),
      }))
    );
    for (const f of formulas) {
      assert.ok(!f.inner, "a formula scrolls inside KaTeX's own box, where no shadow shows");
      if (f.scrolls) assert.ok(f.cue, "a formula that scrolls shows a shadow");
    }
    await page.screenshot({ path: `${SHOTS}/kmeans-phone-formulas.png` });
    await assertClean(watched);
  });
});
