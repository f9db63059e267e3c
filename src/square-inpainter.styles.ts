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
    --square-inpainter-accent: #1a73e8;
    display: inline-block;
  }

  :host([hidden]) {
    display: none;
  }

  [part~='grid'] {
    display: grid;
    grid-template-columns: repeat(var(--grid-size), var(--square-inpainter-cell-size));
    grid-template-rows: repeat(var(--grid-size), var(--square-inpainter-cell-size));
    gap: var(--square-inpainter-gap);
    padding: var(--square-inpainter-gap);
    background: var(--square-inpainter-border);
    width: max-content;
    user-select: none;
  }

  /* The first drawing of the grid, a few rows a task, keeps its whole place; the element shows once it is whole. */
  [part~='grid'][data-drawing],
  [part~='grid'][data-drawing] ~ * {
    visibility: hidden;
  }

  [part~='grid'][aria-readonly='false'] {
    cursor: crosshair;
    touch-action: none;
  }

  [part~='row'] {
    display: contents;
  }

  /* --u, the model's doubt about the colour a filled cell shows: 1 - P(that colour), from --p = P(white). */
  [part~='cell'] {
    position: relative;
    background: var(--square-inpainter-black);
    --u: var(--p);
  }

  [part~='cell']:focus-visible {
    outline: 2px solid var(--square-inpainter-accent);
    z-index: 1;
  }

  [part~='cell-white'],
  [part~='cell-filled-white'] {
    background: var(--square-inpainter-white);
    --u: calc(1 - var(--p));
  }

  [part~='cell-hidden'] {
    background: var(--square-inpainter-hidden);
  }

  /* With show-confidence a filled cell keeps the colour it was filled with, and a ring in the marker's colour
     grows as the model was less sure of that colour: none at 100%, 20% of the cell on each side at 50%. */
  :host([show-confidence]) [part~='cell-filled'] {
    box-shadow: inset 0 0 0 calc(var(--u) * 0.4 * var(--square-inpainter-cell-size)) var(--square-inpainter-marker);
  }

  [part~='cell-filled']::after {
    content: '';
    position: absolute;
    inset: calc((100% - var(--square-inpainter-marker-size)) / 2);
    border-radius: 50%;
    background: var(--square-inpainter-marker);
  }

  :host([show-confidence]) [part~='cell-filled']:is(:hover, :focus)::before {
    content: attr(data-confidence);
    position: absolute;
    bottom: 100%;
    left: 50%;
    translate: -50%;
    z-index: 2;
    padding: 0 0.25em;
    font-size: 0.75rem;
    background: #000;
    color: #fff;
    pointer-events: none;
  }

  [part~='progress-bar'] {
    height: 0.25em;
    margin-top: 0.25em;
    background: var(--square-inpainter-hidden);
  }

  [part~='progress-bar']::before {
    content: '';
    display: block;
    height: 100%;
    width: calc(var(--progress) * 100%);
    background: var(--square-inpainter-accent);
  }

  [part~='status'] {
    min-height: 1.2em;
    margin-top: 0.25em;
    font-size: 0.8em;
  }

  /* As wide as the grid, whatever it says: a new text then lays out this line alone, not the element and the
     page around it (bench/README.md). An error, which may come before there is a grid, takes the width it needs. */
  [part~='status']:not([data-error]) {
    contain: inline-size layout;
  }
`;
