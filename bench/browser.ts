/**
 * The browser half of `npm run bench`: serves the built site (dist/; built with `observable
 * build` first if it is missing) and drives Debian's Chromium with playwright-core to measure
 *
 * - training time per TensorFlow.js backend: the bench page runs the project's own
 *   `fitGradientKMeans` and `fitGradientMixture` (src/components/live/benchmark.ts), one warm-up then
 *   `--runs` timed runs, with their validation scores; WebAssembly is tried twice, as a static
 *   host serves it and cross-origin isolated (COOP/COEP headers), where it may use threads;
 * - responsiveness: how long training alone holds the main thread between two reports when it
 *   reports as often as the pages do (the bench page, the default backend);
 * - the live pages (`/kmeans`, `/gmm`, each with its default engine and with the fused one, at the
 *   player's instant speed, `speed=instant`, since the default animation spreads a run over at least
 *   2 s; {@link measureLivePage}): from an input event (k 5 -> 3) to every run's
 *   `data-training-state="done"` with the final model drawn, the longest main-thread task meanwhile
 *   (PerformanceObserver, "longtask"), the longest wait of a click made during training, the settle
 *   time after a 1 s drag of the epochs slider, the bytes served before the first trained model, and
 *   the ONNX section's downloads;
 * - page weight: the JavaScript (and WebAssembly) each page downloads, raw and gzipped, counted by
 *   the server.
 *
 * Prints one JSON object (see {@link BrowserBenchmark}) on stdout; progress goes to stderr.
 * Run: deno run -A bench/browser.ts [--runs 5] [--webgl-runs 3] [--backends wasm,wasm-isolated,cpu,webgl] [--no-build]
 *      [--live-only] (only the live pages) [--live-pages /gmm,/gmm?engine=fused] (which live pages)
 *      [--atlas-only] (only the local-optima atlas, {@link measureAtlas})
 */
import type { Browser, Page } from "playwright-core";
import { launchBrowser, serveStatic } from "../test/e2e/_browser.ts";
import type { AtlasBenchResult, LivePageResult } from "./live_pages_report.ts";

export { livePageReport, type LivePageResult } from "./live_pages_report.ts";

const ROOT = "dist";

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
  livePages: LivePageResult[];
  weights: PageWeight[];
  /** The local-optima atlas ({@link measureAtlas}). */
  atlas?: AtlasBenchResult;
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
    const server = serveStatic(ROOT, { isolated });
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

