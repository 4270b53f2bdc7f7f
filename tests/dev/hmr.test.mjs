// tests/dev/hmr.test.mjs — `mfbuild dev` in Chromium (issue 5): a host and a
// remote, each on its own dev server; edits of a module of each show in the
// page without a full reload (a marker on window survives); a syntax error
// shows the overlay and the fix clears it; a CSS edit applies in place; an
// update nothing accepts reloads the page; module.hot.dispose hands data to
// the next version; the server refuses paths outside the output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import vm from 'node:vm';
import { join } from 'node:path';
import { cleanup, mfbuild, project } from '../lib/mfbuild.mjs';
import { launchBrowser, watchPage } from '../lib/browser.mjs';
import { save, startDev } from '../lib/dev.mjs';

after(cleanup);

const remoteFiles = {
  'mfbuild.json': JSON.stringify({ name: 'remote', exposes: { './Widget': './src/Widget.js' } }),
  // The widget re-renders itself when its label changes: the accept lives
  // in the remote's own runtime, fed by the remote's own dev server.
  'src/Widget.js': [
    "import { label } from './label.js';",
    'export function mount(el) {',
    '  const render = () => { el.textContent = label; };',
    '  render();',
    "  if (import.meta.webpackHot) import.meta.webpackHot.accept('./label.js', render);",
    '}',
    '',
  ].join('\n'),
  'src/label.js': "export const label = 'remote v1';\n",
};

function hostFiles(remotePort) {
  return {
    'mfbuild.json': JSON.stringify({
      name: 'host',
      entry: './src/index.js',
      html: true,
      remotes: { remote: `remote@http://127.0.0.1:${remotePort}/remoteEntry.js` },
    }),
    'src/index.js': [
      "import './style.css';",
      "import { message } from './message.js';",
      "import { count } from './counter.js';",
      "import { mount } from 'remote/Widget';",
      "import './inv.js';",
      "import './declined.js';",
      "document.getElementById('root').innerHTML = '<p id=host></p><p id=remote></p><p id=count></p>';",
      "const render = () => { document.getElementById('host').textContent = message; };",
      'render();',
      "document.getElementById('count').textContent = String(count);",
      "mount(document.getElementById('remote'));",
      "if (module.hot) module.hot.accept(['./message.js', './declined.js'], render);",
      '',
    ].join('\n'),
    'src/message.js': "export const message = 'host v1';\n",
    // Self-accepting, with state carried through dispose data.
    'src/counter.js': [
      'const previous = module.hot && module.hot.data ? module.hot.data.count : 0;',
      'export const count = previous + 1;',
      "document.getElementById('root') && document.getElementById('count') && (document.getElementById('count').textContent = String(count));",
      'if (module.hot) {',
      '  module.hot.accept();',
      '  module.hot.dispose((data) => { data.count = count; });',
      '}',
      '',
    ].join('\n'),
    'src/style.css': '#host { color: rgb(255, 0, 0); }\n',
    // invalidate(): runs itself again through the update path.
    'src/inv.js': [
      'const n = (module.hot && module.hot.data ? module.hot.data.n : 0) + 1;',
      'window.__inv = n;',
      'if (module.hot) {',
      '  module.hot.accept();',
      '  module.hot.dispose((data) => { data.n = n; });',
      '  window.__invalidate = () => module.hot.invalidate();',
      '}',
      '',
    ].join('\n'),
    // decline(): an update of it reloads the page even though index accepts it.
    'src/declined.js': "export const declined = 1;\nif (module.hot) module.hot.decline();\n",
    // Imported by nothing that accepts it: an edit must reload the page.
    'src/plain.js': 'export const plain = 1;\n',
  };
}

