// tests/cli/config.test.mjs — every class of bad mfbuild.json is exit 2 with
// a stable id and the `mfbuild.json:line:col` of the offending key (or its
// value), through `mfbuild graph` (DESIGN.md section 1: mfbuild.json, exit
// codes; diag_ids.def for the ids).
//
// Each case writes a small project in a scratch folder.  The config text is
// written as-is, so positions are computed from the text itself.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, diagnostics, mfbuild, parseJson, positionOf, problems, project, show, writeFiles } from '../lib/mfbuild.mjs';

after(cleanup);

const sources = {
  'package.json': { name: 'config-case', version: '1.0.0', private: true },
  'src/index.js': "import { Button } from './Button.js';\nconsole.log(Button);\n",
  'src/Button.js': "export const Button = 'button';\n",
};

/** Writes a project whose mfbuild.json is `text` and runs `mfbuild graph`. */
function runConfig(text, args = []) {
  const dir = project({ ...sources, 'mfbuild.json': text }, 'config-');
  return { dir, text, r: mfbuild(['graph', ...args], { cwd: dir }) };
}

const isConfigFile = (f) => f === 'mfbuild.json' || (typeof f === 'string' && f.endsWith('/mfbuild.json'));

/**
 * Asserts exit 2 and an error `id` in mfbuild.json on the line of `at` (a
 * substring of the text), at its column or, with `orValue`, at the column of
 * `orValue` (type and value errors may point at the value).  Returns it.
 */
function expectConfigError({ r, text }, id, at, { orValue, textMatch } = {}) {
  assert.equal(r.code, 2, show(r));
  const errs = problems(r.stderr);
  const e = errs.find((d) => d.id === id);
  assert.ok(e, `no [${id}] in:\n${r.stderr}`);
  assert.equal(e.kind, 'error');
  assert.ok(isConfigFile(e.file), `file of ${JSON.stringify(e)}`);
  const p = positionOf(text, at);
  const cols = [p.col];
  if (orValue) {
    const v = positionOf(text, orValue, text.indexOf(at));
    assert.equal(v.line, p.line, 'test setup: key and value on one line');
    cols.push(v.col);
  }
  assert.equal(e.line, p.line, `line of ${at}: ${show(r)}`);
  assert.ok(cols.includes(e.col), `column ${e.col}, expected one of ${cols} (${at}): ${show(r)}`);
  if (textMatch) assert.match(e.text, textMatch);
  for (const d of errs) assert.match(d.id ?? '', /^config-/, `only config errors: ${JSON.stringify(d)}`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  return e;
}

/** The note lines printed right after the first diagnostic with `id`. */
function notesOf(stderr, id) {
  const all = diagnostics(stderr);
  const i = all.findIndex((d) => d.id === id);
  const notes = [];
  for (let k = i + 1; k < all.length && all[k].kind === 'note'; k++) notes.push(all[k]);
  return notes;
}

const cfg = (lines) => `{\n${lines.map((l) => `  ${l}`).join(',\n')}\n}\n`;

describe('a valid config (the base every bad case starts from)', () => {
  test('exits 0 with every key class in use', () => {
    const { r } = runConfig(cfg([
      '"name": "app"',
      '"entry": { "main": "./src/index.js" }',
      '"filename": "remoteEntry.js"',
      '"exposes": { "./Button": "./src/Button.js", ".": "./src/index.js" }',
      '"remotes": { "catalog": "catalog@http://localhost:3002/remoteEntry.js", "cart": { "name": "cart", "entry": "http://localhost:3003/mf-manifest.json" } }',
      '"shared": { "react": { "singleton": true, "requiredVersion": "^18.0.0", "strictVersion": false, "eager": false, "shareScope": "default" } }',
      '"shareStrategy": "loaded-first"',
      '"retry": { "times": 2, "delayMs": 500 }',
      '"output": { "path": "dist", "publicPath": "auto", "filename": "[name].[contenthash].js", "sourceMap": false }',
      '"target": "web"',
      '"jsx": { "runtime": "automatic", "importSource": "react" }',
      '"define": { "__DEV__": "false" }',
      '"resolve": { "alias": {}, "extensions": [".js", ".jsx"], "conditions": [] }',
      '"dev": { "port": 3001, "host": "127.0.0.1" }',
    ]));
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(problems(r.stderr), []);
    assert.match(r.stdout, /^src\/Button\.js/m);
  });

  test('"shared" as an array of names is valid', () => {
    const { r } = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"shared": ["react", "react-dom"]']));
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^src\/index\.js/m);
  });

  test('-c names a config in another folder, which becomes the project root', () => {
    const dir = project({
      'sub/mfbuild.json': { name: 'sub_app', entry: './src/index.js' },
      'sub/src/index.js': "import './dep.js';\n",
      'sub/src/dep.js': 'export {};\n',
    });
    const r = mfbuild(['graph', '--json', '-c', 'sub/mfbuild.json'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(parseJson(r.stdout).modules.map((m) => m.path), ['src/index.js', 'src/dep.js']);
  });
});

describe('unknown keys', () => {
  test('top level, with "did you mean"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"exposs": { "./Button": "./src/Button.js" }']));
    const e = expectConfigError(c, 'config-unknown-key', '"exposs"', { textMatch: /exposs/ });
    const notes = notesOf(c.r.stderr, 'config-unknown-key');
    assert.ok(notes.some((n) => /Did you mean "?exposes"?\?/.test(n.text)), show(c.r));
    assert.deepEqual([notes[0].line, notes[0].col], [e.line, e.col], 'the note is at the same spot');
  });

  test('nested in shared.react, with "did you mean"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"shared": { "react": { "singletn": true } }']));
    expectConfigError(c, 'config-unknown-key', '"singletn"', { textMatch: /singletn/ });
    assert.ok(notesOf(c.r.stderr, 'config-unknown-key').some((n) => /singleton/.test(n.text)), show(c.r));
  });

  test('nested in output', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"output": { "pth": "dist" }']));
    expectConfigError(c, 'config-unknown-key', '"pth"');
    assert.ok(notesOf(c.r.stderr, 'config-unknown-key').some((n) => /path/.test(n.text)), show(c.r));
  });
});

