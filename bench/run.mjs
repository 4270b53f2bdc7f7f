#!/usr/bin/env node
// bench/run.mjs — the benchmark harness (`make bench`).
//
//   node bench/run.mjs [--tools mfbuild,mfbuild-j1,webpack,rspack,esbuild]
//                      [--modules 250,1000,4000] [--remotes K] [--runs N]
//                      [--out DIR] [--work DIR] [--no-render] [--smoke]
//
// For every module count N: generates a workspace (bench/gen.mjs, host + K
// remotes of N modules each) and times a cold production build of all its
// apps per tool: one warm-up run, then --runs counted runs, the tools
// alternating run by run (the order rotates so that none always goes first).
// Each measurement is one `bash` script building every app in turn, run
// under /usr/bin/time -v: wall time (measured here), CPU time (user + sys of
// every child) and peak RSS (the largest single process).  Ratios to mfbuild
// (-j2) are taken pair by pair (same run) and summarised by their median.
//
// After the warm-up each federated tool's output is served (host on the
// workspace's port, remotes on the next ports, 127.0.0.1) and opened in
// Chromium: the host page must render its own tree and every remote widget,
// else that tool is reported broken and not timed.
//
// Also: mfbuild's per-phase times (--json timings: scan share), the gzip
// size of remote1's remoteEntry.js per tool, and esbuild (no federation,
// --bundle --splitting, unminified, remotes external) as a speed reference.
// Watch-mode rebuild latency: `mfbuild watch` (bench/watch-mfbuild.mjs) and
// webpack's and Rspack's own watch API (bench/watch-peer.cjs), development
// mode, on remote1 of the largest workspace, median of --watch-edits (20)
// one-file edits, from the write to the rebuilt output.
// --watch-only measures only that, on the workspace of the last --modules,
// and merges it into an existing OUT/latest.json.  --merge FILE: adds the
// series of an earlier latest.json for module counts not measured in this
// run (and its watch numbers when this run has none), so a long series can
// be measured in several invocations; latest.md lists every invocation.
// --report-only: rewrites latest.md and build-time.svg from OUT/latest.json.
//
// Results: OUT/latest.md, OUT/latest.json and OUT/build-time.svg (default
// OUT = bench/results).  --smoke: tiny workspace (1 remote x 60 modules),
// 1 counted run, for tests/bench/smoke.test.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generate } from './gen.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = resolve(benchDir, '..');
const nm = join(benchDir, 'node_modules');
const MFBUILD = resolve(process.env.MFBUILD || join(repo, 'build', 'mfbuild'));

// ---- arguments ----------------------------------------------------------
const opt = {
  tools: ['mfbuild', 'mfbuild-j1', 'webpack', 'rspack', 'esbuild'],
  modules: [250, 1000, 4000], remotes: 3, runs: 5, out: join(benchDir, 'results'),
  work: join(benchDir, 'work'), render: true, smoke: false, port: 3001, watchEdits: 20, watchOnly: false,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--tools') opt.tools = argv[++i].split(',');
  else if (a === '--modules') opt.modules = argv[++i].split(',').map(Number);
  else if (a === '--remotes') opt.remotes = +argv[++i];
  else if (a === '--runs') opt.runs = +argv[++i];
  else if (a === '--out') opt.out = resolve(argv[++i]);
  else if (a === '--work') opt.work = resolve(argv[++i]);
  else if (a === '--port') opt.port = +argv[++i];
  else if (a === '--no-render') opt.render = false;
  else if (a === '--smoke') opt.smoke = true;
  else if (a === '--watch-edits') opt.watchEdits = +argv[++i];
  else if (a === '--watch-only') opt.watchOnly = true;
  else if (a === '--merge') opt.merge = resolve(argv[++i]);
  else if (a === '--report-only') opt.reportOnly = true;
  else throw new Error(`unknown argument ${a}`);
}
if (opt.smoke) {
  if (!argv.includes('--modules')) opt.modules = [60];
  if (!argv.includes('--remotes')) opt.remotes = 1;
  if (!argv.includes('--runs')) opt.runs = 1;
  if (!argv.includes('--watch-edits')) opt.watchEdits = 0;
}
const KNOWN = ['mfbuild', 'mfbuild-j1', 'webpack', 'rspack', 'esbuild'];
for (const t of opt.tools) if (!KNOWN.includes(t)) throw new Error(`unknown tool ${t} (known: ${KNOWN.join(', ')})`);
const log = (...a) => console.log('[bench]', ...a);

