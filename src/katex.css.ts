/**
 * KaTeX's stylesheet from node_modules with its fonts inlined as data: URLs (woff2 only, which
 * every browser the site supports reads), so formulas render offline, from one file, under the
 * Content-Security-Policy (font-src 'self' data:). Pages link it: `<link rel="stylesheet" href="./katex.css">`.
 */
const DIST = "node_modules/katex/dist";
const css = await Deno.readTextFile(`${DIST}/katex.min.css`);
const fonts = new Map<string, string>();
for (const [, name] of css.matchAll(/url\(fonts\/([\w-]+)\.woff2\)/g)) {
  const bytes = await Deno.readFile(`${DIST}/fonts/${name}.woff2`);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  fonts.set(name, `url(data:font/woff2;base64,${btoa(binary)}) format("woff2")`);
}
if (fonts.size === 0) {
  throw new Error(`no woff2 font found in ${DIST}/katex.min.css; has KaTeX's layout changed?`);
}
// Each @font-face lists woff2, woff and ttf; keep the inlined woff2 alone.
const inlined = css.replace(
  /src:url\(fonts\/([\w-]+)\.woff2\) format\("woff2"\)[^;}]*/g,
  (_, name) => `src:${fonts.get(name)}`,
);
if (/url\(fonts\//.test(inlined)) {
  throw new Error("a KaTeX font was left as a file reference; update katex.css.ts.");
}
console.log(inlined);
