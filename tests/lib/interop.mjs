// tests/lib/interop.mjs — what the interop suites (tests/interop/) share:
// a set of federated apps built by different tools (mfbuild, Rspack,
// webpack), each served from its own 127.0.0.1 port, and the browser
// helpers to look at them.
//
// The peer tools are installed in tests/interop/node_modules from their own
// pinned package.json/package-lock.json (`make test-deps` runs `npm ci
// --ignore-scripts` there).  Peer apps live in fixtures/interop/<app>/ with
// an rspack.config.js or webpack.config.js that uses fixtures/interop/
// peer.cjs (see there): they are built in place, with their output written
// to a scratch folder under tests/.tmp.  mfbuild apps live beside them
// (fixtures/interop/mf-*/) and are built by tests/lib/federation.mjs.
//
// Every server starts first (port 0), so every app's URL is known before
// any build; then the mfbuild apps are built (their remotes repointed by
// container name, peers included), then the peer apps (their remote URLs
// come from INTEROP_URLS, keyed by container name).  A remote whose
// container is not in the set points at a stopped server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, repo, tempDir } from './mfbuild.mjs';
import { federatedApps } from './federation.mjs';
import { cors, startServer } from './server.mjs';

export const interopDir = join(repo, 'tests', 'interop');
export const interopModules = join(interopDir, 'node_modules');

const configFile = { rspack: 'rspack.config.js', webpack: 'webpack.config.js' };

/** Throws a clear message when the peer tools are not installed. */
export function assertPeersInstalled() {
  for (const bin of ['rspack', 'webpack']) {
    if (!existsSync(join(interopModules, '.bin', bin))) {
      throw new Error(`${bin} is not installed in tests/interop/node_modules: run \`make test-deps\` ` +
        '(or `cd tests/interop && npm ci --ignore-scripts`)');
    }
  }
}

/**
 * Runs a peer tool's build: `node <interop>/node_modules/.bin/<tool> build
 * -c <config>` in `dir` (the fixture), with `env` added.  Resolves to
 * { code, signal, stdout, stderr, ms }.
 */
export function peerBuild(tool, dir, { config = configFile[tool], env = {}, timeout = 180_000 } = {}) {
  const t0 = Date.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(interopModules, '.bin', tool), 'build', '-c', config], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * Builds and serves a mixed set of apps.  `specs`: a list of
 *   { app, from = app, tool: 'mfbuild' | 'rspack' | 'webpack', ... }
 * mfbuild apps take federatedApps' spec keys (config(cfg) edits
 * mfbuild.json; their `name` is read from it).  Peer apps take
 *   name      the container name, so that other apps' remotes find it
 *             (default: app with '-' as '_': rspack-remote → rspack_remote)
 *   options   JSON passed to the config as peer.options (INTEROP_OPTIONS)
 *   config    the config file (default rspack.config.js / webpack.config.js)
 *   html      scripts for an index.html written into dist/ when the build
 *             writes none (default ['main.js']; false: none)
 * The peer fixture fixtures/interop/<from> is built in place, into
 * tests/.tmp/interop-peers-XXXX/<app>/dist.
 * Returns { apps, stopped, close }: apps[app] is { tool, dir, dist, url,
 * server, build } (build: { code, stdout, stderr }; mfbuild apps also
 * carry `config`); stopped is an origin where nothing listens.
 */
