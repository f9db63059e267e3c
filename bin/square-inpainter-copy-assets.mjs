#!/usr/bin/env node
// square-inpainter-copy-assets DIR [--asyncify] [--baselines]
//
// Copies the files a static site serves for <square-inpainter> from this package into DIR, in the package's own
// layout (DIR/dist/square-inpainter.js finds DIR/dist/ort/ and DIR/models/ beside itself): the module and its
// chunks, onnxruntime-web's WASM and WebGPU (JSPI) builds with the runtime worker, and the models. No source maps,
// no types. Node only, no dependencies.
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The WebGPU build for browsers without JSPI (asyncify). Its wasm, 26.8 MB, is above the 25 MiB per-file limit some
 * static hosts set (Cloudflare Pages), so it is copied only when asked for.
 */
export const ASYNCIFY_FILES = ['dist/ort/ort.webgpu.bundle.min.mjs', 'dist/ort/ort-wasm-simd-threaded.asyncify.wasm'];

/** What a page needs at the least: without these the copy would not work, so their absence is an error. */
const REQUIRED = [
  'dist/square-inpainter.js',
  'dist/ort/square-inpainter-worker.js',
  'dist/ort/ort.wasm.bundle.min.mjs',
  'dist/ort/ort-wasm-simd-threaded.wasm',
  'models/square-inpainter-8.onnx',
  'models/square-inpainter-16.onnx',
];

const USAGE = `Usage: square-inpainter-copy-assets DIR [--asyncify] [--baselines]

Copies what a static site serves for <square-inpainter> into DIR, in the package's layout:
  DIR/dist/*.js              the module (load DIR/dist/square-inpainter.js) and its chunks
  DIR/dist/ort/              onnxruntime-web's WASM and WebGPU (JSPI) builds, and the runtime worker
  DIR/models/                the bundled models (*.onnx) and manifest.json

  --asyncify    also the WebGPU build for browsers without JSPI (its wasm is 26.8 MB, over the 25 MiB
                per-file limit of some static hosts)
  --baselines   also the CNN baselines, DIR/dist/baselines/*.onnx, for model-src
  -h, --help    this text`;

/** Files (relative to `from`, '/'-separated) in `folder` whose names pass `keep`; none if the folder is missing. */
async function filesIn(from, folder, keep) {
  const entries = await readdir(path.join(from, folder), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => `${folder}/${entry.name}`)
    .sort();
}

/**
 * Copies the static-site files from the package at `from` into `target`. Resolves with what it copied and what it
 * left out: `{copied: [{file, bytes}], skipped: [{file, bytes}], totalBytes}`, files relative to both folders.
 */
export async function copyAssets(target, { asyncify = false, baselines = false, from = PACKAGE_ROOT } = {}) {
  const missing = [];
  for (const file of REQUIRED) {
    if (!(await stat(path.join(from, file)).catch(() => null))) missing.push(file);
  }
  if (missing.length) {
    throw new Error(`${from} lacks ${missing.join(', ')}${missing.some((f) => f.startsWith('dist/')) ? ' (in a checkout: npm run build)' : ''}`);
  }
  const wanted = [
    ...(await filesIn(from, 'dist', (name) => name.endsWith('.js'))),
    ...(await filesIn(from, 'dist/ort', (name) => !name.endsWith('.map'))),
    ...(await filesIn(from, 'models', (name) => name.endsWith('.onnx') || name === 'manifest.json')),
  ];
  if (baselines) {
    const found = await filesIn(from, 'dist/baselines', (name) => name.endsWith('.onnx') || name === 'manifest.json');
    if (!found.some((file) => file.endsWith('.onnx'))) throw new Error(`${from} has no dist/baselines/*.onnx to copy`);
    wanted.push(...found);
  }
  const copied = [];
  const skipped = [];
  for (const file of wanted) {
    const { size: bytes } = await stat(path.join(from, file));
    if (!asyncify && ASYNCIFY_FILES.includes(file)) {
      skipped.push({ file, bytes });
      continue;
    }
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await copyFile(path.join(from, file), path.join(target, file));
    copied.push({ file, bytes });
  }
  return { copied, skipped, totalBytes: copied.reduce((sum, { bytes }) => sum + bytes, 0) };
}

/** Bytes in decimal units, as npm and the README give sizes. */
export function formatBytes(bytes) {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

async function main(argv) {
  const flags = new Set(argv.filter((arg) => arg.startsWith('-')));
  const folders = argv.filter((arg) => !arg.startsWith('-'));
  if (flags.has('-h') || flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = [...flags].filter((flag) => !['--asyncify', '--baselines'].includes(flag));
  if (unknown.length || folders.length !== 1) {
    console.error(unknown.length ? `unknown option ${unknown.join(', ')}` : 'give one target folder');
    console.error(USAGE);
    return 2;
  }
  const target = path.resolve(folders[0]);
  const { copied, skipped, totalBytes } = await copyAssets(target, { asyncify: flags.has('--asyncify'), baselines: flags.has('--baselines') });
  const width = Math.max(...copied.map(({ file }) => file.length));
  const shown = path.relative(process.cwd(), target);
  console.log(`square-inpainter: copied ${copied.length} files, ${formatBytes(totalBytes)}, to ${shown.startsWith('..') ? target : shown || '.'}/`);
  for (const { file, bytes } of copied) console.log(`  ${file.padEnd(width)}  ${formatBytes(bytes).padStart(8)}`);
  if (skipped.length) {
    console.log(
      `skipped the WebGPU build for browsers without JSPI (${skipped.map(({ file, bytes }) => `${path.basename(file)} ${formatBytes(bytes)}`).join(', ')}); --asyncify copies it`,
    );
    const stale = [];
    for (const { file } of skipped) if (await stat(path.join(target, file)).catch(() => null)) stale.push(file);
    if (stale.length) console.log(`note: ${stale.join(' and ')} in the target come from an earlier copy; delete them if your host limits file sizes`);
  }
  console.log('Load dist/square-inpainter.js from there: it finds the rest beside itself.');
  return 0;
}

// Run as a command (npm's bin link is a symlink to this file), not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Piped into `head`, the listing may find its reader gone: that is no failure of the copy.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`square-inpainter-copy-assets: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
