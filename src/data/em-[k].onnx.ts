// data/em-<k>.onnx for k = 1..10 (Framework runs this with --k=<k>): the EM reference, as in em.json,
// as an ONNX mixture scorer: X float32 [N, 2] -> log_resp [N, k], log_likelihood [N], label int64 [N].
import { emReferenceOnnx, referenceK, writeStdout } from "./onnx_references.js";

const k = referenceK(Deno.args, "em-[k].onnx");
const { bytes, validNLL } = await emReferenceOnnx(k);
await writeStdout(bytes);
console.error(`em-${k}.onnx: ${bytes.length} bytes, valid NLL ${validNLL.toFixed(5)}`);
