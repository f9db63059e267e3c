/**
 * The host as a form field: its value through ElementInternals, the value a form reset restores, and whether a
 * disabled fieldset (or form) disables it. The host forwards `formResetCallback` and `formDisabledCallback`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface FormOptions<D> {
  /** What a reset restores, read at the host's first update. */
  defaults(): D;
  /** Puts `defaults` back. */
  reset(defaults: D): void;
}

export class FormController<D> implements ReactiveController {
  /** Whether an ancestor fieldset (or the form) is disabled. */
  disabled = false;

  readonly #host: ReactiveControllerHost;
  readonly #options: FormOptions<D>;
  readonly #internals: ElementInternals;
  #defaults?: D;
  /** What the form was last given (undefined: nothing yet). */
  #value?: string | null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: FormOptions<D>) {
    this.#host = host;
    this.#options = options;
    this.#internals = host.attachInternals();
    host.addController(this);
  }

  hostUpdate(): void {
    this.#defaults ??= this.#options.defaults();
  }

  /** Hands the form a new value (null: none); the same value again costs nothing. */
  setValue(value: string | null): void {
    if (value === this.#value) return;
    this.#value = value;
    this.#internals.setFormValue(value);
  }

  /** Form reset: back to the defaults. */
  reset(): void {
    if (this.#defaults !== undefined) this.#options.reset(this.#defaults);
  }

  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.#host.requestUpdate();
  }
}
