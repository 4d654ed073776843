/**
 * Trained models as ONNX files that score points anywhere ONNX runs: a K-means model (Lloyd's or
 * gradient-trained centres) and a spherical Gaussian mixture (EM or gradient-trained). Encoded with
 * protobufjs over ONNX's own schema (`onnx_schema.ts`, generated from ONNX 1.12's onnx.proto).
 *
 * Both graphs take `X`, float32 [N, d] with N dynamic, and compute in float64 with the parameters
 * exactly as `lib/` holds them: the squared distances are differences, `sum_t (x_t - c_t)^2`, as in
 * `kmeans.ts` and `gaussian_mixture.ts`, never `||x||^2 - 2 x.c + ||c||^2`. Only the outputs are
 * rounded to float32. (Float32 centres alone would move the distance of a point lying near its
 * centre by up to 1.2e-4 relative on data2D; in float64 the model is `lib`'s, applied to the
 * float32 input.)
 *
 * - K-means ({@link kmeansToOnnx}): `label` int64 [N], the nearest centre (the first on ties, as
 *   `assign`), and `distance` float32 [N], the squared distance to it.
 * - Mixture ({@link mixtureToOnnx}): `log_resp` float32 [N, k], the log posterior of each component;
 *   `log_likelihood` float32 [N], by log-sum-exp shifted by the row maximum; `label` int64 [N], the
 *   most likely component (the first on ties, as `gmmPredict`).
 *
 * Files are IR version 8 with the default-domain opset 17: the newest the official checker of ONNX
 * 1.12 accepts, and well inside what onnxruntime(-web) 1.30 runs. Every model carries `kind`, `k`
 * and `d` in its metadata, beside whatever the caller adds (training settings, dataset digest).
 *
 * @module
 */

import protobuf from "protobufjs/light.js";
import { DataError } from "./errors.js";
import type { SphericalGaussianMixture } from "./gaussian_mixture.js";
import type { Matrix } from "./matrix.js";
import { ONNX_SCHEMA } from "./onnx_schema.js";

/** The ONNX IR version of exported files (ONNX 1.12's newest). */
export const ONNX_IR_VERSION = 8;
/** The version of the default ("ai.onnx") operator set the graphs use (ONNX 1.12's newest). */
export const ONNX_OPSET = 17;
/** `producer_name` of exported files. */
export const ONNX_PRODUCER = "gradient-clustering";

/** What a model scores: nearest centres, or mixture posteriors. */
export type OnnxModelKind = "kmeans" | "spherical_gaussian_mixture";

/**
 * Extra metadata for an exported model: strings are stored as they are, anything else as its JSON;
 * undefined values are left out.
 */
export type OnnxMetadata = Record<string, unknown>;

/** Options of {@link kmeansToOnnx} and {@link mixtureToOnnx}. */
export interface OnnxExportOptions {
  /** Key-value pairs stored in the model's `metadata_props`, after `kind`, `k` and `d`. */
  metadata?: OnnxMetadata;
  /** The graph's name (shown by Netron and the like). */
  name?: string;
  /** A sentence describing the model, stored as the model's `doc_string`. */
  description?: string;
}

/** What {@link describeOnnxModel} reads back from a file made here. */
export interface OnnxModelDescription {
  kind: OnnxModelKind;
  /** Number of centres or components. */
  k: number;
  /** Width of the input rows. */
  d: number;
  irVersion: number;
  opset: number;
  /** Every metadata entry, `kind`, `k` and `d` included, as the strings stored. */
  metadata: Record<string, string>;
  /** The input and output names, in order. */
  inputs: string[];
  outputs: string[];
}

const RESERVED_KEYS = ["kind", "k", "d"];

// ONNX enums, by their schema names, so no magic numbers appear below.
let schema: protobuf.Root | undefined;
function onnx(): protobuf.Root {
  schema ??= protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace);
  return schema;
}
function enumValue(path: string, name: string): number {
  return onnx().lookupEnum(path).values[name];
}
const dataType = (name: "FLOAT" | "DOUBLE" | "INT64") => enumValue("onnx.TensorProto.DataType", name);

/** A little-endian tensor initializer (`raw_data`, as onnx.numpy_helper writes them). */
function tensor(name: string, dims: number[], type: "DOUBLE" | "INT64", values: ArrayLike<number>) {
  const width = 8;
  const raw = new Uint8Array(values.length * width);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) {
    if (type === "DOUBLE") view.setFloat64(i * width, values[i], true);
    else view.setBigInt64(i * width, BigInt(values[i]), true);
  }
  return { name, dims, dataType: dataType(type), rawData: raw };
}

type Attribute = { name: string; i?: number; ints?: number[] };
function node(opType: string, input: string[], output: string[], attributes: Attribute[] = []) {
  const attribute = attributes.map(({ name, i, ints }) =>
    ints !== undefined
      ? { name, type: enumValue("onnx.AttributeProto.AttributeType", "INTS"), ints }
      : { name, type: enumValue("onnx.AttributeProto.AttributeType", "INT"), i }
  );
  return { name: output[0], opType, input, output, attribute };
}

