// Runs an exported model in onnxruntime (Node) on a parity fixture written by PyTorch and reports the
// largest absolute difference between the two sets of logits, and of the attention rows the fixture keeps
// (`attentionQueries`, where the model has an `attention` output).
//   node --import tsx training/parity.ts MODEL.onnx FIXTURE.json   → prints the max abs diffs; exit 1 above 1e-4
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { toInt64Tokens } from '../src/model-io.js';

export const PARITY_TOLERANCE = 1e-4;

/** What training/export.py writes: tokens [batch, N*N] and PyTorch's outputs for them, flattened. */
interface ParityFixture {
  gridSize: number;
  batch: number;
  tokens: number[];
  logits: number[];
  /** The attention rows of `attentionQueries` for each image, where the model has an `attention` output. */
  attention?: number[];
  attentionQueries?: number[];
}

/** The largest |onnxruntime - PyTorch| over the logits (and the fixture's attention rows, if any). */
export async function maxParityError(modelPath: string, fixturePath: string): Promise<number> {
  const { logits, attention } = await parityErrors(modelPath, fixturePath);
  return Math.max(logits, attention ?? 0);
}

/** {logits, attention}: the largest |onnxruntime - PyTorch| of each; attention null where the fixture has none. */
export async function parityErrors(modelPath: string, fixturePath: string): Promise<{ logits: number; attention: number | null }> {
  const fixture: ParityFixture = JSON.parse(await readFile(fixturePath, 'utf8'));
  const cells = fixture.gridSize * fixture.gridSize;
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const tokens = new ort.Tensor('int64', toInt64Tokens(fixture.tokens), [fixture.batch, cells]);
    const outputs = await session.run({ tokens });
    const { logits } = outputs;
    if (logits.dims.join() !== [fixture.batch, cells, 2].join()) {
      throw new Error(`logits shape ${logits.dims} != [${fixture.batch}, ${cells}, 2]`);
    }
    const logitsData = logits.data as Float32Array;
    let worst = 0;
    fixture.logits.forEach((expected, i) => {
      worst = Math.max(worst, Math.abs(expected - logitsData[i]));
    });
    // A model without the optional attention output (the bundled ones) is checked on its logits alone.
    if (!fixture.attention || !session.outputNames.includes('attention')) return { logits: worst, attention: null };
    const map = outputs.attention;
    if (!map || map.dims.join() !== [fixture.batch, cells, cells].join()) {
      throw new Error(`attention shape ${map?.dims} != [${fixture.batch}, ${cells}, ${cells}]`);
    }
    const mapData = map.data as Float32Array;
    let worstAttention = 0;
    // export.py writes `attentionQueries` with `attention`.
    const queries = fixture.attentionQueries!;
    fixture.attention.forEach((expected, i) => {
      const key = i % cells;
      const query = queries[Math.floor(i / cells) % queries.length];
      const b = Math.floor(i / (cells * queries.length));
      worstAttention = Math.max(worstAttention, Math.abs(expected - mapData[(b * cells + query) * cells + key]));
    });
    return { logits: worst, attention: worstAttention };
  } finally {
    await session.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [model, fixture] = process.argv.slice(2);
  if (!model || !fixture) {
    console.error('usage: node --import tsx training/parity.ts MODEL.onnx FIXTURE.json');
    process.exit(2);
  }
  const { logits, attention } = await parityErrors(model, fixture);
  console.log(`max |onnxruntime - pytorch| = ${logits.toExponential(2)} (logits)` +
    (attention === null ? '' : `, ${attention.toExponential(2)} (attention)`));
  process.exit(Math.max(logits, attention ?? 0) <= PARITY_TOLERANCE ? 0 : 1);
}
