// The benchmark's tables and targets, from the content of bench/results.json; nothing here measures.
// renderTables() gives the Markdown tables, targetLines() the verdict on each target, summary() what the console
// shows, and updateReadme() rewrites the block between <!-- bench:start --> and <!-- bench:end --> in
// bench/README.md.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

const KB = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
/** Both units, since "MB" is read both ways: 10^6 bytes and 2^20 (MiB). */
const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB (${(bytes / 2 ** 20).toFixed(2)} MiB)`;
export const ms = (value) => (value == null ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));

function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The tables of bench/README.md and of the console, from results.json's content. */
export function renderTables(results) {
  const name = (t) => `${t.grid}×${t.grid} ${t.mode}${t.fellBack ? ` (ran ${t.backend})` : ''}`;
  const load = markdownTable(
    [
      'grid, backend',
      'element load, cold',
      'raw session, cold (import + fetch + create)',
      'raw first run, cold page',
      'raw run, cold page (later runs)',
      'first inpaint after load',
      'element load, warm',
      'raw session, warm',
      'raw first run, warm page',
    ],
    results.timings.map((t) => [
      name(t),
      ms(t.load.elementColdMs),
      `${ms(t.load.rawColdCreateMs)} (${ms(t.load.rawColdParts.importMs)} + ${ms(t.load.rawColdParts.fetchModelMs)} + ${ms(t.load.rawColdParts.createSessionMs)})`,
      ms(t.load.rawFirstRunMs),
      ms(t.load.rawSteadyRunMsOnColdPage),
      ms(t.load.firstInpaintAfterLoadMs),
      ms(t.load.elementWarmMs),
      ms(t.load.rawWarmCreateMs),
      ms(t.load.rawFirstRunOnWarmPageMs),
    ]),
  );
  const steady = markdownTable(
    [
      'grid, backend',
      'rounds',
      'raw run p50 / p95',
      'one-shot p50 / p95',
      'one-shot p50 parts: decode + request and render + layout',
      're-render p50',
      'one-shot ÷ raw (min ÷ min)',
      'iterative p50 / p95 (runs)',
      'iterative ÷ (runs × raw)',
      'iterative ÷ runs back to back',
    ],
    results.timings.map((t) => [
      name(t),
      String(t.steady.rounds),
      `${ms(t.steady.rawRun.p50)} / ${ms(t.steady.rawRun.p95)}`,
      `${ms(t.steady.oneShot.p50)} / ${ms(t.steady.oneShot.p95)}`,
      `${ms(t.steady.oneShot.decodeP50)} + ${ms(t.steady.oneShot.restP50)} + ${ms(t.steady.oneShot.layoutP50)}`,
      ms(t.steady.rerenderP50),
      `**${t.steady.oneShotOverRaw.toFixed(2)}×** (${t.steady.oneShotOverRawMin.toFixed(2)}×)`,
      `${ms(t.steady.iterative.p50)} / ${ms(t.steady.iterative.p95)} (${t.steady.iterative.runs})`,
      `**${t.steady.iterativeOverRunsTimesRaw.toFixed(2)}×**`,
      `${t.steady.iterativeOverRawSequence.toFixed(2)}×`,
    ]),
  );
  const signedMs = (value) => (value == null ? '–' : `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(2)}`);
  const overhead = markdownTable(
    [
      'grid, backend',
      'raw run p50',
      'one-shot p50 − raw p50',
      'messages to the worker and back',
      'fill code in the worker',
      "element's request on the page",
      'render + layout',
    ],
    results.timings
      // SwiftShader's runs vary by tens of ms from one to the next, which swamps parts of a tenth of a ms.
      .filter((t) => t.steady.oneShotOverhead && t.backend === 'wasm')
      .map((t) => {
        const o = t.steady.oneShotOverhead;
        return [
          name(t),
          ms(t.steady.rawRun.p50),
          signedMs(t.steady.oneShot.p50 - t.steady.rawRun.p50),
          signedMs(o.messagesP50),
          signedMs(o.fillCodeP50),
          signedMs(o.elementRequestP50),
          signedMs(t.steady.oneShot.restP50 + t.steady.oneShot.layoutP50),
        ];
      }),
  );
  const compute = markdownTable(
    ['grid, backend', 'FLOPs per run', 'raw run p50', 'model GFLOP/s', 'MatMul ceiling GFLOP/s', 'share of ceiling'],
    results.timings.map((t) => [
      name(t),
      t.compute.flopsPerRun == null ? '–' : `${(t.compute.flopsPerRun / 1e6).toFixed(1)} M`,
      ms(t.steady.rawRun.p50),
      t.compute.modelGflops == null ? '–' : t.compute.modelGflops.toFixed(2),
      t.compute.matmulCeilingGflops == null ? '–' : t.compute.matmulCeilingGflops.toFixed(2),
      t.compute.shareOfCeiling == null ? '–' : `${(100 * t.compute.shareOfCeiling).toFixed(1)}%`,
    ]),
  );
  const plain = markdownTable(
    ['grid, backend (ran on)', 'visit', 'first inpaint (ms)', 'longest task (ms)', 'total blocking time (ms)', 'most CPU in one task (ms)', 'first render (ms)', 'long tasks (start ms, duration ms)', 'load average'],
    (results.plain ?? []).flatMap((p) =>
      ['cold', 'warm'].map((visit) => {
        const v = p[visit];
        return [
          `${p.grid}×${p.grid} ${p.backend}${v.backend && v.backend !== p.backend ? ` (${v.backend})` : ''}`,
          visit,
          String(v.firstInpaintMs),
          String(v.longestTaskMs),
          String(v.totalBlockingMs),
          ms(v.longestTaskCpuMs),
          ms(v.firstRenderMs),
          v.tasks.length ? v.tasks.map(([start, duration]) => `(${start}, ${duration})`).join(' ') : 'none',
          p.loadAverage == null ? '–' : p.loadAverage.toFixed(1),
        ];
      }),
    ),
  );
  const bytes = markdownTable(
    ['page', 'ran on', 'downloaded to first inpaint', 'bytes', 'requests', 'fetched the WebGPU wasm'],
    results.bytes.map((b) => [
      `${b.page}, ${b.grid}×${b.grid}`,
      b.backend,
      MB(b.totalBytes),
      b.totalBytes.toLocaleString('en-US'),
      String(b.requests),
      b.fetchedWebGpuWasm ? 'yes' : 'no',
    ]),
  );
  const longTasks = markdownTable(
    ['grid, backend', 'window', 'time (ms)', 'long tasks (start ms, duration ms)', 'total blocking time (ms)', 'main thread per fill (ms)'],
    (results.longTasks ?? []).flatMap((l) =>
      [
        ['insertion to first inpaint, cold', l.cold],
        ['insertion to first inpaint, warm', l.warm],
        [`${l.fills.count} iterative fills`, l.fills],
      ].map(([label, w]) => [
        `${l.grid}×${l.grid} ${l.backend}`,
        label,
        String(w.ms),
        w.tasks.length ? w.tasks.map(([start, duration]) => `(${start}, ${duration})`).join(' ') : 'none',
        String(w.totalBlockingMs),
        w.mainThreadMsPerFill == null ? '' : `${w.mainThreadMsPerFill} (of ${w.wallMsPerFill} wall)`,
      ]),
    ),
  );
  const mixed = results.mixedPage;
  const pageRow = (label, stats) => [
    label,
    String(stats.fills),
    `${ms(stats.durationMs?.p50)} / ${ms(stats.durationMs?.max)}`,
    `${ms(stats.queuedMs?.p50)} / ${ms(stats.queuedMs?.max)}`,
    `${ms(stats.wallMs?.p50)} / ${ms(stats.wallMs?.max)}`,
  ];
  const mixedPage = mixed
    ? markdownTable(
        ['8×8 fills', 'fills', 'durationMs p50 / max', 'queuedMs p50 / max', 'request to result p50 / max'],
        [
          pageRow('all, 8×8 alone', mixed.all.eightOnly),
          pageRow('all, beside a 16×16', mixed.all.mixed),
          pageRow('the first, 8×8 alone', mixed.whileLoading.eightOnly),
          pageRow('while the 16×16 loads', mixed.whileLoading.mixed),
        ],
      )
    : '';
  const sizes = markdownTable(
    ['file', 'what', 'bytes', 'gzip'],
    results.sizes.map((s) => [`\`${s.path}\``, s.label, KB(s.bytes), `${KB(s.gzipBytes)} (${s.gzipBytes.toLocaleString('en-US')} B)`]),
  );
  const p = results.package;
  // Measured apart from a run (node -e "…packageSize()"), the package says when.
  const taken = p && p.date.slice(0, 13) !== results.date.slice(0, 13) ? ` (taken ${p.date.slice(0, 16).replace('T', ' ')} UTC)` : '';
  const npmPackage = p ? `tarball ${MB(p.tarballBytes)}, unpacked ${MB(p.unpackedBytes)}, ${p.files} files${taken}` : 'not measured in this run';
  return { load, steady, overhead, compute, longTasks, mixedPage, plain, bytes, sizes, npmPackage };
}

