// The demo page: the BERT (an editable <square-inpainter> with show-attention), the exact posterior (the package's
// square-inpainter/priors), and the dilated and local CNN baselines (<square-inpainter>s with model-src) on the same
// picture, each fill scored against the exact answer. A picker chooses the prior: squares, rectangles, or handwritten
// digits, where the BERT and the dilated CNN trained on digits (demo/models/digits/, `npm run train -- --prior
// digits`) fill a held-out digit beside its nearest training digits. It uses the built package as a page would.
import '../dist/square-inpainter.js';
import { ImageSet } from '../dist/priors.js';

/** Per prior: its bundled grid sizes, the word for one picture, and how to draw one at random. */
const PRIORS = {
  squares: { sizes: [8, 16], shape: 'square', draw: (n) => { const side = randomInt(2, n - 2); return [side, side]; } },
  rectangles: { sizes: [8, 16], shape: 'rectangle', draw: (n) => [randomInt(2, n - 2), randomInt(2, n - 2)] },
  digits: { sizes: [8], shape: 'digit' },
};
/** The digits' models and data, written by training (demo/models/digits/). */
const DIGITS = './models/digits/';
const DIGIT_FILES = {
  bert: `${DIGITS}square-inpainter-digits-8.onnx`,
  images: `${DIGITS}square-inpainter-digits-8.images.json`,
  heldOut: `${DIGITS}square-inpainter-digits-8.held-out.json`,
  dilated: `${DIGITS}cnn-global-digits-8.onnx`,
};
/** The training digits (an ImageSet, also as arrays) and the held-out ones, once the picker first asks for them. */
let digitData = null;
/** The same, once loaded. */
let digitSet = null;
async function loadDigits() {
  digitData ??= Promise.all([fetch(DIGIT_FILES.images), fetch(DIGIT_FILES.heldOut)]).then(async ([images, heldOut]) => {
    if (!images.ok || !heldOut.ok) throw new Error('the digits models are not trained yet (npm run train -- --prior digits)');
    const train = ImageSet.fromJSON(await images.json());
    const held = await heldOut.json();
    return { train, trainImages: train.images(), heldOut: held.digits.map((digit, i) => ({ pixels: cellsOf(digit), label: held.labels[i] })) };
  });
  // A failed load is tried again the next time digits are picked.
  digitData.catch(() => (digitData = null));
  digitSet = await digitData;
  return digitSet;
}
/** The sampled held-out digit's class, while the picture is the demo's. */
let digitLabel = null;
/** The CNN baselines the demo has (demo/models/manifest.json), by file name. */
const baselines = fetch('./models/manifest.json')
  .then((response) => response.json())
  .then((manifest) => new Set(manifest.models.map((model) => model.file)))
  .catch(() => new Set());

const bert = document.getElementById('bert');
const cnn = document.getElementById('cnn');
const dilated = document.getElementById('dilated');
const models = [bert, dilated, cnn];
const exactGrid = document.getElementById('exact');
const form = document.getElementById('controls');
const revealButton = document.getElementById('reveal');
const status = document.getElementById('status');

let size = 16;
let prior = 'squares';
/** The prior's images at this size: its exact posterior, and whether a fill is one of them. */
let priorImages = ImageSet.squares(size);
let pixels = new Uint8Array(size * size);
let mask = new Uint8Array(size * size);
/** The square the demo drew, while the picture is still the demo's; null once the user edits it. */
let truth = null;
let revealed = false;
/** P(white) per cell and the number of squares that fit, for the current picture. */
let exact = { probabilities: new Float32Array(0), fits: 0 };

const cellString = (values) => Array.from(values, (value) => (value ? '1' : '0')).join('');
const cellsOf = (text) => Uint8Array.from(text.replace(/\s/g, ''), (char) => (char === '1' ? 1 : 0));
const randomInt = (low, high) => low + Math.floor(Math.random() * (high - low + 1));

