/**
 * Completes hidden cells from a `predict()` function: one-shot, iterative or
 * sampled decoding. Pure: no DOM, no onnxruntime; any predictor will do.
 */
import { DECODINGS, MAX_SEED, MAX_STEPS, type Decoding } from './decoding-options.js';
import { MASKED, describe, validateInteger } from './grid.js';
import { toTokens } from './model-io.js';

export { MAX_SEED, MAX_STEPS, type Decoding };


/**
 * One model run: tokens (0 black, 1 white, 2 hidden) per cell in, P(white) per
 * cell out. The decoder reuses the `tokens` buffer between runs, so a
 * predictor that keeps it past its promise must copy it; it reads each
 * prediction before it asks for the next, so a predictor may reuse its output
 * array.
 */
export type Predictor = (tokens: Uint8Array) => Promise<Float32Array>;

export interface DecodeOptions {
  /** Default `iterative`. */
  decoding?: Decoding;
  /**
   * Most model runs, an integer from 1 to {@link MAX_STEPS}; decoding stops
   * sooner when no cell is left hidden. Default {@link DEFAULT_STEPS}, or
   * {@link DEFAULT_SAMPLE_STEPS} for `sample`; `one-shot` always runs once.
   */
  steps?: number;
  /** Seed of `sample`, an integer from 0 to 2^32−1. Default: a random one, reported in the result. */
  seed?: number;
  /** Aborts between model runs with the signal's reason (an `AbortError` DOMException by default). */
  signal?: AbortSignal;
}

export interface DecodeResult {
  /** The completed image: visible cells as given, hidden cells filled with 0 or 1. */
  pixels: Uint8Array;
  /**
   * P(white) per cell: visible cells exactly 0 or 1; a filled cell gets the
   * probability the model gave it in the run that committed it.
   */
  probabilities: Float32Array;
  /** Model runs used: 0 when nothing is hidden. */
  runs: number;
  decoding: Decoding;
  /** The seed `sample` drew with (given or chosen); absent for other decodings. */
  seed?: number;
}


/**
 * Default cap on model runs of `iterative`. Decoding stops as soon as no cell
 * is hidden, so most masks take 2–5 runs; with the bundled 16×16 model the
 * hardest masks (whole square hidden, 95% hidden) take about 14–16 on average
 * and up to 27 (`training/decoding-eval.ts`), because each run takes one
 * decision the model is fairly sure of rather than a coin toss
 * (DECISION_DOUBT). The last run commits whatever is left, so a cap below that
 * costs valid squares: with DECISION_DOUBT 0.1, a cap of 24 gave 99.5% valid
 * against 99.97% for 32 (16×16, 500 masks per family, seed 1).
 */
export const DEFAULT_STEPS = 32;
/**
 * Default cap on model runs of `sample`: drawing faithfully takes more runs,
 * with the bundled 16×16 model about 9–12 on average and up to about 58
 * (99th percentile) on the hardest masks.
 */
export const DEFAULT_SAMPLE_STEPS = 64;

/**
 * Each run commits one decision cell, plus confident cells at their likely
 * value while the chances that those are wrong add up to less than this share
 * of the chance of the decision's value. Below 1, the union bound makes all
 * committed values jointly possible whenever the probabilities are exact:
 * `iterative` never paints itself into a corner that no square fits. A real
 * model is exact enough on the masks it was trained on, but after a few runs
 * it reads boxes with committed cells inside, which it never saw, and there it
 * underrates doubts by 0.05–0.2 (bundled 8×8: mean error 0.009 on the first
 * run, 0.03–0.1 by the fourth). 0.85 gave 84% valid squares with the bundled
 * 8×8 model, 0.5 gave 90%, 0.3 with DECISION_DOUBT 99.6%. With the bundled
 * 16×16 model of 8000 steps (500 masks per family, seed 1: 99.1% valid, 6.3
 * runs), 0.2 gave 99.4% for 14% more runs, and 0.15 and 0.1 ran into the
 * `steps` cap and fell to 87–89%.
 */
