/**
 * A live page's presentation mode, for a projector: one button (or `present=1` in the URL) that
 * sets the class `presenting` on the document, which style.css turns into one screen of the
 * controls, the player, the three live panels and the gap curve, with larger chart text and the
 * rest of the page hidden; the charts redraw at their new widths as any resize does. It also asks
 * the browser for fullscreen, which may be refused (no click behind a link's `present=1`, an
 * iframe, a phone): the layout then holds in the window. Leaving (the button, Escape, or leaving
 * fullscreen) restores the page.
 *
 * @module
 */
import { html } from "htl";
import { readUrlParam, writeUrlParam } from "./url_state.js";

/** The class on the document element while the page presents. */
const PRESENTING = "presenting";

/** The button that enters and leaves presentation mode; the page presents at once if the URL says so. */
export function presentationButton(): HTMLButtonElement {
  const root = document.documentElement;
  const button = html`<button type="button" class="present-button"></button>` as HTMLButtonElement;
  /** Whether fullscreen is this mode's (asked for, and granted). */
  let fullscreen = false;
  const presenting = () => root.classList.contains(PRESENTING);
  const show = (on: boolean) => {
    root.classList.toggle(PRESENTING, on);
    button.textContent = on ? "Leave presentation (Esc)" : "Present (fullscreen)";
    button.title = on ? "Back to the whole page" : "Controls, panels and the gap curve on one screen";
  };
  const enter = async () => {
    show(true);
    writeUrlParam("present", "1");
    scrollTo(0, 0);
    if (!document.fullscreenEnabled || document.fullscreenElement) return;
    try {
      await root.requestFullscreen();
      fullscreen = true;
    } catch {
      // Refused: the layout alone.
    }
  };
  const leave = () => {
    show(false);
    writeUrlParam("present", undefined);
    if (fullscreen && document.fullscreenElement) document.exitFullscreen().catch(() => {});
    fullscreen = false;
  };
  button.addEventListener("click", () => presenting() ? leave() : void enter());
  // Escape in fullscreen leaves fullscreen (the browser's); that leaves the mode too.
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && fullscreen && presenting()) leave();
  });
  addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented && presenting()) leave();
  });
  show(readUrlParam("present") === "1");
  return button;
}