// ---- tools --------------------------------------------------------------
function esbuildBin() {
  const dir = join(nm, '@esbuild');
  if (existsSync(dir)) {
    for (const p of readdirSync(dir)) if (existsSync(join(dir, p, 'bin', 'esbuild'))) return join(dir, p, 'bin', 'esbuild');
  }
  return join(nm, 'esbuild', 'bin', 'esbuild');
}
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const TOOLS = {
  mfbuild: { label: 'mfbuild -j2', federated: true, cmd: () => `${q(MFBUILD)} build --quiet -j 2` },
  'mfbuild-j1': { label: 'mfbuild -j1', federated: true, cmd: () => `${q(MFBUILD)} build --quiet -j 1` },
  webpack: {
    label: 'webpack 5 + MF enhanced', federated: true, peer: true,
    cmd: () => `${q(process.execPath)} ${q(join(nm, 'webpack-cli', 'bin', 'cli.js'))} build -c webpack.config.js >/dev/null`,
  },
  rspack: {
    label: 'Rspack + MF enhanced', federated: true, peer: true,
    cmd: () => `${q(process.execPath)} ${q(join(nm, '@rspack', 'cli', 'bin', 'rspack.js'))} build -c rspack.config.js >/dev/null`,
  },
  esbuild: {
    label: 'esbuild (no federation)', federated: false, peer: true, dist: 'dist-esbuild',
    cmd: () => `${q(esbuildBin())} src/index.jsx --bundle --splitting --format=esm --outdir=dist-esbuild --jsx=automatic ` +
      `--external:'remote*' --entry-names='[name].[hash]' --chunk-names='[name].[hash]' --log-level=error`,
  },
};

function versions() {
  const v = { node: process.version, kernel: release() };
  const r = spawnSync(MFBUILD, ['--version'], { encoding: 'utf8' });
  v.mfbuild = (r.stdout || '').trim();
  for (const p of ['webpack', 'webpack-cli', '@rspack/core', '@rspack/cli', '@module-federation/enhanced', 'esbuild', 'babel-loader', '@babel/core']) {
    try { v[p] = JSON.parse(readFileSync(join(nm, p, 'package.json'), 'utf8')).version; } catch { /* not installed */ }
  }
  return v;
}

// ---- one measurement ----------------------------------------------------
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

async function measure(tool, ws) {
  const t = TOOLS[tool];
  for (const app of ws.apps) rmSync(join(ws.dir, app, t.dist || 'dist'), { recursive: true, force: true });
  const script = ws.apps.map((app) => `cd ${q(join(ws.dir, app))} && ${t.cmd()}`).join(' &&\n');
  const timeFile = join(ws.dir, `.time-${tool}`);
  const args = TIME ? ['-v', '-o', timeFile, 'bash', '-c', script] : ['-c', script];
  const env = { ...process.env, BENCH_NODE_MODULES: ws.nm || '' };
  if (!ws.nm) delete env.BENCH_NODE_MODULES;
  const t0 = process.hrtime.bigint();
  const child = spawn(TIME || 'bash', args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  const code = await new Promise((ok) => child.on('close', ok));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`${tool} build failed (exit ${code}):\n${err}`);
  const m = { wall, cpu: null, rss: null };
  if (TIME) {
    const txt = readFileSync(timeFile, 'utf8');
    const num = (re) => { const x = re.exec(txt); return x ? parseFloat(x[1]) : null; };
    m.cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
    m.rss = num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024; // MiB
  }
  return m;
}

