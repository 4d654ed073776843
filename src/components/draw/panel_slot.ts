/**
 * A place on the page for a chart that a live component redraws: it knows its width (a
 * ResizeObserver, so a resize redraws at the new width) and swaps its content in place.
 */
import { html } from "htl";

/** The class of a slot for a scatter panel: while empty it holds the square the panel will fill (style.css). */
export const SCATTER_SLOT = "panel-slot scatter-slot";

/** A slot whose `onResize` runs (at most once per frame) when its width changes. */
export class PanelSlot {
  readonly element: HTMLDivElement;
  width = 0;
  #frame = 0;

  constructor(onResize: () => void, className = "panel-slot") {
    this.element = html`<div class=${className}></div>` as HTMLDivElement;
    new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      if (!width || Math.abs(width - this.width) < 2) return;
      this.width = width;
      if (!this.#frame) {
        this.#frame = requestAnimationFrame(() => {
          this.#frame = 0;
          onResize();
        });
      }
    }).observe(this.element);
  }

  /** The width to draw at (a guess before the first layout). */
  get drawWidth(): number {
    return this.width || Math.min(640, globalThis.innerWidth - 40);
  }

  /** Replaces the slot's content. */
  show(...nodes: (Node | string)[]): void {
    this.element.replaceChildren(...nodes);
  }
}
