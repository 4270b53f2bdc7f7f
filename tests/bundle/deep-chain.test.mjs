// tests/bundle/deep-chain.test.mjs — a long chain of static imports (the
// benchmark's 4000-module apps have one ~2,900 deep) must run: the runtime
// evaluates an acyclic module's imports from an explicit stack, not one
// nested JS call per import (docs/output-format.md section 3, "deps").  Also
// checks that a cycle in the middle of such a chain keeps ES semantics
// (hoisted functions visible to the module that imports back).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanup, mfbuild, project, show } from '../lib/mfbuild.mjs';
import { entryChunk, runNode, showRun } from '../lib/bundle.mjs';

after(cleanup);

/** src/m0.js imports m1 ... imports m<n-1>; each adds its number to a list. */
function chain(n, extra = {}) {
  const files = { 'mfbuild.json': JSON.stringify({ entry: './src/index.js', target: 'node' }) };
  for (let i = 0; i < n; i++) {
    files[`src/m${i}.js`] = (i + 1 < n ? `import { order as next } from './m${i + 1}.js';\nexport const order = next;\n`
      : 'export const order = [];\n') + `order.push(${i});\n`;
  }
  files['src/index.js'] = "import { order } from './m0.js';\nconsole.log(order.length, order[0], order[order.length - 1]);\n";
  return project({ ...files, ...extra }, 'deep-');
}

test('a 6000-module static import chain runs without overflowing the stack, deepest module first', () => {
  const dir = chain(6000);
  const r = mfbuild(['build', '-j2'], { cwd: dir, timeout: 120_000 });
  assert.equal(r.code, 0, show(r));
  const main = entryChunk(join(dir, 'dist'));
  // Node's default stack is ~10 800 frames: well below 6000 nested imports.
  const run = runNode(main, { args: ['--stack-size=900'] });
  assert.equal(run.code, 0, showRun(run, main));
  assert.equal(run.stdout, '6000 5999 0\n');
});

test('a cycle inside a long chain still sees the hoisted function of the module it imports back', () => {
  const dir = chain(3000, {
    // m10 -> cyc-a -> cyc-b -> cyc-a: b calls a's hoisted function while a is
    // still importing b.
    'src/m10.js': "import { order as next } from './m11.js';\nimport { fromA } from './cyc-a.js';\nexport const order = next;\norder.push(10);\nconsole.log(fromA());\n",
    'src/cyc-a.js': "import { b } from './cyc-b.js';\nexport function hello() { return 'hoisted'; }\nexport function fromA() { return b; }\n",
    'src/cyc-b.js': "import { hello } from './cyc-a.js';\nexport const b = 'b saw ' + hello();\n",
  });
  const r = mfbuild(['build'], { cwd: dir, timeout: 120_000 });
  assert.equal(r.code, 0, show(r));
  const main = entryChunk(join(dir, 'dist'));
  const run = runNode(main, { args: ['--stack-size=900'] });
  assert.equal(run.code, 0, showRun(run, main));
  assert.equal(run.stdout, 'b saw hoisted\n3000 2999 0\n');
});
