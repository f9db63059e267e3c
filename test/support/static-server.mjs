// A small static file server for the Node-driven browser tests (the package test, the reliability tests).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { CONTENT_TYPES } from '../../scripts/content-types.mjs';

/** The headers that make a page cross-origin isolated, so onnxruntime-web may use threads. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves `folder` on 127.0.0.1 and resolves with `{origin, close}`. Options: `headers` on every response
 * (cross-origin isolation by default), `gzip` to compress every body (Content-Length then goes, as with most
 * compressing servers), `contentLength: false` to send none (chunked), as some hosts do, `port` to listen on that
 * port (any free one by default).
 */
export async function serveFolder(folder, { headers = ISOLATION_HEADERS, gzip = false, contentLength = true, port = 0 } = {}) {
  const root = path.resolve(folder);
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let file = path.join(root, decodeURIComponent(url.pathname));
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    try {
      if (file !== root && !file.startsWith(root + path.sep)) throw new Error('outside');
      if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      response.setHeader('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
      if (gzip) {
        response.writeHead(200, { 'Content-Encoding': 'gzip' });
        createReadStream(file).pipe(createGzip({ level: 1 })).pipe(response);
        return;
      }
      response.writeHead(200, contentLength ? { 'Content-Length': info.size } : {});
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
