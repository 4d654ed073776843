/**
 * A panel of the page as one standalone SVG file, laid out as it is on screen: its title and
 * legend as SVG text, Plot's SVGs (a legend's swatches too) with the page's colours and fonts
 * inlined, and a scatter's canvas of points as an embedded PNG (painted anew at the export's
 * scale). Then the same SVG as a PNG image, rasterized at that scale.
 */
import { pointsAt } from "./scatter_layers.js";

/** Device pixels per CSS pixel of an export: sharp on a slide or a high-density screen. */
const EXPORT_SCALE = 2;

const SVG_NS = "http://www.w3.org/2000/svg";
/** Height in px of the title line added above a panel that shows no heading of its own. */
const ADDED_TITLE_HEIGHT = 24;
/** Blank px around the panel (a slide's image does not start at its title's first letter). */
const PADDING = 8;

/** An exported panel: the SVG's text and its size in CSS pixels. */
export interface PanelSvg {
  text: string;
  width: number;
  height: number;
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Whether `element` draws a chart: a Plot SVG that is not a legend's swatch, or a canvas. */
export function hasChart(element: Element): boolean {
  return [...element.querySelectorAll("svg, canvas")].some((chart) =>
    chart.getBoundingClientRect().width > 0 && !chart.closest("[class$='-swatch']")
  );
}

let colourContext: CanvasRenderingContext2D | undefined;

/** A CSS colour's [r, g, b, a] bytes, as the canvas paints it. */
function rgba(colour: string): Uint8ClampedArray {
  colourContext ??= Object.assign(document.createElement("canvas"), { width: 1, height: 1 })
    .getContext("2d", { willReadFrequently: true })!;
  colourContext.clearRect(0, 0, 1, 1);
  colourContext.fillStyle = colour;
  colourContext.fillRect(0, 0, 1, 1);
  return colourContext.getImageData(0, 0, 1, 1).data;
}

/**
 * A computed colour written as every SVG reader understands it, #rrggbb or rgba(): the page's
 * stylesheet mixes colours, which the browser computes as `color(srgb ...)`. "none" and paint
 * servers (`url(...)`) are kept.
 */
function plainColour(colour: string): string {
  if (colour === "none" || colour.startsWith("url(")) return colour;
  const [r, g, b, a] = rgba(colour);
  return a === 255
    ? `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`
    : `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}

/** The first colour that is not transparent among `element`'s backgrounds and its ancestors'. */
function backgroundOf(element: Element | null): string {
  for (; element; element = element.parentElement) {
    const colour = getComputedStyle(element).backgroundColor;
    if (rgba(colour)[3] > 0) return plainColour(colour);
  }
  return "#ffffff";
}

/**
 * A copy of an SVG of the page that draws alike outside it: every fill and stroke given with a
 * CSS variable, and every text's font, replaced by what the page computed for them (Plot and the
 * page's stylesheet style them, and neither comes along).
 */
function standaloneCopy(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll("*")];
  const copies = [copy, ...copy.querySelectorAll("*")];
  originals.forEach((original, i) => {
    const style = getComputedStyle(original), target = copies[i] as SVGElement;
    for (const name of ["fill", "stroke"] as const) {
      if (original.getAttribute(name)?.includes("var(")) target.setAttribute(name, plainColour(style[name]));
    }
    if (original instanceof SVGTextElement) {
      Object.assign(target.style, {
        fontFamily: style.fontFamily,
        fontSize: style.fontSize,
        fontWeight: style.fontWeight,
      });
    }
  });
  const style = getComputedStyle(svg);
  Object.assign(copy.style, { color: plainColour(style.color), fontFamily: style.fontFamily });
  return copy;
}

/** The lines of a text node as laid out: each line's words, its left edge and its baseline. */
function textLines(node: Text): { text: string; x: number; y: number }[] {
  const style = getComputedStyle(node.parentElement!);
  const measure = document.createElement("canvas").getContext("2d")!;
  measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  // A text range's box starts its font's ascent above the baseline.
  const ascent = measure.measureText(node.data).fontBoundingBoxAscent;
  const range = document.createRange();
  const lines: { text: string; x: number; y: number; top: number; height: number }[] = [];
  for (const word of node.data.matchAll(/\S+/g)) {
    range.setStart(node, word.index);
    range.setEnd(node, word.index + word[0].length);
    const rect = range.getBoundingClientRect();
    if (!rect.width) continue;
    const last = lines.at(-1);
    if (last && Math.abs(rect.top - last.top) < last.height / 2) {
      last.text += ` ${word[0]}`;
      continue;
    }
    lines.push({ text: word[0], x: rect.left, y: rect.top + ascent, top: rect.top, height: rect.height });
  }
  return lines;
}

/** A text's colour and font, as computed. */
type Font = Pick<CSSStyleDeclaration, "color" | "fontFamily" | "fontSize" | "fontWeight">;

/** An SVG `<text>` at (x, y) in `style`'s colour and font. */
function textMarkup(text: string, x: string, y: string, style: Font, title: boolean): string {
  const font = `font-family="${escapeXml(style.fontFamily)}" font-size="${style.fontSize}"`;
  const paint = `fill="${plainColour(style.color)}" ${font} font-weight="${style.fontWeight}"`;
  return `<text${title ? ' class="title"' : ""} x="${x}" y="${y}" ${paint}>${escapeXml(text)}</text>`;
}

/**
 * `element` (a panel of the page) as a standalone SVG of its size on screen plus a padding;
 * `title` is drawn above it when the panel shows no heading of its own. Every title line is a
 * `<text class="title">`, the points an `<image class="points">`.
 */
export function panelSvg(element: HTMLElement, { title }: { title?: string } = {}): PanelSvg {
  const box = element.getBoundingClientRect();
  const added = element.querySelector("h1, h2, h3") || !title ? 0 : ADDED_TITLE_HEIGHT;
  const width = Math.ceil(box.width) + 2 * PADDING, height = Math.ceil(box.height) + added + 2 * PADDING;
  // Page coordinates to the file's.
  const x = (left: number) => (left - box.left + PADDING).toFixed(1);
  const y = (top: number) => (top - box.top + added + PADDING).toFixed(1);
  const parts: string[] = [];
  if (added) {
    const style = getComputedStyle(element);
    const font = { color: style.color, fontFamily: style.fontFamily, fontSize: "15px", fontWeight: "600" };
    parts.push(textMarkup(title!, String(PADDING), String(PADDING + added - 8), font, true));
  }
  const walk = (node: Node) => {
    if (node instanceof Text) {
      const parent = node.parentElement!;
      const heading = Boolean(parent.closest("h1, h2, h3"));
      for (const line of textLines(node)) {
        parts.push(textMarkup(line.text, x(line.x), y(line.y), getComputedStyle(parent), heading));
      }
    } else if (node instanceof SVGSVGElement) {
      const copy = standaloneCopy(node), { left, top, width, height } = node.getBoundingClientRect();
      const place = { x: x(left), y: y(top), width: String(width), height: String(height) };
      for (const [name, value] of Object.entries(place)) copy.setAttribute(name, value);
      parts.push(new XMLSerializer().serializeToString(copy));
    } else if (node instanceof HTMLCanvasElement) {
      const { left, top, width, height } = node.getBoundingClientRect();
      const size = `width="${width}" height="${height}"`;
      const href = pointsAt(node, EXPORT_SCALE).toDataURL("image/png");
      parts.push(`<image class="points" x="${x(left)}" y="${y(top)}" ${size} href="${href}"/>`);
    } else if (
      node instanceof HTMLElement && !node.matches("style, script, button, input, select, textarea") &&
      node.checkVisibility()
    ) {
      node.childNodes.forEach(walk);
    }
  };
  element.childNodes.forEach(walk);
  const text =
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="${backgroundOf(element)}"/>${parts.join("")}</svg>`;
  return { text, width, height };
}

/** Renders an SVG of `width` x `height` CSS pixels to a PNG blob at {@link EXPORT_SCALE} times its size. */
export async function svgToPng({ text, width, height }: PanelSvg): Promise<Blob> {
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  const canvas = Object.assign(document.createElement("canvas"), {
    width: EXPORT_SCALE * width,
    height: EXPORT_SCALE * height,
  });
  try {
    await image.decode();
    canvas.getContext("2d")!.drawImage(image, 0, 0, canvas.width, canvas.height);
  } finally {
    URL.revokeObjectURL(image.src);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => blob ? resolve(blob) : reject(new Error("the chart could not be drawn as PNG")),
      "image/png",
    )
  );
}
