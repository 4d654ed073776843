/**
 * Post-build step: minifies the site's own modules in dist/_import/ (our components and lib/, as
 * Framework writes them: TypeScript stripped, comments and whitespace kept). Framework minifies the
 * npm bundles it writes to dist/_node/ but not these, and unminified they are a good part of what a
 * live page downloads before its first model. esbuild never renames exports or imports, so the
 * pages and the workers link as before; license comments are kept. Run by `npm run build` after
 * `observable build`.
 */
import { transform } from "esbuild";
import { walk } from "./walk.ts";

const DIST = Deno.args[0] ?? "dist";

let before = 0, after = 0;
for await (const path of walk(`${DIST}/_import`, ".js")) {
  const source = await Deno.readTextFile(path);
  const { code } = await transform(source, { loader: "js", format: "esm", minify: true, sourcefile: path });
  await Deno.writeTextFile(path, code);
  before += source.length;
  after += code.length;
}
console.log(`Minified ${DIST}/_import/: ${before} -> ${after} characters.`);
