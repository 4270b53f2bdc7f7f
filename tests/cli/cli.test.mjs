// tests/cli/cli.test.mjs — the command line itself (DESIGN.md section 1,
// "Commands"): help and version, usage errors with "did you mean" hints and
// exit 2, the options of watch and dev, --timings.
//
// The lists of commands and options are read from include/commands.def and
// include/options.def, so `--help` is checked against the tables the parser
// uses.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cleanup, diagnostics, fixture, mfbuild, parseJson, problems, project, repo, show, tempDir } from '../lib/mfbuild.mjs';

after(cleanup);

const commands = [...readFileSync(join(repo, 'include/commands.def'), 'utf8')
  .matchAll(/^X\(\s*\w+,\s*"([^"]+)",\s*"([^"]*)",\s*"[^"]*"\)/gm)]
  .map((m) => ({ name: m[1], args: m[2] }));
const options = [...readFileSync(join(repo, 'include/options.def'), 'utf8')
  .matchAll(/^X\(\s*\w+,\s*"([^"]+)",\s*(?:'(.)'|0),\s*(?:"([^"]*)"|NULL),\s*(\w+),/gm)]
  .map((m) => ({ long: m[1], short: m[2] ?? null, arg: m[3] ?? null, cmds: m[4] }));
const version = /#define MF_VERSION "([^"]+)"/.exec(readFileSync(join(repo, 'include/mfbuild.h'), 'utf8'))[1];

const noConfig = fixture('graph', 'no-config');
const reactApp = fixture('graph', 'react-app');

/** Asserts exit 2 with a [usage] error; returns the diagnostics. */
function expectUsage(r, textMatch) {
  assert.equal(r.code, 2, show(r));
  const errs = problems(r.stderr);
  assert.ok(errs.some((d) => d.kind === 'error' && d.id === 'usage'), show(r));
  if (textMatch) assert.match(errs.find((d) => d.id === 'usage').text, textMatch);
  assert.equal(r.stdout, '', 'nothing on stdout');
  return diagnostics(r.stderr);
}

describe('the tables themselves', () => {
  test('commands.def and options.def were read', () => {
    assert.deepEqual(commands.map((c) => c.name), ['build', 'watch', 'dev', 'graph', 'check', 'help']);
    assert.ok(options.length >= 14, options.map((o) => o.long).join(' '));
  });
});

describe('help and version', () => {
  test('--help lists every command and every option, exit 0, on stdout', () => {
    const r = mfbuild(['--help']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr, '');
    for (const c of commands) assert.match(r.stdout, new RegExp(`^\\s+${c.name}\\b`, 'm'), `command ${c.name}`);
    for (const o of options) {
      assert.ok(r.stdout.includes(`--${o.long}`), `option --${o.long}`);
      if (o.short) assert.ok(r.stdout.includes(`-${o.short}, --${o.long}`), `short -${o.short}`);
      if (o.arg) assert.ok(r.stdout.includes(`--${o.long} ${o.arg}`), `argument of --${o.long}`);
    }
    assert.match(r.stdout, /Usage: mfbuild/);
  });

  test('-h is --help', () => {
    assert.match(mfbuild(['-h']).stdout, /Usage: mfbuild/);
    assert.equal(mfbuild(['-h']).stdout, mfbuild(['--help']).stdout);
  });

  test('--version prints "mfbuild X.Y.Z", exit 0', () => {
    const r = mfbuild(['--version']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `mfbuild ${version}\n`);
    assert.match(version, /^\d+\.\d+\.\d+$/);
  });

  test('mfbuild help graph: the options of graph only, exit 0', () => {
    const r = mfbuild(['help', 'graph']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /mfbuild graph/);
    for (const o of options.filter((x) => x.cmds === 'CMD_PROJECT' || x.cmds === 'CMD_ALL'))
      assert.ok(r.stdout.includes(`--${o.long}`), `--${o.long} applies to graph`);
    for (const o of options.filter((x) => x.cmds === 'CMD_DEV' || x.cmds === 'CMD_CHECK'))
      assert.ok(!r.stdout.includes(`--${o.long}`), `--${o.long} does not apply to graph`);
  });

  test('mfbuild graph --help is mfbuild help graph', () => {
    const r = mfbuild(['graph', '--help']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /mfbuild graph/);
    assert.equal(r.stdout, mfbuild(['help', 'graph']).stdout);
  });

  test('mfbuild help dev lists --port and --host; help check lists --strict', () => {
    const dev = mfbuild(['help', 'dev']);
    assert.equal(dev.code, 0, show(dev));
    assert.match(dev.stdout, /--port/);
    assert.match(dev.stdout, /--host/);
    const check = mfbuild(['help', 'check']);
    assert.equal(check.code, 0, show(check));
    assert.match(check.stdout, /--strict/);
    assert.doesNotMatch(check.stdout, /--threads/);
  });

  test('mfbuild help (no command) is the full usage, exit 0', () => {
    const r = mfbuild(['help']);
    assert.equal(r.code, 0, show(r));
    for (const c of commands) assert.match(r.stdout, new RegExp(`\\b${c.name}\\b`));
  });

  test('mfbuild help nosuch: exit 2', () => {
    const r = mfbuild(['help', 'nosuch']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /nosuch/);
  });
});

describe('usage errors (exit 2)', () => {
  test('no command: usage on stderr', () => {
    const r = mfbuild([]);
    assert.equal(r.code, 2, show(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: mfbuild/);
  });

  test('unknown command with "did you mean": biuld -> build', () => {
    const d = expectUsage(mfbuild(['biuld']), /"biuld"/);
    assert.ok(d.some((x) => x.kind === 'note' && x.text === 'Did you mean "build"?'), JSON.stringify(d));
  });

  test('unknown command far from any: a pointer to --help, no suggestion', () => {
    const r = mfbuild(['frobnicate']);
    const d = expectUsage(r, /"frobnicate"/);
    assert.ok(!d.some((x) => /Did you mean/.test(x.text)), JSON.stringify(d));
    assert.match(r.stderr, /--help/);
  });

  test('unknown option with "did you mean": --jsn -> --json', () => {
    const d = expectUsage(mfbuild(['graph', '--jsn'], { cwd: noConfig }), /--jsn/);
    assert.ok(d.some((x) => x.kind === 'note' && x.text === 'Did you mean "--json"?'), JSON.stringify(d));
  });

  test('unknown option --treads -> --threads', () => {
    const d = expectUsage(mfbuild(['graph', '--treads', '2'], { cwd: noConfig }));
    assert.ok(d.some((x) => x.kind === 'note' && /"--threads"/.test(x.text)), JSON.stringify(d));
  });

  for (const args of [['-j', '0'], ['-j0'], ['--threads=0'], ['-j', 'abc'], ['-j', '-3'], ['-j', '2x']]) {
    test(`graph ${args.join(' ')}`, () => {
      expectUsage(mfbuild(['graph', ...args, 'src/index.js'], { cwd: noConfig }), /threads/);
    });
  }

  test('-j 1 and --threads=2 are fine', () => {
    for (const j of [['-j', '1'], ['--threads=2'], ['-j1024']]) {
      const r = mfbuild(['graph', ...j, 'src/index.js'], { cwd: noConfig });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^src\/greet\.js/m);
    }
  });

  test('--color purple', () => {
    expectUsage(mfbuild(['graph', '--color', 'purple', 'src/index.js'], { cwd: noConfig }), /purple/);
  });

  test('an option that needs a value, at the end: -c', () => {
    expectUsage(mfbuild(['graph', '-c'], { cwd: noConfig }), /config/);
  });

  test('a flag given a value: --json=yes', () => {
    expectUsage(mfbuild(['graph', '--json=yes', 'src/index.js'], { cwd: noConfig }), /json/);
  });

  test('an option of another command: graph --port 3000, graph --strict', () => {
    expectUsage(mfbuild(['graph', '--port', '3000', 'src/index.js'], { cwd: noConfig }), /port/);
    expectUsage(mfbuild(['graph', '--strict', 'src/index.js'], { cwd: noConfig }), /strict/);
  });

  test('--mode and --target outside their lists', () => {
    for (const args of [['--mode', 'fast'], ['--target', 'deno']]) {
      const r = mfbuild(['graph', ...args, 'src/index.js'], { cwd: noConfig });
      assert.equal(r.code, 2, show(r));
      assert.ok(r.stderr.includes(args[1]), show(r));
      assert.ok(problems(r.stderr).length >= 1, show(r));
    }
  });

  test('graph with no mfbuild.json and no ENTRY has nothing to scan: exit 2, not an empty graph', () => {
    const r = mfbuild(['graph'], { cwd: noConfig });
    assert.equal(r.code, 2, show(r));
    assert.ok(problems(r.stderr).length >= 1, show(r));
    assert.equal(r.stdout, '');
  });

  test('"--" ends the options', () => {
    const r = mfbuild(['graph', '--json', '--', 'src/index.js'], { cwd: noConfig });
    assert.equal(r.code, 0, show(r));
    assert.equal(parseJson(r.stdout).modules[0].path, 'src/index.js');
  });
});

describe('watch and dev: options', () => {
  test('--debounce takes milliseconds; a bad value is a usage error', () => {
    expectUsage(mfbuild(['watch', '--debounce', 'soon'], { cwd: reactApp }), /--debounce/);
    expectUsage(mfbuild(['dev', '--debounce', '-1'], { cwd: reactApp }), /--debounce/);
  });
  test('--poll and --debounce do not apply to build; --port does not apply to watch', () => {
    expectUsage(mfbuild(['build', '--poll'], { cwd: reactApp }), /does not apply/);
    expectUsage(mfbuild(['build', '--debounce', '5'], { cwd: reactApp }), /does not apply/);
    expectUsage(mfbuild(['watch', '--port', '3000'], { cwd: reactApp }), /does not apply/);
  });
  test('watch and dev with nothing to build: exit 2', () => {
    const dir = tempDir('nothing-');
    for (const cmd of ['watch', 'dev']) {
      const r = mfbuild([cmd], { cwd: dir, timeout: 20_000 });
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /Nothing to build/);
    }
  });
});

describe('build: exit codes and --json', () => {
  test('build --json prints exactly one JSON object: ok, outputs, diagnostics, timings', () => {
    const out = join(tempDir('build-'), 'dist');
    const r = mfbuild(['build', '--json', '--out', out], { cwd: reactApp });
    assert.equal(r.code, 0, show(r));
    const o = parseJson(r.stdout);
    assert.equal(o.ok, true);
    assert.ok(Array.isArray(o.diagnostics));
    const entry = o.outputs.find((x) => x.kind === 'entry');
    assert.ok(entry, r.stdout);
    assert.match(entry.path, /main\.[0-9a-f]{8}\.js$/);
    assert.equal(entry.name, 'main');
    assert.equal(entry.size, statSync(join(out, basename(entry.path))).size);
    assert.equal(typeof entry.gzip, 'number', 'production writes .gz siblings');
    assert.deepEqual(Object.keys(o.timings), ['config', 'scan', 'link', 'chunk', 'emit']);
  });

  test('build errors: exit 1, ok:false with the diagnostics, nothing written', () => {
    const dir = project({ 'src/index.js': 'require("./missing");\n' }, 'build-');
    const r = mfbuild(['build', '--json', 'src/index.js'], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    const o = parseJson(r.stdout);
    assert.equal(o.ok, false);
    assert.deepEqual(o.outputs, []);
    assert.equal(o.diagnostics[0].id, 'unresolved-import');
    assert.match(r.stderr, /\[unresolved-import\]/);
    assert.ok(!existsSync(join(dir, 'dist')));
  });

  test('build with nothing to build is a usage error (exit 2), still one JSON object', () => {
    const r = mfbuild(['build', '--json'], { cwd: noConfig });
    assert.equal(r.code, 2, show(r));
    assert.equal(parseJson(r.stdout).ok, false);
  });
});

describe('--timings', () => {
  test('prints the config and scan phases on stderr', () => {
    const r = mfbuild(['graph', '--timings', 'src/index.js'], { cwd: noConfig });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /^config\s+\d+(\.\d+)?\s*$/m);
    assert.match(r.stderr, /^scan\s+\d+(\.\d+)?\s*$/m);
    assert.doesNotMatch(r.stdout, /^config\s+\d/m, 'not on stdout');
  });

  test('with --json, stdout is still one JSON object', () => {
    const r = mfbuild(['graph', '--json', '--timings', 'src/index.js'], { cwd: noConfig });
    assert.equal(r.code, 0, show(r));
    parseJson(r.stdout);
    assert.match(r.stderr, /^scan\s+\d/m);
  });

  test('without --timings, stderr is empty on success', () => {
    const r = mfbuild(['graph', 'src/index.js'], { cwd: noConfig });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^src\/index\.js/m);
    assert.equal(r.stderr, '');
  });
});
