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
  /** Point pixels (see {@link readPanel}) of the PNG, and of the SVG drawn at 2x here. */
  pngPointPixels: number;
  svgPointPixels: number;
}

/**
 * Reads an exported panel in the page: parses the SVG, draws it at 2x, decodes the PNG, and counts
 * pixels. A point pixel is one where the SVG's embedded points layer is at least half opaque in
 * one of the first `k` cluster colours (within 8 in every channel) and the image shows that colour
 * at that opacity over the background (within 32: the decision regions' tint, at 0.12, moves it
 * by at most 31; markers and circles drawn over a dot hide it). A title pixel is within 48 of the title's colour in every channel, in the rows from a font size
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
    // The points' layer as embedded, at its own resolution (2x its rectangle).
    const layer = image ? await pixelsOf(image.getAttribute("href")!) : undefined;
    const pointPixels = (rendered: ImageData) => {
      if (!box || !layer) return 0;
      const left = Math.round(2 * box[0]), top = Math.round(2 * box[1]), l = layer.data;
      let count = 0;
      for (let y = 0; y < layer.height; y++) {
        for (let x = 0; x < layer.width; x++) {
          const at = 4 * (y * layer.width + x), a = l[at + 3] / 255;
          if (a < 0.5 || !tones.some((c) => [0, 1, 2].every((i) => Math.abs(l[at + i] - c[i]) <= 8))) {
            continue;
          }
          const out = 4 * ((top + y) * rendered.width + left + x);
          const shown = [0, 1, 2].every((i) =>
            Math.abs(rendered.data[out + i] - (a * l[at + i] + (1 - a) * background[i])) <= 32
          );
          if (shown) count++;
        }
      }
      return count;
    };
    const pngPixels = await pixelsOf(pngUrl);
    let titlePixels = 0;
    for (const line of titles) {
      // A title not painted ("none") has no pixels of its colour.
      if (line.getAttribute("fill") === "none") continue;
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
      pngPointPixels: pointPixels(pngPixels),
      svgPointPixels: pointPixels(await pixelsOf(svgUrl)),
    };
  }, [svg, pngUrl, colours] as const);
}

/**
 * The panels a page exports, by name; `scatter` marks the layered scatters (the ones with points);
 * a panel with `drawnWhen` is expected only when the page shows that text (its chart is drawn).
 */
type Panels = Record<string, { scatter: boolean; drawnWhen?: RegExp }>;

/**
 * Opens `path`, waits until every panel is drawn (the runs done, every job finished, the ONNX map
 * scrolled into view and scored), exports the charts as SVG and as PNG, and checks every file.
 */
async function checkExports(site: Site, path: string, panels: Panels) {
  const watched = await openPage(site, path, /Reproduce/);
  const page = watched.page;
  await waitForRunsDone(watched);
  await waitForIdle(page);
  await page.locator(".onnx-map").scrollIntoViewIfNeeded();
  await page.locator(".onnx-map svg[class^='plot']").first().waitFor({ timeout: 90_000 });
  const value = (label: string) => page.getByLabel(label, { exact: true }).inputValue();
  const stem = `${path.slice(1).split("?")[0]}-k${await value("k")}-seed${await value("seed")}`;
  const k = Number(await value("k"));
  // The validation points drawn (all of them for data2D, under the 5,000 the panels subsample to).
  const text = await page.locator("main").innerText();
  const drawn = Number(/([\d,]+) validation points/.exec(text)?.[1].replace(/,/g, ""));
  const shown = Object.keys(panels).filter((name) => panels[name].drawnWhen?.test(text) ?? true);
  const pageTitles = await page.locator("figure.layered-scatter h2").evaluateAll((titles) =>
    titles.map((title) => title.textContent!.replace(/\s+/g, " ").trim())
  );

  const svg = await clickAndCollect(watched, "svg"), png = await clickAndCollect(watched, "png");
  const problems = [...svg.problems, ...png.problems];
  for (const [format, { files }] of [["svg", svg], ["png", png]] as const) {
    const names = [...files.keys()].sort();
    const expected = shown.map((name) => `${stem}-${name}.${format}`).sort();
    if (names.join() !== expected.join()) {
      problems.push(`${format} files ${names.join(", ")}, not ${expected.join(", ")}`);
    }
  }
  const exportedTitles: string[] = [];
  for (const name of shown) {
    const { scatter } = panels[name];
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
      for (
        const [what, count] of [["PNG", reading.pngPointPixels], ["SVG", reading.svgPointPixels]] as const
      ) {
        // A dot is a disc of radius 3.2 px at 2x, about 23 pixels fully painted (at 0.75 on /kmeans, by the
        // posterior's certainty on /gmm, 0.6 to 1 for most points): even the dense clouds' overlaps leave
        // more than one point pixel a drawn point; a missing layer leaves none.
        if (count < drawn) {
          problems.push(`${name}: ${count} point pixels in the ${what}, under ${drawn} points`);
        }
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

Deno.test("/kmeans exports each panel once as SVG and PNG, named after its settings, with title and points", async () => {
  await withSite((site) =>
    checkExports(site, "/kmeans", {
      gradient: { scatter: true },
      lloyd: { scatter: true },
      "lloyd-steps": { scatter: true },
      gap: { scatter: false },
      // The restarts' chart, once their job's result is in: see the report (it can stay undrawn).
      restarts: { scatter: false, drawnWhen: /The best of \d+ restarts scores/ },
      // The optimizer race's loss curves and paths, once its job is done (its sentence is then shown).
      race: { scatter: false, drawnWhen: /reaches the lowest validation score|Every optimizer diverged/ },
      "onnx-map": { scatter: false },
    })
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
