// Chart exports for slides on the built site: "Charts (SVG)" and "Charts (PNG)" on /kmeans and /gmm
// give one file per panel, named after the page, the settings and the panel, each with its title,
// and the scatter panels with their points. Needs `npm run build` and Debian's chromium.
import assert from "node:assert/strict";
import type { Download, Page } from "playwright-core";
import { CLUSTER_COLOURS } from "../../src/components/draw/palette.ts";
import {
  assertClean,
  openPage,
  type Site,
  waitForIdle,
  waitForRunsDone,
  waitForText,
  withSite,
} from "./_browser_helpers.ts";
import type { WatchedPage } from "./_browser.ts";

/**
 * Clicks "Charts (SVG)" or "Charts (PNG)" as a person does and returns the files it downloads, by
 * name, once the line after the buttons says how many were saved and that many have arrived; and
 * what is wrong with them (a name twice, a count other than the status line's).
 */
async function clickAndCollect(
  watched: WatchedPage,
  format: "svg" | "png",
): Promise<{ files: Map<string, Uint8Array>; problems: string[] }> {
  const downloads: Download[] = [];
  const onDownload = (download: Download) => downloads.push(download);
  watched.page.on("download", onDownload);
  await watched.page.getByRole("button", { name: `Charts (${format.toUpperCase()})` }).click();
  const status = watched.page.locator(".downloads [role=status]");
  await status.filter({ hasText: `saved as ${format.toUpperCase()}` }).waitFor({ timeout: 60_000 });
  const saved = Number(/^(\d+) chart/.exec(await status.innerText())?.[1]);
  // The downloads start before the status is written; their events can come a moment later.
  const until = Date.now() + 30_000;
  while (downloads.length < saved && Date.now() < until) await watched.page.waitForTimeout(100);
  watched.page.off("download", onDownload);
  const names = downloads.map((download) => download.suggestedFilename());
  const problems: string[] = [];
  if (new Set(names).size !== names.length) problems.push(`a file name twice: ${names.join(", ")}`);
  if (names.length !== saved) problems.push(`the status says ${saved} charts, ${names.length} files came`);
  const files = new Map<string, Uint8Array>();
  for (const download of downloads) {
    files.set(download.suggestedFilename(), await Deno.readFile(await download.path()));
  }
  return { files, problems };
}

/** What the test reads from one exported panel (its SVG, and the PNG rasterized from it). */
interface Reading {
  /** The SVG's size in CSS pixels, and the PNG's in pixels. */
  svgSize: [number, number];
  pngSize: [number, number];
  /** The SVG's title lines (`<text class="title">`), joined with spaces. */
  title: string;
  /** Pixels of the title's colour in the title's rows of the PNG. */
  titlePixels: number;
  /** Whether the SVG embeds the points (`<image class="points">`). */
  hasPoints: boolean;
  /** Pixels of a cluster's colour in the points' rectangle: of the PNG, and of the SVG drawn at 2x here. */
  pngPointPixels: number;
  svgPointPixels: number;
}

/**
 * Reads an exported panel in the page: parses the SVG, draws it at 2x, decodes the PNG, and counts
 * pixels. A point pixel is one on the line from the background to one of the first `k` cluster
 * colours at an opacity of 0.5 or more (the dots are painted at 0.75 on /kmeans, at 0.08 to 1 by
 * the posterior's certainty on /gmm), within 24 of it in every channel: legend swatches lie outside
 * the points' rectangle, the decision regions' 0.12 tint and the grey markers are off those lines.
 * A title pixel is within 48 of the title's colour in every channel, in the rows from a font size
 * above each title line's baseline to a third of one below it.
 */
