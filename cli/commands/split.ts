/** `split --n N`: NumPy's seeded shuffle of 0..N-1, cut into validation and training indices. */
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { split as notebookSplit } from "../../lib/random/split.js";
import { integerOption, numberOption, parseCommand, UINT32_MAX, UsageError } from "../args.ts";
import { type Output, StreamedOutput } from "../output.ts";

/** Runs `split`: the indices as streamed JSON (at N = 10^8 the text is too long for one string). */
export function split(args: string[]): Promise<Output> {
  const { values } = parseCommand(args, {
    n: { type: "string" },
    seed: { type: "string" },
    "valid-divisor": { type: "string" },
  });
  if (values.n === undefined) throw new UsageError("split needs --n N, the number of rows");
  const n = integerOption(values, "n", 0, { min: 1, max: 2 ** 31 - 1 });
  const seed = integerOption(values, "seed", NOTEBOOK_SPLIT.seed, { min: 0, max: UINT32_MAX });
  const validDivisor = numberOption(values, "valid-divisor", NOTEBOOK_SPLIT.kmeansValidDivisor, { min: 1 });
  const { valid, train } = notebookSplit(n, { seed, validDivisor });
  return Promise.resolve(new StreamedOutput(() => writeSplit(valid, train)));
}

/**
 * Writes the split's JSON, `{"valid":[...],"train":[...]}`, in pieces: at N = 10^8 the whole
 * text (about 1 GB) would exceed the longest string JavaScript can hold.
 */
async function writeSplit(valid: Int32Array, train: Int32Array): Promise<void> {
  const encoder = new TextEncoder();
  const writer = Deno.stdout.writable.getWriter();
  const chunk = 1 << 16;
  try {
    for (const [name, indices] of [["valid", valid], ["train", train]] as const) {
      await writer.write(encoder.encode(`${name === "valid" ? "{" : ","}"${name}":[`));
      for (let start = 0; start < indices.length; start += chunk) {
        const piece = indices.subarray(start, start + chunk).join(",");
        await writer.write(encoder.encode(start === 0 ? piece : `,${piece}`));
      }
      await writer.write(encoder.encode("]"));
    }
    await writer.write(encoder.encode("}\n"));
  } finally {
    writer.releaseLock();
  }
}
