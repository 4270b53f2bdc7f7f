// tests/run.mjs — the whole test suite in one run, as `make test` calls it.
//
// 1. prepares fixtures (tests/setup.mjs: node_modules folders of hand-made
//    packages are copied from the committed `_node_modules` folders);
// 2. runs the C unit tests ($UNIT_TESTS) and parses their `N passed, N failed`;
// 3. runs the Node suites (tests/**/*.test.mjs) under node's test runner with
//    the TAP reporter and reads its `# pass` / `# fail` counts;
// 4. prints the closing `N passed, N failed` line and exits non-zero when
//    anything failed.
//
// Environment: MFBUILD (the binary under test), UNIT_TESTS (the unit-test
// binary).  Arguments filter the Node suites by file name substring.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareFixtures } from './setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
let passed = 0, failed = 0;

prepareFixtures(repo);

const filters = process.argv.slice(2);
if (process.env.UNIT_TESTS && filters.length === 0) {
  const r = spawnSync(process.env.UNIT_TESTS, [], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(r.stdout);
  const m = /(\d+) passed, (\d+) failed/.exec(r.stdout || '');
  if (m) {
    passed += +m[1];
    failed += +m[2];
  } else {
    console.log(`unit tests did not report (exit ${r.status}, signal ${r.signal})`);
    failed += 1;
  }
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.mjs')) out.push(p);
  }
  return out;
}

let files = findTests(here);
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));

if (files.length) {
  // --test-concurrency=1: the machine has 2 cores and several suites start
  // browsers and servers; serial runs keep them from starving each other.
  const child = spawn(process.execPath,
    ['--test', '--test-reporter=tap', '--test-concurrency=1', ...files.map((f) => relative(repo, f))],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  let tail = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    tail = (tail + d.toString()).slice(-4096);
  });
  const code = await new Promise((res) => child.on('close', res));
  const p = /^# pass (\d+)$/m.exec(tail), f = /^# fail (\d+)$/m.exec(tail);
  if (p && f) {
    passed += +p[1];
    failed += +f[1];
  } else {
    console.log(`node test runner did not report (exit ${code})`);
    failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
