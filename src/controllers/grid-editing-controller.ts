/**
 * Grid editing: pointer strokes and the APG grid keys. The host configures it with callbacks (what a cell holds
 * and shows, how to set one) and forwards the grid's events to its handlers; the index arithmetic is
 * `grid-navigation.ts`'s.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { cellIndex, cellsBetween, gridGeometry, navigate, pointAt, type CellPoint, type GridGeometry } from './grid-navigation.js';

export interface GridEditingOptions {
  /** Grid side N; 0 while there is no grid. */
  size(): number;
  /** What a stroke and Space/Enter/H do: `draw` paints, `mask` hides; null when editing is off. */
  tool(): 'draw' | 'mask' | null;
  /** The cell's pixel (0 black, 1 white) and whether it is hidden (1). */
  cell(index: number): { pixel: number; hidden: number };
  /** The colour the cell shows: its pixel, or the model's fill. */
  shown(index: number): number;
  /** A user edit of one cell. */
  setCell(index: number, pixel: number, hidden: number): void;
  /** The cells' elements, row-major. */
  cells(): ArrayLike<HTMLElement>;
  /**
   * The user may be about to edit: the pointer entered the grid, or focus came into it, while a tool is set. The
   * host can load then what a fill will need, ahead of the first edit.
   */
  willEdit?(): void;
}

export class GridEditingController implements ReactiveController {
  /** The cell that holds the grid's one tab stop. */
  focusIndex = 0;

  readonly #host: ReactiveControllerHost;
  readonly #options: GridEditingOptions;
  /**
   * The pointer stroke in progress: the value it paints, the grid's geometry (read once per stroke) and the cell
   * the pointer was last over, inside the grid or not.
   */
  #stroke?: { value: number; geometry: GridGeometry; point: CellPoint };

  constructor(host: ReactiveControllerHost, options: GridEditingOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** A stroke ends when the host leaves the page. */
  hostDisconnected(): void {
    this.#stroke = undefined;
  }

  /** The tab stop, kept inside a grid of `size` cells a side. */
  focusFor(size: number): number {
    return Math.min(this.focusIndex, size * size - 1);
  }

  readonly handlePointerenter = (): void => this.#willEdit();

  readonly handleFocusin = (event: FocusEvent): void => {
    this.#willEdit();
    const index = Array.prototype.indexOf.call(this.#options.cells(), event.target);
    if (index >= 0 && index !== this.focusIndex) {
      this.focusIndex = index;
      this.#host.requestUpdate();
    }
  };

  readonly handleKeydown = (event: KeyboardEvent): void => {
    const { size, tool, cell, shown, setCell } = this.#options;
    const side = size();
    if (!side) return;
    const index = this.focusFor(side);
    const key = event.key;
    const next = navigate(key, event.ctrlKey, index, side);
    if (next === undefined) {
      if (!tool()) return;
      if (key === ' ' || key === 'Enter') setCell(index, 1 - shown(index), 0);
      else if (key === 'h' || key === 'H') {
        const { pixel, hidden } = cell(index);
        setCell(index, hidden ? shown(index) : pixel, 1 - hidden);
      } else return;
    }
    event.preventDefault();
    if (next !== undefined && next !== index) this.#options.cells()[next]?.focus();
  };

  readonly handlePointerdown = (event: PointerEvent): void => {
    const { size, tool, cell, shown } = this.#options;
    const side = size();
    const editing = tool();
    if (!editing || event.button !== 0 || !side) return;
    const grid = event.currentTarget as HTMLElement;
    // Geometry is read once per stroke; every move then maps its coordinates to a cell without layout.
    const { left, top, width } = grid.getBoundingClientRect();
    const gap = parseFloat(getComputedStyle(grid).paddingLeft) || 0;
    const geometry = gridGeometry(left, top, width, gap, side);
    const point = pointAt(event.clientX, event.clientY, geometry);
    const index = cellIndex(point, side);
    this.#stroke = undefined;
    if (index < 0) return;
    // The first cell decides the whole stroke: the colour opposite to its own, or the opposite of its hiding.
    this.#stroke = { geometry, point, value: 1 - (editing === 'draw' ? shown(index) : cell(index).hidden) };
    grid.setPointerCapture(event.pointerId);
    this.#options.cells()[index]?.focus();
    event.preventDefault();
    this.#paint(index);
  };

  readonly handlePointermove = (event: PointerEvent): void => {
    const stroke = this.#stroke;
    if (!stroke) return;
    const point = pointAt(event.clientX, event.clientY, stroke.geometry);
    // Every cell between the last move and this one: a fast drag skips none.
    for (const index of cellsBetween(stroke.point, point, this.#options.size())) this.#paint(index);
    stroke.point = point;
  };

  readonly handlePointerup = (): void => {
    this.#stroke = undefined;
  };

  #willEdit(): void {
    if (this.#options.tool()) this.#options.willEdit?.();
  }

  #paint(index: number): void {
    const { tool, cell, shown, setCell } = this.#options;
    const value = this.#stroke!.value;
    if (tool() === 'draw') setCell(index, value, 0);
    // Unhiding keeps the colour the cell shows, so the model's guess becomes part of the picture.
    else if (tool() === 'mask') setCell(index, value ? cell(index).pixel : shown(index), value);
  }
}
