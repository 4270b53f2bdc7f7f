// semver.test.mjs — src/runtime/semver.js against node-semver's semantics:
// the cases federation-protocol.md section 7 lists, the ^0.x rules, hyphen,
// x-ranges, ||, and the prerelease exclusion rule.
//
// The runtime tests versions against ranges the build compiled
// (mf_semver_range_json in src/semver.c). The table is the one of
// tests/unit/test_semver.c, which checks that C compiles `range` into
// `compiled` and answers `want` (node-semver's answer); here the runtime,
// given `compiled`, must answer `want` too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const src = readFileSync(new URL('../../src/runtime/semver.js', import.meta.url), 'utf8');
const S = vm.runInNewContext(`${src}\n({ semverSatisfies, semverCompare, semverParse })`);

const cases = [
  // [version, range, compiled range, want]
  ['1.3.0-beta.1', '^1.2.0', [['>=1.2.0', '<2.0.0-0']], false],
  ['1.2.4-beta', '^1.2.3-beta.1', [['>=1.2.3-beta.1', '<2.0.0-0']], false],
  ['1.2.3-beta.2', '^1.2.3-beta.1', [['>=1.2.3-beta.1', '<2.0.0-0']], true],
  ['1.2.3-alpha', '*', [[]], false],
  ['1.2', '^1.0.0', [['>=1.0.0', '<2.0.0-0']], false],
  ['1.2.3', '~>1.2.0', [['>=1.2.0', '<1.3.0-0']], true],
  ['1.2.3', '!=1.2.3', [], false],
  ['1.2.3', '^1.0.0', [['>=1.0.0', '<2.0.0-0']], true],
  ['2.0.0', '^1.0.0', [['>=1.0.0', '<2.0.0-0']], false],
  ['2.0.0-beta', '^1.0.0', [['>=1.0.0', '<2.0.0-0']], false],
  ['0.2.5', '^0.2.3', [['>=0.2.3', '<0.3.0-0']], true],
  ['0.3.0', '^0.2.3', [['>=0.2.3', '<0.3.0-0']], false],
  ['0.0.3', '^0.0.3', [['>=0.0.3', '<0.0.4-0']], true],
  ['0.0.4', '^0.0.3', [['>=0.0.3', '<0.0.4-0']], false],
  ['0.9.9', '^0.x', [['>=0.0.0', '<1.0.0-0']], true],
  ['1.0.0', '^0.x', [['>=0.0.0', '<1.0.0-0']], false],
  ['0.0.9', '^0.0.x', [['>=0.0.0', '<0.1.0-0']], true],
  ['0.1.0', '^0.0.x', [['>=0.0.0', '<0.1.0-0']], false],
  ['1.2.9', '~1.2.3', [['>=1.2.3', '<1.3.0-0']], true],
  ['1.3.0', '~1.2.3', [['>=1.2.3', '<1.3.0-0']], false],
  ['1.9.0', '~1', [['>=1.0.0', '<2.0.0-0']], true],
  ['1.5.0', '1.2.3 - 2.3.4', [['>=1.2.3', '<=2.3.4']], true],
  ['2.3.4', '1.2.3 - 2.3.4', [['>=1.2.3', '<=2.3.4']], true],
  ['2.3.5', '1.2.3 - 2.3.4', [['>=1.2.3', '<=2.3.4']], false],
  ['2.3.9', '1.2.3 - 2.3', [['>=1.2.3', '<2.4.0-0']], true],
  ['2.4.0', '1.2.3 - 2.3', [['>=1.2.3', '<2.4.0-0']], false],
  ['1.2.0', '1.2.x', [['>=1.2.0', '<1.3.0-0']], true],
  ['1.3.0', '1.2.*', [['>=1.2.0', '<1.3.0-0']], false],
  ['3.0.0', '', [[]], true],
  ['3.0.0', '*', [[]], true],
  ['1.5.0', '<1 || >=1.5 <2', [['<1.0.0-0'], ['>=1.5.0', '<2.0.0-0']], true],
  ['1.4.0', '<1 || >=1.5 <2', [['<1.0.0-0'], ['>=1.5.0', '<2.0.0-0']], false],
  ['1.0.0', '>= 1.0.0', [['>=1.0.0']], true],
  ['1.0.0', '^ 1.0.0', [['>=1.0.0', '<2.0.0-0']], true],
  ['1.2.3', 'v1.2.3', [['1.2.3']], true],
  ['1.2.3+build.5', '1.2.3', [['1.2.3']], true],
  ['1.9.9', '<2', [['<2.0.0-0']], true],
  ['2.0.0-rc.1', '<2', [['<2.0.0-0']], false],
  ['1.1.0', '>1', [['>=2.0.0']], false],
  ['2.0.0', '>1', [['>=2.0.0']], true],
  ['1.9.0', '<=1', [['<2.0.0-0']], true],
  ['18.3.1', '^18.2.0', [['>=18.2.0', '<19.0.0-0']], true],
  ['17.0.2', '^18.2.0', [['>=18.2.0', '<19.0.0-0']], false],
  ['not-a-version', '*', [[]], false],
  ['1.0.0', 'garbage range', [], false],
  // a few more
  ['1.0.0-rc.2', '>=1.0.0-rc.1 <1.0.0', [['>=1.0.0-rc.1', '<1.0.0']], true],
  ['1.0.0-rc.10', '^1.0.0-rc.9', [['>=1.0.0-rc.9', '<2.0.0-0']], true],
  ['1.2.3', '1.2.3', [['1.2.3']], true],
  ['1.2.4', '=1.2.3', [['1.2.3']], false],
  ['4.17.21', '^4.17.0 || ^5.0.0', [['>=4.17.0', '<5.0.0-0'], ['>=5.0.0', '<6.0.0-0']], true],
  ['5.1.0', '^4.17.0 || ^5.0.0', [['>=4.17.0', '<5.0.0-0'], ['>=5.0.0', '<6.0.0-0']], true],
  ['6.0.0', '^4.17.0 || ^5.0.0', [['>=4.17.0', '<5.0.0-0'], ['>=5.0.0', '<6.0.0-0']], false],
  ['1.2.3', '>1.2.2 <=1.2.3', [['>1.2.2', '<=1.2.3']], true],
  ['1.2.3', '  ^1.2.3  ', [['>=1.2.3', '<2.0.0-0']], true],
  ['1.2.3', 'workspace:*', [], false],
  ['0.0.0', '<0', [['<0.0.0-0']], false],
  ['99999999999999999999.0.0', '>1', [['>=2.0.0']], true],
];

test('satisfies: node-semver semantics on compiled ranges', () => {
  for (const [v, r, compiled, want] of cases) {
    assert.equal(S.semverSatisfies(v, compiled), want, `satisfies(${v}, ${JSON.stringify(r)} = ${JSON.stringify(compiled)})`);
  }
});

test('compare: prereleases sort before releases; numeric ids before alphanumeric', () => {
  const sorted = ['2.0.0', '1.0.0', '1.0.0-beta.2', '1.0.0-alpha', '1.0.0-beta.11', '1.0.0-alpha.1', '0.9.0', '1.0.0-rc.1']
    .sort(S.semverCompare);
  assert.deepEqual(sorted, ['0.9.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0']);
  assert.equal(S.semverCompare('1.2.3', 'v1.2.3'), 0);
  assert.equal(S.semverCompare('x', '1.0.0'), -1);
});
