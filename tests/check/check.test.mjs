// tests/check/check.test.mjs — `mfbuild check SOURCE...` (DESIGN.md section
// 1; issue 6): every check on hand-written manifests and stats
// (fixtures/check/<case>/, one case per check), on apps built by mfbuild in
// the test, on the manifest of a real Rspack build (fixtures/interop/
// rspack-remote, built with tests/lib/interop.mjs), URL sources served by
// tests/lib/server.mjs, unreachable and failing URLs, malformed JSON, the
// --json shape, --strict and the exit codes (0 clean, 1 any error, 2 usage
// or unreadable input).  Also the build-time warning of item 4
// (shared-version-mismatch).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bin, cleanup, fixture, mfbuild, parseJson, positionOf, problems, project, show, tempDir, writeFiles,
} from '../lib/mfbuild.mjs';
import { assertPeersInstalled, peerBuild } from '../lib/interop.mjs';
import { startServer } from '../lib/server.mjs';

after(cleanup);

const cases = fixture('check');
const at = (...p) => join(cases, ...p);

/** Runs `mfbuild check --json ...args` and parses its one JSON object. */
function checkJson(args, opts) {
  const r = mfbuild(['check', '--json', ...args], opts);
  return { r, j: parseJson(r.stdout) };
}

/**
 * mfbuild() without blocking: the URL tests' server runs in this process,
 * so the event loop must keep turning while mfbuild fetches from it.
 */
function mfbuildAsync(args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
}

async function checkJsonAsync(args) {
  const r = await mfbuildAsync(['check', '--json', ...args]);
  return { r, j: parseJson(r.stdout) };
}

const ids = (j) => j.problems.map((p) => `${p.severity}:${p.id}`).sort();
const names = (p) => p.apps.map((a) => a.name).sort();