// ---- render check -------------------------------------------------------
function writeIndexHtml(dir) {
  const files = readdirSync(dir);
  const js = files.filter((f) => /^main\.[0-9a-f]+\.js$/.test(f));
  const css = files.filter((f) => /^main\.[0-9a-f]+\.css$/.test(f));
  writeFileSync(join(dir, 'index.html'), [
    '<!doctype html><html><head><meta charset="utf-8"><title>bench</title>',
    ...css.map((f) => `<link rel="stylesheet" href="${f}">`),
    '</head><body><div id="root"></div>',
    ...js.map((f) => `<script src="${f}"></script>`),
    '</body></html>', '',
  ].join('\n'));
}

let browserP = null;
async function renderCheck(tool, ws) {
  const { launchBrowser, watchPage, startServer, cors } = await import('../tests/lib/browser.mjs');
  browserP ||= launchBrowser();
  const browser = await browserP;
  writeIndexHtml(join(ws.dir, 'host', 'dist'));
  const servers = [];
  try {
    servers.push(await startServer(join(ws.dir, 'host', 'dist'), { headers: cors, port: ws.port }));
    for (let r = 1; r < ws.apps.length; r++) {
      servers.push(await startServer(join(ws.dir, ws.apps[r], 'dist'), { headers: cors, port: ws.port + r }));
    }
    const w = await watchPage(browser);
    try {
      const want = 1 + 5 * (ws.apps.length - 1);
      await w.page.goto(servers[0].url);
      let n = 0;
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        n = await w.page.evaluate(() => document.querySelectorAll('#root > .app > section').length);
        if (n >= want || w.errors.length) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      if (n < want || w.errors.length) {
        return { ok: false, detail: `${n}/${want} top-level sections rendered; ${w.errors.slice(0, 5).join(' | ')}` };
      }
      return { ok: true, detail: `${n}/${want} top-level sections rendered, no errors` };
    } finally {
      await w.close();
    }
  } finally {
    for (const s of servers) await s.close();
  }
}

// ---- statistics ---------------------------------------------------------
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

function gzipOf(file) {
  return existsSync(file) ? gzipSync(readFileSync(file), { level: 9 }).length : null;
}

function mfbuildPhases(ws) {
  const sum = {};
  for (const app of ws.apps) {
    const r = spawnSync(MFBUILD, ['build', '--json', '-j', '2'], { cwd: join(ws.dir, app), encoding: 'utf8' });
    const j = JSON.parse(r.stdout);
    for (const [k, v] of Object.entries(j.timings || {})) sum[k] = (sum[k] || 0) + v;
  }
  const total = Object.values(sum).reduce((a, b) => a + b, 0);
  return { ms: sum, total, scanShare: total ? (sum.scan || 0) / total : null };
}

// The scan phase at -j1 and at -j2 (the issue's parallelism target): 5
// rounds, alternating, each the sum of `build --json` scan times over the
// apps; spawnSync, so nothing else runs beside a build.
// The scan phase at -j1 against -j2, as `build --json` reports it.  Each
// round builds every app at -j1 and at -j2 back to back (the order swapped
// every round) and takes the ratio of that pair: the two builds of a pair
// are a fraction of a second apart, so they see the same machine (a shared
// machine's load comes and goes over seconds), and the median of the pairs
// is reported, as the tools' ratios are.  The sums over the apps are
// reported too.
function mfbuildScanRatio(ws, rounds = opt.smoke ? 1 : 9) {
  const scan = (app, j) => {
    const out = spawnSync(MFBUILD, ['build', '--json', '-j', String(j)], { cwd: join(ws.dir, app), encoding: 'utf8' });
    return JSON.parse(out.stdout).timings.scan;
  };
  const sums = { 1: [], 2: [] };
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const sum = { 1: 0, 2: 0 };
    for (const app of ws.apps) {
      const ms = {};
      for (const j of r % 2 ? [2, 1] : [1, 2]) sum[j] += ms[j] = scan(app, j);
      ratios.push(ms[1] / ms[2]);
    }
    sums[1].push(sum[1]);
    sums[2].push(sum[2]);
  }
  return { j1: stats(sums[1]), j2: stats(sums[2]), pairRatio: stats(ratios), ratio: median(ratios), pairs: ratios.length, rounds };
}

