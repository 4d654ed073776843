/**
 * The live pages' figures as bench/browser.ts measures them, and their table and summary for
 * `npm run bench` (bench/run.ts). No browser here: run.ts imports it without playwright.
 */

/**
 * One live page's figures after an input change, at the player's instant speed, `speed=instant`
 * (see {@link measureLivePage}).
 */
export interface LivePageResult {
  /** The page and its query (e.g. `/kmeans?engine=fused`). */
  page: string;
  engine: string;
  /**
   * Milliseconds from the input event to every run's `data-training-state="done"`, final model drawn:
   * the median of three changes (k 5 -> 3 -> 5 -> 3).
   */
  changeMs?: number;
  /** The workers' own time for those runs (the engine and its reports), the longest of them. */
  workerMs?: number;
  /**
   * Longest main-thread task (PerformanceObserver "longtask", over 50 ms) from the input event to done,
   * or 0: the median over the three changes, and the worst of them.
   */
  longestTaskMs: number;
  worstTaskMs?: number;
  /**
   * Longest time from a click made during training to the next animation frame after its handler
   * (median over the changes with clicks, and the worst).
   */
  clickWaitMs?: number;
  worstClickWaitMs?: number;
  /** Clicks made during training. */
  clicks: number;
  /** Milliseconds from the last input event of a 1 s drag of the epochs slider to every run done. */
  dragSettleMs?: number;
  /** Bytes served from the navigation to the first trained model on screen. */
  bytesBeforeTrained?: number;
  /** Whether onnxruntime-web's wasm was downloaded before its section was used. */
  ortBeforeUse?: boolean;
  /** The most times one `.onnx` file was fetched (after scrolling to its section and changing k). */
  onnxFetchesPerFile?: number;
  error?: string;
}

/** The live pages' table (Markdown) and the figures for the summary line. */
export function livePageReport(
  results: LivePageResult[],
): { table: string; summary: Record<string, number | null> } {
  const f = (
    v: number | undefined,
    digits = 0,
  ) => (v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits));
  const lines = [
    "| page | engine | input change to trained model drawn (median of 3) | workers' own time | longest main-thread task (median) | click wait (median) | 1 s drag settles in | bytes before the first trained model | onnxruntime-web before use | fetches per .onnx |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...results.map((r) =>
      `| ${r.page} | ${r.engine} | ${f(r.changeMs)} ms | ${f(r.workerMs)} ms | ${
        f(r.longestTaskMs)
      } ms (worst ${f(r.worstTaskMs)}) | ${f(r.clickWaitMs)} ms (worst ${
        f(r.worstClickWaitMs)
      }; ${r.clicks} clicks) | ${f(r.dragSettleMs)} ms | ${
        r.bytesBeforeTrained === undefined ? "—" : `${(r.bytesBeforeTrained / 2 ** 20).toFixed(2)} MB`
      } | ${r.ortBeforeUse === undefined ? "—" : r.ortBeforeUse ? "yes" : "no"} | ${
        f(r.onnxFetchesPerFile)
      } |${r.error ? ` ${r.error}` : ""}`
    ),
  ];
  const find = (page: string) => results.find((r) => r.page === page);
  const km = find("/kmeans"), gm = find("/gmm");
  const all = results.filter((r) => !r.error);
  const worst = (pick: (r: LivePageResult) => number | undefined) => {
    const values = all.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length ? Math.max(...values) : null;
  };
  return {
    table: lines.join("\n"),
    summary: {
      kmeans_page_ms: km?.changeMs ?? null,
      gmm_page_ms: gm?.changeMs ?? null,
      longest_task_ms: worst((r) => r.longestTaskMs),
      click_wait_ms: worst((r) => r.clickWaitMs),
      kmeans_page_bytes: km?.bytesBeforeTrained ?? null,
      gmm_page_bytes: gm?.bytesBeforeTrained ?? null,
      drag_settle_ms: worst((r) => r.dragSettleMs),
    },
  };
}

/** The local-optima atlas (/atlas, its default: 100 seeds of both K-means methods on data2D, in the workers). */
export interface AtlasBenchResult {
  /** Seeds per method, and runs in all (the methods' and the reference). */
  seeds: number;
  runs: number;
  /** Milliseconds from the click on "Run again" to `data-atlas-state="done"`. */
  atlasMs?: number;
  /** The longest main-thread task meanwhile (PerformanceObserver "longtask", over 50 ms), or 0, and how many. */
  longestTaskMs: number;
  longTasks: number;
  /**
   * The most CPU time one main-thread task took meanwhile (Chromium's trace): what the longest task
   * would last on cores of its own, where a loaded machine stretches the wall time.
   */
  longestTaskCpuMs?: number;
  error?: string;
}

/** The atlas's sentence for `npm run bench`, and its figures for the summary line. */
export function atlasReport(result: AtlasBenchResult | undefined): {
  line: string;
  summary: Record<string, number | null>;
} {
  if (!result) return { line: "", summary: {} };
  const line = result.error
    ? `The local-optima atlas (/atlas): ${result.error}`
    : `The local-optima atlas (/atlas, ${result.seeds} seeds of gradient K-means and of Lloyd with n_init = 1, ${result.runs} runs in the workers): ${
      result.atlasMs?.toFixed(0)
    } ms from start to done; long tasks (> 50 ms) on the main thread meanwhile: ${result.longTasks}${
      result.longTasks ? `, longest ${result.longestTaskMs.toFixed(0)} ms` : ""
    }; the most CPU time one main-thread task took: ${result.longestTaskCpuMs?.toFixed(0)} ms.`;
  return {
    line,
    summary: {
      atlas_ms: result.atlasMs ?? null,
      atlas_longest_task_ms: result.error ? null : result.longestTaskMs,
    },
  };
}
