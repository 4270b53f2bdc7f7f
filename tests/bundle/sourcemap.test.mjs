// tests/bundle/sourcemap.test.mjs — source maps (DESIGN.md section 1,
// `output.sourceMap`: false by default in production, inline in development,
// `true` for separate .map files).  fixtures/sourcemap throws twice: from a
// TSX module in the entry chunk, whose throw sits below an interface, a type
// alias, an enum and JSX (so every transform that moves text must keep its
// mapping right), and from a TSX module loaded by import() (its own chunk,
// its own map).  The bundle runs under plain Node (no --enable-source-maps);
// the test maps the stacks' generated positions back with
// @jridgewell/trace-mapping.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { cleanup, copyFixture, fixture, mfbuild, show } from '../lib/mfbuild.mjs';
import { entryChunk, listFiles, runNode, showRun } from '../lib/bundle.mjs';

after(cleanup);

const sources = Object.fromEntries(['index.tsx', 'thrower.tsx', 'lazy-thrower.tsx']
  .map((f) => [f, readFileSync(fixture('sourcemap', 'src', f), 'utf8')]));
/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const THROW_LINE = lineOf(sources['thrower.tsx'], 'THROW-LINE');
const CALL_LINE = lineOf(sources['index.tsx'], 'explode(options);');
const LAZY_THROW_LINE = lineOf(sources['lazy-thrower.tsx'], 'LAZY-THROW-LINE');

