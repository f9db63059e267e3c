import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GridEditingController } from '../../src/controllers/grid-editing-controller.js';
import { FakeHost } from '../helpers/fake-host.js';

const N = 4;

/** A 4×4 grid without a DOM: cells that record focus, and the edits the controller asks for. */
function setup(tool: 'draw' | 'mask' | null = 'draw') {
  const host = new FakeHost();
  const pixels = new Uint8Array(N * N);
  const mask = new Uint8Array(N * N);
  /** What the model filled, for hidden cells. */
  const filled = new Uint8Array(N * N).fill(1);
  const focused: number[] = [];
  const cells = Array.from({ length: N * N }, (_, index) => ({ focus: () => focused.push(index) }) as unknown as HTMLElement);
  const edits: [number, number, number][] = [];
  const options = { tool };
  const editing = new GridEditingController(host, {
    size: () => N,
    tool: () => options.tool,
    cell: (index) => ({ pixel: pixels[index], hidden: mask[index] }),
    shown: (index) => (mask[index] ? filled[index] : pixels[index]),
    setCell: (index, pixel, hidden) => {
      edits.push([index, pixel, hidden]);
      pixels[index] = pixel;
      mask[index] = hidden;
    },
    cells: () => cells,
  });
  return { host, editing, pixels, mask, cells, focused, edits, options };
}

function key(key: string, ctrlKey = false) {
  const event = { key, ctrlKey, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  return event as unknown as KeyboardEvent & { defaultPrevented: boolean };
}

describe('GridEditingController: keys', () => {
  it('moves focus with the APG grid keys and keeps the tab stop where focus goes', () => {
    const { host, editing, cells, focused } = setup(null);
    const right = key('ArrowRight');
    editing.handleKeydown(right);
    assert.equal(right.defaultPrevented, true);
    assert.deepEqual(focused, [1]);
    editing.handleFocusin({ target: cells[1] } as unknown as FocusEvent);
    assert.equal(editing.focusIndex, 1);
    assert.equal(host.updates, 1);
    editing.handleKeydown(key('End', true));
    assert.deepEqual(focused, [1, N * N - 1]);
    // At an edge the key is still the grid's, and focus stays.
    editing.handleFocusin({ target: cells[N * N - 1] } as unknown as FocusEvent);
    const down = key('ArrowDown');
    editing.handleKeydown(down);
    assert.equal(down.defaultPrevented, true);
    assert.deepEqual(focused, [1, N * N - 1]);
  });

  it('flips the focused cell with Space and Enter, and hides or shows it with H', () => {
    const { editing, edits, mask } = setup('draw');
    editing.handleKeydown(key(' '));
    editing.handleKeydown(key('Enter'));
    editing.handleKeydown(key('h'));
    assert.deepEqual(edits, [[0, 1, 0], [0, 0, 0], [0, 0, 1]]);
    // Shown again in the colour the model filled it with.
    assert.equal(mask[0], 1);
    editing.handleKeydown(key('H'));
    assert.deepEqual(edits.at(-1), [0, 1, 0]);
  });

  it('leaves Space, Enter and H to the page without a tool', () => {
    const { editing, edits } = setup(null);
    for (const name of [' ', 'Enter', 'h']) {
      const event = key(name);
      editing.handleKeydown(event);
      assert.equal(event.defaultPrevented, false);
    }
    assert.deepEqual(edits, []);
  });
});

describe('GridEditingController: pointer strokes', () => {
  const realGetComputedStyle = globalThis.getComputedStyle;
  beforeEach(() => {
    globalThis.getComputedStyle = (() => ({ paddingLeft: '1px' })) as unknown as typeof getComputedStyle;
  });
  afterEach(() => {
    globalThis.getComputedStyle = realGetComputedStyle;
  });

  // A 4×4 grid at (0, 0): 10 px cells, 1 px gaps and padding, 45 px wide.
  const grid = { getBoundingClientRect: () => ({ left: 0, top: 0, width: 45 }), setPointerCapture() {} };
  const at = (index: number, button = 0) =>
    ({ button, pointerId: 1, currentTarget: grid, clientX: 6 + 11 * (index % N), clientY: 6 + 11 * Math.floor(index / N), preventDefault() {} }) as unknown as PointerEvent;

  it('paints the colour opposite to the first cell along the stroke, until the pointer is up', () => {
    const { editing, edits, pixels, focused } = setup('draw');
    pixels[1] = 1;
    editing.handlePointerdown(at(0));
    editing.handlePointermove(at(1));
    editing.handlePointermove(at(2));
    editing.handlePointerup();
    editing.handlePointermove(at(3));
    assert.deepEqual(edits, [[0, 1, 0], [1, 1, 0], [2, 1, 0]]);
    assert.deepEqual(focused, [0]);
  });

  it('paints every cell the pointer crossed between two moves, however fast', () => {
    const { editing, edits } = setup('draw');
    editing.handlePointerdown(at(0));
    editing.handlePointermove(at(N - 1));
    editing.handlePointermove(at(N * N - 1));
    editing.handlePointerup();
    assert.deepEqual(
      edits.map(([index]) => index),
      [0, 1, 2, 3, 2 * N - 1, 3 * N - 1, 4 * N - 1],
    );
  });

  it('hides with the mask tool, or unhides keeping the colour shown when the first cell was hidden', () => {
    const { editing, edits, mask } = setup('mask');
    editing.handlePointerdown(at(5));
    editing.handlePointermove(at(6));
    editing.handlePointerup();
    assert.deepEqual(edits, [[5, 0, 1], [6, 0, 1]]);
    assert.equal(mask[5], 1);
    editing.handlePointerdown(at(5));
    assert.deepEqual(edits.at(-1), [5, 1, 0], 'unhidden in the colour the model filled');
  });

  it('ignores other buttons and strokes without a tool', () => {
    const { editing, edits, options } = setup('draw');
    editing.handlePointerdown(at(0, 2));
    options.tool = null;
    editing.handlePointerdown(at(0));
    editing.handlePointermove(at(1));
    assert.deepEqual(edits, []);
  });
});

describe('GridEditingController: ahead of an edit', () => {
  /** A controller whose host counts the times it was told an edit may come. */
  function counting(tool: 'draw' | 'mask' | null) {
    const options = { tool, told: 0 };
    const cells = [{}] as unknown as HTMLElement[];
    const editing = new GridEditingController(new FakeHost(), {
      size: () => 1,
      tool: () => options.tool,
      cell: () => ({ pixel: 0, hidden: 0 }),
      shown: () => 0,
      setCell: () => undefined,
      cells: () => cells,
      willEdit: () => options.told++,
    });
    return { editing, options, focusin: { target: cells[0] } as unknown as FocusEvent };
  }

  it('tells the host an edit may come when the pointer enters the grid or focus comes into it, with a tool set', () => {
    for (const tool of ['draw', 'mask'] as const) {
      const { editing, options, focusin } = counting(tool);
      editing.handlePointerenter();
      assert.equal(options.told, 1, `${tool}: pointerenter`);
      editing.handleFocusin(focusin);
      assert.equal(options.told, 2, `${tool}: focusin`);
    }
  });

  it('tells it nothing without a tool (or with editing off), so a picture a reader hovers or tabs through loads nothing', () => {
    const { editing, options, focusin } = counting(null);
    editing.handlePointerenter();
    editing.handleFocusin(focusin);
    assert.equal(options.told, 0);
    // A host without the callback is fine too.
    const { editing: plain } = setup('draw');
    plain.handlePointerenter();
  });
});
