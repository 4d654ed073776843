/**
 * A place on the page for a chart that a live component redraws: it knows its width (a
 * ResizeObserver, so a resize redraws at the new width) and swaps its content in place.
 */
import { html } from "htl";

/** The class of a slot for a scatter panel: while empty it holds the square the panel will fill (style.css). */
export const SCATTER_SLOT = "panel-slot scatter-slot";

/**
 * A slot whose `onResize` runs when its width changes, in a frame: by default its own
 * requestAnimationFrame; a live page passes its frame loop's `want`, so that a resize is one more
 * step of the page's one loop.
 */
export class PanelSlot {
  readonly element: HTMLDivElement;
  width = 0;
  #frame = 0;

  constructor(
    onResize: () => void,
    className = "panel-slot",
    inFrame: (draw: () => void) => void = (draw) => {
      if (!this.#frame) {
        this.#frame = requestAnimationFrame(() => {
          this.#frame = 0;
          draw();
        });
      }
    },
  ) {
    this.element = html`<div class=${className}></div>` as HTMLDivElement;
    new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      if (!width || Math.abs(width - this.width) < 2) return;
      this.width = width;
      inFrame(onResize);
    }).observe(this.element);
  }

  /** The width to draw at (a guess before the first layout). */
  get drawWidth(): number {
    return this.width || Math.min(640, globalThis.innerWidth - 40);
  }

  /** Replaces the slot's content. */
  show(...nodes: (Node | string)[]): void {
    this.element.classList.remove("waiting");
    this.element.replaceChildren(...nodes);
  }

  /**
   * Shows `nodes` unless they already are the slot's content: a kept chart, redrawn in place, stays
   * where it is (moving it would cost a layout).
   */
  showKept(...nodes: Node[]): void {
    const shown = this.element.childNodes;
    if (shown.length !== nodes.length || nodes.some((node, i) => shown[i] !== node)) this.show(...nodes);
  }

  /**
   * While the slot's next content is computed: a chart on screen stays, dimmed, under `message`, so
   * that nothing below it moves; a slot with no chart shows `message` alone.
   */
  wait(message: string): void {
    const note = html`<p class="muted slot-wait">${message}</p>`;
    const kept = [...this.element.children].filter((child) => !child.classList.contains("slot-wait"));
    if (!kept.some((child) => child.matches("svg, figure, canvas") || child.querySelector("svg, canvas"))) {
      this.show(note);
      return;
    }
    this.element.classList.add("waiting");
    this.element.replaceChildren(note, ...kept);
  }
}
