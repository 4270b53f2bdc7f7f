#!/usr/bin/env node
// tools/embed.mjs: turns the runtime's JavaScript into C data. The Makefile
// runs it to generate build/gen/runtime_js.c:
//
//   node tools/embed.mjs OUT.c NAME=FILE.js [NAME=FILE.js...]
//
// Each NAME becomes `const char NAME[]` (NUL-terminated) and
// `const size_t NAME_len` (length without the NUL), as declared in
// include/mfbuild.h.
//
// A line `// @include FILE.js` (FILE relative to the including file) is
// replaced by that file's text first (compose()): federation.js includes
// semver.js that way. Tests load the same composition.
//
// Emit copies this text into every entry chunk, so shipping() drops what only
// readers need: whole-line `//` comments, indentation and blank lines. That is
// safe because the runtime has no template literals and no `/*` comments
// (checked below), so no string or regex spans lines. Line breaks between code
// lines are kept, which means automatic semicolon insertion is unchanged. The
// result must still compile as one function expression. tests/runtime runs
// its suite on both forms.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** The text of runtime source `file` with its `// @include` lines expanded. */
export function compose(file) {
  return readFileSync(file, 'utf8').replace(/^[ \t]*\/\/ @include (\S+)[ \t]*$/gm,
    (line, name) => compose(join(dirname(file), name)).replace(/\n$/, ''));
}

/** The shipped form of a runtime source file (see the header). */
export function shipping(source, file = 'runtime') {
  const lines = source.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//'));
  const text = lines.join('\n') + '\n';
  if (/[`]|\/\*/.test(text)) throw new Error(`${file}: template literals and /* comments are not allowed`);
  const fn = new vm.Script(text, { filename: file }).runInNewContext({});
  if (typeof fn !== 'function') throw new Error(`${file}: not a function expression`);
  return text;
}

/** `text` as adjacent C string literals, one per line. */
function cString(text) {
  const out = [];
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) || ['']) {
    let s = '';
    for (const byte of Buffer.from(line, 'utf8')) {
      const c = String.fromCharCode(byte);
      if (c === '\\' || c === '"') s += '\\' + c;
      else if (c === '?') s += '\\?'; // no trigraphs under -std=c11
      else if (c === '\n') s += '\\n';
      else if (byte >= 0x20 && byte < 0x7f) s += c;
      else s += '\\' + byte.toString(8).padStart(3, '0');
    }
    out.push(`    "${s}"`);
  }
  return out.join('\n');
}

function main(argv) {
  const [out, ...pairs] = argv;
  if (!out || !pairs.length || !pairs.every((p) => /^[A-Za-z_]\w*=./.test(p))) {
    console.error('usage: node tools/embed.mjs OUT.c NAME=FILE.js [NAME=FILE.js...]');
    process.exit(2);
  }
  let c = '/* Generated from the runtime sources by tools/embed.mjs: do not edit. */\n' +
    '#include "mfbuild.h"\n';
  for (const pair of pairs) {
    const [name, file] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    const text = shipping(compose(file), file);
    c += `\n/* ${file} */\nconst char ${name}[] =\n${cString(text)};\n` +
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
