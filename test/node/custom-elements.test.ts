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
  for (const attribute of ['grid-size', 'pixels', 'mask', 'model-src', 'backend', 'decoding', 'steps', 'seed']) {
    assert.ok(names(element.attributes).includes(attribute), `attribute ${attribute}`);
  }
  assert.deepEqual(names(element.events).sort(), ['error', 'inpaint', 'load']);
  for (const event of element.events) assert.ok(event.description, `@fires ${event.name} is described`);
  assert.ok(names(element.cssParts).includes('cell'));
  assert.ok(names(element.cssProperties).includes('--square-inpainter-cell-size'));
});
