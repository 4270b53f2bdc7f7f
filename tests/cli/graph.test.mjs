// tests/cli/graph.test.mjs — `mfbuild graph` on fixtures/graph/*: the module
// graph of a real React + TSX app (react and react-dom from npm, a CJS
// package, an `exports`-map package, a pnpm-style symlinked layout,
// tsconfig paths, JSON/CSS/asset imports, remotes and shared packages),
// determinism across thread counts, and the source errors (syntax error,
// unresolved imports, Node builtins on the web target).
//
// The JSON contract is DESIGN.md section 1, "Machine-readable output"; the
// diagnostics format is section 6 (one line per diagnostic when stderr is
// not a terminal).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  cleanup, copyFixture, diagnostics, fixture, mfbuild, parseJson, positionOf, problems, repo, show,
  writeFiles,
} from '../lib/mfbuild.mjs';

after(cleanup);

const appDir = fixture('graph', 'react-app');
/** react & co. are installed once at the repo root; paths are relative to the project root. */
const npm = (p) => relative(appDir, join(repo, 'node_modules', p));
const local = (p) => `node_modules/${p}`;
const pnpm = (pkg, version) => `node_modules/.pnpm/${pkg}@${version}/node_modules/${pkg}/index.js`;

/** Every module of the production graph, with its kind.  Nothing else may appear. */
const expectedModules = {
  'src/index.tsx': 'esm',
  'src/App.tsx': 'esm',
  'src/util.ts': 'esm',
  'src/data.json': 'json',
  'src/styles.css': 'css',
  'src/logo.svg': 'asset',
  'src/routes/Lazy.tsx': 'esm',
  'src/lib/x.ts': 'esm',
  'src/barrel.ts': 'esm',
  'src/parts/a.ts': 'esm',
  'src/parts/b.ts': 'esm',
  'src/Widget.tsx': 'esm',
  [local('legacy-cjs/lib/index.js')]: 'cjs',
  [local('legacy-cjs/lib/helper.js')]: 'cjs',
  [local('exports-pkg/dist/index.cjs')]: 'cjs',
  [local('exports-pkg/dist/feature.browser.mjs')]: 'esm',
  [local('exports-pkg/dist/shared.mjs')]: 'esm',
  [local('exports-pkg/dist/helpers.mjs')]: 'esm',
  [local('exports-pkg/dist/utils/format.mjs')]: 'esm',
  [pnpm('pnpm-pkg', '1.0.0')]: 'esm',
  [pnpm('pnpm-other', '1.0.0')]: 'esm',
  [pnpm('pnpm-dep', '1.0.0')]: 'esm',
  [pnpm('pnpm-dep', '2.0.0')]: 'esm',
  [npm('react/index.js')]: 'cjs',
  [npm('react/cjs/react.production.min.js')]: 'cjs',
  [npm('react/jsx-runtime.js')]: 'cjs',
  [npm('react/cjs/react-jsx-runtime.production.min.js')]: 'cjs',
  [npm('react-dom/client.js')]: 'cjs',
  [npm('react-dom/index.js')]: 'cjs',
  [npm('react-dom/cjs/react-dom.production.min.js')]: 'cjs',
  [npm('scheduler/index.js')]: 'cjs',
  [npm('scheduler/cjs/scheduler.production.min.js')]: 'cjs',
};

