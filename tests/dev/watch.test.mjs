// tests/dev/watch.test.mjs — `mfbuild watch` (issue 5, DESIGN.md section 5):
// builds, then on every change rewrites only the outputs whose bytes
// changed (each by rename, so no reader sees half a file), removes the
// files of earlier builds it no longer has, reports a syntax error or an
// unresolvable import without exiting and recovers on the next good save,
// picks up an added file and a changed mfbuild.json, and stops cleanly on
// SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, copyFixture, mfbuild, project } from '../lib/mfbuild.mjs';
import { readTree, runNode } from '../lib/bundle.mjs';
import { save, startDev } from '../lib/dev.mjs';

after(cleanup);

const files = {
  'mfbuild.json': JSON.stringify({ entry: './src/index.js', target: 'node' }),
  'src/index.js': "import { a } from './a.js';\nconsole.log(a);\nimport('./lazy.js').then((m) => console.log(m.lazy));\n",
  'src/a.js': "export const a = 'a1';\n",
  'src/lazy.js': "export const lazy = 'lazy1';\n",
};

const list = (dist) => readdirSync(dist).sort();
const mainOf = (dist) => join(dist, list(dist).find((f) => /^main\.[0-9a-f]{8}\.js$/.test(f)));
const lazyOf = (dist) => list(dist).find((f) => /^lazy/.test(f) || /src_lazy/.test(f) || (/\.js$/.test(f) && !/^main\./.test(f)));

test('watch: rewrites only changed outputs, survives errors, follows adds and config changes', async () => {
  const dir = project(files, 'watch-');
  const dist = join(dir, 'dist');
  const w = await startDev('watch', dir, ['--debounce', '10']);
  try {
    await w.waitFor(/built in \d+ ms: \d+ files? written/);
    let run = runNode(mainOf(dist));
    assert.equal(run.stdout, 'a1\nlazy1\n', run.stderr);
    const lazy = lazyOf(dist);
    const lazyMtime = statSync(join(dist, lazy)).mtimeMs;
    const before = list(dist);

    // An edit of a.js: the entry chunk changes (new name), the lazy chunk's
    // bytes do not, so it is not written again; the old entry file goes.
    let at = w.log().length;
    save(join(dir, 'src/a.js'), "export const a = 'a2';\n");
    const m = await w.waitFor(/built in \d+ ms: (\d+) files? written/, at);
    assert.equal(m[1], '1', w.log());
    run = runNode(mainOf(dist));
    assert.equal(run.stdout, 'a2\nlazy1\n', run.stderr);
    assert.equal(statSync(join(dist, lazy)).mtimeMs, lazyMtime, 'unchanged chunk not rewritten');
    assert.equal(list(dist).length, before.length, `old entry removed: ${list(dist)}`);
    assert.ok(!list(dist).some((f) => f.includes('.tmp')), 'no temporary files left');

    // A syntax error: reported with file:line:col, the output stays, the
    // process goes on; the fix recovers.
    at = w.log().length;
    save(join(dir, 'src/a.js'), 'export const a = ;\n');
    await w.waitFor(/build failed \(1 error\)/, at);
    assert.match(w.log().slice(at), /src\/a\.js:1:18: error: .*\[syntax-error\]/);
    assert.equal(runNode(mainOf(dist)).stdout, 'a2\nlazy1\n');
    at = w.log().length;
    save(join(dir, 'src/a.js'), "import { b } from './b.js';\nexport const a = 'a3' + b;\n");
    await w.waitFor(/build failed/, at);
    assert.match(w.log().slice(at), /Could not resolve "\.\/b\.js" \[unresolved-import\]/);

    // The missing file appears: picked up without touching the importer.
    at = w.log().length;
    save(join(dir, 'src/b.js'), "export const b = '+b';\n");
    await w.waitFor(/built in/, at);
    assert.equal(runNode(mainOf(dist)).stdout, 'a3+b\nlazy1\n');

    // A deleted module: its importer's error, then recovery.
    at = w.log().length;
    unlinkSync(join(dir, 'src/b.js'));
    await w.waitFor(/build failed/, at);
    at = w.log().length;
    save(join(dir, 'src/a.js'), "export const a = 'a4';\n");
    await w.waitFor(/built in/, at);
    assert.equal(runNode(mainOf(dist)).stdout, 'a4\nlazy1\n');

    // mfbuild.json changes: the config is reloaded (a define appears).
    at = w.log().length;
    save(join(dir, 'mfbuild.json'), JSON.stringify({ entry: './src/index.js', target: 'node', define: { __V__: '"v5"' } }));
    save(join(dir, 'src/a.js'), 'export const a = __V__;\n');
    await w.waitFor(/config changed/, at);
    await w.waitFor(/built in/, at);
    // The second save may land in its own batch: wait until it shows.
    for (let i = 0; i < 50 && runNode(mainOf(dist)).stdout !== 'v5\nlazy1\n'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(runNode(mainOf(dist)).stdout, 'v5\nlazy1\n', w.log());
  } finally {
    const exit = await w.stop();
    assert.equal(exit.code, 0, `exit on SIGTERM: ${JSON.stringify(exit)}\n${w.log()}`);
  }
  assert.match(w.log(), /stopped/);
  assert.ok(readFileSync(mainOf(dist), 'utf8').length > 0);
});

test('watch with a config error at start exits 2', () => {
  const dir = project({ 'mfbuild.json': '{ "entry": "./src/index.js", "nope": 1 }', 'src/index.js': '' }, 'watch-bad-');
  const r = mfbuild(['watch'], { cwd: dir, timeout: 20_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /\[config-unknown-key\]/);
});

test('watch --poll works without inotify', async () => {
  const dir = project(files, 'watch-poll-');
  const dist = join(dir, 'dist');
  const w = await startDev('watch', dir, ['--poll', '--debounce', '10']);
  try {
    await w.waitFor(/watching .* \(polling/);
    await w.waitFor(/built in/);
    const at = w.log().length;
    save(join(dir, 'src/a.js'), "export const a = 'polled';\n");
    await w.waitFor(/built in/, at);
    assert.equal(runNode(mainOf(dist)).stdout, 'polled\nlazy1\n');
  } finally {
    await w.stop();
  }
});

test('watch output after edits is byte-identical to a fresh build of the same files (caches are invisible)', async () => {
  const dir = copyFixture('web-app');
  const dist = join(dir, 'dist');
  const w = await startDev('watch', dir, ['--debounce', '10']);
  try {
    await w.waitFor(/built in/);
    const edits = [
      ['src/app.css', (t) => t + '\n.added { color: red; }\n'],
      ['src/routes/Lazy.jsx', (t) => t + '\nexport const extra = 1;\n'],
      ['src/App.jsx', (t) => t.replace('Home page', 'Home page (edited)')],
      ['src/logo.svg', (t) => t.replace('</svg>', '<!-- edited --></svg>')],
    ];
    for (const [file, edit] of edits) {
      const at = w.log().length;
      save(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
      await w.waitFor(/built in/, at);
    }
  } finally {
    await w.stop();
  }
  const fresh = join(dir, 'dist-fresh');
  const r = mfbuild(['build', '--mode', 'development', '--out', fresh], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const a = readTree(dist), b = readTree(fresh);
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const f of Object.keys(a)) assert.ok(a[f].equals(b[f]), `${f} differs from a fresh build`);
});