// What this machine gives two threads at that moment: two apps built at -j1
// one after the other against the same two side by side (two processes,
// nothing shared), wall time, pair by pair, order swapped each round: the
// yardstick the -j2 scan ratio is read against (a shared machine's second
// core is not always a whole core).  Whole builds, process start and
// writing included, so it is a comparison, not a strict ceiling.
async function machineScaling(ws, rounds = opt.smoke ? 1 : 9) {
  const apps = ws.apps.slice(0, 2);
  if (apps.length < 2) return null;
  const build = (app) => new Promise((ok, fail) => {
    const child = spawn(MFBUILD, ['build', '--quiet', '-j', '1'], { cwd: join(ws.dir, app), stdio: 'ignore' });
    child.on('error', fail).on('exit', (code) => (code === 0 ? ok() : fail(new Error(`mfbuild exit ${code} in ${app}`))));
  });
  const timed = async (fn) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const seq = () => timed(async () => { await build(apps[0]); await build(apps[1]); });
    const par = () => timed(() => Promise.all(apps.map(build)));
    const [a, b] = r % 2 ? [await par(), await seq()] : [await seq(), await par()];
    ratios.push(r % 2 ? b / a : a / b);
  }
  return { apps, ratio: median(ratios), pairRatio: stats(ratios), rounds };
}