/** Which rows and parts were kept from an earlier run (bench/run.mjs's carryOver), and when those were taken. */
function carriedOverNote(results) {
  if (!results.carriedOver?.length) return '';
  const byDate = new Map();
  for (const { part, date } of results.carriedOver) byDate.set(date, [...(byDate.get(date) ?? []), part]);
  const runs = [...byDate].map(([date, parts]) => `${parts.join(', ')} (taken ${date.slice(0, 16).replace('T', ' ')} UTC)`);
  return ` Not measured in this run, kept from an earlier one: ${runs.join('; ')}.`;
}

export function targetLines(results) {
  const lines = [];
  // The targets are stated as p50 ratios. Each has a second opinion that a busy machine biases less: for one-shot
  // the least disturbed rounds (min ÷ min, tasks of one length), for iterative a baseline of as many raw runs
  // back to back (a min of one long task against a min of short ones would not be fair). Where the two land on
  // different sides of the line, the verdict says so.
  const verdict = (p50, check, limit, checkName) =>
    p50 <= limit
      ? check <= limit
        ? 'met'
        : `met at p50, missed ${checkName}`
      : check <= limit
        ? `MISSED at p50, met ${checkName}`
        : 'MISSED';
  // Issue 15's one-shot target (≤ 1.15× a raw run that paid the proxy worker's round trip too) gave way to issue
  // 16's below, where the raw run is timed inside the runtime worker and the element pays the round trip.
  for (const t of results.timings) {
    const { iterativeOverRunsTimesRaw: p50, iterativeOverRawSequence: sequence } = t.steady;
    lines.push(
      `${verdict(p50, sequence, 1.2, 'against runs back to back')}: iterative ≤ 1.2× (runs × raw) at ${t.grid}×${t.grid} on ${t.mode}: ${p50.toFixed(2)}× (against runs back to back ${sequence.toFixed(2)}×)`,
    );
  }
  // Issue 16, the runtime in a worker: the element against raw session.run in the same worker on one WASM thread,
  // and no long task on the page's main thread on WASM, from insertion to the first fill and during fills.
  for (const t of results.timings.filter((entry) => entry.mode === 'wasm-1t' && entry.steady.rawIn === 'runtime worker')) {
    const { oneShotOverRaw: p50, oneShotOverRawMin: min, iterativeOverRunsTimesRaw: iterative, iterativeOverRawSequence: sequence } = t.steady;
    if (t.grid === 16) {
      lines.push(`${verdict(p50, min, 1.25, 'at min ÷ min')}: one-shot ≤ 1.25× raw in the runtime worker at 16×16 on wasm-1t: ${p50.toFixed(2)}× (min ÷ min ${min.toFixed(2)}×)`);
    }
    lines.push(
      `${verdict(iterative, sequence, 1.1, 'against runs back to back')}: iterative ≤ 1.1× (runs × raw in the runtime worker) at ${t.grid}×${t.grid} on wasm-1t: ${iterative.toFixed(2)}× (against runs back to back ${sequence.toFixed(2)}×)`,
    );
  }
  for (const l of (results.longTasks ?? []).filter((entry) => entry.backend === 'wasm')) {
    const count = l.cold.tasks.length + l.warm.tasks.length + l.fills.tasks.length;
    lines.push(`${count ? 'MISSED' : 'met'}: no long task on the main thread on WASM (${l.grid}×${l.grid}, insertion to first fill cold and warm, ${l.fills.count} fills): ${count}`);
  }
  // Issue 25: a plain page (no COOP/COEP, no gzip) from navigation to its first fill, cold and warm.
  for (const p of results.plain ?? []) {
    const longest = Math.max(p.cold.longestTaskMs, p.warm.longestTaskMs);
    lines.push(
      `${longest > 50 ? 'MISSED' : 'met'}: no task over 50 ms on a plain page from navigation to first inpaint (${p.grid}×${p.grid} ${p.backend}, cold and warm, load average ${p.loadAverage?.toFixed(1) ?? '?'}): longest ${p.cold.longestTaskMs} ms cold, ${p.warm.longestTaskMs} ms warm (most CPU in one task ${ms(p.cold.longestTaskCpuMs)} and ${ms(p.warm.longestTaskCpuMs)} ms)`,
    );
  }
  for (const b of results.bytes.filter((entry) => entry.page === 'wasm-only')) {
    const verdict = b.fetchedWebGpuWasm || b.totalBytes > 4.5 * 2 ** 20 ? 'MISSED' : b.totalBytes > 4.5e6 ? 'met as MiB, missed as MB' : 'met';
    lines.push(
      `${verdict}: WASM-only page (${b.grid}×${b.grid}) ≤ 4.5 MB gzip to first inpaint, never the WebGPU wasm: ${MB(b.totalBytes)}, WebGPU wasm ${b.fetchedWebGpuWasm ? 'fetched' : 'not fetched'}`,
    );
  }
  for (const b of results.bytes.filter((entry) => entry.page === 'webgpu, JSPI')) {
    const verdict = b.backend !== 'webgpu' || b.totalBytes > 4.8e6 ? 'MISSED' : 'met';
    lines.push(`${verdict}: WebGPU page with JSPI (${b.grid}×${b.grid}, ran on ${b.backend}) ≤ 4.8 MB gzip to first inpaint: ${MB(b.totalBytes)}`);
  }
  const mixed = results.mixedPage;
  if (mixed) {
    const { all, whileLoading } = mixed;
    lines.push(
      `${mixed.whileLoadingRatio <= 1.5 ? 'met' : 'MISSED'}: an 8×8 fill's durationMs while a 16×16 figure beside it loads ≤ 1.5× the same fill's on a page of its own (p50, WASM, one-shot): ${ms(whileLoading.mixed.durationMs.p50)} against ${ms(whileLoading.eightOnly.durationMs.p50)} ms, ${mixed.whileLoadingRatio.toFixed(2)}× (all fills: ${ms(all.mixed.durationMs.p50)} against ${ms(all.eightOnly.durationMs.p50)} ms, ${mixed.allRatio.toFixed(2)}×)`,
    );
  }
  const element = results.sizes[0];
  lines.push(`${element.gzipBytes <= 16_000 ? 'met' : element.gzipBytes <= 16 * 1024 ? 'met as KiB, missed as KB' : 'MISSED'}: element JS ≤ 16 KB gzip (Lit included): ${element.gzipBytes.toLocaleString('en-US')} B`);
  return lines;
}

