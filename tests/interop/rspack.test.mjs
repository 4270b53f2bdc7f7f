// tests/interop/rspack.test.mjs — mfbuild and Rspack 2 federated apps
// together in headless Chromium (issue 7, pairings 1, 4a, 5 and 6 for
// Rspack).  Apps: fixtures/interop (see its README.md), built by mfbuild and
// by Rspack 2.3 from tests/interop/node_modules, each served from its own
// 127.0.0.1 port.
//
// 1.  An Rspack host with @module-federation/enhanced/rspack consumes
//     mfbuild's mf_remote through its mf-manifest.json (shareStrategy
//     version-first, MF 2.0's default, and loaded-first) and through its
//     remoteEntry.js.
// 4a. mfbuild's host mf_host consumes an Rspack remote (Rspack's built-in
//     ModuleFederationPlugin) through its mf-manifest.json (and, also,
//     through its remoteEntry.js).
// 5.  In each: the remote's Counter (hooks) renders and updates inside the
//     host's tree, one React object on the page, and the share scope holds
//     one loaded React.  Negotiation across the tools: the remote provides
//     fed-lib 2.0.0, the host 1.0.0 (both singletons, the host needs
//     ^1.0.0): the higher version wins and both use that one copy, with the
//     host's runtime warning; with strictVersion the host's import fails
//     with its runtime's error and the rest of the page works.  And the
//     other way round: when the Rspack host has loaded its 1.0.0 first
//     (loaded-first), mfbuild's container takes that loaded singleton with
//     an [mfbuild] warning, or fails its ./FedLib with strictVersion.
// 6.  A remote that is down (its server stopped): mf_host isolates it; the
//     Rspack host isolates it when given remoteEntry.js or with
//     loaded-first, and with mf-manifest.json under version-first its
//     startup fails as the protocol doc §6 says (MF 2.0,
//     module-federation/core#3877).  See docs/federation-protocol-notes.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from '../lib/mfbuild.mjs';
import { launchBrowser, watchPage } from '../lib/browser.mjs';
import { fetched, filesHolding } from '../lib/federation.mjs';
import { assertAllBuilt, interopApps, openPage, shareEntries, textOf } from '../lib/interop.mjs';

// The module id of React's code in mfbuild's output (its shared-react fallback chunk).
const REACT = 'react/cjs/react.production.min.js';

let browser, set;

// The Rspack host, as built in each variant (fixtures/interop/rspack-host, peer.options).
// `down`: the MF 2.0 error a panel shows when mf_remote is down.
const RSPACK_HOSTS = [
  { app: 'rspack-host', how: 'mf-manifest.json, version-first (default)', options: {}, down: null },
  { app: 'rspack-host-entry', how: 'remoteEntry.js, version-first (default)', options: { remoteEntry: true }, down: 'RUNTIME-008' },
  {
    app: 'rspack-host-loaded-first',
    how: 'mf-manifest.json, loaded-first',
    options: { shareStrategy: 'loaded-first' },
    down: 'RUNTIME-003',
  },
];

before(async () => {
  browser = await launchBrowser();
  set = await interopApps([
    { app: 'mf-remote' },
    { app: 'rspack-remote', tool: 'rspack' },
    ...RSPACK_HOSTS.map(({ app, options }) => ({ app, from: 'rspack-host', tool: 'rspack', options })),
    { app: 'rspack-host-strict', from: 'rspack-host', tool: 'rspack', options: { strict: true } },
    // The Rspack host loads its own fed-lib 1.0.0 before the remote (loaded-first):
    // mfbuild's container then finds a loaded singleton in MF 2.0's scope.
    { app: 'rspack-host-own-first', from: 'rspack-host', tool: 'rspack', options: { shareStrategy: 'loaded-first', fedLibFirst: true } },
    {
      app: 'rspack-host-own-first-strict',
      from: 'rspack-host',
      tool: 'rspack',
      options: { shareStrategy: 'loaded-first', fedLibFirst: true, remoteName: 'mf_remote_strict' },
    },
    {
      app: 'mf-remote-strict',
      from: 'mf-remote',
      config: (cfg) => {
        cfg.name = 'mf_remote_strict';
        cfg.shared['fed-lib'].strictVersion = true;
      },
    },
    { app: 'mf-host' },
    {
      app: 'mf-host-entry',
      from: 'mf-host',
      config: (cfg) => void (cfg.remotes.rspack_remote = cfg.remotes.rspack_remote.replace('mf-manifest.json', 'remoteEntry.js')),
    },
    {
      app: 'mf-host-strict',
      from: 'mf-host',
      config: (cfg) => {
        cfg.name = 'mf_host_strict';
        cfg.shared['fed-lib'].strictVersion = true;
      },
    },
  ]);
});

