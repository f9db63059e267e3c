// Driven by runtime-faults.test.mjs through window.harness: makes elements and records what they report.
import '/dist/square-inpainter.js';

const events = [];
window.addEventListener('error', (event) => events.push({ type: 'uncaught', message: String(event.message) }));
window.addEventListener('unhandledrejection', (event) => events.push({ type: 'unhandled', message: String(event.reason) }));

window.harness = {
  events,
  /**
   * Adds an element and resolves with its first `inpaint` or `error`, every `progress` before it, and the frame
   * each came in (the count of animation frames the page had drawn).
   */
  fill(attributes, element = document.createElement('square-inpainter')) {
    const progress = [];
    const frameOf = [];
    let frames = 0;
    let loading = true;
    const countFrames = () => loading && (frames++, requestAnimationFrame(countFrames));
    requestAnimationFrame(countFrames);
    const outcome = new Promise((resolve) => {
      const onProgress = ({ detail }) => {
        progress.push(detail.totalProgress);
        frameOf.push(frames);
        if (detail.totalProgress === 1) loading = false;
      };
      const done = (result) => {
        loading = false;
        element.removeEventListener('progress', onProgress);
        element.removeEventListener('inpaint', onInpaint);
        element.removeEventListener('error', onError);
        resolve({ ...result, progress, frameOf });
      };
      const onInpaint = ({ detail }) => done({ type: 'inpaint', pixels: detail.pixels, backend: detail.backend });
      const onError = ({ detail }) => done({ type: 'error', errorType: detail.type, message: detail.message });
      element.addEventListener('progress', onProgress);
      element.addEventListener('inpaint', onInpaint);
      element.addEventListener('error', onError);
    });
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    if (!element.isConnected) document.body.append(element);
    return outcome;
  },
  /** The same element with new attributes: its next outcome. */
  refill(index, attributes) {
    return this.fill(attributes, document.querySelectorAll('square-inpainter')[index]);
  },
};