/** Collects long tasks from the page's start, and the wait of every trusted click. */
const LIVE_PAGE_PROBES = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
  window.__clicks = [];
  addEventListener("click", (event) => {
    if (!event.isTrusted) return;
    const at = event.timeStamp;
    requestAnimationFrame(() => window.__clicks.push([at, performance.now() - at]));
  }, true);
  // Resolves with the time every run's progress element says done (or diverged), each a new run
  // (data-run above the counts in before).
  window.__whenDone = (before) => new Promise((resolve) => {
    const check = () => {
      const runs = [...document.querySelectorAll("[data-training-state]")];
      const done = runs.length > 0 && runs.every((el, i) =>
        ["done", "diverged"].includes(el.dataset.trainingState) && Number(el.dataset.run) > (before[i] ?? 0));
      if (done) {
        observer.disconnect();
        resolve(performance.now());
      }
      return done;
    };
    const observer = new MutationObserver(check);
    if (!check()) observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  window.__runCounts = () => [...document.querySelectorAll("[data-training-state]")].map((el) => Number(el.dataset.run));
`;

/** Sets the number field labelled `label` to `value` the way typing does, and returns the event's time. */
function setNumber(page: Page, label: string, value: number): Promise<number> {
  return page.getByLabel(label, { exact: true }).first().evaluate((input: HTMLInputElement, value) => {
    input.value = String(value);
    const event = new Event("input", { bubbles: true });
    input.dispatchEvent(event);
    return event.timeStamp;
  }, value);
}

/**
 * Measures one live page at the player's instant speed (`speed=instant` is added to `path` unless it
 * names a speed: the animated default would time the animation, not the training): the bytes
 * before its first trained model, then k 5 -> 3
 * (time to done, longest task, clicks answered meanwhile), a 1 s drag of the epochs slider, and
 * the ONNX section's downloads.
 */
export async function measureLivePage(browser: Browser, path: string): Promise<LivePageResult> {
  const engine = new URL(path, "http://x").searchParams.get("engine") ?? "autodiff (default)";
  const result: LivePageResult = { page: path, engine, longestTaskMs: 0, clicks: 0 };
  let bytes = 0;
  const served: string[] = [];
  const server = serveStatic(ROOT, {
    onServe: (file, size) => {
      bytes += size;
      served.push(file);
    },
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(LIVE_PAGE_PROBES);
    const url = new URL(path, server.origin);
    if (!url.searchParams.has("speed")) url.searchParams.set("speed", "instant");
    await page.goto(url.href, { waitUntil: "commit" });
    await page.waitForFunction(() => "__whenDone" in window);
    await page.evaluate(() =>
      (window as unknown as { __whenDone: (b: number[]) => Promise<number> }).__whenDone([])
    );
    result.bytesBeforeTrained = bytes;
    result.ortBeforeUse = served.some((file) => /ort-wasm/.test(file));
    await page.waitForTimeout(1500); // the background jobs (restarts, k = 1..5 table) start; a change preempts them

    // k 5 -> 3 -> 5 -> 3 (three changes, the median reported), clicking a paragraph every 20 ms meanwhile.
    type Probes = { __whenDone: (b: number[]) => Promise<number>; __runCounts: () => number[] };
    const changes: { ms: number; longest: number; clicks: number; clickWait?: number; workerMs: number }[] =
      [];
    for (const k of [3, 5, 3]) {
      const before = await page.evaluate(() => (window as unknown as Probes).__runCounts());
      const start = await setNumber(page, "k", k);
      const finished = page.evaluate((before) => (window as unknown as Probes).__whenDone(before), before);
      let done = false;
      finished.then(() => (done = true), () => (done = true));
      const box = await page.locator("main p").first().boundingBox();
      while (!done && box) {
        await page.mouse.click(box.x + 5, box.y + 5);
        await page.waitForTimeout(20);
      }
      const end = await finished;
      await page.waitForTimeout(100);
      const measured = await page.evaluate(([start, end]) => {
        const w = window as unknown as { __longTasks: number[][]; __clicks: number[][] };
        const tasks = w.__longTasks.filter(([t, d]) => t + d >= start && t <= end);
        const clicks = w.__clicks.filter(([t]) => t >= start && t <= end);
        const workerMs = [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) =>
          Number(el.dataset.workerMs)
        );
        return {
          longest: Math.max(0, ...tasks.map(([, d]) => d)),
          clicks: clicks.length,
          clickWait: clicks.length ? Math.max(...clicks.map(([, wait]) => wait)) : undefined,
          workerMs: Math.max(...workerMs),
        };
      }, [start, end]);
      changes.push({ ms: end - start, ...measured });
      // Back to idle (the background jobs restart after each change; the next change preempts them).
      await page.waitForTimeout(700);
    }
    const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1];
    result.changeMs = median(changes.map((c) => c.ms));
    result.workerMs = median(changes.map((c) => c.workerMs));
    result.longestTaskMs = median(changes.map((c) => c.longest));
    result.worstTaskMs = Math.max(...changes.map((c) => c.longest));
    result.clicks = changes.reduce((sum, c) => sum + c.clicks, 0);
    const waits = changes.flatMap((c) => (c.clickWait === undefined ? [] : [c.clickWait]));
    result.clickWaitMs = waits.length ? median(waits) : undefined;
    result.worstClickWaitMs = waits.length ? Math.max(...waits) : undefined;

    // A 1 s drag of the epochs slider: an input event every 16 ms, each a new value.
    await page.waitForTimeout(500);
    const settle = await page.evaluate(async () => {
      const w = window as unknown as Probes;
      const label = [...document.querySelectorAll("form label")].find((l) =>
        l.textContent?.trim() === "epochs"
      );
      const slider = label!.closest("form")!.querySelector<HTMLInputElement>("input[type=range]")!;
      const from = Number(slider.value);
      let last = 0;
      for (let i = 1; i <= 62; i++) {
        slider.value = String(from + 2 * i);
        const event = new Event("input", { bubbles: true });
        slider.dispatchEvent(event);
        last = event.timeStamp;
        await new Promise((resolve) => setTimeout(resolve, 16));
      }
      // The last value's runs: wait until the page has started them, then until they are done.
      const counts = w.__runCounts();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = w.__runCounts();
      const before = started.some((c, i) => c > counts[i]) ? counts : started.map((c) => c - 1);
      return (await w.__whenDone(before)) - last;
    });
    result.dragSettleMs = settle;

    // The ONNX section: onnxruntime-web loads when it scrolls into view; each .onnx once, also after k changes.
    const before2 = served.length;
    await page.locator(".onnx-map").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector(".onnx-map svg, .onnx-map figure"), null, {
      timeout: 60_000,
    });
    for (const k of [4, 3]) {
      await setNumber(page, "k", k);
      await page.waitForTimeout(800);
    }
    const onnx = served.slice(before2).filter((file) => file.endsWith(".onnx"));
    const perFile = new Map<string, number>();
    for (const file of onnx) perFile.set(file, (perFile.get(file) ?? 0) + 1);
    result.onnxFetchesPerFile = Math.max(0, ...perFile.values());
  } catch (error) {
    result.error = String(error).split("\n")[0];
  } finally {
    await context.close().catch(() => {});
    await server.close();
  }
  return result;
}

/** The live pages measured by default: each with its default engine, then with the fused engine. */
const LIVE_PAGES = argument("live-pages", "/kmeans,/gmm,/kmeans?engine=fused,/gmm?engine=fused").split(",");

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * What a page downloads on load, counted by the server (not from the browser's response bodies,
 * which vanish with a closed page: "Target page, context or browser has been closed").
 */
async function measureWeight(browser: Browser, path: string): Promise<PageWeight> {
  const served: string[] = [];
  const server = serveStatic(ROOT, { onServe: (file) => served.push(file) });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}${path}`, { waitUntil: "networkidle" });
    await page.waitForTimeout(500); // a backend imported after the first cells ran
    await context.close();
    const files = await Promise.all(
      [...new Set(served)].filter((file) => /\.(m?js|wasm)$/.test(file)).map(async (file) => ({
        file,
        body: await Deno.readFile(`${ROOT}${file}`),
      })),
    );
    const js = files.filter(({ file }) => !file.endsWith(".wasm"));
    const jsGzip = await Promise.all(js.map(({ body }) => gzipSize(body)));
    return {
      page: path,
      jsBytes: js.reduce((sum, { body }) => sum + body.length, 0),
      jsGzipBytes: jsGzip.reduce((a, b) => a + b, 0),
      jsFiles: js.length,
      wasmBytes: files.filter(({ file }) => file.endsWith(".wasm")).reduce(
        (sum, { body }) => sum + body.length,
        0,
      ),
    };
  } finally {
    await context.close().catch(() => {});
    await server.close();
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
    const liveOnly = Deno.args.includes("--live-only");
    const backends = liveOnly ? [] : await benchmarkBackends(browser);
    const server = serveStatic(ROOT);
    try {
      const paths = await pagePaths();
      log("bench page: training's own chunks between reports…");
      const chunks = liveOnly
        ? { longTasks: 0, longestTaskMs: 0 }
        : await measureChunks(browser, server.origin);
      const livePages: LivePageResult[] = [];
      for (const path of LIVE_PAGES.filter((p) => paths.includes(p.split("?")[0]))) {
        log(`${path}: retraining after an input change, clicks, a slider drag, downloads…`);
        livePages.push(await measureLivePage(browser, path));
        log(`${path}: ${JSON.stringify(livePages.at(-1))}`);
      }
      const weights: PageWeight[] = [];
      for (const path of liveOnly ? [] : paths) weights.push(await measureWeight(browser, path));
      log("/atlas: 100 seeds of both K-means methods…");
      const atlas = paths.includes("/atlas") ? await measureAtlas(browser, server.origin) : undefined;
      log(`/atlas: ${JSON.stringify(atlas)}`);
      return { chromium: browser.version(), runs: RUNS, backends, chunks, livePages, weights, atlas };
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
  }
}