describe('wrong types', () => {
  test('"exposes": "x"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"exposes": "x"']));
    expectConfigError(c, 'config-type', '"exposes"', { orValue: '"x"' });
  });

  test('shared.react.singleton: "yes"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"shared": { "react": { "singleton": "yes" } }']));
    expectConfigError(c, 'config-type', '"singleton"', { orValue: '"yes"' });
  });

  test('"name": 42', () => {
    const c = runConfig(cfg(['"name": 42', '"entry": "./src/index.js"']));
    expectConfigError(c, 'config-type', '"name"', { orValue: '42' });
  });

  test('a top level that is not an object', () => {
    const { r } = runConfig('["./src/index.js"]\n');
    assert.equal(r.code, 2, show(r));
    assert.ok(problems(r.stderr).some((d) => d.id === 'config-type' && isConfigFile(d.file)), show(r));
  });
});

describe('invalid values', () => {
  test('container name that is not a JS identifier: "my-app"', () => {
    const c = runConfig(cfg(['"name": "my-app"', '"entry": "./src/index.js"', '"exposes": { "./Button": "./src/Button.js" }']));
    const e = expectConfigError(c, 'config-invalid-name', '"name"', { orValue: '"my-app"' });
    assert.match(e.text, /my-app/);
  });

  test('expose key without "./": "Button"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"exposes": { "Button": "./src/Button.js" }']));
    expectConfigError(c, 'config-expose-key', '"Button"', { textMatch: /Button/ });
  });

  test('remote without "@": "catalog"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"remotes": { "catalog": "catalog" }']));
    expectConfigError(c, 'config-remote', '"catalog"', { orValue: '"catalog" }' });
  });

  test('remote with an empty name: "@http://x"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"remotes": { "catalog": "@http://x" }']));
    expectConfigError(c, 'config-remote', '"catalog"', { orValue: '"@http://x"' });
  });

  test('remote with an empty URL: "catalog@"', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"remotes": { "catalog": "catalog@" }']));
    expectConfigError(c, 'config-remote', '"catalog"', { orValue: '"catalog@"' });
  });

  test('shareStrategy outside its list', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"shareStrategy": "fastest"']));
    expectConfigError(c, 'config-value', '"shareStrategy"', { orValue: '"fastest"' });
  });

  test('federation on target node is an error', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"target": "node"', '"exposes": { "./Button": "./src/Button.js" }']));
    assert.equal(c.r.code, 2, show(c.r));
    const errs = problems(c.r.stderr);
    assert.ok(errs.length >= 1 && errs.every((d) => /^config-/.test(d.id)), show(c.r));
  });
});

