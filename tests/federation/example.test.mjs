// tests/federation/example.test.mjs — the bundled example (fixtures/example:
// a host and two remotes, catalog and cart, sharing React 18.3.1) in
// headless Chromium, each app served from its own 127.0.0.1 port.
//
// - The host renders both remotes' components: catalog's ProductList
//   (lazy, by mf-manifest.json) and cart's CartButton (a static import, by
//   remoteEntry.js); and again with the two URL forms swapped.
// - Remotes deployed below sub-paths (a CDN layout) find their chunks
//   next to their remoteEntry.js (publicPath "auto").
// - One React: CartButton keeps state with useState inside the host's tree
//   (a second React would throw "Invalid hook call"), and React's code is
//   fetched once across the three origins.
// - The README's flow: `fixtures/example/build.sh` (what `make example`
//   runs) builds the three apps, prints what it wrote and how to open it,
//   and exits; `fixtures/example/serve.mjs` (`make serve-example`) serves
//   them on the ports the host was built for, and the page works.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { bin, cleanup, copyFixture, fixture } from '../lib/mfbuild.mjs';
import { launchBrowser, watchPage } from '../lib/browser.mjs';
import { assertBuilt, federatedApps, fetched, filesHolding } from '../lib/federation.mjs';

const REACT = 'react/cjs/react.production.min.js';
const REACT_DOM = 'react-dom/cjs/react-dom.production.min.js';

let browser, fed, cdn;

before(async () => {
  browser = await launchBrowser();
  fed = await federatedApps('example', [
    { app: 'catalog' },
    { app: 'cart' },
    { app: 'host' },
    {
      app: 'host-swapped',
      from: 'host',
      config: (cfg) => {
        cfg.remotes.catalog = cfg.remotes.catalog.replace('/mf-manifest.json', '/remoteEntry.js');
        cfg.remotes.cart = cfg.remotes.cart.replace('/remoteEntry.js', '/mf-manifest.json');
      },
    },
  ]);
  cdn = await federatedApps('example', [
    { app: 'catalog', base: '/cdn/catalog/1.0.0/' },
    { app: 'cart', base: '/cdn/cart/' },
    { app: 'host', base: '/shop/' },
  ]);
});

after(async () => {
  await browser?.close();
  await fed?.close();
  await cdn?.close();
  cleanup();
});

/** How many times `url` (no query) was requested. */
const count = (requests, url) => fetched(requests, [url]).length;

/** Opens a host and checks that it renders its own header and both remotes' components. */
async function openShop(url) {
  const watched = await watchPage(browser);
  const { page, errors } = watched;
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(url);
    await page.locator('h1.header').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('h1.header').textContent(), 'mfbuild example shop');
    const button = page.locator('button.cart-button');
    await button.waitFor({ timeout: 15_000 });
    assert.equal((await button.textContent()).replace(/\s+/g, ' '), 'Add to cart (0)');
    await page.locator('ul.products li').nth(2).waitFor({ timeout: 15_000 });
    assert.deepEqual(
      (await page.locator('ul.products li').allTextContents()).map((t) => t.replace(/\s+/g, ' ')),
      ['Teapot — $24.00', 'Kettle — $39.00', 'Mug — $9.00'],
    );
  } catch (err) {
    await watched.close();
    err.message += `\n--- page errors ---\n${errors.join('\n')}`;
    throw err;
  }
  return watched;
}

