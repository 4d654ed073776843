// Every page at 1400 px and 390 px, light and dark: no sideways scroll, Inputs' controls styled
// (label and field on one row at 1400 px), no mark outside its frame; on the Report, matched
// colours across each panel set and equal plot heights in a row. Screenshots of each go to
// /tmp/shots/ (or LAYOUT_SHOTS) to be looked at. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import { marksOutsideFrames } from "./_browser_helpers.ts";
import { launchBrowser, openWatchedPage, serveStatic } from "./_browser.ts";
import { assertClean, waitForText } from "./_browser_helpers.ts";
import {
  controlsOffTheirRow,
  marksOutsideFrame,
  panelColourAgreement,
  panelRowHeights,
  sidewaysOverflow,
  THEMES,
  topOfPlotArea,
  VIEWPORTS,
  widestElements,
} from "./_layout.ts";

const SHOTS = Deno.env.get("LAYOUT_SHOTS") ?? "/tmp/shots";

/** The pages, the text each shows once ready, and whether this test checks its charts' marks. */
const PAGES = [
  { name: "report", path: "/", ready: /Part 2/, charts: '[data-panels="mixture-1"] svg' },
  { name: "model-selection", path: "/model-selection", ready: /Silhouette/, charts: ".card svg" },
  { name: "your-data", path: "/your-data", ready: /Your data/ },
  { name: "bench", path: "/bench", ready: /\w/ },
  // The live pages' own checks (first chart within 844 px on a phone, matched colours) are in
  // their tests; here only what holds for every page.
  { name: "kmeans", path: "/kmeans", ready: /Lloyd/ },
  { name: "gmm", path: "/gmm", ready: /EM/ },
  { name: "soft-kmeans", path: "/soft-kmeans", ready: /Annealing: where the centroids split/ },
  { name: "atlas", path: "/atlas", ready: /Local optima/ },
];

/** Report panel sets: K-means pairs (gradient, Lloyd) and mixture triples (random, K-means init, EM). */
const PANEL_SETS = [1, 2, 3, 4, 5].flatMap((k) => [`kmeans-${k}`, `mixture-${k}`]);

await Deno.mkdir(SHOTS, { recursive: true });

/**
 * Where data2D has a dense blob that every solution at k = 3 gives one cluster (measured on the
 * picker's scatter: the blob around x₀ ≈ -1, x₁ ≈ -3.4; points within a few pixels all belong to it).
 */
const BLOB = [-1.0, -3.4];

/**
 * The canvas colour (RGB, averaged over 3 x 3 device pixels) at `BLOB` in every layered scatter
 * matching `selector`, through each chart's own x and y scales.
 */
function blobColours(page: import("playwright-core").Page, selector: string) {
  return page.evaluate(
    ([selector, bx, by]) =>
      [...document.querySelectorAll(selector as string)].map((figure) => {
        const svg = figure.querySelector(".scatter-stack > svg") as unknown as {
          scale(name: string): { apply(v: number): number };
        };
        const canvas = figure.querySelector("canvas.scatter-points") as HTMLCanvasElement;
        const ratio = canvas.width / canvas.getBoundingClientRect().width;
        const px = Math.round(svg.scale("x").apply(bx as number) * ratio);
        const py = Math.round(svg.scale("y").apply(by as number) * ratio);
        const data = canvas.getContext("2d")!.getImageData(px - 1, py - 1, 3, 3).data;
        const rgb = [0, 0, 0];
        let covered = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] < 40) continue; // a transparent pixel: no point there
          covered++;
          for (let c = 0; c < 3; c++) rgb[c] += data[i + c];
        }
        return {
          title: figure.querySelector("h2")?.textContent ?? "",
          rgb: rgb.map((v) => v / (covered || 1)),
          covered,
        };
      }),
    [selector, ...BLOB],
  );
}

/**
 * The live pages' own layout checks: the first chart on the first screen of a phone, and matched
 * colours across the panel set (k = 3, where every run finds the blob): the canvas pixels at the blob
 * read the same colour in every panel; permuted colours would differ by far more than the tolerance.
 */