describe('checks on hand-written manifests and stats', () => {
  test('clean: two agreeing mfbuild apps exit 0 with no problems', () => {
    const { r, j } = checkJson([at('clean', 'host'), at('clean', 'catalog')]);
    assert.equal(r.code, 0, show(r));
    assert.equal(j.ok, true);
    assert.deepEqual(j.problems, []);
    assert.deepEqual(j.skipped, []);
    assert.deepEqual(j.sources.map((s) => [s.name, s.producer, s.kind]), [['host', 'mfbuild', 'stats'], ['catalog', 'mfbuild', 'stats']]);
    // What singleton negotiation picks, per package: the highest provided.
    assert.deepEqual(j.packages.map((p) => [p.name, p.picked, p.provider.name, p.apps.map((a) => [a.name, a.version, a.strictVersion])]),
      [['react', '18.3.1', 'host', [['host', '18.3.1', false], ['catalog', '18.2.0', false]]]]);
    // A folder means its mf-stats.json.
    assert.match(j.sources[0].file, /clean\/host\/mf-stats\.json$/);
    const text = mfbuild(['check', at('clean', 'host'), at('clean', 'catalog')]);
    assert.equal(text.code, 0, show(text));
    assert.match(text.stdout, /0 errors, 0 warnings, 0 skipped, 2 apps checked/);
  });

  test('check-singleton-mismatch: singleton in one app, not in another (error)', () => {
    const { r, j } = checkJson([at('singleton-mismatch', 'a'), at('singleton-mismatch', 'b')]);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-singleton-mismatch']);
    const p = j.problems[0];
    assert.equal(p.package, 'react');
    assert.deepEqual(names(p), ['cart', 'shell']);
    assert.match(p.text, /singleton by shell but not by cart/);
    assert.match(p.hint, /singleton: true/);
  });

  test('check-unsatisfied-version: the negotiated singleton fails a strictVersion consumer (error)', () => {
    const { r, j } = checkJson([at('unsatisfied-strict', 'shell'), at('unsatisfied-strict', 'legacy')]);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-unsatisfied-version', 'warning:check-two-majors']);
    const p = j.problems.find((x) => x.id === 'check-unsatisfied-version');
    // Highest provided wins, as the runtime negotiates: 18.3.1 from shell.
    assert.match(p.text, /picks 18\.3\.1 \(from shell\).*legacy's requiredVersion "\^17\.0\.0"/);
    assert.deepEqual(names(p), ['legacy', 'shell']);
  });

  test('check-unsatisfied-version without strictVersion is a warning; --strict makes it an error', () => {
    const src = [at('unsatisfied-loose', 'shell'), at('unsatisfied-loose', 'cart')];
    const loose = checkJson(src);
    assert.equal(loose.r.code, 0, show(loose.r));
    assert.equal(loose.j.ok, true);
    assert.deepEqual(ids(loose.j), ['warning:check-unsatisfied-version']);
    assert.match(loose.j.problems[0].text, /picks 18\.3\.1 \(from shell\).*cart's requiredVersion "~18\.2\.0"/);
    const strict = checkJson(['--strict', ...src]);
    assert.equal(strict.r.code, 1, show(strict.r));
    assert.equal(strict.j.ok, false);
    assert.equal(strict.j.strict, true);
    assert.deepEqual(ids(strict.j), ['error:check-unsatisfied-version']);
    const text = mfbuild(['check', '--strict', ...src]);
    assert.equal(text.code, 1, show(text));
    assert.match(text.stdout, /error: .*\[check-unsatisfied-version\]/);
  });

  test('check-duplicate-package: bundled twice, with the bytes; an Rspack manifest is skipped, not passed', () => {
    const { r, j } = checkJson([at('duplicate-package', 'shell'), at('duplicate-package', 'cart'), at('duplicate-package', 'rspack')]);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(ids(j), ['warning:check-duplicate-package']);
    const p = j.problems[0];
    assert.equal(p.package, 'lodash');
    assert.deepEqual(names(p), ['cart', 'shell']);
    // 71000 + 70000 bytes shipped; all but the largest copy ship twice.
    assert.equal(p.bytes, 70000);
    assert.match(p.text, /70\.0 kB ship more than once/);
    assert.deepEqual(j.skipped.map((s) => [s.id, s.check, s.app.name]), [['check-skipped', 'check-duplicate-package', 'rspack_app']]);
    assert.equal(j.sources[2].producer, 'rspack');
  });

  test('check-two-majors: one package shared at 2.x and 3.x', () => {
    const { r, j } = checkJson([at('two-majors', 'a'), at('two-majors', 'b')]);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(ids(j), ['warning:check-two-majors']);
    assert.equal(j.problems[0].package, 'date-fns');
    assert.match(j.problems[0].text, /shell 2\.30\.0, cart 3\.6\.0/);
    assert.equal(mfbuild(['check', '--strict', at('two-majors', 'a'), at('two-majors', 'b')]).code, 1);
  });

  test('check-missing-expose: a remotes entry naming a module the remote does not expose', () => {
    const { r, j } = checkJson([at('missing-expose', 'host', 'mf-manifest.json'), at('missing-expose', 'catalog', 'mf-manifest.json')]);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-missing-expose']);
    assert.match(j.problems[0].text, /host imports catalog\/Missing, but catalog exposes \.\/Button/);
    // The remote that is not among the sources is reported as skipped.
    const skipped = j.skipped.filter((s) => s.check === 'check-missing-remote');
    assert.deepEqual(skipped.map((s) => s.app.name), ['host']);
    assert.match(skipped[0].reason, /cart .* not among the sources/);
  });

  test('check-duplicate-name: one container name twice, one global name twice', () => {
    const { r, j } = checkJson(['a', 'b', 'c', 'd'].map((x) => at('duplicate-name', x)));
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-duplicate-name', 'error:check-duplicate-name']);
    assert.match(j.problems[0].text, /Two apps are container catalog/);
    assert.match(j.problems[1].text, /cart and checkout use one global name, shop/);
  });

  test('webpack + enhanced manifest: read; strictVersion unknown is a warning plus a skipped note', () => {
    const { r, j } = checkJson([at('enhanced', 'remote'), at('enhanced', 'host')]);
    assert.equal(r.code, 0, show(r));
    assert.equal(j.sources[0].producer, 'enhanced');
    assert.deepEqual(ids(j), ['warning:check-two-majors', 'warning:check-unsatisfied-version']);
    assert.ok(j.skipped.some((s) => s.check === 'check-unsatisfied-version' && s.app.name === 'remote' &&
      /no strictVersion/.test(s.reason)), JSON.stringify(j.skipped));
  });

  test('plain output is grouped by package, with apps and a hint under each problem', () => {
    const r = mfbuild(['check', at('unsatisfied-strict', 'shell'), at('unsatisfied-strict', 'legacy')]);
    assert.equal(r.code, 1, show(r));
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'react');
    assert.match(lines[1], /^ {2}error: .*\[check-unsatisfied-version\]$/);
    assert.match(lines[2], /^ {4}apps: legacy \(.*\), shell \(.*\)$/);
    assert.match(lines[3], /^ {4}hint: /);
    assert.match(r.stdout, /1 error, 1 warning, 0 skipped, 2 apps checked/);
  });
});

describe('unreadable input: exit 2', () => {
  test('malformed JSON: the file, line and column', () => {
    const file = at('malformed', 'mf-manifest.json');
    const r = mfbuild(['check', file, at('clean', 'host')]);
    assert.equal(r.code, 2, show(r));
    const e = problems(r.stderr).find((d) => d.id === 'check-syntax');
    assert.ok(e, show(r));
    const text = readFileSync(file, 'utf8');
    const pos = positionOf(text, ',}');
    assert.deepEqual([e.line, e.col], [pos.line, pos.col]);
    assert.match(e.file, /malformed\/mf-manifest\.json$/);
    assert.match(e.text, /Invalid JSON/);
    assert.equal(r.stdout, '');
    const { r: jr, j } = checkJson([file]);
    assert.equal(jr.code, 2);
    assert.equal(j.ok, false);
    assert.equal(j.diagnostics[0].id, 'check-syntax');
  });

  test('a missing file, a folder without manifests, JSON that is no manifest, no SOURCE', () => {
    const empty = tempDir('check-empty-');
    const notManifest = project({ 'x.json': { hello: 1 } }, 'check-shape-');
    for (const [args, id] of [[['/nonexistent/mf-manifest.json'], 'check-fetch'], [[empty], 'check-fetch'],
      [[join(notManifest, 'x.json')], 'check-shape'], [[], 'usage']]) {
      const r = mfbuild(['check', ...args]);
      assert.equal(r.code, 2, show(r));
      assert.ok(problems(r.stderr).some((d) => d.id === id), show(r));
    }
  });
});

describe('URL sources', () => {
  let server, scratch;
  before(async () => {
    scratch = tempDir('check-urls-');
    server = await startServer(scratch);
    // A host whose remote "catalog" points at a deployment that is another container.
    writeFiles(scratch, {
      'clean/host/mf-stats.json': readFileSync(at('clean', 'host', 'mf-stats.json'), 'utf8'),
      'clean/catalog/mf-stats.json': readFileSync(at('clean', 'catalog', 'mf-stats.json'), 'utf8'),
      'wrong/host/mf-manifest.json': {
        id: 'host', name: 'host', metaData: { name: 'host', globalName: 'host', pluginVersion: 'mfbuild-0.1.0' },
        shared: [], exposes: [],
        remotes: [{ federationContainerName: 'catalog', moduleName: 'Button', alias: 'catalog', entry: `${server.url}wrong/catalog/mf-manifest.json` }],
      },
      'wrong/catalog/mf-manifest.json': {
        id: 'catalog_v2', name: 'catalog_v2', metaData: { name: 'catalog_v2', globalName: 'catalog_v2' },
        shared: [], exposes: [{ id: 'catalog_v2:Button', name: 'Button', path: './Button' }], remotes: [],
      },
    });
  });
  after(() => server?.close());

  test('deployed manifests over HTTP are checked like files', async () => {
    const { r, j } = await checkJsonAsync([`${server.url}clean/host/mf-stats.json`, `${server.url}clean/catalog/mf-stats.json`]);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(j.problems, []);
    assert.deepEqual(j.sources.map((s) => s.name), ['host', 'catalog']);
    assert.ok(server.requests.includes('/clean/host/mf-stats.json'));
  });

  test('check-missing-remote: the remote URL serves another container', async () => {
    const { r, j } = await checkJsonAsync([`${server.url}wrong/host/mf-manifest.json`, `${server.url}wrong/catalog/mf-manifest.json`]);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-missing-remote']);
    assert.match(j.problems[0].text, /expects container catalog at .*, but that manifest is container catalog_v2/);
    assert.deepEqual(names(j.problems[0]), ['catalog_v2', 'host']);
  });

  test('a URL that answers 404: exit 2 naming the URL and the status', async () => {
    const url = `${server.url}nothing/mf-manifest.json`;
    const r = await mfbuildAsync(['check', url]);
    assert.equal(r.code, 2, show(r));
    assert.ok(r.stderr.includes(`Could not fetch ${url}: HTTP status 404`), show(r));
  });

  test('an unreachable URL (a closed port): exit 2 with a clear message', async () => {
    const closed = await startServer(scratch);
    await closed.close();
    const url = `http://127.0.0.1:${closed.port}/mf-manifest.json`;
    const t0 = Date.now();
    const r = mfbuild(['check', url, at('clean', 'host')]);
    assert.equal(r.code, 2, show(r));
    assert.ok(r.stderr.includes(`Could not fetch ${url}: `), show(r));
    assert.ok(problems(r.stderr).some((d) => d.id === 'check-fetch'), show(r));
    assert.ok(Date.now() - t0 < 10_000);
    const { j } = checkJson([url]);
    assert.equal(j.ok, false);
    assert.match(j.diagnostics[0].text, /Could not fetch/);
  });
});

/** A federated mfbuild app with fed-lib (shared singleton) and dup-lib (bundled) installed. */
function mfApp(name, { fedLib, required, strict, remotes, imports = '' }) {
  const shared = { 'fed-lib': { singleton: true, requiredVersion: required, ...(strict === undefined ? {} : { strictVersion: strict }) } };
  return project({
    'mfbuild.json': { name, exposes: { './Widget': './src/Widget.js' }, shared, ...(remotes ? { remotes } : {}) },
    'package.json': { name, version: '1.0.0' },
    'src/Widget.js': `import lib from 'fed-lib';\nimport dup from 'dup-lib';\n${imports}export default () => [lib, dup()];\n`,
    'node_modules/fed-lib/package.json': { name: 'fed-lib', version: fedLib, main: 'index.js' },
    'node_modules/fed-lib/index.js': `module.exports = { version: ${JSON.stringify(fedLib)} };\n`,
    'node_modules/dup-lib/package.json': { name: 'dup-lib', version: '1.0.0', main: 'index.js' },
    'node_modules/dup-lib/index.js': 'module.exports = function dup() { return "a bundled helper"; };\n',
  }, `check-${name}-`);
}

describe('apps built by mfbuild, and a real Rspack build', () => {
  let a, b, host, rspackDist;
  before(async () => {
    a = mfApp('app_a', { fedLib: '2.1.0', required: '^2.0.0', strict: true });
    b = mfApp('app_b', { fedLib: '3.0.0', required: '^3.0.0' });
    host = mfApp('host', {
      fedLib: '3.0.0', required: '^3.0.0',
      remotes: { rspack_remote: 'rspack_remote@http://127.0.0.1:1/mf-manifest.json' },
      imports: "import 'rspack_remote/Counter';\nimport 'rspack_remote/Nope';\n",
    });
    for (const d of [a, b, host]) {
      const r = mfbuild(['build'], { cwd: d });
      assert.equal(r.code, 0, show(r));
    }
    assertPeersInstalled();
    rspackDist = join(tempDir('check-rspack-'), 'dist');
    mkdirSync(rspackDist, { recursive: true });
    const built = await peerBuild('rspack', fixture('interop', 'rspack-remote'), { env: { INTEROP_OUT: rspackDist } });
    assert.equal(built.code, 0, `${built.stdout}\n${built.stderr}`);
  });

  test('mfbuild stats: strictVersion error and bundled bytes from packages[]', () => {
    const { r, j } = checkJson([join(a, 'dist'), join(b, 'dist')]);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(ids(j), ['error:check-unsatisfied-version', 'warning:check-duplicate-package', 'warning:check-two-majors']);
    const u = j.problems.find((p) => p.id === 'check-unsatisfied-version');
    assert.match(u.text, /picks 3\.0\.0 \(from app_b\).*app_a's requiredVersion "\^2\.0\.0"/);
    const d = j.problems.find((p) => p.id === 'check-duplicate-package');
    assert.equal(d.package, 'dup-lib');
    const stats = JSON.parse(readFileSync(join(a, 'dist', 'mf-stats.json'), 'utf8'));
    assert.equal(d.bytes, stats.packages.find((p) => p.name === 'dup-lib').bytes);
    assert.deepEqual(j.skipped, []);
  });

  test("a real Rspack manifest: read, negotiated against, its missing facts reported as skipped", () => {
    const { r, j } = checkJson([join(host, 'dist'), rspackDist]);
    const rs = j.sources.find((s) => s.name === 'rspack_remote');
    assert.ok(rs, show(r));
    assert.equal(rs.producer, 'rspack');
    assert.equal(rs.kind, 'stats'); // Rspack writes mf-stats.json too; without strictVersion or packages[]
    // fed-lib: host provides 3.0.0, the Rspack remote asks ^2.0.0 (singleton).
    const u = j.problems.find((p) => p.id === 'check-unsatisfied-version');
    assert.ok(u, show(r));
    assert.match(u.text, /picks 3\.0\.0 \(from host\).*rspack_remote's requiredVersion "\^2\.0\.0"/);
    assert.equal(u.severity, 'warning');
    assert.ok(j.skipped.some((s) => s.check === 'check-unsatisfied-version' && s.app.name === 'rspack_remote'));
    assert.ok(j.skipped.some((s) => s.check === 'check-duplicate-package' && s.app.name === 'rspack_remote'));
    // The host imports rspack_remote/Nope, which the real build does not expose.
    const e = j.problems.find((p) => p.id === 'check-missing-expose');
    assert.ok(e, show(r));
    assert.match(e.text, /host imports rspack_remote\/Nope, but rspack_remote exposes \.\/Counter, \.\/FedLib/);
    assert.ok(!j.problems.some((p) => p.text.includes('rspack_remote/Counter')), JSON.stringify(j.problems));
    assert.equal(r.code, 1, show(r));
  });

  test('build warns when the installed shared package misses its own requiredVersion', () => {
    const d = mfApp('app_c', { fedLib: '1.4.0', required: '^2.0.0' });
    const r = mfbuild(['build'], { cwd: d });
    assert.equal(r.code, 0, show(r));
    const w = problems(r.stderr).find((x) => x.id === 'shared-version-mismatch');
    assert.ok(w, show(r));
    assert.equal(w.kind, 'warning');
    assert.match(w.text, /"fed-lib".*1\.4\.0.*"\^2\.0\.0"/);
    const pos = positionOf(readFileSync(join(d, 'mfbuild.json'), 'utf8'), '"fed-lib"');
    assert.deepEqual([w.file, w.line, w.col], ['mfbuild.json', pos.line, pos.col]);
    // In range: no warning.
    const ok = mfbuild(['build'], { cwd: mfApp('app_d', { fedLib: '2.4.0', required: '^2.0.0' }) });
    assert.ok(!problems(ok.stderr).some((x) => x.id === 'shared-version-mismatch'), show(ok));
  });
});

// A package that ships only inside a shared package's fallback chunk (as
// scheduler does inside react-dom's) loads once, with whichever copy
// negotiation picks: it is not "bundled twice".
test('dependencies inside shared fallbacks are not reported as duplicates', () => {
  const app = (name) => project({
    'mfbuild.json': { name, exposes: { './W': './src/W.js' }, shared: { 'fed-lib': { singleton: true } } },
    'package.json': { name, version: '1.0.0', dependencies: { 'fed-lib': '^1.0.0' } },
    'src/W.js': "import lib from 'fed-lib';\nexport default () => lib;\n",
    'node_modules/fed-lib/package.json': { name: 'fed-lib', version: '1.0.0', main: 'index.js' },
    'node_modules/fed-lib/index.js': "module.exports = require('fed-dep');\n",
    'node_modules/fed-dep/package.json': { name: 'fed-dep', version: '1.0.0', main: 'index.js' },
    'node_modules/fed-dep/index.js': 'module.exports = { dep: true };\n',
  }, `check-${name}-`);
  const dirs = [app('one'), app('two')];
  for (const d of dirs) {
    const r = mfbuild(['build'], { cwd: d });
    assert.equal(r.code, 0, show(r));
    const stats = JSON.parse(readFileSync(join(d, 'dist', 'mf-stats.json'), 'utf8'));
    assert.equal(stats.packages.find((p) => p.name === 'fed-dep').shared, true);
  }
  const { r, j } = checkJson(dirs.map((d) => join(d, 'dist')));
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(ids(j), []);
});
