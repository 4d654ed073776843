/**
 * Inputs' stylesheet, which `@observablehq/inputs` imported from node_modules does not bring (the
 * implicit Inputs of Framework loaded it from a CDN): `import.meta.resolve` makes Framework copy
 * the file into the build, and the link is added to the page's head once.
 */
const INPUTS_CSS = import.meta.resolve("@observablehq/inputs/dist/index.css");

/** Links Inputs' stylesheet into the page (once). */
export function linkInputsStylesheet(): void {
  if (document.querySelector(`link[data-inputs-css]`)) return;
  // Resolved against this module (Framework writes the path relative to it), not the page.
  const href = new URL(INPUTS_CSS, import.meta.url).href;
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
  link.dataset.inputsCss = "";
  // On a phone (under 30em) Inputs puts each label above its control; the live pages keep them on one
  // row, so that the first chart starts within the first screen.
  const compact = document.createElement("style");
  compact.textContent = `@media only screen and (max-width: 30em) {
    .live-controls form.inputs-3a86ea { flex-wrap: nowrap; margin: 4px 0; }
    .live-controls form.inputs-3a86ea > label { flex-shrink: 0; width: 6.5em; padding: 0 6px 0 0; }
  }`;
  document.head.append(link, compact);
}