/** Marks a panel as filled for this picture (the browser test waits for all three). */
function markFilled(name, filled) {
  const names = new Set((document.body.dataset.filled ?? '').split(' ').filter(Boolean));
  if (filled) names.add(name);
  else names.delete(name);
  document.body.dataset.filled = [...names].sort().join(' ');
}

/** A new picture from the prior: a random square (or rectangle), then a random box and a sprinkle of cells hidden. */
async function samplePicture() {
  pixels = new Uint8Array(size * size);
  mask = new Uint8Array(size * size);
  if (prior === 'digits') {
    const { heldOut } = await loadDigits();
    const digit = heldOut[randomInt(0, heldOut.length - 1)];
    pixels = digit.pixels.slice();
    digitLabel = digit.label;
  } else {
    const [height, width] = PRIORS[prior].draw(size);
    const top = randomInt(0, size - height);
    const left = randomInt(0, size - width);
    for (let r = top; r < top + height; r++) pixels.fill(1, r * size + left, r * size + left + width);
  }
  truth = pixels.slice();
  const boxTop = randomInt(0, size - 1);
  const boxLeft = randomInt(0, size - 1);
  const boxBottom = randomInt(boxTop, size - 1);
  const boxRight = randomInt(boxLeft, size - 1);
  for (let i = 0; i < size * size; i++) {
    const r = Math.floor(i / size);
    const c = i % size;
    mask[i] = (r >= boxTop && r <= boxBottom && c >= boxLeft && c <= boxRight) || Math.random() < 0.3 ? 1 : 0;
    if (mask[i]) pixels[i] = 0; // a hidden cell carries no information
  }
  show();
}

/** The baseline's file for this prior and size, where the demo has one. */
async function baselineFile(arch) {
  const file = prior === 'squares' ? `${arch}-${size}.onnx` : `${arch}-${prior}-${size}.onnx`;
  return (await baselines).has(file) ? file : null;
}

/** Hands the picture to every element and recomputes the exact answer. */
async function show({ refill = false } = {}) {
  document.body.classList.toggle('grid-8', size === 8);
  const digits = prior === 'digits';
  const files = digits ? { cnn: null, dilated: DIGIT_FILES.dilated } : { cnn: await baselineFile('cnn-local'), dilated: await baselineFile('cnn-global') };
  for (const element of models) {
    markFilled(element.id, false);
    element.gridSize = size;
    element.prior = digits ? 'squares' : prior;
    element.pixels = cellString(pixels);
    element.mask = cellString(mask);
  }
  // The digits' BERT is a model trained on the page's own kind of images: model-src, and its set for `fits`.
  bert.modelSrc = digits ? DIGIT_FILES.bert : '';
  bert.priorSrc = digits ? DIGIT_FILES.images : '';
  bert.showAttention = !digits;
  document.getElementById('exact-title').firstChild.textContent = digits ? 'Nearest neighbour ' : 'Exact posterior ';
  // A prior without baselines shows the BERT and the exact answer alone.
  for (const element of [cnn, dilated]) {
    const file = files[element.id];
    element.closest('section').hidden = !file;
    if (file) element.modelSrc = digits ? file : `./models/${file}`;
    else markFilled(element.id, true);
  }
  // The same attributes give no new fill by themselves: ask for one (a new sample, with `sample` decoding).
  if (refill) for (const element of models) if (!element.closest('section').hidden) element.inpaint().catch(() => undefined);
  drawExact();
  revealButton.disabled = !truth;
  if (!truth) setRevealed(false);
}

/** P(white) per cell: the mean of the training digits nearest the picture on its visible cells, and how near. */
function nearestNeighbour() {
  let best = Infinity;
  let nearest = [];
  for (const image of digitSet.trainImages) {
    let distance = 0;
    for (let i = 0; i < image.length && distance <= best; i++) if (!mask[i] && image[i] !== pixels[i]) distance++;
    if (distance < best) [best, nearest] = [distance, [image]];
    else if (distance === best) nearest.push(image);
  }
  const probabilities = new Float32Array(size * size);
  for (let i = 0; i < probabilities.length; i++) {
    probabilities[i] = mask[i] ? nearest.reduce((sum, image) => sum + image[i], 0) / nearest.length : pixels[i];
  }
  return { probabilities, distance: best, count: nearest.length };
}

