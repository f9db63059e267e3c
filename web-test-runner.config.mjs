// Browser tests: Debian's Chromium, launched directly, headless, with WebGPU on SwiftShader (a real adapter,
// no GPU needed). The tests import the built dist/ (npm test builds first), so they run what ships.
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_TEST_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

if (!existsSync('dist/square-inpainter.js') || !existsSync('dist/ort/ort-wasm-simd-threaded.wasm')) {
  throw new Error('the browser tests run the built package: run `npm run build` first (npm test does)');
}

/**
 * Serves onnxruntime-web's files in dist/ort/ byte for byte: the dev server would otherwise rewrite their
 * imports (and fail on the Node-only `import("module")` branch they carry).
 */
async function serveOrtVerbatim(context, next) {
  if (!context.path.startsWith('/dist/ort/')) return next();
  const file = path.join(process.cwd(), path.normalize(context.path));
  try {
    const info = await stat(file);
    context.type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    context.length = info.size;
    context.body = createReadStream(file);
  } catch {
    context.status = 404;
  }
}

/**
 * Serves a .json file that a module imports as a module whose default export is its value (as Node reads
 * `import spec from './mask-families.json' with { type: 'json' }`: esbuild's es2022 output drops the `with`,
 * so the browser asks for a script). A fetch() of the same file (a manifest) still gets the JSON.
 */
async function serveJsonModules(context, next) {
  if (!context.path.endsWith('.json') || context.get('sec-fetch-dest') !== 'script') return next();
  try {
    const text = await readFile(path.join(process.cwd(), path.normalize(context.path)), 'utf8');
    context.type = 'text/javascript';
    context.set('Vary', 'Sec-Fetch-Dest');
    context.body = `export default ${text};`;
  } catch {
    context.status = 404;
  }
}

/**
 * SQUARE_INPAINTER_TEST_MODELS=<folder> serves that folder as /models/ (models and manifest.json), to run
 * the browser tests against other models than the bundled ones.
 */
function serveTestModels(folder) {
  return (context, next) => {
    if (folder && context.path.startsWith('/models/')) {
      context.path = '/' + path.posix.join(folder, context.path.slice('/models/'.length));
    }
    return next();
  };
}

export default {
  files: 'test/browser/**/*.test.ts',
  nodeResolve: true,
  middleware: [serveTestModels(process.env.SQUARE_INPAINTER_TEST_MODELS), serveOrtVerbatim, serveJsonModules],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' })],
  // One page at a time: each loads onnxruntime-web's wasm, and the machines this runs on are small.
  concurrency: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: false, // CHROMIUM_TEST_ARGS ask for the new headless mode themselves
        args: CHROMIUM_TEST_ARGS,
      },
    }),
  ],
};
