// `npm start` builds only when needed (tools/start.ts): no dist/, or a source newer than dist/.
import assert from "node:assert/strict";
import { buildReason } from "../tools/start.ts";

Deno.test("npm start builds when dist/ is missing or older than a source, and not otherwise", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/src/components`, { recursive: true });
    await Deno.mkdir(`${root}/src/.observablehq/cache`, { recursive: true });
    await Deno.writeTextFile(`${root}/src/components/a.ts`, "a");
    assert.match((await buildReason(root)) ?? "", /No built site/);
    await Deno.mkdir(`${root}/dist`);
    await Deno.writeTextFile(`${root}/dist/index.html`, "built");
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
    await Deno.utime(`${root}/src/components/a.ts`, at(0), at(0));
    await Deno.utime(`${root}/dist/index.html`, at(10), at(10));
    assert.equal(await buildReason(root), undefined, "dist/ newer than every source");
    // Framework's own cache, written by the build, does not make dist/ stale.
    await Deno.writeTextFile(`${root}/src/.observablehq/cache/x.json`, "{}");
    await Deno.utime(`${root}/src/.observablehq/cache/x.json`, at(20), at(20));
    assert.equal(await buildReason(root), undefined);
    await Deno.utime(`${root}/src/components/a.ts`, at(30), at(30));
    assert.match((await buildReason(root)) ?? "", /sources changed/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