/** [from, specifier, to, kind]: edges that must be present, exactly once each. */
const expectedEdges = [
  ['src/index.tsx', 'react-dom/client', npm('react-dom/client.js'), 'import'],
  ['src/index.tsx', './App', 'src/App.tsx', 'import'],
  ['src/index.tsx', 'react/jsx-runtime', npm('react/jsx-runtime.js'), 'import'],
  ['src/App.tsx', 'react', npm('react/index.js'), 'import'],
  ['src/App.tsx', './util.js', 'src/util.ts', 'import'],
  ['src/App.tsx', './data.json', 'src/data.json', 'import'],
  ['src/App.tsx', './styles.css', 'src/styles.css', 'import'],
  ['src/App.tsx', './logo.svg', 'src/logo.svg', 'import'],
  ['src/App.tsx', 'legacy-cjs', local('legacy-cjs/lib/index.js'), 'import'],
  ['src/App.tsx', 'exports-pkg/feature', local('exports-pkg/dist/feature.browser.mjs'), 'import'],
  ['src/App.tsx', 'exports-pkg/utils/format', local('exports-pkg/dist/utils/format.mjs'), 'import'],
  ['src/App.tsx', 'pnpm-pkg', pnpm('pnpm-pkg', '1.0.0'), 'import'],
  ['src/App.tsx', 'pnpm-dep', pnpm('pnpm-dep', '2.0.0'), 'import'],
  ['src/App.tsx', 'pnpm-other', pnpm('pnpm-other', '1.0.0'), 'import'],
  ['src/App.tsx', '@/lib/x', 'src/lib/x.ts', 'import'],
  ['src/App.tsx', './barrel', 'src/barrel.ts', 'import'],
  ['src/App.tsx', './routes/Lazy', 'src/routes/Lazy.tsx', 'dynamic'],
  ['src/App.tsx', 'react/jsx-runtime', npm('react/jsx-runtime.js'), 'import'],
  ['src/barrel.ts', './parts/a', 'src/parts/a.ts', 'export-star'],
  ['src/barrel.ts', './parts/b', 'src/parts/b.ts', 'reexport'],
  ['src/routes/Lazy.tsx', 'react/jsx-runtime', npm('react/jsx-runtime.js'), 'import'],
  ['src/Widget.tsx', 'react', npm('react/index.js'), 'import'],
  ['src/Widget.tsx', './util', 'src/util.ts', 'import'],
  ['src/Widget.tsx', 'react/jsx-runtime', npm('react/jsx-runtime.js'), 'import'],
  [local('legacy-cjs/lib/index.js'), './helper', local('legacy-cjs/lib/helper.js'), 'require'],
  [local('legacy-cjs/lib/index.js'), 'exports-pkg', local('exports-pkg/dist/index.cjs'), 'require'],
  [local('exports-pkg/dist/feature.browser.mjs'), './shared.mjs', local('exports-pkg/dist/shared.mjs'), 'export-star'],
  [local('exports-pkg/dist/feature.browser.mjs'), './helpers.mjs', local('exports-pkg/dist/helpers.mjs'), 'reexport'],
  [pnpm('pnpm-pkg', '1.0.0'), 'pnpm-dep', pnpm('pnpm-dep', '1.0.0'), 'import'],
  [pnpm('pnpm-other', '1.0.0'), 'pnpm-dep', pnpm('pnpm-dep', '1.0.0'), 'import'],
  [npm('react/index.js'), './cjs/react.production.min.js', npm('react/cjs/react.production.min.js'), 'require'],
  [npm('react/jsx-runtime.js'), './cjs/react-jsx-runtime.production.min.js',
    npm('react/cjs/react-jsx-runtime.production.min.js'), 'require'],
  [npm('react/cjs/react-jsx-runtime.production.min.js'), 'react', npm('react/index.js'), 'require'],
  [npm('react-dom/client.js'), 'react-dom', npm('react-dom/index.js'), 'require'],
  [npm('react-dom/index.js'), './cjs/react-dom.production.min.js', npm('react-dom/cjs/react-dom.production.min.js'), 'require'],
  [npm('react-dom/cjs/react-dom.production.min.js'), 'react', npm('react/index.js'), 'require'],
  [npm('react-dom/cjs/react-dom.production.min.js'), 'scheduler', npm('scheduler/index.js'), 'require'],
  [npm('scheduler/index.js'), './cjs/scheduler.production.min.js', npm('scheduler/cjs/scheduler.production.min.js'), 'require'],
];

const byPath = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const key = (o) => JSON.stringify(o);

