/**
 * Post-build step: gives every page of dist/ a Content-Security-Policy that allows only the
 * site's own origin. Framework inlines a few scripts in each page (the page's cells, the sidebar
 * and search helpers), so each page gets the SHA-256 hashes of exactly its inline scripts instead
 * of 'unsafe-inline'. WebAssembly (tfjs, onnxruntime-web) needs 'wasm-unsafe-eval'; charts set
 * inline style attributes, which style-src allows. Run by `npm run build` after `observable build`.
 */
import { walk } from "./walk.ts";

const DIST = Deno.args[0] ?? "dist";
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * htl (behind Inputs and our components) parses its templates with placeholder attribute values
 * "::0", "::1", ..., then replaces them; for `on*` attributes the placeholder is briefly an inline
 * handler. They are not valid JavaScript and never run, but the browser still checks them. Allowing
 * exactly these strings ('unsafe-hashes' with their hashes) keeps every other inline handler blocked.
 */
const HTL_PLACEHOLDERS = Array.from({ length: 100 }, (_, j) => `::${j}`);

/** The policy for a page whose inline scripts have these hashes. */
export function policy(scriptHashes: string[], placeholderHashes: string[]): string {
  const quoted = (hashes: string[]) => hashes.map((hash) => `'sha256-${hash}'`).join(" ");
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${quoted(scriptHashes)}`,
    `script-src-attr 'unsafe-hashes' ${quoted(placeholderHashes)}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join("; ");
}

const placeholderHashes = await Promise.all(HTL_PLACEHOLDERS.map(sha256));
let pages = 0;
for await (const path of walk(DIST, ".html")) {
  const html = await Deno.readTextFile(path);
  if (html.includes('http-equiv="Content-Security-Policy"')) continue; // already done
  const hashes = await Promise.all([...html.matchAll(INLINE_SCRIPT)].map((match) => sha256(match[1])));
  const meta = `<meta http-equiv="Content-Security-Policy" content="${
    policy([...new Set(hashes)], placeholderHashes)
  }">`;
  await Deno.writeTextFile(path, html.replace(/<head>/, `<head>\n${meta}`));
  pages++;
}
console.error(`Content-Security-Policy added to ${pages} page${pages === 1 ? "" : "s"} in ${DIST}/`);
