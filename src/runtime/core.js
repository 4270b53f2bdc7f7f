// mfbuild runtime core: module registry and chunk loading, per
// docs/output-format.md. Emit writes `var __mf = (<this file>)(config);`
// into entry chunks, so this is one ES2017 function expression (gzip size is
// benchmarked; tools/embed.mjs ships it without comments and indentation).
// On node, `require`/`__filename` are the entry chunk's own. The lines
// between `// @if node` and `// @endif` are for target node only: web
// builds ship the runtime without them (tools/embed.mjs).
// Federation and HMR plug into api.hooks, each a list of functions: ensure(id)
// and start() return what to wait for (a promise or nothing) before e(id)
// imports and before start runs the entry; module(module, args) runs before a
// module function and may replace its arguments (args[2] require, args[3] the
// helpers: HMR gives each module its own). asyncDeps is for federation's
// ensure hook.
(function (config) {
  'use strict';
  var name = config.name;
  var web = config.target != 'node';
  var doc = web && typeof document != 'undefined' && document;
  // chunks: chunk -> [files]; asyncDeps: module id -> [chunks] (for import());
  // modules: id -> module function; deps: id -> ids of its static imports;
  // cache: id -> { id, exports, loaded };
  // namespaces: id -> [exports, its i() namespace]; installed: chunk -> true
  // once its modules are registered; loading: chunk -> Promise, dropped on
  // failure so that a retry reloads; stars: exports -> { key: the namespace
  // that gave it, or 0 when ambiguous }.
  var map = () => Object.create(null);
  var chunks = Object.assign(map(), config.chunks);
  var asyncDeps = Object.assign(map(), config.asyncDeps);
  var modules = map();
  var deps = map();
  var cache = map();
  var namespaces = map();
  var installed = map();
  var loading = map();
  var stars = new WeakMap();
  var hooks = { ensure: [], start: [], module: [] };
  var api = { hooks, modules, deps, cache, chunks, asyncDeps, stars, loadChunk, loadFile, register, r: req, i, d, s, e, start };
  var has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  var all = (list, id) => Promise.all(list.map((hook) => hook(id)));
  var script = doc && doc.currentScript;
  api.u = script ? script.src : doc ? doc.baseURI : '';
  // The entry chunk's folder: a URL on web, a path on node (for require).
  var base = api.u.replace(/[?#].*/, '').replace(/[^\\/]*$/, '');
  // @if node
  var nodeRequire = !web && typeof require == 'function' && require;
  var filename = nodeRequire && typeof __filename == 'string' && __filename;
  if (!web) {
    api.u = filename ? nodeRequire('url').pathToFileURL(filename).href : '';
    base = (filename || '').replace(/[^\\/]*$/, '');
  }
  // @endif
  var pp = config.publicPath;
  api.p = pp == null || pp == 'auto' ? base : pp && pp.replace(/\/?$/, '/');

  function register(more, moreDeps) {
    Object.assign(modules, more);
    Object.assign(deps, moreDeps);
  }

  // CommonJS require; cached before it runs, so a cycle gets partial exports.
  // On node, ids of Node builtins (emit keeps their specifier) go to Node.
  // A module listed in deps (one with static imports and on no import
  // cycle, so nothing can see it before it runs) has its imports run before
  // it, as in ES module evaluation, from an explicit stack: one nested call
  // per import would overflow the JS stack on a long import chain
  // (thousands of modules). Other modules run their imports from their
  // header, nested, as a cycle needs.
  function req(id) {
    if (cache[id]) return cache[id].exports;
    if (!modules[id]) {
      // @if node
      if (nodeRequire && nodeRequire('module').isBuiltin(id)) return nodeRequire(id);
      // @endif
      var err = new Error('[mfbuild] Cannot find module "' + id + '" in app "' + name + '"' +
        (asyncDeps[id] ? ': chunk "' + asyncDeps[id].join('", "') + '" is not loaded' : ''));
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    var stack = [[cache[id] = api.m(id), 0]];
    try {
      while (stack.length) {
        var top = stack[stack.length - 1], list = deps[top[0].id] || [], next = list[top[1]++];
        if (next === undefined) run(stack.pop()[0]);
        else if (!cache[next] && deps[next] && modules[next]) stack.push([cache[next] = api.m(next), 0]);
        else if (!cache[next] && modules[next]) req(next);
      }
    } catch (err) {
      stack.forEach((item) => delete cache[item[0].id]);
      throw err;
    }
    return cache[id].exports;
  }
  // The record of a module about to run (HMR keeps an updated ES module's
  // exports object, so that importers' namespaces stay live).
  api.m = (id) => ({ id, exports: {}, loaded: false });
  function run(module) {
    var args = [module, module.exports, req, api];
    try {
      hooks.module.forEach((hook) => hook(module, args));
      modules[module.id].apply(module.exports, args);
    } catch (err) {
      delete cache[module.id];
      throw err;
    }
    module.loaded = true;
  }

  var getter = (o, k, get) => Object.defineProperty(o, k, { enumerable: true, configurable: true, get });
  var mark = (o) => Object.defineProperty(
    Object.defineProperty(o, '__esModule', { value: true }), Symbol.toStringTag, { value: 'Module' });

  // ES import. CommonJS gets a namespace: its keys as getters, default = exports.
  function i(id) {
    var exports = req(id), ns = namespaces[id];
    if (exports && exports.__esModule) return exports;
    if (ns && ns[0] === exports) return ns[1];
    ns = {};
    Object.keys(Object(exports)).forEach((k) => k != 'default' && getter(ns, k, () => exports[k]));
    ns.default = exports;
    namespaces[id] = [exports, mark(ns)];
    return ns;
  }

  function d(exports, getters) {
    for (var k in getters) getter(exports, k, getters[k]);
    return mark(exports);
  }

  // export *: the module's own keys win (d() ran first); a key that two
  // stars give with different values is ambiguous and removed.
  function s(exports, ns) {
    var seen = stars.get(exports);
    if (!seen) stars.set(exports, seen = map());
    Object.keys(ns).forEach((k) => {
      var prev = seen[k];
      if (k == 'default') return;
      if (prev === undefined) {
        if (!has(exports, k)) {
          getter(exports, k, () => ns[k]);
          seen[k] = ns;
        }
      } else if (prev && prev != ns) {
        // A binding still in its TDZ (a cycle) throws: keep the first star.
        try {
          if (prev[k] === ns[k]) return;
        } catch (err) {
          return;
        }
        delete exports[k];
        seen[k] = 0;
      }
    });
    return exports;
  }

  // import(): the ensure hooks load what `id` needs, then i(id).
  function e(id) {
    return all(hooks.ensure, id).then(() => i(id));
  }
  hooks.ensure.push((id) => asyncDeps[id] && Promise.all(asyncDeps[id].map((c) => loadChunk(c))));

  function loadChunk(chunk) {
    return loading[chunk] || (installed[chunk] ? Promise.resolve() : loading[chunk] = Promise.all(
      (chunks[chunk] || []).map((file) => loadFile(file, chunk))
    ).then(() => {
      installed[chunk] = true;
    }, (err) => {
      delete loading[chunk];
      throw err;
    }));
  }

  // One emitted file (of `chunk`, if given): .js registers its modules,
  // .css adds a stylesheet (web only).
  function loadFile(file, chunk) {
    var css = /\.css$/.test(file);
    var url = (web ? api.p : base) + file;
    return new Promise((resolve, reject) => {
      // @if node
      if (!web) {
        if (!css) {
          var m = nodeRequire(url);
          got(0, [m.id, m.modules, m.deps]);
        }
        return resolve();
      }
      // @endif
      if (css && [].some.call(doc.querySelectorAll('link[rel=stylesheet]'),
        (link) => link.href == url || link.getAttribute('href') == url)) return resolve();
      var el = doc.createElement(css ? 'link' : 'script');
      var timer = setTimeout(done, 12e4);
      function done(event) {
        clearTimeout(timer);
        if (event && event.type == 'load') {
          if (css || !chunk || installed[chunk]) return resolve();
          reject('missing');
        } else reject(event ? event.type : 'timeout');
        // A retry inserts a new element.
        el.remove();
      }
      el.onload = el.onerror = done;
      if (css) el.rel = 'stylesheet';
      el[css ? 'href' : 'src'] = url;
      doc.head.appendChild(el);
    }).catch((why) => {
      var err = new Error('[mfbuild] Loading ' + file + (chunk ? ' (chunk "' + chunk + '")' : '') + ' of app "' + name +
        '" failed (' + (why.code == 'MODULE_NOT_FOUND' ? 'missing' : why.message || why) + ': ' + url + ')');
      err.name = 'ChunkLoadError';
      err.cause = why;
      throw err;
    });
  }

  // Web chunks run `globalThis.__mfbuild_<name>.push([chunk, modules])`,
  // maybe before this runtime exists. As in webpack's JSONP, each runtime
  // chains to the previous push, so every runtime of the app sees each chunk.
  function got(parentPush, item) {
    if (parentPush) parentPush(item);
    register(item[1], item[2]);
    installed[item[0]] = true;
  }
  if (web) {
    var queue = globalThis['__mfbuild_' + name] = globalThis['__mfbuild_' + name] || [];
    queue.forEach(got.bind(null, 0));
    queue.push = got.bind(null, queue.push.bind(queue));
  }

  // Always asynchronous: initial files and start hooks, then the entry. A
  // failure is rethrown; on web it is logged too (Node prints it itself).
  function start(id) {
    return all(hooks.start).then(() => req(id)).catch((err) => {
      if (web) console.error(err);
      throw err;
    });
  }
  hooks.start.push(() => Promise.all((config.initial || []).map((file) => loadFile(file))));

  return api;
})
