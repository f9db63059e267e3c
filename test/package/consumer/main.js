// The app's entry, bundled by rollup with the package inside. The bundle no longer sits beside the
// package's assets, so they are copied into build/square-inpainter/ and the element is told where.
import { SquareInpainter } from 'square-inpainter';

SquareInpainter.setAssetLocations({
  models: './build/square-inpainter/models/',
  wasm: './build/square-inpainter/ort/',
});

const inpainter = document.querySelector('square-inpainter');
window.outcome = new Promise((resolve) => {
  inpainter.addEventListener('inpaint', ({ detail }) => resolve({ type: 'inpaint', ...detail, probabilities: undefined }));
  inpainter.addEventListener('error', ({ detail }) => resolve({ type: 'error', message: detail.message }));
});
