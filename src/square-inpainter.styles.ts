import { css } from 'lit';

export const styles = css`
  :host {
    --square-inpainter-cell-size: 1.25rem;
    --square-inpainter-gap: 1px;
    --square-inpainter-black: #000;
    --square-inpainter-white: #fff;
    --square-inpainter-hidden: #8a8a8a;
    --square-inpainter-border: #6b6b6b;
    --square-inpainter-marker: #e0457b;
    --square-inpainter-marker-size: 30%;
    display: inline-block;
    font: inherit;
  }

  :host([hidden]) {
    display: none;
  }

  [part~='grid'] {
    display: grid;
    grid-template-columns: repeat(var(--grid-size), var(--square-inpainter-cell-size));
    grid-auto-rows: var(--square-inpainter-cell-size);
    gap: var(--square-inpainter-gap);
    padding: var(--square-inpainter-gap);
    background: var(--square-inpainter-border);
    width: max-content;
  }

  [part~='row'] {
    display: contents;
  }

  [part~='cell'] {
    position: relative;
    background: var(--square-inpainter-black);
  }

  [part~='cell-white'] {
    background: var(--square-inpainter-white);
  }

  [part~='cell-hidden'] {
    background: var(--square-inpainter-hidden);
  }

  /* A filled cell is shaded by P(white): near black or white when the model is sure, gray when it is not. */
  [part~='cell-filled'] {
    background: color-mix(
      in srgb,
      var(--square-inpainter-white) calc(var(--p) * 100%),
      var(--square-inpainter-black)
    );
  }

  [part~='cell-filled']::after {
    content: '';
    position: absolute;
    inset: calc((100% - var(--square-inpainter-marker-size)) / 2);
    border-radius: 50%;
    background: var(--square-inpainter-marker);
  }

  [part~='status'] {
    min-height: 1.2em;
    margin-top: 0.25em;
    font-size: 0.8em;
  }
`;
