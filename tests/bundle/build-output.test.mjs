// tests/bundle/build-output.test.mjs — what `mfbuild build` writes and
// reports (DESIGN.md section 1, "What lands in dist/" and "Machine-readable
// output"), on fixtures/web-app (React, a lazy route, CSS, `html: true`):
// the `build --json` object, hashed file names, `.gz` siblings in production
// only, index.html, `output.filename` with `[contenthash:N]`, content hashes
// that follow the content, and a failing build's JSON.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cleanup, copyFixture, mfbuild, parseJson, problems, show } from '../lib/mfbuild.mjs';
import { listFiles, readTree } from '../lib/bundle.mjs';

after(cleanup);

const KINDS = ['entry', 'chunk', 'container', 'manifest', 'stats', 'css', 'asset', 'html', 'map'];
const PHASES = ['config', 'scan', 'link', 'chunk', 'emit'];
// Text files get a .gz sibling in production and a gzip size in --json;
// SVG is XML text (servers precompress it like CSS).  Binary assets (PNG,
// fonts) may report `gzip: null`.
const isText = (f) => /\.(js|css|html|svg|json|map|txt)$/.test(f);

/** Copies fixtures/web-app, optionally rewrites its mfbuild.json, runs `build --json ...args`. */
function buildWebApp(args = [], config) {
  const dir = copyFixture('web-app');
  if (config) writeFileSync(join(dir, 'mfbuild.json'), JSON.stringify(config, null, 2));
  const r = mfbuild(['build', '--json', ...args], { cwd: dir, timeout: 120_000 });
  let json = null;
  try {
    json = parseJson(r.stdout);
  } catch {
    // the tests that need it report the output
  }
  return { dir, dist: join(dir, 'dist'), r, json };
}

function checkSchema(json, r) {
  assert.ok(json, `stdout is one JSON object\n${show(r)}`);
  assert.equal(typeof json.ok, 'boolean', 'ok is a boolean');
  assert.ok(Array.isArray(json.outputs), 'outputs is an array');
  assert.ok(Array.isArray(json.diagnostics), 'diagnostics is an array');
  assert.equal(typeof json.timings, 'object', 'timings is an object');
  for (const p of PHASES) {
    assert.equal(typeof json.timings[p], 'number', `timings.${p} is a number: ${JSON.stringify(json.timings)}`);
    assert.ok(json.timings[p] >= 0, `timings.${p} >= 0`);
  }
  for (const d of json.diagnostics) {
    assert.ok(['error', 'warning'].includes(d.kind), JSON.stringify(d));
    assert.equal(typeof d.id, 'string', JSON.stringify(d));
    assert.equal(typeof d.text, 'string', JSON.stringify(d));
  }
}

