// css-url.test.mjs — url() references in imported CSS: the file is emitted
// under a content-hashed name and the stylesheet points at it; data: and
// remote URLs are left alone; a missing file is an error at its position.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mfbuild, project, cleanup } from '../lib/mfbuild.mjs';

after(cleanup);

test('url() in CSS: asset emitted with a hash, references rewritten', () => {
  const dir = project({
    'src/img/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    'src/a.css': '.a { background: url(./img/bg.svg) }\n.b { background: url("img/bg.svg") }\n' +
      '.c { background: url(data:image/gif;base64,R0lGOD) url(https://example.invalid/x.png) }\n',
    'src/index.js': 'import "./a.css";\n',
  }, 'css-url-');
  const r = mfbuild(['build', 'src/index.js', '--quiet'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(join(dir, 'dist'));
  const svg = files.find((f) => /^bg\.[0-9a-f]{8}\.svg$/.test(f));
  assert.ok(svg, files.join(' '));
  const css = readFileSync(join(dir, 'dist', files.find((f) => f.endsWith('.css'))), 'utf8');
  assert.equal(css.split(svg).length - 1, 2, css);
  assert.match(css, /url\(data:image\/gif;base64,R0lGOD\)/);
  assert.match(css, /url\(https:\/\/example\.invalid\/x\.png\)/);
  assert.doesNotMatch(css, /img\/bg\.svg/);
});

test('url() to a missing file is an unresolved-import error at its position', () => {
  const dir = project({
    'src/a.css': '.a {\n  background: url(./nope.png);\n}\n',
    'src/index.js': 'import "./a.css";\n',
  }, 'css-url-missing-');
  const r = mfbuild(['build', 'src/index.js'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /src\/a\.css:2:19: error: Could not resolve "\.\/nope\.png" \[unresolved-import\]/);
});
