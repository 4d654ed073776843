// `npm run serve` serves the built dist/ with clean URLs on the port in PORT (sirv-cli, not a
// home-made server): /kmeans answers with kmeans.html, a missing page with 404.
import assert from "node:assert/strict";
import { buildReason } from "../../tools/start.ts";

/** A port nobody listens on now: the OS picks it, we release it. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitUntilServing(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await (await fetch(url)).body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`nothing answered at ${url} within ${timeoutMs} ms; did \`npm run serve\` start?`);
}

/**
 * Runs `npm run <script>` with PORT set, calls `check` once it answers, then stops it and checks that
 * the port is free again. Returns what the script printed: its stdout, then its stderr.
 */
async function whileServing(
  script: string,
  check: (origin: string) => Promise<void>,
  timeoutMs = 20_000,
): Promise<string> {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  // In a session of its own (setsid), so that the whole group (npm, its shell, sirv) can be stopped:
  // npm does not pass SIGTERM on to the script it runs.
  const server = new Deno.Command("setsid", {
    args: ["npm", "run", "--silent", script],
    env: { PORT: String(port) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // The build's steps print to stderr (add_csp.ts), start.ts's own line to stdout: both are read.
  const printed = new Response(server.stdout).text(), complained = new Response(server.stderr).text();
  try {
    await waitUntilServing(`${origin}/`, timeoutMs);
    await check(origin);
  } finally {
    Deno.kill(-server.pid, "SIGTERM");
    await server.status;
  }
  // The server is gone with its group: the port is free again.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const again = Deno.listen({ hostname: "127.0.0.1", port });
  again.close();
  return `${await printed}${await complained}`;
}

Deno.test("npm run serve answers /kmeans with dist/kmeans.html on the port in PORT", async () => {
  await whileServing("serve", async (origin) => {
    const expected = await Deno.readTextFile("dist/kmeans.html");
    const kmeans = await fetch(`${origin}/kmeans`);
    assert.equal(kmeans.status, 200);
    assert.match(kmeans.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(await kmeans.text(), expected, "/kmeans is kmeans.html, byte for byte");
    const index = await fetch(`${origin}/`);
    assert.equal(await index.text(), await Deno.readTextFile("dist/index.html"));
    const missing = await fetch(`${origin}/no-such-page`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("npm start serves the built site, building first only if dist/ is stale", async () => {
  // `npm run test:e2e` builds just before the tests, so dist/ is up to date there; after an edit
  // it is not, and npm start must build again before serving.
  const reason = await buildReason();
  const printed = await whileServing("start", async (origin) => {
    const kmeans = await fetch(`${origin}/kmeans`);
    assert.equal(await kmeans.text(), await Deno.readTextFile("dist/kmeans.html"));
  }, 300_000);
  assert.equal(printed.split("\n")[0], reason ?? "dist/ is up to date with the sources.");
  assert.equal(printed.includes("Content-Security-Policy added"), reason !== undefined, "built iff stale");
  assert.equal(await buildReason(), undefined, "dist/ is up to date afterwards");
});
