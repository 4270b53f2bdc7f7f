// tests/setup.mjs — fixture preparation shared by the test runner and by
// the example's build script.
//
// Hand-made npm packages cannot be committed under `node_modules/` (that
// folder is never tracked), so fixtures keep them in `_node_modules/` and
// this copies each to a sibling `node_modules/` before the tests run.
// Symlinks are copied as symlinks (pnpm-style layouts stay links), so the
// resolver's real-path handling is exercised.  Nested `_node_modules`
// folders (a pnpm store's `.pnpm/<pkg>@<v>/node_modules`) are renamed in the
// copy too; committed symlinks already point at the final `node_modules`
// names.
import { cpSync, existsSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, found) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (!st.isDirectory()) continue;
    if (name === '_node_modules') found.push(p);
    else walk(p, found);
  }
}

// Renames every `_node_modules` folder below dir (not following links).
function renameNested(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!lstatSync(p).isDirectory()) continue;
    if (name === '_node_modules') {
      const q = join(dir, 'node_modules');
      renameSync(p, q);
      renameNested(q);
    } else {
      renameNested(p);
    }
  }
}

export function prepareFixtures(repo) {
  const found = [];
  if (existsSync(join(repo, 'fixtures'))) walk(join(repo, 'fixtures'), found);
  for (const src of found) {
    const dst = join(src, '..', 'node_modules');
    rmSync(dst, { recursive: true, force: true });
    cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    renameNested(dst);
  }
  return found.length;
}
