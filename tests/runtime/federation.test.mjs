// tests/runtime/federation.test.mjs: src/runtime/federation.js (with
// semver.js included, as tools/embed.mjs composes it) on top of the real
// core.js, against docs/output-format.md section 4, DESIGN.md section 4 and
// ../shared/docs/federation-protocol.md.
//
// Like core.test.mjs, the whole suite runs twice: on the composed source and
// on the shipped form (what the binary embeds). In each, a runtime whose
// config has no remotes and no plugins, and whose modules do not import
// mfbuild/runtime, gets the variant without the `@if remotes` lines, as emit
// does (so a page may mix both, like a host and its remotes).
//
// Each test builds a fake page: a vm context with a small document whose
// <script> elements run files from a table (remote entries made of the real
// runtime, the way emit writes remoteEntry.js), a fetch that serves
// manifests from a table, a console that records warnings, and timers where
// the 20 s script timeout is manual. Several containers (the host runtime and
// the remotes' runtimes) live on one page, as in a browser. Module functions
// are written in this file and reach the remote entries through the page
// global T.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { compose, shipping, without } from '../../tools/embed.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coreSource = compose(join(repo, 'src', 'runtime', 'core.js'));
const fedSource = compose(join(repo, 'src', 'runtime', 'federation.js'));
// [core, federation, federation without remotes]
const forms = {
  source: [coreSource, fedSource, without(fedSource, ['remotes']).text],
  shipped: [shipping(coreSource, 'core.js', ['node']), shipping(fedSource, 'federation.js'),
    shipping(fedSource, 'federation.js', ['remotes'])],
};

/** Whether emit would ship the full federation runtime (src/emit.c, uses_remotes). */
const usesRemotes = (fed, modules = {}) => Object.keys(fed.remotes || {}).length > 0 || (fed.plugins || []).length > 0 ||
  Object.values(modules).some((f) => String(f).includes("'mfbuild/runtime'"));

/**
 * `fed` with each shared requiredVersion compiled into `range`, as emit
 * writes it (mf_semver_range_json, tested by tests/unit/test_semver.c).
 * These tests only use "^M.m.p" with M >= 1.
 */
function compiled(fed) {
  const shared = {};
  for (const [k, s] of Object.entries(fed.shared || {})) {
    const r = s.requiredVersion, m = /^\^([1-9]\d*)\.\d+\.\d+$/.exec(r || '');
    if (r && !m && !('range' in s)) throw new Error(`compile ${r} by hand`);
    shared[k] = 'range' in s || !r ? s : { ...s, range: [[`>=${r.slice(1)}`, `<${+m[1] + 1}.0.0-0`]] };
  }
  return { ...fed, shared };
}

const settle = () => new Promise((r) => setImmediate(r));

async function rejection(p) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

/** Asserts that `text` mentions every one of `facts` (DESIGN.md 4: facts, not wording). */
function mentions(text, ...facts) {
  assert.ok(text.startsWith('[mfbuild]'), `starts with [mfbuild]: ${text}`);
  for (const f of facts) assert.ok(text.includes(f), `${JSON.stringify(f)} in: ${text}`);
}

/** `x` rebuilt in this realm (objects made inside a vm context have other prototypes). */
const here = (x) => Array.isArray(x) ? Array.from(x, (v) => here(v))
  : x && typeof x == 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, here(v)])) : x;

/** A module function whose exports are an ES namespace with the given values. */
const esm = (values) => function (module, exports, require, __mf) {
  const getters = {};
  for (const k of Object.keys(values)) getters[k] = () => values[k];
  __mf.d(exports, getters);
};

/** A share-scope entry as another build (legacy webpack shape + extras) writes it. */
function entry(version, from, extra = {}) {
  const lib = { version, from };
  return { get: () => () => lib, from, eager: false, ...extra };
}

