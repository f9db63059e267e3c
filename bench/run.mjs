#!/usr/bin/env node
// `npm run bench`: times <square-inpainter> in Debian's headless Chromium against raw onnxruntime-web on the
// same model and input in the same page, and counts what a page downloads to its first inpaint. Prints tables,
// writes bench/results.json and the table in bench/README.md. See bench/README.md for how to read it.
//
//   node bench/run.mjs [--quick] [--models DIR] [--grids 8,16] [--modes wasm-1t,wasm-2t,webgpu] [--out FILE]
//   node bench/run.mjs --render      (redraw the tables from bench/results.json)
//   --parts timings,bytes,longtasks,mixed,plain   (the default: all five parts)
//
// --quick (or BENCH_QUICK=1): grid 8 only, few repetitions, results to bench/.tmp/results-quick.json and the
// README left alone; it checks that the bench works, its numbers mean little. --models DIR (or
// SQUARE_INPAINTER_TEST_MODELS) serves DIR as /models/ instead of the bundled models. --out FILE writes the
// results there and leaves the README alone.
//
// This file is the command line; bench/measure.mjs measures, bench/tables.mjs writes the tables and the README.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkResults, measure, MODES } from './measure.mjs';
import { ms, renderTables, summary, updateReadme } from './tables.mjs';
import { CHROMIUM_PATH } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const PARTS = ['timings', 'bytes', 'longtasks', 'mixed', 'plain'];

function parseArgs(argv) {
  const value = (flag) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const quick = argv.includes('--quick') || /^(1|true)$/i.test(process.env.BENCH_QUICK ?? '');
  const list = (text) => text.split(',').map((item) => item.trim()).filter(Boolean);
  const options = {
    quick,
    models: value('--models') ?? process.env.SQUARE_INPAINTER_TEST_MODELS,
    grids: list(value('--grids') ?? (quick ? '8' : '8,16')).map(Number),
    modes: list(value('--modes') ?? (quick ? 'wasm-1t' : 'wasm-1t,wasm-2t,webgpu')),
    parts: list(value('--parts') ?? PARTS.join(',')),
    out: value('--out') ?? path.join(benchDir, quick ? '.tmp/results-quick.json' : 'results.json'),
    // The README's table follows bench/results.json only.
    updateReadme: !quick && value('--out') === undefined,
    warmup: quick ? 1 : 5,
    reps: quick ? 3 : 120,
    // WebGPU on SwiftShader takes about half a second a run: fewer rounds keep the bench within minutes.
    webgpuReps: quick ? 3 : 15,
    rawReps: quick ? 4 : 20,
    matmulReps: quick ? 1 : 8,
    // The mixed page: rounds of an 8×8-only page and an 8×8 + 16×16 page, each with this many 8×8 fills.
    mixed: quick ? { rounds: 1, fills: 6 } : { rounds: 3, fills: 12 },
    executablePath: CHROMIUM_PATH,
  };
  for (const part of options.parts) {
    if (!PARTS.includes(part)) throw new Error(`--parts: unknown part ${part}; use ${PARTS.join(', ')}`);
  }
  for (const mode of options.modes) if (!MODES[mode]) throw new Error(`--modes: unknown mode ${mode}; use ${Object.keys(MODES).join(', ')}`);
  for (const grid of options.grids) if (![8, 16].includes(grid)) throw new Error(`--grids: no bundled model for ${grid}`);
  return options;
}

async function main() {
  if (process.argv.includes('--render')) {
    // Redraws the tables (console and README) from bench/results.json without measuring anything.
    const results = JSON.parse(await readFile(path.join(benchDir, 'results.json'), 'utf8'));
    const tables = renderTables(results);
    console.log(summary(results, tables));
    await updateReadme(results, tables);
    return;
  }
  const options = parseArgs(process.argv.slice(2));
  const modelsDir = path.resolve(options.models ?? path.join(root, 'models'));
  for (const grid of options.grids) {
    const file = path.join(modelsDir, `square-inpainter-${grid}.onnx`);
    if (!existsSync(file)) throw new Error(`bench: ${file} is missing (train it, or point --models at a folder that has it)`);
  }
  for (const built of ['dist/square-inpainter.js', 'dist-bench/harness.js']) {
    if (!existsSync(path.join(root, built))) throw new Error(`bench: ${built} is not built; run npm run build first`);
  }
  await mkdir(path.join(benchDir, '.tmp'), { recursive: true });
  // A copy of dist/ (and of the bench's own build, dist-bench/) taken now is what every page loads: a rebuild while
  // the bench runs (a shared work tree, another npm test) must not mix two builds into one table.
  const distDir = path.join(benchDir, '.tmp/dist');
  const distBenchDir = path.join(benchDir, '.tmp/dist-bench');
  for (const [from, to] of [['dist', distDir], ['dist-bench', distBenchDir]]) {
    await rm(to, { recursive: true, force: true });
    await cp(path.join(root, from), to, { recursive: true });
  }

  const results = await measure(options, {
    modelsDir,
    distDir,
    distBenchDir,
    onTiming: (result, seconds) =>
      console.log(
        `bench: ${result.grid}×${result.grid} ${result.mode}${result.fellBack ? ` (ran ${result.backend})` : ''}: raw ${ms(result.steady.rawRun.p50)} ms, one-shot ${result.steady.oneShotOverRaw}× raw, iterative ${result.steady.iterativeOverRunsTimesRaw}× (${result.steady.iterative.runs} runs × raw) [${seconds.toFixed(0)} s]`,
      ),
  });
  checkResults(results);
  if (options.updateReadme) await carryOver(results, options);
  await mkdir(path.dirname(options.out), { recursive: true });
  await writeFile(options.out, JSON.stringify(results, null, 2) + '\n');
  const tables = renderTables(results);
  console.log('\n' + summary(results, tables));
  if (options.updateReadme) await updateReadme(results, tables);
  console.log(`\nbench: wrote ${path.relative(process.cwd(), options.out)} in ${results.durationS} s`);
}

/**
 * A run of some parts (or some timing modes) into bench/results.json keeps what it did not measure from the file
 * as it was, and says so in `carriedOver`: each kept part and the date it was measured.
 */
async function carryOver(results, options) {
  const file = path.join(benchDir, 'results.json');
  if (!existsSync(file)) return;
  const previous = JSON.parse(await readFile(file, 'utf8'));
  const measuredOn = (part) => previous.carriedOver?.find((entry) => entry.part === part)?.date ?? previous.date;
  const carried = [];
  const measured = new Set(results.timings.map((t) => `${t.grid} ${t.mode}`));
  for (const t of previous.timings ?? []) {
    if (measured.has(`${t.grid} ${t.mode}`)) continue;
    results.timings.push(t);
    const part = `timings ${t.grid}×${t.grid} ${t.mode}`;
    carried.push({ part, date: measuredOn(part) });
  }
  for (const part of ['longTasks', 'plain', 'bytes', 'mixedPage']) {
    const option = part === 'mixedPage' ? 'mixed' : part.toLowerCase();
    if (!options.parts.includes(option) && (Array.isArray(previous[part]) ? previous[part].length : previous[part])) {
      results[part] = previous[part];
      carried.push({ part, date: measuredOn(part) });
    }
  }
  if (carried.length) results.carriedOver = carried;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