/** GET with the path sent exactly as written (no normalization). */
function rawGet(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mfbuild dev: a host and a remote on two dev servers', () => {
  let browser, remote, host, remoteDir, hostDir, page;

  before(async () => {
    browser = await launchBrowser();
    remoteDir = project(remoteFiles, 'dev-remote-');
    remote = await startDev('dev', remoteDir, ['--port', '0']);
    await remote.waitFor(/built in/);
    hostDir = project(hostFiles(remote.port), 'dev-host-');
    host = await startDev('dev', hostDir, ['--port', '0']);
    await host.waitFor(/built in/);
    page = await watchPage(browser);
    await page.page.goto(`http://127.0.0.1:${host.port}/`);
    await page.page.waitForFunction(() => document.getElementById('remote')?.textContent === 'remote v1');
    await page.page.evaluate(() => { window.__marker = 'kept'; });
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    await host?.stop();
    await remote?.stop();
  });

  const text = (id) => page.page.evaluate((i) => document.getElementById(i)?.textContent, id);
  const marker = () => page.page.evaluate(() => window.__marker);

  test('the page renders both apps', async () => {
    assert.equal(await text('host'), 'host v1');
    assert.equal(await text('remote'), 'remote v1');
    assert.equal(await text('count'), '1');
  });

  test('an edit of a host module applies without a reload', async () => {
    const at = host.log().length;
    save(join(hostDir, 'src/message.js'), "export const message = 'host v2';\n");
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => document.getElementById('host').textContent === 'host v2');
    assert.equal(await marker(), 'kept', 'no full reload');
  });

  test('an edit of a remote module applies in the host page without a reload', async () => {
    const at = remote.log().length;
    save(join(remoteDir, 'src/label.js'), "export const label = 'remote v2';\n");
    await remote.waitFor(/built in/, at);
    await page.page.waitForFunction(() => document.getElementById('remote').textContent === 'remote v2');
    assert.equal(await marker(), 'kept', 'no full reload');
  });

  test('a self-accepting module runs again with the data its old version disposed', async () => {
    const file = join(hostDir, 'src/counter.js');
    const at = host.log().length;
    save(file, hostFiles(remote.port)['src/counter.js'] + '// edited\n');
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => document.getElementById('count').textContent === '2');
    assert.equal(await marker(), 'kept');
  });

  test('a syntax error shows the overlay (file and line); the fix clears it', async () => {
    let at = host.log().length;
    save(join(hostDir, 'src/message.js'), 'export const message = ;\n');
    await host.waitFor(/build failed/, at);
    assert.match(host.log().slice(at), /src\/message\.js:1:\d+: error/);
    await page.page.waitForSelector('#__mfbuild_overlay');
    const overlay = await page.page.textContent('#__mfbuild_overlay');
    assert.match(overlay, /src\/message\.js:1:\d+/);
    at = host.log().length;
    save(join(hostDir, 'src/message.js'), "export const message = 'host v3';\n");
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => !document.getElementById('__mfbuild_overlay'));
    await page.page.waitForFunction(() => document.getElementById('host').textContent === 'host v3');
    assert.equal(await marker(), 'kept');
  });

  test('a CSS edit applies in place', async () => {
    const color = () => page.page.evaluate(() => getComputedStyle(document.getElementById('host')).color);
    assert.equal(await color(), 'rgb(255, 0, 0)');
    const at = host.log().length;
    save(join(hostDir, 'src/style.css'), '#host { color: rgb(0, 0, 255); }\n');
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => getComputedStyle(document.getElementById('host')).color === 'rgb(0, 0, 255)');
    assert.equal(await marker(), 'kept');
  });

  test('module.hot.invalidate() runs the module again, with its dispose data', async () => {
    assert.equal(await page.page.evaluate(() => window.__inv), 1);
    await page.page.evaluate(() => window.__invalidate());
    await page.page.waitForFunction(() => window.__inv === 2);
    assert.equal(await marker(), 'kept');
  });

  test('paths outside the output get 404, also percent-encoded', async () => {
    for (const path of ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '//etc/passwd', '/src/message.js']) {
      assert.equal(await rawGet(host.port, path), 404, path);
    }
    assert.equal(await rawGet(host.port, '/remoteEntry.js'), 404, 'the host has no container');
    assert.equal(await rawGet(remote.port, '/remoteEntry.js'), 200);
  });

  test('an update nothing accepts reloads the page (last: it loses the marker)', async () => {
    const at = host.log().length;
    save(join(hostDir, 'src/index.js'), hostFiles(remote.port)['src/index.js'] + '// edited\n');
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => window.__marker === undefined && document.getElementById('host')?.textContent === 'host v3');
    // Expected: the overlay's console copy of the syntax error (test above),
    // and the browser's own favicon request (a 404 and its console line);
    // the reload aborting the event streams of the old page. A failed
    // update script would show as an HTTP 404 of its URL.
    const errors = page.errors.filter((e) =>
      !/favicon|build failed|^console\.error: Failed to load resource|__mfbuild\/events \(net::ERR_ABORTED\)/.test(e));
    assert.deepEqual(errors, []);
  });

  test('an update of a module that declines it reloads the page, though its importer accepts it', async () => {
    await page.page.evaluate(() => { window.__marker = 'again'; });
    const at = host.log().length;
    save(join(hostDir, 'src/declined.js'), "export const declined = 2;\nif (module.hot) module.hot.decline();\n");
    await host.waitFor(/built in/, at);
    await page.page.waitForFunction(() => window.__marker === undefined && document.getElementById('host')?.textContent === 'host v3');
  });
});

