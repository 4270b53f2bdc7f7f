// tests/federation/shell.test.mjs — sharing, failure isolation and run-time
// remotes in headless Chromium (fixtures/federation, see its README.md).
// Every app is served from its own 127.0.0.1 port; the host `shell` is
// built twice, with shareStrategy version-first (the default: every remote
// is loaded and inited at startup) and loaded-first (remotes load on
// demand), and every check runs on both.
//
// - One React: widgets' Counter (useState, useEffect) renders and updates
//   inside the shell's tree, every app's code sees the same React object,
//   and React's code is fetched once across all origins.
// - Version negotiation on `fed-lib` (the shell provides and loads 2.4.0,
//   a singleton): `pinned` asks for ^1.3.0 with strictVersion → its module
//   fails with an "[mfbuild]" error naming the package, the version chosen
//   (2.4.0), its provider (shell), the consumer (pinned) and the range
//   (^1.3.0); the same remote built as `relaxed` without strictVersion →
//   a console warning with those facts, and it renders with 2.4.0.
// - `import: false`: needy's Borrower gets the shell's fed-lib; needy's
//   Widget needs fed-missing, which nobody provides → an "[mfbuild]" error
//   naming the package, `import: false` and the scope "default".
// - A stopped remote: `gone` (by mf-manifest.json) → the shell renders its
//   fallback with an error naming the remote and the expose, while the
//   rest of the page works; `down` (by remoteEntry.js) → the shell's
//   runtime plugin supplies a stand-in module through errorLoadRemote.
// - registerRemotes: `late`, known only from remotes.json at run time,
//   loads with loadRemote and its hooks work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from '../lib/mfbuild.mjs';
import { launchBrowser, watchPage } from '../lib/browser.mjs';
import { assertBuilt, federatedApps, fetched, filesHolding } from '../lib/federation.mjs';

const REACT = 'react/cjs/react.production.min.js';
const PANELS = ['counter', 'pinned', 'relaxed', 'borrower', 'needy', 'gone', 'down'];

let browser, fed;

before(async () => {
  browser = await launchBrowser();
  fed = await federatedApps('federation', [
    { app: 'widgets' },
    { app: 'pinned' },
    {
      app: 'relaxed',
      from: 'pinned',
      config: (cfg) => {
        cfg.name = 'relaxed';
        cfg.shared['fed-lib'].strictVersion = false;
      },
    },
    { app: 'needy' },
    { app: 'late' },
    { app: 'shell' },
    { app: 'shell-loaded-first', from: 'shell', config: (cfg) => void (cfg.shareStrategy = 'loaded-first') },
  ]);
  // What a config service would answer: the remotes the shell learns about at run time.
  const late = [{ name: 'late', entry: `${fed.apps.late.url}mf-manifest.json` }];
  for (const shell of ['shell', 'shell-loaded-first']) {
    if (fed.apps[shell].build.code === 0) writeFileSync(join(fed.apps[shell].dist, 'remotes.json'), JSON.stringify(late));
  }
});

after(async () => {
  await browser?.close();
  await fed?.close();
  cleanup();
});

/**
 * Opens a shell and waits until its own content is up and every remote
 * panel has settled (rendered its module, its fallback or a stand-in).
 */
async function openShell(app) {
  assertBuilt(fed.apps);
  const watched = await watchPage(browser);
  const { page, errors } = watched;
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(fed.apps[app].url);
    await page.locator('#title').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (n) => document.querySelectorAll('section.panel').length === n && !document.querySelector('.loading'),
      PANELS.length, { timeout: 15_000 });
  } catch (err) {
    const body = await page.locator('body').innerText().catch(() => '?');
    await watched.close();
    throw new Error(`${app} did not settle: ${err.message}\n--- page ---\n${body}\n--- errors ---\n${errors.join('\n')}`);
  }
  return watched;
}

const textOf = async (page, selector) => (await page.locator(selector).textContent()).replace(/\s+/g, ' ').trim();

