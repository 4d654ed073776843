/**
 * Inputs' stylesheet, which `@observablehq/inputs` imported from node_modules does not bring (the
 * implicit Inputs of Framework loaded it from a CDN): `import.meta.resolve` makes Framework copy
 * the file into the build, and the link is added to the page's head once.
 */
const INPUTS_CSS = import.meta.resolve("@observablehq/inputs/dist/index.css");

/** Links Inputs' stylesheet into the page (once). */
export function linkInputsStylesheet(): void {
  if (document.querySelector(`link[data-inputs-css]`)) return;
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: INPUTS_CSS });
  link.dataset.inputsCss = "";
  document.head.append(link);
}
