/**
 * A seeded generator of hostile input for the browser tests (issue 21): links to /kmeans and /gmm
 * whose parameters carry markup, script URLs, numbers out of range or not numbers at all, and files
 * for /your-data that every reader must refuse in one sentence. The same seed gives the same corpus
 * (a small xorshift generator, no Math.random), so a failure names a case that can be run again.
 */
import { Buffer } from "node:buffer";
import { utf16 } from "../_text.ts";

/** Markup that must never become an element or an attribute of the page. */
export const MARKUP = [
  "<img src=x onerror=alert(1)>",
  '"><svg onload=alert(1)>',
  "<script>alert(1)</script>",
  '\'><iframe srcdoc="<script>parent.alert(1)</script>">',
  "<x-hostile data-x=1>",
  "<a href=javascript:alert(1)>x</a>",
  "</div><marquee>x</marquee>",
  "<style>*{display:none}</style>",
];

/** Tag names and attributes the markup above would create, if it were ever parsed as HTML. */
export const INJECTED_SELECTOR =
  "img[src=x], svg[onload], iframe[srcdoc], x-hostile, marquee, a[href^=javascript], [onerror], [onload], [onclick], [data-x]";

/** Values that are not what a parameter holds, beside the markup. */
const JUNK = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "-1e309",
  "1_000",
  "",
  " ",
  "%00",
  "\u202e1",
  "１２",
  "javascript:alert(1)",
  "__proto__",
  "constructor",
  "9".repeat(400),
  "x".repeat(5000),
];

/** Parameters that must be refused or clamped with one note each, per page. */
const NOTED: Record<"/kmeans" | "/gmm", string[]> = {
  "/kmeans": ["k", "lr", "seed", "engine", "init", "restarts", "epochs"],
  "/gmm": ["k", "lr", "seed", "engine", "epochs"],
};
/** Parameters a page does not read (or reads without a note): never a note, never markup. */
const SILENT = ["backend", "__proto__", "constructor", "toString", "x<y", "q", "callback"];

/** One hostile link. */
export interface HostileLink {
  /** Path and query string, percent-encoded as a browser sends it. */
  path: string;
  /** Notes the page must show: one per refused parameter. */
  notes: number;
  /** What it is, for a failure message. */
  what: string;
}

/** A seeded generator of 32-bit integers (xorshift32). */
export function generator(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * `count` hostile links (seeded): each sets one parameter a page reads to markup, junk, a number
 * out of range or a fraction where a whole number goes (one note expected), and may add a
 * parameter the page does not read with markup in its name or value (no note), a `start=` that is
 * not k centres (one note on /kmeans), or markup in the fragment.
 */
export function hostileLinks(seed: number, count = 48): HostileLink[] {
  const next = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[next() % list.length];
  const links: HostileLink[] = [];
  const seen = new Set<string>();
  while (links.length < count) {
    const page = next() % 2 ? "/kmeans" : "/gmm";
    const params = new URLSearchParams();
    const name = pick(NOTED[page]);
    const kind = next() % 3;
    const value = kind === 0 ? pick(MARKUP) : kind === 1 ? pick(JUNK) : outOfRange(name, next);
    params.set(name, value);
    let notes = 1;
    const extra = next() % 4;
    if (extra === 0) params.set(pick(SILENT), pick(MARKUP));
    if (extra === 1 && page === "/kmeans") {
      params.set("start", pick([pick(MARKUP), "a,b;c,d", "0,0,0", "NaN,1;2,3;4,5;6,7;8,9", "1e999,0"]));
      notes++;
    }
    const hash = extra === 2 ? `#${encodeURIComponent(pick(MARKUP))}` : "";
    const path = `${page}?${params}${hash}`;
    if (seen.has(path)) continue;
    seen.add(path);
    links.push({ path, notes, what: `${page} ${name}=${JSON.stringify(value.slice(0, 40))}` });
  }
  return links;
}

/** A number the parameter's range refuses (clamped with a note). */
function outOfRange(name: string, next: () => number): string {
  const values: Record<string, string[]> = {
    k: ["0", "-3", "2.5", "1e9", "99"],
    lr: ["0", "-1", "1e9", "1e-300"],
    seed: ["-1", "4294967296", "1.5", "1e20"],
    restarts: ["0", "21", "3.7", "-1e9"],
    epochs: ["0", "-10", "2.5"],
    engine: ["webgpu", "FUSED", "fused "],
    init: ["random", "KMEANS++", "points\u0000"],
  };
  const list = values[name];
  return list[next() % list.length];
}

/** A version 1.0 `.npy` with header `dict` (any text) and `body` after it. */
function npyBytes(dict: string, body: Uint8Array): Uint8Array {
  const length = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = `${dict.padEnd(length - 1)}\n`;
  const bytes = new Uint8Array(10 + length + body.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, length & 0xff, length >> 8]);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  bytes.set(body, 10 + length);
  return bytes;
}

