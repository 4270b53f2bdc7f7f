// tests/bundle/determinism.test.mjs — the promises of DESIGN.md sections 1
// and 7 and STYLE.md 12/14/19: the same input gives the same bytes whatever
// the thread count and run, and a build writes into a temporary folder
// renamed into place, so a failing build leaves the previous dist/ exactly as
// it was, with no temporary folder left beside it.
//
// The input is a 300-module React app made by bench/gen.mjs (JSX and TSX
// components, TS utilities, hooks, CSS, lazy import() splits), with the
// generator's `shared` block removed: this suite is about the build itself,
// federation has its own suites.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, copyFixture, mfbuild, repo, show, tempDir } from '../lib/mfbuild.mjs';
import { listFiles, readTree } from '../lib/bundle.mjs';

after(cleanup);

let app;

before(() => {
  const ws = tempDir('determinism-');
  execFileSync(process.execPath, [join(repo, 'bench', 'gen.mjs'), ws, '--remotes', '0', '--modules', '300'], { stdio: 'pipe' });
  app = join(ws, 'host');
  const cfgPath = join(app, 'mfbuild.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  delete cfg.shared;
  cfg.html = true;
  writeFileSync(cfgPath, JSON.stringify(cfg, null, 2) + '\n');
});

/** Asserts two dist trees hold the same file names with the same bytes. */
function assertSameTree(a, b, label) {
  const ta = readTree(a), tb = readTree(b);
  assert.deepEqual(Object.keys(tb), Object.keys(ta), `${label}: same file names`);
  const differ = Object.keys(ta).filter((f) => !ta[f].equals(tb[f]));
  assert.deepEqual(differ, [], `${label}: same bytes`);
}

describe('determinism on a generated 300-module app (bench/gen.mjs)', () => {
  test('-j1, -j2, -j8 and a second -j8 run write byte-identical output', () => {
    const runs = [['-j', '1', 'out-j1'], ['-j', '2', 'out-j2'], ['-j', '8', 'out-j8'], ['-j', '8', 'out-j8-again']];
    for (const [flag, n, out] of runs) {
      const r = mfbuild(['build', flag, n, '--out', out], { cwd: app, timeout: 120_000 });
      assert.equal(r.code, 0, `-j${n}: ${show(r)}`);
    }
    const files = listFiles(join(app, 'out-j1'));
    assert.ok(files.filter((f) => f.endsWith('.js')).length >= 2, `the app has lazy chunks: ${files.join(', ')}`);
    assert.ok(files.includes('index.html'), files.join(', '));
    for (const [, n, out] of runs.slice(1)) assertSameTree(join(app, 'out-j1'), join(app, out), `-j1 vs -j${n} (${out})`);
  });

  test('a failing build leaves the previous dist/ untouched and no temporary folder', () => {
    const ok = mfbuild(['build', '--out', 'dist'], { cwd: app, timeout: 120_000 });
    assert.equal(ok.code, 0, show(ok));
    const dist = join(app, 'dist');
    const before = readTree(dist);
    assert.ok(Object.keys(before).length > 0);
    const siblings = readdirSync(app).sort();

    // A syntax error deep in the tree: found by the scan after many modules
    // were already parsed.
    const comp = join(app, 'src', 'components', 'Comp5.jsx');
    const good = readFileSync(comp, 'utf8');
    writeFileSync(comp, good.replace('return (', 'return (('));
    const bad = mfbuild(['build', '--out', 'dist'], { cwd: app, timeout: 120_000 });
    assert.equal(bad.code, 1, show(bad));
    const afterFail = readTree(dist);
    assert.deepEqual(Object.keys(afterFail), Object.keys(before), 'dist/ has the same files after the failed build');
    assert.deepEqual(Object.keys(before).filter((f) => !before[f].equals(afterFail[f])), [], 'and the same bytes');
    assert.deepEqual(readdirSync(app).sort(), siblings, 'no temporary folder left beside dist/');

    // Fixed again: the next build replaces dist/ wholesale and equals the first.
    writeFileSync(comp, good);
    const again = mfbuild(['build', '--out', 'dist'], { cwd: app, timeout: 120_000 });
    assert.equal(again.code, 0, show(again));
    const rebuilt = readTree(dist);
    assert.deepEqual(Object.keys(rebuilt), Object.keys(before));
    assert.deepEqual(Object.keys(before).filter((f) => !before[f].equals(rebuilt[f])), [], 'same input, same bytes');
    assert.deepEqual(readdirSync(app).sort(), siblings, 'no temporary folder left after a good build either');
  });

  test('a failing first build creates no output folder at all', () => {
    const comp = join(app, 'src', 'components', 'Comp7.jsx');
    const good = readFileSync(comp, 'utf8');
    writeFileSync(comp, good + '\nexport const broken = ;\n');
    try {
      const siblings = readdirSync(app).sort();
      const r = mfbuild(['build', '--out', 'never-written'], { cwd: app, timeout: 120_000 });
      assert.equal(r.code, 1, show(r));
      assert.ok(!existsSync(join(app, 'never-written')), 'no never-written/ folder');
      assert.deepEqual(readdirSync(app).sort(), siblings, 'nothing new beside it');
    } finally {
      writeFileSync(comp, good);
    }
  });
});

describe('determinism across locations', () => {
  test('the same project built in two folders gives the same bytes (source maps included)', () => {
    // CI checks projects out wherever it likes: nothing of the absolute path
    // may reach the output (module ids and map sources are relative).
    for (const name of ['web-app', 'sourcemap']) {
      const a = copyFixture(name), b = copyFixture(name);
      for (const d of [a, b]) {
        const r = mfbuild(['build', '--out', 'dist'], { cwd: d, timeout: 120_000 });
        assert.equal(r.code, 0, show(r));
      }
      assertSameTree(join(a, 'dist'), join(b, 'dist'), `fixtures/${name} in ${a} and ${b}`);
    }
  });
});
