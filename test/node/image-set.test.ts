import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageSet } from '../../src/image-set.js';
import { exactPosterior } from '../../src/posterior.js';
import { MASK_FAMILIES, maskCase } from '../../training/mask-families.js';

/** The posterior the slow, obvious way: every image against every visible cell. */
function bruteForce(images: Uint8Array[], pixels: ArrayLike<number>, mask: ArrayLike<number>) {
  const agreeing = images.filter((image) => image.every((v, i) => mask[i] || v === pixels[i]));
  return { fits: agreeing.length, probabilities: Array.from(images[0], (_, i) => (agreeing.length ? agreeing.filter((image) => image[i]).length / agreeing.length : Number.NaN)) };
}

/** `count` random 0/1 images, a pure function of `seed`. */
function randomImages(n: number, count: number, seed: number): Uint8Array[] {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, () => Uint8Array.from({ length: n * n }, () => (rand() < 0.3 ? 1 : 0)));
}

describe('ImageSet: a prior given as a set of images', () => {
  it('has every rectangle (height and width 2..N-2) and every square of the bundled priors', () => {
    assert.equal(ImageSet.rectangles(8).size, 625);
    assert.equal(ImageSet.rectangles(16).size, 13689);
    assert.equal(ImageSet.squares(8).size, 135);
    assert.equal(ImageSet.squares(16).size, 1235);
  });

  it('gives the squares exactly what exactPosterior gives, on every mask family', () => {
    for (const n of [8, 16]) {
      const squares = ImageSet.squares(n);
      for (let trial = 0; trial < 60; trial++) {
        const c = maskCase(MASK_FAMILIES[trial % MASK_FAMILIES.length], n, 900 + trial);
        const fast = exactPosterior(n, c.pixels, c.mask);
        const general = squares.posterior(c.pixels, c.mask);
        assert.equal(general.fits, fast.fits);
        general.probabilities.forEach((p, i) => assert.ok(Math.abs(p - fast.probabilities[i]) < 1e-6, `${n}×${n} trial ${trial} cell ${i}`));
      }
    }
  });

  it('matches brute-force enumeration over random image sets, cases drawn from the set itself', () => {
    for (let trial = 0; trial < 40; trial++) {
      const n = 6 + (trial % 5); // 36 to 100 cells: one to four 32-bit words
      const images = randomImages(n, 30 + trial, trial + 1);
      const set = ImageSet.of(n, images);
      const c = maskCase(MASK_FAMILIES[trial % MASK_FAMILIES.length], n, trial, set.images());
      const expected = bruteForce(set.images(), c.pixels, c.mask);
      const posterior = set.posterior(c.pixels, c.mask);
      assert.ok(posterior.fits >= 1, 'the case is an image of the set');
      assert.equal(posterior.fits, expected.fits);
      posterior.probabilities.forEach((p, i) => assert.ok(Math.abs(p - expected.probabilities[i]) < 1e-6, `trial ${trial} cell ${i}`));
    }
  });

  it('collapses duplicates, knows its members, and says when nothing fits', () => {
    const [a, b] = randomImages(8, 2, 7);
    const set = ImageSet.of(8, [a, b, a, Array.from(b).join('')]);
    assert.equal(set.size, 2);
    assert.equal(set.includes(a), true);
    const c = a.slice();
    c[0] ^= 1;
    c[1] ^= 1;
    assert.equal(set.includes(c), [a, b].some((image) => image.every((v, i) => v === c[i])));
    const none = set.posterior(new Uint8Array(64).fill(1), new Uint8Array(64));
    assert.equal(none.fits, 0);
  });

  it('reads back what it publishes, and names the field of a bad published set', () => {
    const set = ImageSet.of(7, randomImages(7, 25, 3));
    const published = JSON.parse(JSON.stringify(set));
    assert.equal(published.format, 'square-inpainter-images');
    const again = ImageSet.fromJSON(published);
    assert.deepEqual(again.images(), set.images());
    assert.throws(() => ImageSet.fromJSON(null), TypeError);
    assert.throws(() => ImageSet.fromJSON({ ...published, format: 'x' }), /format must be "square-inpainter-images"/);
    assert.throws(() => ImageSet.fromJSON({ ...published, count: 0 }), /count must be a whole number/);
    assert.throws(() => ImageSet.fromJSON({ ...published, count: 26 }), /bits holds \d+ bytes, but 26 images of 7×7 need/);
    assert.throws(() => ImageSet.fromJSON({ ...published, bits: '***' }), /bits is not base64/);
    assert.throws(() => ImageSet.of(8, []), /at least one image/);
    assert.throws(() => ImageSet.of(8, [[0, 1]]), /images\[0\] must be 64 cells/);
  });
});
