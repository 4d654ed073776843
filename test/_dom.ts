// Framework's own DOM for Node (jsdom, a dependency of @observablehq/framework), made global for
// the duration of a test: Plot and htl draw into the global document.
import { JSDOM } from "jsdom";

/**
 * Runs `body` with jsdom's window, document and node classes as globals, then restores them. jsdom
 * has no canvas: a canvas gives no 2-D context (a scatter panel then paints nothing, as it does
 * without one in a browser).
 */
export function withDom<T>(body: () => T): T {
  const dom = new JSDOM("<!doctype html><body></body>").window;
  dom.HTMLCanvasElement.prototype.getContext = () => null;
  const window = dom as unknown as Record<string, unknown>;
  const names = ["window", "document", "Node", "Element", "DocumentFragment"];
  const global = globalThis as unknown as Record<string, unknown>;
  const saved = names.map((name) => global[name]);
  for (const name of names) global[name] = name === "window" ? window : window[name];
  try {
    return body();
  } finally {
    names.forEach((name, i) => (global[name] = saved[i]));
  }
}