async function liveChecks(page: import("playwright-core").Page, name: "kmeans" | "gmm", width: number) {
  if (width < 1000) {
    // The plot area itself (the frame inside the chart's margins), not only the chart's title or
    // legend, shows at least 60 px on the first screen.
    const top = await topOfPlotArea(page);
    assert.ok(
      top + 60 < 844,
      `${name}: the first live chart's plot area starts at ${top} px; under 60 px of it is on a phone's first screen`,
    );
    console.log(`${name} at ${width} px: first live chart's plot area at ${Math.round(top)} px`);
  }
  // The moving layer (centroids, circles, paths) of every layered scatter stays in its frame, as seen:
  // what the layer's clip path cuts away is not counted.
  const outside = await marksOutsideFrames(page);
  assert.deepEqual(outside, [], `${name}: moving marks outside their frame`);
  await page.goto(`${new URL(page.url()).origin}/${name}?k=3&seed=0`, { waitUntil: "networkidle" });
  if (name === "kmeans") {
    await page.waitForFunction(() => /done in/.test(document.body.innerText), null, { timeout: 90_000 });
    await page.getByRole("button", { name: "Lloyd: to convergence" }).click();
  } else {
    await page.waitForFunction(
      () => (document.body.innerText.match(/done in/g) ?? []).length >= 2,
      null,
      { timeout: 120_000 },
    );
    await page.getByRole("button", { name: "EM: to convergence" }).click();
  }
  await page.waitForTimeout(500);
  const panels = await blobColours(page, ".card .layered-scatter");
  assert.equal(panels.length, name === "kmeans" ? 3 : 4, `${name}: panels ${panels.map((p) => p.title)}`);
  for (const panel of panels) {
    assert.ok(panel.covered >= 5, `${name}: no points at the blob in "${panel.title}"`);
  }
  // Two palette colours differ by well over 60 in some channel; one colour drawn at different
  // opacities over the same background differs by less (measured below, printed).
  const [first] = panels;
  for (const panel of panels) {
    const gap = Math.max(...panel.rgb.map((v, c) => Math.abs(v - first.rgb[c])));
    console.log(
      `${name}: "${panel.title}" blob colour ${panel.rgb.map(Math.round)} (off by ${gap.toFixed(0)})`,
    );
    assert.ok(
      gap <= 60,
      `${name}: "${panel.title}" colours the blob ${panel.rgb} but "${first.title}" ${first.rgb}`,
    );
  }
}

for (const spec of PAGES) {
  Deno.test(`layout of ${spec.path} at 1400 and 390 px, light and dark`, async (t) => {
    const server = serveStatic();
    const browser = await launchBrowser();
    try {
      for (const viewport of VIEWPORTS) {
        for (const colorScheme of THEMES) {
          await t.step(`${viewport.name} (${viewport.width} px), ${colorScheme}`, async () => {
            const context = await browser.newContext({
              viewport: { width: viewport.width, height: viewport.height },
              colorScheme,
            });
            try {
              const watched = await openWatchedPage(context, server.origin);
              const { page } = watched;
              await page.emulateMedia({ colorScheme });
              await page.goto(`${server.origin}${spec.path}`, { waitUntil: "networkidle" });
              await waitForText(watched, spec.ready, 60_000);
              if (spec.charts) await page.waitForSelector(spec.charts, { timeout: 60_000 });
              await page.waitForTimeout(1500); // let resize() settle the charts at this width
              await page.screenshot({
                path: `${SHOTS}/${spec.name}-${viewport.width}-${colorScheme}.png`,
                fullPage: true,
              });
              const overflow = await sidewaysOverflow(page);
              assert.equal(
                overflow,
                0,
                `scrolls sideways by ${overflow} px: ${(await widestElements(page)).join("; ")}`,
              );
              if (viewport.width >= 1000) {
                assert.deepEqual(await controlsOffTheirRow(page), [], "labels not on their field's row");
              }
              if (spec.charts) {
                assert.deepEqual(await marksOutsideFrame(page), [], "marks outside their frame");
              }
              if (spec.name === "report") {
                // KaTeX's stylesheet and fonts come from the site (inlined fonts) and pass the CSP.
                const katexFont = await page.evaluate(async () => {
                  await document.fonts.ready;
                  return [...document.fonts].some((font) =>
                    font.family.includes("KaTeX_Main") && font.status === "loaded"
                  );
                });
                assert.ok(katexFont, "KaTeX_Main is loaded");
                assert.equal(await page.locator(".katex-display").count(), 6, "the six formulas");
                for (const set of PANEL_SETS) {
                  const { panels, knownColour, agreement, knownCluster, colourMatching } =
                    await panelColourAgreement(
                      page,
                      { panelSelector: `[data-panels="${set}"] svg[aria-label]` },
                    );
                  assert.equal(panels, set.startsWith("kmeans") ? 2 : 3, `${set}: panels`);
                  // Every panel's colours pair with the reference's (Lloyd, EM) by where their points lie.
                  assert.ok(colourMatching.every(Boolean), `${set}: colours not matched to the reference's`);
                  // K-means pairs find the same clusters on data2D: a known cluster keeps its colour
                  // (measured: at least 0.99 of its points; permuted colours give about 0), and nearly
                  // every point does. Mixtures may differ (k = 2: three different solutions).
                  if (set.startsWith("kmeans")) {
                    assert.ok(knownCluster[0] >= 0.9, `${set}: ${knownColour}'s points ${knownCluster}`);
                    assert.ok(agreement[0] >= 0.9, `${set}: agreement ${agreement}`);
                  }
                  console.log(
                    `${set}: known cluster ${knownColour} kept by ${
                      knownCluster.map((a) => a.toFixed(3))
                    }, all points ${agreement.map((a) => a.toFixed(3))}`,
                  );
                }
                for (const heights of await panelRowHeights(page)) {
                  assert.equal(new Set(heights).size, 1, `plot heights in a row differ: ${heights}`);
                }
              }
              if (spec.name === "kmeans" || spec.name === "gmm") {
                await liveChecks(watched.page, spec.name, viewport.width);
              }
              await assertClean(watched);
            } finally {
              await context.close();
            }
          });
        }
      }
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
