// tests/bundle/packages.test.mjs — real npm packages (pinned in the repo's
// package.json, installed at the repo root) bundled with `--target node` and
// exercised by Node: React server rendering through the automatic JSX
// runtime, lodash-es (hundreds of ES modules, a default export and a deep
// import), zustand (an `exports` map with subpaths, CommonJS or ESM by
// condition), @tanstack/query-core (an ESM package with classes, promises and
// timers) and uuid (an `exports` map with a `node` condition over node:crypto).
//
// Each fixture is fixtures/packages/<name>/ (src/ and a package.json pinning
// the version); it resolves the package from the repo's node_modules by
// walking up.  The expected values were checked against the unbundled
// sources run by Node.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, copyFixture, mfbuild, show } from '../lib/mfbuild.mjs';
import { entryChunk, runNode, showRun } from '../lib/bundle.mjs';

after(cleanup);

/** Builds fixtures/packages/<name> for node, runs it; returns its stdout lines. */
function buildAndRun(name) {
  const dir = copyFixture('packages', name);
  const entry = readdirSync(join(dir, 'src')).find((f) => /^index\.(js|jsx|ts|tsx)$/.test(f));
  assert.ok(entry, `fixtures/packages/${name}/src has an index file`);
  const r = mfbuild(['build', '--target', 'node', '--out', 'dist', `./src/${entry}`], { cwd: dir, timeout: 120_000 });
  assert.equal(r.code, 0, show(r));
  const file = entryChunk(join(dir, 'dist'));
  const run = runNode(file, { cwd: dir });
  assert.equal(run.code, 0, showRun(run, file));
  assert.equal(run.stderr, '', showRun(run, file));
  return { lines: run.stdout.split('\n'), stdout: run.stdout, run, file, dir };
}

describe('npm packages bundled for node', () => {
  test('react + react-dom/server: renderToString of a JSX tree', () => {
    const { lines } = buildAndRun('react');
    assert.equal(lines[0],
      '<main id="app"><h1 title="a &quot;title&quot;">Hello &amp; welcome</h1>' +
      '<ul><li class="done">write tests<!-- --> ✓</li><li>ship</li></ul>' +
      '<p>count: <!-- -->3</p><span data-theme="dark">themed</span><span data-theme="light">themed</span>' +
      '<b>in a fragment</b>keyed fragment<input type="checkbox" readonly="" checked=""/>' +
      '<div style="margin-top:4px;color:red"><i>raw</i></div></main>');
    assert.equal(lines[1],
      '<main id="app"><h1 title="a &quot;title&quot;">Hello &amp; welcome</h1><ul></ul><p>count: 3</p>' +
      '<span data-theme="dark">themed</span><span data-theme="light">themed</span>' +
      '<b>in a fragment</b>keyed fragment<input type="checkbox" readonly="" checked=""/>' +
      '<div style="margin-top:4px;color:red"><i>raw</i></div></main>');
    assert.equal(lines[2], 'react 18.3.1');
  });

  test('react: only the production builds are bundled (NODE_ENV defined, dead branch dropped)', () => {
    // React's index files pick their build with
    // `if (process.env.NODE_ENV === 'production')`; as in `mfbuild graph`,
    // the development files must not become modules of a production build.
    // Module functions are keyed by module id (docs/output-format.md).
    const dir = copyFixture('packages', 'react');
    const r = mfbuild(['build', '--target', 'node', '--out', 'dist', './src/index.jsx'], { cwd: dir, timeout: 120_000 });
    assert.equal(r.code, 0, show(r));
    const text = readFileSync(entryChunk(join(dir, 'dist')), 'utf8');
    const ids = [...text.matchAll(/["']([^"'\n]*node_modules\/[^"'\n]+)["']\s*:\s*function\b/g)].map((m) => m[1]);
    assert.ok(ids.some((id) => id.endsWith('react/cjs/react.production.min.js')), `react's production build is a module:\n${ids.join('\n')}`);
    assert.ok(ids.some((id) => /react-dom\/cjs\/react-dom-server(-legacy)?\.node\.production\.min\.js$/.test(id)),
      `react-dom/server resolved through the node condition to its production build:\n${ids.join('\n')}`);
    assert.deepEqual(ids.filter((id) => id.includes('.development.')), [], 'no development build is bundled');
  });

  test('lodash-es: the whole ES build, a default export and a deep import', () => {
    const { lines } = buildAndRun('lodash-es');
    assert.deepEqual(lines, [
      'chunk [[1,2],[3,4],[5]]',
      'groupBy {"core":[{"name":"ada","age":36,"team":"core"},{"name":"linus","age":21,"team":"core"}],"tools":[{"name":"grace","age":45,"team":"tools"}]}',
      'groupBy fn {"4":[4.2],"6":[6.1,6.3]}',
      'sortBy linus,ada,grace',
      'uniq [2,1,3]',
      'camelCase fooBarBazQux foo-bar-baz',
      'merge {"a":[{"b":2,"c":3},{"d":4,"e":5}]}',
      'get 3 fallback',
      'range [0,3,6,9] [[1,3],[2,4]]',
      'chain 10,20,30',
      'default export function 4.18.1',
      'debounce ["c"]',
      '',
    ]);
  });

  test('zustand: vanilla store set/get/subscribe and middleware subpaths', () => {
    const { lines } = buildAndRun('zustand');
    assert.deepEqual(lines, [
      'state 3 ["write tests"]',
      'listener saw 0->1 1->2 2->2',
      'initial 0',
      'setState merges 100 function',
      'replace {"count":1}',
      'combine 4',
      'subscribeWithSelector 1->5',
      '',
    ]);
  });

  test('@tanstack/query-core: QueryClient.fetchQuery, cache and an observer', () => {
    const { lines } = buildAndRun('query-core');
    assert.deepEqual(lines, [
      'fetchQuery {"id":1,"title":"todo 1"}',
      'cached true calls 1',
      'getQueryData {"id":1,"title":"todo 1"}',
      'setQueryData set by hand',
      'queries ["todo",1] ["todo",2]',
      'hashKey ["todo",{"a":1,"b":2}]',
      'rejected boom error',
      'observer todo 3',
      'observer statuses pending,success',
      '',
    ]);
  });

  test('uuid: exports map (node condition), v4 format, v5/v1 known values, validate', () => {
    const { lines } = buildAndRun('uuid');
    const v4 = /^v4 ([0-9a-f-]+)$/.exec(lines[0]);
    assert.ok(v4, `first line is "v4 <uuid>": ${lines[0]}`);
    assert.match(v4[1], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(lines.slice(1), [
      'v4 unique true',
      'v5 dns fdda765f-fc57-5604-a269-52a7df8164ec',
      'v5 url c106a26a-21bb-5538-8bf2-57095d1976c1',
      'v5 custom namespace 630eb68f-e0fa-5ecc-887a-7c7a62614681',
      'v1 fixed 710b962e-041c-11e1-9234-0123456789ab',
      'v7 version 7',
      'validate true false true true',
      'version 4 1',
      'parse 16 107 200 6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      '',
    ]);
  });
});
