// Runs an exported model in onnxruntime (Node) on a parity fixture written by PyTorch and reports the
// largest absolute difference between the two sets of logits.
//   node training/parity.mjs MODEL.onnx FIXTURE.json   → prints the max abs diff; exit 1 above 1e-4
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';

export const PARITY_TOLERANCE = 1e-4;

export async function maxParityError(modelPath, fixturePath) {
  const fixture = JSON.parse(await readFile(fixturePath, 'utf8'));
  const cells = fixture.gridSize * fixture.gridSize;
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const tokens = new ort.Tensor('int64', BigInt64Array.from(fixture.tokens, BigInt), [fixture.batch, cells]);
    const { logits } = await session.run({ tokens });
    if (logits.dims.join() !== [fixture.batch, cells, 2].join()) {
      throw new Error(`logits shape ${logits.dims} != [${fixture.batch}, ${cells}, 2]`);
    }
    let worst = 0;
    fixture.logits.forEach((expected, i) => {
      worst = Math.max(worst, Math.abs(expected - logits.data[i]));
    });
    return worst;
  } finally {
    await session.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [model, fixture] = process.argv.slice(2);
  if (!model || !fixture) {
    console.error('usage: node training/parity.mjs MODEL.onnx FIXTURE.json');
    process.exit(2);
  }
  const worst = await maxParityError(model, fixture);
  console.log(`max |onnxruntime - pytorch| = ${worst.toExponential(2)}`);
  process.exit(worst <= PARITY_TOLERANCE ? 0 : 1);
}
