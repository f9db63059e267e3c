/**
 * `cssProperties({'--p': '0.5'})`: sets custom properties on an element through the CSSOM, every time.
 *
 * Lit's `styleMap` writes its first render as a `style="..."` attribute, which a strict `style-src 'self'`
 * Content-Security-Policy blocks (lit/lit#4719); `style.setProperty` is allowed. Like `styleMap` it is bound as the
 * only expression of a `style` attribute (this package's templates do; unlike styleMap it does not check, to save
 * bytes); unlike it, it writes a property only when its value changed.
 */
import { noChange } from 'lit';
import { Directive, directive, type AttributePart } from 'lit/directive.js';

/** Custom property name → value (a number as its text); null or undefined removes the property. */
export type CssProperties = Readonly<Record<string, string | number | null | undefined>>;

class CssPropertiesDirective extends Directive {
  /** What this binding last wrote. */
  #written = new Map<string, string | number>();

  render(_properties: CssProperties): unknown {
    return noChange;
  }

  override update(part: AttributePart, [properties]: [CssProperties]): unknown {
    const { style } = part.element as HTMLElement;
    for (const name of this.#written.keys()) {
      if (properties[name] == null) {
        style.removeProperty(name);
        this.#written.delete(name);
      }
    }
    for (const name in properties) {
      const value = properties[name];
      if (value != null && this.#written.get(name) !== value) {
        style.setProperty(name, String(value));
        this.#written.set(name, value);
      }
    }
    return noChange;
  }
}

export const cssProperties = directive(CssPropertiesDirective);
