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

/** One visit: the long tasks from navigation to the first inpaint, the longest, the total blocking time, the first render. */
async function visit(page, url) {
  await page.goto(url);
  const result = await page.evaluate(async () => {
    const inpainted = await window.plainPage;
    // The observer reports a task once it ends: give the last one a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { ...inpainted, firstRenderMs: window.firstRenderMs, tasks: window.longTasks };
  });
  const tasks = result.tasks.filter(([start]) => start < result.firstInpaintMs);
  return {
    firstInpaintMs: result.firstInpaintMs,
    backend: result.backend,
    firstRenderMs: Math.round(result.firstRenderMs * 10) / 10,
    longestTaskMs: Math.max(0, ...tasks.map(([, duration]) => duration)),
    totalBlockingMs: tasks.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
    tasks,
  };
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
