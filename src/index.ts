/**
 * square-inpainter: importing this module defines `<square-inpainter>`.
 */
import { SquareInpainter } from './square-inpainter.js';

export { SquareInpainter };
export type { ChangeDetail, ErrorDetail, ErrorType, InpaintDetail, InpaintResult, LoadDetail, ProgressDetail, SquareInpainterEventMap } from './events.js';
export type { Decoding } from './decoding.js';
export type { Tool } from './square-inpainter.js';
export type { AssetLocations, Backend, BackendPreference } from './runtime/index.js';
export { exactPosterior, type ExactPosterior } from './posterior.js';

if (!customElements.get('square-inpainter')) {
  customElements.define('square-inpainter', SquareInpainter);
}
