// The versions of the packages that compute what the pages show, for reproducibility manifests.
const lock = JSON.parse(await Deno.readTextFile("package-lock.json"));
const names = [
  "@observablehq/framework",
  "@observablehq/plot",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "onnxruntime-web",
  "deno",
];
const versions = Object.fromEntries(
  names.map((name) => [name, lock.packages[`node_modules/${name}`]?.version ?? null]),
);
console.log(JSON.stringify({ project: lock.name, version: lock.version, packages: versions }));
