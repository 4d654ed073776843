/**
 * The browser half of `npm run bench`: serves the built site (dist/; built with `observable
 * build` first if it is missing) and drives Debian's Chromium with playwright-core to measure
 *
 * - training time per TensorFlow.js backend: the bench page runs the project's own
 *   `fitGradientKMeans` and `fitGradientGMM` (src/components/benchmark.ts), one warm-up then
 *   `--runs` timed runs, with their validation scores; WebAssembly is tried twice, as a static
 *   host serves it and cross-origin isolated (COOP/COEP headers), where it may use threads;
 * - responsiveness: how long training alone holds the main thread between two reports when it
 *   reports as often as the pages do (the bench page, the default backend), and long tasks
 *   (PerformanceObserver, "longtask") while each live page retrains after an input change, with
 *   how soon after the change the first chart is redrawn;
 * - page weight: the JavaScript (and WebAssembly) each page downloads, raw and gzipped.
 *
 * Prints one JSON object (see {@link BrowserBenchmark}) on stdout; progress goes to stderr.
 * Run: deno run -A bench/browser.ts [--runs 5] [--webgl-runs 3] [--backends wasm,wasm-isolated,cpu,webgl] [--no-build]
 */
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../test/e2e/_browser.ts";

const ROOT = "dist";
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript",
  css: "text/css",
  json: "application/json",
  wasm: "application/wasm",
  svg: "image/svg+xml",
  png: "image/png",
};

/** A backend as the bench page is asked for it; `wasm-isolated` is wasm on a COOP/COEP page. */
type BackendRun = "wasm" | "wasm-isolated" | "cpu" | "webgl";

interface TrainingTimes {
  times: number[];
  medianMs: number;
  scores: number[];
  medianScore: number;
  warmUpMs: number;
}

/** What one backend measured, or why it could not run. */
export interface BackendResult {
  run: BackendRun;
  /** Timed runs (after one warm-up). */
  runs?: number;
  backend?: { name: string; simd?: boolean; threads?: boolean };
  /** The fused engine's times (it runs no tensor op: the same on every backend). */
  kmeans?: TrainingTimes;
  gmm?: TrainingTimes;
  /** Each engine's times: autodiff runs on this backend, fused in plain JavaScript. */
  engines?: Partial<Record<"autodiff" | "fused", { kmeans?: TrainingTimes; gmm?: TrainingTimes }>>;
  error?: string;
}

/** Responsiveness of one live page while it retrains after an input change. */
export interface PageResponsiveness {
  page: string;
  /** Backend the page chose. */
  backend?: string;
  /** Milliseconds from the input event to the first chart (svg) added to the page. */
  firstChartMs?: number;
  /** Milliseconds from the input event to the end of training. */
  trainingMs?: number;
  /** Long tasks (over 50 ms) between the input event and the end of training. */
  longTasks: number;
  /** Longest of them, or 0. */
  longestTaskMs: number;
  /** Long tasks while the page first loaded and trained, for comparison. */
  loadLongTasks: number;
  loadLongestTaskMs: number;
  error?: string;
}

/** Training's own chunks between reports, and the long tasks seen meanwhile (bench page, no charts). */
export interface TrainingChunks {
  backend?: string;
  kmeans?: ChunkTimes;
  gmm?: ChunkTimes;
  longTasks: number;
  longestTaskMs: number;
  error?: string;
}

interface ChunkTimes {
  reportEvery: number;
  chunks: number;
  longestMs: number;
  medianMs: number;
}

/** JavaScript and WebAssembly one page downloads. */
export interface PageWeight {
  page: string;
  jsBytes: number;
  jsGzipBytes: number;
  jsFiles: number;
  wasmBytes: number;
}

/** The JSON object printed on stdout. */
export interface BrowserBenchmark {
  chromium: string;
  /** Timed runs per backend (WebGL: {@link WEBGL_RUNS}). */
  runs: number;
  backends: BackendResult[];
  chunks: TrainingChunks;
  responsiveness: PageResponsiveness[];
  weights: PageWeight[];
}

function argument(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 && Deno.args[at + 1] ? Deno.args[at + 1] : fallback;
}

const RUNS = Number(argument("runs", "5"));
/** WebGL emulated in software (headless, no GPU) trains the mixture in tens of seconds a run: fewer runs there. */
const WEBGL_RUNS = Math.min(RUNS, Number(argument("webgl-runs", "3")));
// wasm-isolated (threads on a COOP/COEP page) is left out by default: with the site's CSP it hangs (see README).
const BACKENDS = argument("backends", "wasm,cpu,webgl").split(",") as BackendRun[];
const log = (message: string) => console.error(`bench/browser: ${message}`);

