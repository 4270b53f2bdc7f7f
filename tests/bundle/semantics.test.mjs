// tests/bundle/semantics.test.mjs — JavaScript semantics through the bundle
// (DESIGN.md section 3; docs/output-format.md): every case in
// fixtures/semantics/<case>/ is bundled with `--target node`, run by Node,
// and what it prints must equal the case's expected.txt exactly.
//
// A case is src/ (entry src/index.<ext>, built as a positional entry) or an
// mfbuild.json (built with that config), expected.txt, and optionally
// case.json:
//   "args":           extra command-line arguments (["--mode", "development"])
//   "separateChunk":  text that must be in a .js chunk other than the entry
//                     (an import() boundary really split the code)
//   "outputContains": source texts that must appear verbatim in the output
//                     (syntax that must pass through untouched)
//   "onceInOutput":   texts that must appear exactly once in all of dist/'s
//                     .js files (a module shared by chunks is not duplicated)
//
// The expected outputs are Node's own behaviour: the pure-ESM cases were
// made with `node src/index.mjs`, the CommonJS ones with `node src/index.cjs`,
// the TypeScript/JSX ones by running TypeScript's transpileModule output.
// json was checked with Node after adding `with { type: 'json' }`, which
// Node needs and bundlers do not.  The rest are bundler contracts that Node
// does not share, each explained at the top of its entry: cjs-esmodule
// (babel `__esModule` interop) and the build-time replacements (node-env*,
// define).  Run with UPDATE_SNAPSHOTS=1 to rewrite expected.txt from the
// bundles, then check every changed line against Node: the truth is Node's
// behaviour, not the bundle's.
//
// Each bundle runs with NODE_ENV=not-replaced in its environment, so a
// `process.env.NODE_ENV` that the build failed to replace shows.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, copyFixture, fixture, mfbuild, show } from '../lib/mfbuild.mjs';
import { entryChunk, listFiles, matchSnapshot, runNode, showRun } from '../lib/bundle.mjs';

after(cleanup);

const root = fixture('semantics');
const cases = readdirSync(root)
  .filter((n) => statSync(join(root, n)).isDirectory())
  .sort();

/** Build arguments of a case directory (a copy of the fixture). */
function buildArgs(dir, extra) {
  const args = ['build', '--target', 'node', '--out', 'dist', ...extra];
  if (existsSync(join(dir, 'mfbuild.json'))) return args;
  const entries = readdirSync(join(dir, 'src')).filter((f) => /^index\.(m?js|cjs|jsx|ts|tsx)$/.test(f));
  assert.equal(entries.length, 1, `one src/index.* in ${dir}: ${entries.join(', ')}`);
  return [...args, `./src/${entries[0]}`];
}

describe('semantics: fixtures/semantics/* bundled for node and run', () => {
  test('the cases are all there', () => {
    assert.ok(cases.length >= 25, `cases: ${cases.join(', ')}`);
    for (const c of cases) {
      const dir = join(root, c);
      assert.ok(existsSync(join(dir, 'src')), `${c} has src/`);
      assert.ok(existsSync(join(dir, 'expected.txt')) || process.env.UPDATE_SNAPSHOTS, `${c} has expected.txt`);
    }
  });

  for (const name of cases) {
    test(name, () => {
      const caseDir = join(root, name);
      const opts = existsSync(join(caseDir, 'case.json'))
        ? JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8'))
        : {};
      const dir = copyFixture('semantics', name);
      const r = mfbuild(buildArgs(dir, opts.args ?? []), { cwd: dir });
      assert.equal(r.code, 0, show(r));

      const dist = join(dir, 'dist');
      const entry = entryChunk(dist);
      const run = runNode(entry, { cwd: dir, env: { NODE_ENV: 'not-replaced', MFBUILD_TEST_VAR: 'from-env' } });
      assert.equal(run.code, 0, showRun(run, entry));
      matchSnapshot(join(caseDir, 'expected.txt'), run.stdout, showRun(run, entry));

      const entryText = readFileSync(entry, 'utf8');
      if (opts.separateChunk) {
        const others = listFiles(dist).filter((f) => f.endsWith('.js') && join(dist, f) !== entry);
        assert.ok(others.length >= 1, `a second .js chunk in dist/: ${listFiles(dist).join(', ')}`);
        assert.ok(!entryText.includes(opts.separateChunk), `${JSON.stringify(opts.separateChunk)} is not in the entry chunk`);
        assert.ok(others.some((f) => readFileSync(join(dist, f), 'utf8').includes(opts.separateChunk)),
          `${JSON.stringify(opts.separateChunk)} is in another chunk (${others.join(', ')})`);
      }
      if (opts.onceInOutput) {
        const all = listFiles(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, f), 'utf8'));
        for (const text of opts.onceInOutput) {
          const n = all.reduce((k, t) => k + t.split(text).length - 1, 0);
          assert.equal(n, 1, `${JSON.stringify(text)} appears once in dist/*.js (found ${n} times)`);
        }
      }
      for (const text of opts.outputContains ?? []) {
        assert.ok(entryText.includes(text), `the output keeps ${JSON.stringify(text)} as written`);
      }
    });
  }
});
