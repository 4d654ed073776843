"""The official ONNX checker over every model this project exports.

Run from the repository root with Debian's python3 and python3-onnx (ONNX 1.12):

    apt-get install -y python3-onnx
    /usr/bin/python3 test/testdata/check_onnx.py [MODEL.onnx ...]

With no arguments it makes the models first, into a temporary directory: the shipped references
(src/data/lloyd-[k].onnx.ts and em-[k].onnx.ts for k = 1..10, run as Framework runs them) and one
model of each kind from `deno task cli export-onnx` (the gradient ones trained for a few epochs only:
the graph is the same whatever the epochs). Each model must pass
`onnx.checker.check_model(model, full_check=True)` (which includes strict shape inference), be IR
version 8 with opset 17, take X float [N, d] and give the outputs of its kind with the declared
types, and carry kind, k and d in its metadata. Exits 1 on the first failure.
"""

import os
import subprocess
import sys
import tempfile

import onnx
from onnx import TensorProto

DENO = os.path.join("node_modules", ".bin", "deno")
DATA = os.path.join("src", "data", "data2D.npy")
OUTPUTS = {
    "kmeans": [("label", TensorProto.INT64, 1), ("distance", TensorProto.FLOAT, 1)],
    "spherical_gaussian_mixture": [
        ("log_resp", TensorProto.FLOAT, 2),
        ("log_likelihood", TensorProto.FLOAT, 1),
        ("label", TensorProto.INT64, 1),
    ],
}


def make_models(directory):
    paths = []
    for name in ("lloyd", "em"):
        for k in range(1, 11):
            path = os.path.join(directory, f"{name}-{k}.onnx")
            with open(path, "wb") as out:
                subprocess.run(
                    [DENO, "run", "--allow-read", "--allow-env", "--quiet",
                     os.path.join("src", "data", f"{name}-[k].onnx.ts"), f"--k={k}"],
                    stdout=out, stderr=subprocess.DEVNULL, check=True)
            paths.append(path)
    for model, extra in (("lloyd", []), ("em", []), ("gradient-kmeans", ["--epochs", "5"]),
                         ("gradient-gmm", ["--epochs", "5"])):
        path = os.path.join(directory, f"cli-{model}.onnx")
        subprocess.run([DENO, "run", "--allow-read", "--allow-write", "cli/main.ts", "export-onnx", DATA,
                        "--model", model, "--k", "4", *extra, "-o", path],
                       stdout=subprocess.DEVNULL, check=True)
        paths.append(path)
    return paths


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == 8, f"IR version {model.ir_version}"
    opsets = {entry.domain: entry.version for entry in model.opset_import}
    assert opsets == {"": 17}, f"opsets {opsets}"
    meta = {entry.key: entry.value for entry in model.metadata_props}
    kind, k, d = meta["kind"], int(meta["k"]), int(meta["d"])
    (x,) = model.graph.input
    x_type = x.type.tensor_type
    assert x.name == "X" and x_type.elem_type == TensorProto.FLOAT, "input must be X float"
    assert [dim.dim_param or dim.dim_value for dim in x_type.shape.dim] == ["N", d], "input must be [N, d]"
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    outputs = [(o.name, o.type.tensor_type.elem_type, len(o.type.tensor_type.shape.dim))
               for o in inferred.graph.output]
    assert outputs == OUTPUTS[kind], f"outputs {outputs}"
    return f"{os.path.basename(path)}: ok (ir {model.ir_version}, opset 17, {kind}, k={k}, d={d}, " \
        f"{len(model.graph.node)} nodes, model={meta.get('model')})"


def main(paths):
    print(f"onnx {onnx.__version__}: checker IR {onnx.IR_VERSION}, opset {onnx.defs.onnx_opset_version()}")
    with tempfile.TemporaryDirectory() as directory:
        for path in paths or make_models(directory):
            try:
                print(check(path))
            except Exception as error:  # noqa: BLE001 -- report which model failed, then stop
                print(f"{path}: FAILED: {error}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
