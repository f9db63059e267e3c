// The benchmark's static server: serves the repository root the way a production server would (gzip for
// every asset, so the browser's byte counts are what a visitor downloads), and makes a page cross-origin
// isolated only when its URL asks for it (`?isolated=1`), so one server gives both the plain page
// (onnxruntime-web on 1 thread) and the isolated one (threads).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONTENT_TYPES } from '../scripts/content-types.mjs';


/**
 * Starts the server on a free port of 127.0.0.1. `models`, when given, is served as /models/ instead of the
 * repository's models/ (to bench other models than the bundled ones), `dist` as /dist/ and `distBench` as /dist-bench/.
 * @returns {Promise<{origin: string, takeSent: () => {path: string, bytes: number}[], close: () => Promise<void>}>}
 */
export async function startServer({ root, models, dist, distBench }) {
  const modelsRoot = models && path.resolve(models);
  const distRoot = dist && path.resolve(dist);
  const distBenchRoot = distBench && path.resolve(distBench);
  // Compressed once per file: gzip of the 27 MB wasm takes a second, and the bench loads it several times.
  const cache = new Map();
  const load = async (file) => {
    let entry = cache.get(file);
    if (!entry) {
      const body = await readFile(file);
      entry = { body, gzip: gzipSync(body) };
      cache.set(file, entry);
    }
    return entry;
  };

  // What the server sent, body bytes per request, for the byte counts (bench/run.mjs reads and clears it).
  let sent = [];

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const type = CONTENT_TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
    // Subresources and workers carry COEP and CORP always: harmless on a plain page, required under isolation.
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    response.setHeader('Cache-Control', 'no-store');
    if (type.startsWith('text/html')) {
      if (url.searchParams.get('isolated') === '1') response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      else response.removeHeader('Cross-Origin-Embedder-Policy');
    }
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (modelsRoot && url.pathname.startsWith('/models/')) file = path.join(modelsRoot, url.pathname.slice('/models/'.length));
    if (distRoot && url.pathname.startsWith('/dist/')) file = path.join(distRoot, url.pathname.slice('/dist/'.length));
    if (distBenchRoot && url.pathname.startsWith('/dist-bench/')) file = path.join(distBenchRoot, url.pathname.slice('/dist-bench/'.length));
    const inside = (folder) => folder && file.startsWith(folder + path.sep);
    if (!inside(root) && !inside(modelsRoot) && !inside(distRoot) && !inside(distBenchRoot)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    let entry;
    try {
      entry = await load(file);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    const body = gzip ? entry.gzip : entry.body;
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      Vary: 'Accept-Encoding',
    });
    if (request.method !== 'HEAD') sent.push({ path: url.pathname, bytes: body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    /** The bodies sent since the last call, as {path, bytes} (bytes as sent: gzip where the client asked). */
    takeSent: () => {
      const taken = sent;
      sent = [];
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
