// bench/watch-peer.cjs — watch-mode rebuild latency of a peer tool, through
// its own Node watch API (compiler.watch with the tool's default options).
//
//   node bench/watch-peer.cjs webpack|rspack APP_DIR EDITS
//
// Loads APP_DIR/<tool>.config.js in development mode (what a watch session
// uses, and mfbuild's own default for watch; output redirected to
// APP_DIR/dist-watch),
// waits for the initial build, then EDITS times: rewrites one component
// (src/components/Comp1.jsx, exposed as ./Widget0) with a different exported
// constant and measures from the write to the watcher's `done` callback of
// the rebuild that saw it.  Prints a JSON array of milliseconds; the file is
// restored at the end.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const [tool, dir, editsArg] = process.argv.slice(2);
const edits = +editsArg || 20;
process.chdir(dir);
process.env.BENCH_OUT = path.join(dir, 'dist-watch');
const config = require(path.join(dir, `${tool}.config.js`));
config.mode = 'development';
const nm = process.env.BENCH_NODE_MODULES;
const req = createRequire(nm ? path.join(nm, 'noop.js') : path.join(dir, 'noop.js'));
const create = tool === 'webpack' ? req('webpack') : req('@rspack/core').rspack;

const file = path.join(dir, 'src', 'components', 'Comp1.jsx');
const original = fs.readFileSync(file, 'utf8');
const times = [];
let t0 = null;
let done = false;
const compiler = create(config);
const watching = compiler.watch({}, (err, stats) => {
  if (done) return;
  if (err || stats.hasErrors()) {
    console.error(err || stats.toString('errors-only'));
    fs.writeFileSync(file, original);
    process.exit(1);
  }
  if (t0 !== null) {
    times.push(performance.now() - t0);
    t0 = null;
  }
  if (times.length >= edits) {
    done = true;
    fs.writeFileSync(file, original);
    watching.close(() => {
      console.log(JSON.stringify(times));
      process.exit(0);
    });
    return;
  }
  // Let the watcher settle, then make the next edit.
  setTimeout(() => {
    t0 = performance.now();
    fs.writeFileSync(file, `${original}\nexport const BENCH_EDIT = ${times.length + 1};\n`);
  }, 400);
});
