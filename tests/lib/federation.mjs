// tests/lib/federation.mjs — what the Module Federation browser suites
// share: a set of federated apps, each copied from a fixture to a scratch
// folder, served from its own 127.0.0.1 port (with CORS headers, as a host
// fetches its remotes' mf-manifest.json across origins) and built with
// `mfbuild build`.
//
// A host's remote URLs are baked in at build time, and the ports are only
// known once the servers listen.  So every server starts first, on a port
// the system picks, serving a dist/ folder that does not exist yet (files
// are looked up per request); then each app's mfbuild.json is rewritten so
// that every remote URL points at the server of the app whose container
// `name` it names, and the apps are built.  A remote whose container no app
// of the set provides points at a *stopped* remote: a port whose server was
// started and closed again, so nothing listens there.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, mfbuild, show, tempDir } from './mfbuild.mjs';
import { listFiles } from './bundle.mjs';
import { cors, startServer } from './server.mjs';

/**
 * `name@url` (or { name, entry }) pointed at where container `name` is
 * served (urls[name], ending with '/'), else at the stopped server: the
 * URL's file name (mf-manifest.json, remoteEntry.js) and query are kept.
 */
function repoint(value, urls, stopped) {
  const rewrite = (name, url) => {
    const u = new URL(url);
    return new URL(u.pathname.replace(/^.*\//, '') + u.search, urls[name] ?? `${stopped}/`).href;
  };
  if (typeof value === 'string') {
    const at = value.indexOf('@');
    return `${value.slice(0, at)}@${rewrite(value.slice(0, at), value.slice(at + 1))}`;
  }
  return { ...value, entry: rewrite(value.name, value.entry) };
}

/**
 * Builds and serves a set of apps.  `specs` is a list of
 * { app, from = app, base = '/', config(cfg) }: the scratch copy of
 * fixtures/<group>/<from> is named <app> and served below the URL path
 * `base`; config (optional) edits its parsed mfbuild.json before the remote
 * URLs are repointed (e.g. to rename the container, or to switch a remote
 * to the other URL form).  `elsewhere` maps container names outside the
 * set to the URL (ending with '/') to point them at instead of the
 * stopped server.
 * Returns { apps, close }: apps[app] is { dir, dist, url, server, config,
 * build } (build: the mfbuild run, { code, stdout, stderr }).
 */
export async function federatedApps(group, specs, { elsewhere = {} } = {}) {
  const root = tempDir(`${group}-`);
  const apps = {};
  for (const { app, from = app, base = '/' } of specs) {
    const dir = join(root, app);
    const src = fixture(group, from);
    cpSync(src, dir, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (p) => p !== join(src, 'dist'), // left by a build by hand (`make example`)
    });
    const dist = join(dir, 'dist');
    const server = await startServer(dist, { headers: cors, base });
    apps[app] = { dir, dist, url: server.url, server };
  }
  const gone = await startServer(root);
  const stopped = new URL(gone.url).origin;
  await gone.close();

  for (const { app, config } of specs) {
    const a = apps[app];
    a.config = JSON.parse(readFileSync(join(a.dir, 'mfbuild.json'), 'utf8'));
    if (config) config(a.config);
  }
  const urls = {};
  for (const { app } of specs) urls[apps[app].config.name] ??= apps[app].url;
  for (const [name, url] of Object.entries(elsewhere)) urls[name] ??= url;
  for (const { app } of specs) {
    const a = apps[app];
    for (const alias of Object.keys(a.config.remotes ?? {})) {
      a.config.remotes[alias] = repoint(a.config.remotes[alias], urls, stopped);
    }
    writeFileSync(join(a.dir, 'mfbuild.json'), JSON.stringify(a.config, null, 2) + '\n');
    a.build = mfbuild(['build'], { cwd: a.dir, timeout: 120_000 });
  }
  return {
    apps,
    close: async () => {
      for (const a of Object.values(apps)) await a.server.close();
    },
  };
}

/** Asserts that every app of the set built (message: the failed build's output). */
export function assertBuilt(apps) {
  for (const [app, a] of Object.entries(apps)) {
    assert.equal(a.build.code, 0, `mfbuild build of ${app}:\n${show(a.build)}`);
  }
}

/**
 * URLs (the app's URL + file) of the .js files of every app's dist/ whose
 * text contains `needle` (e.g. 'react/cjs/react.production.min.js', the
 * module id of React's code): what a page may fetch to get that code.
 */
export function filesHolding(apps, needle) {
  const out = [];
  for (const a of Object.values(apps)) {
    for (const f of listFiles(a.dist)) {
      if (f.endsWith('.js') && readFileSync(join(a.dist, f), 'utf8').includes(needle)) out.push(a.url + f);
    }
  }
  return out;
}

/** The requested URLs (query and hash dropped) that are in `urls`. */
export function fetched(requests, urls) {
  const want = new Set(urls);
  return requests.map((u) => u.replace(/[?#].*$/, '')).filter((u) => want.has(u));
}