after(async () => {
  await browser?.close();
  await set?.close();
  cleanup();
});

// Every panel of the host settled (its module, or its error).
const settled = () => document.querySelectorAll('section.panel').length > 0 && !document.querySelector('.loading');

async function openHost(app) {
  assertAllBuilt(set.apps);
  return openPage(browser, set.apps[app].url, settled);
}

/** The error text a panel shows (failing when it shows its module instead). */
async function panelError(page, id) {
  const error = page.locator(`#panel-${id} .error`);
  assert.equal(await error.count(), 1, `panel ${id} shows an error; it shows: ${await textOf(page, `#panel-${id}`)}`);
  return error.textContent();
}

/** The remote's Counter renders in the host's tree (its effect ran) and counts clicks. */
async function assertCounterWorks(page, alias, errors) {
  const counter = page.locator(`#panel-${alias}-counter .counter`);
  assert.equal(await counter.count(), 1,
    `${alias}/Counter renders: ${await textOf(page, `#panel-${alias}-counter`)}\n${errors.join('\n')}`);
  assert.equal(await counter.getAttribute('data-mounted'), 'true', "the remote's effect ran");
  assert.equal(await textOf(page, `#panel-${alias}-counter .counter`), 'remote clicks: 0');
  for (const n of [1, 2, 3]) {
    await counter.click();
    await page.locator(`#panel-${alias}-counter .counter`, { hasText: `remote clicks: ${n}` }).waitFor({ timeout: 5_000 });
  }
}

/** The host's own part works: its title and its own state. */
async function assertHostWorks(page, title) {
  assert.equal(await textOf(page, '#title'), title);
  await page.click('#host-button');
  await page.locator('#host-button', { hasText: 'host clicks: 1' }).waitFor({ timeout: 5_000 });
}

/** One React object on the page, and no hook errors. */
async function assertOneReact(page, errors) {
  assert.equal(await page.evaluate(() => globalThis.__reactCopies?.size), 1,
    "the host's and the remote's modules all see one React object");
  assert.ok(!errors.some((e) => /Invalid hook call|more than one copy of React/i.test(e)), errors.join('\n'));
}

/** Asserts that the share-scope entries hold exactly one loaded React, used by both apps. */
function assertOneLoaded(entries, consumers, where) {
  const loaded = entries.filter((e) => e.loaded);
  assert.equal(loaded.length, 1, `${where}: one loaded react in the share scope: ${JSON.stringify(entries)}`);
  assert.equal(loaded[0].version, '18.3.1');
  for (const c of consumers) {
    assert.ok(loaded[0].useIn.includes(c), `${where}: ${c} uses the loaded react: ${JSON.stringify(loaded[0])}`);
  }
}

describe('1. Rspack host (@module-federation/enhanced/rspack) consumes the mfbuild remote', () => {
  for (const { app, how } of RSPACK_HOSTS) {
    test(`${how}: one React — mf_remote's Counter renders and updates in the host tree`, async () => {
      const { page, errors, requests, close } = await openHost(app);
      try {
        await assertCounterWorks(page, 'mf_remote', errors);
        await assertOneReact(page, errors);
        // The MF 2.0 instance's share scope (__FEDERATION__.__SHARE__) and the
        // host's __webpack_share_scopes__ both hold one loaded React, used by
        // the host and by mfbuild's container (which consumed the host's entry).
        assertOneLoaded(await shareEntries(page, 'react'), ['rspack_host', 'mf_remote'], '__FEDERATION__.__SHARE__');
        assertOneLoaded(await shareEntries(page, 'react', 'globalThis.__hostShareScopes'), ['rspack_host', 'mf_remote'],
          '__webpack_share_scopes__');
        // Equal versions: the greater provider name keeps its entry
        // (protocol 2.2/2.3), rspack_host > mf_remote, so mfbuild's React
        // fallback is never downloaded.
        const mine = filesHolding({ r: set.apps['mf-remote'] }, REACT);
        assert.ok(mine.length >= 1, "mf_remote's dist holds React's code");
        assert.deepEqual(fetched(requests, mine), [], "mf_remote's copy of React is not fetched");
        await assertHostWorks(page, 'rspack_host');
        assert.deepEqual(errors, [], 'no errors on the page');
      } finally {
        await close();
      }
    });

    test(`${how}: the higher fed-lib (mfbuild's 2.0.0) wins over the host's 1.0.0, one copy, MF 2.0's warning`, async () => {
      const { page, errors, warnings, close } = await openHost(app);
      try {
        assert.equal(await textOf(page, '#panel-mf_remote-fedlib .fed-lib'), 'mf_remote uses fed-lib 2.0.0');
        assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'rspack_host uses fed-lib 2.0.0',
          "the Rspack host uses the singleton mfbuild's container provided");
        assert.deepEqual(await page.evaluate(() => globalThis.__fedLibLoaded), ['2.0.0'], 'one copy of fed-lib ran');
        const entries = await shareEntries(page, 'fed-lib');
        assert.deepEqual(entries.map((e) => [e.version, e.from, e.loaded]).sort(),
          [['1.0.0', 'rspack_host', false], ['2.0.0', 'mf_remote', true]],
          `both provides are in the scope, mfbuild's loaded: ${JSON.stringify(entries)}`);
        const warning = warnings.filter((w) => w.includes('fed-lib'));
        assert.deepEqual(warning, ['[ Federation Runtime ] Version 2.0.0 from mf_remote of shared singleton module fed-lib ' +
          'does not satisfy the requirement of rspack_host which needs ^1.0.0)'], warnings.join('\n'));
        assert.deepEqual(errors, [], 'no errors on the page');
      } finally {
        await close();
      }
    });
  }

  test('strictVersion: the Rspack host\'s fed-lib import fails with MF 2.0\'s error; the rest works', async () => {
    const { page, errors, close } = await openHost('rspack-host-strict');
    try {
      const text = await panelError(page, 'host-fedlib');
      assert.ok(text.includes('[ Federation Runtime ]: Version 2.0.0 from mf_remote of shared singleton module fed-lib ' +
        'does not satisfy the requirement of rspack_host which needs ^1.0.0)'), text);
      assert.equal(await textOf(page, '#panel-mf_remote-fedlib .fed-lib'), 'mf_remote uses fed-lib 2.0.0');
      await assertCounterWorks(page, 'mf_remote', errors);
      await assertHostWorks(page, 'rspack_host');
    } finally {
      await close();
    }
  });

  test("a loaded singleton wins: the Rspack host's loaded fed-lib 1.0.0 is used by mfbuild's container, with an [mfbuild] warning", async () => {
    const { page, errors, warnings, close } = await openHost('rspack-host-own-first');
    try {
      assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'rspack_host uses fed-lib 1.0.0');
      assert.equal(await textOf(page, '#panel-mf_remote-fedlib .fed-lib'), 'mf_remote uses fed-lib 1.0.0',
        "mfbuild's container takes the singleton MF 2.0 loaded, not its own higher 2.0.0");
      assert.deepEqual(await page.evaluate(() => globalThis.__fedLibLoaded), ['1.0.0'], 'one copy of fed-lib ran');
      const warning = warnings.filter((w) => w.includes('[mfbuild]') && w.includes('fed-lib'));
      assert.equal(warning.length, 1, warnings.join('\n'));
      for (const fact of ['1.0.0', 'rspack_host', 'mf_remote', '^2.0.0']) {
        assert.ok(warning[0].includes(fact), `the warning names ${fact}: ${warning[0]}`);
      }
      await assertCounterWorks(page, 'mf_remote', errors);
      await assertOneReact(page, errors);
    } finally {
      await close();
    }
  });

  test("strictVersion in mfbuild's container: the Rspack host's loaded 1.0.0 fails its ./FedLib with an [mfbuild] error; the rest works", async () => {
    const { page, errors, close } = await openHost('rspack-host-own-first-strict');
    try {
      const text = await panelError(page, 'mf_remote-fedlib');
      for (const fact of ['[mfbuild]', 'fed-lib', '1.0.0', 'rspack_host', 'mf_remote_strict', '^2.0.0']) {
        assert.ok(text.includes(fact), `the error names ${fact}: ${text}`);
      }
      // MF 2.0's bundler runtime appends to the message of the container's
      // rejection (docs/federation-protocol-notes.md, Rspack 2).
      assert.ok(text.includes('while loading "./FedLib"'), text);
      assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'rspack_host uses fed-lib 1.0.0');
      await assertCounterWorks(page, 'mf_remote', errors);
      await assertHostWorks(page, 'rspack_host');
    } finally {
      await close();
    }
  });
});

