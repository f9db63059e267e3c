/**
 * Index arithmetic of the APG grid pattern and of pointer strokes over an N×N grid of cells, row-major.
 * Pure: no DOM.
 */

/**
 * The cell a navigation key moves to from `index`, clamped to the grid: arrows one cell, Home/End the row's
 * first/last, Ctrl+Home/End the grid's. Undefined for any other key.
 */
export function navigate(key: string, ctrlKey: boolean, index: number, size: number): number | undefined {
  let row = Math.floor(index / size);
  let col = index % size;
  if (key === 'ArrowUp') row--;
  else if (key === 'ArrowDown') row++;
  else if (key === 'ArrowLeft') col--;
  else if (key === 'ArrowRight') col++;
  else if (key === 'Home' || key === 'End') {
    col = key === 'Home' ? 0 : size - 1;
    if (ctrlKey) row = col;
  } else return undefined;
  return clamp(row, size) * size + clamp(col, size);
}

/** Where a grid lies on the page during a stroke: its box's corner, its padding, and cell + gap. */
export interface GridGeometry {
  left: number;
  top: number;
  gap: number;
  pitch: number;
}

/** The geometry of a grid of `size` cells whose box is `left`, `top`, `width` wide with `gap` padding. */
export function gridGeometry(left: number, top: number, width: number, gap: number, size: number): GridGeometry {
  return { left, top, gap, pitch: (width - gap) / size };
}

/** A cell's column and row; outside the grid either may be below 0 or from the size on. */
export type CellPoint = readonly [col: number, row: number];

/** The column and row of the cell under a point, inside the grid or not. */
export function pointAt(x: number, y: number, geometry: GridGeometry): CellPoint {
  const at = (offset: number) => Math.floor((offset - geometry.gap / 2) / geometry.pitch);
  return [at(x - geometry.left), at(y - geometry.top)];
}

/**
 * The grid's cells on the line from cell `from` to cell `to` (a DDA walk, one cell per step along the longer
 * axis), without `from` and with `to`: what a stroke paints between two pointer moves however fast the pointer went.
 * Cells outside the grid are left out, so a stroke that leaves the grid and comes back paints up to its edges.
 */
export function cellsBetween([col, row]: CellPoint, [toCol, toRow]: CellPoint, size: number): number[] {
  const steps = Math.max(Math.abs(toCol - col), Math.abs(toRow - row));
  const cells: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const cell = cellIndex([Math.round(col + ((toCol - col) * step) / steps), Math.round(row + ((toRow - row) * step) / steps)], size);
    if (cell >= 0) cells.push(cell);
  }
  return cells;
}

/** The row-major index of a cell, or -1 outside the grid. */
export function cellIndex([col, row]: CellPoint, size: number): number {
  return row < 0 || col < 0 || row >= size || col >= size ? -1 : row * size + col;
}

function clamp(value: number, size: number): number {
  return Math.min(Math.max(value, 0), size - 1);
}
