// tests/interop/webpack.test.mjs — mfbuild and webpack 5 federated together
// in headless Chromium (issue 7, pairings 2, 3, 4b, 5 and 6 for webpack;
// fixtures/interop, see its README.md).  Pinned tools: webpack 5.110.3 and
// @module-federation/enhanced 2.9.2 (tests/interop/package.json).
//
// Apps (every one on its own 127.0.0.1 port; container names matter, as
// the greater name keeps a share-scope entry of equal version):
//   mf_remote           mfbuild remote: ./Counter (hooks), ./FedLib; provides fed-lib 2.0.0 (^2.0.0)
//   mf_pinned           mfbuild remote: ./FedLib; fed-lib 1.0.0, singleton, strictVersion ^1.0.0
//   enhanced_host       webpack + @module-federation/enhanced (MF 2.0), remotes by
//                       mf-manifest.json, shareStrategy version-first (the default)
//   wp_enhanced_lf      the same, shareStrategy loaded-first
//   wp_enhanced_strict  the same (version-first), fed-lib with strictVersion
//   legacy_host         webpack's own container.ModuleFederationPlugin, remotes by remoteEntry.js
//   wp_legacy_strict    the same, fed-lib with strictVersion
//   webpack_remote      webpack legacy remote: ./Counter, ./FedLib; provides fed-lib 2.0.0 (^2.0.0)
//   wp_pinned           the same fixture: fed-lib 1.0.0, singleton, strictVersion ^1.0.0
//   rspack_remote       Rspack 2 remote (fed-lib 2.0.0), so that mf_host runs as designed
//   mf_host             mfbuild host: rspack_remote (manifest) and webpack_remote
//                       (remoteEntry.js); provides fed-lib 1.0.0 (singleton, ^1.0.0)
//   mf_host_strict      mf_host with fed-lib strictVersion
//   mf_host_pinned      mf_host whose alias webpack_remote is served by wp_pinned
// The webpack hosts provide fed-lib 1.0.0 (singleton, ^1.0.0, used by their
// own bootstrap, behind `import('./bootstrap')`); every app shares React
// 18.3.1 and react-dom as singletons.
//
// What is checked, per pairing:
// - one React: the remote's Counter (useState, useEffect) renders inside the
//   host's tree and a click updates it; every app's code saw one React
//   object; React's code was fetched once, from the provider that the
//   equal-version tie-break picks (mfbuild's mf_remote under the webpack
//   hosts, webpack_remote under mf_host); the share scope holds one loaded
//   React entry;
// - negotiation (protocol doc 2.6): a singleton's higher provided version
//   wins (host and remote both run fed-lib 2.0.0, one instance); a strict
//   mismatch fails with the error of the runtime that consumes: mfbuild's
//   "[mfbuild] ..." in mf_pinned and mf_host_strict, webpack's
//   "Unsatisfied version ..." in wp_pinned and wp_legacy_strict, MF 2.0's
//   "[ Federation Runtime ]: Version ..." in wp_enhanced_strict; with
//   loaded-first the host's already loaded 1.0.0 wins;
// - a remote that is down (protocol doc 6): the last tests stop the servers
//   of mf_remote and webpack_remote.  Legacy host: isolated.  MF 2.0 host,
//   manifest remote, version-first: documented as NOT isolated (the host's
//   bootstrap never runs); loaded-first: isolated.  mfbuild host: isolated.
// Findings: docs/federation-protocol-notes.md, section "webpack 5".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from '../lib/mfbuild.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { fetched, filesHolding } from '../lib/federation.mjs';
import { assertAllBuilt, interopApps, openPage, shareEntries, textOf } from '../lib/interop.mjs';

// Text in every file that holds React's own code (its license header, kept
// by webpack without minimizing, and mfbuild's module id).
const REACT = 'react.production.min.js';
const HOST_SCOPES = 'globalThis.__hostShareScopes';

let browser, set;

