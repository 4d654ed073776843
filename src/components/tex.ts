/**
 * TeX on the client, with KaTeX from node_modules (no CDN). The page must link KaTeX's stylesheet,
 * which `src/katex.css.ts` builds with its fonts inlined: `<link rel="stylesheet" href="./katex.css">`.
 *
 * @module
 */
import katex from "katex";
import { type FormulaName, FORMULAS } from "./formulas.js";

/** A TeX formula as an element: a block (`display`, the default) or inline. */
export function tex(source: string, { display = true }: { display?: boolean } = {}): HTMLElement {
  const element = document.createElement(display ? "div" : "span");
  element.className = "formula";
  katex.render(source, element, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
  return element;
}

/**
 * One of the site's formulas (see `formulas.ts`) with its caption, as a figure:
 * `display(formula("kmeansLoss"))`.
 */
export function formula(name: FormulaName): HTMLElement {
  const figure = document.createElement("figure");
  figure.className = "formula-figure";
  const caption = document.createElement("figcaption");
  caption.textContent = FORMULAS[name].caption;
  figure.append(tex(FORMULAS[name].tex), caption);
  return figure;
}
