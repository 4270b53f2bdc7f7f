// tests/lib/bundle.mjs — what the `mfbuild build` suites share: listing and
// reading a dist/ folder, finding the entry chunk, running a node-target
// bundle, and snapshot files (rewritten with UPDATE_SNAPSHOTS=1).
//
// Output names follow DESIGN.md section 1: `[name].[contenthash].js` with 8
// lowercase hex digits unless output.filename says otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import assert from 'node:assert/strict';

export const updateSnapshots = !!process.env.UPDATE_SNAPSHOTS;

/** Every file below dir, as sorted '/'-separated paths relative to dir. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** { 'relative/path': Buffer } for every file below dir. */
export function readTree(dir) {
  const out = {};
  for (const f of listFiles(dir)) out[f] = readFileSync(join(dir, f));
  return out;
}

/**
 * The entry chunk `name.<8 hex>.js` in dist (top level).  Fails, listing the
 * folder, when there is not exactly one.
 */
export function entryChunk(dist, name = 'main') {
  const files = listFiles(dist);
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{8}\\.js$`);
  const found = files.filter((f) => re.test(f));
  assert.equal(found.length, 1, `one entry chunk ${name}.<8 hex>.js in ${dist}; files:\n${files.join('\n')}`);
  return join(dist, found[0]);
}

/**
 * Runs `node file` (no source-map support, a clean NODE_ENV unless given).
 * Returns { code, signal, stdout, stderr }.
 */
export function runNode(file, { cwd, env = {}, args = [], timeout = 30_000 } = {}) {
  const base = { ...process.env };
  delete base.NODE_OPTIONS;
  delete base.NODE_ENV;
  const r = spawnSync(process.execPath, [...args, file], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run node ${file}: ${r.error.message}`);
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Message for assertions about a run of the bundle. */
export function showRun(r, file) {
  return `node ${file}: exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stderr ---\n${r.stderr.slice(0, 4000)}\n--- stdout ---\n${r.stdout.slice(0, 4000)}`;
}

/**
 * Compares `actual` with the snapshot file; with UPDATE_SNAPSHOTS=1 writes
 * it instead.  A missing snapshot fails (it is never created silently).
 */
export function matchSnapshot(file, actual, message = '') {
  if (updateSnapshots) {
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing snapshot ${file} (run with UPDATE_SNAPSHOTS=1 to write it)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${file}${message ? '\n' + message : ''}`);
}
