// tests/federation/hanging-remote.test.mjs — a remote that is stopped but
// still holds its port (a suspended process, a black-holed host): the
// connection opens and no answer ever comes.  The shell of
// fixtures/federation (shareStrategy version-first, the default, which
// loads every remote at startup) points its `gone` remote's mf-manifest.json
// at such a server.  The host must still start, with its other remotes, and
// `gone`'s panel must fall back once loading gives up (the runtime's load
// timeout is 20 s, as MF 2.0's, so this suite takes about a minute).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { cleanup } from '../lib/mfbuild.mjs';
import { launchBrowser, watchPage } from '../lib/browser.mjs';
import { assertBuilt, federatedApps } from '../lib/federation.mjs';

let browser, fed, silent;
const sockets = new Set();

before(async () => {
  // Accepts connections, never answers.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((ok) => silent.listen(0, '127.0.0.1', ok));
  browser = await launchBrowser();
  fed = await federatedApps('federation', [{ app: 'widgets' }, { app: 'shell' }],
    { elsewhere: { gone: `http://127.0.0.1:${silent.address().port}/` } });
});

after(async () => {
  await browser?.close();
  await fed?.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((ok) => (silent ? silent.close(ok) : ok()));
  cleanup();
});

test('a remote whose manifest never answers: the host starts, the rest works, its panel falls back', async () => {
  assertBuilt(fed.apps);
  const { page, messages, close } = await watchPage(browser);
  const within = async (what, wait) => {
    try {
      await wait;
    } catch (err) {
      throw new Error(`${what} (${err.message.split('\n')[0]})\n--- console ---\n` +
        messages.map((m) => `${m.type}: ${m.text}`).join('\n'));
    }
  };
  try {
    await page.goto(fed.apps.shell.url, { waitUntil: 'commit' });
    await within('the host did not start: its startup waits on the remote that never answers',
      page.locator('#title').waitFor({ timeout: 45_000 }));
    await page.locator('#panel-counter .counter').click({ timeout: 15_000 });
    await page.locator('#panel-counter .counter', { hasText: 'remote clicks: 1' }).waitFor({ timeout: 5_000 });
    const error = page.locator('#panel-gone .error');
    await within("gone's panel never fell back: loading it never gives up", error.waitFor({ timeout: 45_000 }));
    const text = await error.textContent();
    assert.match(text, /\[mfbuild\]/, text);
    assert.match(text, /\bgone\b/, `the error names the remote: ${text}`);
    assert.match(text, /Widget/, `the error names the expose: ${text}`);
  } finally {
    await close();
  }
});
