// tests/interop/complete-lock.mjs — adds the lock entries npm leaves out of
// package-lock.json when the registry it was generated against does not
// carry every platform's native binding of @rspack/binding (an optional
// dependency per OS/CPU).  Without them `npm ci` refuses the lock ("Missing:
// @rspack/binding-darwin-arm64@ from lock file").  The added entries carry
// os/cpu/libc, so npm skips them on every other platform without fetching.
//
// Regenerate the lock with:
//   npm install --package-lock-only --ignore-scripts && node complete-lock.mjs [DIR]
//
// DIR is the folder of the package-lock.json (default: this one); bench/
// uses it too: `node ../tests/interop/complete-lock.mjs .` from bench/.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const file = process.argv[2]
  ? new URL('package-lock.json', pathToFileURL(resolve(process.argv[2]) + '/'))
  : new URL('./package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platform = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-ppc64-gnu': { os: ['linux'], cpu: ['ppc64'], libc: ['glibc'] },
  'linux-riscv64-gnu': { os: ['linux'], cpu: ['riscv64'], libc: ['glibc'] },
  'linux-riscv64-musl': { os: ['linux'], cpu: ['riscv64'], libc: ['musl'] },
  'linux-s390x-gnu': { os: ['linux'], cpu: ['s390x'], libc: ['glibc'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'wasm32-wasi': { cpu: ['wasm32'] },
  'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
  'win32-ia32-msvc': { os: ['win32'], cpu: ['ia32'] },
  'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};
let added = 0;
for (const pkg of Object.values(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const m = /^@rspack\/binding-(.+)$/.exec(dep);
    const where = `node_modules/${dep}`;
    if (!m || lock.packages[where]) continue;
    if (!platform[m[1]]) throw new Error(`unknown platform of ${dep}; add it to complete-lock.mjs`);
    lock.packages[where] = { version, dev: true, license: 'MIT', optional: true, ...platform[m[1]] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: ${added} platform entr${added === 1 ? 'y' : 'ies'} added`);