describe('the bundled example in Chromium (fixtures/example)', () => {
  test('the host renders both remotes: catalog by mf-manifest.json, cart by remoteEntry.js', async () => {
    assertBuilt(fed.apps);
    const { catalog, cart, host } = fed.apps;
    for (const remote of [catalog, cart]) {
      assert.ok(existsSync(join(remote.dist, 'remoteEntry.js')), `${remote.dist}/remoteEntry.js`);
      assert.ok(existsSync(join(remote.dist, 'mf-manifest.json')), `${remote.dist}/mf-manifest.json`);
    }
    const { errors, requests, close } = await openShop(host.url);
    try {
      assert.equal(count(requests, `${catalog.url}mf-manifest.json`), 1, `catalog's manifest fetched once:\n${requests.join('\n')}`);
      assert.equal(count(requests, `${catalog.url}remoteEntry.js`), 1, `catalog's entry loaded once (named by its manifest):\n${requests.join('\n')}`);
      assert.equal(count(requests, `${cart.url}remoteEntry.js`), 1, `cart's remoteEntry.js loaded once:\n${requests.join('\n')}`);
      assert.equal(count(requests, `${cart.url}mf-manifest.json`), 0, `cart is given by remoteEntry.js: no manifest fetched:\n${requests.join('\n')}`);
      assert.deepEqual(errors, [], 'no console error, page error or failed request');
    } finally {
      await close();
    }
  });

  test('the URL forms swapped: catalog by remoteEntry.js, cart by mf-manifest.json', async () => {
    assertBuilt(fed.apps);
    const { catalog, cart } = fed.apps;
    const { errors, requests, close } = await openShop(fed.apps['host-swapped'].url);
    try {
      assert.equal(count(requests, `${catalog.url}mf-manifest.json`), 0, `catalog is given by remoteEntry.js:\n${requests.join('\n')}`);
      assert.equal(count(requests, `${catalog.url}remoteEntry.js`), 1, `catalog's remoteEntry.js loaded once:\n${requests.join('\n')}`);
      assert.equal(count(requests, `${cart.url}mf-manifest.json`), 1, `cart's manifest fetched once:\n${requests.join('\n')}`);
      assert.equal(count(requests, `${cart.url}remoteEntry.js`), 1, `cart's entry loaded once:\n${requests.join('\n')}`);
      assert.deepEqual(errors, [], 'no console error, page error or failed request');
    } finally {
      await close();
    }
  });

  test('remotes deployed below sub-paths load their chunks from there (publicPath "auto")', async () => {
    assertBuilt(cdn.apps);
    const { errors, close } = await openShop(cdn.apps.host.url);
    try {
      for (const [app, base] of [['catalog', '/cdn/catalog/1.0.0/'], ['cart', '/cdn/cart/'], ['host', '/shop/']]) {
        const paths = cdn.apps[app].server.requests;
        assert.ok(paths.length > 1, `${app} served its files: ${paths.join(', ')}`);
        assert.ok(paths.every((p) => p.startsWith(base) || p === '/favicon.ico'),
          `every request to ${app} stays below ${base}:\n${paths.join('\n')}`);
      }
      assert.deepEqual(errors, [], 'no console error, page error or failed request');
    } finally {
      await close();
    }
  });

  test("one React: cart's useState works inside the host's tree and React is fetched once", async () => {
    assertBuilt(fed.apps);
    const { page, errors, requests, close } = await openShop(fed.apps.host.url);
    try {
      const button = page.locator('button.cart-button');
      await button.click();
      await page.locator('button.cart-button', { hasText: 'Add to cart (1)' }).waitFor({ timeout: 5_000 });
      await button.click();
      await page.locator('button.cart-button', { hasText: 'Add to cart (2)' }).waitFor({ timeout: 5_000 });

      // Each app has React's code (its fallback); the page needs only one.
      const reactFiles = filesHolding(fed.apps, REACT);
      assert.ok(reactFiles.length >= 3, `each app has a copy of React's code to fall back on: ${reactFiles.join(', ')}`);
      assert.deepEqual(fetched(requests, reactFiles).length, 1,
        `React's code fetched once across the three origins (files holding it: ${reactFiles.join(', ')}):\n${requests.join('\n')}`);
      const domFiles = filesHolding(fed.apps, REACT_DOM);
      assert.deepEqual(fetched(requests, domFiles).length, 1,
        `react-dom's code fetched once (files holding it: ${domFiles.join(', ')}):\n${requests.join('\n')}`);
      assert.deepEqual(errors, [], 'no console error (no "Invalid hook call"), page error or failed request');
    } finally {
      await close();
    }
  });
});

/** True when nothing listens on 127.0.0.1:port. */
function portFree(port) {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

describe("the README's commands: make example, then make serve-example", () => {
  test('build.sh builds the three apps, says how to open them, exits; serve.mjs serves them', async (t) => {
    const ports = [3001, 3002, 3003];
    const busy = [];
    for (const p of ports) if (!(await portFree(p))) busy.push(p);
    if (busy.length) {
      t.skip(`port(s) ${busy.join(', ')} in use on 127.0.0.1: the example is built for 3001-3003`);
      return;
    }
    const dir = copyFixture('example');
    for (const app of ['catalog', 'cart', 'host']) rmSync(join(dir, app, 'dist'), { recursive: true, force: true });
    const r = spawnSync('bash', [join(dir, 'build.sh'), bin], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    const out = `exit ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    for (const app of ['catalog', 'cart', 'host']) {
      assert.match(r.stdout, new RegExp(`== ${app}`), out);
      assert.ok(existsSync(join(dir, app, 'dist')), `${app}/dist written`);
    }
    for (const [app, file] of [['catalog', 'remoteEntry.js'], ['catalog', 'mf-manifest.json'], ['cart', 'remoteEntry.js'],
      ['cart', 'mf-manifest.json'], ['host', 'index.html'], ['host', 'mf-manifest.json']]) {
      assert.ok(existsSync(join(dir, app, 'dist', file)), `${app}/dist/${file}`);
    }
    // mfbuild prints what it wrote on stderr, as esbuild does; both reach the terminal.
    for (const file of ['dist/remoteEntry.js', 'dist/mf-manifest.json', 'dist/index.html']) {
      assert.ok(r.stdout.includes(file) || r.stderr.includes(file), `what was written is printed (${file}):\n${out}`);
    }
    assert.match(r.stdout, /make serve-example/, `it says how to serve the example:\n${out}`);
    assert.match(r.stdout, /http:\/\/127\.0\.0\.1:3001\//, `it says which URL to open:\n${out}`);

    const server = spawn(process.execPath, [fixture('example', 'serve.mjs'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    server.stdout.on('data', (d) => (said += d));
    server.stderr.on('data', (d) => (said += d));
    try {
      await new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`serve.mjs did not start:\n${said}`)), 10_000);
        server.stdout.on('data', () => {
          if (/Open http:\/\/127\.0\.0\.1:3001\//.test(said)) {
            clearTimeout(timer);
            ok();
          }
        });
        server.once('exit', (code) => fail(new Error(`serve.mjs exited (${code}):\n${said}`)));
      });
      const { page, errors, close } = await openShop('http://127.0.0.1:3001/');
      try {
        await page.locator('button.cart-button').click();
        await page.locator('button.cart-button', { hasText: 'Add to cart (1)' }).waitFor({ timeout: 5_000 });
        assert.deepEqual(errors, [], 'no console error, page error or failed request');
      } finally {
        await close();
      }
    } finally {
      server.kill('SIGTERM');
      await new Promise((ok) => (server.exitCode !== null ? ok() : server.once('exit', ok)));
    }
  });
});