describe('graph --json on the React + TSX app (fixtures/graph/react-app)', () => {
  let r, g;
  before(() => {
    r = mfbuild(['graph', '--json'], { cwd: appDir });
    try {
      g = parseJson(r.stdout);
    } catch {
      g = { modules: [], edges: [], remotes: [], shared: [] }; // the first test reports why
    }
  });

  test('exits 0 with no diagnostics and one JSON object', () => {
    assert.equal(r.code, 0, show(r));
    assert.equal(problems(r.stderr).length, 0, show(r));
    parseJson(r.stdout);
    for (const k of ['modules', 'edges', 'remotes', 'shared']) assert.ok(Array.isArray(g[k]), `"${k}" is an array`);
    assert.equal((g.diagnostics ?? []).filter((d) => d.kind === 'error').length, 0, JSON.stringify(g.diagnostics));
  });

  test('modules have id, path, kind and size', () => {
    for (const m of g.modules) {
      assert.equal(typeof m.id, 'string', key(m));
      assert.equal(typeof m.path, 'string', key(m));
      assert.ok(['esm', 'cjs', 'json', 'css', 'asset'].includes(m.kind), key(m));
      assert.ok(Number.isInteger(m.size) && m.size > 0, `size of ${key(m)}`);
      assert.ok(!m.path.startsWith('/'), `path relative to the project root: ${m.path}`);
    }
    const app = g.modules.find((m) => m.path === 'src/App.tsx');
    assert.ok(app, 'src/App.tsx is a module');
    assert.equal(app.size, readFileSync(join(appDir, 'src/App.tsx')).length, 'size is the file size in bytes');
  });

  test('every expected module is present with the right kind', () => {
    const got = new Map(g.modules.map((m) => [m.path, m.kind]));
    const wrong = [];
    for (const [p, kind] of Object.entries(expectedModules)) {
      if (!got.has(p)) wrong.push(`missing ${p} (${kind})`);
      else if (got.get(p) !== kind) wrong.push(`${p}: kind ${got.get(p)}, expected ${kind}`);
    }
    assert.deepEqual(wrong, [], `module list:\n${g.modules.map((m) => `${m.path} ${m.kind}`).join('\n')}`);
  });

  test('no other module is in the graph (no development builds, no type-only files, no unused exports conditions)', () => {
    assert.ok(g.modules.length > 0, 'a graph');
    const extra = g.modules.map((m) => m.path).filter((p) => !(p in expectedModules));
    assert.deepEqual(extra, []);
  });

  test('each module path appears once, and id == path', () => {
    assert.ok(g.modules.length > 0, 'a graph');
    const paths = g.modules.map((m) => m.path);
    assert.equal(new Set(paths).size, paths.length, `duplicates: ${paths.filter((p, i) => paths.indexOf(p) !== i)}`);
    for (const m of g.modules) assert.equal(m.id, m.path);
  });

  test('the entry comes first', () => {
    assert.equal(g.modules[0].path, 'src/index.tsx');
  });

  test('every edge joins two listed modules and has a known kind', () => {
    assert.ok(g.edges.length > 0, 'edges');
    const paths = new Set(g.modules.map((m) => m.path));
    for (const e of g.edges) {
      assert.ok(paths.has(e.from), `edge from unknown module: ${key(e)}`);
      assert.ok(paths.has(e.to), `edge to unknown module: ${key(e)}`);
      assert.ok(['import', 'reexport', 'export-star', 'dynamic', 'require'].includes(e.kind), key(e));
      assert.equal(typeof e.specifier, 'string');
    }
  });

  test('edges: imports, dynamic, require, reexport and export-star, each once', () => {
    const problemsFound = [];
    for (const [from, specifier, to, kind] of expectedEdges) {
      const same = g.edges.filter((e) => e.from === from && e.specifier === specifier);
      if (same.length !== 1) {
        problemsFound.push(`${from} "${specifier}": ${same.length} edges ${key(same)}`);
        continue;
      }
      if (same[0].to !== to || same[0].kind !== kind)
        problemsFound.push(`${from} "${specifier}": got ${same[0].kind} -> ${same[0].to}, expected ${kind} -> ${to}`);
    }
    assert.deepEqual(problemsFound, []);
  });

  test('the implicit react/jsx-runtime edge comes from JSX files only', () => {
    const jsxFiles = g.edges.filter((e) => e.specifier === 'react/jsx-runtime').map((e) => e.from).sort(byPath);
    assert.deepEqual(jsxFiles, ['src/App.tsx', 'src/Widget.tsx', 'src/index.tsx', 'src/routes/Lazy.tsx'].sort(byPath));
  });

  test('type-only imports and re-exports are not edges', () => {
    assert.ok(g.edges.some((e) => e.from === 'src/barrel.ts'), 'src/barrel.ts has its other edges');
    assert.deepEqual(g.edges.filter((e) => e.specifier === './types'), []);
    assert.ok(!g.modules.some((m) => m.path === 'src/types.ts'), 'src/types.ts is not a module');
  });

  test('src/util.ts (no imports, no JSX) has no outgoing edge', () => {
    assert.ok(g.modules.some((m) => m.path === 'src/util.ts'), 'src/util.ts is a module');
    assert.deepEqual(g.edges.filter((e) => e.from === 'src/util.ts'), []);
  });

  test('react/index.js is CommonJS and requires only the production build', () => {
    const reactIndex = npm('react/index.js');
    assert.equal(reactIndex, '../../../node_modules/react/index.js');
    const out = g.edges.filter((e) => e.from === reactIndex);
    assert.deepEqual(out.map((e) => [e.specifier, e.kind]), [['./cjs/react.production.min.js', 'require']]);
    assert.ok(!g.modules.some((m) => /\.development\.js$/.test(m.path)), 'no development build in production');
  });

  test('the exports map picks "browser" for the web and "require" for require()', () => {
    const paths = g.modules.map((m) => m.path);
    assert.ok(paths.includes(local('exports-pkg/dist/feature.browser.mjs')), 'the "browser" file');
    assert.ok(paths.includes(local('exports-pkg/dist/index.cjs')), 'the "require" file');
    for (const unused of ['feature.mjs', 'feature.cjs', 'index.mjs', 'wrong-main.js'])
      assert.ok(!paths.includes(local(`exports-pkg/dist/${unused}`)), `exports-pkg/dist/${unused} is not used`);
  });

  test('pnpm packages are at their real paths, and one package behind two links is one module', () => {
    const pnpmModules = g.modules.filter((m) => /(^|\/)(pnpm-pkg|pnpm-dep|pnpm-other)(\/|$)/.test(m.path));
    assert.equal(pnpmModules.length, 4, pnpmModules.map((m) => m.path).join('\n'));
    for (const m of pnpmModules) assert.ok(m.path.includes('.pnpm/'), `real path: ${m.path}`);
    const dep1 = g.modules.filter((m) => m.path.includes('pnpm-dep@1.0.0'));
    assert.equal(dep1.length, 1);
    const into = g.edges.filter((e) => e.to === dep1[0].path).map((e) => e.from).sort(byPath);
    assert.deepEqual(into, [pnpm('pnpm-other', '1.0.0'), pnpm('pnpm-pkg', '1.0.0')].sort(byPath));
  });

  test('remote references: the static and the dynamic one, with no module and no edge', () => {
    const got = [...g.remotes].sort((a, b) => byPath(a.specifier, b.specifier));
    assert.deepEqual(got, [
      { from: 'src/App.tsx', specifier: 'catalog/Banner', remote: 'catalog', expose: './Banner' },
      { from: 'src/App.tsx', specifier: 'catalog/ProductList', remote: 'catalog', expose: './ProductList' },
    ]);
    assert.deepEqual(g.edges.filter((e) => e.specifier.startsWith('catalog')), []);
    assert.ok(!g.modules.some((m) => m.path.includes('catalog')));
  });

  test('shared consume points: from the app and from inside node_modules', () => {
    const got = g.shared.map((s) => key({ from: s.from, specifier: s.specifier, package: s.package })).sort(byPath);
    const want = [
      { from: 'src/App.tsx', specifier: 'react', package: 'react' },
      { from: 'src/Widget.tsx', specifier: 'react', package: 'react' },
      { from: npm('react-dom/client.js'), specifier: 'react-dom', package: 'react-dom' },
      { from: npm('react-dom/cjs/react-dom.production.min.js'), specifier: 'react', package: 'react' },
      { from: npm('react/cjs/react-jsx-runtime.production.min.js'), specifier: 'react', package: 'react' },
    ].map(key).sort(byPath);
    assert.deepEqual(got, want);
  });

  test('the shared packages are still in the graph (local fallback)', () => {
    const paths = g.modules.map((m) => m.path);
    assert.ok(paths.includes(npm('react/index.js')));
    assert.ok(paths.includes(npm('react-dom/index.js')));
  });
});