/** The digits' middle panel: the nearest training digits, with the exact posterior's count beside them. */
function drawNearest() {
  const exactFits = priorImages.posterior(pixels, mask).fits;
  const near = nearestNeighbour();
  exact = { probabilities: near.probabilities, fits: 0 };
  const cells = [];
  for (let i = 0; i < size * size; i++) {
    const cell = document.createElement('span');
    cell.style.setProperty('--p', String(near.probabilities[i]));
    cell.classList.toggle('hidden', mask[i] === 1);
    cell.classList.toggle('truth', revealed && !!truth?.[i]);
    cell.title = mask[i] ? `hidden: P(white) = ${near.probabilities[i].toFixed(3)}` : pixels[i] ? 'white' : 'black';
    cells.push(cell);
  }
  exactGrid.replaceChildren(...cells);
  exactGrid.setAttribute('aria-label', `nearest neighbour: ${near.count} training digits, ${near.distance} visible cells off`);
  const score = document.getElementById('exact-score');
  score.className = 'score';
  const fits = exactFits
    ? `${exactFits} training digit${exactFits === 1 ? '' : 's'} fit${exactFits === 1 ? 's' : ''} every visible cell (the exact posterior).`
    : 'No training digit fits every visible cell: the exact posterior has no answer here.';
  score.textContent = `${near.count} nearest training digit${near.count === 1 ? '' : 's'}, ${near.distance} visible cell${near.distance === 1 ? '' : 's'} off. ${fits} ${scoreDigit(near.probabilities)}`;
  markFilled('exact', true);
}

/** How many hidden cells a fill (P(white) per cell) gets right against the held-out digit. */
function scoreDigit(probabilities) {
  const hidden = [...mask.keys()].filter((i) => mask[i]);
  if (!hidden.length) return 'Nothing is hidden.';
  if (!truth) return 'Edited: no true digit to score against.';
  const right = hidden.filter((i) => (probabilities[i] > 0.5 ? 1 : 0) === truth[i]).length;
  return `Hidden cells right: ${right} of ${hidden.length} (${((100 * right) / hidden.length).toFixed(0)}%) against the true ${digitLabel}.`;
}

function drawExact() {
  if (prior === 'digits') return drawNearest();
  exact = priorImages.posterior(pixels, mask);
  const { shape } = PRIORS[prior];
  const cells = [];
  for (let i = 0; i < size * size; i++) {
    const cell = document.createElement('span');
    const p = mask[i] ? (exact.fits ? exact.probabilities[i] : 0.5) : pixels[i];
    cell.style.setProperty('--p', String(p));
    cell.classList.toggle('hidden', mask[i] === 1);
    cell.classList.toggle('truth', revealed && !!truth?.[i]);
    cell.title = mask[i] ? `hidden: P(white) = ${exact.fits ? p.toFixed(3) : 'undefined'}` : pixels[i] ? 'white' : 'black';
    cells.push(cell);
  }
  exactGrid.replaceChildren(...cells);
  exactGrid.setAttribute(
    'aria-label',
    exact.fits ? `exact posterior: ${exact.fits} ${shape}s fit the visible cells` : `exact posterior: no ${shape} fits the visible cells`,
  );
  const score = document.getElementById('exact-score');
  score.className = exact.fits ? 'score' : 'score warn';
  score.textContent = exact.fits
    ? `${exact.fits} ${shape}${exact.fits === 1 ? '' : 's'} of the prior fit${exact.fits === 1 ? 's' : ''} the visible cells.`
    : `No single ${shape} fits the visible cells: there is no right answer, only guesses.`;
  markFilled('exact', true);
}