// --port 0: a base port P with P .. P+K free on 127.0.0.1 (the generated
// remotes' URLs name their ports, so they must be fixed before generating).
async function freeBase(count) {
  const { createServer } = await import('node:net');
  const free = (p) => new Promise((ok) => {
    const s = createServer().once('error', () => ok(false)).listen(p, '127.0.0.1', () => s.close(() => ok(true)));
  });
  for (let tries = 0; tries < 50; tries++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free ports');
}

// ---- main ---------------------------------------------------------------
async function measureWatch(dir, apps) {
  const out = {};
  const app = join(dir, apps[1] || apps[0]);
  for (const tool of ['mfbuild', 'webpack', 'rspack'].filter((t) => opt.tools.includes(t))) {
    log(`${tool}: watch latency, ${opt.watchEdits} edits of ${app}/src/components/Comp1.jsx`);
    const script = tool === 'mfbuild' ? [join(benchDir, 'watch-mfbuild.mjs'), app, String(opt.watchEdits)]
      : [join(benchDir, 'watch-peer.cjs'), tool, app, String(opt.watchEdits)];
    const r = spawnSync(process.execPath, script,
      { encoding: 'utf8', env: { ...process.env, ...(app.startsWith(benchDir + '/') ? {} : { BENCH_NODE_MODULES: nm }) }, timeout: 600_000 });
    if (r.status !== 0) {
      out[tool] = { error: `exit ${r.status}: ${(r.stderr || '').slice(-300)}` };
      continue;
    }
    const ms = JSON.parse(r.stdout.trim().split('\n').pop());
    out[tool] = { label: tool === 'mfbuild' ? 'mfbuild watch' : TOOLS[tool].label, edits: ms.length, ms: stats(ms), samples: ms };
    log(`${tool}: watch median ${out[tool].ms.median.toFixed(0)} ms`);
  }
  return out;
}

async function main() {
  if (opt.reportOnly) {
    // Rewrites latest.md and build-time.svg from OUT/latest.json.
    const result = JSON.parse(readFileSync(join(opt.out, 'latest.json'), 'utf8'));
    writeFileSync(join(opt.out, 'latest.md'), markdown(result));
    writeFileSync(join(opt.out, 'build-time.svg'), chart(result));
    return;
  }
  if (opt.watchOnly) {
    const n = opt.modules[opt.modules.length - 1];
    const dir = join(opt.work, `n${n}`);
    const file = join(opt.out, 'latest.json');
    const result = JSON.parse(readFileSync(file, 'utf8'));
    const { apps } = generate({ out: dir, remotes: result.config.remotes, modules: n, port: result.config.port || opt.port });
    result.watch.peers = await measureWatch(dir, apps);
    result.watch.modules = n;
    result.watch.edits = opt.watchEdits;
    (result.invocations ||= []).push({ date: new Date().toISOString(), finished: new Date().toISOString(), modules: [n], argv, watchOnly: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(opt.out, 'latest.md'), markdown(result));
    log(`merged watch latency into ${file}`);
    return;
  }
  if (opt.port === 0) opt.port = await freeBase(opt.remotes + 1);
  const started = new Date();
  if (!existsSync(MFBUILD)) throw new Error(`no mfbuild binary at ${MFBUILD} (make build/mfbuild)`);
  const peers = opt.tools.filter((t) => TOOLS[t].peer);
  if (peers.length && !existsSync(join(nm, '.package-lock.json'))) {
    throw new Error('peer tools are not installed: run `make bench` (npm ci --ignore-scripts in bench/)');
  }
  mkdirSync(opt.out, { recursive: true });
  // Apps resolve react from the nearest node_modules up the tree: a work
  // folder outside the repository gets a link to bench/node_modules (or the
  // repository's, which has React too, when the peers are not installed).
  if (!opt.work.startsWith(repo + '/')) {
    mkdirSync(opt.work, { recursive: true });
    const link = join(opt.work, 'node_modules');
    if (!existsSync(link)) symlinkSync(existsSync(join(nm, 'react')) ? nm : join(repo, 'node_modules'), link);
  }
  const result = {
    date: started.toISOString(), smoke: opt.smoke,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1) },
    versions: versions(), config: { tools: opt.tools, modules: opt.modules, remotes: opt.remotes, runs: opt.runs, warmup: 1, port: opt.port },
    timer: TIME ? '/usr/bin/time -v' : 'wall only', series: [],
    watch: { peers: 'not measured' },
  };
  for (const n of opt.modules) {
    const dir = join(opt.work, `n${n}`);
    log(`generating ${opt.remotes} remotes + host x ${n} modules in ${dir}`);
    const { apps } = generate({ out: dir, remotes: opt.remotes, modules: n, port: opt.port });
    // Peers resolve from bench/node_modules when the workspace is not below bench/.
    const ws = { dir, apps, port: opt.port, nm: dir.startsWith(benchDir + '/') ? null : nm };
    const series = { modules: n, apps: apps.length, totalModules: n * apps.length, tools: {}, render: {}, broken: [] };
    const runs = {};
    let tools = [...opt.tools];
    for (let run = 0; run <= opt.runs; run++) {
      const order = tools.map((_, i) => tools[(i + run) % tools.length]);
      for (const tool of order) {
        let m;
        try {
          m = await measure(tool, ws);
        } catch (e) {
          log(`${tool} n=${n}: ${e.message}`);
          series.broken.push({ tool, why: e.message.slice(0, 500) });
          tools = tools.filter((t) => t !== tool);
          continue;
        }
        if (run === 0) {
          // Warm-up: check the output before timing anything.
          if (TOOLS[tool].federated && opt.render) {
            const rc = await renderCheck(tool, ws).catch((e) => ({ ok: false, detail: e.message }));
            series.render[tool] = rc;
            log(`${tool} n=${n}: render ${rc.ok ? 'ok' : 'FAILED'} (${rc.detail})`);
            if (!rc.ok) {
              series.broken.push({ tool, why: `render check: ${rc.detail}` });
              tools = tools.filter((t) => t !== tool);
              continue;
            }
          }
          if (TOOLS[tool].federated) {
            series.gzipRemoteEntry ||= {};
            series.gzipRemoteEntry[tool] = apps.length > 1 ? gzipOf(join(dir, apps[1], 'dist', 'remoteEntry.js')) : null;
          }
          log(`${tool} n=${n}: warm-up ${m.wall.toFixed(2)} s`);
          continue;
        }
        (runs[tool] ||= []).push(m);
        log(`${tool} n=${n} run ${run}: wall ${m.wall.toFixed(2)} s, cpu ${m.cpu?.toFixed(2)} s, rss ${m.rss?.toFixed(0)} MiB`);
      }
    }
    for (const tool of opt.tools) {
      const ms = runs[tool];
      if (!ms || !tools.includes(tool)) continue;
      const s = { label: TOOLS[tool].label, runs: ms, wall: stats(ms.map((m) => m.wall)) };
      if (ms[0].cpu != null) { s.cpu = stats(ms.map((m) => m.cpu)); s.rss = stats(ms.map((m) => m.rss)); }
      if (runs.mfbuild && tool !== 'mfbuild') {
        const k = Math.min(ms.length, runs.mfbuild.length);
        const ratios = [];
        for (let i = 0; i < k; i++) ratios.push(ms[i].wall / runs.mfbuild[i].wall);
        s.ratioToMfbuild = stats(ratios);
      }
      series.tools[tool] = s;
    }
    if (opt.tools.some((t) => t.startsWith('mfbuild'))) {
      series.mfbuildPhases = mfbuildPhases(ws);
      series.mfbuildScan = mfbuildScanRatio(ws);
      series.machineScaling = await machineScaling(ws);
    }
    result.series.push(series);
    if (n === opt.modules[opt.modules.length - 1] && opt.watchEdits > 0) {
      result.watch.peers = await measureWatch(dir, apps);
      result.watch.modules = n;
      result.watch.edits = opt.watchEdits;
    }
  }
  if (browserP) await (await browserP).close();
  result.finished = new Date().toISOString();
  result.invocations = [{ date: result.date, finished: result.finished, modules: opt.modules, argv }];
  if (opt.merge) {
    const old = JSON.parse(readFileSync(opt.merge, 'utf8'));
    const have = new Set(result.series.map((s) => s.modules));
    result.series.push(...old.series.filter((s) => !have.has(s.modules)));
    result.series.sort((a, b) => a.modules - b.modules);
    if (typeof result.watch.peers === 'string' && old.watch) result.watch = old.watch;
    result.invocations.unshift(...(old.invocations || [{ date: old.date, finished: old.finished, modules: old.config.modules }]));
    result.config.modules = result.series.map((s) => s.modules);
    result.config.tools = [...new Set([...old.config.tools, ...result.config.tools])];
  }
  writeFileSync(join(opt.out, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(opt.out, 'latest.md'), markdown(result));
  writeFileSync(join(opt.out, 'build-time.svg'), chart(result));
  log(`wrote ${join(opt.out, 'latest.md')}, latest.json, build-time.svg`);
}

// ---- reports ------------------------------------------------------------
const f2 = (x) => (x == null ? '–' : x.toFixed(2));
const f0 = (x) => (x == null ? '–' : x.toFixed(0));

function markdown(r) {
  const L = [];
  L.push('# mfbuild benchmark — latest results', '');
  if (r.smoke) L.push('**Smoke run** (tiny workspace, 1 counted run): checks the harness, not a measurement.', '');
  for (const inv of r.invocations || [{ date: r.date, finished: r.finished, modules: r.config.modules }]) {
    if (inv.watchOnly) L.push(`Watch latency measured: finished ${inv.finished} (modules per app: ${inv.modules.join(', ')})  `);
    else L.push(`Measured: ${inv.date} – ${inv.finished} (modules per app: ${inv.modules.join(', ')})  `);
  }
  L.push(`Machine: ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memGiB} GiB RAM, Linux ${r.versions.kernel}, Node ${r.versions.node}  `);
  L.push(`Versions: ${Object.entries(r.versions).filter(([k]) => !['node', 'kernel'].includes(k)).map(([k, v]) => `${k} ${v}`).join(', ')}  `);
  L.push(`Runs: 1 warm-up + the counted runs given per size below, tools alternating run by run; ` +
    `${r.config.remotes} remotes + host, every app built cold (dist removed) in each run; timer: ${r.timer}.`, '');
  L.push('Wall and CPU time are for building **all** apps of the workspace one after the other; CPU = user + sys of every process; ' +
    'peak RSS = the largest single process. Ratio = tool wall / mfbuild -j2 wall of the same run, median over the runs. ' +
    'remoteEntry.js gzip = remote1\'s remoteEntry.js (each tool\'s federation runtime is inside it), unminified, gzip -9.', '');
  for (const s of r.series) {
    L.push(`## ${s.modules} modules per app (${s.apps} apps, ${s.totalModules} modules)`, '');
    const counted = Object.values(s.tools)[0]?.runs.length;
    if (counted != null) L.push(`Counted runs: ${counted} per tool (after 1 warm-up).`, '');
    L.push('| tool | wall median (min–max) s | CPU median (min–max) s | peak RSS median (min–max) MiB | × mfbuild wall | remoteEntry.js gzip B |');
    L.push('|---|---|---|---|---|---|');
    for (const [tool, t] of Object.entries(s.tools)) {
      L.push(`| ${t.label} | ${f2(t.wall.median)} (${f2(t.wall.min)}–${f2(t.wall.max)}) | ` +
        `${t.cpu ? `${f2(t.cpu.median)} (${f2(t.cpu.min)}–${f2(t.cpu.max)})` : '–'} | ` +
        `${t.rss ? `${f0(t.rss.median)} (${f0(t.rss.min)}–${f0(t.rss.max)})` : '–'} | ` +
        `${t.ratioToMfbuild ? f2(t.ratioToMfbuild.median) : tool === 'mfbuild' ? '1.00' : '–'} | ` +
        `${s.gzipRemoteEntry?.[tool] ?? '–'} |`);
    }
    L.push('');
    if (s.mfbuildPhases) {
      const p = s.mfbuildPhases;
      const bad = s.broken.some((b) => b.tool === 'mfbuild') ? ' (this output fails the render check)' : '';
      L.push(`mfbuild -j2 phases${bad} (sum over apps, one --json build): ` +
        Object.entries(p.ms).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ') +
        `; scan share ${(100 * p.scanShare).toFixed(0)} %.`, '');
    }
    if (s.mfbuildScan) {
      const q = s.mfbuildScan;
      L.push(`mfbuild scan phase, -j1 against -j2 (${q.rounds} rounds; in each, every app built at -j1 and at -j2 back to back ` +
        `with --json, order swapped each round): sum over apps median ${q.j1.median.toFixed(1)} ms against ${q.j2.median.toFixed(1)} ms ` +
        `(${(q.j1.median / q.j2.median).toFixed(2)}×); ` +
        (q.pairRatio ? `ratio pair by pair over ${q.pairs} pairs: median ${q.ratio.toFixed(2)}× (${q.pairRatio.min.toFixed(2)}–${q.pairRatio.max.toFixed(2)}).`
          : `ratio ${q.ratio.toFixed(2)}×.`), '');
      const c = s.machineScaling;
      if (c) L.push(`The machine's own two-core scaling at the time (${c.rounds} rounds: ${c.apps.join(' and ')} built at -j1 one after the ` +
        `other against side by side, two processes, wall time, pair by pair): median ${c.ratio.toFixed(2)}× ` +
        `(${c.pairRatio.min.toFixed(2)}–${c.pairRatio.max.toFixed(2)}): what two independent whole builds gained side by side, for comparison with the split of one scan over two threads.`, '');
    }
    for (const [tool, rc] of Object.entries(s.render)) L.push(`- render check ${tool}: ${rc.ok ? 'ok' : 'FAILED'} — ${rc.detail.split('\n')[0]}`);
    for (const b of s.broken) L.push(`- **${b.tool} not timed**: ${b.why.split('\n')[0]}`);
    L.push('');
  }
  L.push('## Watch-mode rebuild latency', '');
  if (typeof r.watch.peers === 'string') L.push(`- ${r.watch.peers}.`);
  else {
    L.push(`- development mode, remote1 of the ${r.watch.modules}-module workspace, ${r.watch.edits} one-file edits ` +
      '(src/components/Comp1.jsx), from the write to the rebuilt output: `mfbuild watch` (bench/watch-mfbuild.mjs: ' +
      'its "built in ... written" line, printed once the changed files are written), the peers through their own ' +
      "watch API (bench/watch-peer.cjs: the rebuild's done callback):", '');
    L.push('| tool | rebuild median ms | min–max ms |', '|---|---|---|');
    for (const [tool, w] of Object.entries(r.watch.peers)) {
      L.push(w.error ? `| ${tool} | failed: ${w.error.split('\n')[0]} | |` : `| ${w.label} | ${f0(w.ms.median)} | ${f0(w.ms.min)}–${f0(w.ms.max)} |`);
    }
  }
  L.push('');
  L.push('## Reproduce', '', '```sh', 'make bench            # npm ci in bench/, builds mfbuild, node bench/run.mjs $(BENCH_ARGS)');
  for (const inv of r.invocations || []) if (inv.argv) L.push(`node bench/run.mjs ${inv.argv.join(' ')}`);
  if (!r.invocations) L.push(`node bench/run.mjs --modules ${r.config.modules.join(',')} --runs ${r.config.runs} --remotes ${r.config.remotes} --tools ${r.config.tools.join(',')}`);
  L.push('```', '', 'Chart: build-time.svg (median wall time against modules per app).', '');
  return L.join('\n');
}

function chart(r) {
  const W = 720, H = 400, ml = 60, mr = 190, mt = 30, mb = 50;
  const tools = [...new Set(r.series.flatMap((s) => Object.keys(s.tools)))];
  const xs = r.series.map((s) => s.modules);
  const ys = r.series.flatMap((s) => Object.values(s.tools).map((t) => t.wall.median));
  const xmin = Math.min(...xs), xmax = Math.max(...xs);
  // Log scale on y (the tools differ by orders of magnitude), decades as ticks.
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(Math.min(...ys), 1e-3))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys, lo * 10))));
  // Log scale on x when the series spans more than a factor 2.
  const logx = xmax / xmin > 2;
  const X = (x) => ml + (xmax === xmin ? 0.5 : (logx ? Math.log(x / xmin) / Math.log(xmax / xmin) : (x - xmin) / (xmax - xmin))) * (W - ml - mr);
  const Y = (y) => H - mb - (Math.log10(y / lo) / Math.log10(hi / lo)) * (H - mt - mb);
  const colors = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];
  const o = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${ml}" y="18" font-size="14">Cold build of all apps: median wall time (s, log scale) vs modules per app</text>`,
    `<line x1="${ml}" y1="${H - mb}" x2="${W - mr}" y2="${H - mb}" stroke="black"/>`,
    `<line x1="${ml}" y1="${mt}" x2="${ml}" y2="${H - mb}" stroke="black"/>`];
  for (const x of xs) o.push(`<text x="${X(x)}" y="${H - mb + 16}" text-anchor="middle">${x}</text>`);
  o.push(`<text x="${(ml + W - mr) / 2}" y="${H - 12}" text-anchor="middle">modules per app${logx ? ' (log scale)' : ''}</text>`);
  for (let y = lo; y <= hi * 1.001; y *= 10) {
    o.push(`<line x1="${ml - 4}" y1="${Y(y).toFixed(1)}" x2="${W - mr}" y2="${Y(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${ml - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${+y.toPrecision(1)}</text>`);
  }
  tools.forEach((tool, i) => {
    const pts = r.series.filter((s) => s.tools[tool]).map((s) => [X(s.modules), Y(s.tools[tool].wall.median)]);
    const c = colors[i % colors.length];
    if (pts.length > 1) o.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' ')}"/>`);
    for (const [x, y] of pts) o.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${c}"/>`);
    const label = TOOLS[tool]?.label || tool;
    o.push(`<rect x="${W - mr + 10}" y="${mt + i * 18}" width="10" height="10" fill="${c}"/>`,
      `<text x="${W - mr + 24}" y="${mt + i * 18 + 9}">${label.replace(/&/g, '&amp;')}</text>`);
  });
  const missing = r.series.flatMap((s) => s.broken.map((b) => `${TOOLS[b.tool]?.label || b.tool} at ${s.modules}`));
  if (missing.length) {
    o.push(`<text x="${W - mr + 10}" y="${mt + tools.length * 18 + 16}" font-size="10">not timed (broken output,</text>`,
      `<text x="${W - mr + 10}" y="${mt + tools.length * 18 + 29}" font-size="10">see latest.md):</text>`);
    missing.forEach((m, i) => o.push(`<text x="${W - mr + 10}" y="${mt + tools.length * 18 + 42 + i * 13}" font-size="10">${m}</text>`));
  }
  o.push('</svg>', '');
  return o.join('\n');
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
