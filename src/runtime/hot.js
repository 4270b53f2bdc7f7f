// mfbuild hot module replacement client (docs/output-format.md section 5).
// Emit adds it after the core (and federation) runtime of every entry chunk
// and remoteEntry.js in a `mfbuild dev` build, as
// `(<this file>)(__mf, config.hot)`, where config.hot = { id, name }: the
// build's state id and the app name.
//
// It listens to the dev server that served this runtime's own script
// (Server-Sent Events at /__mfbuild/events on that origin, so a remote in a
// host page follows its own server). Messages: { type: "ok", id } after an
// error-free build, { type: "errors", errors: [...] } after a failed one.
// When the id differs from the one this page runs, it loads
// /__mfbuild/hot/<its id>.js, the update from its state to the latest: that
// script pushes { from, to, modules, deps, removed, chunks, asyncDeps, css }
// on globalThis.__mfbuild_hot_<name>. Applying follows webpack's module.hot:
// changed modules that ran bubble up through the modules that import them
// until a module accepts them (or itself); those become outdated, are
// disposed and run again; anything that reaches an entry or a declined
// dependency reloads the page instead. CSS files are swapped in place.
(function (__mf, hot) {
  'use strict';
  var doc = typeof document != 'undefined' && document;
  if (!doc || !hot || typeof EventSource != 'function') return;
  var cache = __mf.cache, modules = __mf.modules;
  var id = hot.id, busy = 0;
  var parents = Object.create(null); // module id -> { importer id: 1 }
  var data = Object.create(null);    // module id -> data from its dispose handlers
  var kept = Object.create(null);    // module id -> exports object to run it with again
  var log = (msg) => console.log('[mfbuild] ' + msg);
  var reload = (why) => {
    log(why + ': reloading the page');
    location.reload();
  };

  // Each module gets module.hot, a require and helpers that record who
  // imports what (for bubbling), and __mf.hot (import.meta.webpackHot).
  __mf.hooks.module.push((module, args) => {
    var self = module.id, api = Object.create(__mf);
    var h = module.hot = api.hot = {
      _accept: Object.create(null), _decline: Object.create(null), _dispose: [],
      data: data[self],
      accept(deps, fn, onError) {
        if (deps === undefined || typeof deps == 'function') h._self = deps || true;
        else [].concat(deps).forEach((d) => h._accept[d] = [fn, onError]);
      },
      decline(deps) {
        if (deps === undefined) h._declined = true;
        else [].concat(deps).forEach((d) => h._decline[d] = true);
      },
      dispose: (fn) => h._dispose.push(fn),
      addDisposeHandler: (fn) => h._dispose.push(fn),
      removeDisposeHandler: (fn) => h._dispose = h._dispose.filter((x) => x != fn),
      invalidate: () => setTimeout(() => apply({ modules: { [self]: modules[self] } }, true)),
      status: () => busy ? 'apply' : 'idle',
    };
    delete data[self];
    var note = (dep) => (parents[dep] = parents[dep] || Object.create(null))[self] = 1;
    var wrap = (f) => (dep) => {
      var out = f(dep);
      note(dep);
      return out;
    };
    api.i = wrap(__mf.i);
    api.r = args[2] = wrap(__mf.r);
    api.e = (dep) => __mf.e(dep).then((ns) => (note(dep), ns));
    args[3] = api;
  });

  // An ES module runs again with its old exports object: importers keep the
  // namespace they hold, and its getters now read the new bindings.
  var fresh = __mf.m;
  __mf.m = (mid) => {
    var exp = kept[mid];
    delete kept[mid];
    if (!exp) return fresh(mid);
    Object.keys(exp).forEach((k) => delete exp[k]);
    if (__mf.stars) __mf.stars.delete(exp);
    return { id: mid, exports: exp, loaded: false };
  };

  function apply(u, invalidated) {
    if (!invalidated) {
      __mf.register(u.modules, u.deps);
      (u.removed || []).forEach((mid) => delete modules[mid]);
      Object.assign(__mf.chunks, u.chunks);
      Object.assign(__mf.asyncDeps, u.asyncDeps);
    }
    // Bubble: each changed module that ran, up through its importers, until
    // a module accepts itself or an importer accepts it.
    var outdated = [], self = [], accepted = [], seen = Object.create(null);
    var queue = Object.keys(u.modules || {}).concat(u.removed || []);
    while (queue.length) {
      var mid = queue.shift(), m = cache[mid];
      if (seen[mid] || !m || !m.hot) continue;
      seen[mid] = 1;
      if (m.hot._declined) return reload('"' + mid + '" declined the update');
      outdated.push(mid);
      if (m.hot._self) {
        self.push([mid, m.hot._self]);
        continue;
      }
      var ps = Object.keys(parents[mid] || {}).filter((p) => cache[p] && cache[p].hot);
      if (!ps.length) return reload('nothing accepted the update of "' + mid + '"');
      for (var k = 0; k < ps.length; k++) {
        var ph = cache[ps[k]].hot;
        if (ph._decline[mid]) return reload('"' + ps[k] + '" declined the update of "' + mid + '"');
        if (ph._accept[mid]) accepted.push([ps[k], mid]);
        else queue.push(ps[k]);
      }
    }
    // Dispose and forget the outdated modules; each runs again below or when
    // something requires it next.
    outdated.forEach((mid) => {
      var m = cache[mid], d = {};
      m.hot._dispose.forEach((fn) => fn(d));
      data[mid] = d;
      if (m.exports && m.exports.__esModule) kept[mid] = m.exports;
      delete cache[mid];
    });
    var failed = 0;
    var guard = (fn, onError, mid) => {
      try {
        fn();
      } catch (err) {
        if (typeof onError == 'function') return onError(err, { moduleId: mid });
        console.error(err);
        failed = 1;
      }
    };
    self.forEach((a) => modules[a[0]] && guard(() => __mf.r(a[0]), a[1], a[0]));
    accepted.forEach((a) => {
      var p = cache[a[0]], entry = p && p.hot._accept[a[1]];
      if (entry && modules[a[1]]) guard(() => {
        __mf.r(a[1]);
        if (entry[0]) entry[0]([a[1]]);
      }, entry[1], a[1]);
    });
    Object.keys(u.css || {}).forEach((from) => swapCss(from, u.css[from]));
    if (failed) return reload('an updated module threw');
    if (outdated.length) log('updated ' + outdated.join(', '));
  }

  function swapCss(from, to) {
    [].forEach.call(doc.querySelectorAll('link[rel=stylesheet]'), (old) => {
      var href = old.href.replace(/[?#].*/, '');
      if (href.slice(-from.length - 1) != '/' + from) return;
      var el = old.cloneNode();
      el.href = href.slice(0, -from.length) + to;
      el.onload = el.onerror = () => old.remove();
      old.after(el);
    });
  }

  // Update scripts push onto the app's global, as chunks do; each runtime
  // of the app applies the ones that start from its state.
  var key = '__mfbuild_hot_' + hot.name;
  var updates = globalThis[key] = globalThis[key] || [];
  var taken = updates.length;
  function take() {
    for (; taken < updates.length; taken++) {
      var u = updates[taken];
      if (u.from != id) continue;
      id = u.to;
      apply(u);
    }
  }

  // Loads the update from this page's state to the server's latest.
  var want = 0;
  function update(target) {
    if (target == id) return;
    if (busy) return want = target;
    busy = 1;
    var before = id, el = doc.createElement('script');
    el.src = origin + '__mfbuild/hot/' + id + '.js';
    el.onload = () => {
      el.remove();
      busy = 0;
      take();
      if (id == before) return reload('no update from this page\'s build');
      var next = want;
      want = 0;
      if (next) update(next);
    };
    el.onerror = () => reload('the update for this page\'s build is gone');
    doc.head.appendChild(el);
  }

  // Build errors: an overlay on top of the page until the next good build.
  var overlay;
  function show(errors) {
    hide();
    overlay = doc.createElement('div');
    overlay.id = '__mfbuild_overlay';
    overlay.setAttribute('style', 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(20,20,20,.92);color:#ff6b6b;font:14px/1.5 monospace;padding:24px;white-space:pre-wrap');
    overlay.textContent = '[mfbuild] ' + hot.name + ': build failed\n\n' + errors.map((e) =>
      (e.file ? e.file + (e.line ? ':' + e.line + ':' + e.column : '') + ': ' : '') + e.text + (e.id ? ' [' + e.id + ']' : '')).join('\n\n');
    (doc.body || doc.documentElement).appendChild(overlay);
    console.error(overlay.textContent);
  }
  function hide() {
    if (overlay) overlay.remove();
    overlay = 0;
  }

  var origin = new URL(__mf.u || doc.baseURI, doc.baseURI).origin + '/';
  var source = new EventSource(origin + '__mfbuild/events');
  source.onmessage = (event) => {
    var msg = JSON.parse(event.data);
    if (msg.type == 'errors') return show(msg.errors || []);
    if (msg.type == 'reload') return reload(msg.reason || 'the configuration changed');
    if (msg.type != 'ok') return;
    hide();
    update(msg.id);
  };
})
