/**
 * Controls that let a reader share and reproduce what is on screen: copy the page's link,
 * download a JSON manifest of a run, download data as CSV or JSON.
 */
import { html } from "htl";
import { csvFormat } from "d3-dsv";

/** A plain button running `action` on click (keyboard-operable, as every <button>). */
function actionButton(label: string, action: () => unknown): HTMLButtonElement {
  const button = html`<button type="button" class="action-button">${label}</button>` as HTMLButtonElement;
  button.addEventListener("click", () => void action());
  return button;
}

/** A button copying the page's current address (which holds every input) to the clipboard. */
export function copyLinkButton() {
  return actionButton("Copy link to these settings", async () => {
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      // No clipboard permission (e.g. an insecure origin): show the link to copy by hand.
      prompt("Copy this link:", location.href);
    }
  });
}

/** Starts a download of `content` as a file named `name`. */
export function download(name: string, content: string | Blob, type = "application/json") {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement("a"), { href: url, download: name });
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A button downloading `make()`'s value as pretty-printed JSON. */
export function jsonDownloadButton(label: string, name: string, make: () => unknown) {
  return actionButton(label, () => download(name, JSON.stringify(make(), null, 2)));
}

/** A button downloading rows (objects with the same keys) as CSV, through d3-dsv. */
export function csvDownloadButton(label: string, name: string, make: () => Record<string, unknown>[]) {
  return actionButton(label, () => download(name, csvFormat(make()), "text/csv"));
}
