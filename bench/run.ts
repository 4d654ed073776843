/**
 * `npm run bench`: the project's benchmarks and the notebook's stack, timed in one command on
 * this machine, printed as a table of ours / theirs / ratio. The last line is one JSON object.
 *
 * Ours: `deno bench --json bench/lib_bench.ts` (mean time per iteration).
 * Theirs: bench/reference.py with /usr/bin/python3 (NumPy + scikit-learn), when available.
 */
const DENO = Deno.execPath();
const PYTHON = Deno.env.get("REFERENCE_PYTHON") ?? "/usr/bin/python3";

async function run(
  command: string,
  args: string[],
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { ok: output.success, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  } catch (error) {
    return { ok: false, stdout: "", stderr: String(error) };
  }
}

interface BenchReport {
  benches: { name: string; results: { ok?: { avg: number; p75: number } }[] }[];
}

const bench = await run(DENO, ["bench", "--allow-read", "--json", "bench/lib_bench.ts"]);
if (!bench.ok) {
  console.error(`error: deno bench failed: ${bench.stderr.trim().split("\n").at(-1)}`);
  Deno.exit(1);
}
const report = JSON.parse(bench.stdout) as BenchReport;
const ours = new Map(report.benches.map((b) => [b.name, (b.results[0].ok?.avg ?? NaN) / 1e6]));

const reference = await run(PYTHON, ["bench/reference.py", "src/data/data2D.npy"]);
const theirs: Record<string, number> = reference.ok
  ? JSON.parse(reference.stdout.trim().split("\n").at(-1)!)
  : {};
if (!reference.ok) {
  console.error(`note: no reference timings (${PYTHON} with NumPy and scikit-learn not usable)`);
}

const rows: [string, string, string][] = [
  ["lloyd k=5 nInit=10 (7,500 x 2)", "lloyd_k5_ms", "scikit-learn KMeans(lloyd, n_init=10)"],
  ["lloyd k=3 nInit=10 (7,500 x 2)", "lloyd_k3_ms", "scikit-learn KMeans(lloyd, n_init=10)"],
  ["parseNpy data2D (10,000 x 2 f8)", "load_npy_ms", "np.load"],
  ["split N=10,000 (NumPy shuffle)", "split_10k_ms", "np.random.shuffle"],
  ["split N=1,000,000 (NumPy shuffle)", "split_1m_ms", "np.random.shuffle"],
];
const format = (ms: number | undefined) => ms === undefined || Number.isNaN(ms) ? "—" : `${ms.toFixed(2)} ms`;
console.log(`| work | ours (Deno) | theirs | ratio ours/theirs | theirs is |`);
console.log(`|---|---|---|---|---|`);
for (const [name, key, what] of rows) {
  const a = ours.get(name), b = theirs[key];
  const ratio = a !== undefined && b !== undefined ? (a / b).toFixed(2) : "—";
  console.log(`| ${name} | ${format(a)} | ${format(b)} | ${ratio} | ${what} |`);
}
console.log(JSON.stringify({
  lloyd_ms: ours.get(rows[0][0]),
  sklearn_lloyd_ms: theirs.lloyd_k5_ms ?? null,
  lloyd_ratio: theirs.lloyd_k5_ms ? ours.get(rows[0][0])! / theirs.lloyd_k5_ms : null,
}));