before(async () => {
  browser = await launchBrowser();
  set = await interopApps([
    { app: 'mf-remote' },
    { app: 'mf-pinned' },
    { app: 'wp-enhanced-host', from: 'webpack-enhanced-host', tool: 'webpack', name: 'enhanced_host' },
    {
      app: 'wp-enhanced-lf', from: 'webpack-enhanced-host', tool: 'webpack', name: 'wp_enhanced_lf',
      options: { name: 'wp_enhanced_lf', shareStrategy: 'loaded-first' },
    },
    {
      app: 'wp-enhanced-strict', from: 'webpack-enhanced-host', tool: 'webpack', name: 'wp_enhanced_strict',
      options: { name: 'wp_enhanced_strict', strict: true },
    },
    { app: 'wp-legacy-host', from: 'webpack-legacy-host', tool: 'webpack', name: 'legacy_host' },
    {
      app: 'wp-legacy-strict', from: 'webpack-legacy-host', tool: 'webpack', name: 'wp_legacy_strict',
      options: { name: 'wp_legacy_strict', strict: true },
    },
    { app: 'webpack-remote', from: 'webpack-legacy-remote', tool: 'webpack', name: 'webpack_remote', html: false },
    {
      app: 'wp-pinned', from: 'webpack-legacy-remote', tool: 'webpack', name: 'wp_pinned', html: false,
      options: { name: 'wp_pinned', pinned: true },
    },
    { app: 'rspack-remote', tool: 'rspack', name: 'rspack_remote', html: false },
    { app: 'mf-host' },
    {
      app: 'mf-host-strict',
      from: 'mf-host',
      config: (cfg) => {
        cfg.name = 'mf_host_strict';
        cfg.shared['fed-lib'].strictVersion = true;
      },
    },
    {
      app: 'mf-host-pinned',
      from: 'mf-host',
      config: (cfg) => {
        cfg.name = 'mf_host_pinned';
        // The alias stays webpack_remote (the host's code imports it); the
        // container behind it is wp_pinned.
        cfg.remotes.webpack_remote = 'wp_pinned@http://127.0.0.1:9/remoteEntry.js';
      },
    },
  ]);
});

after(async () => {
  await browser?.close();
  await set?.close();
  cleanup();
});

/** The apps must have built (only those a test needs, so one broken peer fails only its tests). */
function built(...names) {
  assertAllBuilt(Object.fromEntries(names.map((n) => [n, set.apps[n]])));
}

/** Opens a host that renders #title and waits until its panels settled. */
async function openHost(app) {
  return openPage(browser, set.apps[app].url, () => !!document.querySelector('#title') &&
    document.querySelectorAll('section.panel').length > 0 && !document.querySelector('.loading'));
}

/**
 * Opens a webpack host whose bootstrap is expected to fail: waits for the
 * #boot-error its entry shows when `import('./bootstrap')` rejects (or for
 * #title, should the app start after all).  Returns the watched page.
 */
async function openFailingHost(app) {
  return openPage(browser, set.apps[app].url, () => !!document.querySelector('#title, #boot-error'));
}

