// Runs a model in onnxruntime (Node) over a file of tokens, so that the Python evaluation measures the
// exported .onnx itself, with the same engine family the browser uses and the runtime's own token packing
// and P(white) (src/model-io.ts).
//   node --import tsx training/predict.ts MODEL.onnx TOKENS.bin PROBABILITIES.bin CELLS
// TOKENS.bin: uint8 [count, CELLS] (0 black, 1 white, 2 hidden). Writes float32 P(white) [count, CELLS].
import { readFile, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { toInt64Tokens, whiteProbabilities } from '../src/model-io.js';

const [model, tokensPath, outPath, cellsArg] = process.argv.slice(2);
const cells = Number(cellsArg);
if (!model || !tokensPath || !outPath || !Number.isInteger(cells) || cells < 1) {
  console.error('usage: node --import tsx training/predict.ts MODEL.onnx TOKENS.bin PROBABILITIES.bin CELLS');
  process.exit(2);
}
const tokens = new Uint8Array(await readFile(tokensPath));
const count = tokens.length / cells;
const session = await ort.InferenceSession.create(model);
const probabilities = new Float32Array(tokens.length);
const chunk = 256;
for (let start = 0; start < count; start += chunk) {
  const rows = Math.min(chunk, count - start);
  const [from, to] = [start * cells, (start + rows) * cells];
  const input = toInt64Tokens(tokens.subarray(from, to));
  const { logits } = await session.run({ tokens: new ort.Tensor('int64', input, [rows, cells]) });
  whiteProbabilities(logits.data as Float32Array, probabilities.subarray(from, to));
}
await session.release();
await writeFile(outPath, Buffer.from(probabilities.buffer));
