// deno-lint-ignore-file
// pbjs wrapper for lib/onnx_proto.js: an ES module over protobufjs' minimal runtime, imported by its
// default export (the package is CommonJS) with a full file name (Deno and browsers need one).
import $protobuf from "protobufjs/minimal.js";

$OUTPUT;

export { $root as default };
