// Regenerates lib/onnx/_generated/onnx_proto.js and onnx_proto.d.ts, protobufjs' static encoders and decoders for
// ONNX's own schema, from tools/onnx-1.12.0.proto: a verbatim copy of onnx/onnx.proto from
// ONNX 1.12.0 (Apache-2.0), as Debian's python3-onnx 1.12.0 installs it at
// /usr/lib/python3/dist-packages/onnx/onnx.proto, the same version as the checker on these machines.
// Run from the repository root (protobufjs-cli is a devDependency):
//   node_modules/.bin/deno run --allow-read --allow-write=lib,/tmp --allow-run tools/make_onnx_proto.ts
//
// Static code, not protobufjs' reflection (`Root.fromJSON`): reflection compiles its encoders with
// `new Function`, which the site's Content-Security-Policy (no 'unsafe-eval') forbids. int64 fields
// are typed as plain numbers (--force-number; every one here is far below 2^53), though decoding
// still gives a Long where the long package loads.
const SOURCE = "tools/onnx-1.12.0.proto";
const FLAGS = [
  "--force-number",
  "--no-create",
  "--no-convert",
  "--no-delimited",
  "--no-verify",
  "--no-service",
];

async function run(command: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(command, { args, stderr: "piped" }).output();
  if (code !== 0) throw new Error(`${command} failed: ${new TextDecoder().decode(stderr)}`);
}

const text = await Deno.readFile(SOURCE);
const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", text));
const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
const header = (what: string) =>
  `// GENERATED from ${SOURCE} (sha256 ${sha256})\n// by tools/make_onnx_proto.ts (protobufjs-cli ${what}); do not edit.\n`;
const wrapper = ["--es6", "-w", "tools/onnx_proto_wrapper.js"];
const tmp = await Deno.makeTempDir({ dir: "/tmp" });
try {
  // pbts reads the types from pbjs' JSDoc, so it gets a commented copy; the module ships without.
  await run("node_modules/.bin/pbjs", [
    "-t",
    "static-module",
    ...wrapper,
    ...FLAGS,
    "-o",
    `${tmp}/commented.js`,
    SOURCE,
  ]);
  await run("node_modules/.bin/pbts", [
    "--no-comments",
    "-o",
    `${tmp}/onnx_proto.d.ts`,
    `${tmp}/commented.js`,
  ]);
  await run("node_modules/.bin/pbjs", [
    "-t",
    "static-module",
    ...wrapper,
    ...FLAGS,
    "--no-comments",
    "-o",
    `${tmp}/onnx_proto.js`,
    SOURCE,
  ]);
  const js = await Deno.readTextFile(`${tmp}/onnx_proto.js`);
  await Deno.writeTextFile(
    "lib/onnx/_generated/onnx_proto.js",
    `${header("pbjs -t static-module")}// @ts-self-types="./onnx_proto.d.ts"\n// deno-fmt-ignore-file\n${js}`,
  );
  // With --force-number no type mentions Long, and Deno cannot check `import Long = require(...)`.
  const dts = (await Deno.readTextFile(`${tmp}/onnx_proto.d.ts`)).replace(
    /^import Long = require\("long"\);\n/m,
    "",
  );
  await Deno.writeTextFile(
    "lib/onnx/_generated/onnx_proto.d.ts",
    `${header("pbts")}// deno-fmt-ignore-file\n// deno-lint-ignore-file\n${dts}`,
  );
} finally {
  await Deno.remove(tmp, { recursive: true });
}
console.error(`wrote lib/onnx/_generated/onnx_proto.js and .d.ts from ${SOURCE} (${sha256.slice(0, 12)})`);