/** Serves `root` like a static host; `isolated` adds the headers that enable SharedArrayBuffer. */
function serve(root: string, { isolated = false } = {}): { origin: string; close: () => Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    let path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    if (path.endsWith("/")) path += "index";
    for (const candidate of [path, `${path}.html`]) {
      try {
        const body = await Deno.readFile(`${root}${candidate}`);
        const headers = new Headers({
          "content-type": CONTENT_TYPES[candidate.split(".").pop() ?? ""] ?? "application/octet-stream",
        });
        if (isolated) {
          headers.set("cross-origin-opener-policy", "same-origin");
          headers.set("cross-origin-embedder-policy", "require-corp");
        }
        return new Response(body, { headers });
      } catch {
        // try the next candidate
      }
    }
    return new Response("not found", { status: 404 });
  });
  const { port } = server.addr as Deno.NetAddr;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.shutdown() };
}

async function ensureBuilt(): Promise<void> {
  try {
    await Deno.stat(`${ROOT}/bench.html`);
    return;
  } catch {
    if (Deno.args.includes("--no-build")) throw new Error(`${ROOT}/bench.html is missing; run npm run build`);
  }
  log("dist/bench.html is missing: running observable build");
  const { success } = await new Deno.Command("node_modules/.bin/observable", {
    args: ["build"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) throw new Error("observable build failed");
}

async function benchmarkBackends(browser: Browser): Promise<BackendResult[]> {
  const results: BackendResult[] = [];
  for (const run of BACKENDS) {
    const isolated = run === "wasm-isolated";
    const backend = isolated ? "wasm" : run;
    const server = serve(ROOT, { isolated });
    const page = await browser.newPage();
    try {
      await page.goto(`${server.origin}/bench?backend=${backend}`, { waitUntil: "load" });
      await page.waitForFunction(() => "gradientBenchmark" in window, null, { timeout: 60_000 });
      const runs = backend === "webgl" ? WEBGL_RUNS : RUNS;
      log(`${run}: training (${runs} runs after a warm-up)…`);
      const result = await page.evaluate(
        ([backend, runs]) =>
          (window as unknown as {
            gradientBenchmark: (
              backend: string,
              options: { runs: number },
            ) => Promise<Omit<BackendResult, "run">>;
          }).gradientBenchmark(backend as string, { runs: runs as number }),
        [backend, runs] as const,
      );
      results.push({ run, runs, ...result });
      for (const [engine, times] of Object.entries(result.engines ?? {})) {
        log(
          `${run}, ${engine}: K-means ${times.kmeans?.medianMs.toFixed(1)} ms, mixture ${
            times.gmm?.medianMs.toFixed(1)
          } ms`,
        );
      }
    } catch (error) {
      results.push({ run, error: String(error).split("\n")[0] });
      log(`${run}: ${String(error).split("\n")[0]}`);
    } finally {
      await page.close();
      await server.close();
    }
  }
  return results;
}

/** Collects every long task the page has seen, from its start. */
const LONG_TASK_OBSERVER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
`;

function trainingDone(page: Page, timeout: number): Promise<unknown> {
  return page.waitForFunction(
    () => {
      const text = document.body.innerText;
      return text.includes("done in") && !text.includes("training…");
    },
    null,
    { timeout },
  );
}

async function measureResponsiveness(
  browser: Browser,
  origin: string,
  path: string,
): Promise<PageResponsiveness> {
  const result: PageResponsiveness = {
    page: path,
    longTasks: 0,
    longestTaskMs: 0,
    loadLongTasks: 0,
    loadLongestTaskMs: 0,
  };
  const page = await browser.newPage();
  // Which backend the page chose shows in what it loads.
  const backends = ["wasm", "cpu", "webgl"], loaded: string[] = [];
  page.on("request", (request) => loaded.push(request.url()));
  try {
    await page.addInitScript(LONG_TASK_OBSERVER);
    await page.goto(`${origin}${path}`, { waitUntil: "load" });
    await trainingDone(page, 120_000);
    // Let the last redraw's task finish before reading the load-time tasks.
    await page.waitForTimeout(200);
    const loadTasks = await page.evaluate(() =>
      (window as unknown as { __longTasks: number[][] }).__longTasks
    );
    result.loadLongTasks = loadTasks.length;
    result.loadLongestTaskMs = Math.max(0, ...loadTasks.map(([, duration]) => duration));

    // Change k (5 -> 3) the way a reader does, and time what follows from that event.
    const k = page.getByLabel("k", { exact: true }).first();
    const start = await k.evaluate((input: HTMLInputElement) => {
      const w = window as unknown as { __firstChart: Promise<number>; __start: number };
      const main = document.querySelector("main")!;
      w.__start = performance.now();
      w.__firstChart = new Promise((resolve) => {
        const observer = new MutationObserver((records) => {
          for (const record of records) {
            for (const node of record.addedNodes) {
              if (node instanceof Element && (node.matches("svg") || node.querySelector("svg"))) {
                observer.disconnect();
                resolve(performance.now() - w.__start);
                return;
              }
            }
          }
        });
        observer.observe(main, { childList: true, subtree: true });
      });
      input.value = "3";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      return w.__start;
    });
    await page.waitForFunction(() => document.body.innerText.includes("training…"), null, { timeout: 10_000 })
      .catch(() => {}); // a fast training may be done before we look
    await trainingDone(page, 120_000);
    const end = await page.evaluate(() => performance.now());
    await page.waitForTimeout(200);
    const measured = await page.evaluate(async (start) => {
      const w = window as unknown as { __firstChart: Promise<number>; __longTasks: number[][] };
      const firstChartMs = await Promise.race([
        w.__firstChart,
        new Promise<number>((r) => setTimeout(() => r(NaN), 1000)),
      ]);
      return { firstChartMs, tasks: w.__longTasks.filter(([startTime]) => startTime >= start) };
    }, start);
    result.firstChartMs = Number.isNaN(measured.firstChartMs) ? undefined : measured.firstChartMs;
    result.trainingMs = end - start;
    result.longTasks = measured.tasks.length;
    result.longestTaskMs = Math.max(0, ...measured.tasks.map(([, duration]) => duration));
    result.backend = backends.find((name) => loaded.some((url) => url.includes(`tfjs-backend-${name}`)));
  } catch (error) {
    result.error = String(error).split("\n")[0];
  } finally {
    await page.close();
  }
  return result;
}

async function measureChunks(browser: Browser, origin: string): Promise<TrainingChunks> {
  const result: TrainingChunks = { longTasks: 0, longestTaskMs: 0 };
  const page = await browser.newPage();
  try {
    await page.addInitScript(LONG_TASK_OBSERVER);
    await page.goto(`${origin}/bench`, { waitUntil: "load" });
    await page.waitForFunction(() => "gradientTrainingChunks" in window, null, { timeout: 60_000 });
    const measured = await page.evaluate(async () => {
      const w = window as unknown as {
        gradientTrainingChunks: () => Promise<
          { backend: { name: string }; kmeans: ChunkTimes; gmm: ChunkTimes }
        >;
        __longTasks: number[][];
      };
      await w.gradientTrainingChunks(); // warm-up
      const start = performance.now();
      const chunks = await w.gradientTrainingChunks();
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ...chunks, tasks: w.__longTasks.filter(([startTime]) => startTime >= start) };
    });
    result.kmeans = measured.kmeans;
    result.gmm = measured.gmm;
    result.longTasks = measured.tasks.length;
    result.longestTaskMs = Math.max(0, ...measured.tasks.map(([, duration]) => duration));
    result.backend = measured.backend.name;
  } catch (error) {
    result.error = String(error).split("\n")[0];
  } finally {
    await page.close();
  }
  return result;
}

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

async function measureWeight(browser: Browser, origin: string, path: string): Promise<PageWeight> {
  const page = await browser.newPage();
  const bodies: Promise<{ url: string; kind: "js" | "wasm"; body: Uint8Array<ArrayBuffer> }>[] = [];
  page.on("response", (response) => {
    const url = response.url();
    const kind = /\.m?js(\?|$)/.test(url) ? "js" : /\.wasm(\?|$)/.test(url) ? "wasm" : undefined;
    if (kind) bodies.push(response.body().then((body) => ({ url, kind, body: new Uint8Array(body) })));
  });
  try {
    await page.goto(`${origin}${path}`, { waitUntil: "networkidle" });
    await page.waitForTimeout(500); // a backend imported after the first cells ran
    const files = await Promise.all(bodies);
    const js = files.filter((file) => file.kind === "js");
    const jsGzip = await Promise.all(js.map((file) => gzipSize(file.body)));
    return {
      page: path,
      jsBytes: js.reduce((sum, file) => sum + file.body.length, 0),
      jsGzipBytes: jsGzip.reduce((a, b) => a + b, 0),
      jsFiles: js.length,
      wasmBytes: files.filter((file) => file.kind === "wasm").reduce(
        (sum, file) => sum + file.body.length,
        0,
      ),
    };
  } finally {
    await page.close();
  }
}

async function pagePaths(): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(ROOT)) {
    if (entry.isFile && entry.name.endsWith(".html") && entry.name !== "404.html") {
      paths.push(entry.name === "index.html" ? "/" : `/${entry.name.slice(0, -".html".length)}`);
    }
  }
  return paths.sort();
}

async function main(): Promise<BrowserBenchmark> {
  await ensureBuilt();
  const browser = await launchBrowser();
  try {
    const backends = await benchmarkBackends(browser);
    const server = serve(ROOT);
    try {
      const paths = await pagePaths();
      log("bench page: training's own chunks between reports…");
      const chunks = await measureChunks(browser, server.origin);
      const responsiveness: PageResponsiveness[] = [];
      for (const path of ["/kmeans", "/gmm"].filter((p) => paths.includes(p))) {
        log(`${path}: long tasks while retraining after an input change…`);
        responsiveness.push(await measureResponsiveness(browser, server.origin, path));
      }
      const weights: PageWeight[] = [];
      for (const path of paths) weights.push(await measureWeight(browser, server.origin, path));
      return { chromium: browser.version(), runs: RUNS, backends, chunks, responsiveness, weights };
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.main) console.log(JSON.stringify(await main()));