/** The error text a panel shows, or a failure that says what the panel shows instead. */
async function panelError(page, id) {
  const error = page.locator(`#panel-${id} .error`);
  assert.equal(await error.count(), 1, `panel ${id} shows an error; it shows: ${await textOf(page, `#panel-${id}`)}`);
  return error.textContent();
}

/** Text of a panel's module (fails with the panel's error if it shows one). */
async function panelText(page, id, selector) {
  const error = page.locator(`#panel-${id} .error`);
  if (await error.count()) assert.fail(`panel ${id} renders; it fails with: ${await error.first().textContent()}`);
  return textOf(page, `#panel-${id} ${selector}`);
}

/** The host's own state works (its bootstrap ran and React handles its events). */
async function assertHostWorks(page) {
  await page.click('#host-button');
  await page.locator('#host-button', { hasText: 'host clicks: 1' }).waitFor({ timeout: 5_000 });
}

/**
 * One React: the remote Counter in panel `id` renders inside the host's tree
 * and updates on click, every app's code saw one React object, React's code
 * was fetched once across all origins, from app `provider` (the provider
 * that negotiation picks), and `scopes` (an expression giving the host's
 * share scopes) hold one loaded react entry.
 */
async function assertOneReact({ page, requests, errors }, id, scopes, provider) {
  const counter = page.locator(`#panel-${id} .counter`);
  assert.equal(await counter.count(), 1, `the remote Counter renders in #panel-${id}: ${await textOf(page, `#panel-${id}`)}\n${errors.join('\n')}`);
  assert.equal(await counter.getAttribute('data-mounted'), 'true', "the remote's effect ran");
  assert.equal(await textOf(page, `#panel-${id} .counter`), 'remote clicks: 0');
  for (const n of [1, 2]) {
    await counter.click();
    await page.locator(`#panel-${id} .counter`, { hasText: `remote clicks: ${n}` }).waitFor({ timeout: 5_000 });
  }
  await assertHostWorks(page);
  assert.equal(await page.evaluate(() => globalThis.__reactCopies?.size), 1, "the host's and the remotes' modules all saw one React object");
  const reactFiles = filesHolding(set.apps, REACT);
  const got = fetched(requests, reactFiles);
  assert.equal(got.length, 1,
    `React's code fetched once across all origins (files holding it: ${reactFiles.join(', ')}):\n${requests.join('\n')}`);
  assert.ok(got[0].startsWith(set.apps[provider].url), `React's code came from ${provider}: ${got[0]}`);
  const react = await shareEntries(page, 'react', scopes);
  assert.ok(react.length >= 1, `react is in the share scope at ${scopes}`);
  assert.deepEqual(react.filter((e) => e.loaded).map((e) => e.version), ['18.3.1'],
    `one loaded react in the share scope: ${JSON.stringify(react)}`);
  assert.ok(!errors.some((e) => /Invalid hook call|more than one copy of React/i.test(e)), errors.join('\n'));
}

/**
 * fed-lib ran once, at `version`, and the share scope's loaded fed-lib is
 * that one.  An entry under the key "undefined" is the junk an MF 2.0
 * consumer writes when it loads a legacy webpack entry, which has no
 * `version` field (protocol doc 2.4): with `junkFrom` (the MF 2.0 consumer)
 * it is allowed, must come from that consumer, and holds no module.
 */
async function assertOneFedLib(page, version, scopes, { junkFrom } = {}) {
  assert.deepEqual(await page.evaluate(() => globalThis.__fedLibLoaded), [version], 'one fed-lib instance ran');
  const entries = await shareEntries(page, 'fed-lib', scopes);
  const junk = entries.filter((e) => e.version === 'undefined');
  const real = entries.filter((e) => e.version !== 'undefined');
  assert.deepEqual(real.filter((e) => e.loaded).map((e) => e.version), [version],
    `the loaded fed-lib in the share scope: ${JSON.stringify(entries)}`);
  if (junkFrom) for (const e of junk) assert.ok(e.from === junkFrom && !e.hasLib, `junk entry: ${JSON.stringify(e)}`);
  else assert.deepEqual(junk, [], 'no entry under the key "undefined"');
}

/** Asserts that `text` names every fact (strings or RegExps). */
function assertFacts(text, facts, what) {
  for (const fact of facts) {
    if (fact instanceof RegExp) assert.match(text, fact, `${what} matches ${fact}: ${text}`);
    else assert.ok(text.includes(fact), `${what} names ${JSON.stringify(fact)}: ${text}`);
  }
}

describe('2. webpack + @module-federation/enhanced host consumes the mfbuild remote by mf-manifest.json (version-first)', () => {
  test('one React: mf_remote/Counter renders and updates in the host tree; one loaded React in the share scope', async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-host');
    const watched = await openHost('wp-enhanced-host');
    try {
      assert.equal(await textOf(watched.page, '#title'), 'enhanced_host');
      // Equal versions (18.3.1): the greater provider name keeps the entry
      // (protocol doc 2.2/2.3), mf_remote > mf_pinned > enhanced_host, so the
      // webpack host renders with the React of mfbuild's container mf_remote.
      await assertOneReact(watched, 'mf_remote-counter', HOST_SCOPES, 'mf-remote');
      // The MF 2.0 runtime indexes the same map globally.
      const global = await shareEntries(watched.page, 'react');
      assert.deepEqual(global.filter((e) => e.loaded).map((e) => e.version), ['18.3.1'], JSON.stringify(global));
    } finally {
      await watched.close();
    }
  });

  test("negotiation: mf_remote's fed-lib 2.0.0 wins over the host's 1.0.0 (singleton), one instance", async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-host');
    const { page, warnings, close } = await openHost('wp-enhanced-host');
    try {
      assert.equal(await textOf(page, '#host-fedlib'), 'enhanced_host uses fed-lib 2.0.0');
      assert.equal(await panelText(page, 'mf_remote-fedlib', '.fed-lib'), 'mf_remote uses fed-lib 2.0.0');
      await assertOneFedLib(page, '2.0.0', HOST_SCOPES);
      // MF 2.0's singleton warning (protocol doc 2.6), for the host's ^1.0.0.
      assert.ok(warnings.some((w) => w.includes('[ Federation Runtime ] Version 2.0.0 from') &&
        w.includes('of shared singleton module fed-lib does not satisfy the requirement of enhanced_host which needs ^1.0.0')),
      `MF 2.0 warns that 2.0.0 does not satisfy the host's ^1.0.0:\n${warnings.join('\n')}`);
    } finally {
      await close();
    }
  });

  test('strict mismatch: mf_pinned (strictVersion ^1.0.0) fails with the [mfbuild] error; the rest works', async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-host');
    const { page, close } = await openHost('wp-enhanced-host');
    try {
      const text = await panelError(page, 'mf_pinned-fedlib');
      assertFacts(text, ['[mfbuild]', 'fed-lib', '2.0.0', 'mf_pinned', '^1.0.0'], "mf_pinned's error");
      assert.equal(await page.locator('#panel-mf_pinned-fedlib .fed-lib').count(), 0, 'mf_pinned/FedLib does not render');
      assert.equal(await panelText(page, 'mf_remote-fedlib', '.fed-lib'), 'mf_remote uses fed-lib 2.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });

  test("strict mismatch in the host (fed-lib strictVersion ^1.0.0): MF 2.0's error; the host's bootstrap fails", async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-strict');
    const { page, close } = await openFailingHost('wp-enhanced-strict');
    try {
      assert.equal(await page.locator('#title').count(), 0, "the host's bootstrap (which imports fed-lib) does not run");
      // The text of protocol doc 2.6 (stray ")" included), naming mfbuild's entry.
      assert.equal(await textOf(page, '#boot-error'), '[ Federation Runtime ]: Version 2.0.0 from mf_remote of shared singleton ' +
        'module fed-lib does not satisfy the requirement of wp_enhanced_strict which needs ^1.0.0)');
    } finally {
      await close();
    }
  });
});

describe('2. webpack + @module-federation/enhanced host, shareStrategy loaded-first', () => {
  test('one React: mf_remote/Counter renders and updates in the host tree; one loaded React in the share scope', async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-lf');
    const watched = await openHost('wp-enhanced-lf');
    try {
      // loaded-first: the host loaded its own React before any remote.
      await assertOneReact(watched, 'mf_remote-counter', HOST_SCOPES, 'wp-enhanced-lf');
    } finally {
      await watched.close();
    }
  });

  test("negotiation: the host's already loaded fed-lib 1.0.0 wins; mf_remote warns and uses it; mf_pinned renders", async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-lf');
    const { page, warnings, close } = await openHost('wp-enhanced-lf');
    try {
      // loaded-first loads remotes on demand: the host's bootstrap consumed
      // fed-lib (its own 1.0.0) before any remote registered 2.0.0, and
      // mfbuild's runtime prefers a loaded singleton (DESIGN.md 4).
      assert.equal(await textOf(page, '#host-fedlib'), 'wp_enhanced_lf uses fed-lib 1.0.0');
      assert.equal(await panelText(page, 'mf_remote-fedlib', '.fed-lib'), 'mf_remote uses fed-lib 1.0.0');
      assert.equal(await panelText(page, 'mf_pinned-fedlib', '.fed-lib'), 'mf_pinned uses fed-lib 1.0.0');
      await assertOneFedLib(page, '1.0.0', HOST_SCOPES);
      const warning = warnings.filter((w) => w.includes('[mfbuild]') && w.includes('fed-lib') && w.includes('mf_remote'));
      assert.equal(warning.length >= 1, true, `an [mfbuild] warning about mf_remote's fed-lib:\n${warnings.join('\n')}`);
      assertFacts(warning[0], ['1.0.0', 'wp_enhanced_lf', '^2.0.0'], "mf_remote's warning");
    } finally {
      await close();
    }
  });
});