describe('remotes and shared keys, matched as ModuleFederationPlugin does', () => {
  test('the bare alias is expose "."; a longer name that starts like the alias is no remote', () => {
    const d = copyFixture('graph', 'no-config');
    writeFiles(d, {
      'mfbuild.json': { name: 'host', entry: './src/main.js', remotes: { catalog: 'catalog@http://localhost:3002/remoteEntry.js' } },
      'src/main.js': "import cat from 'catalog';\nimport other from 'catalogue';\nconsole.log(cat, other);\n",
    });
    const r = mfbuild(['graph', '--json'], { cwd: d });
    assert.equal(r.code, 1, show(r));
    const g = parseJson(r.stdout);
    assert.deepEqual(g.remotes, [{ from: 'src/main.js', specifier: 'catalog', remote: 'catalog', expose: '.' }]);
    assert.deepEqual(g.diagnostics.map((x) => [x.id, x.file, x.line, x.column]),
      [['unresolved-import', 'src/main.js', 2, 19]]);
  });

  test('a shared key ending in "/" shares every subpath; an exact key only itself', () => {
    const d = copyFixture('graph', 'react-app');
    const config = JSON.parse(readFileSync(join(appDir, 'mfbuild.json'), 'utf8'));
    config.shared = { react: { singleton: true }, 'react-dom/': { singleton: true } };
    writeFiles(d, { 'mfbuild.json': config });
    const r = mfbuild(['graph', '--json'], { cwd: d });
    assert.equal(r.code, 0, show(r));
    const g = parseJson(r.stdout);
    const rd = g.shared.filter((s) => s.package === 'react-dom').map((s) => [s.from, s.specifier]);
    assert.deepEqual(rd, [['src/index.tsx', 'react-dom/client']], '"react-dom/" matches react-dom/client, not react-dom');
    assert.ok(!g.shared.some((s) => s.specifier === 'react/jsx-runtime'), '"react" does not match react/jsx-runtime');
  });
});