/** The last `//# sourceMappingURL=` comment of a chunk, or null. */
function mappingUrl(text) {
  const all = [...text.matchAll(/^\/\/[#@] sourceMappingURL=(\S+)\s*$/gm)];
  return all.length ? all[all.length - 1][1] : null;
}

/**
 * Builds a copy of the fixture and runs it.  Returns { dist, entry, errors }
 * where errors are the two reports [sync, lazy], each { message, stack,
 * frames: [{ file, line, column }] } keeping only frames in dist/.
 */
function buildAndThrow(args, configText) {
  const dir = copyFixture('sourcemap');
  if (configText) writeFileSync(join(dir, 'mfbuild.json'), configText);
  const r = mfbuild(['build', '--out', 'dist', ...args], { cwd: dir });
  assert.equal(r.code, 0, show(r));
  const dist = join(dir, 'dist');
  const entry = entryChunk(dist);
  const run = runNode(entry, { cwd: dir });
  assert.equal(run.code, 0, showRun(run, entry));
  let errors;
  try {
    errors = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  } catch {
    assert.fail(`the bundle prints one JSON line per error\n${showRun(run, entry)}`);
  }
  assert.deepEqual(errors.map((e) => e.message), ['boom widget:2:loud:1:object', 'lazy boom lazy object'],
    'both throwers ran as written');
  for (const e of errors) {
    // Frames: "at fn (/abs/dist/x.js:L:C)" or "at /abs/dist/x.js:L:C".
    e.frames = e.stack.split('\n').slice(1)
      .map((l) => /\(?([^()\s]+\.js):(\d+):(\d+)\)?\s*$/.exec(l.trim()))
      .filter((m) => m && m[1].startsWith(dist))
      .map((m) => ({ file: m[1], line: +m[2], column: +m[3] }));
  }
  assert.ok(errors[0].frames.length >= 2, `two frames in dist/ (the throw and its caller):\n${errors[0].stack}`);
  assert.ok(errors[1].frames.length >= 1, `a frame in dist/ for the lazy throw:\n${errors[1].stack}`);
  return { dir, dist, entry, errors };
}

/** Maps a stack frame (1-based line and column). */
function original(map, frame) {
  return originalPositionFor(map, { line: frame.line, column: frame.column - 1 });
}

/** Asserts that `frame` maps to `line` of src/`file`, at or before `new Error`. */
function assertMapsTo(map, frame, file, line, stack) {
  const pos = original(map, frame);
  assert.ok(pos.source, `the position ${frame.line}:${frame.column} is mapped\n${stack}`);
  assert.ok(pos.source.endsWith(`src/${file}`), `source: ${pos.source}, expected src/${file}\n${stack}`);
  assert.equal(pos.line, line, `line ${line} of ${file}\n${stack}`);
  const text = sources[file].split('\n')[line - 1];
  const limit = text.includes('new Error') ? text.indexOf('new Error') : text.length;
  assert.ok(pos.column >= 0 && pos.column <= limit, `column ${pos.column} is on that line, not past ${limit}`);
}

/** The map's sourcesContent holds each original file's text exactly; paths are relative. */
function checkSources(raw, files) {
  assert.equal(raw.version, 3);
  assert.ok(Array.isArray(raw.sourcesContent), 'sourcesContent is present');
  assert.equal(raw.sourcesContent.length, raw.sources.length, 'one sourcesContent entry per source');
  for (const f of files) {
    const i = raw.sources.findIndex((s) => s.endsWith(`src/${f}`));
    assert.ok(i >= 0, `${f} is a source: ${raw.sources.join(', ')}`);
    assert.equal(raw.sourcesContent[i], sources[f], `sourcesContent of ${f} is the file`);
  }
  const absolute = raw.sources.filter((s) => s.startsWith('/') || /^file:/.test(s));
  assert.deepEqual(absolute, [], 'sources are relative (no build-machine paths in the map)');
}

/** Reads the map a chunk points to: a .map file, or an inline data: URL. */
function readMap(chunk, { inline }) {
  const url = mappingUrl(readFileSync(chunk, 'utf8'));
  assert.ok(url, `${chunk} ends with a sourceMappingURL comment`);
  if (inline) {
    const m = /^data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)$/.exec(url);
    assert.ok(m, `an inline base64 JSON data: URL: ${url.slice(0, 80)}`);
    const raw = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'));
    return { raw, map: new TraceMap(raw, pathToFileURL(`${chunk}.inline.map`).href) };
  }
  assert.ok(!url.startsWith('data:'), `a file, not inline: ${url.slice(0, 60)}`);
  const mapFile = join(dirname(chunk), url);
  assert.ok(url.endsWith('.map') && existsSync(mapFile), `the map is a .map file beside the chunk: ${url}`);
  const raw = JSON.parse(readFileSync(mapFile, 'utf8'));
  return { raw, map: new TraceMap(raw, pathToFileURL(mapFile).href) };
}

function checkBoth(b, inline) {
  const [sync, lazy] = b.errors;
  assert.equal(sync.frames[0].file, b.entry, 'the first throw is in the entry chunk');
  const main = readMap(b.entry, { inline });
  checkSources(main.raw, ['index.tsx', 'thrower.tsx']);
  assertMapsTo(main.map, sync.frames[0], 'thrower.tsx', THROW_LINE, sync.stack);
  assertMapsTo(main.map, sync.frames[1], 'index.tsx', CALL_LINE, sync.stack);

  assert.notEqual(lazy.frames[0].file, b.entry, 'the lazy throw is in another chunk');
  const chunk = readMap(lazy.frames[0].file, { inline });
  checkSources(chunk.raw, ['lazy-thrower.tsx']);
  assertMapsTo(chunk.map, lazy.frames[0], 'lazy-thrower.tsx', LAZY_THROW_LINE, lazy.stack);
}

describe('source maps of a TSX app on target node', () => {
  test('output.sourceMap true: .map files map both stacks back to the TSX lines', () => {
    const b = buildAndThrow([]);
    checkBoth(b, false);
    const maps = listFiles(b.dist).filter((f) => f.endsWith('.map'));
    assert.ok(maps.length >= 2, `a .map per chunk: ${listFiles(b.dist).join(', ')}`);
  });

  test('--mode development: inline data: URL maps by default', () => {
    const config = JSON.stringify({ entry: './src/index.tsx', target: 'node' }, null, 2);
    const b = buildAndThrow(['--mode', 'development'], config);
    assert.deepEqual(listFiles(b.dist).filter((f) => f.endsWith('.map')), [], 'no .map files');
    checkBoth(b, true);
  });

  test('production default: no source map at all', () => {
    const config = JSON.stringify({ entry: './src/index.tsx', target: 'node' }, null, 2);
    const b = buildAndThrow([], config);
    for (const f of listFiles(b.dist).filter((x) => x.endsWith('.js'))) {
      assert.equal(mappingUrl(readFileSync(join(b.dist, f), 'utf8')), null, `no sourceMappingURL comment in ${f}`);
    }
    assert.deepEqual(listFiles(b.dist).filter((f) => f.endsWith('.map')), [], 'no .map files');
  });
});
