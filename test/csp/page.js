// The CSP page's script: counts Content-Security-Policy violations from before the element is defined, waits
// for its first fill (or error) and reports what it laid out as `window.outcome`.
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI || 'inline'} (${event.sample || event.sourceFile || ''})`);
});
window.violations = violations;

window.outcome = (async () => {
  await import('/dist/square-inpainter.js');
  const element = document.querySelector('square-inpainter');
  const loading = element.shadowRoot.querySelector('[part~="progress-bar"]');
  const progressBar = loading ? getComputedStyle(loading).getPropertyValue('--progress').trim() : null;
  const event = await new Promise((resolve) => {
    element.addEventListener('inpaint', resolve, { once: true });
    element.addEventListener('error', resolve, { once: true });
  });
  await element.updateComplete;
  const grid = element.shadowRoot.querySelector('[part~="grid"]');
  const cells = [...element.shadowRoot.querySelectorAll('[part~="cell"]')];
  const filled = element.shadowRoot.querySelector('[part~="cell-filled"]');
  const gridSize = element.gridSize;
  return {
    type: event.type,
    message: event.detail.message ?? '',
    pixels: event.detail.pixels ?? '',
    mask: event.detail.mask ?? '',
    gridSize,
    gridWidth: grid.getBoundingClientRect().width,
    gridHeight: grid.getBoundingClientRect().height,
    cellWidth: cells[0].getBoundingClientRect().width,
    cellCount: cells.length,
    firstRowColumns: new Set(cells.slice(0, gridSize).map((cell) => Math.round(cell.getBoundingClientRect().left))).size,
    gridSizeProperty: getComputedStyle(grid).getPropertyValue('--grid-size').trim(),
    progressBar,
    shade: filled ? getComputedStyle(filled).getPropertyValue('--p').trim() : null,
  };
})().catch((error) => ({ type: 'page-error', message: String(error?.stack ?? error) }));
