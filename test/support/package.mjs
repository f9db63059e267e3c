// The package as npm publishes it, for the tests that use it as a user would (test/package/, test/site/).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack` of the repository (its current dist/) into `destination`. Resolves with npm's report of it:
 * `{filename, size, unpackedSize, entryCount, files: [{path, size}], ...}` plus `tarball`, its full path.
 */
export async function packTarball(destination) {
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', destination], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout);
  return { ...packed, tarball: path.join(destination, packed.filename) };
}

/** Unpacks a tarball from `npm pack` into `folder` (its `package/` prefix dropped), as npm would install it. */
export async function extractTarball(tarball, folder) {
  await mkdir(folder, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', folder, '--strip-components=1']);
}
