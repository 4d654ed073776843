/**
 * Layout checks for the browser tests, each a function of a Playwright page and selectors so
 * that any page's test can reuse them: sideways scroll, Inputs' styled controls (label and field
 * on one row), marks outside their chart's frame, matched colours across a set of panels, and
 * where a page's first chart starts.
 *
 * @module
 */
import type { Page } from "playwright-core";

/** The two widths every page is checked at: a desktop and a phone (iPhone 12-15, 390 x 844). */
export const VIEWPORTS = [
  { name: "desktop", width: 1400, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Both themes, as `page.emulateMedia({ colorScheme })` takes them. */
export const THEMES = ["light", "dark"] as const;

/** How many CSS pixels the page is wider than the window (0 when it does not scroll sideways). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - globalThis.innerWidth));
}

/** The elements wider than the window, for a message saying what scrolls sideways. */
export function widestElements(page: Page, limit = 5): Promise<string[]> {
  return page.evaluate((limit) => {
    const width = globalThis.innerWidth;
    return [...document.querySelectorAll("main *")]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .slice(0, limit)
      .map((element) =>
        `${element.tagName.toLowerCase()}.${element.getAttribute("class") ?? ""} (right ${
          element.getBoundingClientRect().right.toFixed(0)
        } px)`
      );
  }, limit);
}

/**
 * Inputs' controls (`form` elements with a label) whose label does not sit on the field's row:
 * with Inputs' stylesheet, at desktop widths, label and field share a row; without it the label
 * sits above. Returns a description of each offender.
 */
export function controlsOffTheirRow(page: Page, formSelector = "main form"): Promise<string[]> {
  return page.evaluate((formSelector) => {
    const offenders: string[] = [];
    for (const form of document.querySelectorAll(formSelector)) {
      const label = form.querySelector(":scope > label");
      const field = form.querySelector(
        ":scope > div, :scope > input, :scope > select, :scope > textarea, :scope > button",
      );
      if (!label || !field || !label.textContent?.trim()) continue;
      const a = label.getBoundingClientRect(), b = field.getBoundingClientRect();
      if (a.width === 0 || b.width === 0) continue; // hidden
      const sameRow = a.top < b.bottom - 1 && b.top < a.bottom - 1 && a.right <= b.left + 1;
      if (!sameRow) {
        offenders.push(
          `"${label.textContent.trim()}" (label top ${a.top.toFixed(0)}, field top ${b.top.toFixed(0)})`,
        );
      }
    }
    return offenders;
  }, formSelector);
}

/**
 * Marks drawn outside their chart: for every `svg` matching `svgSelector`, each shape of a data
 * mark (Plot's `g[aria-label]` other than axes, grids, rules and text) must lie within the chart's
 * frame (Plot's `frame` mark, else the svg's own box) up to `tolerance` px, unless the mark is
 * clipped (`clip-path`). Returns a description of each offender.
 */
export function marksOutsideFrame(page: Page, svgSelector = "main svg", tolerance = 1.5): Promise<string[]> {
  return page.evaluate(([svgSelector, tolerance]) => {
    const offenders: string[] = [];
    const skip = /axis|tick|grid|frame|rule|text|label|legend|tip/;
    for (const svg of document.querySelectorAll(svgSelector as string)) {
      if (svg.closest("figure > div > svg, [class$='-swatches']")) continue; // legend swatches
      const frame = svg.querySelector(':scope > [aria-label="frame"]');
      const box = (frame ?? svg).getBoundingClientRect();
      if (box.width === 0) continue;
      for (const mark of svg.querySelectorAll(":scope > g[aria-label]")) {
        const name = mark.getAttribute("aria-label") ?? "";
        if (skip.test(name) || mark.hasAttribute("clip-path")) continue;
        for (const shape of mark.querySelectorAll("circle, path, line, rect, polygon, polyline")) {
          if (shape.closest("[clip-path]")) continue;
          const r = shape.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          const t = tolerance as number;
          if (
            r.left < box.left - t || r.right > box.right + t || r.top < box.top - t ||
            r.bottom > box.bottom + t
          ) {
            offenders.push(
              `${
                svg.getAttribute("aria-label")?.slice(0, 60) ?? "a chart"
              }: a "${name}" ${shape.tagName} at (${r.left.toFixed(0)}, ${r.top.toFixed(0)})-(${
                r.right.toFixed(0)
              }, ${r.bottom.toFixed(0)}) outside (${box.left.toFixed(0)}, ${box.top.toFixed(0)})-(${
                box.right.toFixed(0)
              }, ${box.bottom.toFixed(0)})`,
            );
            break; // one per mark is enough to say what is wrong
          }
        }
      }
    }
    return offenders;
  }, [svgSelector, tolerance] as const);
}

/**
 * How the colours of a set of panels correspond (`panelSelector` finds the panels' svgs,
 * `pointSelector` the points inside each, in the same data order; the last panel is the
 * reference, Lloyd or EM). `agreement`: for each other panel, the fraction of points whose fill
 * equals the reference's. `knownCluster`: the same fraction over the points of one known
 * cluster, the reference's colour (holding at least 5% of the points) that the other panels keep
 * best: a tight blob every model finds, even where the models differ elsewhere (a vanishing
 * component, a cloud split another way). Matched colours keep it (about 1); permuted colours
 * give every cluster another colour (about 0). `colourMatching`: whether pairing each colour
 * with the same colour in the reference is the pairing of the colours' point centroids with the
 * least summed squared distance (the one-to-one matching the pages colour by): true for matched
 * colours even when the models differ.
 */
export async function panelColourAgreement(
  page: Page,
  { panelSelector, pointSelector = "g.points circle" }: { panelSelector: string; pointSelector?: string },
): Promise<
  {
    panels: number;
    knownColour: string;
    agreement: number[];
    knownCluster: number[];
    colourMatching: boolean[];
  }
> {
  return await page.evaluate(([panelSelector, pointSelector]) => {
    const positions = [...document.querySelectorAll(panelSelector)].map((svg) =>
      [...svg.querySelectorAll(pointSelector)].map((point) => ({
        fill: point.getAttribute("fill") ?? "",
        x: Number(point.getAttribute("cx")),
        y: Number(point.getAttribute("cy")),
      }))
    );
    const panels = positions.map((panel) => panel.map((point) => point.fill));
    const reference = panels.at(-1) ?? [];
    const others = panels.slice(0, -1);
    const share = (panel: string[], which: (i: number) => boolean) => {
      if (panel.length !== reference.length || reference.length === 0) return 0;
      const indices = reference.map((_, i) => i).filter(which);
      return indices.filter((i) => panel[i] === reference[i]).length / indices.length;
    };
    let knownColour = "", knownCluster = others.map(() => 0);
    for (const colour of new Set(reference)) {
      if (reference.filter((fill) => fill === colour).length < 0.05 * reference.length) continue;
      const kept = others.map((panel) => share(panel, (i) => reference[i] === colour));
      if (Math.min(...kept) > Math.min(...knownCluster)) [knownColour, knownCluster] = [colour, kept];
    }
    // Where each colour's points lie (their mean, in px) in each panel.
    const centroids = (panel: { fill: string; x: number; y: number }[]) => {
      const sums = new Map<string, [number, number, number]>();
      for (const { fill, x, y } of panel) {
        const sum = sums.get(fill) ?? [0, 0, 0];
        sums.set(fill, [sum[0] + x, sum[1] + y, sum[2] + 1]);
      }
      return new Map([...sums].map(([fill, [x, y, n]]) => [fill, [x / n, y / n] as const]));
    };
    const permutations = (items: string[]): string[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p])
        );
    const referenceCentroids = centroids(positions.at(-1) ?? []);
    const colourMatching = positions.slice(0, -1).map((panel) => {
      const own = centroids(panel);
      const shared = [...own.keys()].filter((colour) => referenceCentroids.has(colour));
      const cost = (mapping: string[]) =>
        shared.reduce((total, colour, i) => {
          const [a, b] = [own.get(colour)!, referenceCentroids.get(mapping[i])!];
          return total + (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;
        }, 0);
      const identity = cost(shared);
      return permutations(shared).every((mapping) => cost(mapping) >= identity - 1e-9);
    });
    return {
      panels: panels.length,
      knownColour,
      agreement: others.map((panel) => share(panel, () => true)),
      knownCluster,
      colourMatching,
    };
  }, [panelSelector, pointSelector] as const);
}

/**
 * The distance in CSS px from the top of the document to the top of the first live chart's plot
 * area: the frame inside its margins, where the points are (not its title or legend).
 */
export function topOfPlotArea(page: Page): Promise<number> {
  return page.evaluate(() => {
    const svg = document.querySelector(".layered-scatter .scatter-stack > svg") as unknown as
      | (SVGSVGElement & { scale(n: string): { range: number[] } })
      | null;
    if (!svg) throw new Error("no layered scatter on the page; is its chart there?");
    return svg.getBoundingClientRect().top + globalThis.scrollY + Math.min(...svg.scale("y").range);
  });
}

/** The heights of the plots (svg) in each `.panel-row` matching `rowSelector`, one array per row. */
export function panelRowHeights(page: Page, rowSelector = ".panel-row"): Promise<number[][]> {
  return page.evaluate(
    (rowSelector) =>
      [...document.querySelectorAll(rowSelector)].map((row) =>
        [...row.querySelectorAll(":scope > .card")].map((card) => {
          const svg = card.querySelector("svg:not([class$='-swatches'] svg)");
          return svg ? Math.round(svg.getBoundingClientRect().height) : 0;
        })
      ),
    rowSelector,
  );
}
