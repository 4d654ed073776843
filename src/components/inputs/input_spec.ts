/**
 * One declaration per page input: it makes the control (an Inputs range, number, select or radio,
 * with the refusal note of `validated.ts`) and the URL state (`url_state.ts`) from the same bounds,
 * so they cannot disagree. The controls come as one `Inputs.form`, whose value is an object of
 * every setting.
 */
import * as Inputs from "@observablehq/inputs";
import { actionButton } from "./reproducibility.js";
import { type ParameterSpec, readUrlState } from "./url_state.js";
import { validated } from "./validated.js";

/** One input: its URL parameter (bounds, default) and how it is shown. */
export type InputSpec = ParameterSpec & {
  label: string;
  /** Number inputs: a slider (default) or a number field; options: a select (default) or radios. */
  control?: "range" | "number" | "select" | "radio";
  /** A slider on a log scale. */
  log?: boolean;
  /** Option labels shown instead of the values. */
  labels?: Record<string, string>;
  /** Kept out of the URL (e.g. a view that depends on the dataset). */
  url?: boolean;
};

/** The entries of `spec` whose values live in the URL. */
const inUrl = (spec: Record<string, InputSpec>) => Object.entries(spec).filter(([, s]) => s.url !== false);

/** The form of every input in `spec`, started from the URL, and the URL's corrections. */
export function specInputs(
  spec: Record<string, InputSpec>,
  search: string = globalThis.location?.search ?? "",
): { form: HTMLElement; problems: string[]; values: Record<string, number | string> } {
  const { values, problems } = readUrlState(Object.fromEntries(inUrl(spec)), search);
  const controls: Record<string, HTMLElement> = {};
  for (const [name, s] of Object.entries(spec)) {
    const value = (values as Record<string, number | string>)[name] ?? s.value;
    if (s.type === "number") {
      const options = {
        label: s.label,
        value,
        step: s.integer ? 1 : undefined,
        transform: s.log ? Math.log : undefined,
      };
      controls[name] = validated(
        s.control === "number"
          ? Inputs.number([s.min, s.max], options)
          : Inputs.range([s.min, s.max], options),
      );
    } else {
      const choices = new Map(s.options.map((option) => [s.labels?.[option] ?? option, option]));
      // Inputs' typings omit `label` for radio and select, which both accept it.
      const options = { label: s.label, value } as Record<string, unknown>;
      controls[name] = s.control === "radio"
        ? Inputs.radio(choices, options)
        : Inputs.select(choices, options);
    }
  }
  const form = Inputs.form(controls) as HTMLElement;
  form.classList.add("live-controls");
  return { form, problems, values: values as Record<string, number | string> };
}

/** The settings of `spec` that belong in the URL, from a form value. */
export function urlValues(spec: Record<string, InputSpec>, settings: Record<string, unknown>) {
  return Object.fromEntries(inUrl(spec).map(([name]) => [name, settings[name] as string]));
}

/**
 * A button putting every input of `spec` that lives in the URL back to its default, the notebook's
 * settings (k 5, the notebook's learning rate, epochs and seed 0, ...), as if the reader had set
 * them: the form's input event retrains. The view, a choice of what to look at, is kept;
 * `onReset` runs first (to forget what the inputs do not hold, such as a start placed by hand).
 */
export function notebookSettingsButton(
  form: HTMLElement,
  spec: Record<string, InputSpec>,
  { onReset }: { onReset?: () => void } = {},
): HTMLButtonElement {
  return actionButton("Back to the notebook's settings", () => {
    onReset?.();
    resetInputs(form, spec);
  });
}

/** Sets every input of `form` that the URL carries back to its spec's value, as one input event. */
export function resetInputs(form: HTMLElement, spec: Record<string, InputSpec>): void {
  const inputs = form as HTMLElement & { value: Record<string, unknown> };
  const defaults = Object.fromEntries(inUrl(spec).map(([name, s]) => [name, s.value]));
  inputs.value = { ...inputs.value, ...defaults };
  form.dispatchEvent(new Event("input", { bubbles: true }));
}