/** The tables and the targets as the console shows them. */
export function summary(results, tables = renderTables(results)) {
  return [tables.load, '', tables.steady, '', tables.overhead, '', tables.compute, '', tables.longTasks, '', tables.mixedPage, '', tables.plain, '', tables.bytes, '', tables.sizes, '', `npm package: ${tables.npmPackage}`, '', ...targetLines(results)].join('\n');
}

export async function updateReadme(results, tables = renderTables(results)) {
  const file = path.join(benchDir, 'README.md');
  if (!existsSync(file)) return;
  const text = await readFile(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  const m = results.machine;
  const block = [
    start,
    `Taken ${results.date.slice(0, 16).replace('T', ' ')} UTC with the models in \`${results.options.models}\`${results.options.models === 'models/' ? '' : ' (not the bundled ones)'}, on ${m.cpu} (${m.cores} cores, load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end.toFixed(1)} at the end), ${m.browser}, WebGPU on ${m.webgpuAdapter}; ${results.options.reps} interleaved rounds per row (${results.options.webgpuReps} on WebGPU) after up to ${results.options.warmup} of warm-up. Times in ms.${carriedOverNote(results)}`,
    '',
    '**Loading**',
    '',
    tables.load,
    '',
    '**Steady state** (p50 over the rounds; the element\'s times include drawing the grid and its layout)',
    '',
    tables.steady,
    '',
    "**Where one-shot's time beyond the raw run goes** (ms, each part the p50 of a per-round difference, so they need not add up exactly; WASM only; see above)",
    '',
    tables.overhead,
    '',
    `**Compute** (FLOPs of one run at batch 1 from \`bench/flops.py\`; the ceiling is a ${results.matmul ? `${results.matmul.m}×${results.matmul.k}×${results.matmul.n}` : ''} MatMul on the same backend and page)`,
    '',
    tables.compute,
    '',
    '**Main-thread long tasks** (`bench/long-tasks.html`, a fresh page; tasks over 50 ms, and the total blocking time over 50 ms each)',
    '',
    tables.longTasks,
    '',
    ...(results.mixedPage
      ? [
          `**Figures of two sizes on one page** (\`bench/mixed-page.html\`, WASM, one-shot; ${results.mixedPage.rounds} fresh page${results.mixedPage.rounds > 1 ? 's' : ''} of each kind in turn, ${results.mixedPage.fills} fills of the 8×8 element each once it loaded; the mixed page's fills asked for while the 16×16 model loaded: ${results.mixedPage.duringLoad.join(', ')}, compared with as many from the start of the 8×8-only page's; ms)`,
          '',
          tables.mixedPage,
          '',
        ]
      : []),
    '**Plain page: navigation to first inpaint** (`bench/plain-page.html` on a server without COOP/COEP or gzip, cacheable; tasks over 50 ms from navigation to the first `inpaint`, cold and then warm from the HTTP cache)',
    '',
    tables.plain,
    '',
    '**Bytes to the first inpaint** (the response bodies `bench/server.mjs` sent, gzip)',
    '',
    tables.bytes,
    '',
    '**File sizes** (gzip at zlib\'s default level)',
    '',
    tables.sizes,
    '',
    `**npm package** (\`npm pack\` of the repository): ${tables.npmPackage}`,
    '',
    '**Targets**',
    '',
    ...targetLines(results).map((line) => `- ${line}`),
    end,
  ].join('\n');
  await writeFile(file, text.slice(0, from) + block + text.slice(to + end.length));
}