/** How a model's fill compares with the exact answer. */
function scoreFill(detail) {
  if (prior === 'digits') return scoreDigit(detail.probabilities);
  const filled = cellsOf(detail.pixels);
  const hidden = [...mask.keys()].filter((i) => mask[i]);
  if (!hidden.length) return 'Nothing is hidden.';
  const { shape } = PRIORS[prior];
  if (!exact.fits) return `No ${shape} fits; it guessed ${priorImages.includes(filled) ? `a ${shape}` : `no ${shape}`}.`;
  const error = hidden.reduce((sum, i) => sum + Math.abs(detail.probabilities[i] - exact.probabilities[i]), 0) / hidden.length;
  const certainWrong = hidden.filter((i) => (exact.probabilities[i] === 0 || exact.probabilities[i] === 1) && filled[i] !== exact.probabilities[i]);
  const valid = priorImages.includes(filled);
  return `Error against exact: ${error.toFixed(3)} (mean |P − exact| over ${hidden.length} hidden cells). ` +
    `${certainWrong.length} certain cell${certainWrong.length === 1 ? '' : 's'} wrong; ${valid ? `a valid ${shape}` : `not a single ${shape}`}.`;
}

for (const element of models) {
  const name = element.id;
  const score = document.getElementById(`${name}-score`);
  element.addEventListener('inpaint', ({ detail }) => {
    score.className = 'score';
    score.textContent = scoreFill(detail);
    markFilled(name, true);
  });
  element.addEventListener('error', ({ detail }) => {
    score.className = 'score warn';
    score.textContent = detail.message;
  });
}
bert.addEventListener('load', ({ detail }) => (status.textContent = `Models run on ${detail.backend}: ${detail.reason}.`));

// The user edits the BERT's picture: the CNNs and the exact answer follow, and the picture is no longer the demo's.
bert.addEventListener('change', ({ detail }) => {
  pixels = cellsOf(detail.pixels);
  mask = cellsOf(detail.mask);
  if (truth && pixels.some((pixel, i) => !mask[i] && pixel !== truth[i])) truth = null;
  for (const element of [dilated, cnn]) {
    markFilled(element.id, false);
    element.pixels = detail.pixels;
    element.mask = detail.mask;
  }
  drawExact();
  revealButton.disabled = !truth;
  if (!truth) setRevealed(false);
});

function setRevealed(value) {
  revealed = value;
  revealButton.setAttribute('aria-pressed', String(value));
  for (const [i, cell] of [...exactGrid.children].entries()) cell.classList.toggle('truth', revealed && !!truth?.[i]);
}

revealButton.addEventListener('click', () => setRevealed(!revealed));
document.getElementById('sample').addEventListener('click', samplePicture);
document.getElementById('hide-all').addEventListener('click', () => {
  mask.fill(1);
  pixels.fill(0);
  show({ refill: true });
});
document.getElementById('clear').addEventListener('click', () => {
  pixels = new Uint8Array(size * size);
  mask = new Uint8Array(size * size);
  truth = null;
  show();
});
form.addEventListener('change', async (event) => {
  const { name, value } = event.target;
  if (name === 'gridSize' || name === 'prior') {
    if (name === 'gridSize') size = Number(value);
    else prior = value;
    if (prior === 'digits') {
      try {
        await loadDigits();
      } catch (error) {
        status.textContent = error.message;
        form.elements.prior.value = prior = 'squares';
      }
    }
    // Only the sizes the prior ships a model for can be chosen.
    for (const option of form.elements.gridSize.options) option.disabled = !PRIORS[prior].sizes.includes(Number(option.value));
    if (!PRIORS[prior].sizes.includes(size)) form.elements.gridSize.value = String((size = PRIORS[prior].sizes[0]));
    priorImages = prior === 'squares' ? ImageSet.squares(size) : prior === 'rectangles' ? ImageSet.rectangles(size) : digitSet.train;
    revealButton.textContent = `Reveal the true ${PRIORS[prior].shape}`;
    document.getElementById('sample').textContent = prior === 'digits' ? 'Another held-out digit' : 'Sample again';
    samplePicture();
  } else if (name === 'decoding' || name === 'backend') {
    for (const element of models) element[name] = value;
  } else if (name === 'tool') {
    bert.tool = value;
  } else if (name === 'showConfidence') {
    for (const element of models) element.showConfidence = event.target.checked;
  }
});

samplePicture();