export async function interopApps(specs) {
  assertPeersInstalled();
  const peers = specs.filter((s) => (s.tool ?? 'mfbuild') !== 'mfbuild');
  const mine = specs.filter((s) => (s.tool ?? 'mfbuild') === 'mfbuild');
  const root = tempDir('interop-peers-');
  const apps = {};
  const urls = {};
  for (const s of peers) {
    const dist = join(root, s.app, 'dist');
    mkdirSync(dist, { recursive: true });
    const server = await startServer(dist, { headers: cors });
    apps[s.app] = { tool: s.tool, dir: fixture('interop', s.from ?? s.app), dist, url: server.url, server };
    urls[s.name ?? s.app.replace(/-/g, '_')] ??= server.url;
  }
  const gone = await startServer(root);
  const stopped = new URL(gone.url).origin;
  await gone.close();

  let fed = null;
  if (mine.length) {
    fed = await federatedApps('interop', mine, { elsewhere: urls });
    for (const s of mine) {
      const a = fed.apps[s.app];
      apps[s.app] = { tool: 'mfbuild', ...a };
      urls[a.config.name] ??= a.url;
    }
  }

  await Promise.all(peers.map(async (s) => {
    const a = apps[s.app];
    a.build = await peerBuild(s.tool, a.dir, {
      config: s.config,
      env: {
        INTEROP_OUT: a.dist,
        INTEROP_URLS: JSON.stringify(urls),
        INTEROP_STOPPED: stopped,
        INTEROP_OPTIONS: JSON.stringify(s.options ?? {}),
      },
    });
    const html = s.html ?? ['main.js'];
    if (a.build.code === 0 && html && !existsSync(join(a.dist, 'index.html'))) {
      writeFileSync(join(a.dist, 'index.html'), '<!doctype html>\n<html><head><meta charset="utf-8"><title>' +
        s.app + '</title></head>\n<body><div id="root"></div>\n' +
        html.map((src) => `<script src="${src}"></script>`).join('\n') + '\n</body></html>\n');
    }
  }));

  return {
    apps,
    stopped,
    close: async () => {
      for (const s of peers) await apps[s.app].server.close();
      await fed?.close();
    },
  };
}

/** Asserts that every app of the set built (message: the failed build's output). */
export function assertAllBuilt(apps) {
  for (const [app, a] of Object.entries(apps)) {
    const b = a.build;
    assert.equal(b.code, 0, `${a.tool} build of ${app}: exit ${b.code}${b.signal ? ` (${b.signal})` : ''}\n` +
      `--- stderr ---\n${b.stderr.slice(-6000)}\n--- stdout ---\n${b.stdout.slice(-6000)}`);
  }
}

/**
 * Opens `url` in a new watched page (tests/lib/browser.mjs watchPage) and
 * waits for `ready` (a selector, or a function run in the page with
 * waitForFunction).  On failure, closes the page and throws with the page's
 * text and the errors it collected.  Returns the watched page.
 */
export async function openPage(browser, url, ready, { timeout = 20_000 } = {}) {
  const { watchPage } = await import('./browser.mjs');
  const watched = await watchPage(browser);
  const { page, errors } = watched;
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(url);
    if (typeof ready === 'function') await page.waitForFunction(ready, null, { timeout });
    else await page.locator(ready).first().waitFor({ timeout });
  } catch (err) {
    const body = await page.locator('body').innerText().catch(() => '?');
    await watched.close();
    throw new Error(`${url} did not get ready: ${err.message}\n--- page ---\n${body}\n--- errors ---\n${errors.join('\n')}`);
  }
  return watched;
}

/** Text of `selector`, whitespace collapsed. */
export async function textOf(page, selector) {
  return (await page.locator(selector).first().textContent()).replace(/\s+/g, ' ').trim();
}

/**
 * The entries of package `pkg` in a share-scope map found in the page at
 * `expr` (an expression giving { scopeName: { pkg: { version: entry } } },
 * e.g. a fixture's `globalThis.__shareScopes = __webpack_share_scopes__`),
 * or, when expr is omitted, in every MF 2.0 instance's map
 * (`__FEDERATION__.__SHARE__`).  Returns [{ where, scope, version, from,
 * loaded, hasLib, useIn }] ('where' names the instance or the expression);
 * one object reached twice (a scope shared by identity) is listed once.
 */
export async function shareEntries(page, pkg, expr) {
  return page.evaluate(([pkg, expr]) => {
    const maps = [];
    if (expr) {
      const m = (0, eval)(expr); // eslint-disable-line no-eval
      if (m) maps.push([expr, m]);
    } else {
      const share = globalThis.__FEDERATION__?.__SHARE__ || {};
      for (const [id, m] of Object.entries(share)) maps.push([id, m]);
    }
    const seen = new Set();
    const out = [];
    for (const [where, m] of maps) {
      for (const [scope, s] of Object.entries(m || {})) {
        const versions = s && s[pkg];
        if (!versions || seen.has(versions)) continue;
        seen.add(versions);
        for (const [version, e] of Object.entries(versions)) {
          out.push({
            where, scope, version,
            from: e && e.from,
            loaded: !!(e && e.loaded),
            hasLib: !!(e && e.lib),
            useIn: (e && e.useIn) || [],
          });
        }
      }
    }
    return out;
  }, [pkg, expr ?? null]);
}