describe('build --json on the web app (production)', () => {
  let b;
  before(() => {
    b = buildWebApp();
  });

  test('exit 0 and one JSON object: ok, outputs, diagnostics, timings', () => {
    assert.equal(b.r.code, 0, show(b.r));
    checkSchema(b.json, b.r);
    assert.equal(b.json.ok, true);
    assert.deepEqual(b.json.diagnostics.filter((d) => d.kind === 'error'), []);
  });

  test('outputs describe exactly the files in dist/ (path, kind, name, size, gzip)', () => {
    const { outputs } = b.json;
    const files = listFiles(b.dist);
    const paths = outputs.map((o) => o.path);
    assert.equal(new Set(paths).size, paths.length, `no output listed twice: ${paths.join(', ')}`);
    for (const o of outputs) {
      const s = JSON.stringify(o);
      assert.equal(typeof o.path, 'string', s);
      assert.ok(o.path.startsWith('dist/'), `path relative to the project root: ${s}`);
      assert.ok(KINDS.includes(o.kind), `kind: ${s}`);
      assert.equal(typeof o.name, 'string', s);
      assert.ok(o.name.length > 0, s);
      const file = join(b.dir, o.path);
      assert.ok(existsSync(file), `${o.path} exists`);
      assert.equal(o.size, statSync(file).size, `size of ${o.path} is its byte size`);
      if (/\.(js|css|html)$/.test(o.path) || existsSync(`${file}.gz`) || o.gzip !== null) {
        assert.ok(Number.isInteger(o.gzip) && o.gzip > 0, `gzip size of a text file: ${s}`);
        assert.ok(o.gzip <= o.size + 64, `gzip size is a compressed size: ${s}`);
      }
    }
    const listed = new Set(paths);
    const missing = files.filter((f) => !f.endsWith('.gz') && !listed.has(`dist/${f}`));
    assert.deepEqual(missing, [], 'every file in dist/ (but the .gz siblings) is an output');
  });

  test('kinds: one entry, the lazy chunk, two CSS files, the SVG asset, the HTML; no federation files', () => {
    const by = (k) => b.json.outputs.filter((o) => o.kind === k);
    assert.equal(by('entry').length, 1, JSON.stringify(b.json.outputs));
    assert.match(by('entry')[0].path, /^dist\/main\.[0-9a-f]{8}\.js$/);
    assert.equal(by('entry')[0].name, 'main');
    assert.ok(by('chunk').length >= 1, 'the lazy route is a chunk');
    assert.ok(by('chunk').some((o) => readFileSync(join(b.dir, o.path), 'utf8').includes('Lazy route loaded')),
      'one chunk holds the lazy route');
    assert.equal(by('css').length, 2, `the entry's CSS and the lazy route's CSS: ${JSON.stringify(by('css'))}`);
    assert.deepEqual(by('html').map((o) => o.path), ['dist/index.html']);
    assert.equal(by('asset').length, 1, `the imported SVG is an asset: ${JSON.stringify(by('asset'))}`);
    assert.match(by('asset')[0].path, /^dist\/logo\.[0-9a-f]{8}\.svg$/);
    for (const k of ['container', 'manifest', 'stats', 'map']) assert.deepEqual(by(k), [], `no ${k} output`);
    const files = listFiles(b.dist);
    for (const f of ['remoteEntry.js', 'mf-manifest.json', 'mf-stats.json']) {
      assert.ok(!files.includes(f), `a plain app gets no ${f}`);
    }
  });

  test('hashed names: [name].[8 hex].js and .css', () => {
    const hashed = listFiles(b.dist).filter((f) => /\.(js|css)$/.test(f));
    assert.ok(hashed.length >= 4, hashed.join(', '));
    for (const f of hashed) assert.match(basename(f), /^[^.]+\.[0-9a-f]{8}\.(js|css)$/, f);
  });

  test('a .gz sibling of every text file (JS, CSS, HTML, SVG), gunzipping to the same bytes', () => {
    const files = listFiles(b.dist);
    const text = files.filter((f) => !f.endsWith('.gz') && isText(f));
    assert.ok(text.length >= 6, text.join(', '));
    assert.ok(text.some((f) => f.endsWith('.svg')), `the imported SVG is in dist/: ${files.join(', ')}`);
    for (const f of text) {
      assert.ok(files.includes(`${f}.gz`), `${f}.gz exists`);
      const original = readFileSync(join(b.dist, f));
      assert.ok(gunzipSync(readFileSync(join(b.dist, `${f}.gz`))).equals(original), `${f}.gz gunzips to ${f}`);
    }
    for (const f of files.filter((x) => x.endsWith('.gz'))) {
      assert.ok(files.includes(f.slice(0, -3)), `${f} has its original`);
    }
  });

  test('index.html loads the hashed entry', () => {
    const html = readFileSync(join(b.dist, 'index.html'), 'utf8');
    const entry = b.json.outputs.find((o) => o.kind === 'entry').path.slice('dist/'.length);
    const srcs = [...html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/g)].map((m) => m[1]);
    const urls = srcs.map((s) => new URL(s, 'http://host/app/index.html').pathname);
    assert.ok(urls.includes(`/app/${entry}`), `a <script src> resolving to ${entry} next to index.html: ${srcs.join(', ')}\n${html}`);
    assert.match(html, /^\s*<!doctype html>/i, 'an HTML5 document (no quirks mode)');
  });
});