describe("3. webpack host with webpack's own ModuleFederationPlugin consumes the mfbuild remote by remoteEntry.js", () => {
  test('one React: mf_remote/Counter renders and updates in the host tree; one loaded React in the share scope', async () => {
    built('mf-remote', 'mf-pinned', 'wp-legacy-host');
    const watched = await openHost('wp-legacy-host');
    try {
      assert.equal(await textOf(watched.page, '#title'), 'legacy_host');
      // mf_remote > mf_pinned > legacy_host: webpack's legacy runtime
      // renders with the React of mfbuild's container mf_remote.
      await assertOneReact(watched, 'mf_remote-counter', HOST_SCOPES, 'mf-remote');
    } finally {
      await watched.close();
    }
  });

  test("negotiation: mf_remote's fed-lib 2.0.0 wins over the host's 1.0.0 (singleton), one instance", async () => {
    built('mf-remote', 'mf-pinned', 'wp-legacy-host');
    const { page, warnings, close } = await openHost('wp-legacy-host');
    try {
      assert.equal(await textOf(page, '#host-fedlib'), 'legacy_host uses fed-lib 2.0.0');
      assert.equal(await panelText(page, 'mf_remote-fedlib', '.fed-lib'), 'mf_remote uses fed-lib 2.0.0');
      await assertOneFedLib(page, '2.0.0', HOST_SCOPES);
      // webpack read mfbuild's share-scope entry (its version and `from`).
      assert.ok(warnings.includes('Unsatisfied version 2.0.0 from mf_remote of shared singleton module fed-lib (required ^1.0.0)'),
        `webpack's singleton warning names mf_remote as the provider:\n${warnings.join('\n')}`);
    } finally {
      await close();
    }
  });

  test('strict mismatch: mf_pinned (strictVersion ^1.0.0) fails with the [mfbuild] error; the rest works', async () => {
    built('mf-remote', 'mf-pinned', 'wp-legacy-host');
    const { page, close } = await openHost('wp-legacy-host');
    try {
      const text = await panelError(page, 'mf_pinned-fedlib');
      assertFacts(text, ['[mfbuild]', 'fed-lib', '2.0.0', 'mf_remote', 'mf_pinned', '^1.0.0'], "mf_pinned's error");
      // webpack's own decoration of a failed remote module.
      assert.match(text, /while loading "\.\/FedLib" from \d+/);
      assert.equal(await panelText(page, 'mf_remote-fedlib', '.fed-lib'), 'mf_remote uses fed-lib 2.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });

  test("strict mismatch in the host (fed-lib strictVersion ^1.0.0): webpack's error; the host's bootstrap fails", async () => {
    built('mf-remote', 'mf-pinned', 'wp-legacy-strict');
    const { page, close } = await openFailingHost('wp-legacy-strict');
    try {
      assert.equal(await page.locator('#title').count(), 0, "the host's bootstrap (which imports fed-lib) does not run");
      // webpack's loadStrictSingletonVersion (protocol doc 2.6), naming mfbuild's entry.
      assert.equal(await textOf(page, '#boot-error'),
        'Unsatisfied version 2.0.0 from mf_remote of shared singleton module fed-lib (required ^1.0.0)');
    } finally {
      await close();
    }
  });
});

describe('4b. mfbuild host consumes a webpack legacy remote by remoteEntry.js', () => {
  const REMOTE_SCOPES = 'globalThis.__remoteShareScopes';

  test('one React: webpack_remote/Counter renders and updates in the host tree; one loaded React in the share scope', async () => {
    built('mf-host', 'webpack-remote', 'rspack-remote');
    const watched = await openHost('mf-host');
    try {
      // webpack_remote keeps the scope mf_host passed to its init (by
      // identity): its __webpack_share_scopes__.default is mf_host's scope.
      // webpack_remote > rspack_remote > mf_host: mfbuild's host renders
      // with the React of the webpack container.
      await assertOneReact(watched, 'webpack_remote-counter', REMOTE_SCOPES, 'webpack-remote');
      assert.equal(await watched.page.evaluate(async () => {
        const got = await globalThis.__hostRuntime.loadShare('react');
        return globalThis.__reactCopies.has(typeof got === 'function' ? got() : got);
      }), true, "mf_host's loadShare('react') gives that React");
    } finally {
      await watched.close();
    }
  });

  test("negotiation: the remotes' fed-lib 2.0.0 wins over mf_host's 1.0.0 (singleton), one instance", async () => {
    built('mf-host', 'webpack-remote', 'rspack-remote');
    const { page, close } = await openHost('mf-host');
    try {
      assert.equal(await panelText(page, 'webpack_remote-fedlib', '.fed-lib'), 'webpack_remote uses fed-lib 2.0.0');
      assert.equal(await panelText(page, 'host-fedlib', '.fed-lib'), 'mf_host uses fed-lib 2.0.0');
      // rspack_remote (MF 2.0) consumes webpack_remote's legacy 2.0.0 entry
      // (webpack_remote > rspack_remote, so its entry is the one kept).
      await assertOneFedLib(page, '2.0.0', REMOTE_SCOPES, { junkFrom: 'rspack_remote' });
    } finally {
      await close();
    }
  });

  test("strict mismatch in mfbuild's host (fed-lib strictVersion ^1.0.0): an [mfbuild] error naming webpack_remote's 2.0.0", async () => {
    built('mf-host-strict', 'webpack-remote', 'rspack-remote');
    const { page, close } = await openHost('mf-host-strict');
    try {
      // The 2.0.0 entry is webpack_remote's (webpack_remote > rspack_remote):
      // a legacy entry, { get, from, eager }, its version only in the key.
      const text = await panelError(page, 'host-fedlib');
      assertFacts(text, ['[mfbuild]', 'fed-lib', '2.0.0', 'webpack_remote', 'mf_host_strict', '^1.0.0'], "mf_host_strict's error");
      assert.equal(await panelText(page, 'webpack_remote-fedlib', '.fed-lib'), 'webpack_remote uses fed-lib 2.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });

  test("strict mismatch: wp_pinned (strictVersion ^1.0.0) fails with webpack's error; the rest works", async () => {
    built('mf-host-pinned', 'wp-pinned', 'rspack-remote');
    const { page, close } = await openHost('mf-host-pinned');
    try {
      const text = await panelError(page, 'webpack_remote-fedlib');
      // webpack's loadStrictSingletonVersion (protocol doc 2.6), reported
      // by mfbuild's host naming the remote and the module.
      assert.match(text, /Unsatisfied version 2\.0\.0 from \S+ of shared singleton module fed-lib \(required \^1\.0\.0\)/);
      assertFacts(text, ['[mfbuild]', 'wp_pinned', 'webpack_remote/FedLib'], "mf_host_pinned's error");
      assert.equal(await panelText(page, 'webpack_remote-counter', '.counter'), 'remote clicks: 0', "wp_pinned's Counter still renders");
      assert.equal(await panelText(page, 'host-fedlib', '.fed-lib'), 'mf_host uses fed-lib 2.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });
});

// Last: these stop the servers of mf_remote and webpack_remote for good.
describe('6. a remote that is down', () => {
  before(async () => {
    await set.apps['mf-remote'].server.close();
    await set.apps['webpack-remote'].server.close();
  });

  test('webpack legacy host, mf_remote down: the host starts, only mf_remote\'s modules fail (isolated)', async () => {
    built('mf-remote', 'mf-pinned', 'wp-legacy-host');
    const { page, warnings, close } = await openHost('wp-legacy-host');
    try {
      assert.equal(await textOf(page, '#title'), 'legacy_host');
      for (const id of ['mf_remote-counter', 'mf_remote-fedlib']) {
        assertFacts(await panelError(page, id), [/Loading script failed/, 'remoteEntry.js'], `${id}'s error`);
      }
      assert.ok(warnings.some((w) => w.startsWith('Initialization of sharing external failed')),
        `webpack warns that the remote's init failed:\n${warnings.join('\n')}`);
      // Without mf_remote's 2.0.0 the host's own 1.0.0 is the singleton.
      assert.equal(await textOf(page, '#host-fedlib'), 'legacy_host uses fed-lib 1.0.0');
      assert.equal(await panelText(page, 'mf_pinned-fedlib', '.fed-lib'), 'mf_pinned uses fed-lib 1.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });

  test('MF 2.0 host, mf_remote (manifest) down, version-first: NOT isolated, as documented (the host never starts)', async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-host');
    const { page, close } = await openFailingHost('wp-enhanced-host');
    try {
      assert.equal(await page.locator('#title').count(), 0, "the host's own app does not start (protocol doc 6, module-federation/core#3877)");
      // The share initialisation guarding import('./bootstrap') rejected.
      assertFacts(await textOf(page, '#boot-error'), ['Failed to get manifest. #RUNTIME-003', '"moduleName":"mf_remote"',
        '"hostName":"enhanced_host"', 'mf-manifest.json'], 'the boot error');
    } finally {
      await close();
    }
  });

  test('MF 2.0 host, mf_remote (manifest) down, loaded-first: the host starts, only mf_remote\'s modules fail (isolated)', async () => {
    built('mf-remote', 'mf-pinned', 'wp-enhanced-lf');
    const { page, close } = await openHost('wp-enhanced-lf');
    try {
      for (const id of ['mf_remote-counter', 'mf_remote-fedlib']) {
        assertFacts(await panelError(page, id), [/RUNTIME-003/, 'mf-manifest.json'], `${id}'s error`);
      }
      assert.equal(await textOf(page, '#host-fedlib'), 'wp_enhanced_lf uses fed-lib 1.0.0');
      assert.equal(await panelText(page, 'mf_pinned-fedlib', '.fed-lib'), 'mf_pinned uses fed-lib 1.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });

  test('mfbuild host, webpack_remote down: the host starts, only webpack_remote\'s modules fail (isolated)', async () => {
    built('mf-host', 'webpack-remote', 'rspack-remote');
    const { page, close } = await openHost('mf-host');
    try {
      for (const [id, expose] of [['webpack_remote-counter', 'webpack_remote/Counter'], ['webpack_remote-fedlib', 'webpack_remote/FedLib']]) {
        assertFacts(await panelError(page, id), ['[mfbuild]', 'webpack_remote', expose, 'remoteEntry.js'], `${id}'s error`);
      }
      assert.equal(await panelText(page, 'rspack_remote-counter', '.counter'), 'remote clicks: 0', 'the other remote still renders');
      assert.equal(await panelText(page, 'host-fedlib', '.fed-lib'), 'mf_host uses fed-lib 2.0.0');
      await assertHostWorks(page);
    } finally {
      await close();
    }
  });
});
