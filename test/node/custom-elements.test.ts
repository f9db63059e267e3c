// The custom elements manifest (npm run analyze, part of the build) describes the element's public surface,
// so editors and docs tools see every attribute, event, part and custom property.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);

test('custom-elements.json documents the element and package.json points at it', async () => {
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  const manifest = JSON.parse(await readFile(new URL(pkg.customElements, root), 'utf8'));
  const element = manifest.modules
    .flatMap((m: { declarations?: object[] }) => m.declarations ?? [])
    .find((d: { tagName?: string }) => d.tagName === 'square-inpainter');
  assert.ok(element, 'square-inpainter is declared');
  assert.ok(element.summary, '@summary');
  const names = (list: { name: string }[] = []) => list.map((x) => x.name);
  const attributes = ['grid-size', 'pixels', 'mask', 'model-src', 'backend', 'decoding', 'steps', 'seed'];
  for (const attribute of [...attributes, 'tool', 'show-confidence', 'name', 'disabled']) {
    assert.ok(names(element.attributes).includes(attribute), `attribute ${attribute}`);
  }
  assert.deepEqual(names(element.events).sort(), ['change', 'error', 'inpaint', 'load', 'progress']);
  for (const event of element.events) assert.ok(event.description, `@fires ${event.name} is described`);
  for (const part of ['grid', 'row', 'cell', 'status', 'progress-bar']) assert.ok(names(element.cssParts).includes(part), `@csspart ${part}`);
  for (const property of ['--square-inpainter-cell-size', '--square-inpainter-accent']) {
    assert.ok(names(element.cssProperties).includes(property), `@cssprop ${property}`);
  }
});