function readPanel(page: Page, svg: string, png: Uint8Array, colours: string[]): Promise<Reading> {
  const pngUrl = `data:image/png;base64,${btoa(Array.from(png, (b) => String.fromCharCode(b)).join(""))}`;
  return page.evaluate(async ([svg, pngUrl, colours]) => {
    const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
    const root = doc.documentElement;
    const size: [number, number] = [Number(root.getAttribute("width")), Number(root.getAttribute("height"))];
    const context = Object.assign(document.createElement("canvas"), { width: 1, height: 1 })
      .getContext("2d", { willReadFrequently: true })!;
    // A CSS colour's bytes, as the canvas paints it.
    const rgb = (colour: string) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = colour;
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const background = rgb(root.querySelector("rect")?.getAttribute("fill") ?? "white");
    const tones = colours.map(rgb);
    const titles = [...root.querySelectorAll("text.title")];
    const image = root.querySelector("image.points");
    const box = image
      ? ["x", "y", "width", "height"].map((name) => Number(image.getAttribute(name)))
      : undefined;
    const pixelsOf = async (url: string) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const canvas = Object.assign(document.createElement("canvas"), {
        width: url.startsWith("data:image/png") ? img.naturalWidth : 2 * size[0],
        height: url.startsWith("data:image/png") ? img.naturalHeight : 2 * size[1],
      });
      const draw = canvas.getContext("2d")!;
      draw.drawImage(img, 0, 0, canvas.width, canvas.height);
      return draw.getImageData(0, 0, canvas.width, canvas.height);
    };
    const isPoint = (p: Uint8ClampedArray, at: number) =>
      tones.some((c) => {
        const d = [0, 1, 2].map((i) => c[i] - background[i]);
        const norm = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        const a = [0, 1, 2].reduce((sum, i) => sum + (p[at + i] - background[i]) * d[i], 0) / norm;
        return a >= 0.5 && a <= 1.05 &&
          [0, 1, 2].every((i) => Math.abs(p[at + i] - background[i] - a * d[i]) <= 24);
      });
    const pointPixels = ({ data, width }: ImageData) => {
      if (!box) return 0;
      let count = 0;
      for (let y = Math.floor(2 * box[1]); y < Math.ceil(2 * (box[1] + box[3])); y++) {
        for (let x = Math.floor(2 * box[0]); x < Math.ceil(2 * (box[0] + box[2])); x++) {
          if (isPoint(data, 4 * (y * width + x))) count++;
        }
      }
      return count;
    };
    const pngPixels = await pixelsOf(pngUrl);
    let titlePixels = 0;
    for (const line of titles) {
      const fill = rgb(line.getAttribute("fill") ?? "black");
      const baseline = Number(line.getAttribute("y")),
        em = parseFloat(line.getAttribute("font-size") ?? "16");
      const { data, width, height } = pngPixels;
      for (
        let y = Math.max(0, Math.floor(2 * (baseline - em)));
        y < Math.min(height, 2 * (baseline + em / 3));
        y++
      ) {
        for (let x = 0; x < width; x++) {
          const at = 4 * (y * width + x);
          if ([0, 1, 2].every((i) => Math.abs(data[at + i] - fill[i]) <= 48)) titlePixels++;
        }
      }
    }
    const svgUrl = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    return {
      svgSize: size,
      pngSize: [pngPixels.width, pngPixels.height] as [number, number],
      title: titles.map((line) => line.textContent).join(" "),
      titlePixels,
      hasPoints: Boolean(image?.getAttribute("href")?.startsWith("data:image/png")),
      pngPointPixels: pointPixels(pngPixels),
      svgPointPixels: pointPixels(await pixelsOf(svgUrl)),
    };
  }, [svg, pngUrl, colours] as const);
}

/** The panels a page exports, by name; `scatter` marks the layered scatters (the ones with points). */
type Panels = Record<string, { scatter: boolean }>;

/**
 * Opens `path`, waits until every panel is drawn (the runs done, every job finished, the ONNX map
 * scrolled into view and scored, the texts `ready` shown), exports the charts as SVG and as PNG,
 * and checks every file.
 */