const ITERATIVE_SHARE = 0.3;
/**
 * `iterative` decides, in each run, the most confident hidden cell whose
 * chance of being wrong is above this, at its likely value (the most
 * uncertain cell when none is). Committing the most uncertain cell instead,
 * as MaskGIT's schedule would leave it for last, picks out exactly the cells
 * where the model is confused: with the bundled 8×8 model, 9% of those
 * decisions from the fourth run on went against what every square left
 * allowed. A cell near 0.8 carries less news, so it takes more runs (16×16
 * hardest masks: 14 to 16 on average), but it is seldom one the model has
 * got backwards. What fails is a run whose decision is near 0.5 although
 * exactly one square is left (the model has lost track of it); a lower
 * threshold makes such coin tosses rarer. 500 masks per family, seed 1, cap
 * 32: bundled 16×16 model 99.37% valid at 0.2, 99.77% at 0.15, 99.97% at 0.1
 * (every family ≥ 99.8%) for 7.4 runs instead of 6.1; five more 16×16 models
 * of the same recipe (other seeds, learning rate) 99.5–100% at 0.1; bundled
 * 8×8 model 99.80% at 0.2, 99.93% at 0.1 (5.1 → 6.1 runs).
 */
const DECISION_DOUBT = 0.1;
/**
 * A confident cell whose chance of being wrong is above this joins a run only
 * if none of its 8 neighbours was committed in the same run. Neighbours are
 * wrong together (a square covering one mostly covers the other), so a spread
 * of cells rules out about as many squares as a dense patch for half the
 * union bound: at 16×16 it took the hardest masks from at most 11 runs to at
 * most 8 (measured at share 0.999). The grid is taken to be square, √cells
 * on a side.
 */
const FREE_DOUBT = 0.001;
/**
 * `sample` keeps the confident commits to cells that are all but certain: the
 * draw of the uncertain cell is exact, and the confident cells can bias it by
 * at most this share per run. Measured with the exact posterior on a 10×10
 * mask leaving 136 squares possible, 20,000 draws: total variation 0.055 from
 * the posterior against 0.032 for exact ancestral sampling (0.001), whose
 * runs a model that is never quite certain would triple at 16×16.
 */
const SAMPLE_SHARE = 0.02;
/**
 * `sample` switches to iterative's larger commits when this few runs are left,
 * so that it still ends on a coherent picture when `steps` is tight.
 */
const FINISHING_RUNS = 8;

/**
 * Fills the hidden cells (`mask` 1) of `pixels` by running `predict`.
 *
 * - `one-shot`: one run; each hidden cell takes its most likely value.
 * - `iterative` (MaskGIT-style, adaptive): each run commits one decision, the
 *   most confident hidden cell the model still has some doubt about
 *   (DECISION_DOUBT), at its likely value, which narrows the squares still
 *   possible, and confident cells at theirs, most confident first, as many as
 *   the union bound allows with a wide margin for the model's errors
 *   (ITERATIVE_SHARE) and spread apart (FREE_DOUBT); then it runs again with
 *   them visible, until no cell is hidden. Run number `steps` commits
 *   everything left.
 * - `sample`: the same, but the decision is the most uncertain cell, drawn
 *   from its probability with a seeded PRNG (mulberry32), and only
 *   near-certain cells join it (SAMPLE_SHARE), so the picture is close to a
 *   draw from the posterior. The same seed gives the same picture. Its last
 *   FINISHING_RUNS runs commit as `iterative` does, and run number `steps`
 *   draws everything left.
 *
 * Throws RangeError or TypeError naming the option for a bad `decoding`,
 * `steps` or `seed`, and the signal's reason when aborted between runs.
 */
