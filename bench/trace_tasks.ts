/**
 * Which code makes a live page's long main-thread tasks: records a Chromium trace, with V8's
 * sampling profiler, through playwright-core's CDP session while the page retrains after k
 * 5 -> 3 -> 5 -> 3 at the instant speed (clicking a paragraph meanwhile, as bench/browser.ts does),
 * then prints each main-thread task whose thread time is over `--over` ms (default 25) with its
 * wall time, its rendering's parts (style, layout, paint, layerize) and the site's own functions
 * its samples fell in. Thread time is what the task itself ran: on a shared machine the wall time
 * also counts the time other processes held the core, the thread time does not.
 * Run (after npm run build): deno run -A bench/trace_tasks.ts [--page /kmeans] [--over 25] [--root dist]
 */
import { launchBrowser, serveStatic } from "../test/e2e/_browser.ts";

function argument(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 && Deno.args[at + 1] ? Deno.args[at + 1] : fallback;
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber?: number; columnNumber?: number };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread time (µs). */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

const CATEGORIES =
  "devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-v8.cpu_profiler,blink.user_timing";
/** The rendering's parts, as the trace names them. */
const RENDERING = ["UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit"];

/** Records the page retraining after three changes of k; returns the trace's events. */
async function record(root: string, path: string): Promise<TraceEvent[]> {
  const server = serveStatic(root);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const url = new URL(path, server.origin);
    url.searchParams.set("speed", "instant");
    const runs = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("[data-training-state]")].map((el) =>
          `${el.dataset.run} ${el.dataset.trainingState}`
        )
      );
    const done = (before: string[]) =>
      page.waitForFunction(
        (before) => {
          const els = [...document.querySelectorAll<HTMLElement>("[data-training-state]")];
          return els.length > 0 && els.every((el, i) =>
            ["done", "diverged"].includes(el.dataset.trainingState!) &&
            `${el.dataset.run} ${el.dataset.trainingState}` !== before[i]
          );
        },
        before,
        { timeout: 180_000 },
      );
    await page.goto(url.href);
    await done([]);
    await page.waitForTimeout(1500); // the background jobs start; a change preempts them
    const cdp = await page.context().newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on("Tracing.dataCollected", ({ value }) => events.push(...(value as unknown as TraceEvent[])));
    const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
    await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
    // Where the changes begin: the profiler's start, before it, makes a long task of its own.
    await page.waitForTimeout(500);
    await page.evaluate(() => performance.mark("changes"));
    const box = await page.locator("main p").first().boundingBox();
    for (const k of [3, 5, 3]) {
      const finished = done(await runs());
      let over = false;
      finished.then(() => (over = true), () => (over = true));
      await page.getByLabel("k", { exact: true }).first().fill(String(k));
      while (!over && box) {
        await page.mouse.click(box.x + 5, box.y + 5);
        await page.waitForTimeout(20);
      }
      await finished;
      await page.waitForTimeout(700);
    }
    await cdp.send("Tracing.end");
    await complete;
    return events;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** A frame of the site's own code, named by its function and the built source at its position. */
function ownFrame(frame: ProfileNode["callFrame"], root: string, sources: Map<string, string[]>) {
  if (!frame.url || !/\/_(import|node)\//.test(frame.url)) return undefined;
  const path = new URL(frame.url).pathname;
  if (!sources.has(path)) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`${root}${path}`);
    } catch {
      // a file no longer built: named without its source
    }
    sources.set(path, text.split("\n"));
  }
  const line = frame.lineNumber ?? 0, column = frame.columnNumber ?? 0;
  const text = (sources.get(path)![line] ?? "").slice(column, column + 40);
  return `${frame.functionName || "(anonymous)"} ${path.split("/").slice(-2).join("/")} «${text}»`;
}

function report(events: TraceEvent[], root: string, over: number) {
  const mains = events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const profile = events.find((e) =>
    e.name === "Profile" && mains.some((main) => main.pid === e.pid && main.tid === e.tid)
  );
  const main = mains.find((e) => e.pid === profile?.pid && e.tid === profile?.tid);
  if (!profile || !main) throw new Error("no profiled renderer main thread in the trace");
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === "X");
  const nodes = new Map<number, ProfileNode>();
  const samples: { ts: number; node: number }[] = [];
  let clock = profile.args?.data?.startTime ?? 0;
  for (const chunk of events.filter((e) => e.name === "ProfileChunk" && e.id === profile.id)) {
    for (const node of chunk.args?.data?.cpuProfile?.nodes ?? []) nodes.set(node.id, node);
    const deltas = chunk.args?.data?.timeDeltas ?? [];
    (chunk.args?.data?.cpuProfile?.samples ?? []).forEach((node, i) => {
      clock += deltas[i] ?? 0;
      samples.push({ ts: clock, node });
    });
  }
  const sources = new Map<string, string[]>();
  // The tasks from the first change on, and those over `over` ms of thread time.
  const from = events.find((e) => e.name === "changes")?.ts ?? 0;
  const all = onMain.filter((e) => e.name === "RunTask" && e.ts >= from);
  const tasks = all.filter((e) => (e.tdur ?? 0) > over * 1000);
  const ms = (us: number) => (us / 1000).toFixed(1);
  const longest = all.reduce((a, b) => ((b.tdur ?? 0) > (a.tdur ?? 0) ? b : a), all[0]);
  console.log(
    `longest task ${ms(longest.tdur ?? 0)} ms thread time (${ms(longest.dur ?? 0)} ms wall); ` +
      `${tasks.length} main-thread tasks over ${over} ms of thread time`,
  );
  for (const task of tasks) {
    const end = task.ts + task.dur!;
    const inside = onMain.filter((e) => e.ts >= task.ts && e.ts < end);
    const parts = RENDERING.map((name) => {
      const us = inside.filter((e) => e.name === name).reduce((sum, e) => sum + (e.tdur ?? 0), 0);
      return `${name} ${ms(us)}`;
    });
    console.log(`\n${ms(task.tdur!)} ms thread (${ms(task.dur!)} ms wall): ${parts.join(", ")}`);
    // Each sample counts once for every own function on its stack.
    const counts = new Map<string, number>();
    const inTask = samples.filter((s) => s.ts >= task.ts && s.ts < end);
    for (const { node } of inTask) {
      const seen = new Set<string>();
      for (let at = nodes.get(node); at; at = at.parent === undefined ? undefined : nodes.get(at.parent)) {
        const name = ownFrame(at.callFrame, root, sources);
        if (name && !seen.has(name)) {
          seen.add(name);
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
    }
    for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      console.log(`  ${(100 * count / inTask.length).toFixed(0).padStart(3)}%  ${name}`);
    }
  }
}

if (import.meta.main) {
  const root = argument("root", "dist");
  report(await record(root, argument("page", "/kmeans")), root, Number(argument("over", "25")));
}