/** A Chromium trace event (the fields read here). */
interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  args?: { name?: string };
  /** CPU time of a complete event, in microseconds. */
  tdur?: number;
}

/** The most CPU time one task of the page's main thread (CrRendererMain) took in `trace`, in ms. */
function longestMainThreadCpuMs(trace: { traceEvents: TraceEvent[] }): number {
  const main = new Set(
    trace.traceEvents.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = trace.traceEvents.filter((e) => e.name === "RunTask" && main.has(`${e.pid}:${e.tid}`));
  return Math.max(0, ...tasks.map((e) => (e.tdur ?? 0) / 1000));
}

/**
 * The local-optima atlas at its default (100 seeds of gradient K-means and of single-start Lloyd,
 * k = 5, data2D): once the page's first atlas is done (workers loaded), the time from a click on
 * "Run again" to `data-atlas-state="done"`, the long tasks on the main thread meanwhile, and the
 * most CPU time one main-thread task took (a Chromium trace).
 */
export async function measureAtlas(browser: Browser, origin: string): Promise<AtlasBenchResult> {
  const result: AtlasBenchResult = { seeds: 100, runs: 201, longestTaskMs: 0, longTasks: 0 };
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.addInitScript(LONG_TASK_OBSERVER);
    await page.goto(`${origin}/atlas?model=kmeans&k=5&seeds=${result.seeds}`, { waitUntil: "load" });
    const done = '.atlas-status[data-atlas-state="done"]';
    await page.waitForSelector(done, { timeout: 300_000 });
    // Traced too: each main-thread task's CPU time (its wall time grows when other processes share the cores).
    await browser.startTracing(page, {
      categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"],
    });
    const start = await page.evaluate(() => {
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Run again")!;
      const start = performance.now();
      button.click();
      return start;
    });
    await page.waitForSelector(`.atlas-status[data-atlas-state="running"]`, { timeout: 10_000 });
    await page.waitForSelector(done, { timeout: 300_000 });
    const measured = await page.evaluate((start) => {
      const end = performance.now();
      const w = window as unknown as { __longTasks: number[][] };
      const runs = Number(document.querySelector(".atlas-status")!.getAttribute("data-runs-done"));
      return { ms: end - start, runs, tasks: w.__longTasks.filter(([startTime]) => startTime >= start) };
    }, start);
    result.longestTaskCpuMs = longestMainThreadCpuMs(
      JSON.parse(new TextDecoder().decode(await browser.stopTracing())),
    );
    result.atlasMs = measured.ms;
    result.runs = measured.runs;
    result.longTasks = measured.tasks.length;
    result.longestTaskMs = Math.max(0, ...measured.tasks.map(([, duration]) => duration));
  } catch (error) {
    result.error = String(error).split("\n")[0];
  } finally {
    await page.close();
  }
  return result;
}

if (import.meta.main) {
  if (Deno.args.includes("--atlas-only")) {
    await ensureBuilt();
    const browser = await launchBrowser(), server = serveStatic(ROOT);
    try {
      console.log(JSON.stringify(await measureAtlas(browser, server.origin)));
    } finally {
      await server.close();
      await browser.close();
    }
  } else console.log(JSON.stringify(await main()));
}
