/**
 * Writes `lib/gradient/_tfjs_gradients.js`: the gradients of the kernels the autodiff engine's
 * losses differentiate ({@link KERNELS}), taken verbatim from tfjs-core's own gradient configs
 * (`dist/gradients/<Kernel>_grad.js`) and registered on tfjs-core.
 *
 * Why not import tfjs-core's modules: each of its `dist/` files imports its siblings by relative,
 * extensionless paths, so Deno cannot load them, and Framework bundles every deep import with its own
 * copy of tfjs-core's internals (`register_all_gradients.js`, which registers all 200 gradients, is a
 * 177 kB bundle). Here each config's relative imports are rewritten to the same names from
 * tfjs-core's public API (`import * as tf from "@tensorflow/tfjs-core"`), so the module adds a few
 * kilobytes to the tfjs-core the page already loads, and Deno loads it unchanged.
 *
 * `test/tfjs_gradients_test.ts` checks the file is what this writes. Run after a tfjs-core upgrade
 * or a change of {@link KERNELS}:
 *
 * ```sh
 * node_modules/.bin/deno run --allow-read --allow-write=lib/gradient tools/tfjs_gradients.ts
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * The kernels the K-means and mixture losses run under `tf.variableGrads` (`_autodiff_loss.ts`,
 * `_autodiff_nll.ts`, `_autodiff.ts`): a missing one makes `tf.variableGrads` throw naming it, which
 * `test/engines_test.ts` would show. `tf.max` in `_autodiff_nll.ts` runs under a `tf.customGrad`, which
 * needs no registered gradient.
 */
export const KERNELS: readonly string[] = [
  "Add",
  "BatchMatMul",
  "Concat",
  "Exp",
  "Log",
  "Mean",
  "Min",
  "Multiply",
  "Pow",
  "Reshape",
  "SplitV",
  "Square",
  "Sub",
  "Sum",
];

/** Where the written module lives. */
export const OUTPUT = new URL("../lib/gradient/_tfjs_gradients.js", import.meta.url);

const CORE = new URL("../node_modules/@tensorflow/tfjs-core/", import.meta.url);

/**
 * The public namespace that holds the names a tfjs-core `dist/` module exports, by the module's path
 * under `dist/` (the ops not listed are exported by tfjs-core itself).
 */
const NAMESPACES: Record<string, string> = {
  "ops/broadcast_util": "broadcast_util",
  "ops/axis_util": "backend_util",
  "util": "util",
};

/** `" a, b "` as `"a, b"`. */
const list = (names: string) => names.split(",").map((name) => name.trim()).filter(Boolean).join(", ");

const IMPORT = /^import (?:\{([^}]*)\}|\* as (\w+)) from '([^']+)';$/;

/** The module's text, from the gradient configs of the tfjs-core in node_modules. */
export async function generateGradients(kernels: readonly string[] = KERNELS): Promise<string> {
  const { version } = JSON.parse(await Deno.readTextFile(new URL("package.json", CORE)));
  const helpers = new Map<string, string>();

  /** A config file's body with its imports turned into reads of `tf` (or of a helper already written). */
  async function translate(path: string): Promise<{ lines: string[]; exports: string[] }> {
    const source = await Deno.readTextFile(new URL(`dist/${path}.js`, CORE));
    const body = source.replace(/^\/\*\*[\s\S]*?\*\/\n/, "").replace(/\n\/\/# sourceMappingURL=.*\n?$/, "");
    if (/\btf\b/.test(body)) throw new Error(`${path}.js uses the name tf: rename this module's namespace.`);
    const lines: string[] = [];
    const exports: string[] = [];
    for (const line of body.split("\n")) {
      if (line.startsWith("import")) {
        const [, named, star, from] = line.match(IMPORT) ?? [];
        if (!from) throw new Error(`${path}.js has an import this tool cannot read: ${line}`);
        const target = new URL(from, new URL(`dist/${path}`, CORE)).pathname.slice(
          new URL("dist/", CORE).pathname.length,
        );
        if (from.startsWith("./")) {
          const helper = await helperName(target);
          lines.push(`  const { ${list(named)} } = ${helper};`);
          continue;
        }
        const namespace = NAMESPACES[target];
        const object = namespace ? `tf.${namespace}` : "tf";
        const source = namespace ? (tf as unknown as Record<string, Record<string, unknown>>)[namespace] : tf;
        for (const name of star ? [] : list(named).split(", ")) {
          if ((source as Record<string, unknown>)[name] === undefined) {
            throw new Error(`${path}.js imports ${name} from ${from}, which ${object} does not export.`);
          }
        }
        if (!namespace && !target.startsWith("ops/") && target !== "kernel_names") {
          throw new Error(`${path}.js imports ${from}: add where tfjs-core's API exports it to NAMESPACES.`);
        }
        lines.push(star ? `  const ${star} = ${object};` : `  const { ${list(named)} } = ${object};`);
      } else {
        const exported = line.match(/^export (?:const|function) (\w+)/);
        if (exported) exports.push(exported[1]);
        else if (line.startsWith("export")) {
          throw new Error(`${path}.js has an export this tool cannot read.`);
        }
        lines.push(line ? `  ${line.replace(/^export /, "")}` : "");
      }
    }
    return { lines, exports };
  }

  async function helperName(path: string): Promise<string> {
    const name = path.split("/").pop()!;
    if (!helpers.has(name)) {
      const { lines, exports } = await translate(path);
      helpers.set(
        name,
        [
          `// ${path}.js`,
          `const ${name} = (() => {`,
          ...lines,
          `  return { ${exports.join(", ")} };`,
          "})();",
        ]
          .join("\n"),
      );
    }
    return name;
  }

  const blocks: string[] = [];
  for (const kernel of kernels) {
    const path = `gradients/${kernel}_grad`;
    const { lines, exports } = await translate(path);
    const config = exports.find((name) => name.endsWith("GradConfig"));
    if (exports.length !== 1 || !config) throw new Error(`${path}.js should export one gradient config.`);
    blocks.push([`// ${path}.js`, "{", ...lines, `  tf.registerGradient(${config});`, "}"].join("\n"));
  }
  return [
    "/**",
    ` * @license Written by tools/tfjs_gradients.ts from @tensorflow/tfjs-core ${version}'s gradient`,
    " * configs (Copyright Google LLC, Apache License 2.0); do not edit. The configs are unchanged but",
    " * for their imports, which read the same names from tfjs-core's public API.",
    " */",
    'import * as tf from "@tensorflow/tfjs-core";',
    "",
    `/** The kernels whose gradients this module registers. */`,
    `export const GRADIENT_KERNELS = ${JSON.stringify(kernels)};`,
    "",
    ...helpers.values(),
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(OUTPUT, await generateGradients());
  console.log(`wrote ${OUTPUT.pathname}`);
}