/** The error text a failed panel shows (its error's message and causes), or a failure listing the panel. */
async function panelError(page, id) {
  const error = page.locator(`#panel-${id} .error`);
  assert.equal(await error.count(), 1, `panel ${id} shows its fallback; it shows: ${await textOf(page, `#panel-${id}`)}`);
  return error.textContent();
}

/** Asserts that `text` is an mfbuild message that names every fact. */
function assertFacts(text, facts, what) {
  assert.match(text, /\[mfbuild\]/, `${what} starts with [mfbuild]: ${text}`);
  for (const fact of facts) {
    if (fact instanceof RegExp) assert.match(text, fact, `${what} matches ${fact}: ${text}`);
    else assert.ok(text.includes(fact), `${what} names ${JSON.stringify(fact)}: ${text}`);
  }
}

/** The shell's own parts work: its text, its singleton fed-lib, its own state, a remote's state. */
async function assertShellWorks(page) {
  assert.equal(await textOf(page, '#title'), 'shell');
  assert.equal(await textOf(page, '#fed-lib'), 'shell uses fed-lib 2.4.0');
  await page.click('#shell-button');
  await page.locator('#shell-button', { hasText: 'shell clicks: 1' }).waitFor({ timeout: 5_000 });
  const counter = page.locator('#panel-counter .counter');
  assert.equal(await counter.count(), 1, `widgets/Counter renders: ${await textOf(page, '#panel-counter')}`);
  await counter.click();
  await page.locator('#panel-counter .counter', { hasText: 'remote clicks: 1' }).waitFor({ timeout: 5_000 });
}

for (const [app, strategy] of [['shell', 'version-first'], ['shell-loaded-first', 'loaded-first']]) {
  describe(`shell with shareStrategy ${strategy}`, () => {
    test('one React: a remote component with hooks renders and updates inside the host tree', async () => {
      const { page, requests, errors, close } = await openShell(app);
      try {
        const counter = page.locator('#panel-counter .counter');
        assert.equal(await counter.count(), 1, `widgets/Counter renders: ${await textOf(page, '#panel-counter')}\n${errors.join('\n')}`);
        assert.equal(await counter.getAttribute('data-mounted'), 'true', "the remote's effect ran");
        assert.equal(await textOf(page, '#panel-counter .counter'), 'remote clicks: 0');
        for (const n of [1, 2, 3]) {
          await counter.click();
          await page.locator('#panel-counter .counter', { hasText: `remote clicks: ${n}` }).waitFor({ timeout: 5_000 });
        }
        assert.equal(await page.evaluate(() => globalThis.__reactCopies?.size), 1,
          "the shell's and the remotes' modules all see one React object");
        assert.equal(await page.evaluate(async () => {
          const got = await globalThis.__shellRuntime.loadShare('react');
          return globalThis.__reactCopies.has(typeof got === 'function' ? got() : got);
        }), true, "loadShare('react') (mfbuild/runtime) gives that React");
        const reactFiles = filesHolding(fed.apps, REACT);
        assert.equal(fetched(requests, reactFiles).length, 1,
          `React's code fetched once across all origins (files holding it: ${reactFiles.join(', ')}):\n${requests.join('\n')}`);
        assert.ok(!errors.some((e) => /Invalid hook call|more than one copy of React/i.test(e)), errors.join('\n'));
      } finally {
        await close();
      }
    });

    test('strictVersion mismatch: an [mfbuild] error naming package, version, provider, consumer and range', async () => {
      const { page, close } = await openShell(app);
      try {
        const text = await panelError(page, 'pinned');
        assertFacts(text, ['fed-lib', '2.4.0', 'shell', 'pinned', '^1.3.0'], "pinned's error");
        assert.equal(await page.locator('#panel-pinned .widget').count(), 0, 'pinned does not render');
        await assertShellWorks(page);
      } finally {
        await close();
      }
    });

    test('non-strict mismatch: an [mfbuild] warning with the same facts, and the remote renders with the host version', async () => {
      const { page, warnings, close } = await openShell(app);
      try {
        assert.equal(await page.locator('#panel-relaxed .error').count(), 0, `relaxed does not fail: ${await textOf(page, '#panel-relaxed')}`);
        assert.equal(await textOf(page, '#panel-relaxed .widget'), 'remote uses fed-lib 2.4.0', 'relaxed uses the singleton the shell loaded');
        const warning = warnings.filter((w) => w.includes('[mfbuild]') && w.includes('fed-lib') && w.includes('relaxed'));
        assert.equal(warning.length >= 1, true, `a console warning about relaxed's fed-lib; warnings:\n${warnings.join('\n')}`);
        assertFacts(warning[0], ['fed-lib', '2.4.0', 'shell', 'relaxed', '^1.3.0'], "relaxed's warning");
        await assertShellWorks(page);
      } finally {
        await close();
      }
    });

    test("import: false uses the host's copy when the host provides it", async () => {
      const { page, close } = await openShell(app);
      try {
        assert.equal(await page.locator('#panel-borrower .error').count(), 0, `needy/Borrower does not fail: ${await textOf(page, '#panel-borrower')}`);
        assert.equal(await textOf(page, '#panel-borrower .widget'), 'borrower uses fed-lib 2.4.0');
      } finally {
        await close();
      }
    });

    test('import: false with no provider: an [mfbuild] error naming the package and the scope', async () => {
      const { page, close } = await openShell(app);
      try {
        const text = await panelError(page, 'needy');
        assertFacts(text, ['fed-missing', /import:\s*false/, /\bdefault\b/, 'needy', '^1.0.0'], "needy/Widget's error");
        await assertShellWorks(page);
      } finally {
        await close();
      }
    });

    test('a stopped remote (mf-manifest.json): the host renders its fallback, naming remote and expose; the rest works', async () => {
      const { page, close } = await openShell(app);
      try {
        const text = await panelError(page, 'gone');
        assert.match(text, /\bgone\b/, `the error names the remote: ${text}`);
        assert.match(text, /Widget/, `the error names the expose: ${text}`);
        const calls = await page.evaluate(() => globalThis.__errorLoadRemote || []);
        assert.ok(calls.some((c) => c.id.startsWith('gone')), `errorLoadRemote had its chance for gone: ${JSON.stringify(calls)}`);
        await assertShellWorks(page);
        assert.equal(await textOf(page, '#panel-relaxed .widget'), 'remote uses fed-lib 2.4.0', 'other remotes still render');
      } finally {
        await close();
      }
    });

    test('a stopped remote (remoteEntry.js): the errorLoadRemote plugin supplies a stand-in module', async () => {
      const { page, close } = await openShell(app);
      try {
        assert.equal(await page.locator('#panel-down .error').count(), 0, `down does not fail: ${await textOf(page, '#panel-down')}`);
        assert.equal(await textOf(page, '#panel-down'), 'down is offline: stand-in from errorLoadRemote');
        const calls = await page.evaluate(() => globalThis.__errorLoadRemote || []);
        assert.ok(calls.some((c) => c.id === 'down/Widget' && c.lifecycle === 'onLoad'),
          `errorLoadRemote was called for down/Widget: ${JSON.stringify(calls)}`);
        await assertShellWorks(page);
      } finally {
        await close();
      }
    });

    test('registerRemotes: a remote known only at run time loads, and its hooks work', async () => {
      const { page, requests, close } = await openShell(app);
      try {
        const { late } = fed.apps;
        assert.equal(fetched(requests, [`${late.url}mf-manifest.json`]).length, 0, 'late is not loaded before it is registered');
        await page.click('#load-late');
        const hello = page.locator('#panel-late .hello');
        await page.locator('#panel-late .hello, #panel-late .error').first().waitFor({ timeout: 15_000 });
        assert.equal(await hello.count(), 1, `late/Hello renders: ${await textOf(page, '#panel-late')}`);
        assert.equal(await textOf(page, '#panel-late .hello'), 'hello from late: off');
        await hello.click();
        await page.locator('#panel-late .hello', { hasText: 'hello from late: on' }).waitFor({ timeout: 5_000 });
        assert.equal(fetched(requests, [`${late.url}mf-manifest.json`]).length, 1, `late's manifest fetched once:\n${requests.join('\n')}`);
        assert.equal(await page.evaluate(() => globalThis.__reactCopies?.size), 1, 'late uses the same React');
        await assertShellWorks(page);
      } finally {
        await close();
      }
    });
  });
}