test('mfbuild dev on a busy port: a clear error and exit 2', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = blocker.address().port;
  try {
    const dir = project(remoteFiles, 'dev-busy-');
    const r = mfbuild(['dev', '--port', String(port)], { cwd: dir, timeout: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*\\[dev-server\\]`));
  } finally {
    blocker.close();
  }
});

test('mfbuild dev whose first build fails serves the errors, then the app once fixed', async () => {
  const dir = project({
    'mfbuild.json': JSON.stringify({ entry: './src/index.js', html: true }),
    'src/index.js': "document.getElementById('root').textContent = ;\n",
  }, 'dev-first-fail-');
  const dev = await startDev('dev', dir, ['--port', '0']);
  const browser = await launchBrowser();
  try {
    await dev.waitFor(/build failed/);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${dev.port}/`);
    assert.match(await page.textContent('#__mfbuild_overlay'), /src\/index\.js:1:\d+: .*\[syntax-error\]/);
    const at = dev.log().length;
    save(join(dir, 'src/index.js'), "document.getElementById('root').textContent = 'fixed';\n");
    await dev.waitFor(/built in/, at);
    await page.waitForFunction(() => document.getElementById('root')?.textContent === 'fixed');
  } finally {
    await browser.close();
    await dev.stop();
  }
});

test('an update script carries changed modules, removed ids, the new chunk map and import() table', async () => {
  const dir = project({
    'mfbuild.json': JSON.stringify({ name: 'upd', entry: './src/index.js', html: true }),
    'src/index.js': "import { a } from './a.js';\nimport './gone.js';\nconsole.log(a);\n",
    'src/a.js': "export const a = 1;\n",
    'src/gone.js': "export const gone = 1;\n",
  }, 'dev-update-');
  const dev = await startDev('dev', dir, ['--port', '0']);
  try {
    await dev.waitFor(/built in/);
    const first = await (await fetch(`http://127.0.0.1:${dev.port}/`)).text();
    const entry = /src="(main\.[0-9a-f]{8}\.js)"/.exec(first)[1];
    const entryText = await (await fetch(`http://127.0.0.1:${dev.port}/${entry}`)).text();
    const id = /"hot":\{"name":"upd","id":"([0-9a-f]{16})"\}/.exec(entryText)?.[1];
    assert.ok(id, 'the entry chunk carries its state id');
    const at = dev.log().length;
    save(join(dir, 'src/index.js'), "import { a } from './a.js';\nconsole.log(a);\nimport('./lazy.js');\n");
    save(join(dir, 'src/lazy.js'), "export const lazy = 1;\n");
    await dev.waitFor(/built in/, at);
    // The second save may land in a batch of its own: wait for the update
    // that has the lazy chunk.
    let update;
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`http://127.0.0.1:${dev.port}/__mfbuild/hot/${id}.js`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const sandbox = { globalThis: {} };
      vm.runInNewContext(await res.text(), sandbox);
      update = sandbox.globalThis.__mfbuild_hot_upd[0];
      if (update.asyncDeps['src/lazy.js']) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(update.from, id);
    assert.match(update.to, /^[0-9a-f]{16}$/);
    assert.notEqual(update.to, id);
    assert.deepEqual(Object.keys(update.modules).sort(), ['src/index.js', 'src/lazy.js']);
    assert.equal(typeof update.modules['src/index.js'], 'function');
    assert.deepEqual([...update.removed], ['src/gone.js']); // an array of the vm's realm
    const lazyChunk = update.asyncDeps['src/lazy.js'][0];
    assert.match(update.chunks[lazyChunk][0], /\.js$/);
    const res = await fetch(`http://127.0.0.1:${dev.port}/${update.chunks[lazyChunk][0]}`);
    assert.equal(res.status, 200, 'the new lazy chunk is served');
    assert.equal((await fetch(`http://127.0.0.1:${dev.port}/__mfbuild/hot/0000000000000000.js`)).status, 404);
  } finally {
    await dev.stop();
  }
});

test('mfbuild dev --host: binds the address given and says where it serves', async () => {
  const dir = project({ 'mfbuild.json': JSON.stringify({ entry: './src/index.js', html: true }), 'src/index.js': 'console.log(1);\n' }, 'dev-host-');
  const dev = await startDev('dev', dir, ['--host', 'localhost', '--port', '0']);
  try {
    assert.match(dev.log(), /on http:\/\/localhost:\d+\//);
    await dev.waitFor(/built in/);
    const res = await fetch(`http://127.0.0.1:${dev.port}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
  } finally {
    await dev.stop();
  }
});
