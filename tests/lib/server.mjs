// tests/lib/server.mjs — a static file server for built dist/ folders, with
// no dependency beyond Node: the browser suites use it through
// tests/lib/browser.mjs, and fixtures/example/serve.mjs (`make
// serve-example`) serves the bundled example with it.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The CORS header a remote needs so that a host on another port may fetch its mf-manifest.json. */
export const cors = { 'access-control-allow-origin': '*' };

/**
 * Serves the files of `dir` over HTTP on 127.0.0.1 (a folder's URL serves
 * its index.html).  Files are looked up per request, so the folder may be
 * written (or replaced) after the server started.  `base` mounts the folder
 * below a URL path ('/app/v2/'), as a CDN or a sub-path deployment would;
 * other paths answer 404.  `port` defaults to 0: a port the system picks.
 * Returns { url, close, requests, port }: url is the mount point's URL and
 * ends with '/', close() returns a Promise, requests lists every request
 * path in arrival order (query strings dropped), including those answered
 * 404.  `headers` adds response headers (e.g. `cors` for federation suites).
 */
export async function startServer(dir, { headers = {}, base = '/', port = 0 } = {}) {
  const root = resolve(dir);
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with "/": ${base}`);
  const requests = [];
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(path);
    if (!path.startsWith(base)) {
      res.writeHead(path === '/favicon.ico' ? 204 : 404, headers).end();
      return;
    }
    const rel = path.slice(base.length);
    const file = resolve(join(root, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel));
    const inside = file === root || file.startsWith(root + sep);
    if (path === '/favicon.ico' && !existsSync(file)) {
      res.writeHead(204, headers).end(); // the browser asks on its own; not the app's concern
      return;
    }
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain', ...headers }).end(`not found: ${path}`);
      return;
    }
    const type = contentTypes[extname(file)] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const bound = server.address().port;
  return {
    url: `http://127.0.0.1:${bound}${base}`,
    port: bound,
    requests,
    close: () => new Promise((ok) => {
      server.closeAllConnections?.();
      server.close(() => ok());
    }),
  };
}
