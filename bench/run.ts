/**
 * `npm run bench`: the project's benchmarks and the notebook's stack, timed in one command on
 * this machine, printed as tables of ours / theirs / ratio. The last line is one JSON object:
 * `{"kmeans_ms", "gmm_ms", "kmeans_autodiff_ms", "gmm_autodiff_ms", "torch_kmeans_ms",
 * "torch_gmm_ms", "lloyd_ms", "backend"}`: the training times in Chromium of the fused engine
 * (plain JavaScript, the same on every backend) and of the autodiff engine on the backend where
 * it is fastest relative to PyTorch (`backend`), PyTorch's in the same run, and `lib/` Lloyd at
 * k = 5, nInit 10 on the K-means training split.
 *
 * Ours: `deno bench --json bench/lib_bench.ts` (mean time per iteration) for `lib/`, and
 * bench/browser.ts for gradient training in headless Chromium (needs dist/, builds it if missing;
 * skip with BENCH_BROWSER=0). Theirs: bench/reference.py (NumPy + scikit-learn) and
 * bench/reference_torch.py (the notebook's PyTorch loops) with /usr/bin/python3, when available.
 * The steps run one after another, never at once, so they do not slow each other down.
 */
import type { BackendResult, BrowserBenchmark } from "./browser.ts";
import { atlasReport, livePageReport } from "./live_pages_report.ts";
import { LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";

const DENO = Deno.execPath();
const PYTHON = Deno.env.get("REFERENCE_PYTHON") ?? "/usr/bin/python3";
const DATA = "src/data/data2D.npy";
// The Python references take the notebook's settings from here, so that they are written once.
const SETTINGS_ENV = { NOTEBOOK_SETTINGS: JSON.stringify({ split: NOTEBOOK_SPLIT, lloyd: LLOYD }) };

async function run(
  command: string,
  args: string[],
  { stderr = "piped", env }: { stderr?: "piped" | "inherit"; env?: Record<string, string> } = {},
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr, env }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      ok: output.success,
      stdout: decode(output.stdout),
      stderr: stderr === "piped" ? decode(output.stderr) : "",
    };
  } catch (error) {
    return { ok: false, stdout: "", stderr: String(error) };
  }
}

const lastJson = <T>(text: string): T => JSON.parse(text.trim().split("\n").at(-1)!);
const format = (ms: number | undefined, digits = 2) =>
  ms === undefined || Number.isNaN(ms) ? "—" : `${ms.toFixed(digits)} ms`;
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : "—";

// 1. lib/ under deno bench, and the same work with NumPy / scikit-learn.
interface BenchReport {
  benches: { name: string; results: { ok?: { avg: number; p75: number } }[] }[];
}

console.error("bench: deno bench bench/lib_bench.ts…");
const bench = await run(DENO, ["bench", "--allow-read", "--json", "bench/lib_bench.ts"]);
if (!bench.ok) {
  console.error(`error: deno bench failed: ${bench.stderr.trim().split("\n").at(-1)}`);
  Deno.exit(1);
}
const report = JSON.parse(bench.stdout) as BenchReport;
const ours = new Map(report.benches.map((b) => [b.name, (b.results[0].ok?.avg ?? NaN) / 1e6]));

console.error("bench: scikit-learn reference…");
const reference = await run(PYTHON, ["bench/reference.py", DATA], { env: SETTINGS_ENV });
const theirs: Record<string, number> = reference.ok ? lastJson(reference.stdout) : {};
if (!reference.ok) {
  console.error(`note: no scikit-learn timings (${PYTHON} with NumPy and scikit-learn not usable)`);
}

// 2. Gradient training: the notebook's PyTorch, then ours in Chromium.
interface TorchReference {
  kmeans_ms: number;
  kmeans_valid_score: number;
  gmm_ms: number;
  gmm_valid_nll: number;
  torch: string;
}
console.error("bench: the notebook's PyTorch loops (about half a minute)…");
const torchRun = await run(PYTHON, ["bench/reference_torch.py", DATA], { env: SETTINGS_ENV });
const torch: TorchReference | undefined = torchRun.ok ? lastJson(torchRun.stdout) : undefined;
if (!torchRun.ok) {
  console.error(
    `note: no PyTorch timings (${PYTHON} with torch and scipy not usable): ${
      torchRun.stderr.trim().split("\n").at(-1)
    }`,
  );
}

