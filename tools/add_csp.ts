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

/** The policy for a page whose inline scripts have these hashes. */
export function policy(scriptHashes: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.map((hash) => `'sha256-${hash}'`).join(" ")}`,
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

let pages = 0;
for await (const path of walk(DIST, ".html")) {
  const html = await Deno.readTextFile(path);
  if (html.includes('http-equiv="Content-Security-Policy"')) continue; // already done
  const hashes = await Promise.all([...html.matchAll(INLINE_SCRIPT)].map((match) => sha256(match[1])));
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy([...new Set(hashes)])}">`;
  await Deno.writeTextFile(path, html.replace(/<head>/, `<head>\n${meta}`));
  pages++;
}
console.error(`Content-Security-Policy added to ${pages} page${pages === 1 ? "" : "s"} in ${DIST}/`);