/** A tensor's type and shape; a string dimension is symbolic (dynamic). */
function valueInfo(name: string, type: "FLOAT" | "INT64", shape: (number | string)[]) {
  const dim = shape.map((size) => typeof size === "string" ? { dimParam: size } : { dimValue: size });
  return { name, type: { tensorType: { elemType: dataType(type), shape: { dim } } } };
}

function metadataProps(kind: OnnxModelKind, k: number, d: number, metadata: OnnxMetadata) {
  const props = [{ key: "kind", value: kind }, { key: "k", value: String(k) }, { key: "d", value: String(d) }];
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (RESERVED_KEYS.includes(key)) {
      throw new DataError(`metadata key "${key}" is written by the exporter itself; rename or drop it.`);
    }
    props.push({ key, value: typeof value === "string" ? value : String(JSON.stringify(value)) });
  }
  return props;
}

/** The nodes both graphs share: `X` (float32 [N, d]) to `sq_dist` (float64 [N, k]) against `centres`. */
function squaredDistanceNodes(centres: string) {
  return [
    node("Cast", ["X"], ["X64"], [{ name: "to", i: dataType("DOUBLE") }]),
    // [N, 1, d] - [k, d] broadcasts to [N, k, d]: the differences themselves, so nothing cancels.
    node("Unsqueeze", ["X64", "axis_1"], ["X64_rows"]),
    node("Sub", ["X64_rows", centres], ["diff"]),
    node("Mul", ["diff", "diff"], ["diff_sq"]),
    node("ReduceSum", ["diff_sq", "axis_2"], ["sq_dist"], [{ name: "keepdims", i: 0 }]),
  ];
}

const AXES = [tensor("axis_1", [1], "INT64", [1]), tensor("axis_2", [1], "INT64", [2])];

function encodeModel(
  kind: OnnxModelKind,
  k: number,
  d: number,
  graph: Record<string, unknown>,
  { metadata = {}, description }: OnnxExportOptions,
): Uint8Array {
  const ModelProto = onnx().lookupType("onnx.ModelProto");
  const model = ModelProto.fromObject({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER,
    docString: description ?? "",
    graph,
    metadataProps: metadataProps(kind, k, d, metadata),
  });
  return ModelProto.encode(model).finish();
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError(`${what} ${i} is ${values[i]}; export only a model whose parameters are finite.`);
    }
  }
}

function checkShape(rows: number, cols: number, what: string): void {
  if (rows < 1 || cols < 1) {
    throw new DataError(`the ${what} are ${rows} x ${cols}; a model needs at least one, in at least one dimension.`);
  }
}

/**
 * The K-means scorer of `centres` (k x d) as ONNX bytes: `X` float32 [N, d] to `label` int64 [N]
 * (the nearest centre, the first on ties) and `distance` float32 [N] (the squared distance to it),
 * computed in float64 as {@link assign} does.
 *
 * @example
 * ```ts
 * const bytes = kmeansToOnnx(lloyd(train, { k: 5 }).centres, { metadata: { model: "lloyd", seed: 0 } });
 * await Deno.writeFile("lloyd-5.onnx", bytes);
 * ```
 */
export function kmeansToOnnx(
  centres: Matrix,
  { name = "kmeans", ...options }: OnnxExportOptions = {},
): Uint8Array {
  const { rows: k, cols: d } = centres;
  checkShape(k, d, "centres");
  checkFinite(centres.data, "centre coordinate");
  const graph = {
    name,
    node: [
      ...squaredDistanceNodes("centres"),
      node("ArgMin", ["sq_dist"], ["label"], [{ name: "axis", i: 1 }, { name: "keepdims", i: 0 }]),
      node("ReduceMin", ["sq_dist"], ["distance64"], [{ name: "axes", ints: [1] }, { name: "keepdims", i: 0 }]),
      node("Cast", ["distance64"], ["distance"], [{ name: "to", i: dataType("FLOAT") }]),
    ],
    initializer: [tensor("centres", [k, d], "DOUBLE", centres.data), ...AXES],
    input: [valueInfo("X", "FLOAT", ["N", d])],
    output: [valueInfo("label", "INT64", ["N"]), valueInfo("distance", "FLOAT", ["N"])],
  };
  return encodeModel("kmeans", k, d, graph, options);
}

/**
 * The scorer of a spherical Gaussian mixture as ONNX bytes: `X` float32 [N, d] to `log_resp`
 * float32 [N, k] (log posterior of each component), `log_likelihood` float32 [N] (as
 * {@link gmmLogLikelihood}) and `label` int64 [N] (the most likely component, as
 * {@link gmmPredict}), computed in float64 with the same per-component constants.
 *
 * @example
 * ```ts
 * const bytes = mixtureToOnnx(emGaussianMixture(train, { k: 3 }), { metadata: { model: "em" } });
 * ```
 */