test('federation.js composes semver.js and ships as one function expression', () => {
  assert.doesNotMatch(fedSource, /^\s*\/\/ @include /m, 'the include marker is expanded');
  assert.ok(fedSource.includes('function semverSatisfies('));
  for (const [, ...feds] of Object.values(forms)) {
    for (const fed of feds) {
      const fn = vm.runInNewContext(`(${fed})`);
      assert.equal(typeof fn, 'function');
      assert.equal(fn.length, 2);
    }
  }
  assert.doesNotMatch(forms.source[2], /function load\(|'mfbuild\/runtime'/, 'the variant has no remote loading');
});

for (const [form, [coreText, fullText, localText]] of Object.entries(forms)) {
  const fedFor = (fed, modules) => usesRemotes(fed, modules) ? fullText : localText;
  /**
   * A fake page. files: URL -> script text (null: the request never answers);
   * json: URL -> manifest object.
   */
  function page({ files = {}, json = {}, src = 'http://host.test/app/main.js' } = {}) {
    const appended = [], fetched = [], warnings = [], errors = [], timers = new Map();
    let nextTimer = 1;
    const document = {
      currentScript: { src },
      baseURI: 'http://host.test/app/index.html',
      head: {
        appendChild(el) {
          appended.push(el);
          const url = el.src || el.href;
          if (files[url] === null) return el;
          setImmediate(() => {
            if (files[url] === undefined) return el.onerror && el.onerror({ type: 'error' });
            if (el.tagName == 'script') {
              const prev = document.currentScript;
              document.currentScript = el;
              try {
                vm.runInContext(files[url], ctx, { filename: url });
              } finally {
                document.currentScript = prev;
              }
            }
            el.onload && el.onload({ type: 'load' });
          });
          return el;
        },
      },
      createElement: (tagName) => ({ tagName, getAttribute(n) { return this[n]; }, remove() { this.removed = true; } }),
      querySelectorAll: () => [],
    };
    const ctx = vm.createContext({
      document,
      T: {},
      console: { warn: (m) => warnings.push(String(m)), error: (...a) => errors.push(a), log: console.log },
      fetch: (url) => {
        fetched.push(url);
        return Promise.resolve(json[url] !== undefined
          ? { ok: true, status: 200, json: () => Promise.resolve(JSON.parse(JSON.stringify(json[url]))) }
          : { ok: false, status: 404, json: () => Promise.reject(new Error('not json')) });
      },
      // Short delays (retries) are real; long ones (the 20 s timeout) are manual.
      setTimeout: (fn, ms) => {
        const id = nextTimer++;
        timers.set(id, { fn, ms, real: ms < 1000 ? setTimeout(() => { timers.delete(id); fn(); }, ms) : null });
        return id;
      },
      clearTimeout: (id) => {
        const t = timers.get(id);
        if (t && t.real) clearTimeout(t.real);
        timers.delete(id);
      },
    });
    const core = vm.runInContext(`(${coreText})`, ctx, { filename: `core.js (${form})` });
    const feds = new Map();
    /** A runtime as an entry chunk makes it (config.federation = fedConfig). */
    function make(fedConfig, modules = {}, config = {}) {
      const text = fedFor(fedConfig, modules);
      if (!feds.has(text)) feds.set(text, vm.runInContext(`(${text})`, ctx, { filename: `federation.js (${form})` }));
      fedConfig = compiled(fedConfig);
      const mf = core({ name: fedConfig.name, target: 'web', chunks: {}, asyncDeps: {}, ...config, federation: fedConfig });
      feds.get(text)(mf, fedConfig);
      mf.register(modules);
      return mf;
    }
    return { ctx, document, files, json, appended, fetched, warnings, errors, timers, make, run: (code) => vm.runInContext(code, ctx) };
  }

  /** remoteEntry.js text as output-format.md 4.4 has it; modules come from T[name]. */
  function remoteEntry(fedConfig, config = {}) {
    const name = fedConfig.name, text = fedFor(fedConfig);
    fedConfig = compiled(fedConfig);
    return `var ${name} = (function () {
var __mf = (${coreText})(${JSON.stringify({ name, target: 'web', publicPath: 'auto', chunks: {}, asyncDeps: {}, ...config, federation: fedConfig })});
(${text})(__mf, ${JSON.stringify(fedConfig)});
__mf.register(T[${JSON.stringify(name)}] || {});
return __mf.container;
})();
`;
  }

  /** A web chunk file of app `name` whose modules are T[key]. */
  const chunkFile = (name, chunk, key) =>
    `(globalThis.__mfbuild_${name} = globalThis.__mfbuild_${name} || []).push([${JSON.stringify(chunk)}, T[${JSON.stringify(key)}]]);`;

  /**
   * A container "app" whose expose "./x" imports shared "lib" (config `cfg`),
   * inited with a scope holding `entries` ([version, from, extra]); resolves
   * to what "./x" got, the scope, the warnings and the container.
   */
  async function negotiate(cfg, entries = [], page_ = page()) {
    const fedConfig = {
      name: 'app',
      shared: {
        lib: { version: '0.0.1', scope: 'default', singleton: false, eager: false, requiredVersion: '^1.0.0',
          strictVersion: false, fallback: 'own/lib.js', chunks: [], ...cfg },
      },
      exposes: { './x': { id: 'src/x.js', chunks: ['x'] } },
      consumes: { x: ['lib'] },
    };
    const mf = page_.make(fedConfig, {
      'own/lib.js': (module) => { module.exports = { version: 'own' }; },
      'src/x.js': (module, exports, require) => { module.exports = require('mf-shared/lib'); },
    });
    const sc = { lib: {} };
    for (const [v, from, extra] of entries) sc.lib[v] = entry(v, from, extra);
    if (!entries.length) delete sc.lib;
    await mf.container.init(sc, []);
    const got = mf.container.get('./x').then((f) => f());
    return { got, sc, warnings: page_.warnings, mf };
  }

  describe(`federation.js (${form})`, () => {
    describe('version selection (DESIGN.md 4)', () => {
      test('singleton: the highest version; no warning when it satisfies', async () => {
        const { got, warnings } = await negotiate({ singleton: true }, [['1.0.0', 'a'], ['1.5.0', 'b'], ['1.2.0', 'c']]);
        assert.equal((await got).version, '1.5.0');
        assert.deepEqual(warnings, []);
      });

      test('singleton: a loaded instance wins whatever the key order', async () => {
        // 2.0.0 unloaded inserted first, then 1.0.0 loaded: webpack and MF 2.0 pick 2.0.0 here.
        let r = await negotiate({ singleton: true, requiredVersion: '^1.0.0' }, [['2.0.0', 'b'], ['1.0.0', 'a', { loaded: 1 }]]);
        assert.equal((await r.got).version, '1.0.0');
        r = await negotiate({ singleton: true, requiredVersion: '^1.0.0' }, [['1.0.0', 'a', { loaded: true }], ['2.0.0', 'b']]);
        assert.equal((await r.got).version, '1.0.0');
        assert.deepEqual(r.warnings, []);
      });

      test('singleton: a loading instance wins too, and its promise is reused', async () => {
        const lib = { version: '1.0.0' };
        let gets = 0;
        const loading = Promise.resolve(() => lib);
        const r = await negotiate({ singleton: true, requiredVersion: false },
          [['3.0.0', 'c'], ['1.0.0', 'a', { loading, get: () => { gets++; return () => lib; } }]]);
        assert.equal(await r.got, lib);
        assert.equal(gets, 0, 'the loading promise is used, get() is not called again');
      });

      test('singleton, not strict: an unsatisfying version is used with a warning naming the facts', async () => {
        const { got, warnings } = await negotiate({ singleton: true, requiredVersion: '^1.0.0' }, [['1.0.0', 'a'], ['2.0.0', 'remote']]);
        assert.equal((await got).version, '2.0.0');
        assert.equal(warnings.length, 1);
        mentions(warnings[0], '"lib"', '2.0.0', '"remote"', '"app"', '^1.0.0');
      });

      test('singleton, strict: an unsatisfying version is an error that rejects the consumer', async () => {
        const { got, warnings } = await negotiate({ singleton: true, strictVersion: true, requiredVersion: '^1.0.0' }, [['2.0.0', 'b']]);
        const err = await rejection(got);
        mentions(err.message, '"lib"', '2.0.0', '"b"', '"app"', '^1.0.0');
        assert.deepEqual(warnings, []);
      });

      test('not singleton: the highest satisfying version (not the first in insertion order)', async () => {
        const { got, warnings } = await negotiate({}, [['1.0.0', 'a'], ['1.5.0', 'b'], ['2.0.0', 'c']]);
        assert.equal((await got).version, '1.5.0');
        assert.deepEqual(warnings, []);
      });

      test('not singleton: prereleases follow node-semver', async () => {
        const { got } = await negotiate({ requiredVersion: '^1.2.0' }, [['1.2.5', 'a'], ['1.3.0-beta.1', 'b']]);
        assert.equal((await got).version, '1.2.5');
      });

      test('not singleton: none satisfies -> its own fallback, with a warning', async () => {
        for (const strictVersion of [false, true]) {
          const { got, warnings, sc } = await negotiate({ strictVersion, requiredVersion: '^3.0.0', version: '2.5.0' },
            [['1.0.0', 'a'], ['2.0.0', 'b']]);
          assert.equal((await got).version, 'own');
          assert.equal(warnings.length, 1);
          mentions(warnings[0], '"lib"', '2.5.0', '"app"', '^3.0.0');
          assert.equal(sc.lib['2.5.0'].loaded, true);
        }
      });

      test('import: false and nothing in the scope: an error naming the package and the scope', async () => {
        const { got } = await negotiate({ fallback: null, requiredVersion: '^1.0.0', scope: 'custom' }, []);
        const err = await rejection(got);
        mentions(err.message, '"lib"', '"custom"', '"app"', '^1.0.0');
      });

      test('import: false, strict, none satisfies: an error listing what is there', async () => {
        const { got } = await negotiate({ fallback: null, strictVersion: true, requiredVersion: '^3.0.0' }, [['1.0.0', 'a'], ['2.0.0', 'b']]);
        const err = await rejection(got);
        mentions(err.message, '"lib"', '^3.0.0', '"app"', '2.0.0 from "b"', '1.0.0 from "a"');
      });

      test('import: false, not strict, none satisfies: the highest, with a warning', async () => {
        const { got, warnings } = await negotiate({ fallback: null, requiredVersion: '^3.0.0' }, [['1.0.0', 'a'], ['2.0.0', 'b']]);
        assert.equal((await got).version, '2.0.0');
        assert.equal(warnings.length, 1);
        mentions(warnings[0], '"lib"', '2.0.0', '"b"', '"app"', '^3.0.0');
      });

      test('requiredVersion false: no check, the highest', async () => {
        const { got, warnings } = await negotiate({ requiredVersion: false, strictVersion: true }, [['1.0.0', 'a'], ['9.0.0', 'b']]);
        assert.equal((await got).version, '9.0.0');
        assert.deepEqual(warnings, []);
      });

      test('consuming marks the entry: loaded, lib (the factory), useIn; other entries untouched', async () => {
        const { got, sc } = await negotiate({}, [['1.0.0', 'a'], ['1.5.0', 'b', { useIn: ['other'] }]]);
        const lib = await got;
        const e = sc.lib['1.5.0'];
        assert.equal(e.loaded, true);
        assert.equal(typeof e.lib, 'function');
        assert.equal(e.lib(), lib);
        assert.deepEqual(here(e.useIn), ['other', 'app']);
        assert.equal(sc.lib['1.0.0'].loaded, undefined);
        // a legacy entry (no useIn) gets one
        const r = await negotiate({}, [['1.0.0', 'a']]);
        await r.got;
        assert.deepEqual(here(r.sc.lib['1.0.0'].useIn), ['app']);
      });
    });

    describe('share-scope registration (protocol 2.2 to 2.4)', () => {
      /** The entry left at lib@1.0.0 after "app" (eager or not) registers over `old`. */
      async function after(old, eager = false) {
        const p = page();
        const mf = p.make({
          name: 'app', shareStrategy: 'version-first',
          shared: { lib: { version: '1.0.0', scope: 'default', singleton: true, eager, requiredVersion: '^1.0.0', strictVersion: false, fallback: 'own/lib.js', chunks: [] } },
        }, { 'own/lib.js': (module) => { module.exports = { own: true }; } });
        const sc = old ? { lib: { '1.0.0': old } } : {};
        await mf.container.init(sc);
        return sc.lib['1.0.0'];
      }

      test('a new entry has the superset shape and a synchronous eager get', async () => {
        const e = await after(null, true);
        assert.deepEqual(Object.keys(e).sort(), ['deps', 'eager', 'from', 'get', 'lib', 'loaded', 'loading', 'scope',
          'shareConfig', 'strategy', 'useIn', 'version'].sort());
        assert.deepEqual(here({ ...e, get: typeof e.get }), {
          version: '1.0.0', get: 'function', from: 'app', eager: true, loaded: undefined, loading: null, lib: undefined,
          useIn: [], deps: [], scope: ['default'], strategy: 'version-first',
          shareConfig: { singleton: true, requiredVersion: '^1.0.0', strictVersion: false, eager: true },
        });
        const f = e.get();
        assert.equal(typeof f, 'function', 'eager: the factory, synchronously');
        assert.deepEqual(f(), { own: true });
      });

      test('a loaded, a loading or a "loaded-first" entry is never replaced', async () => {
        for (const extra of [{ loaded: 1 }, { loaded: true }, { loading: Promise.resolve() }, { strategy: 'loaded-first' }]) {
          const old = entry('1.0.0', 'aaa', extra);
          assert.equal(await after(old, true), old, JSON.stringify(extra));
        }
      });

      test('eager wins over non-eager, both ways', async () => {
        const lazy = entry('1.0.0', 'zzz');
        assert.equal((await after(lazy, true)).from, 'app', 'our eager entry replaces a non-eager one');
        const eagerOld = entry('1.0.0', 'aaa', { eager: true });
        assert.equal(await after(eagerOld, false), eagerOld, 'a non-eager entry does not replace an eager one');
        const eagerCfg = entry('1.0.0', 'aaa', { shareConfig: { eager: true } });
        assert.equal(await after(eagerCfg, false), eagerCfg, 'shareConfig.eager counts (MF 2.0)');
      });

      test('equal eagerness: the greater `from` wins', async () => {
        const a = entry('1.0.0', 'aaa');
        assert.equal((await after(a)).from, 'app');
        const z = entry('1.0.0', 'zzz');
        assert.equal(await after(z), z);
      });
    });

    describe('own provides: get()', () => {
      test('loads the fallback chunk and its consumes once, then is synchronous and returns the same instance', async () => {
        const base = 'http://cdn.test/app/';
        const p = page({ src: base + 'main.js' });
        p.files[base + 'shared-lib.1.js'] = chunkFile('app', 'shared-lib', 'app:shared-lib');
        p.ctx.T['app:shared-lib'] = {
          'node_modules/lib/index.js': (module, exports, require) => { module.exports = { dep: require('mf-shared/dep'), n: Math.random() }; },
        };
        const mf = p.make({
          name: 'app',
          shared: {
            lib: { version: '1.0.0', scope: 'default', singleton: false, requiredVersion: '^1.0.0', fallback: 'node_modules/lib/index.js', chunks: ['shared-lib'] },
            dep: { version: '2.0.0', scope: 'default', singleton: true, requiredVersion: '^2.0.0', fallback: null },
          },
          consumes: { 'shared-lib': ['dep'] },
        }, {}, { chunks: { 'shared-lib': ['shared-lib.1.js'] } });
        const sc = { dep: { '2.1.0': entry('2.1.0', 'host') } };
        await mf.container.init(sc);
        const e = sc.lib['1.0.0'];
        const p1 = e.get(), p2 = e.get();
        assert.equal(p1, p2, 'one load for concurrent calls');
        const f = await p1;
        assert.equal(e.get(), f, 'synchronous once loaded');
        assert.equal(f(), f());
        assert.deepEqual(f().dep, { version: '2.1.0', from: 'host' });
        assert.equal(p.appended.length, 1);
        assert.equal(p.appended[0].src, base + 'shared-lib.1.js');
        assert.equal(sc.dep['2.1.0'].loaded, true);
      });
    });

    describe('the container (protocol 1.2, 1.3; output-format 4.4)', () => {
      const fedConfig = {
        name: 'catalog',
        shared: { lib: { version: '1.2.0', scope: 'default', singleton: true, requiredVersion: '^1.0.0', fallback: 'own/lib.js', chunks: [] } },
        exposes: { './List': { id: 'src/List.js', chunks: ['List'] }, '.': { id: 'src/index.js', chunks: [] } },
        consumes: { List: ['lib'] },
      };
      const modules = {
        'own/lib.js': (module) => { module.exports = { own: 'catalog' }; },
        'src/index.js': esm({ root: true }),
        'src/List.js': function (module, exports, require, __mf) {
          const lib = __mf.i('mf-shared/lib');
          __mf.d(exports, { default: () => 'List', lib: () => lib.default, n: () => n });
          const n = Math.random();
        },
      };

      test('get() of an unknown key: a rejected promise with the exact message, never a throw', async () => {
        const mf = page().make(fedConfig, modules);
        let p;
        assert.doesNotThrow(() => { p = mf.container.get('./Nope'); });
        const err = await rejection(p);
        assert.equal(err.message, 'Module "./Nope" does not exist in container.');
        assert.equal((await rejection(mf.container.get('List'))).message, 'Module "List" does not exist in container.');
        assert.equal((await rejection(mf.container.get('constructor'))).message, 'Module "constructor" does not exist in container.');
      });

      test('the factory is synchronous and memoised; exports are an ES namespace', async () => {
        const mf = page().make(fedConfig, modules);
        await mf.container.init({});
        const f = await mf.container.get('./List');
        const a = f(), b = f();
        assert.equal(a, b);
        assert.equal(a.__esModule, true);
        assert.equal(a.default, 'List');
        assert.deepEqual(a.lib, { own: 'catalog' });
        assert.equal((await mf.container.get('./List'))(), a);
        assert.equal((await mf.container.get('.'))().root, true);
      });

      test('init keeps the scope by identity and registers provides into the host\'s object', async () => {
        const mf = page().make(fedConfig, modules);
        const sc = {};
        const r = mf.container.init(sc, []);
        assert.equal(typeof r.then, 'function', 'returns a promise');
        await r;
        assert.equal(sc.lib['1.2.0'].from, 'catalog');
        // an entry the host adds later is seen: the same object is used
        sc.lib['1.9.0'] = entry('1.9.0', 'host');
        const ns = (await mf.container.get('./List'))();
        assert.deepEqual(ns.lib, { version: '1.9.0', from: 'host' });
      });

      test('a second init with another object is ignored', async () => {
        const mf = page().make(fedConfig, modules);
        const first = {}, second = {};
        await mf.container.init(first);
        await mf.container.init(second);
        assert.deepEqual(second, {});
        assert.ok(first.lib['1.2.0']);
        await mf.container.init(first);
        assert.equal(Object.keys(first.lib).length, 1);
      });

      test('init with MF 2.0 options: shareScopeKeys and shareScopeMap', async () => {
        const mf = page().make({ ...fedConfig, shared: { ...fedConfig.shared, other: { version: '1.0.0', scope: 'other', singleton: false, requiredVersion: false, fallback: 'own/lib.js', chunks: [] } } }, modules);
        const map = { default: {}, other: {} };
        const opts = { version: '', shareScopeKeys: 'default' };
        Object.defineProperty(opts, 'shareScopeMap', { value: map });
        await mf.container.init(map.default, [], opts);
        assert.ok(map.default.lib['1.2.0']);
        assert.ok(map.other.other['1.0.0'], 'other scopes come from the host\'s map');
      });

      test('get() before init() works with a scope of its own', async () => {
        const mf = page().make(fedConfig, modules);
        assert.deepEqual((await mf.container.get('./List'))().lib, { own: 'catalog' });
      });

      test('an expose\'s chunks (JS and CSS) are loaded before get() resolves', async () => {
        const base = 'http://catalog.test/';
        const p = page();
        p.files[base + 'List.1.js'] = chunkFile('catalog', 'List', 'catalog:List');
        p.files[base + 'List.1.css'] = '';
        p.files[base + 'remoteEntry.js'] = remoteEntry(fedConfig, { chunks: { List: ['List.1.js', 'List.1.css'] } });
        p.ctx.T.catalog = { 'own/lib.js': modules['own/lib.js'], 'src/index.js': modules['src/index.js'] };
        p.ctx.T['catalog:List'] = { 'src/List.js': modules['src/List.js'] };
        const el = p.document.createElement('script');
        el.src = base + 'remoteEntry.js';
        await new Promise((r) => { el.onload = r; p.document.head.appendChild(el); });
        const c = p.ctx.catalog;
        assert.deepEqual(Object.keys(c).sort(), ['get', 'init']);
        await c.init({});
        const f = await c.get('./List');
        assert.equal(f().default, 'List');
        assert.deepEqual(p.appended.slice(1).map((e) => [e.tagName, e.src || e.href]),
          [['script', base + 'List.1.js'], ['link', base + 'List.1.css']]);
      });

      test('init tokens: A inits B, B inits A, and it terminates; both provide into one scope', async () => {
        const p = page();
        const a = { name: 'a', shared: { x: { version: '1.0.0', scope: 'default', singleton: true, requiredVersion: false, fallback: 'x.js', chunks: [] } },
          remotes: { b: { name: 'b', entry: 'http://b.test/remoteEntry.js' } }, exposes: {} };
        const b = { name: 'b', shared: { y: { version: '2.0.0', scope: 'default', singleton: true, requiredVersion: false, fallback: 'y.js', chunks: [] } },
          remotes: { a: { name: 'a', entry: 'http://a.test/remoteEntry.js' } }, exposes: {} };
        p.files['http://a.test/remoteEntry.js'] = remoteEntry(a);
        p.files['http://b.test/remoteEntry.js'] = remoteEntry(b);
        p.run(p.files['http://a.test/remoteEntry.js']);
        const sc = {}, initScope = [];
        await p.ctx.a.init(sc, initScope);
        assert.deepEqual(Object.keys(sc).sort(), ['x', 'y']);
        assert.equal(initScope.length, 2, 'one token per container');
        assert.deepEqual(p.appended.map((el) => el.src), ['http://b.test/remoteEntry.js'], 'A is a global already: not loaded again');
        // a repeated init with the same tokens returns at once
        await p.ctx.b.init(sc, initScope);
      });
    });

    describe('the host (output-format 4.2, 4.3)', () => {
      /** A hand-written container on the page, as webpack or MF 2.0 would publish it. */
      function fakeRemote(p, name, { provides = {}, modules = {}, log = [] } = {}) {
        const c = {
          inits: [],
          init(sc, initScope, opts) {
            c.inits.push({ sc, initScope, opts });
            for (const [pkg, v] of Object.entries(provides)) (sc[pkg] = sc[pkg] || {})[v] = entry(v, name);
            return 1;
          },
          get(key) {
            log.push(name + ' get ' + key);
            return key in modules ? Promise.resolve(() => modules[key]) : Promise.reject(new Error(`Module "${key}" does not exist in container.`));
          },
        };
        return c;
      }

      const hostShared = { lib: { version: '1.0.0', scope: 'default', singleton: true, requiredVersion: '^1.0.0', strictVersion: false, fallback: 'own/lib.js', chunks: [] } };

      function host(p, fed, modules = {}, config = {}) {
        return p.make({ name: 'host', shareStrategy: 'version-first', shared: hostShared, entryChunk: 'main', ...fed }, {
          'own/lib.js': (module) => { module.exports = { version: '1.0.0', from: 'host' }; },
          ...modules,
        }, config);
      }

      test('startup: provides, then remote inits, then the entry\'s consumes and remote modules, then the entry', async () => {
        const p = page();
        const log = [];
        const cat = fakeRemote(p, 'catalog', { provides: { lib: '1.4.0' }, modules: { './List': { __esModule: true, default: 'the list' } }, log });
        p.files['http://catalog.test/remoteEntry.js'] = 'globalThis.catalog = T.catalog;';
        p.ctx.T.catalog = cat;
        const mf = host(p, {
          remotes: { catalog: { name: 'catalog', entry: 'http://catalog.test/remoteEntry.js' } },
          consumes: { main: ['lib'] }, remoteRefs: { main: ['mf-remote/catalog/List'] },
        }, {
          'src/index.js': function (module, exports, require, __mf) {
            log.push('entry');
            exports.lib = __mf.i('mf-shared/lib').default;
            exports.list = __mf.i('mf-remote/catalog/List').default;
          },
        });
        const ex = await mf.start('src/index.js');
        assert.deepEqual(ex.lib, { version: '1.4.0', from: 'catalog' }, 'the singleton negotiated with the remote\'s provide');
        assert.equal(ex.list, 'the list');
        assert.deepEqual(log, ['catalog get ./List', 'entry']);
        assert.equal(cat.inits.length, 1);
        const { sc, initScope, opts } = cat.inits[0];
        assert.equal(sc.lib['1.0.0'].from, 'host', 'the host registered before the remote\'s init');
        assert.ok(Array.isArray(initScope));
        assert.equal(opts.version, '');
        assert.equal(opts.shareScopeKeys, 'default');
        assert.ok(!Object.keys(opts).includes('shareScopeMap'), 'shareScopeMap is not enumerable');
        assert.equal(opts.shareScopeMap.default, sc);
      });

      test('version-first inits every remote at startup; loaded-first only on demand', async () => {
        for (const shareStrategy of ['version-first', 'loaded-first']) {
          const p = page();
          const a = fakeRemote(p, 'a', { modules: { './X': { x: 1 } } }), b = fakeRemote(p, 'b');
          p.ctx.T = { a, b };
          p.files['http://a.test/remoteEntry.js'] = 'globalThis.a = T.a;';
          p.files['http://b.test/remoteEntry.js'] = 'globalThis.b = T.b;';
          const mf = host(p, {
            shareStrategy,
            remotes: { a: { name: 'a', entry: 'http://a.test/remoteEntry.js' }, b: { name: 'b', entry: 'http://b.test/remoteEntry.js' } },
          }, { 'src/index.js': () => {} });
          await mf.start('src/index.js');
          assert.deepEqual([a.inits.length, b.inits.length], shareStrategy == 'version-first' ? [1, 1] : [0, 0], shareStrategy);
          assert.equal((await mf.e('mf-remote/a/X')).x, 1);
          assert.deepEqual([a.inits.length, b.inits.length], shareStrategy == 'version-first' ? [1, 1] : [1, 0], shareStrategy);
        }
      });

      test('an offline remote fails only its imports, with its name and the expose; startup completes', async () => {
        const p = page();
        const ok = fakeRemote(p, 'good', { modules: { './A': { a: 'A' } } });
        p.ctx.T.good = ok;
        p.files['http://good.test/remoteEntry.js'] = 'globalThis.good = T.good;';
        const mf = host(p, {
          remotes: { good: { name: 'good', entry: 'http://good.test/remoteEntry.js' }, bad: { name: 'bad', entry: 'http://bad.test/remoteEntry.js' } },
          remoteRefs: { main: ['mf-remote/good/A', 'mf-remote/bad/Widget'] },
        }, {
          'src/index.js': function (module, exports, require, __mf) {
            exports.a = __mf.i('mf-remote/good/A').a;
            try {
              __mf.i('mf-remote/bad/Widget');
            } catch (err) {
              exports.err = err;
            }
          },
        });
        const ex = await mf.start('src/index.js');
        assert.equal(ex.a, 'A');
        mentions(ex.err.message, '"bad"', 'http://bad.test/remoteEntry.js', '"bad/Widget"');
        assert.ok(p.warnings.some((w) => w.includes('"bad"')), 'the startup failure is reported');
        const err = await rejection(mf.e('mf-remote/bad/Other'));
        mentions(err.message, '"bad"', '"bad/Other"', 'script error');
        assert.ok(p.appended.every((el) => el.removed), 'script tags are removed');
      });

      test('a remote whose init throws, or whose module throws, fails only that import', async () => {
        const p = page();
        const broken = fakeRemote(p, 'broken');
        broken.init = () => { throw new Error('init exploded'); };
        const throwing = fakeRemote(p, 'throwing');
        throwing.get = () => Promise.resolve(() => { throw new Error('module exploded'); });
        const plain = fakeRemote(p, 'plain', { modules: {} });
        Object.assign(p.ctx, { broken, throwing, plain });
        const mf = host(p, {
          remotes: ['broken', 'throwing', 'plain'].reduce((o, n) => ({ ...o, [n]: { name: n, entry: `http://${n}.test/remoteEntry.js` } }), {}),
        }, { 'src/index.js': (module) => { module.exports = 'started'; } });
        assert.equal(await mf.start('src/index.js'), 'started');
        mentions((await rejection(mf.e('mf-remote/broken/A'))).message, '"broken"', '"broken/A"', 'init exploded');
        mentions((await rejection(mf.e('mf-remote/throwing/B'))).message, '"throwing"', '"throwing/B"', 'module exploded');
        mentions((await rejection(mf.e('mf-remote/plain/C'))).message, '"plain"', '"plain/C"', 'Module "./C" does not exist in container.');
        assert.equal(p.appended.length, 0, 'existing globals are used');
        assert.ok(p.warnings.some((w) => w.includes('init exploded')), 'the version-first failure is reported');
      });

      test('a negotiation error rejects start: the entry does not run', async () => {
        const p = page();
        let ran = false;
        const mf = host(p, {
          shared: { nope: { version: '0', scope: 'default', singleton: false, requiredVersion: '^1.0.0', strictVersion: true, fallback: null, chunks: [] } },
          consumes: { main: ['nope'] },
        }, { 'src/index.js': () => { ran = true; } });
        const err = await rejection(mf.start('src/index.js'));
        mentions(err.message, '"nope"', '"default"', '"host"');
        assert.equal(ran, false);
      });

      test('import() of a lazy chunk resolves its consumes first', async () => {
        const base = 'http://host.test/app/';
        const p = page();
        p.files[base + 'Lazy.1.js'] = chunkFile('host', 'Lazy', 'host:Lazy');
        p.ctx.T['host:Lazy'] = { 'src/Lazy.js': (module, exports, require) => { module.exports = { lib: require('mf-shared/lib') }; } };
        const mf = host(p, { consumes: { Lazy: ['lib'] } }, { 'src/index.js': () => {} },
          { chunks: { Lazy: ['Lazy.1.js'] }, asyncDeps: { 'src/Lazy.js': ['Lazy'] } });
        await mf.start('src/index.js');
        assert.deepEqual((await mf.e('src/Lazy.js')).lib, { version: '1.0.0', from: 'host' });
        assert.deepEqual((await mf.e('mf-shared/lib')).default, { version: '1.0.0', from: 'host' }, 'import() of a shared module');
      });

      test('the script of a remote entry: timeout after 20 s, then a retry works', async () => {
        const p = page();
        const url = 'http://slow.test/remoteEntry.js';
        p.files[url] = null;
        const mf = host(p, { shareStrategy: 'loaded-first', remotes: { slow: { name: 'slow', entry: url } } }, { 'src/index.js': () => {} });
        await mf.start('src/index.js');
        const first = mf.e('mf-remote/slow/X');
        await settle();
        const t = [...p.timers.values()].filter((x) => x.ms == 20000);
        assert.equal(t.length, 1);
        t[0].fn();
        mentions((await rejection(first)).message, '"slow"', '"slow/X"', 'timeout');
        assert.ok(p.appended[0].removed);
        p.ctx.T.slow = fakeRemote(p, 'slow', { modules: { './X': { x: 'x' } } });
        p.files[url] = 'globalThis.slow = T.slow;';
        assert.equal((await mf.e('mf-remote/slow/X')).x, 'x');
      });

      test('retry.times is honoured for the entry script and for the manifest', async () => {
        const p = page();
        const mf = host(p, {
          shareStrategy: 'loaded-first', retry: { times: 2, delayMs: 1 },
          remotes: { s: { name: 's', entry: 'http://s.test/remoteEntry.js' }, m: { name: 'm', entry: 'http://m.test/mf-manifest.json' } },
        }, { 'src/index.js': () => {} });
        await mf.start('src/index.js');
        await rejection(mf.e('mf-remote/s/X'));
        assert.equal(p.appended.filter((el) => el.src == 'http://s.test/remoteEntry.js').length, 3);
        const err = await rejection(mf.e('mf-remote/m/X'));
        mentions(err.message, '"m"', 'http://m.test/mf-manifest.json', '"m/X"', '404');
        assert.equal(p.fetched.length, 3);
      });

      test('an existing global is used without loading; concurrent loads by two runtimes share one script', async () => {
        const p = page();
        p.ctx.pre = fakeRemote(p, 'pre', { modules: { './P': { p: 1 } } });
        p.ctx.T.shared = fakeRemote(p, 'shared', { modules: { './S': { s: 1 } } });
        p.files['http://shared.test/remoteEntry.js'] = 'globalThis.shared = T.shared;';
        const remotes = { pre: { name: 'pre', entry: 'http://pre.test/remoteEntry.js' }, shared: { name: 'shared', entry: 'http://shared.test/remoteEntry.js' } };
        const one = host(p, { shareStrategy: 'loaded-first', remotes }, { 'src/index.js': () => {} });
        const two = p.make({ name: 'two', shareStrategy: 'loaded-first', remotes }, {});
        const [a, b] = await Promise.all([one.e('mf-remote/shared/S'), two.e('mf-remote/shared/S')]);
        assert.equal(a.s, 1);
        assert.equal(b.s, 1);
        assert.equal((await one.e('mf-remote/pre/P')).p, 1);
        assert.deepEqual(p.appended.map((el) => el.src), ['http://shared.test/remoteEntry.js']);
      });

      test('a global that is not a container (an element with the remote\'s id) is replaced by loading the script', async () => {
        const p = page();
        p.ctx.clash = { tagName: 'DIV', id: 'clash' }; // what window.clash is for <div id="clash">
        p.ctx.T.clash = fakeRemote(p, 'clash', { modules: { './C': { c: 1 } } });
        p.files['http://clash.test/remoteEntry.js'] = 'globalThis.clash = T.clash;';
        const mf = host(p, { shareStrategy: 'loaded-first', remotes: { clash: { name: 'clash', entry: 'http://clash.test/remoteEntry.js' } } },
          { 'src/index.js': () => {} });
        await mf.start('src/index.js');
        assert.equal((await mf.e('mf-remote/clash/C')).c, 1);
        assert.deepEqual(p.appended.map((el) => el.src), ['http://clash.test/remoteEntry.js']);
      });

      describe('manifests (protocol 3.1, 4)', () => {
        const manifest = (metaData) => ({
          id: 'catalog', name: 'catalog',
          metaData: { name: 'catalog', type: 'app', buildInfo: { buildVersion: '1.0.0', buildName: 'catalog' },
            remoteEntry: { name: 'remoteEntry.js', path: '', type: 'global' }, globalName: 'catalog_g', publicPath: 'auto', ...metaData },
          shared: [], remotes: [], exposes: [],
        });

        async function loadVia(metaData, url = 'http://cdn.test/catalog/v2/mf-manifest.json?x=1', mutate = (m) => m) {
          const p = page();
          p.json[url] = mutate(manifest(metaData));
          const c = fakeRemote(p, 'catalog', { modules: { './List': { list: true } } });
          p.ctx.T.c = c;
          const mf = host(p, { shareStrategy: 'loaded-first', remotes: { cat: { name: 'catalog', entry: url } } }, { 'src/index.js': () => {} });
          await mf.start('src/index.js');
          for (const el of [].concat(Object.keys(p.files))) delete p.files[el];
          // whatever URL is asked for serves the container under the manifest's global
          const append = p.document.head.appendChild;
          p.document.head.appendChild = (el) => {
            p.files[el.src] = 'globalThis.catalog_g = T.c;';
            return append(el);
          };
          const result = await mf.e('mf-remote/cat/List').then((ns) => ns, (err) => err);
          return { p, c, result, url };
        }

        test('publicPath "auto": the manifest\'s own folder; globalName; init version = manifest URL', async () => {
          const { p, c, result, url } = await loadVia({});
          assert.equal(result.list, true);
          assert.deepEqual(p.appended.map((el) => el.src), ['http://cdn.test/catalog/v2/remoteEntry.js']);
          assert.equal(c.inits[0].opts.version, url);
        });

        test('an explicit publicPath and a remoteEntry.path', async () => {
          const { p } = await loadVia({ publicPath: 'https://static.test/cat/', remoteEntry: { name: 'remoteEntry.js', path: './js/', type: 'global' } });
          assert.deepEqual(p.appended.map((el) => el.src), ['https://static.test/cat/js/remoteEntry.js']);
          const empty = await loadVia({ publicPath: '', remoteEntry: { name: 'entry.js', path: '.', type: 'global' } });
          assert.deepEqual(empty.p.appended.map((el) => el.src), ['http://cdn.test/catalog/v2/entry.js']);
        });

        test('a manifest without shared is rejected, naming the remote and the expose', async () => {
          const { result, p } = await loadVia({}, undefined, (m) => { delete m.shared; return m; });
          mentions(result.message, '"catalog"', 'mf-manifest.json', '"cat/List"', 'shared');
          assert.equal(p.appended.length, 0);
        });
      });

      describe('plugins (runtimePlugins) and the mfbuild/runtime API', () => {
        test('errorLoadRemote supplies a fallback; its arguments name the lifecycle, remote and expose', async () => {
          const p = page();
          const calls = [];
          const mf = host(p, {
            remotes: { gone: { name: 'gone', entry: 'http://gone.test/remoteEntry.js' }, nom: { name: 'nom', entry: 'http://nom.test/mf-manifest.json' } },
            remoteRefs: { main: ['mf-remote/gone/Button'] },
            plugins: ['src/plugin.js'],
          }, {
            'src/plugin.js': esm({
              default: {
                name: 'fallbacks',
                errorLoadRemote(args) {
                  calls.push({ ...args, error: args.error.message, remote: args.remote && args.remote.name });
                  if (args.lifecycle == 'beforeLoadShare') return undefined;
                  return () => ({ __esModule: true, default: 'fallback for ' + args.id });
                },
              },
            }),
            'src/index.js': function (module, exports, require, __mf) {
              exports.button = __mf.i('mf-remote/gone/Button').default;
            },
          });
          const ex = await mf.start('src/index.js');
          assert.equal(ex.button, 'fallback for gone/Button');
          const lazy = await mf.e('mf-remote/nom/Card');
          assert.equal(lazy.default, 'fallback for nom/Card');
          const by = (lc) => calls.filter((c) => c.lifecycle == lc).map((c) => [c.id, c.remote, c.expose]);
          assert.deepEqual(by('beforeLoadShare').sort(), [['gone', 'gone', undefined], ['nom', 'nom', undefined]]);
          assert.deepEqual(by('onLoad'), [['gone/Button', 'gone', './Button']]);
          assert.deepEqual(by('afterResolve'), [['nom/Card', 'nom', './Card']]);
        });

        test('errorLoadRemote may answer a manifest failure with a manifest (MF 2.0 style)', async () => {
          const p = page();
          p.ctx.T.stub = fakeRemote(p, 'stub', { modules: { './X': { stub: true } } });
          p.files['http://stub.test/remoteEntry.js'] = 'globalThis.stub_g = T.stub;';
          const mf = host(p, { shareStrategy: 'loaded-first', remotes: { r: { name: 'r', entry: 'http://r.test/mf-manifest.json' } } }, { 'src/index.js': () => {} });
          await mf.start('src/index.js');
          const api = mf.r('mfbuild/runtime');
          api.registerPlugins([{
            name: 'stub-manifest',
            errorLoadRemote: ({ lifecycle }) => lifecycle == 'afterResolve' && {
              metaData: { remoteEntry: { name: 'remoteEntry.js', path: '' }, globalName: 'stub_g', publicPath: 'http://stub.test/' }, shared: [], exposes: [],
            },
          }]);
          assert.equal((await api.loadRemote('r/X')).stub, true);
        });

        test('a fetch plugin may supply the manifest response', async () => {
          const p = page();
          p.ctx.T.f = fakeRemote(p, 'f', { modules: { './X': { f: 1 } } });
          p.files['http://f.test/js/remoteEntry.js'] = 'globalThis.f = T.f;';
          const asked = [];
          const mf = host(p, {
            shareStrategy: 'loaded-first', remotes: { f: { name: 'f', entry: 'http://f.test/mf-manifest.json' } },
            plugins: ['src/fetch-plugin.js'],
          }, {
            'src/fetch-plugin.js': esm({
              default: {
                name: 'fetcher',
                fetch: (url) => {
                  asked.push(url);
                  const m = { metaData: { remoteEntry: { name: 'remoteEntry.js', path: 'js' }, globalName: 'f', publicPath: 'auto' }, shared: [], exposes: [] };
                  return { ok: true, json: () => Promise.resolve(m) };
                },
              },
            }),
            'src/index.js': () => {},
          });
          await mf.start('src/index.js');
          assert.equal((await mf.e('mf-remote/f/X')).f, 1);
          assert.deepEqual(asked, ['http://f.test/mf-manifest.json']);
          assert.deepEqual(p.fetched, [], 'the page fetch is not used');
        });

        test('beforeRequest may rewrite the id; loadRemote resolves to the module exports', async () => {
          const p = page();
          p.ctx.T.v2 = fakeRemote(p, 'v2', { modules: { './New': { which: 'new' } } });
          p.files['http://v2.test/remoteEntry.js'] = 'globalThis.v2 = T.v2;';
          const mf = host(p, { shareStrategy: 'loaded-first', remotes: { v2: { name: 'v2', entry: 'http://v2.test/remoteEntry.js' } } }, { 'src/index.js': () => {} });
          await mf.start('src/index.js');
          const api = mf.i('mfbuild/runtime');
          api.registerPlugins([{ name: 'rewrite', beforeRequest: (args) => ({ ...args, id: args.id.replace('old/Thing', 'v2/New') }) }]);
          assert.equal((await api.loadRemote('old/Thing')).which, 'new');
          const err = await rejection(api.loadRemote('nowhere/X'));
          mentions(err.message, '"nowhere/X"', '"host"');
        });

        test('registerRemotes at run time, then loadRemote; force replaces', async () => {
          const p = page();
          p.ctx.T.late = fakeRemote(p, 'late', { modules: { './L': { v: 1 } } });
          p.ctx.T.late2 = fakeRemote(p, 'late2', { modules: { './L': { v: 2 } } });
          p.files['http://late.test/remoteEntry.js'] = 'globalThis.late = T.late;';
          p.files['http://late2.test/remoteEntry.js'] = 'globalThis.late2 = T.late2;';
          const mf = host(p, {}, { 'src/index.js': (module, exports, require) => { module.exports = require('mfbuild/runtime'); } });
          const { registerRemotes, loadRemote } = await mf.start('src/index.js');
          await rejection(loadRemote('late/L'));
          registerRemotes([{ name: 'late', entry: 'http://late.test/remoteEntry.js' }]);
          assert.equal((await loadRemote('late/L')).v, 1);
          registerRemotes([{ name: 'late2', alias: 'late', entry: 'http://late2.test/remoteEntry.js' }]);
          assert.equal((await loadRemote('late/L')).v, 1, 'without force, a known alias is kept');
          registerRemotes([{ name: 'late2', alias: 'late', entry: 'http://late2.test/remoteEntry.js' }], { force: true });
          assert.equal((await loadRemote('late/L')).v, 2);
        });

        test('loadShare resolves to a factory (negotiated for own keys, the best in the scope otherwise)', async () => {
          const p = page();
          p.ctx.T.cat = fakeRemote(p, 'cat', { provides: { other: '3.1.0', lib: '1.1.0' } });
          p.files['http://cat.test/remoteEntry.js'] = 'globalThis.cat = T.cat;';
          const mf = host(p, { remotes: { cat: { name: 'cat', entry: 'http://cat.test/remoteEntry.js' } } }, { 'src/index.js': () => {} });
          await mf.start('src/index.js');
          const { loadShare } = mf.i('mfbuild/runtime');
          assert.deepEqual((await loadShare('lib'))(), { version: '1.1.0', from: 'cat' });
          assert.deepEqual((await loadShare('other'))(), { version: '3.1.0', from: 'cat' });
          assert.equal(await loadShare('missing'), false);
        });

        test('a plugin module may be a factory (MF 2.0), and may import a shared module', async () => {
          const p = page();
          const seen = [];
          const mf = host(p, { consumes: { main: ['lib'] }, plugins: ['src/p1.js'], remoteRefs: { main: ['mf-remote/x/Y'] },
            remotes: { x: { name: 'x', entry: 'http://x.test/remoteEntry.js' } } }, {
            'src/p1.js': function (module, exports, require, __mf) {
              const lib = __mf.i('mf-shared/lib');
              __mf.d(exports, { default: () => () => ({ name: 'p1', errorLoadRemote: (a) => { seen.push(a.lifecycle); return { lib: lib.default }; } }) });
            },
            'src/index.js': function (module, exports, require, __mf) { exports.y = __mf.i('mf-remote/x/Y').default; },
          });
          const ex = await mf.start('src/index.js');
          assert.deepEqual(ex.y.lib, { version: '1.0.0', from: 'host' });
          assert.deepEqual(seen, ['onLoad'], 'registered after the consumes, before the remote modules');
        });
      });
    });

    test('target node: no document; startup completes and only the remote import fails', async () => {
      const core = vm.runInNewContext(`(${coreText})`, { console });
      const warnings = [];
      const fed = vm.runInNewContext(`(${fullText})`, { console: { warn: (m) => warnings.push(m) }, setTimeout, clearTimeout });
      const fedConfig = { name: 'srv', shareStrategy: 'version-first', shared: {}, remotes: { r: { name: 'r', entry: 'http://r.test/remoteEntry.js' } }, entryChunk: 'main' };
      const mf = core({ name: 'srv', target: 'node', federation: fedConfig });
      fed(mf, fedConfig);
      mf.register({ 'src/index.js': (module) => { module.exports = 'ran'; } });
      assert.equal(await mf.start('src/index.js'), 'ran');
      assert.equal(warnings.length, 1);
      mentions((await rejection(mf.e('mf-remote/r/X'))).message, '"r"', '"r/X"', 'browser');
    });

    describe('two mfbuild apps on one page', () => {
      test('a host and an mfbuild remote share one singleton; the remote\'s fallback chunk loads from its own URL', async () => {
        const base = 'http://catalog.test/dist/';
        const p = page();
        // the remote provides lib 1.5.0 (fallback in its own chunk) and exposes ./List
        p.files[base + 'remoteEntry.js'] = remoteEntry({
          name: 'catalog', shareStrategy: 'version-first',
          shared: { lib: { version: '1.5.0', scope: 'default', singleton: true, requiredVersion: '^1.0.0', fallback: 'node_modules/lib/index.js', chunks: ['shared-lib'] } },
          exposes: { './List': { id: 'src/List.js', chunks: ['List'] } },
          consumes: { List: ['lib'] },
        }, { chunks: { List: ['List.1.js'], 'shared-lib': ['shared-lib.1.js'] } });
        p.files[base + 'List.1.js'] = chunkFile('catalog', 'List', 'catalog:List');
        p.files[base + 'shared-lib.1.js'] = chunkFile('catalog', 'shared-lib', 'catalog:shared-lib');
        p.ctx.T['catalog:List'] = {
          'src/List.js': function (module, exports, require, __mf) {
            const lib = __mf.i('mf-shared/lib');
            __mf.d(exports, { lib: () => lib.default });
          },
        };
        p.ctx.T['catalog:shared-lib'] = { 'node_modules/lib/index.js': (module) => { module.exports = { version: '1.5.0', from: 'catalog' }; } };
        const mf = p.make({
          name: 'host', shareStrategy: 'version-first', entryChunk: ['main', 'common'],
          shared: { lib: { version: '1.0.0', scope: 'default', singleton: true, requiredVersion: '^1.0.0', fallback: 'own/lib.js', chunks: [] } },
          remotes: { catalog: { name: 'catalog', entry: base + 'remoteEntry.js' } },
          consumes: { common: ['lib'] }, remoteRefs: { main: ['catalog/List'] },
        }, {
          'own/lib.js': (module) => { module.exports = { version: '1.0.0', from: 'host' }; },
          'src/index.js': function (module, exports, require, __mf) {
            exports.lib = __mf.i('mf-shared/lib').default;
            exports.list = __mf.i('mf-remote/catalog/List');
          },
        });
        const ex = await mf.start('src/index.js');
        assert.deepEqual(ex.lib, { version: '1.5.0', from: 'catalog' });
        assert.equal(ex.list.lib, ex.lib, 'one instance');
        assert.deepEqual(p.appended.map((el) => el.src).sort(),
          [base + 'List.1.js', base + 'remoteEntry.js', base + 'shared-lib.1.js']);
        assert.deepEqual(p.warnings, []);
        const e = p.ctx.catalog && Object.keys(p.ctx.catalog);
        assert.deepEqual(e, ['get', 'init']);
      });
    });
  });
}
