/**
 * TeX on the client, with KaTeX from node_modules (no CDN), loaded on demand: a formula is a
 * figure whose TeX source shows as plain text until it scrolls into view; then KaTeX (272 kB of
 * JavaScript) and its stylesheet (367 kB, built by `src/katex.css.ts` with the fonts inlined) are
 * fetched once per page and every formula in view is typeset. A live page thus downloads neither
 * before its first trained model is on screen (issue 11's 2 MB budget). The Report typesets its
 * formulas at build time instead (`katex.renderToString` in `src/index.md.ts`).
 *
 * @module
 */
import { html } from "htl";
import { type FormulaName, FORMULAS } from "./formulas.js";

let katexLoaded: Promise<typeof import("katex").default> | undefined;

/** KaTeX and its stylesheet (at `stylesheet`, the URL of `katex.css`), loaded once. */
function loadKatex(stylesheet: string): Promise<typeof import("katex").default> {
  katexLoaded ??= (async () => {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: stylesheet });
    const styled = new Promise((resolve) => link.onload = link.onerror = resolve);
    document.head.append(link);
    const [{ default: katex }] = await Promise.all([import("katex"), styled]);
    return katex;
  })();
  return katexLoaded;
}

/** Options of {@link tex} and {@link formula}. */
interface TexOptions {
  /** The URL of KaTeX's stylesheet: `await FileAttachment("katex.css").url()` on the page. */
  stylesheet: string;
  /** A block (the default) or inline. */
  display?: boolean;
}

/** A TeX formula as an element, typeset when it first comes into view. */
function tex(source: string, { stylesheet, display = true }: TexOptions): HTMLElement {
  const element = document.createElement(display ? "div" : "span");
  element.className = "formula";
  element.textContent = source; // readable, if raw, until KaTeX arrives (and if it never does)
  const observer = new IntersectionObserver(async (entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    const katex = await loadKatex(stylesheet);
    katex.render(source, element, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
    element.dataset.typeset = "katex";
  }, { rootMargin: "200px" });
  observer.observe(element);
  return element;
}

/**
 * One of the site's formulas (see `formulas.ts`) with its caption, as a figure:
 * `formula("kmeansLoss", {stylesheet})`.
 */
export function formula(name: FormulaName, options: TexOptions): HTMLElement {
  const typeset = tex(FORMULAS[name].tex, options), caption = FORMULAS[name].caption;
  return html`<figure class="formula-figure">${typeset}<figcaption>${caption}</figcaption></figure>`;
}
