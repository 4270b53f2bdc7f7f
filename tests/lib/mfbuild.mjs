// tests/lib/mfbuild.mjs — what the end-to-end suites share: running the
// binary under test, fixture paths, scratch folders, and reading the
// one-line diagnostics that mfbuild prints when stderr is not a terminal
// (`path:line:col: error: text [id]`, suggestions as `... note: text`).
//
// The binary is $MFBUILD, else <repo>/build/mfbuild.  Scratch folders live
// in <repo>/tests/.tmp (git-ignored) rather than the system temp folder, so
// a project written there still finds the repo's node_modules (react) by
// walking up the tree, as the committed fixtures do.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareFixtures } from '../setup.mjs';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = join(repo, 'fixtures');
export const bin = process.env.MFBUILD ? resolve(process.env.MFBUILD) : join(repo, 'build', 'mfbuild');
export const tmpRoot = join(repo, 'tests', '.tmp');

// tests/run.mjs prepares the fixtures' node_modules before any suite runs;
// a suite started on its own (`node --test tests/cli/x.test.mjs`) does it
// here, once, when the copies are missing.
if (!existsSync(join(fixturesDir, 'graph', 'react-app', 'node_modules'))) prepareFixtures(repo);

/** Path of a committed fixture: fixture('graph', 'react-app'). */
export function fixture(...parts) {
  return join(fixturesDir, ...parts);
}

/**
 * Runs mfbuild with `args` in `cwd`.  Returns { code, signal, stdout, stderr }.
 * NO_COLOR=1 and a piped stderr: diagnostics come one per line, uncolored.
 */
export function mfbuild(args, { cwd = repo, env = {}, timeout = 60_000 } = {}) {
  const r = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run ${bin}: ${r.error.message}`);
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh scratch folder under tests/.tmp; removed by cleanup(). */
const made = [];
export function tempDir(prefix = 'cli-') {
  mkdirSync(tmpRoot, { recursive: true });
  const d = mkdtempSync(join(tmpRoot, prefix));
  made.push(d);
  return d;
}

/** Copies a committed fixture (symlinks kept as they are) to a scratch folder. */
export function copyFixture(...parts) {
  const d = tempDir(`${parts[parts.length - 1]}-`);
  cpSync(fixture(...parts), d, { recursive: true, verbatimSymlinks: true });
  return d;
}

/** Writes { 'relative/path': 'text' } under dir (objects are JSON-encoded). */
export function writeFiles(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  }
  return dir;
}

/** Scratch project made of `files`. */
export function project(files, prefix) {
  return writeFiles(tempDir(prefix), files);
}

/** Removes every scratch folder made by this process. */
export function cleanup() {
  if (process.env.KEEP_TMP) return;
  while (made.length) rmSync(made.pop(), { recursive: true, force: true });
}

/**
 * Parses stderr's one-line diagnostics.  Returns
 * [{ file, line, col, kind: 'error'|'warning'|'note', text, id }], in the
 * printed order; file/line/col are null when the line has no location, id
 * is null for notes.  Lines that are not diagnostics are skipped.
 */
export function diagnostics(stderr) {
  const out = [];
  const re = /^(?:(.+?):(\d+):(\d+): |(\S[^:]*?): )?(error|warning|note): (.*?)(?: \[([a-z][a-z-]*)\])?$/;
  for (const lineText of stderr.split('\n')) {
    const m = re.exec(lineText);
    if (!m) continue;
    out.push({
      file: m[1] ?? m[4] ?? null,
      line: m[2] ? +m[2] : null,
      col: m[3] ? +m[3] : null,
      kind: m[5],
      text: m[6],
      id: m[7] ?? null,
    });
  }
  return out;
}

/** Errors and warnings only (notes dropped). */
export function problems(stderr) {
  return diagnostics(stderr).filter((d) => d.kind !== 'note');
}

/** 1-based { line, col } of the first occurrence of `needle` in `text`. */
export function positionOf(text, needle, from = 0) {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`${JSON.stringify(needle)} not found in the text`);
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  const col = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  return { line, col };
}

/** Parses stdout as exactly one JSON object (throws with the text otherwise). */
export function parseJson(stdout) {
  try {
    const v = JSON.parse(stdout);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch (e) {
    throw new Error(`stdout is not one JSON object (${e.message}):\n${stdout.slice(0, 2000)}`);
  }
}

/** Message for assertions: the command's output, for failing tests. */
export function show(r) {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout.slice(0, 4000)}`;
}
