/**
 * The main thread's long tasks on a plain page (bench/plain-page.html), from navigation to the first inpaint: a
 * static server without COOP/COEP or gzip, as most hosts are, the module imported by the page itself. Cold: a
 * fresh browser context (empty HTTP cache); warm: the same page loaded again in that context, the files from
 * the HTTP cache. Total blocking time is Lighthouse's: the sum of each task's time over 50 ms.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CONTENT_TYPES } from '../scripts/content-types.mjs';

/**
 * Serves `root` plainly, with `Cache-Control: max-age` so that a second visit takes the files from the HTTP
 * cache, `/dist/` from `distDir` (the bench's copy of the build) and `/models/` from `modelsDir` where given.
 */
export async function servePlain(root, distDir, modelsDir) {
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const file =
      pathname.startsWith('/dist/') ? path.join(distDir, pathname.slice('/dist/'.length))
      : modelsDir && pathname.startsWith('/models/') ? path.join(modelsDir, pathname.slice('/models/'.length))
      : path.join(root, pathname);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      response.writeHead(200, {
        'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'max-age=3600',
      });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * One visit: the long tasks from navigation to the first inpaint, the longest, the total blocking time, the first
 * render; and, from a trace of the visit, the most CPU time one task of the page's main thread took in that window.
 */
async function visit(page, url) {
  await page.tracing.start({ categories: ['toplevel', 'blink.user_timing'] });
  let result;
  try {
    await page.goto(url);
    result = await page.evaluate(async () => {
      const inpainted = await window.plainPage;
      // The observer reports a task once it ends: give the last one a moment.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ...inpainted, firstRenderMs: window.firstRenderMs, tasks: window.longTasks };
    });
  } finally {
    result = { ...result, trace: await page.tracing.stop() };
  }
  const tasks = result.tasks.filter(([start]) => start < result.firstInpaintMs);
  return {
    firstInpaintMs: result.firstInpaintMs,
    backend: result.backend,
    firstRenderMs: Math.round(result.firstRenderMs * 10) / 10,
    longestTaskMs: Math.max(0, ...tasks.map(([, duration]) => duration)),
    totalBlockingMs: tasks.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
    longestTaskCpuMs: longestTaskCpu(result.trace),
    tasks,
  };
}

/**
 * The most CPU time (the thread's own time, which leaves out the time it waited for a core) that one task of the
 * page's main thread took between the navigation and the page's `first-inpaint` mark, from a trace of Chromium's
 * `toplevel` tasks: on a busy machine, close to how long the longest task would be on an idle one.
 */
function longestTaskCpu(trace) {
  const events = JSON.parse(new TextDecoder().decode(trace)).traceEvents ?? [];
  // The mark is made on the page's main thread.
  const mark = events.find((e) => e.name === 'first-inpaint' && e.cat?.includes('blink.user_timing'));
  if (!mark) return null;
  const thread = (e) => e.pid === mark.pid && e.tid === mark.tid;
  const navigations = events.filter((e) => e.name === 'navigationStart' && thread(e) && e.ts <= mark.ts);
  const from = Math.max(...navigations.map((e) => e.ts));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && thread(e) && e.ts >= from && e.ts < mark.ts);
  return Math.round(Math.max(0, ...tasks.map((e) => e.tdur ?? 0)) / 100) / 10;
}

/**
 * Cold and warm visits of the plain page for `grid` on `backend`, with the machine's 1-minute load average before
 * them: on a busy machine a task's wall time includes the time its thread waited for a core.
 */
export async function measurePlainPage(browser, origin, grid, backend) {
  const context = await browser.createBrowserContext();
  try {
    const loadAverage = Number(os.loadavg()[0].toFixed(2));
    const page = await context.newPage();
    const url = `${origin}/bench/plain-page.html?grid=${grid}&backend=${backend}`;
    const cold = await visit(page, url);
    const warm = await visit(page, url);
    return { grid, backend, loadAverage, cold, warm };
  } finally {
    await context.close();
  }
}
