// data/lloyd-<k>.onnx for k = 1..10 (Framework runs this with --k=<k>): Lloyd's reference, as in
// lloyd.json, as an ONNX K-means scorer: X float32 [N, 2] -> label int64 [N], distance float32 [N].
import { lloydReferenceOnnx, referenceK, writeStdout } from "./onnx_references.js";

const k = referenceK(Deno.args, "lloyd-[k].onnx");
const { bytes, validScore } = await lloydReferenceOnnx(k);
await writeStdout(bytes);
console.error(`lloyd-${k}.onnx: ${bytes.length} bytes, valid score ${validScore.toFixed(5)}`);
