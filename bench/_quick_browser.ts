// scratch: times engines on the /bench page in Chromium (not committed)
import { launchBrowser, serveStatic } from "../test/e2e/_browser.ts";
const server = serveStatic("dist");
const browser = await launchBrowser();
const page = await browser.newPage();
page.on("console", (m) => console.error("console:", m.text()));
page.on("pageerror", (e) => console.error("pageerror:", e));
await page.goto(`${server.origin}/bench`, { waitUntil: "load" });
await page.waitForFunction(() => "gradientBenchmark" in window, null, { timeout: 60_000 });
const opts = JSON.parse(Deno.args[0] ?? '{"runs":3}');
const r = await page.evaluate((o) => (window as any).gradientBenchmark(o.backend ?? "wasm", o), opts);
for (const [engine, t] of Object.entries((r as any).engines)) {
  for (const [model, x] of Object.entries(t as any)) {
    console.log(
      engine,
      model,
      "median",
      (x as any).medianMs.toFixed(0),
      "ms times",
      (x as any).times.map((v: number) => v.toFixed(0)).join(","),
      "warm",
      (x as any).warmUpMs.toFixed(0),
      "score",
      (x as any).medianScore,
    );
  }
}
console.log(JSON.stringify((r as any).backend));
await browser.close();
await server.close();