/** One hostile upload: a file the Data page must refuse in one sentence, keeping the data in use. */
export interface HostileUpload {
  name: string;
  mimeType: string;
  buffer: Buffer;
  what: string;
}

/** A CSV of `rows` seeded points in `cols` columns (numbers in [-10, 10)). */
function numbers(next: () => number, rows: number, cols: number): string[][] {
  return Array.from(
    { length: rows },
    () => Array.from({ length: cols }, () => ((next() % 20000) / 1000 - 10).toFixed(3)),
  );
}

/** `count` hostile uploads (seeded), every one a refusal. */
export function hostileUploads(seed: number): HostileUpload[] {
  const next = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[next() % list.length];
  const csv = (rows: string[][]) => rows.map((row) => row.join(",")).join("\n");
  const good = () => numbers(next, 40, 2);
  const at = <T>(rows: T[][], value: T) => {
    const copy = rows.map((row) => [...row]);
    copy[next() % copy.length][next() % copy[0].length] = value;
    return copy;
  };
  const text = (name: string, body: string | Uint8Array, what: string): HostileUpload => ({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(typeof body === "string" ? new TextEncoder().encode(body) : body),
    what,
  });
  return [
    text(`${pick(MARKUP)}.csv`, csv(good()), "a markup file name"),
    text(`data\u0007${next() % 100}.csv`, csv(good()), "a control character in the name"),
    text(`${"n".repeat(300)}.csv`, csv(good()), "a name of 304 characters"),
    text("cells.csv", csv(at(good(), pick(MARKUP))), "a markup cell"),
    text("formula.csv", csv(at(good(), "=cmd|' /C calc'!A0")), "a spreadsheet formula"),
    text("nan.csv", csv(at(good(), pick(["NaN", "nan", "-inf", "Infinity"]))), "a non-finite cell"),
    text("overflow.csv", csv(at(good(), "1e400")), "a number beyond float64"),
    text("huge.csv", csv(at(good(), "1e200")), "a value whose squares overflow"),
    text("ragged.csv", csv([...good(), ["1"]]), "a ragged row"),
    text("few.csv", csv(numbers(next, 3, 2)), "three points"),
    text("empty.csv", "", "an empty file"),
    text("header.csv", `${pick(MARKUP)},y\n`, "a markup header and no rows"),
    text("zeros.csv", new Uint8Array(256), "binary zeros"),
    text("nobom.csv", utf16(csv(good()), "le").subarray(2), "UTF-16 without its byte-order mark"),
    text(
      "surrogate.csv",
      Uint8Array.of(0xff, 0xfe, 0x31, 0, 0x00, 0xd8, 0x2c, 0),
      "UTF-16 with a lone surrogate",
    ),
    text("digits.csv", `x,y\n${"7".repeat(1_000_000)}x,1\n`, "a field of a million digits"),
    text("script.exe", csv(good()), "not a .npy or .csv name"),
    {
      name: "pickle.npy",
      mimeType: "application/octet-stream",
      buffer: Buffer.from(
        npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }", new Uint8Array(48)),
      ),
      what: "an object (pickle) .npy",
    },
    {
      name: "markup.npy",
      mimeType: "application/octet-stream",
      buffer: Buffer.from(
        npyBytes(
          `{'descr': '${pick(MARKUP).replace(/'/g, "")}', 'fortran_order': False, 'shape': (3, 2), }`,
          new Uint8Array(48),
        ),
      ),
      what: "a .npy whose dtype is markup",
    },
    {
      name: "shape.npy",
      mimeType: "application/octet-stream",
      buffer: Buffer.from(
        npyBytes(
          "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000), }",
          new Uint8Array(16),
        ),
      ),
      what: "a .npy whose shape the file cannot hold",
    },
  ];
}