describe('4a. mfbuild host consumes the Rspack remote', () => {
  for (const [app, how] of [['mf-host', 'mf-manifest.json'], ['mf-host-entry', 'remoteEntry.js (also)']]) {
    test(`${how}: one React: rspack_remote's Counter renders and updates in mf_host's tree`, async () => {
      const { page, errors, requests, close } = await openHost(app);
      try {
        await assertCounterWorks(page, 'rspack_remote', errors);
        await assertOneReact(page, errors);
        assert.equal(await page.evaluate(async () => {
          const got = await globalThis.__hostRuntime.loadShare('react');
          return globalThis.__reactCopies.has(typeof got === 'function' ? got() : got);
        }), true, "mf_host's loadShare('react') gives that React");
        // The Rspack container adopted mf_host's scope object (init) and reads
        // its entries: one loaded React, used by both.
        assertOneLoaded(await shareEntries(page, 'react', 'globalThis.__rspackRemoteShareScopes'),
          ['mf_host', 'rspack_remote'], "rspack_remote's __webpack_share_scopes__");
        // Equal versions: rspack_remote > mf_host, so the Rspack container's
        // entry replaced mf_host's and mf_host never downloads its own React.
        const [react] = (await shareEntries(page, 'react', 'globalThis.__rspackRemoteShareScopes')).filter((e) => e.loaded);
        assert.equal(react.from, 'rspack_remote', JSON.stringify(react));
        const mine = filesHolding({ h: set.apps[app] }, REACT);
        assert.ok(mine.length >= 1, "mf_host's dist holds React's code");
        assert.deepEqual(fetched(requests, mine), [], "mf_host's copy of React is not fetched");
        await assertHostWorks(page, 'mf_host');
      } finally {
        await close();
      }
    });

    test(`${how}: the higher fed-lib (Rspack's 2.0.0) wins over mf_host's 1.0.0, one copy, an [mfbuild] warning`, async () => {
      const { page, warnings, close } = await openHost(app);
      try {
        assert.equal(await textOf(page, '#panel-rspack_remote-fedlib .fed-lib'), 'rspack_remote uses fed-lib 2.0.0');
        assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'mf_host uses fed-lib 2.0.0',
          'mf_host uses the singleton the Rspack container provided');
        assert.deepEqual(await page.evaluate(() => globalThis.__fedLibLoaded), ['2.0.0'], 'one copy of fed-lib ran');
        const entries = await shareEntries(page, 'fed-lib', 'globalThis.__rspackRemoteShareScopes');
        assert.deepEqual(entries.map((e) => [e.version, e.from, e.loaded]).sort(),
          [['1.0.0', 'mf_host', false], ['2.0.0', 'rspack_remote', true]], JSON.stringify(entries));
        const warning = warnings.filter((w) => w.includes('[mfbuild]') && w.includes('fed-lib'));
        assert.equal(warning.length, 1, warnings.join('\n'));
        for (const fact of ['2.0.0', 'rspack_remote', 'mf_host', '^1.0.0']) {
          assert.ok(warning[0].includes(fact), `the warning names ${fact}: ${warning[0]}`);
        }
      } finally {
        await close();
      }
    });
  }

  test("strictVersion: mf_host's fed-lib import fails with an [mfbuild] error; the rest works", async () => {
    const { page, errors, close } = await openHost('mf-host-strict');
    try {
      const text = await panelError(page, 'host-fedlib');
      for (const fact of ['[mfbuild]', 'fed-lib', '2.0.0', 'rspack_remote', 'mf_host_strict', '^1.0.0']) {
        assert.ok(text.includes(fact), `the error names ${fact}: ${text}`);
      }
      assert.equal(await textOf(page, '#panel-rspack_remote-fedlib .fed-lib'), 'rspack_remote uses fed-lib 2.0.0');
      await assertCounterWorks(page, 'rspack_remote', errors);
      await assertHostWorks(page, 'mf_host');
    } finally {
      await close();
    }
  });
});

