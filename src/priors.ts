/**
 * square-inpainter/priors: exact posteriors with no element, no DOM and no model, for pages, workers and Node.
 *
 * {@link ImageSet} answers for any prior given as a set of images (the bundled squares and rectangles, or the
 * `.images.json` published beside a model trained on your own images); {@link exactPosterior} is the fast path for
 * the squares.
 */
export { ImageSet, type PublishedImageSet } from './image-set.js';
export { exactPosterior, type ExactPosterior } from './posterior.js';
