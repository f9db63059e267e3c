/**
 * `fits` in the `inpaint` event: how many pictures of the model's prior agree with the visible cells. The squares'
 * count is the fast path of src/posterior.ts; another prior's comes from its image set (src/image-set.ts, a chunk of
 * its own that only a page using such a prior loads): a bundled prior's built on the page, a user's model's fetched
 * from `prior-src`.
 */
import type { Input } from './input.js';
import { PriorLoadError } from './input.js';
import { exactPosterior } from './posterior.js';
import type { ImageSet } from './image-set.js';
import { describeError } from './runtime/errors.js';

/** Image sets fetched from `prior-src`, once per URL and page; a failed fetch is forgotten, to be tried again. */
const published = new Map<string, Promise<ImageSet>>();

/**
 * The number of the prior's pictures that fit `input`'s visible cells; undefined for a model at `model-src` whose
 * image set the page does not give.
 * @throws PriorLoadError where the set at `prior-src` cannot be fetched or read, or is of another grid size.
 */
export async function priorFits(input: Input): Promise<number | undefined> {
  const { gridSize, pixels, mask } = input;
  if (input.priorUrl) return (await publishedSet(input.priorUrl, gridSize)).posterior(pixels, mask).fits;
  if (input.modelSrc) return undefined;
  if (input.prior === 'squares') return exactPosterior(gridSize, pixels, mask).fits;
  const { bundledImageSet } = await import('./image-set.js');
  return bundledImageSet(input.prior, gridSize).posterior(pixels, mask).fits;
}

async function publishedSet(url: string, gridSize: number): Promise<ImageSet> {
  let loading = published.get(url);
  if (!loading) {
    loading = fetchSet(url);
    published.set(url, loading);
    loading.catch(() => published.delete(url));
  }
  const set = await loading;
  if (set.gridSize !== gridSize) {
    throw new PriorLoadError(`the image set at ${url} is of ${set.gridSize}×${set.gridSize} images, but grid-size is ${gridSize}`);
  }
  return set;
}

async function fetchSet(url: string): Promise<ImageSet> {
  let response: Response;
  try {
    response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (cause) {
    throw new PriorLoadError(`could not fetch the image set at ${url} (${describeError(cause)})`, { cause });
  }
  const { ImageSet } = await import('./image-set.js');
  try {
    return ImageSet.fromJSON(await response.json());
  } catch (cause) {
    throw new PriorLoadError(`${url} is not an image set as npm run train publishes one (${describeError(cause)})`, { cause });
  }
}
