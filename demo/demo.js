// The demo page: the BERT (an editable <square-inpainter> with show-attention), the exact posterior (the package's
// square-inpainter/priors), and the dilated and local CNN baselines (<square-inpainter>s with model-src) on the same
// picture, each fill scored against the exact answer. A picker chooses the prior: squares or rectangles. It uses the
// built package as a page would.
import '../dist/square-inpainter.js';
import { ImageSet } from '../dist/priors.js';

/** Per prior: its bundled grid sizes, the word for one picture, and how to draw one at random. */
const PRIORS = {
  squares: { sizes: [8, 16], shape: 'square', draw: (n) => { const side = randomInt(2, n - 2); return [side, side]; } },
  rectangles: { sizes: [8], shape: 'rectangle', draw: (n) => [randomInt(2, n - 2), randomInt(2, n - 2)] },
};
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
function samplePicture() {
  pixels = new Uint8Array(size * size);
  mask = new Uint8Array(size * size);
  const [height, width] = PRIORS[prior].draw(size);
  const top = randomInt(0, size - height);
  const left = randomInt(0, size - width);
  for (let r = top; r < top + height; r++) pixels.fill(1, r * size + left, r * size + left + width);
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
  const files = { cnn: await baselineFile('cnn-local'), dilated: await baselineFile('cnn-global') };
  for (const element of models) {
    markFilled(element.id, false);
    element.gridSize = size;
    element.prior = prior;
    element.pixels = cellString(pixels);
    element.mask = cellString(mask);
  }
  // A prior without baselines shows the BERT and the exact answer alone.
  for (const element of [cnn, dilated]) {
    const file = files[element.id];
    element.closest('section').hidden = !file;
    if (file) element.modelSrc = `./models/${file}`;
    else markFilled(element.id, true);
  }
  // The same attributes give no new fill by themselves: ask for one (a new sample, with `sample` decoding).
  if (refill) for (const element of models) if (!element.closest('section').hidden) element.inpaint().catch(() => undefined);
  drawExact();
  revealButton.disabled = !truth;
  if (!truth) setRevealed(false);
}

function drawExact() {
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
form.addEventListener('change', (event) => {
  const { name, value } = event.target;
  if (name === 'gridSize' || name === 'prior') {
    if (name === 'gridSize') size = Number(value);
    else prior = value;
    // Only the sizes the prior ships a model for can be chosen.
    for (const option of form.elements.gridSize.options) option.disabled = !PRIORS[prior].sizes.includes(Number(option.value));
    if (!PRIORS[prior].sizes.includes(size)) form.elements.gridSize.value = String((size = PRIORS[prior].sizes[0]));
    priorImages = prior === 'squares' ? ImageSet.squares(size) : ImageSet.rectangles(size);
    revealButton.textContent = `Reveal the true ${PRIORS[prior].shape}`;
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
