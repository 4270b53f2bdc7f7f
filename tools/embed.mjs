#!/usr/bin/env node
// tools/embed.mjs: turns the runtime's JavaScript into C data. The Makefile
// runs it to generate build/gen/runtime_js.c:
//
//   node tools/embed.mjs OUT.c NAME=FILE.js[:-FEATURE...] [...]
//
// Each NAME becomes `const char NAME[]` (NUL-terminated) and
// `const size_t NAME_len` (length without the NUL), as declared in
// include/mfbuild.h.
//
// A line `// @include FILE.js` (FILE relative to the including file) is
// replaced by that file's text first (compose()): federation.js includes
// semver.js that way. Tests load the same composition.
//
// `:-FEATURE` ships a variant without the lines from `// @if FEATURE` to
// `// @endif` (without()): federation.js without `remotes` is what emit
// gives a build that cannot load remote containers. The variant must not
// use anything those lines declared (checked below).
//
// Emit copies this text into every entry chunk and remoteEntry.js, whose
// gzip size is a benchmarked target (bench/run.mjs), so shipping() minifies
// it with esbuild (pinned in package.json): whitespace, syntax and local
// names. Property names are left alone, so everything the output format
// names (docs/output-format.md: config keys, __mf.i/d/s/e/u/p/r, register,
// hooks, container...) keeps its name. The target is es2017, the language
// level the runtime is written in, so esbuild never introduces newer syntax.
// The result must still compile as one function expression that emit can
// call as `(<runtime>)(config)`. tests/runtime runs its suites on both the
// source and the shipped form.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { transformSync } from 'esbuild';

/** The text of runtime source `file` with its `// @include` lines expanded. */
export function compose(file) {
  return readFileSync(file, 'utf8').replace(/^[ \t]*\/\/ @include (\S+)[ \t]*$/gm,
    (line, name) => compose(join(dirname(file), name)).replace(/\n$/, ''));
}

/**
 * `source` without the `// @if F` ... `// @endif` regions of the features in
 * `drop` (the marker lines of the other regions stay: they are comments).
 * Returns { text, dropped }: dropped is the text of the removed lines.
 */
export function without(source, drop = [], file = 'runtime') {
  const keep = [], dropped = [];
  let open = null, line = 0;
  for (const l of source.split('\n')) {
    line++;
    const m = /^\s*\/\/ @(if (\S+)|endif)\s*$/.exec(l);
    if (m && m[2]) {
      if (open) throw new Error(`${file}:${line}: @if inside @if ${open.feature} (line ${open.line})`);
      open = { feature: m[2], line };
    } else if (m) {
      if (!open) throw new Error(`${file}:${line}: @endif without @if`);
      const was = open;
      open = null;
      if (drop.includes(was.feature)) continue;
    }
    (open && drop.includes(open.feature) ? dropped : keep).push(l);
  }
  if (open) throw new Error(`${file}:${open.line}: @if ${open.feature} is not closed`);
  return { text: keep.join('\n'), dropped: dropped.join('\n') };
}

const RESERVED = new Set(('break case catch class const continue debugger default delete do else export extends ' +
  'false finally for function if import in instanceof let new null return static super switch this throw true try ' +
  'typeof var void while with yield async await get set of undefined arguments eval').split(' '));

/** Which of `names` `text` refers to without declaring them (esbuild's define replaces only those). */
function freeNames(text, names) {
  const define = Object.fromEntries(names.map((n) => [n, `__mf_free_${n}`]));
  const { code } = transformSync(`(${text});`, { define, loader: 'js', logLevel: 'silent' });
  return new Set([...code.matchAll(/__mf_free_([\w$]+)/g)].map((m) => m[1]));
}

/** The shipped form of runtime source `source` (see the header); `drop`: features to leave out. */
export function shipping(source, file = 'runtime', drop = []) {
  const { text, dropped } = without(source, drop, file);
  if (dropped) {
    // A name the dropped lines declared and the rest still uses would be an
    // undeclared global at run time: the names free in the variant but not
    // in the whole source.
    const names = [...new Set(dropped.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\/\/.*/g, '')
      .match(/(?<![\w$.])[A-Za-z_$][\w$]*/g) || [])].filter((n) => !RESERVED.has(n));
    const before = freeNames(without(source, [], file).text, names);
    const dangling = [...freeNames(text, names)].filter((n) => !before.has(n));
    if (dangling.length) {
      throw new Error(`${file} without ${drop.join(', ')}: still uses ${dangling.join(', ')}, declared in the dropped lines`);
    }
  }
  // A declaration keeps the expression, which minifying would drop as an
  // unused statement; it is taken off again below.
  const { code } = transformSync(`var __mf_embed = (${text});`, {
    minify: true, target: 'es2017', loader: 'js', charset: 'ascii', legalComments: 'none', logLevel: 'silent',
  });
  const m = /^var __mf_embed=([^]*);\n$/.exec(code);
  if (!m) throw new Error(`${file}: unexpected minifier output ${JSON.stringify(code.slice(0, 40))}`);
  const out = m[1];
  const fn = new vm.Script(`(${out})`, { filename: file }).runInNewContext({});
  if (typeof fn !== 'function') throw new Error(`${file}: not a function expression`);
  return out + '\n';
}

/** `text` as adjacent C string literals of at most ~100 bytes each. */
function cString(text) {
  const out = [];
  let s = '', n = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (c === '\\' || c === '"') s += '\\' + c;
    else if (c === '?') s += '\\?'; // no trigraphs under -std=c11
    else if (c === '\n') s += '\\n';
    else if (byte >= 0x20 && byte < 0x7f) s += c;
    else s += '\\' + byte.toString(8).padStart(3, '0');
    // An octal escape must not run into a following digit: never split after one.
    if (++n >= 100 && !/\\[0-7]{3}$/.test(s)) {
      out.push(`    "${s}"`);
      s = '', n = 0;
    }
  }
  if (s || !out.length) out.push(`    "${s}"`);
  return out.join('\n');
}

function main(argv) {
  const [out, ...pairs] = argv;
  if (!out || !pairs.length || !pairs.every((p) => /^[A-Za-z_]\w*=[^:]+(:-[\w-]+)*$/.test(p))) {
    console.error('usage: node tools/embed.mjs OUT.c NAME=FILE.js[:-FEATURE...] [...]');
    process.exit(2);
  }
  let c = '/* Generated from the runtime sources by tools/embed.mjs: do not edit. */\n' +
    '#include "mfbuild.h"\n';
  for (const pair of pairs) {
    const name = pair.slice(0, pair.indexOf('='));
    const [file, ...drop] = pair.slice(pair.indexOf('=') + 1).split(':-');
    const text = shipping(compose(file), file, drop);
    c += `\n/* ${file}${drop.map((f) => ' without ' + f).join('')} */\nconst char ${name}[] =\n${cString(text)};\n` +
      `const size_t ${name}_len = sizeof ${name} - 1;\n`;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out + '.tmp', c);
  renameSync(out + '.tmp', out);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`tools/embed.mjs: ${err.message}`);
    process.exit(1);
  }
}
