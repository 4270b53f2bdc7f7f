// bench/watch-mfbuild.mjs — watch-mode rebuild latency of mfbuild, the
// counterpart of bench/watch-peer.cjs for the peers.
//
//   MFBUILD=build/mfbuild node bench/watch-mfbuild.mjs APP_DIR EDITS
//
// Runs `mfbuild watch --out APP_DIR/dist-watch` (development mode, its
// default, like the peers' watch sessions; default debounce), waits for the
// first build, then EDITS times: rewrites src/components/Comp1.jsx with a
// different exported constant and measures from the write to the line
// mfbuild prints once the rebuilt output is written ("built in ... files
// written").  Prints a JSON array of milliseconds; the file is restored at
// the end.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dir, editsArg] = process.argv.slice(2);
const edits = +editsArg || 20;
const bin = resolve(process.env.MFBUILD || 'build/mfbuild');
const file = join(dir, 'src', 'components', 'Comp1.jsx');
const original = readFileSync(file, 'utf8');
const proc = spawn(bin, ['watch', '--out', join(dir, 'dist-watch')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
let buffered = '';
let waiting = null;
proc.stderr.on('data', (d) => {
  buffered += d;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (/built in .* written/.test(line) && waiting) waiting(performance.now());
    else if (/build failed|error/.test(line)) {
      console.error(line);
      finish(1);
    }
  }
});
const next = () => new Promise((r) => { waiting = r; });
function finish(code) {
  writeFileSync(file, original);
  proc.kill('SIGTERM');
  process.exitCode = code;
}

await next(); // the first build
const times = [];
for (let i = 1; i <= edits; i++) {
  await new Promise((r) => setTimeout(r, 400)); // let the watcher settle, as watch-peer.cjs does
  const done = next();
  const t0 = performance.now();
  writeFileSync(file, `${original}\nexport const BENCH_EDIT = ${i};\n`);
  times.push((await done) - t0);
}
finish(0);
console.log(JSON.stringify(times));
