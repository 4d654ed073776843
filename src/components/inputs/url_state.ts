/**
 * Page inputs that live in the URL: `/kmeans?k=3&seed=2` opens the page with those values, and
 * every change of an input rewrites the query string (without reloading), so the address bar
 * is always a link to exactly what is on screen. Values from the URL are checked like typed
 * ones: out of range, not a number or not an option, they are replaced, and the page says so.
 */

/** What one URL parameter may hold. */
export type ParameterSpec =
  | { type: "number"; value: number; min: number; max: number; integer?: boolean }
  | { type: "option"; value: string; options: readonly string[] };

/** The values of `spec`'s parameters: numbers, or option strings. */
type UrlValues<S> = { [K in keyof S]: S[K] extends { type: "number" } ? number : string };

/**
 * Reads `spec`'s parameters from `search` (default: the page's query string), falling back to
 * each default and clamping numbers into range; every correction is reported in `problems`.
 */
export function readUrlState<S extends Record<string, ParameterSpec>>(
  spec: S,
  search: string = globalThis.location?.search ?? "",
): { values: UrlValues<S>; problems: string[] } {
  const params = new URLSearchParams(search);
  const values: Record<string, number | string> = {};
  const problems: string[] = [];
  for (const [name, parameter] of Object.entries(spec)) {
    const raw = params.get(name);
    values[name] = parameter.value;
    if (raw === null) continue;
    const shown = `${name}=${JSON.stringify(raw.slice(0, 30))} in the link`;
    if (parameter.type === "option") {
      if (parameter.options.includes(raw)) values[name] = raw;
      else problems.push(`${shown} is not one of ${parameter.options.join(", ")}; using ${parameter.value}.`);
      continue;
    }
    const number = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(number)) {
      problems.push(`${shown} is not a number; using ${parameter.value}.`);
      continue;
    }
    const { min, max, integer } = parameter;
    const value = Math.min(max, Math.max(min, integer ? Math.round(number) : number));
    if (value !== number) {
      const whole = integer ? " or not whole" : "";
      problems.push(`${name}=${raw} in the link is outside ${min} to ${max}${whole}; using ${value}.`);
    }
    values[name] = value;
  }
  return { values: values as UrlValues<S>, problems };
}

/**
 * Parameters that are not inputs of the form but live in the URL too: a start placed by hand, the
 * TensorFlow.js backend asked for, the player's speed and the presentation mode. {@link writeUrlState}
 * keeps them.
 */
const KEPT = ["start", "backend", "speed", "present"] as const;

/** A parameter kept in the URL besides the form's inputs. */
type KeptParam = (typeof KEPT)[number];

/** The URL's value of a kept parameter (`start=`, `backend=`, `speed=`, `present=`), or null. */
export function readUrlParam(name: KeptParam): string | null {
  return new URLSearchParams(globalThis.location?.search ?? "").get(name);
}

/**
 * Replaces the page's query string with `values` and the kept parameters the URL has
 * (history.replaceState: no reload, no new history entry).
 */
export function writeUrlState(values: Record<string, string | number | boolean>): void {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) params.set(name, String(value));
  for (const name of KEPT) {
    const kept = readUrlParam(name);
    if (kept !== null && !params.has(name)) params.set(name, kept);
  }
  replaceQuery(params);
}

/** `names` (backends, in order of preference) with the one the URL's `backend=` names first. */
export function backendsAsked<T extends string>(names: readonly T[]): T[] {
  const asked = names.find((name) => name === readUrlParam("backend"));
  return asked ? [asked, ...names.filter((name) => name !== asked)] : [...names];
}

/** Writes a kept parameter to the URL, or removes it (`value` undefined). */
export function writeUrlParam(name: KeptParam, value: string | undefined): void {
  const params = new URLSearchParams(location.search);
  if (value === undefined) params.delete(name);
  else params.set(name, value);
  replaceQuery(params);
}

/** Writes the start placed by hand to the URL (`start=`), or removes it. */
export function writeStartParam(start: number[][] | undefined): void {
  writeUrlParam("start", start && formatStart(start));
}

function replaceQuery(params: URLSearchParams) {
  const url = `${location.pathname}?${params}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) {
    history.replaceState(history.state, "", url);
  }
}

/** Centroids placed by hand as a URL value: `x,y;x,y;…`, each to 6 significant digits. */
export function formatStart(centroids: number[][]): string {
  return centroids.map((row) => row.map((v) => String(+v.toPrecision(6))).join(",")).join(";");
}

/**
 * Reads `formatStart`'s text back: k rows of `cols` finite numbers, else no start and one sentence
 * saying what was wrong (the page then starts from its init).
 */
export function parseStart(
  raw: string | null,
  { k, cols }: { k: number; cols: number },
): { start?: number[][]; problem?: string } {
  if (raw === null || raw === "") return {};
  const rows = raw.split(";").map((row) => row.split(",").map((v) => (v.trim() === "" ? NaN : Number(v))));
  const refuse = (why: string) => ({
    problem: `start=${JSON.stringify(raw.slice(0, 40))} in the link ${why}; using the init instead.`,
  });
  if (rows.length !== k) return refuse(`has ${rows.length} centroids for k = ${k}`);
  if (rows.some((row) => row.length !== cols || !row.every(Number.isFinite))) {
    return refuse(`is not ${k} centroids of ${cols} numbers (x,y;x,y)`);
  }
  return { start: rows };
}