async function checkExports(site: Site, path: string, panels: Panels, ready: RegExp[] = []) {
  const watched = await openPage(site, path, /Reproduce/);
  const page = watched.page;
  await waitForRunsDone(watched);
  await waitForIdle(page);
  await page.locator(".onnx-map").scrollIntoViewIfNeeded();
  await page.locator(".onnx-map svg[class^='plot']").first().waitFor({ timeout: 90_000 });
  // Charts drawn after the runs' jobs (the restarts' chart, once Lloyd's score is in).
  for (const pattern of ready) await waitForText(watched, pattern);
  const value = (label: string) => page.getByLabel(label, { exact: true }).inputValue();
  const stem = `${path.slice(1).split("?")[0]}-k${await value("k")}-seed${await value("seed")}`;
  const k = Number(await value("k"));
  const pageTitles = await page.locator("figure.layered-scatter h2").evaluateAll((titles) =>
    titles.map((title) => title.textContent!.replace(/\s+/g, " ").trim())
  );

  const svg = await clickAndCollect(watched, "svg"), png = await clickAndCollect(watched, "png");
  const problems = [...svg.problems, ...png.problems];
  for (const [format, { files }] of [["svg", svg], ["png", png]] as const) {
    const names = [...files.keys()].sort();
    const expected = Object.keys(panels).map((name) => `${stem}-${name}.${format}`).sort();
    if (names.join() !== expected.join()) {
      problems.push(`${format} files ${names.join(", ")}, not ${expected.join(", ")}`);
    }
  }
  const exportedTitles: string[] = [];
  for (const [name, { scatter }] of Object.entries(panels)) {
    const svgFile = svg.files.get(`${stem}-${name}.svg`), pngFile = png.files.get(`${stem}-${name}.png`);
    if (!svgFile || !pngFile) continue;
    const reading = await readPanel(
      page,
      new TextDecoder().decode(svgFile),
      pngFile,
      CLUSTER_COLOURS.slice(0, k),
    );
    console.log(`${stem}-${name}: ${JSON.stringify(reading)}`);
    const [w, h] = reading.svgSize;
    if (reading.pngSize[0] !== 2 * w || reading.pngSize[1] !== 2 * h) {
      problems.push(`${name}: PNG ${reading.pngSize.join(" x ")} is not twice the SVG's ${w} x ${h}`);
    }
    if (!reading.title) problems.push(`${name}: the SVG has no title text`);
    // A glyph of a 10 to 16 px font at 2x has dozens of pixels of the text's colour: 3 a character is a floor.
    if (reading.titlePixels < 3 * reading.title.length) {
      problems.push(`${name}: ${reading.titlePixels} title pixels in the PNG for "${reading.title}"`);
    }
    if (scatter) {
      exportedTitles.push(reading.title);
      if (!reading.hasPoints) problems.push(`${name}: the SVG embeds no points image`);
      for (
        const [what, count] of [["PNG", reading.pngPointPixels], ["SVG", reading.svgPointPixels]] as const
      ) {
        if (count < MIN_POINT_PIXELS) problems.push(`${name}: ${count} point pixels in the ${what}`);
      }
    }
  }
  if (exportedTitles.sort().join("|") !== pageTitles.sort().join("|")) {
    problems.push(
      `the scatter exports' titles ${exportedTitles.join("|")} are not the panels' ${pageTitles.join("|")}`,
    );
  }
  assert.deepEqual(problems, []);
  await assertClean(watched);
}

/**
 * The fewest pixels of the clusters' colours a scatter export must have in its points' rectangle
 * (at 2x): see the report of measured counts in the test's output and the note at its use.
 */
const MIN_POINT_PIXELS = 5000;

Deno.test("/kmeans exports each panel once as SVG and PNG, named after its settings, with title and points", async () => {
  await withSite((site) =>
    checkExports(site, "/kmeans", {
      gradient: { scatter: true },
      lloyd: { scatter: true },
      "lloyd-steps": { scatter: true },
      gap: { scatter: false },
      restarts: { scatter: false },
      "onnx-map": { scatter: false },
    }, [/The best of \d+ restarts scores/])
  );
});

Deno.test("/gmm?k=3 exports each panel once as SVG and PNG, named after its settings, with title and points", async () => {
  await withSite((site) =>
    checkExports(site, "/gmm?k=3", {
      random: { scatter: true },
      kmeans: { scatter: true },
      em: { scatter: true },
      "em-steps": { scatter: true },
      gap: { scatter: false },
      parameters: { scatter: false },
      "onnx-map": { scatter: false },
    })
  );
});
