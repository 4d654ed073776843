// The autodiff engine's gradients (lib/gradient/_tfjs_gradients.js): written from tfjs-core's own
// configs by tools/tfjs_gradients.ts, and the only gradients lib/ and the pages load. That they are
// enough is shown by test/engines_test.ts, which trains both models by autodiff with nothing else
// registered (tf.variableGrads throws naming a missing gradient).
import assert from "node:assert/strict";
import { generateGradients, KERNELS, OUTPUT } from "../tools/tfjs_gradients.ts";
import { GRADIENT_KERNELS } from "../lib/gradient/_tfjs_gradients.js";
import { walk } from "../tools/walk.ts";

Deno.test("the gradients module is what tools/tfjs_gradients.ts writes from the installed tfjs-core", async () => {
  assert.equal(
    await Deno.readTextFile(OUTPUT),
    await generateGradients(),
    "lib/gradient/_tfjs_gradients.js is stale: run node_modules/.bin/deno run --allow-read " +
      "--allow-write=lib/gradient tools/tfjs_gradients.ts",
  );
  assert.deepEqual(GRADIENT_KERNELS, KERNELS);
});

Deno.test("lib/ and the pages register no other gradients (every gradient is most of the worker's code)", async () => {
  // The full package and tfjs-core's register_all_gradients.js each register every gradient.
  const everything =
    /from\s+["']@tensorflow\/tfjs["']|import\s+["']@tensorflow\/tfjs["']|register_all_gradients/;
  const offenders: string[] = [];
  for (const dir of ["lib", "src/components"]) {
    for (const suffix of [".ts", ".js"]) {
      for await (const path of walk(new URL(`../${dir}`, import.meta.url).pathname, suffix)) {
        const code = (await Deno.readTextFile(path)).replace(/^\s*(\/\/|\*).*$/gm, ""); // comments may name them
        if (everything.test(code)) offenders.push(path);
      }
    }
  }
  assert.deepEqual(
    offenders,
    [],
    "import lib/gradient/_tfjs_gradients.js (add kernels in tools/tfjs_gradients.ts)",
  );
});