let browser: BrowserBenchmark | undefined;
if (Deno.env.get("BENCH_BROWSER") !== "0") {
  console.error("bench: headless Chromium (bench/browser.ts)…");
  const browserRun = await run(DENO, ["run", "--allow-all", "bench/browser.ts"], { stderr: "inherit" });
  if (browserRun.ok) browser = lastJson(browserRun.stdout);
  else console.error("note: the browser benchmark failed (see above); no browser figures");
}

// 3. Tables.
const lloydRows: [string, string, string][] = [
  ["lloyd k=5 nInit=10 (7,500 x 2)", "lloyd_k5_ms", "scikit-learn KMeans(lloyd, n_init=10)"],
  ["lloyd k=3 nInit=10 (7,500 x 2)", "lloyd_k3_ms", "scikit-learn KMeans(lloyd, n_init=10)"],
  ["parseNpy data2D (10,000 x 2 f8)", "load_npy_ms", "np.load"],
  ["split N=10,000 (NumPy shuffle)", "split_10k_ms", "np.random.shuffle"],
  ["split N=1,000,000 (NumPy shuffle)", "split_1m_ms", "np.random.shuffle"],
];
console.log(`## lib/ (Deno) against NumPy / scikit-learn\n`);
console.log(`| work | ours (Deno) | theirs | ratio ours/theirs | theirs is |`);
console.log(`|---|---|---|---|---|`);
for (const [name, key, what] of lloydRows) {
  const a = ours.get(name), b = theirs[key];
  console.log(`| ${name} | ${format(a)} | ${format(b)} | ${ratio(a, b)} | ${what} |`);
}

type TrainingTimes = NonNullable<BackendResult["kmeans"]>;
const trained = (browser?.backends ?? []).filter((b) =>
  b.engines?.autodiff?.kmeans && b.engines.autodiff.gmm
);
const fused = (browser?.backends ?? []).find((b) => b.engines?.fused?.kmeans && b.engines.fused.gmm)?.engines
  ?.fused;
