// The whole integration a host app writes: import the package, use the tag, listen for events. Nothing is
// copied and no bundler is configured for square-inpainter.
import 'square-inpainter';

const inpainter = document.querySelector('square-inpainter');
window.outcome = new Promise((resolve) => {
  inpainter.addEventListener('inpaint', ({ detail }) =>
    resolve({ type: 'inpaint', ...detail, probabilities: undefined, at: performance.now() }),
  );
  inpainter.addEventListener('error', ({ detail }) => resolve({ type: 'error', errorType: detail.type, message: detail.message }));
});
