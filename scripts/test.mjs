#!/usr/bin/env node
// `npm test`: every part of the test suite, two at a time. A part is one of package.json's scripts (`npm run
// test:browser` runs it alone), started once what it needs is done: the Python tests need nothing built and start
// with the build; everything else waits for the build. The longest parts start first, so that the two lanes end
// together. Each part's output goes to .tmp/test-logs/<part>.log; a part that fails has its output shown at
// the end, and the command fails. Prints each part's wall time, and a table of all of them at the end.
//
//   node scripts/test.mjs [--jobs N] [part ...]     e.g. node scripts/test.mjs test:python test:node
//
// Two at a time because the machines this runs on have two cores: the Python tests and the build, then the
// browser tests beside the packed-package test and the rest, keep both busy. --jobs 1 runs them one by one.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const logs = path.join(root, '.tmp/test-logs');

/** In the order they start when free to: the longest first. `after`: parts that must have passed first. */
const PARTS = [
  { name: 'build' },
  { name: 'test:python' },
  { name: 'typecheck' },
  { name: 'test:browser', after: ['build'] },
  { name: 'test:package', after: ['build'] },
  { name: 'test:site', after: ['build'] },
  { name: 'test:reliability', after: ['build'] },
  { name: 'test:bench', after: ['build'] },
  { name: 'test:demo', after: ['build'] },
  { name: 'test:node', after: ['build'] },
  { name: 'test:csp', after: ['build'] },
];

function parseArgs(argv) {
  let jobs = 2;
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs') jobs = Number(argv[++i]);
    else if (argv[i].startsWith('--jobs=')) jobs = Number(argv[i].slice('--jobs='.length));
    else only.push(argv[i]);
  }
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number ≥ 1, got ${jobs}`);
  const unknown = only.filter((name) => !PARTS.some((part) => part.name === name));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}; the parts are ${PARTS.map((p) => p.name).join(', ')}`);
  return { jobs, only };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');

const running = new Map();

/** Runs `npm run <name>` in its own process group, its output to the part's log. */
function runPart(part, started) {
  const logFile = path.join(logs, `${part.name.replace(':', '-')}.log`);
  const log = createWriteStream(logFile);
  const child = spawn('npm', ['run', '--silent', part.name], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.set(part.name, child);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  console.log(`▶ ${part.name} (at ${seconds(performance.now() - started)})`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    child.on('error', (error) => log.write(`\n${error.stack}\n`));
    child.on('close', (code, signal) => {
      running.delete(part.name);
      log.end(() => resolve({ code: code ?? 1, signal, ms: performance.now() - t0, logFile }));
    });
  });
}

function stopAll(signal) {
  for (const child of running.values()) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main() {
  const { jobs, only } = parseArgs(process.argv.slice(2));
  // Asked-for parts run without what they would wait for (e.g. test:browser on an existing dist/).
  const parts = only.length ? PARTS.filter((part) => only.includes(part.name)).map((part) => ({ ...part, after: [] })) : PARTS;
  await mkdir(logs, { recursive: true });
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  console.log(`npm test: ${parts.length} parts, ${jobs} at a time on ${os.cpus().length} cores; load average ${load()}; logs in ${path.relative(root, logs)}/`);

  const started = performance.now();
  const results = new Map();
  const waiting = [...parts];
  const active = new Set();
  await new Promise((done) => {
    const next = () => {
      for (const part of [...waiting]) {
        if (active.size >= jobs) break;
        const needs = (part.after ?? []).map((name) => results.get(name));
        if (needs.some((result) => result === undefined)) continue;
        waiting.splice(waiting.indexOf(part), 1);
        if (needs.some((result) => result.code !== 0)) {
          results.set(part.name, { code: 1, skipped: true, ms: 0 });
          console.log(`- ${part.name}: not run, ${part.after.join(', ')} failed`);
          continue;
        }
        const promise = runPart(part, started).then((result) => {
          results.set(part.name, result);
          active.delete(promise);
          const mark = result.code === 0 ? '✔' : '✖';
          const why = result.code === 0 ? '' : ` (${result.signal ?? `exit ${result.code}`})`;
          console.log(`${mark} ${part.name} ${seconds(result.ms)}${why}`);
          next();
        });
        active.add(promise);
      }
      if (!active.size && !waiting.length) done();
      // Parts whose prerequisites failed are settled above; anything still waiting has a running prerequisite.
      else if (!active.size) next();
    };
    next();
  });
  const total = performance.now() - started;

  const failed = parts.filter((part) => results.get(part.name).code !== 0);
  for (const part of failed) {
    const result = results.get(part.name);
    if (result.skipped) continue;
    console.log(`\n===== ${part.name} failed; its output (${path.relative(root, result.logFile)}) =====\n`);
    process.stdout.write(await readFile(result.logFile, 'utf8'));
  }
  console.log(`\n| part | wall time | result |\n|---|---|---|`);
  for (const part of parts) {
    const result = results.get(part.name);
    console.log(`| ${part.name} | ${result.skipped ? '–' : seconds(result.ms)} | ${result.skipped ? 'not run' : result.code === 0 ? 'passed' : 'FAILED'} |`);
  }
  console.log(`| **npm test** | **${seconds(total)}** | ${failed.length ? `${failed.length} failed` : 'passed'} |`);
  console.log(`load average at the end: ${load()}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 2;
});
