// bin/square-inpainter-copy-assets.mjs, the package's command for static sites: what it copies from a package
// (a stand-in with the real layout and small files, plus what must stay behind), what it prints, and its errors.
// test/site/ runs it on the packed tarball for the Hugo and Jekyll examples.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ASYNCIFY_FILES, copyAssets } from '../../bin/square-inpainter-copy-assets.mjs';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../bin/square-inpainter-copy-assets.mjs', import.meta.url));

const SITE_FILES = [
  'dist/square-inpainter.js',
  'dist/attention.js',
  'dist/on-page.js',
  'dist/ort/square-inpainter-worker.js',
  'dist/ort/ort.wasm.bundle.min.mjs',
  'dist/ort/ort-wasm-simd-threaded.wasm',
  'dist/ort/ort.jspi.bundle.min.mjs',
  'dist/ort/ort-wasm-simd-threaded.jspi.wasm',
  'models/manifest.json',
  'models/square-inpainter-8.onnx',
  'models/square-inpainter-16.onnx',
  'models/square-inpainter-8-attention.onnx',
  'models/square-inpainter-16-attention.onnx',
];
const BASELINE_FILES = ['dist/baselines/cnn-local-8.onnx', 'dist/baselines/cnn-global-16.onnx', 'dist/baselines/manifest.json'];
/** In the package, never on a site. */
const LEFT_BEHIND = [
  'dist/square-inpainter.js.map',
  'dist/ort/square-inpainter-worker.js.map',
  'dist/types/index.d.ts',
  'models/README.txt',
  'package.json',
  'custom-elements.json',
];

let scratch: string;
let fakePackage: string;

/** Every file under `folder`, relative and '/'-separated, sorted. */
async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'square-inpainter-copy-'));
  fakePackage = path.join(scratch, 'package');
  // Each file's size is its index + 1 (× 1000 for the wasm), so the totals are known.
  const all = [...SITE_FILES, ...ASYNCIFY_FILES, ...BASELINE_FILES, ...LEFT_BEHIND];
  for (const [index, file] of all.entries()) {
    await mkdir(path.dirname(path.join(fakePackage, file)), { recursive: true });
    await writeFile(path.join(fakePackage, file), 'x'.repeat((index + 1) * (file.endsWith('.wasm') ? 1000 : 1)));
  }
  // The command finds its package from its own place: a copy inside the stand-in copies the stand-in.
  await mkdir(path.join(fakePackage, 'bin'));
  await cp(script, path.join(fakePackage, 'bin/square-inpainter-copy-assets.mjs'));
});

after(() => rm(scratch, { recursive: true, force: true }));

test('copies the module and its chunks, the WASM and JSPI builds, the worker and the models, and leaves out the asyncify build', async () => {
  const target = path.join(scratch, 'plain');
  const { copied, skipped, totalBytes } = await copyAssets(target, { from: fakePackage });
  assert.deepEqual(await listFiles(target), [...SITE_FILES].sort());
  assert.deepEqual(copied.map(({ file }) => file).sort(), [...SITE_FILES].sort());
  assert.deepEqual(skipped.map(({ file }) => file).sort(), [...ASYNCIFY_FILES].sort());
  assert.equal(totalBytes, SITE_FILES.reduce((sum, file, index) => sum + (index + 1) * (file.endsWith('.wasm') ? 1000 : 1), 0));
});

test('--asyncify adds the WebGPU build for browsers without JSPI, --baselines the CNN baselines', async () => {
  const target = path.join(scratch, 'everything');
  const { skipped } = await copyAssets(target, { from: fakePackage, asyncify: true, baselines: true });
  assert.deepEqual(skipped, []);
  assert.deepEqual(await listFiles(target), [...SITE_FILES, ...ASYNCIFY_FILES, ...BASELINE_FILES].sort());
});

test('the command prints every file it copied with its size, the total, and what it skipped', async () => {
  const target = path.join(scratch, 'command');
  const { stdout } = await run(process.execPath, [path.join(fakePackage, 'bin/square-inpainter-copy-assets.mjs'), target, '--baselines']);
  assert.match(stdout, new RegExp(`copied ${SITE_FILES.length + BASELINE_FILES.length} files, [\\d.]+ kB, to ${target}/`));
  for (const file of [...SITE_FILES, ...BASELINE_FILES]) assert.match(stdout, new RegExp(`^  ${file.replace(/\./g, '\\.')}\\s+[\\d.]+ (B|kB)$`, 'm'));
  assert.match(stdout, /skipped the WebGPU build for browsers without JSPI \(ort-wasm-simd-threaded\.asyncify\.wasm [\d.]+ kB, ort\.webgpu\.bundle\.min\.mjs \d+ B\); --asyncify copies it/);
  assert.deepEqual(await listFiles(target), [...SITE_FILES, ...BASELINE_FILES].sort());
});

test('the command says so when an earlier copy left the asyncify build in the target', async () => {
  const target = path.join(scratch, 'again');
  await copyAssets(target, { from: fakePackage, asyncify: true });
  const { stdout } = await run(process.execPath, [path.join(fakePackage, 'bin/square-inpainter-copy-assets.mjs'), target]);
  assert.match(stdout, /note: dist\/ort\/ort-wasm-simd-threaded\.asyncify\.wasm and dist\/ort\/ort\.webgpu\.bundle\.min\.mjs in the target come from an earlier copy/);
});

test('the command exits with 2 and its usage on a wrong argument, and with 1 on a package without a build', async () => {
  for (const args of [[], ['a', 'b'], ['site', '--asyncfy']]) {
    await assert.rejects(run(process.execPath, [script, ...args]), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2, `${args.join(' ')}`);
      assert.match(error.stderr, /Usage: square-inpainter-copy-assets DIR/);
      return true;
    });
  }
  const unbuilt = path.join(scratch, 'unbuilt');
  await mkdir(path.join(unbuilt, 'bin'), { recursive: true });
  await cp(script, path.join(unbuilt, 'bin/square-inpainter-copy-assets.mjs'));
  await assert.rejects(run(process.execPath, [path.join(unbuilt, 'bin/square-inpainter-copy-assets.mjs'), path.join(scratch, 'nothing')]), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /lacks dist\/square-inpainter\.js, .* \(in a checkout: npm run build\)/);
    return true;
  });
  const { stdout } = await run(process.execPath, [script, '--help']);
  assert.match(stdout, /--asyncify/);
});
