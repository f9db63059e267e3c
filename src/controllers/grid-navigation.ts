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

/** The cell under a point, or -1 outside the grid. */
export function cellAt(x: number, y: number, geometry: GridGeometry, size: number): number {
  const col = Math.floor((x - geometry.left - geometry.gap / 2) / geometry.pitch);
  const row = Math.floor((y - geometry.top - geometry.gap / 2) / geometry.pitch);
  return row < 0 || col < 0 || row >= size || col >= size ? -1 : row * size + col;
}

function clamp(value: number, size: number): number {
  return Math.min(Math.max(value, 0), size - 1);
}