describe('build --json --mode development', () => {
  test('no .gz files, inline maps (no map outputs), ok', () => {
    const b = buildWebApp(['--mode', 'development']);
    assert.equal(b.r.code, 0, show(b.r));
    checkSchema(b.json, b.r);
    assert.equal(b.json.ok, true);
    const files = listFiles(b.dist);
    assert.deepEqual(files.filter((f) => f.endsWith('.gz')), [], 'no .gz in development');
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), [], 'maps are inline in development');
    assert.ok(files.some((f) => /^main\.[0-9a-f]{8}\.js$/.test(f)), files.join(', '));
  });
});

describe('output.filename', () => {
  test('"[name].[contenthash:12].js" gives 12 hex digits', () => {
    const b = buildWebApp([], {
      entry: './src/index.jsx',
      html: true,
      output: { filename: '[name].[contenthash:12].js' },
    });
    assert.equal(b.r.code, 0, show(b.r));
    const js = listFiles(b.dist).filter((f) => f.endsWith('.js'));
    assert.ok(js.length >= 2, js.join(', '));
    assert.ok(js.some((f) => /^main\.[0-9a-f]{12}\.js$/.test(f)), `main.<12 hex>.js: ${js.join(', ')}`);
    for (const f of js) assert.match(basename(f), /^[^.]+\.[0-9a-f]{12}\.js$/, f);
    const entry = b.json.outputs.find((o) => o.kind === 'entry');
    assert.match(entry.path, /^dist\/main\.[0-9a-f]{12}\.js$/);
  });
});

describe('content hashes', () => {
  test('a name always means the same bytes; changing the lazy route renames it and the entry', () => {
    const a = buildWebApp();
    assert.equal(a.r.code, 0, show(a.r));
    const before = readTree(a.dist);
    const lazy = join(a.dir, 'src/routes/Lazy.jsx');
    writeFileSync(lazy, readFileSync(lazy, 'utf8').replace('Lazy route loaded', 'Lazy route loaded!'));
    const r = mfbuild(['build'], { cwd: a.dir, timeout: 120_000 });
    assert.equal(r.code, 0, show(r));
    const after = readTree(a.dist);
    const hashed = (f) => /\.[0-9a-f]{8}\.(js|css)(\.gz)?$/.test(f);
    for (const [f, bytes] of Object.entries(after)) {
      if (hashed(f) && f in before) assert.ok(bytes.equals(before[f]), `${f} kept its hashed name, so it must keep its bytes`);
    }
    const names = (t, re) => Object.keys(t).filter((f) => re.test(f));
    const lazyBefore = Object.keys(before).filter((f) => f.endsWith('.js') && before[f].includes('Lazy route loaded'));
    assert.equal(lazyBefore.length, 1);
    assert.ok(!(lazyBefore[0] in after), `the lazy chunk ${lazyBefore[0]} got a new name`);
    assert.notDeepEqual(names(after, /^main\.[0-9a-f]+\.js$/), names(before, /^main\.[0-9a-f]+\.js$/),
      'the entry names the lazy chunk, so its name changed too');
    const appCss = (t) => Object.keys(t).filter((f) => f.endsWith('.css') && t[f].includes('app-title'));
    assert.deepEqual(appCss(after), appCss(before), "the entry's CSS did not change, nor did its name");
  });
});

describe('a failing build --json', () => {
  test('exit 1, ok false, the error located in the source, still one JSON object', () => {
    const dir = copyFixture('web-app');
    writeFileSync(join(dir, 'src/routes/Lazy.jsx'), 'export default function Lazy() {\n  const broken = ;\n  return null;\n}\n');
    const r = mfbuild(['build', '--json'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const json = parseJson(r.stdout);
    checkSchema(json, r);
    assert.equal(json.ok, false);
    const errors = json.diagnostics.filter((d) => d.kind === 'error');
    assert.ok(errors.length >= 1, JSON.stringify(json.diagnostics));
    const e = errors[0];
    assert.equal(e.file, 'src/routes/Lazy.jsx', JSON.stringify(e));
    assert.equal(e.line, 2, JSON.stringify(e));
    assert.ok(Number.isInteger(e.column) && e.column >= 1, JSON.stringify(e));
    assert.ok(problems(r.stderr).some((d) => d.kind === 'error' && d.file === 'src/routes/Lazy.jsx'),
      `the human-readable diagnostic is on stderr:\n${r.stderr}`);
    assert.ok(!existsSync(join(dir, 'dist')), 'no dist/ was written');
  });
});