export function mixtureToOnnx(
  model: SphericalGaussianMixture,
  { name = "spherical_gaussian_mixture", ...options }: OnnxExportOptions = {},
): Uint8Array {
  const { means, sigmas, weights } = model;
  const { rows: k, cols: d } = means;
  checkShape(k, d, "means");
  if (sigmas.length !== k || weights.length !== k) {
    throw new DataError(
      `the mixture has ${k} means but ${sigmas.length} sigmas and ${weights.length} weights; give one of each per component.`,
    );
  }
  checkFinite(means.data, "mean coordinate");
  for (let j = 0; j < k; j++) {
    if (!(sigmas[j] > 0) || !Number.isFinite(sigmas[j])) {
      throw new DataError(`sigma ${j} is ${sigmas[j]}; every sigma must be positive and finite.`);
    }
    if (!(weights[j] >= 0) || !Number.isFinite(weights[j])) {
      throw new DataError(`weight ${j} is ${weights[j]}; every weight must be non-negative and finite.`);
    }
  }
  // log pi_j + log N(x | mu_j, sigma_j^2 I) = offset_j - ||x - mu_j||^2 * halfPrecision_j, with the
  // constants computed exactly as gaussian_mixture.ts computes them.
  const halfPrecision = new Float64Array(k), offset = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const variance = sigmas[j] * sigmas[j];
    halfPrecision[j] = 0.5 / variance;
    offset[j] = Math.log(weights[j]) - 0.5 * d * (Math.log(2 * Math.PI) + Math.log(variance));
  }
  const toFloat = [{ name: "to", i: dataType("FLOAT") }];
  const graph = {
    name,
    node: [
      ...squaredDistanceNodes("means"),
      node("Mul", ["sq_dist", "half_precision"], ["scaled_sq_dist"]),
      node("Sub", ["log_offset", "scaled_sq_dist"], ["log_joint"]),
      // log-sum-exp over components, shifted by the row maximum so exp never overflows.
      node("ReduceMax", ["log_joint"], ["row_max"], [{ name: "axes", ints: [1] }, { name: "keepdims", i: 1 }]),
      node("Sub", ["log_joint", "row_max"], ["shifted"]),
      node("Exp", ["shifted"], ["shifted_exp"]),
      node("ReduceSum", ["shifted_exp", "axis_1"], ["sum_exp"], [{ name: "keepdims", i: 1 }]),
      node("Log", ["sum_exp"], ["log_sum_exp"]),
      node("Add", ["log_sum_exp", "row_max"], ["log_likelihood64"]),
      node("Sub", ["log_joint", "log_likelihood64"], ["log_resp64"]),
      node("Cast", ["log_resp64"], ["log_resp"], toFloat),
      node("Squeeze", ["log_likelihood64", "axis_1"], ["log_likelihood_rows"]),
      node("Cast", ["log_likelihood_rows"], ["log_likelihood"], toFloat),
      node("ArgMax", ["log_joint"], ["label"], [{ name: "axis", i: 1 }, { name: "keepdims", i: 0 }]),
    ],
    initializer: [
      tensor("means", [k, d], "DOUBLE", means.data),
      tensor("half_precision", [k], "DOUBLE", halfPrecision),
      tensor("log_offset", [k], "DOUBLE", offset),
      ...AXES,
    ],
    input: [valueInfo("X", "FLOAT", ["N", d])],
    output: [
      valueInfo("log_resp", "FLOAT", ["N", k]),
      valueInfo("log_likelihood", "FLOAT", ["N"]),
      valueInfo("label", "INT64", ["N"]),
    ],
  };
  return encodeModel("spherical_gaussian_mixture", k, d, graph, options);
}

/**
 * Reads back the kind, k, d, versions and metadata of an ONNX file made by {@link kmeansToOnnx} or
 * {@link mixtureToOnnx}, so a caller can check its input before running it. Refuses, with a
 * {@link DataError}, bytes that are not an ONNX model or a model made elsewhere.
 */
export function describeOnnxModel(bytes: Uint8Array): OnnxModelDescription {
  const ModelProto = onnx().lookupType("onnx.ModelProto");
  let model;
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
      irVersion: number;
      opsetImport: { domain: string; version: number }[];
      metadataProps: { key: string; value: string }[];
      graph?: { input: { name: string }[]; output: { name: string }[] };
    };
  } catch (error) {
    throw new DataError(`these ${bytes.length} bytes are not an ONNX model (${(error as Error).message}).`);
  }
  const metadata: Record<string, string> = {};
  for (const { key, value } of model.metadataProps) metadata[key] = value;
  const k = Number(metadata.k), d = Number(metadata.d);
  const kind = metadata.kind as OnnxModelKind;
  if (
    (kind !== "kmeans" && kind !== "spherical_gaussian_mixture") || !Number.isInteger(k) || !Number.isInteger(d) ||
    !model.graph
  ) {
    throw new DataError(
      `this ONNX model has no kind, k and d in its metadata; score only models exported by ${ONNX_PRODUCER}.`,
    );
  }
  return {
    kind,
    k,
    d,
    irVersion: model.irVersion,
    opset: model.opsetImport.find((entry) => entry.domain === "" || entry.domain === "ai.onnx")?.version ?? 0,
    metadata,
    inputs: model.graph.input.map((value) => value.name),
    outputs: model.graph.output.map((value) => value.name),
  };
}
