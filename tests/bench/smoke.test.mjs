// tests/bench/smoke.test.mjs — keeps the benchmark harness (bench/) from
// rotting without timing anything: the generator on a tiny workspace, and
// mfbuild's side of `node bench/run.mjs` (--smoke: 1 remote x 60 modules, one
// warm-up with the Chromium render check, one counted run).  No peer tool
// (webpack, Rspack, esbuild) is needed; `make bench` runs the real thing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repo, bin, tempDir, cleanup } from '../lib/mfbuild.mjs';
import { generate } from '../../bench/gen.mjs';

after(cleanup);

function tree(dir, base = dir, out = {}) {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) tree(p, base, out);
    else out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
  }
  return out;
}

test('bench/gen.mjs writes a deterministic workspace with configs for every tool', () => {
  const a = tempDir('bench-gen-a-'), b = tempDir('bench-gen-b-');
  const { apps } = generate({ out: a, remotes: 1, modules: 60 });
  generate({ out: b, remotes: 1, modules: 60 });
  assert.deepEqual(apps, ['host', 'remote1']);
  for (const app of apps) {
    for (const f of ['mfbuild.json', 'package.json', 'webpack.config.js', 'rspack.config.js', 'src/index.jsx']) {
      assert.ok(existsSync(join(a, app, f)), `${app}/${f}`);
    }
  }
  const ta = tree(a);
  assert.deepEqual(ta, tree(b), 'same arguments, same bytes');
  assert.equal(Object.keys(ta).filter((f) => f.startsWith('remote1/src/')).length, 60);
  const host = JSON.parse(ta['host/mfbuild.json']);
  assert.equal(host.remotes.remote1, 'remote1@http://127.0.0.1:3002/mf-manifest.json');
  for (const cfg of ['host/webpack.config.js', 'host/rspack.config.js']) {
    assert.match(ta[cfg], /remote1@http:\/\/127\.0\.0\.1:3002\/mf-manifest\.json/);
    assert.match(ta[cfg], /"shareStrategy": "loaded-first"/);
    assert.match(ta[cfg], /minimize: false/);
    assert.match(ta[cfg], /\[name\]\.\[contenthash\]\.js/);
    assert.match(ta[cfg], /"manifest": true/);
  }
  assert.match(ta['remote1/rspack.config.js'], /enhanced\/rspack/);
  assert.match(ta['remote1/webpack.config.js'], /"\.\/Widget0": "\.\/src\/components\/Comp1\.jsx"/);
});

test('bench/run.mjs --smoke --tools mfbuild writes results with mfbuild numbers', () => {
  const dir = tempDir('bench-run-');
  const out = join(dir, 'results');
  const r = spawnSync(process.execPath, [join(repo, 'bench', 'run.mjs'), '--smoke', '--tools', 'mfbuild,mfbuild-j1',
    '--out', out, '--work', join(dir, 'work'), '--port', '0', '--watch-edits', '3'],
  { cwd: repo, encoding: 'utf8', env: { ...process.env, MFBUILD: bin }, timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  for (const f of ['latest.md', 'latest.json', 'build-time.svg']) assert.ok(existsSync(join(out, f)), f);
  const j = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  assert.equal(j.smoke, true);
  assert.equal(j.series.length, 1);
  const s = j.series[0];
  assert.deepEqual(s.broken, []);
  assert.equal(s.render.mfbuild.ok, true, s.render.mfbuild.detail);
  for (const tool of ['mfbuild', 'mfbuild-j1']) {
    const t = s.tools[tool];
    assert.ok(t, tool);
    assert.equal(t.runs.length, 1);
    assert.ok(t.wall.median > 0, 'wall time');
    if (existsSync('/usr/bin/time')) {
      assert.ok(t.cpu.median >= 0, 'cpu time');
      assert.ok(t.rss.median > 0, 'peak RSS');
    }
  }
  assert.ok(s.tools['mfbuild-j1'].ratioToMfbuild.median > 0);
  assert.ok(s.gzipRemoteEntry.mfbuild > 0, 'remoteEntry.js gzip size');
  assert.ok(s.mfbuildPhases.ms.scan > 0, 'scan phase time');
  assert.ok(s.mfbuildScan.ratio > 0 && s.mfbuildScan.j1.median > 0, 'scan phase at -j1 and -j2');
  assert.equal(s.mfbuildScan.pairs, 2, 'one -j1/-j2 pair per app and round');
  assert.ok(s.machineScaling.ratio > 0 && s.machineScaling.apps.length === 2, 'two -j1 builds one after the other and side by side');
  const md = readFileSync(join(out, 'latest.md'), 'utf8');
  assert.match(md, /\| mfbuild -j2 \| [\d.]+ \(/);
  assert.match(md, /Smoke run/);
  assert.match(md, /mfbuild scan phase, -j1 against -j2 .*ratio pair by pair over 2 pairs: median [\d.]+×/);
  assert.match(md, /The machine's own two-core scaling .*: median [\d.]+×/);
  // mfbuild's watch latency through bench/watch-mfbuild.mjs (3 edits).
  assert.equal(j.watch.peers.mfbuild.edits, 3, JSON.stringify(j.watch));
  assert.ok(j.watch.peers.mfbuild.ms.median > 0);
  assert.match(md, /\| mfbuild[^|]* \| \d+ \| \d+–\d+ \|/);
  assert.match(readFileSync(join(out, 'build-time.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*mfbuild -j2[\s\S]*<\/svg>\n$/);
});