// Last: these stop the remotes' servers.
describe('6. a remote that is down', () => {
  before(async () => {
    assertAllBuilt(set.apps);
    await set.apps['mf-remote'].server.close();
    await set.apps['rspack-remote'].server.close();
  });

  test('mf_host isolates the stopped Rspack remote (mf-manifest.json): only its panels fail', async () => {
    const { page, close } = await openHost('mf-host');
    try {
      for (const panel of ['rspack_remote-counter', 'rspack_remote-fedlib']) {
        const text = await panelError(page, panel);
        assert.match(text, /\[mfbuild\].*rspack_remote/, text);
        assert.match(text, panel.endsWith('counter') ? /Counter/ : /FedLib/, `the error names the expose: ${text}`);
      }
      await assertHostWorks(page, 'mf_host');
      assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'mf_host uses fed-lib 1.0.0', 'the host falls back to its own fed-lib');
    } finally {
      await close();
    }
  });

  for (const { app, how, down } of RSPACK_HOSTS.filter((h) => h.down)) {
    test(`Rspack host, ${how}: the stopped mfbuild remote is isolated (only its panels fail, ${down})`, async () => {
      const { page, close } = await openHost(app);
      try {
        for (const panel of ['mf_remote-counter', 'mf_remote-fedlib']) {
          const text = await panelError(page, panel);
          assert.ok(text.includes(down) && text.includes('mf_remote'), text);
          // One Error object for both imports, decorated by each of them
          // (docs/federation-protocol-notes.md, Rspack 2).
          assert.ok(text.includes('while loading "./Counter"') && text.includes('while loading "./FedLib"'), text);
        }
        await assertHostWorks(page, 'rspack_host');
        assert.equal(await textOf(page, '#panel-host-fedlib .fed-lib'), 'rspack_host uses fed-lib 1.0.0');
      } finally {
        await close();
      }
    });
  }

  test('Rspack host, mf-manifest.json, version-first: NOT isolated — the host never starts (RUNTIME-003), as protocol doc §6 says', async () => {
    assertAllBuilt(set.apps);
    const { page, errors, close } = await watchPage(browser);
    try {
      await page.goto(set.apps['rspack-host'].url);
      const deadline = Date.now() + 15_000;
      while (!errors.some((e) => e.startsWith('pageerror: ') && e.includes('RUNTIME-003')) && Date.now() < deadline) await page.waitForTimeout(100);
      assert.ok(errors.some((e) => e.startsWith('pageerror: ') && e.includes('RUNTIME-003') && e.includes('mf_remote')),
        `an uncaught RUNTIME-003 (manifest) error naming mf_remote:\n${errors.join('\n')}`);
      await page.waitForTimeout(500);
      assert.equal(await page.locator('#title').count(), 0, "the host's own bootstrap did not run");
    } finally {
      await close();
    }
  });
});
