import { SquareInpainter } from 'square-inpainter';

SquareInpainter.setAssetLocations({ models: './square-inpainter/models/', wasm: './square-inpainter/ort/' });