describe('missing files', () => {
  test('an expose whose file does not exist', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"exposes": { "./Missing": "./src/Missing.js" }']));
    const e = expectConfigError(c, 'config-missing-file', '"./Missing"', { orValue: '"./src/Missing.js"' });
    assert.match(e.text, /Missing\.js/);
  });

  test('an entry whose file does not exist', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/nope.js"']));
    const e = expectConfigError(c, 'config-missing-file', '"entry"', { orValue: '"./src/nope.js"' });
    assert.match(e.text, /nope\.js/);
  });

  test('-c names a file that does not exist', () => {
    const dir = project(sources);
    const r = mfbuild(['graph', '-c', 'missing.json'], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    const errs = problems(r.stderr);
    assert.ok(errs.some((d) => d.id === 'config-read'), show(r));
    assert.match(r.stderr, /missing\.json/);
  });
});

describe('malformed JSON', () => {
  test('config-syntax at the offending character', () => {
    const text = '{\n  "name": "app",\n  "entry": "./src/index.js",\n  "exposes": { "./A": ./src/A.js }\n}\n';
    const { r } = runConfig(text);
    assert.equal(r.code, 2, show(r));
    const e = problems(r.stderr).find((d) => d.id === 'config-syntax');
    assert.ok(e, show(r));
    assert.ok(isConfigFile(e.file), JSON.stringify(e));
    const p = positionOf(text, './src/A.js }');
    assert.equal(e.line, p.line, show(r));
    assert.ok(Math.abs(e.col - p.col) <= 1, `column ${e.col}, expected about ${p.col}`);
  });

  test('an empty file', () => {
    const { r } = runConfig('');
    assert.equal(r.code, 2, show(r));
    assert.ok(problems(r.stderr).some((d) => d.id === 'config-syntax'), show(r));
  });

  test('a truncated file', () => {
    const { r } = runConfig('{ "name": "app", ', ['--json']);
    assert.equal(r.code, 2, show(r));
    assert.ok(problems(r.stderr).some((d) => d.id === 'config-syntax'), show(r));
  });
});

describe('several errors', () => {
  test('are all reported, in file order', () => {
    const c = runConfig(cfg([
      '"name": "my-app"',
      '"entry": "./src/index.js"',
      '"exposes": { "Button": "./src/Button.js" }',
      '"exposs": {}',
    ]));
    assert.equal(c.r.code, 2, show(c.r));
    const errs = problems(c.r.stderr).filter((d) => isConfigFile(d.file));
    assert.deepEqual(errs.map((d) => [d.line, d.id]), [
      [2, 'config-invalid-name'],
      [4, 'config-expose-key'],
      [5, 'config-unknown-key'],
    ]);
  });
});

describe('how config diagnostics name the file', () => {
  test('run in the project folder: "mfbuild.json:L:C", relative like source diagnostics (DESIGN.md section 6)', () => {
    const c = runConfig(cfg(['"name": "app"', '"entry": "./src/index.js"', '"exposs": {}']));
    assert.equal(c.r.code, 2, show(c.r));
    const p = positionOf(c.text, '"exposs"');
    const line = c.r.stderr.split('\n').find((l) => l.includes('[config-unknown-key]'));
    assert.ok(line, show(c.r));
    assert.ok(line.startsWith(`mfbuild.json:${p.line}:${p.col}: error: `), `printed as: ${line}`);
  });
});

describe('package.json', () => {
  test('a malformed package.json next to mfbuild.json is reported', () => {
    const dir = project({ ...sources, 'mfbuild.json': { name: 'app', entry: './src/index.js' } });
    writeFiles(dir, { 'package.json': '{ "name": "x", }\n' });
    const r = mfbuild(['graph'], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    const e = problems(r.stderr).find((d) => d.file && d.file.endsWith('package.json'));
    assert.ok(e, show(r));
    assert.match(e.id, /^config-(syntax|read)$/);
  });
});