const describeBackend = (b: BackendResult) => {
  const { name, simd, threads } = b.backend!;
  return name === "wasm" ? `wasm (SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : "off"})` : name;
};
if (browser) {
  console.log(
    `\n## Gradient training in headless Chromium ${browser.chromium} against the notebook's PyTorch ${
      torch?.torch ?? ""
    }\n`,
  );
  console.log(
    `Median of ${browser.runs} runs (seeds 0..${
      browser.runs - 1
    }; WebGL: fewer) after one warm-up; PyTorch: median of 5 (mixture: 3) after one warm-up, float64.`,
  );
  console.log(
    `Scores: validation mean squared distance (K-means), validation mean NLL (mixture); median over the same runs.\n`,
  );
  console.log(
    `The autodiff engine runs TensorFlow.js ops on the backend named; the fused engine runs no tensor op (plain JavaScript, float64), so it is timed once, on the first backend's page.\n`,
  );
  console.log(
    `| engine (backend) | K-means k=5, 150 epochs | ratio to PyTorch | score | mixture k=5, 1000 epochs | ratio to PyTorch | NLL |`,
  );
  console.log(`|---|---|---|---|---|---|---|`);
  if (torch) {
    console.log(
      `| PyTorch (notebook) | ${format(torch.kmeans_ms, 1)} | 1.00 | ${
        torch.kmeans_valid_score.toFixed(5)
      } | ${format(torch.gmm_ms, 0)} | 1.00 | ${torch.gmm_valid_nll.toFixed(5)} |`,
    );
  }
  const row = (name: string, kmeans: TrainingTimes, gmm: TrainingTimes) =>
    console.log(
      `| ${name} | ${format(kmeans.medianMs, 1)} | ${ratio(kmeans.medianMs, torch?.kmeans_ms)} | ${
        kmeans.medianScore.toFixed(5)
      } | ${format(gmm.medianMs, 0)} | ${ratio(gmm.medianMs, torch?.gmm_ms)} | ${
        gmm.medianScore.toFixed(5)
      } |`,
    );
  if (fused) row("fused (plain JavaScript, no tfjs)", fused.kmeans!, fused.gmm!);
  for (const b of browser.backends) {
    const autodiff = b.engines?.autodiff;
    if (b.error || !autodiff?.kmeans || !autodiff.gmm) {
      console.log(`| autodiff (${b.run}) | — | — | — | — | — | — | (${b.error ?? "incomplete"})`);
      continue;
    }
    const where = `${b.run === "wasm-isolated" ? "cross-origin isolated " : ""}${describeBackend(b)}`;
    row(`autodiff (${where})`, autodiff.kmeans, autodiff.gmm);
  }

  const { chunks } = browser;
  console.log(`\n## Responsiveness\n`);
  console.log(
    `Training alone (bench page, ${
      chunks.backend ?? "?"
    } backend), reporting as often as the pages do and yielding after each report:\n`,
  );
  console.log(`| training | report every | chunks | longest chunk | median chunk |`);
  console.log(`|---|---|---|---|---|`);
  for (
    const [name, c] of [["K-means k=5, 150 epochs", chunks.kmeans], [
      "mixture k=5, 1000 epochs",
      chunks.gmm,
    ]] as const
  ) {
    if (c) {
      console.log(
        `| ${name} | ${c.reportEvery} epochs | ${c.chunks} | ${format(c.longestMs, 1)} | ${
          format(c.medianMs, 1)
        } |`,
      );
    }
  }
  console.log(
    `\nLong tasks (> 50 ms) meanwhile: ${chunks.longTasks}${
      chunks.longTasks ? `, longest ${format(chunks.longestTaskMs, 0)}` : ""
    }.${chunks.error ? ` (${chunks.error})` : ""}`,
  );
  console.log(
    `\nThe live pages after an input change (k 5 -> 3; the player's instant speed, speed=instant; bench/browser.ts):\n`,
  );
  console.log(livePageReport(browser.livePages).table);
  console.log(`\n${atlasReport(browser.atlas).line}`);

  console.log(`\n## Page weight (what each page downloads)\n`);
  console.log(`| page | JavaScript | gzipped | files | WebAssembly |`);
  console.log(`|---|---|---|---|---|`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
  for (const w of browser.weights) {
    console.log(
      `| ${w.page} | ${kb(w.jsBytes)} | ${kb(w.jsGzipBytes)} | ${w.jsFiles} | ${
        w.wasmBytes ? kb(w.wasmBytes) : "—"
      } |`,
    );
  }
}

// 4. The summary: the backend where autodiff is fastest relative to PyTorch (or, without PyTorch, in ms).
const score = (b: BackendResult) => {
  const { kmeans, gmm } = b.engines!.autodiff!;
  return torch
    ? kmeans!.medianMs / torch.kmeans_ms + gmm!.medianMs / torch.gmm_ms
    : kmeans!.medianMs + gmm!.medianMs;
};
const best = trained.toSorted((a, b) => score(a) - score(b))[0];
console.log();
console.log(JSON.stringify({
  kmeans_ms: fused?.kmeans?.medianMs ?? null,
  gmm_ms: fused?.gmm?.medianMs ?? null,
  kmeans_autodiff_ms: best?.engines?.autodiff?.kmeans?.medianMs ?? null,
  gmm_autodiff_ms: best?.engines?.autodiff?.gmm?.medianMs ?? null,
  torch_kmeans_ms: torch?.kmeans_ms ?? null,
  torch_gmm_ms: torch?.gmm_ms ?? null,
  lloyd_ms: ours.get(lloydRows[0][0]) ?? null,
  backend: best ? (best.run === "wasm-isolated" ? "wasm-threads" : best.backend!.name) : null,
  ...(browser ? livePageReport(browser.livePages).summary : {}),
  ...atlasReport(browser?.atlas).summary,
}));
