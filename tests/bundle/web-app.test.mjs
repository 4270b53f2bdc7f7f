// tests/bundle/web-app.test.mjs — a React 18 app built for the web and run
// in headless Chromium (fixtures/web-app: `html: true`, a React.lazy route
// behind a button, CSS in the entry and in the lazy route, an SVG imported
// as a URL).  The lazy chunk and its CSS must not load before the click,
// must load on it, the route must render and be styled by its CSS, and the
// page must log no error.  The same check runs on the production build
// served at `/`, on the same build served below a sub-path (publicPath
// "auto" finds chunks next to the script, wherever it is deployed), and on
// a development build (jsxDEV, React's development build).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, copyFixture, mfbuild, show } from '../lib/mfbuild.mjs';
import { entryChunk, listFiles } from '../lib/bundle.mjs';
import { launchBrowser, startServer, watchPage } from '../lib/browser.mjs';

let dir, browser;
const builds = {};
const servers = [];

before(async () => {
  dir = copyFixture('web-app');
  builds.production = { dist: join(dir, 'dist'), r: mfbuild(['build'], { cwd: dir, timeout: 120_000 }) };
  builds.development = {
    dist: join(dir, 'dist-dev'),
    r: mfbuild(['build', '--mode', 'development', '--out', 'dist-dev'], { cwd: dir, timeout: 120_000 }),
  };
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  cleanup();
});

/** dist/ files whose name ends with ext and whose text contains `needle`. */
function filesWith(dist, ext, needle) {
  return listFiles(dist).filter((f) => f.endsWith(ext) && readFileSync(join(dist, f), 'utf8').includes(needle));
}

const requested = (requests, file) => requests.filter((u) => new URL(u).pathname.endsWith(`/${file}`)).length;

/** Serves a build below `base`, opens index.html, checks the whole lazy-route story. */
async function exercise(mode, base) {
  const { dist, r } = builds[mode];
  assert.equal(r.code, 0, show(r));
  assert.ok(existsSync(join(dist, 'index.html')), `index.html in ${dist}: ${listFiles(dist).join(', ')}`);
  const entry = entryChunk(dist).slice(dist.length + 1);
  const lazyJs = filesWith(dist, '.js', 'Lazy route loaded');
  assert.equal(lazyJs.length, 1, `one .js file holds the lazy route: ${lazyJs.join(', ')}`);
  assert.notEqual(lazyJs[0], entry, 'the lazy route is not in the entry chunk');
  const lazyCss = filesWith(dist, '.css', 'lazy-panel');
  assert.equal(lazyCss.length, 1, `one .css file holds the lazy route's CSS: ${listFiles(dist).join(', ')}`);
  const appCss = filesWith(dist, '.css', 'app-title');
  assert.equal(appCss.length, 1, `one .css file holds the entry's CSS: ${listFiles(dist).join(', ')}`);
  assert.notEqual(appCss[0], lazyCss[0], 'the lazy CSS is not in the entry CSS file');
  const react = mode === 'development' ? 'react.development.js' : 'react.production.min.js';
  assert.ok(readFileSync(join(dist, entry), 'utf8').includes(`react/cjs/${react}`), `React's ${mode} build is bundled`);
  const svg = listFiles(dist).filter((f) => f.endsWith('.svg'));
  assert.equal(svg.length, 1, `the imported SVG is an asset file: ${listFiles(dist).join(', ')}`);

  const server = await startServer(dist, { base });
  servers.push(server);
  const { page, errors, requests, close } = await watchPage(browser);
  try {
    await page.goto(server.url + 'index.html');
    const title = page.locator('h1.app-title');
    await title.waitFor({ timeout: 15_000 });
    assert.equal(await title.textContent(), 'Home page');
    assert.equal(await title.evaluate((e) => getComputedStyle(e).letterSpacing), '3px', "the entry's CSS applies");
    await page.waitForFunction(() => document.getElementById('logo')?.complete, null, { timeout: 10_000 });
    const img = await page.locator('#logo').evaluate((e) => ({ w: e.naturalWidth, h: e.naturalHeight, src: e.src }));
    assert.deepEqual({ w: img.w, h: img.h }, { w: 24, h: 16 }, `the SVG loads from its URL: ${img.src}`);
    assert.ok(new URL(img.src).pathname.startsWith(base), `the asset URL is below ${base}: ${img.src}`);
    assert.equal(requested(requests, entry), 1, `the entry chunk was loaded once:\n${requests.join('\n')}`);
    assert.equal(await page.locator('.lazy-panel').count(), 0, 'no lazy route before the click');
    assert.equal(requested(requests, lazyJs[0]), 0, `the lazy chunk is not requested before the click:\n${requests.join('\n')}`);
    assert.equal(requested(requests, lazyCss[0]), 0, `the lazy CSS is not requested before the click:\n${requests.join('\n')}`);

    await page.click('#load');
    const heading = page.locator('.lazy-panel h2');
    await heading.waitFor({ timeout: 15_000 });
    assert.equal(await heading.textContent(), 'Lazy route loaded from a lazy chunk');
    assert.equal(requested(requests, lazyJs[0]), 1, `the lazy chunk was requested once, on the click:\n${requests.join('\n')}`);
    assert.equal(requested(requests, lazyCss[0]), 1, `the lazy CSS was requested once, on the click:\n${requests.join('\n')}`);
    // import() resolves after the chunk's CSS has loaded: no flash of
    // unstyled content, so the style applies as soon as the route renders.
    const style = await page.locator('.lazy-panel').evaluate((e) => {
      const s = getComputedStyle(e);
      return { color: s.color, border: `${s.borderLeftWidth} ${s.borderLeftStyle} ${s.borderLeftColor}` };
    });
    assert.deepEqual(style, { color: 'rgb(0, 128, 0)', border: '7px solid rgb(1, 2, 3)' }, "the lazy route's CSS applies");

    // State inside the lazy chunk works: it uses the same React as the entry.
    await page.click('#lazy-count');
    await page.locator('#lazy-count', { hasText: 'clicked 1 times' }).waitFor({ timeout: 5_000 });
    assert.ok(server.requests.every((p) => p.startsWith(base) || p === '/favicon.ico'),
      `every request stays below ${base}:\n${server.requests.join('\n')}`);
    assert.deepEqual(errors, [], 'no console error, page error or failed request');
  } finally {
    await close();
  }
}

describe('web app with a lazy route in Chromium (fixtures/web-app)', () => {
  test('production build served at /', () => exercise('production', '/'));
  test('production build served below a sub-path (publicPath "auto")', () => exercise('production', '/static/app/v1/'));
  test('development build (jsxDEV, React development build)', () => exercise('development', '/'));
});
