// mfbuild runtime: Module Federation (docs/output-format.md section 4). Emit
// calls `(<this file>)(__mf, config.federation)` right after the core runtime
// is created, in entry chunks and in remoteEntry.js. The selection rules are
// DESIGN.md section 4 (binding); the wire protocol, "protocol" below, is
// ../shared/docs/federation-protocol.md. ES2017; tools/embed.mjs minifies
// it after replacing the `@include` line with src/runtime/semver.js.
//
// The lines between `// @if remotes` and `// @endif` load remote containers,
// run runtime plugins and give the runtime API (mfbuild/runtime). Emit ships
// a build that has no remotes, no runtimePlugins and no import of
// mfbuild/runtime the variant without them (embed's `:-remotes`), which
// leaves a container that provides and consumes shared modules: such a build
// can never reach that code.
//
// Share scopes are plain objects, scope -> package -> version -> entry, in the
// superset entry shape of protocol 2.4 so that webpack and MF 2.0 read them.
// A container adopts the scope object its host passes to init() (identity
// kept); a host creates its own and passes it to its remotes' init().
(function (__mf, fed) {
  'use strict';
  // @include semver.js
  var name = fed.name;
  var map = () => Object.create(null);
  var list = (x) => x || [];
  var q = (s) => '"' + s + '"';
  var E = (text, cause) => new Error('[mfbuild] ' + text, { cause });
  var strategy = fed.shareStrategy || 'version-first';
  // shared: key -> its config; own: key -> the entry this build provides;
  // chosen: key -> Promise of the negotiated factory; gets: expose ->
  // Promise of its factory. Promises are dropped on failure, so a later
  // import retries.
  var shared = Object.assign(map(), fed.shared);
  var exposes = Object.assign(map(), fed.exposes);
  var consumes = Object.assign(map(), fed.consumes);
  var entryChunks = [].concat(fed.entryChunk || []);
  var own = map(), chosen = map(), gets = map();
  var scopes = {}, initScope = [], token = {}, ready;
  var scope = (n) => scopes[n] || (scopes[n] = {});
  var reg = (id, get) => __mf.register({ [id]: (module) => { module.exports = get(); } });

  // o[k], or the promise make() returns, kept in o[k] until it fails.
  function once(o, k, make) {
    return o[k] || (o[k] = make().catch((err) => {
      delete o[k];
      throw err;
    }));
  }

  // @if remotes
  var why = (err) => err && err.message || err;
  var G = globalThis;
  var doc = typeof document != 'undefined' && document;
  var tries = fed.retry || {};
  // remotes: alias -> { alias, name, entry }; loaded: remote spec
  // ("catalog/Button") -> Promise of its exports.
  var refs = Object.assign(map(), fed.remoteRefs);
  var remotes = map(), loaded = map();
  var plugins = [], pending = list(fed.plugins).slice();
  // container -> its init() promise: init runs once per container.
  var inits = new WeakMap();
  // Remote entry scripts in flight, for the whole page (all mfbuild runtimes).
  var loads = G['__mfbuild:entries'] || (G['__mfbuild:entries'] = map());

  // Plugin hooks, in registration order. Waterfall (beforeRequest): each gets
  // the previous result and may return a replacement. Otherwise the first
  // truthy result wins (errorLoadRemote, fetch, loadEntry).
  function run(hook, args, waterfall) {
    return plugins.reduce((p, pl) => p.then((v) => pl[hook] && (waterfall || !v)
      ? Promise.resolve(pl[hook].apply(pl, waterfall ? [v] : args)).then((w) => waterfall ? w || v : w) : v),
    Promise.resolve(waterfall && args[0]));
  }

  function addPlugins(more) {
    more.forEach((p) => p && !plugins.some((o) => o == p || p.name && o.name == p.name) && plugins.push(p));
  }

  // runtimePlugins run before anything else (so that their hooks see the
  // first remote loads), except one that imports a shared module or a remote:
  // that one is retried once the entry's consumes are resolved. A default
  // export that is a function is MF 2.0's plugin factory.
  function plug(strict) {
    pending = pending.filter((id) => {
      try {
        var d = __mf.i(id).default;
        addPlugins([typeof d == 'function' ? d() : d]);
      } catch (err) {
        if (strict) throw err;
        return 1;
      }
    });
  }

  function retry(fn, n) {
    return Promise.resolve().then(fn).catch((err) => (n = n || 0) < (tries.times || 0)
      ? new Promise((res) => setTimeout(res, tries.delayMs || 0)).then(() => retry(fn, n + 1)) : Promise.reject(err));
  }
  // @endif

  // ---- share scopes --------------------------------------------------------

  var eager = (e) => !!(e.eager || e.shareConfig && e.shareConfig.eager);

  // Protocol 2.2/2.3: an existing entry is replaced only if it is neither
  // loaded nor loading nor "loaded-first", and the new one is eager where it
  // is not, or (equal eagerness) comes from a greater container name.
  function put(sc, pkg, e) {
    var vs = sc[pkg] || (sc[pkg] = {}), o = vs[e.version];
    if (!o || !o.loaded && !o.loading && o.strategy != 'loaded-first' &&
      (eager(o) != eager(e) ? eager(e) : name > o.from)) vs[e.version] = e;
  }

  // This build's provide of `key`: get() loads the fallback's chunks and
  // resolves their consumes, then gives a factory; memoised, and synchronous
  // once loaded (eager fallbacks are in the entry chunk: synchronous at once).
  function provide(key) {
    var s = shared[key], sn = s.scope || 'default', p = {};
    var r = () => __mf.r(s.fallback), f = s.eager && r;
    put(scope(sn), key, own[key] = {
      version: s.version || '0', from: name, eager: !!s.eager, loaded: undefined, loading: null, lib: undefined,
      useIn: [], deps: [], scope: [sn], strategy,
      shareConfig: { singleton: !!s.singleton, requiredVersion: s.requiredVersion, strictVersion: !!s.strictVersion, eager: !!s.eager },
      get: () => f || once(p, 0, () => ensure(list(s.chunks)).then(() => f = r))
    });
  }

  // Chooses the entry of `key` for consumer config `s` (DESIGN.md 4), marks it
  // used by this container, and returns its factory (or a Promise of it).
  function pick(key, s) {
    var sn = s.scope || 'default', vs = scope(sn)[key] || {}, range = s.requiredVersion, mine = own[key];
    var keys = Object.keys(vs).sort((a, b) => semverCompare(b, a));
    // s.range: requiredVersion compiled by the build (semver.js).
    var ok = (v) => !range || semverSatisfies(v, s.range || []);
    var at = (v) => v + ' from ' + q(vs[v].from);
    var wants = q(range) + ' required by ' + q(name);
    var v, text, e;
    if (!keys.length) {
      if (!mine) throw E('Shared module ' + q(key) + ' is not in share scope ' + q(sn) + ' (import: false; ' + wants + ')');
    } else if (s.singleton) {
      // An instance already loaded or loading wins, whatever the key order.
      v = keys.find((k) => vs[k].loaded || vs[k].loading) || keys[0];
      if (!ok(v)) text = 'Shared singleton ' + q(key) + ' ' + at(v) + ' does not satisfy ' + wants;
    } else if (!(v = keys.find(ok))) {
      text = 'No version of shared ' + q(key) + ' in scope ' + q(sn) + ' satisfies ' + wants +
        (mine ? '; using its own fallback ' + mine.version + ' from ' + q(name)
          : s.strictVersion ? ' (available: ' + keys.map(at).join(', ') + ')' : '; using ' + at(v = keys[0]));
    }
    if (text) {
      if (s.strictVersion && (s.singleton || !mine)) throw E(text);
      console.warn('[mfbuild] ' + text);
    }
    e = v ? vs[v] : mine;
    if ((e.useIn = e.useIn || []).indexOf(name) < 0) e.useIn.push(name);
    return e.lib || e.loading || (e.loading = Promise.resolve().then(() => e.get()).then((f) => {
      e.loaded = e.loaded || true;
      return e.lib = f;
    }, (err) => {
      e.loading = null;
      throw err;
    }));
  }

  // Negotiates `key` once and registers "mf-shared/<key>".
  function consume(key) {
    return once(chosen, key, () => share().then(() => pick(key, shared[key])).then((f) => {
      reg('mf-shared/' + key, f);
      return f;
    }));
  }

  // What the modules of `chunks` need before they run: their files (unless
  // `noLoad`: the core loads them), their consumes, then (after plugins that
  // needed those) their remote modules. A failing remote never rejects.
  function ensure(chunks, noLoad) {
    var each = (f) => Promise.all(chunks.map((c) => Promise.all(f(c))));
    return each((c) => list(consumes[c]).map(consume).concat(noLoad ? [] : __mf.loadChunk(c))).then(() => {
      // @if remotes
      plug();
      return each((c) => list(refs[c]).map((id) => load(id = id.replace(/^mf-remote\//, ''), 'build')
        .catch((err) => reg('mf-remote/' + id, () => { throw err; }))));
      // @endif
    });
  }

  // Share initialisation, once: adopt the host's scope (a container's init),
  // register this build's provides, run the plugins and, version-first, load
  // and init every remote; their failures are reported and skipped.
  function share(sc, opts) {
    if (!ready) {
      var k = opts && opts.shareScopeKeys;
      if (opts && opts.shareScopeMap) scopes = opts.shareScopeMap;
      if (sc) scopes[Array.isArray(k) ? k[0] : k || 'default'] = sc;
      for (var key in shared) if (shared[key].fallback != null) provide(key);
      // @if remotes
      plug();
      ready = Promise.all(strategy == 'version-first' ? Object.keys(remotes).map((a) => {
        var r = remotes[a];
        return container(r).catch((error) => {
          console.warn('[mfbuild] Failed to load remote ' + q(r.name) + ' (' + r.entry + ') while ' + q(name) +
            ' initialised sharing: ' + why(error));
          return run('errorLoadRemote', [{ id: a, error, from: 'runtime', lifecycle: 'beforeLoadShare', remote: r }]).catch(() => 0);
        });
      }) : []);
      // @endif
      ready = ready || Promise.resolve();
    }
    return ready;
  }

  // ---- remotes ---------------------------------------------------------------
  // @if remotes

  function remote(alias, o, force) {
    if (force || !remotes[alias]) {
      remotes[alias] = { alias, name: o.name || alias, entry: o.entry };
      for (var s in loaded) if (s == alias || !s.indexOf(alias + '/')) delete loaded[s];
    }
  }
  Object.keys(fed.remotes || {}).forEach((a) => remote(a, fed.remotes[a]));

  // The remote whose alias (or name) is `id` or its longest "<alias>/" prefix.
  function match(id) {
    var best;
    for (var a in remotes) [a, remotes[a].name].forEach((k) => {
      if ((id == k || !id.indexOf(k + '/')) && (!best || k.length > best[1].length)) best = [remotes[a], k];
    });
    return best;
  }

  // Protocol 4, step 3: [entry URL, global name] from the manifest.
  function manifest(r) {
    var url = r.entry;
    // A server that accepts and never answers must fail like a script
    // timeout does, or version-first startup would wait forever.
    var fetch20 = () => {
      var ctl = typeof AbortController == 'function' && new AbortController(), t;
      return Promise.race([G.fetch(url, ctl ? { signal: ctl.signal } : {}), new Promise((_, rej) => {
        t = setTimeout(() => (ctl && ctl.abort(), rej(Error('timeout fetching ' + url))), 2e4);
      })]).then((res) => (clearTimeout(t), res), (err) => (clearTimeout(t), Promise.reject(err)));
    };
    return (r.m ? Promise.resolve(r.m) : retry(() => run('fetch', [url, {}]).then((res) => res || fetch20()).then((res) => {
      if (!res.ok) throw Error('HTTP ' + res.status);
      return res.json();
    }))).then((m) => {
      var md = m && m.metaData, re = md && md.remoteEntry, pp = md && md.publicPath;
      if (!re || !m.exposes || !m.shared) throw Error('the manifest lacks metaData, exposes or shared');
      var dir = (re.path || '').replace(/^(\.?\/)+|\/+$/g, '');
      r.v = url;
      return [(!pp || pp == 'auto' ? url.replace(/[?#].*/, '').replace(/[^/]*$/, '') : pp) +
        (dir && dir != '.' ? dir + '/' : '') + re.name, md.globalName || r.name];
    }).catch((err) => {
      err.lc = 'afterResolve';
      throw err;
    });
  }

  // A classic script that defines globalThis[g]; an existing container is
  // used as it is, and a load in flight (by any mfbuild runtime) is shared.
  // Only an object with get and init is a container: an element whose id is
  // the remote's name also appears as window[name] (protocol gotcha 1), and
  // the script's top-level var replaces it.
  var isC = (c) => c && typeof c.get == 'function' && typeof c.init == 'function';
  function script(url, g) {
    var k = g + ' ' + url;
    return isC(G[g]) ? Promise.resolve(G[g]) : loads[k] || (loads[k] = new Promise((res, rej) => {
      if (!doc) throw Error('remote entries load only in a browser');
      var el = doc.createElement('script'), t = setTimeout(done, 2e4);
      function done(ev) {
        clearTimeout(t);
        el.onload = el.onerror = null;
        el.remove();
        delete loads[k];
        if (ev && ev.type == 'load' && isC(G[g])) res(G[g]);
        else rej(Error((ev ? ev.type == 'load' ? 'no container ' + q(g) + ' (an object with get and init) after loading ' : 'script error loading ' : 'timeout loading ') + url));
      }
      el.onload = el.onerror = done;
      el.src = url;
      doc.head.appendChild(el);
    }));
  }

  // The remote's container, loaded and inited (once per container).
  function container(r) {
    return once(r, 'p', () => (/\.json/.test(r.entry) ? manifest(r) : Promise.resolve([r.entry, r.name])).then((m) =>
      run('loadEntry', [{ remote: r, url: m[0], globalName: m[1] }]).then((c) => c || retry(() => script(m[0], m[1])))
    ).then((c) => {
      var o = { version: r.v || '', shareScopeKeys: 'default' };
      if (!inits.has(c)) inits.set(c, Promise.resolve().then(() =>
        c.init(scope('default'), initScope, Object.defineProperty(o, 'shareScopeMap', { value: scopes }))));
      return inits.get(c).then(() => c);
    }));
  }

  // A remote module's exports (protocol 4): beforeRequest, match, container,
  // get(expose), factory(); any failure goes to errorLoadRemote, whose truthy
  // answer is used (a factory or the module; for a manifest failure, a
  // manifest). Registers "mf-remote/<spec>". `from`: "build" for imports.
  function load(spec, from) {
    var id = spec, r, expose, m;
    var go = () => container(r).then((c) => c.get(expose)).then((f) => f());
    var fail = (error) => run('errorLoadRemote', [{ id, error, from, lifecycle: error && error.lc || 'onLoad', remote: r, expose }]).then((x) => {
      if (x && x.metaData && error.lc == 'afterResolve') return (r.m = x, go().catch(fail));
      // Our own negotiation errors already name everything; load failures
      // get the remote, its URL and the import that needed it.
      if (!x) throw r && !/^\[mfbuild\]/.test(why(error)) ?
        E('Failed to load remote ' + q(r.name) + ' (' + r.entry + ') for ' + q(id) + ': ' + why(error), error) : error;
      return typeof x == 'function' ? x() : x;
    });
    return once(loaded, spec, () => share().then(() => run('beforeRequest', [{ id, options: {} }], 1)).then((a) => {
      id = a.id;
      if (!(m = match(id))) throw Object.assign(E('No remote matches ' + q(id) + ' in ' + q(name)), { lc: 'beforeRequest' });
      r = m[0];
      expose = '.' + id.slice(m[1].length);
      return go();
    }).catch(fail).then((x) => {
      reg('mf-remote/' + spec, () => x);
      return x;
    }));
  }

  // @endif

  // ---- hooks, container, API -------------------------------------------------

  // Entry start: share scope, provides, plugins, remotes (version-first),
  // then the consumes and remote modules of the entry's chunks.
  __mf.hooks.start.push(() => share().then(() => ensure(entryChunks, 1))
    // @if remotes
    .then(() => plug(1))
    // @endif
  );
  // import(): a remote module, a shared module, or a chunk's needs.
  __mf.hooks.ensure.push((id) => {
    var k = id.slice(10), t = id.slice(0, 10);
    // @if remotes
    if (t == 'mf-remote/') return load(k, 'build');
    // @endif
    return t == 'mf-shared/' ? consume(k) : share().then(() => ensure(list(__mf.asyncDeps[id]), 1));
  });

  // remoteEntry.js returns this (protocol 1.2, 1.3). A get() before init()
  // initialises with a scope of its own; a second init() is ignored.
  __mf.container = {
    get(key) {
      var x = exposes[key];
      return !x ? Promise.reject(Error('Module ' + q(key) + ' does not exist in container.'))
        : once(gets, key, () => share().then(() => Promise.all([ensure(list(x.chunks)), ensure(entryChunks, 1)])).then(() => {
          __mf.r(x.id);
          return () => __mf.r(x.id);
        }));
    },
    init(sc, iscope, opts) {
      iscope = iscope || [];
      if (iscope.indexOf(token) >= 0) return Promise.resolve();
      iscope.push(token);
      if (!ready) initScope = iscope;
      return share(sc, opts);
    }
  };

  // @if remotes
  reg('mfbuild/runtime', () => ({
    loadRemote: (id) => load(id, 'runtime'),
    registerRemotes: (rs, o) => rs.forEach((x) => remote(x.alias || x.name, x, o && o.force)),
    loadShare: (key, o) => share().then(() => {
      var sn = o && o.scope || 'default';
      return shared[key] ? consume(key) : Object.keys(scope(sn)[key] || {}).length ? pick(key, { scope: sn, singleton: 1 }) : false;
    }),
    registerPlugins: addPlugins
  }));
  // @endif
})
