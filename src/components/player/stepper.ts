import { html } from "htl";

/**
 * Buttons that step through a list of half-steps (back, forward, to the end, to the start) and a
 * place to draw the current one. `draw(index)` is called on each move; the element carries the
 * current index in `data-step` so that tests can follow it.
 */
export class Stepper {
  readonly element = html`<div class="stepper"></div>` as HTMLDivElement;
  readonly controls = html`<div class="stepper-controls"></div>` as HTMLDivElement;
  #count = 0;
  #index = 0;
  readonly #draw: (index: number) => void;
  readonly #buttons: HTMLButtonElement[];

  constructor(name: string, draw: (index: number) => void) {
    this.#draw = draw;
    const button = (text: string, label: string, move: () => number) => {
      const b = html`<button type="button" aria-label=${label}>${text}</button>` as HTMLButtonElement;
      b.addEventListener("click", () => this.show(move()));
      return b;
    };
    this.#buttons = [
      button("◀◀", `${name}: back to the start`, () => 0),
      button("◀", `${name}: one half-step back`, () => this.#index - 1),
      button(`${name} step ▶`, `${name}: one half-step forward`, () => this.#index + 1),
      button("▶▶", `${name}: to convergence`, () => this.#count - 1),
    ];
    this.#buttons[2].className = "step-forward";
    this.controls.append(...this.#buttons);
    this.reset(0);
  }

  /** Starts over with `count` half-steps, showing the first (0: none yet, every button disabled). */
  reset(count: number): void {
    this.#count = count;
    this.show(0);
  }

  /** Shows half-step `index` (clamped). */
  show(index: number): void {
    this.#index = Math.max(0, Math.min(this.#count - 1, index));
    this.element.dataset.step = String(this.#index);
    this.#buttons[0].disabled = this.#buttons[1].disabled = this.#index <= 0;
    this.#buttons[2].disabled = this.#buttons[3].disabled = this.#index >= this.#count - 1;
    if (this.#count) this.#draw(this.#index);
  }

  get index(): number {
    return this.#index;
  }
}
