/**
 * Makes an Inputs number or range control say when a typed value is refused. Inputs ignores a
 * value outside the control's min/max (or not a number) and keeps the last valid one; without
 * this the refusal would be silent. The note names the control and the browser's reason.
 */
import { html } from "htl";

/** Adds a visible note to `form` that appears while its number field holds a refused value. */
export function validated<T extends HTMLElement>(form: T): T {
  const number = form.querySelector("input[type=number]") as HTMLInputElement | null;
  if (!number) return form;
  const note = html`<div class="input-note" role="alert" hidden></div>` as HTMLDivElement;
  form.append(note);
  const label = form.querySelector("label")?.textContent?.trim() || "this value";
  number.addEventListener("input", () => {
    if (number.checkValidity()) {
      note.hidden = true;
      return;
    }
    const typed = number.value === "" ? "an empty or non-numeric value" : JSON.stringify(number.value);
    note.textContent =
      `${label}: ${typed} was not applied (${number.validationMessage}); the last valid value is still used.`;
    note.hidden = false;
  });
  return form;
}
