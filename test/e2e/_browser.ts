/**
 * Shared by the browser tests: serves the built site (dist/) on a free localhost port with
 * Deno's HTTP server, and launches Debian's Chromium through playwright-core, recording every
 * request that leaves the site's origin and every console error or page error.
 */
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Lets the leak test call gc() before reading the heap size.
  "--js-flags=--expose-gc",
  "--enable-precise-memory-info",
];

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript",
  css: "text/css",
  json: "application/json",
  wasm: "application/wasm",
  svg: "image/svg+xml",
  png: "image/png",
  npy: "application/octet-stream",
  onnx: "application/octet-stream",
  csv: "text/csv",
};

/** Options of {@link serveStatic}. */
export interface ServeOptions {
  /** Adds the headers that make the page cross-origin isolated (COOP/COEP), for wasm threads. */
  isolated?: boolean;
  /** Called with every file served and its size in bytes (the benchmark counts downloads). */
  onServe?: (path: string, bytes: number) => void;
}

/**
 * Serves `root` like a static host does: `/kmeans` → `kmeans.html`, `/` → `index.html`. Framework's
 * content-hashed files (`/_import/`, `/_node/`, `/_file/`, `/_observablehq/`) are cacheable for a
 * year, as Framework's deployment guide has hosts serve them, so two workers of one page that
 * import the same module download it once. Shared by the browser tests and the benchmark.
 */
export function serveStatic(
  root = "dist",
  { isolated = false, onServe }: ServeOptions = {},
): { origin: string; close: () => Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    let path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    if (path.endsWith("/")) path += "index";
    const candidates = [path, `${path}.html`];
    for (const candidate of candidates) {
      try {
        const body = await Deno.readFile(`${root}${candidate}`);
        const ext = candidate.split(".").pop() ?? "";
        const headers = new Headers({ "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" });
        if (/^\/_(import|node|file|observablehq)\//.test(candidate)) {
          headers.set("cache-control", "public, max-age=31536000, immutable");
        }
        if (isolated) {
          headers.set("cross-origin-opener-policy", "same-origin");
          headers.set("cross-origin-embedder-policy", "require-corp");
        }
        onServe?.(candidate, body.length);
        return new Response(body, { headers });
      } catch {
        // try the next candidate
      }
    }
    return new Response("not found", { status: 404 });
  });
  const { port } = server.addr as Deno.NetAddr;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.shutdown() };
}

/** A browser page with what went wrong on it: console errors, page errors, requests off-site. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  externalRequests: string[];
}

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Opens a page that records errors and any request outside `origin`. Pages opened in the same
 * context share storage (the chosen dataset lives in IndexedDB), as tabs of one browser do.
 */
export async function openWatchedPage(
  browser: Browser | BrowserContext,
  origin: string,
): Promise<WatchedPage> {
  const page = await browser.newPage();
  const watched: WatchedPage = { page, errors: [], externalRequests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") watched.errors.push(message.text());
  });
  page.on("pageerror", (error) => watched.errors.push(String(error)));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) {
      watched.externalRequests.push(url);
    }
  });
  return watched;
}