describe('the JSX runtime import follows "jsx" and the mode', () => {
  const jsxProject = (jsx) => {
    const d = copyFixture('graph', 'no-config');
    writeFiles(d, {
      'mfbuild.json': jsx ? { entry: './src/App.jsx', jsx } : { entry: './src/App.jsx' },
      'src/App.jsx': 'export const App = () => <div>hi</div>;\n',
    });
    return d;
  };

  test('classic runtime: no implicit import', () => {
    const r = mfbuild(['graph', '--json'], { cwd: jsxProject({ runtime: 'classic' }) });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(parseJson(r.stdout).edges, []);
  });

  test('importSource: the implicit import names it, and its failure says why', () => {
    const r = mfbuild(['graph'], { cwd: jsxProject({ importSource: 'preact' }) });
    assert.equal(r.code, 1, show(r));
    const d = diagnostics(r.stderr);
    assert.deepEqual(d.filter((x) => x.kind === 'error').map((x) => [x.file, x.line, x.id]),
      [['src/App.jsx', 1, 'unresolved-import']]);
    assert.match(d[0].text, /"preact\/jsx-runtime"/);
    assert.ok(d.some((x) => x.kind === 'note' && /runtime/.test(x.text)), 'a note on the automatic runtime');
  });
});

describe('graph (text) on the React app', () => {
  test('exits 0 and lists the modules, remotes and shared points', () => {
    const r = mfbuild(['graph'], { cwd: appDir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^src\/App\.tsx\b/m);
    assert.match(r.stdout, /^src\/index\.tsx\b/m);
    assert.match(r.stdout, /catalog\/Banner/);
    assert.match(r.stdout, /\.pnpm\/pnpm-pkg@1\.0\.0/);
    assert.match(r.stdout, new RegExp(`\\b${Object.keys(expectedModules).length} modules\\b`));
    assert.equal(problems(r.stderr).length, 0, show(r));
  });
});

describe('graph --mode development', () => {
  test('picks the development builds of react', () => {
    const r = mfbuild(['graph', '--json', '--mode', 'development'], { cwd: appDir });
    assert.equal(r.code, 0, show(r));
    const g = parseJson(r.stdout);
    const paths = g.modules.map((m) => m.path);
    assert.ok(paths.includes(npm('react/cjs/react.development.js')), paths.join('\n'));
    assert.ok(!paths.includes(npm('react/cjs/react.production.min.js')));
    const out = g.edges.filter((e) => e.from === npm('react/index.js'));
    assert.deepEqual(out.map((e) => e.specifier), ['./cjs/react.development.js']);
  });
});

describe('determinism', () => {
  test('graph --json is byte-identical with -j1 and -j8, run after run', () => {
    const outs = [];
    for (const j of ['1', '8', '1', '8', '1', '8']) {
      const r = mfbuild(['graph', '--json', '-j', j], { cwd: appDir });
      assert.equal(r.code, 0, show(r));
      outs.push(r.stdout);
    }
    assert.ok(outs[0].length > 1000, 'a real graph');
    for (let i = 1; i < outs.length; i++) assert.equal(outs[i], outs[0], `run ${i + 1} differs from run 1`);
  });

  test('a graph whose parse jobs finish out of order is still byte-identical (-j1, -j2, -j8)', () => {
    // The entry imports one big file first, then many small ones, each with
    // a child.  With one thread the jobs finish in submission order; with
    // several the small files finish long before the big one, so the order
    // in which modules are discovered differs between runs and thread counts.
    const big = Array.from({ length: 10000 }, (_, i) =>
      `export function f${i}(a, b) { return [a + ${i}, b * ${i}, { k: "v${i}" }]; }`).join('\n');
    const files = {
      'src/index.js': ["import './big.js';", ...Array.from({ length: 40 }, (_, i) => `import './s${i}.js';`)].join('\n') + '\n',
      'src/big.js': `import './bigdep.js';\n${big}\n`,
      'src/bigdep.js': 'export const bigdep = 1;\n',
    };
    for (let i = 0; i < 40; i++) {
      files[`src/s${i}.js`] = `import { t } from './t${i}.js';\nexport const s${i} = t;\n`;
      files[`src/t${i}.js`] = `export const t = ${i};\n`;
    }
    const dir = writeFiles(copyFixture('graph', 'no-config'), files);
    const outs = [];
    for (const j of ['1', '8', '2', '8', '1', '8']) {
      const r = mfbuild(['graph', '--json', '-j', j, 'src/index.js'], { cwd: dir });
      assert.equal(r.code, 0, show(r));
      outs.push(r.stdout);
    }
    const g = parseJson(outs[0]);
    assert.equal(g.modules.length, 83);
    // Depth-first from the entry, imports in source order.
    assert.deepEqual(g.modules.slice(0, 5).map((m) => m.path),
      ['src/index.js', 'src/big.js', 'src/bigdep.js', 'src/s0.js', 'src/t0.js']);
    for (let i = 1; i < outs.length; i++) assert.equal(outs[i], outs[0], `run ${i + 1} differs from run 1`);
  });

  test('text output is identical too, and so are diagnostics (a failing build)', () => {
    const a = mfbuild(['graph', '-j1'], { cwd: appDir });
    const b = mfbuild(['graph', '-j8'], { cwd: appDir });
    assert.match(a.stdout, /^src\/App\.tsx/m);
    assert.equal(a.stdout, b.stdout);
    const dir = fixture('graph', 'unresolved');
    const c = mfbuild(['graph', '--json', '-j1'], { cwd: dir });
    const d = mfbuild(['graph', '--json', '-j8'], { cwd: dir });
    assert.equal(c.code, 1, show(c));
    assert.match(c.stderr, /\[unresolved-import\]/);
    assert.equal(c.stderr, d.stderr);
    assert.equal(c.stdout, d.stdout);
  });
});

describe('syntax error (fixtures/graph/syntax-error)', () => {
  const dir = fixture('graph', 'syntax-error');
  const src = readFileSync(join(dir, 'src/Broken.jsx'), 'utf8');
  // Line 6 lacks the ")" of `items.map(`: it should come before the "}".
  const bad = positionOf(src, '</li>}');

  test('exits 1 with a located [syntax-error] in src/Broken.jsx', () => {
    const r = mfbuild(['graph'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const errs = problems(r.stderr).filter((d) => d.id === 'syntax-error');
    assert.ok(errs.length >= 1, show(r));
    const e = errs[0];
    assert.equal(e.kind, 'error');
    assert.equal(e.file, 'src/Broken.jsx', show(r));
    assert.equal(e.line, bad.line, show(r));
    assert.ok(e.col >= 1 && e.col <= bad.col + '</li>}'.length, `column ${e.col} on line ${bad.line}`);
    assert.equal(r.stdout, '', 'no graph printed when there are errors');
  });

  test('--json still prints one JSON object with the diagnostic', () => {
    const r = mfbuild(['graph', '--json'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const g = parseJson(r.stdout);
    assert.ok(Array.isArray(g.diagnostics), 'diagnostics array');
    const d = g.diagnostics.find((x) => x.id === 'syntax-error');
    assert.ok(d, JSON.stringify(g.diagnostics));
    assert.equal(d.kind, 'error');
    assert.equal(d.file, 'src/Broken.jsx');
    assert.equal(d.line, bad.line);
    assert.equal(typeof d.column, 'number');
    assert.equal(typeof d.text, 'string');
    assert.ok(Array.isArray(g.modules) && g.modules.some((m) => m.path === 'src/index.jsx'), 'partial graph');
  });
});

describe('other bad sources', () => {
  test('a .json module that does not parse: [json-syntax], exit 1', () => {
    const d = copyFixture('graph', 'no-config');
    writeFiles(d, { 'src/config.json': '{\n  "who": ,\n  "x": 1\n}\n' });
    const r = mfbuild(['graph', 'src/index.js'], { cwd: d });
    assert.equal(r.code, 1, show(r));
    const e = problems(r.stderr).find((x) => x.id === 'json-syntax');
    assert.ok(e, show(r));
    assert.equal(e.file, 'src/config.json');
    assert.equal(e.line, 2, show(r));
  });

  test('syntax errors in TypeScript: the position of the first one', () => {
    const d = copyFixture('graph', 'no-config');
    writeFiles(d, {
      'src/index.js': "import { f } from './f.ts';\nconsole.log(f);\n",
      'src/f.ts': 'export function f(a: number): number {\n  return a +;\n}\n',
    });
    const r = mfbuild(['graph', 'src/index.js'], { cwd: d });
    assert.equal(r.code, 1, show(r));
    const e = problems(r.stderr).find((x) => x.id === 'syntax-error');
    assert.ok(e, show(r));
    assert.deepEqual([e.file, e.line], ['src/f.ts', 2], show(r));
  });
});

describe('unresolved imports (fixtures/graph/unresolved)', () => {
  const dir = fixture('graph', 'unresolved');
  let r;
  before(() => {
    r = mfbuild(['graph'], { cwd: dir });
  });

  test('exits 1, graph not printed', () => {
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /\[unresolved-import\]/);
    assert.equal(r.stdout, '');
  });

  test('a typo is reported at 3:20 with a "Did you mean" note (DESIGN.md section 6)', () => {
    const lines = r.stderr.split('\n');
    const i = lines.findIndex((l) => l.startsWith('src/App.jsx:3:20: error: '));
    assert.ok(i >= 0, show(r));
    assert.match(lines[i], /^src\/App\.jsx:3:20: error: .*"\.\/Buton".* \[unresolved-import\]$/);
    assert.match(lines[i + 1] ?? '', /^src\/App\.jsx:3:20: note: Did you mean "\.\/Button"\?$/, show(r));
  });

  test('an uninstalled package and an unexported subpath are errors too', () => {
    const errs = problems(r.stderr);
    const pkg = errs.find((d) => d.text.includes('"not-installed-pkg"'));
    assert.ok(pkg, show(r));
    assert.deepEqual([pkg.file, pkg.line, pkg.col, pkg.id], ['src/App.jsx', 4, 15, 'unresolved-import']);
    const sub = errs.find((d) => d.text.includes('"installed-pkg/missing-subpath"'));
    assert.ok(sub, show(r));
    assert.deepEqual([sub.file, sub.line, sub.col, sub.id], ['src/App.jsx', 5, 19, 'unresolved-import']);
  });

  test('all errors of the build are printed, sorted by file, line, column', () => {
    const errs = problems(r.stderr).map((d) => [d.file, d.line, d.col, d.id]);
    assert.deepEqual(errs, [
      ['src/App.jsx', 3, 20, 'unresolved-import'],
      ['src/App.jsx', 4, 15, 'unresolved-import'],
      ['src/App.jsx', 5, 19, 'unresolved-import'],
      ['src/index.jsx', 3, 8, 'unresolved-import'],
    ]);
  });

  test('--json lists the same diagnostics with line, column and length', () => {
    const j = mfbuild(['graph', '--json'], { cwd: dir });
    assert.equal(j.code, 1, show(j));
    const g = parseJson(j.stdout);
    const got = g.diagnostics.map((d) => [d.kind, d.id, d.file, d.line, d.column]);
    assert.deepEqual(got, [
      ['error', 'unresolved-import', 'src/App.jsx', 3, 20],
      ['error', 'unresolved-import', 'src/App.jsx', 4, 15],
      ['error', 'unresolved-import', 'src/App.jsx', 5, 19],
      ['error', 'unresolved-import', 'src/index.jsx', 3, 8],
    ]);
    assert.equal(g.diagnostics[0].length, '"./Buton"'.length);
    assert.match(g.diagnostics[0].text, /Did you mean "\.\/Button"\?/);
    // The resolvable part is still a graph: the typo'd import has no edge.
    assert.ok(g.modules.some((m) => m.path === 'src/Card.jsx'));
    assert.ok(!g.modules.some((m) => m.path === 'src/Button.jsx'));
  });
});

describe('Node builtins (fixtures/graph/node-builtin)', () => {
  const dir = fixture('graph', 'node-builtin');

  test('target web: each builtin import is a [node-builtin] error', () => {
    const r = mfbuild(['graph'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const errs = problems(r.stderr).map((d) => [d.file, d.line, d.col, d.id]);
    assert.deepEqual(errs, [
      ['src/index.js', 1, 16, 'node-builtin'],
      ['src/index.js', 2, 22, 'node-builtin'],
    ]);
    assert.match(r.stderr, /"fs"/);
    assert.match(r.stderr, /"node:path"/);
  });

  test('--target node accepts them, with no edge', () => {
    const r = mfbuild(['graph', '--json', '--target', 'node'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const g = parseJson(r.stdout);
    assert.deepEqual(g.modules.map((m) => m.path), ['src/index.js', 'src/local.js']);
    assert.deepEqual(g.edges.map((e) => [e.from, e.specifier, e.to, e.kind]), [
      ['src/index.js', './local.js', 'src/local.js', 'import'],
    ]);
  });

  test('"target": "node" in mfbuild.json does the same', () => {
    const d = copyFixture('graph', 'node-builtin');
    writeFiles(d, { 'mfbuild.json': { entry: './src/index.js', target: 'node' } });
    const r = mfbuild(['graph'], { cwd: d });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^src\/index\.js/m);
    assert.equal(problems(r.stderr).length, 0, show(r));
  });
});

describe('entries given on the command line', () => {
  test('graph src/index.js works without mfbuild.json', () => {
    const dir = fixture('graph', 'no-config');
    const r = mfbuild(['graph', '--json', 'src/index.js'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const g = parseJson(r.stdout);
    assert.deepEqual(g.modules.map((m) => [m.path, m.kind]), [
      ['src/index.js', 'esm'], ['src/greet.js', 'esm'], ['src/config.json', 'json'],
    ]);
    assert.deepEqual(g.remotes, []);
    assert.deepEqual(g.shared, []);
  });

  test('a positional entry overrides the entry of mfbuild.json', () => {
    const r = mfbuild(['graph', '--json', './src/routes/Lazy.tsx'], { cwd: appDir });
    assert.equal(r.code, 0, show(r));
    const g = parseJson(r.stdout);
    const paths = g.modules.map((m) => m.path);
    assert.equal(paths[0], 'src/routes/Lazy.tsx');
    assert.ok(!paths.includes('src/index.tsx'), 'the config entry is replaced');
  });

  test('a positional entry that does not exist is an error, exit 2', () => {
    const dir = fixture('graph', 'no-config');
    const r = mfbuild(['graph', 'src/nope.js'], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /src\/nope\.js/);
    assert.ok(problems(r.stderr).some((d) => d.id === 'config-missing-file'), show(r));
  });
});

describe('warnings', () => {
  test('a non-literal require is a warning (exit 0); --quiet hides it', () => {
    const d = copyFixture('graph', 'no-config');
    writeFiles(d, {
      'src/index.js': "const { greet } = require('./greet.js');\nconst name = './config.json';\nconst m = require(name);\nconsole.log(greet, m);\n",
    });
    const r = mfbuild(['graph', 'src/index.js'], { cwd: d });
    assert.equal(r.code, 0, show(r));
    const w = problems(r.stderr);
    assert.deepEqual(w.map((x) => [x.file, x.line, x.kind, x.id]), [['src/index.js', 3, 'warning', 'non-literal-import']]);
    const q = mfbuild(['graph', '--quiet', 'src/index.js'], { cwd: d });
    assert.equal(q.code, 0, show(q));
    assert.deepEqual(problems(q.stderr), []);
    assert.equal(q.stdout, r.stdout);
  });
});

describe('diagnostics format', () => {
  test('NO_COLOR and a pipe: no escape codes; --color always: colored', () => {
    const dir = fixture('graph', 'unresolved');
    const plain = mfbuild(['graph'], { cwd: dir });
    assert.ok(!plain.stderr.includes('\x1b['), 'no escapes');
    const colored = mfbuild(['graph', '--color', 'always'], { cwd: dir });
    assert.equal(colored.code, 1);
    assert.ok(colored.stderr.includes('\x1b['), 'escapes with --color always');
    const never = mfbuild(['graph', '--color', 'never'], { cwd: dir });
    assert.ok(!never.stderr.includes('\x1b['));
    assert.deepEqual(diagnostics(never.stderr), diagnostics(plain.stderr));
  });
});