export async function decode(
  predict: Predictor,
  pixels: Uint8Array,
  mask: Uint8Array,
  options: DecodeOptions = {},
): Promise<DecodeResult> {
  const decoding = options.decoding ?? 'iterative';
  if (!DECODINGS.includes(decoding)) {
    throw new RangeError(`decoding must be one of ${DECODINGS.join(', ')}; got ${describe(decoding)}`);
  }
  let steps = validateInteger(options.steps ?? (decoding === 'sample' ? DEFAULT_SAMPLE_STEPS : DEFAULT_STEPS), 'steps', 1, MAX_STEPS);
  if (decoding === 'one-shot') steps = 1;
  let seed = options.seed == null ? undefined : validateInteger(options.seed, 'seed', 0, MAX_SEED);
  if (decoding !== 'sample') seed = undefined;
  else seed ??= Math.floor(Math.random() * (MAX_SEED + 1));
  const { signal } = options;

  const cells = pixels.length;
  const filled = new Uint8Array(cells);
  const probabilities = new Float32Array(cells);
  // The working arrays share one buffer: allocating a typed array costs more than a one-shot decode's arithmetic.
  const scratch = new ArrayBuffer(cells * 17);
  // toTokens also rejects a mask of another length than pixels.
  const tokens = toTokens(pixels, mask, new Uint8Array(scratch, cells * 16, cells));
  // Hidden cells, compacted as they are committed.
  const hidden = new Int32Array(scratch, 0, cells);
  let hiddenCount = 0;
  for (let i = 0; i < cells; i++) {
    if (tokens[i] === MASKED) hidden[hiddenCount++] = i;
    else probabilities[i] = filled[i] = tokens[i];
  }

  const draw = seed === undefined ? undefined : mulberry32(seed);
  const white = new Float32Array(scratch, cells * 4, cells);
  const doubt = new Float32Array(scratch, cells * 8, cells);
  const byDoubt = (a: number, b: number) => doubt[a] - doubt[b] || a - b;
  let runs = 0;
  // Cells committed in the current run carry its number, for nextToCommitted.
  const committedIn = new Int32Array(scratch, cells * 12, cells);
  const side = Math.sqrt(cells);
  const nextToCommitted = (cell: number) => {
    if (!Number.isInteger(side)) return false;
    const row = Math.floor(cell / side);
    const col = cell - row * side;
    for (let r = Math.max(0, row - 1); r <= Math.min(side - 1, row + 1); r++) {
      for (let c = Math.max(0, col - 1); c <= Math.min(side - 1, col + 1); c++) {
        if (committedIn[r * side + c] === runs && (r !== row || c !== col)) return true;
      }
    }
    return false;
  };
  const commit = (cell: number, likely = !draw) => {
    const p = white[cell];
    const value = likely ? (p >= 0.5 ? 1 : 0) : draw!() < p ? 1 : 0;
    filled[cell] = value;
    tokens[cell] = value;
    probabilities[cell] = p;
    committedIn[cell] = runs;
    return value;
  };

  while (hiddenCount > 0) {
    throwIfAborted(signal);
    const prediction = await predict(tokens);
    runs++;
    throwIfAborted(signal);
    if (!prediction || prediction.length !== cells) {
      throw new RangeError(`predict must return ${cells} probabilities, one per cell; got ${prediction?.length}`);
    }
    for (let k = 0; k < hiddenCount; k++) {
      const cell = hidden[k];
      const p = prediction[cell];
      // A NaN from a broken model says nothing: treat it as a coin toss.
      white[cell] = p >= 0 ? (p <= 1 ? p : 1) : p < 0 ? 0 : 0.5;
      doubt[cell] = Math.min(white[cell], 1 - white[cell]);
    }
    if (runs >= steps) {
      for (let k = 0; k < hiddenCount; k++) commit(hidden[k]);
      hiddenCount = 0;
      break;
    }
    const order = hidden.subarray(0, hiddenCount).sort(byDoubt);
    // The decision splits the squares left where the confident cells alone
    // would barely narrow them. A draw is exact in any order, so `sample`
    // draws the most uncertain cell, which splits them most; `iterative`
    // commits a likely value, and there the most uncertain cell is too often
    // one the model has got wrong (DECISION_DOUBT).
    let at = hiddenCount - 1;
    if (!draw) {
      let first = 0;
      while (first < hiddenCount && doubt[order[first]] <= DECISION_DOUBT) first++;
      if (first < hiddenCount) at = first;
    }
    const decision = order[at];
    order.copyWithin(at, at + 1, hiddenCount);
    const value = commit(decision);
    const chance = value ? white[decision] : 1 - white[decision];
    // Confident cells join at their likely value while their chances of being
    // wrong add up to less than the chance of the decision's value: by the
    // union bound, all committed values are then jointly possible.
    const share = draw && steps - runs >= FINISHING_RUNS ? SAMPLE_SHARE : ITERATIVE_SHARE;
    const budget = share * chance;
    let spent = 0;
    let kept = 0;
    for (let k = 0; k < hiddenCount - 1; k++) {
      const cell = order[k];
      if (spent + doubt[cell] <= budget && (doubt[cell] <= FREE_DOUBT || !nextToCommitted(cell))) {
        spent += doubt[cell];
        commit(cell, true);
      } else {
        order[kept++] = cell;
      }
    }
    hiddenCount = kept;
  }

  const result: DecodeResult = { pixels: filled, probabilities, runs, decoding };
  if (seed !== undefined) result.seed = seed;
  return result;
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw signal.reason ?? new DOMException('decoding was aborted', 'AbortError');
}

/** mulberry32: small, fast, seeded; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
