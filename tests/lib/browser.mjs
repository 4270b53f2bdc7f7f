// tests/lib/browser.mjs — what the browser suites share: a static file
// server for a built dist/ and headless Chromium driven by playwright-core.
//
// The browser is Debian's chromium (`make test-deps` installs it); the
// server listens on 127.0.0.1 on a port the system picks, so suites never
// collide.  A suite launches one browser per file and reuses it across its
// tests (a launch costs about a second on the 2-core machine); each test
// opens its own page with watchPage() to collect what went wrong there.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

// The static server lives in server.mjs (no playwright needed there).
export { cors, startServer } from './server.mjs';

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Headless Chromium (Debian's), ready for newPage().  Close it in after(). */
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: run \`make test-deps\` (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A new page whose problems are collected: { page, errors, warnings,
 * messages, requests, close }.
 * `errors` gets every console.error/console.assert message, every uncaught
 * exception or unhandled rejection ('pageerror') and every failed request;
 * `warnings` gets every console.warn message (text only); `messages` gets
 * every console message as { type, text }; `requests` gets every requested
 * URL in order.
 */
export async function watchPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  const messages = [];
  const requests = [];
  page.on('console', (msg) => {
    messages.push({ type: msg.type(), text: msg.text() });
    if (msg.type() === 'error' || msg.type() === 'assert') errors.push(`console.${msg.type()}: ${msg.text()}`);
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.stack || err.message}`));
  page.on('request', (req) => requests.push(req.url()));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, errors, warnings, messages, requests, close: () => context.close() };
}
