// Runs two exports of a model in onnxruntime (Node) on the same seeded random grids and reports the largest
// logits difference; for a re-export that must answer as the file it replaces (e.g. one that only adds an
// output). Where the second model has an `attention` output, also checks its shape, that it is non-negative
// and that each row sums to 1.
//   node --import tsx training/compare.ts BEFORE.onnx AFTER.onnx [COUNT]   → exit 1 above 1e-4 or on a bad attention
// Grids: half a square of the prior under a random share of hidden cells, half random tokens; batches of 1 to 64.
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { toInt64Tokens } from '../src/model-io.js';

export const SAME_LOGITS_TOLERANCE = 1e-4;

/** mulberry32: a small seeded PRNG, so that a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tokens (0, 1, 2) of one random N×N grid. */
function randomGrid(n: number, rand: () => number): Uint8Array {
  const tokens = new Uint8Array(n * n);
  if (rand() < 0.5) {
    for (let i = 0; i < tokens.length; i++) tokens[i] = Math.floor(3 * rand());
    return tokens;
  }
  const side = 2 + Math.floor(rand() * (n - 3));
  const row = Math.floor(rand() * (n - side + 1));
  const col = Math.floor(rand() * (n - side + 1));
  const hidden = rand();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const white = r >= row && r < row + side && c >= col && c < col + side;
      tokens[r * n + c] = rand() < hidden ? 2 : white ? 1 : 0;
    }
  }
  return tokens;
}

interface AttentionCheck {
  checked: number;
  worstRowSumError: number;
  min: number;
}

/** {worst logits difference, grids, attention: {checked, worstRowSumError, min} | null}. */
export async function compareModels(
  beforePath: string,
  afterPath: string,
  count = 2000,
  seed = 1,
): Promise<{ worst: number; grids: number; attention: AttentionCheck | null }> {
  const before = await ort.InferenceSession.create(beforePath);
  const after = await ort.InferenceSession.create(afterPath);
  try {
    const input = after.inputMetadata[0];
    const cells = input.isTensor ? Number(input.shape[1]) : NaN;
    const n = Math.round(Math.sqrt(cells));
    const rand = random(seed);
    const withAttention = after.outputNames.includes('attention');
    let worst = 0;
    let done = 0;
    const attention: AttentionCheck | null = withAttention ? { checked: 0, worstRowSumError: 0, min: Infinity } : null;
    for (const batch of [1, 7, 64]) {
      while (done < count * (batch === 64 ? 1 : batch === 7 ? 0.2 : 0.05)) {
        const rows = Math.min(batch, count - done);
        const data = new BigInt64Array(rows * cells);
        for (let b = 0; b < rows; b++) toInt64Tokens(randomGrid(n, rand), data, b * cells);
        const tokens = new ort.Tensor('int64', data, [rows, cells]);
        const old = (await before.run({ tokens }, ['logits'])).logits.data as Float32Array;
        const out = await after.run({ tokens });
        const logits = out.logits.data as Float32Array;
        for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i] - old[i]));
        if (attention) {
          const map = out.attention;
          if (map.dims.join() !== [rows, cells, cells].join()) throw new Error(`attention shape [${map.dims}]`);
          const weights = map.data as Float32Array;
          for (let row = 0; row < rows * cells; row++) {
            let sum = 0;
            for (let key = 0; key < cells; key++) {
              const weight = weights[row * cells + key];
              attention.min = Math.min(attention.min, weight);
              sum += weight;
            }
            attention.worstRowSumError = Math.max(attention.worstRowSumError, Math.abs(sum - 1));
          }
          attention.checked += rows * cells;
        }
        done += rows;
      }
    }
    return { worst, grids: done, attention };
  } finally {
    await before.release();
    await after.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [beforePath, afterPath, countArg] = process.argv.slice(2);
  if (!beforePath || !afterPath) {
    console.error('usage: node --import tsx training/compare.ts BEFORE.onnx AFTER.onnx [COUNT]');
    process.exit(2);
  }
  const { worst, grids, attention } = await compareModels(beforePath, afterPath, Number(countArg ?? 2000));
  console.log(`${grids} grids: max |logits after - logits before| = ${worst.toExponential(2)}`);
  let ok = worst <= SAME_LOGITS_TOLERANCE;
  if (attention) {
    console.log(`attention: ${attention.checked} rows, max |row sum - 1| = ${attention.worstRowSumError.toExponential(2)}, ` +
      `min weight ${attention.min.toExponential(2)}`);
    ok &&= attention.worstRowSumError <= 1e-4 && attention.min >= 0;
  }
  process.exit(ok ? 0 : 1);
}
