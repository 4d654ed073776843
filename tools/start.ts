/**
 * `npm start`: builds the site if dist/ is missing or older than any of its sources, then serves
 * it (`npm run serve`: sirv on http://127.0.0.1:3000, or on $PORT). So that a newcomer types
 * `npm ci && npm start` and nothing else.
 */
import { walk } from "./walk.ts";

/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = ["src", "lib", "tools", "observablehq.config.ts", "package-lock.json"];

/** Modification time in ms, or undefined if `path` does not exist. */
async function modified(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The newest modification time among the build's sources under `root` (Framework's cache left out). */
async function newestSource(root: string): Promise<number> {
  let newest = 0;
  for (const source of SOURCES.map((name) => `${root}/${name}`)) {
    const info = await Deno.stat(source).catch(() => undefined);
    if (!info) continue;
    if (info.isFile) newest = Math.max(newest, info.mtime?.getTime() ?? 0);
    else {
      for await (const path of walk(source, "")) {
        if (path.includes("/.observablehq/")) continue;
        newest = Math.max(newest, (await modified(path)) ?? 0);
      }
    }
  }
  return newest;
}

/** Runs `npm run <script>` with this terminal, and fails if it does. */
async function npmRun(script: string): Promise<void> {
  const { code } = await new Deno.Command("npm", { args: ["run", script] }).spawn().status;
  if (code !== 0) {
    console.error(`npm run ${script} failed (exit ${code}).`);
    Deno.exit(code);
  }
}

/** Why the site under `root` must be built, or undefined if its dist/ is up to date. */
export async function buildReason(root = "."): Promise<string | undefined> {
  const built = await modified(`${root}/dist/index.html`);
  if (built === undefined) return "No built site in dist/: building it (the first build computes the data).";
  if (await newestSource(root) > built) return "The sources changed since dist/ was built: building again.";
  return undefined;
}

if (import.meta.main) {
  const reason = await buildReason();
  console.log(reason ?? "dist/ is up to date with the sources.");
  if (reason) await npmRun("build");
  await npmRun("serve");
}
