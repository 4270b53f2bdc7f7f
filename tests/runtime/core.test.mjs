// tests/runtime/core.test.mjs: src/runtime/core.js, the module registry and
// chunk loader, tested against docs/output-format.md sections 1 and 3. The
// module tables are hand-written, in the shape emit produces.
//
// The whole suite runs twice. One pass uses the source file. The other uses
// the shipped form, which is what tools/embed.mjs puts into the binary
// (minified).
//
// Node-target runtimes get `require` and `__filename` the way an entry chunk
// does. Their chunks are real CommonJS files in a scratch folder. Web-target
// runtimes run in a vm context with a small fake document. Its script and
// link elements "load" files from a table, and its setTimeout is manual, so
// the 120 s timeout can be fired at will.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { shipping } from '../../tools/embed.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(repo, 'src', 'runtime', 'core.js'), 'utf8');
// Each form, and what target web gets of it: the shipped web runtime is
// built without the `@if node` lines (emit's mf_runtime_core_web_js).
const forms = { source, shipped: shipping(source, 'core.js') };
const webForms = { source, shipped: shipping(source, 'core.js', ['node']) };

const scratch = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'mf-runtime-'));
  scratch.push(d);
  return d;
}

/** Waits until pending promise callbacks and I/O callbacks have run. */
const settle = () => new Promise((r) => setImmediate(r));

/** The rejection reason of `p` (fails when it resolves). */
async function rejection(p) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

for (const [form, text] of Object.entries(forms)) {
  /** The runtime factory with no CommonJS scope: registry-only tests. */
  const bare = vm.runInThisContext(text, { filename: `core.js (${form})` });

  /** A runtime on target node with no file, plus the given module table. */
  function registry(modules = {}, config = {}) {
    const api = bare({ name: 'app', target: 'node', ...config });
    api.register(modules);
    return api;
  }

  /**
   * A node-target runtime as if it sat inside the entry chunk `file`;
   * `onRequire` sees every path the runtime requires.
   */
  function nodeRuntime(file, config = {}, onRequire = () => {}) {
    const wrap = vm.runInThisContext(`(function (require, __filename) { return (\n${text}\n); })`);
    const req = createRequire(file);
    const spy = (id) => {
      onRequire(id);
      return req(id);
    };
    return wrap(spy, file)({ name: 'app', target: 'node', ...config });
  }

  /** A fake browser: a vm context with a document, manual timers and files by URL. */
  function fakeWeb({ src = 'http://localhost/app/main.js?v=3', files = {}, links = [], config = {} } = {}) {
    const timers = new Map();
    let nextTimer = 1;
    const appended = [];
    const errors = [];
    const head = {
      appendChild(el) {
        appended.push(el);
        el.parentNode = head;
        const url = el.tagName == 'script' ? el.src : el.href;
        // null: the request hangs (only the timeout ends it).
        if (files[url] === null) return el;
        setImmediate(() => {
          if (files[url] === undefined) return el.onerror({ type: 'error' });
          if (el.tagName == 'script') vm.runInContext(files[url], ctx, { filename: url });
          el.onload({ type: 'load' });
        });
        return el;
      },
    };
    const document = {
      currentScript: src === null ? null : { src },
      baseURI: 'http://localhost/page/index.html',
      head,
      createElement: (tagName) => ({
        tagName,
        getAttribute(n) {
          return this[n];
        },
        remove() {
          this.removed = true;
        },
      }),
      querySelectorAll(selector) {
        assert.equal(selector, 'link[rel=stylesheet]');
        return [...links, ...appended.filter((el) => el.tagName == 'link' && !el.removed)]
          .filter((l) => l.rel == 'stylesheet');
      },
    };
    const ctx = vm.createContext({
      document,
      console: { error: (...args) => errors.push(args) },
      setTimeout: (fn, ms) => {
        timers.set(nextTimer, { fn, ms });
        return nextTimer++;
      },
      clearTimeout: (id) => timers.delete(id),
    });
    const make = () => vm.runInContext(webForms[form], ctx)({ name: 'app', target: 'web', ...config });
    return { ctx, document, appended, errors, timers, files, make, run: (code) => vm.runInContext(code, ctx) };
  }

  describe(`core.js (${form})`, () => {
    test('is one function expression', () => {
      assert.equal(typeof bare, 'function');
      assert.equal(bare.length, 1);
    });

    describe('require', () => {
      test('runs a module once, with this === module.exports, and caches it', () => {
        const seen = [];
        const api = registry({
          'src/a.js': function (module, exports, require, __mf) {
            seen.push({ self: this === exports, first: module.exports === exports, id: module.id, loaded: module.loaded, mf: __mf });
            exports.n = seen.length;
          },
        });
        const a = api.r('src/a.js');
        assert.equal(a.n, 1);
        assert.equal(api.r('src/a.js'), a);
        assert.equal(seen.length, 1);
        assert.deepEqual({ ...seen[0], mf: seen[0].mf === api }, { self: true, first: true, id: 'src/a.js', loaded: false, mf: true });
        assert.equal(api.cache['src/a.js'].loaded, true);
      });

      test('module.exports can be replaced; require returns the new value', () => {
        const api = registry({
          'src/f.js': function (module) {
            module.exports = function f() { return 42; };
          },
          'src/main.js': function (module, exports, require) {
            exports.result = require('src/f.js')();
          },
        });
        assert.equal(api.r('src/main.js').result, 42);
      });

      test('a cycle gets the partial exports', () => {
        const log = [];
        const api = registry({
          'src/a.js': function (module, exports, require) {
            exports.early = 'a-early';
            const b = require('src/b.js');
            log.push(`a sees b.done=${b.done}`);
            exports.late = 'a-late';
          },
          'src/b.js': function (module, exports, require) {
            const a = require('src/a.js');
            log.push(`b sees a.early=${a.early} a.late=${a.late}`);
            exports.done = true;
          },
        });
        const a = api.r('src/a.js');
        assert.deepEqual(log, ['b sees a.early=a-early a.late=undefined', 'a sees b.done=true']);
        assert.equal(a.late, 'a-late');
      });

      test('an unknown id throws an error naming the module and the app', () => {
        const api = registry({}, { name: 'shop' });
        assert.throws(() => api.r('src/nope.js'), (err) => {
          assert.match(err.message, /"src\/nope\.js"/);
          assert.match(err.message, /app "shop"/);
          assert.equal(err.code, 'MODULE_NOT_FOUND');
          return true;
        });
      });

      test('a module of a chunk not loaded yet: the error names the chunk', () => {
        const api = registry({}, { asyncDeps: { 'src/Lazy.js': ['Lazy', 'vendor'] } });
        assert.throws(() => api.r('src/Lazy.js'), /"src\/Lazy\.js".*app "app".*"Lazy", "vendor"/);
      });

      test('a module that throws is not cached: the next require runs it again', () => {
        let runs = 0;
        const api = registry({
          'src/flaky.js': function (module, exports) {
            if (++runs == 1) throw new Error('boom');
            exports.ok = true;
          },
        });
        assert.throws(() => api.r('src/flaky.js'), /boom/);
        assert.equal(api.r('src/flaky.js').ok, true);
        assert.equal(runs, 2);
      });

      test('ids are plain keys, even when they look like Object.prototype members', () => {
        const api = registry({ constructor: (module) => { module.exports = 'c'; } });
        assert.equal(api.r('constructor'), 'c');
        assert.throws(() => api.r('toString'), /"toString"/);
      });

      test('on node, Node builtins are required from Node', () => {
        const api = nodeRuntime(join(tempDir(), 'main.js'));
        api.register({
          'src/a.js': function (module, exports, require, __mf) {
            exports.fs = require('fs');
            exports.join = __mf.i('node:path').join;
          },
        });
        const a = api.r('src/a.js');
        assert.equal(a.fs, createRequire(import.meta.url)('fs'));
        assert.equal(a.join('x', 'y'), join('x', 'y'));
      });
    });

    describe('d: ES exports', () => {
      test('getters are enumerable and live; __esModule and toStringTag are marked', () => {
        const api = registry({
          'src/counter.js': function (module, exports, require, __mf) {
            __mf.d(exports, { count: () => count, inc: () => inc, default: () => __mf$default });
            let count = 0;
            function inc() { count++; }
            var __mf$default = 'dflt';
          },
        });
        const ns = api.r('src/counter.js');
        assert.deepEqual(Object.keys(ns), ['count', 'inc', 'default']);
        assert.equal(ns.count, 0);
        ns.inc();
        ns.inc();
        assert.equal(ns.count, 2, 'the let is seen through the getter');
        assert.equal(ns.default, 'dflt');
        assert.equal(ns.__esModule, true);
        assert.equal(Object.getOwnPropertyDescriptor(ns, '__esModule').enumerable, false);
        assert.equal(Object.prototype.toString.call(ns), '[object Module]');
        assert.equal(Object.getOwnPropertyDescriptor(ns, Symbol.toStringTag).enumerable, false);
      });

      test('d with no exports still marks the namespace', () => {
        const ns = registry().d({}, {});
        assert.equal(ns.__esModule, true);
        assert.deepEqual(Object.keys(ns), []);
      });

      test('ESM cycle: bindings are live once the other module has run', () => {
        const api = registry({
          'src/a.js': function (module, exports, require, __mf) {
            __mf.d(exports, { a: () => a, readB: () => readB });
            var __mf$0 = __mf.i('src/b.js');
            let a = 'A';
            function readB() { return __mf$0.b; }
          },
          'src/b.js': function (module, exports, require, __mf) {
            __mf.d(exports, { b: () => b, early: () => early });
            var __mf$0 = __mf.i('src/a.js');
            const early = Object.keys(__mf$0).join();
            let b = 'B';
          },
        });
        const a = api.i('src/a.js');
        assert.equal(a.readB(), 'B');
        assert.equal(api.i('src/b.js').early, 'a,readB', 'b saw a\'s getters before a ran');
      });
    });

    describe('i: ES import', () => {
      test('of an ES module: the exports object itself', () => {
        const api = registry({
          'src/esm.js': function (module, exports, require, __mf) {
            __mf.d(exports, { x: () => 1 });
          },
        });
        assert.equal(api.i('src/esm.js'), api.r('src/esm.js'));
      });

      test('of CommonJS: default is module.exports, named keys are live getters', () => {
        const api = registry({
          'src/cjs.js': function (module, exports) {
            exports.a = 1;
            exports.bump = () => { exports.a++; };
          },
        });
        const ns = api.i('src/cjs.js');
        const exports = api.r('src/cjs.js');
        assert.equal(ns.default, exports);
        assert.equal(ns.a, 1);
        ns.bump();
        assert.equal(ns.a, 2);
        assert.deepEqual(Object.keys(ns), ['a', 'bump', 'default']);
        assert.equal(ns.__esModule, true);
        assert.equal(Object.getOwnPropertyDescriptor(ns, '__esModule').enumerable, false);
        assert.equal(Object.prototype.toString.call(ns), '[object Module]');
        assert.equal(api.i('src/cjs.js'), ns, 'one namespace per module');
      });

      test('of a function export: default is the function, its props are named', () => {
        const api = registry({
          'src/fn.js': function (module) {
            module.exports = function greet() { return 'hi'; };
            module.exports.helper = () => 'help';
          },
        });
        const ns = api.i('src/fn.js');
        assert.equal(typeof ns.default, 'function');
        assert.equal(ns.default(), 'hi');
        assert.equal(ns.helper(), 'help');
        assert.equal(ns.default, api.r('src/fn.js'));
      });

      test('a CommonJS "default" property does not shadow module.exports', () => {
        const api = registry({
          'src/d.js': function (module, exports) {
            exports.default = 'own default';
            exports.b = 2;
          },
        });
        const ns = api.i('src/d.js');
        assert.equal(ns.default, api.r('src/d.js'));
        assert.equal(ns.default.default, 'own default');
      });

      test('of CommonJS marked __esModule (Babel output): the exports object', () => {
        const api = registry({
          'src/babel.js': function (module, exports) {
            Object.defineProperty(exports, '__esModule', { value: true });
            exports.default = 'the default';
          },
        });
        const ns = api.i('src/babel.js');
        assert.equal(ns, api.r('src/babel.js'));
        assert.equal(ns.default, 'the default');
      });

      test('of null, a number, a string (JSON modules)', () => {
        const api = registry({
          'src/null.json': function (module) { module.exports = null; },
          'src/n.json': function (module) { module.exports = 7; },
          'src/list.json': function (module) { module.exports = ['x', 'y']; },
        });
        assert.equal(api.i('src/null.json').default, null);
        assert.equal(api.i('src/n.json').default, 7);
        const list = api.i('src/list.json');
        assert.deepEqual(list.default, ['x', 'y']);
        assert.equal(list[1], 'y');
      });

      test('a namespace made during a cycle follows a later module.exports', () => {
        const api = registry({
          'src/a.js': function (module, exports, require, __mf) {
            exports.partial = __mf.i('src/b.js');
            module.exports = { complete: true };
          },
          'src/b.js': function (module, exports, require, __mf) {
            module.exports = { seen: __mf.i('src/a.js') };
          },
        });
        api.r('src/a.js');
        assert.equal(api.i('src/a.js').complete, true);
        assert.equal(api.i('src/a.js').default, api.r('src/a.js'));
      });
    });

    describe('s: export *', () => {
      /** Modules as the transform writes them: d() first, then one i() + s() per star. */
      function starApp() {
        return registry({
          'src/x.js': function (module, exports, require, __mf) {
            __mf.d(exports, { shared: () => shared, onlyX: () => 'x', clash: () => 'from x', local: () => 'x local', default: () => 'x default' });
          },
          'src/y.js': function (module, exports, require, __mf) {
            __mf.d(exports, { shared: () => shared, onlyY: () => 'y', clash: () => 'from y', local: () => 'y local' });
          },
          'src/z.js': function (module, exports, require, __mf) {
            __mf.d(exports, { clash: () => 'from z' });
          },
          'src/cjs.js': function (module, exports) {
            exports.fromCjs = 'cjs';
          },
          'src/barrel.js': function (module, exports, require, __mf) {
            __mf.d(exports, { local: () => local });
            var __mf$0 = __mf.i('src/x.js');
            var __mf$1 = __mf.i('src/y.js');
            var __mf$2 = __mf.i('src/z.js');
            var __mf$3 = __mf.i('src/cjs.js');
            __mf.s(exports, __mf$0);
            __mf.s(exports, __mf$1);
            __mf.s(exports, __mf$2);
            __mf.s(exports, __mf$3);
            const local = 'barrel local';
          },
        });
      }
      var shared = { same: 'object' };

      test('re-exports every key except default, as live getters', () => {
        const ns = starApp().i('src/barrel.js');
        assert.equal(ns.onlyX, 'x');
        assert.equal(ns.onlyY, 'y');
        assert.equal(ns.fromCjs, 'cjs');
        assert.equal('default' in ns, false);
        assert.equal(Object.getOwnPropertyDescriptor(ns, 'onlyX').enumerable, true);
      });

      test('keys the module defines itself win', () => {
        assert.equal(starApp().i('src/barrel.js').local, 'barrel local');
      });

      test('a key two stars give with different values is removed; the same value is kept', () => {
        const ns = starApp().i('src/barrel.js');
        assert.equal('clash' in ns, false, 'x and y (and z) disagree');
        assert.equal(ns.shared, shared, 'x and y export the same binding');
        assert.deepEqual(Object.keys(ns).sort(), ['fromCjs', 'local', 'onlyX', 'onlyY', 'shared']);
      });

      test('the same namespace starred twice is not ambiguous', () => {
        const api = registry({
          'src/x.js': function (module, exports, require, __mf) {
            __mf.d(exports, { v: () => Math.random() });
          },
          'src/b.js': function (module, exports, require, __mf) {
            __mf.d(exports, {});
            __mf.s(exports, __mf.i('src/x.js'));
            __mf.s(exports, __mf.i('src/x.js'));
          },
        });
        assert.equal(typeof api.i('src/b.js').v, 'number');
      });

      test('re-exported bindings stay live', () => {
        const api = registry({
          'src/c.js': function (module, exports, require, __mf) {
            __mf.d(exports, { n: () => n, inc: () => inc });
            let n = 0;
            const inc = () => n++;
          },
          'src/r.js': function (module, exports, require, __mf) {
            __mf.d(exports, {});
            __mf.s(exports, __mf.i('src/c.js'));
          },
        });
        const r = api.i('src/r.js');
        r.inc();
        assert.equal(r.n, 1);
      });
    });

    describe('u and p', () => {
      test('node: u is the entry file URL, p (auto) its folder', () => {
        const dir = tempDir();
        const file = join(dir, 'main.1a2b3c4d.js');
        const api = nodeRuntime(file, { publicPath: 'auto' });
        assert.equal(api.u, pathToFileURL(file).href);
        assert.equal(api.p, dir + sep);
        assert.equal(nodeRuntime(file, {}).p, dir + sep, 'no publicPath means auto');
      });

      test('an explicit public path gets a trailing slash, unless empty', () => {
        const file = join(tempDir(), 'main.js');
        assert.equal(nodeRuntime(file, { publicPath: '/static' }).p, '/static/');
        assert.equal(nodeRuntime(file, { publicPath: 'https://cdn.example/app/' }).p, 'https://cdn.example/app/');
        assert.equal(nodeRuntime(file, { publicPath: '' }).p, '');
      });

      test('web: u is the entry script URL, p (auto) its folder', () => {
        const web = fakeWeb({ src: 'http://localhost:3001/assets/main.abc.js?v=3#x' });
        const api = web.make();
        assert.equal(api.u, 'http://localhost:3001/assets/main.abc.js?v=3#x');
        assert.equal(api.p, 'http://localhost:3001/assets/');
        assert.equal(fakeWeb({ config: { publicPath: '/cdn' } }).make().p, '/cdn/');
      });

      test('web without a current script: the document URL', () => {
        const api = fakeWeb({ src: null }).make();
        assert.equal(api.u, 'http://localhost/page/index.html');
        assert.equal(api.p, 'http://localhost/page/');
      });
    });

    describe('e: import() on node', () => {
      /** An entry folder with chunk files written as emit writes them on node. */
      function nodeApp(chunkFiles, config) {
        const dir = tempDir();
        for (const [name, body] of Object.entries(chunkFiles)) writeFileSync(join(dir, name), body);
        const loads = [];
        const api = nodeRuntime(join(dir, 'main.js'), config, (id) => id.startsWith(dir) && loads.push(basename(id)));
        return { dir, api, loads };
      }
      const lazyChunk = `exports.id = "Lazy";
exports.modules = {
"src/Lazy.js": function (module, exports, require, __mf) {
__mf.d(exports, { default: () => __mf$default, shared: () => __mf$0.value });
var __mf$0 = __mf.i("src/common.js");
var __mf$default = "lazy";
},
};
`;
      const commonChunk = `exports.id = "common";
exports.modules = {
"src/common.js": function (module, exports) {
globalThis.__mfCommonRuns = (globalThis.__mfCommonRuns || 0) + 1;
exports.value = "common";
},
};
`;
      const config = {
        chunks: { Lazy: ['Lazy.1111.js', 'Lazy.1111.css'], common: ['common.2222.js'] },
        asyncDeps: { 'src/Lazy.js': ['Lazy', 'common'], 'src/Other.js': ['common'] },
      };

      test('loads every chunk the module needs, then resolves to its namespace', async () => {
        const { api } = nodeApp({ 'Lazy.1111.js': lazyChunk, 'common.2222.js': commonChunk }, config);
        const p = api.e('src/Lazy.js');
        assert.ok(p instanceof Promise);
        const ns = await p;
        assert.equal(ns.default, 'lazy');
        assert.equal(ns.shared, 'common');
        assert.equal(ns, api.r('src/Lazy.js'));
        assert.equal(await api.e('src/Lazy.js'), ns, 'a second import() resolves to the same namespace');
      });

      test('concurrent imports share one load per chunk', async () => {
        const { api, loads } = nodeApp({ 'Lazy.1111.js': lazyChunk, 'common.2222.js': commonChunk }, config);
        assert.equal(api.loadChunk('common'), api.loadChunk('common'), 'one promise per chunk');
        const [a, b, c] = await Promise.all([api.e('src/Lazy.js'), api.e('src/Other.js').catch((e) => e), api.e('src/Lazy.js')]);
        assert.equal(a, c);
        assert.match(b.message, /"src\/Other\.js"/, 'Other.js is in no chunk here: i() fails after the load');
        assert.deepEqual(loads.sort(), ['Lazy.1111.js', 'common.2222.js']);
        await api.e('src/Lazy.js');
        assert.equal(loads.length, 2, 'loaded chunks are not required again');
      });

      test('a CommonJS module imported with import() gets a namespace', async () => {
        const { api } = nodeApp({
          'c.js': 'exports.id = "c"; exports.modules = { "src/c.cjs": function (module) { module.exports = { k: 1 }; } };',
        }, { chunks: { c: ['c.js'] }, asyncDeps: { 'src/c.cjs': ['c'] } });
        const ns = await api.e('src/c.cjs');
        assert.equal(ns.k, 1);
        assert.equal(ns.default, api.r('src/c.cjs'));
      });

      test('a missing chunk file rejects naming the file and path; a retry after it appears succeeds', async () => {
        const { dir, api } = nodeApp({ 'common.2222.js': commonChunk }, config);
        const err = await rejection(api.e('src/Lazy.js'));
        assert.equal(err.name, 'ChunkLoadError');
        assert.match(err.message, /Lazy\.1111\.js/);
        assert.ok(err.message.includes(join(dir, 'Lazy.1111.js')), err.message);
        assert.match(err.message, /chunk "Lazy"/);
        assert.match(err.message, /missing/);
        writeFileSync(join(dir, 'Lazy.1111.js'), lazyChunk);
        const ns = await api.e('src/Lazy.js');
        assert.equal(ns.default, 'lazy');
      });

      test('a chunk file that throws rejects with its error as the cause', async () => {
        const { api } = nodeApp({ 'bad.js': 'throw new SyntaxError("broken chunk");' },
          { chunks: { bad: ['bad.js'] }, asyncDeps: { 'src/bad.js': ['bad'] } });
        const err = await rejection(api.e('src/bad.js'));
        assert.match(err.message, /bad\.js.*broken chunk/);
        assert.match(String(err.cause), /broken chunk/);
      });

      test('a module that throws when imported rejects the import()', async () => {
        const { api } = nodeApp({
          't.js': 'exports.id = "t"; exports.modules = { "src/t.js": function () { throw new Error("module failed"); } };',
        }, { chunks: { t: ['t.js'] }, asyncDeps: { 'src/t.js': ['t'] } });
        await assert.rejects(api.e('src/t.js'), /module failed/);
      });

      test('a module already registered needs no chunk', async () => {
        const api = registry({ 'src/here.js': (module, exports) => { exports.here = true; } });
        assert.equal((await api.e('src/here.js')).here, true);
      });
    });

    describe('start', () => {
      test('is asynchronous, loads the initial files first, then runs the entry', async () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'vendor.9.js'), `exports.id = "vendor"; exports.modules = {
"src/vendor.js": function (module, exports) { exports.v = "vendor"; }
};`);
        const api = nodeRuntime(join(dir, 'main.js'), { initial: ['vendor.9.js', 'main.9.css'] });
        const log = [];
        api.register({
          'src/index.js': function (module, exports, require) {
            log.push('entry ' + require('src/vendor.js').v);
            exports.started = true;
          },
        });
        const p = api.start('src/index.js');
        log.push('after start()');
        const exports = await p;
        assert.deepEqual(log, ['after start()', 'entry vendor']);
        assert.equal(exports.started, true);
      });

      test('start hooks and ensure hooks are awaited; module hooks see each module first', async () => {
        const api = registry({
          'src/index.js': function (module, exports) { exports.hot = module.hot; },
          'src/lazy.js': function (module, exports) { exports.ok = true; },
        });
        const log = [];
        api.hooks.start.push(() => new Promise((r) => setTimeout(() => { log.push('share scope ready'); r(); }, 5)));
        api.hooks.ensure.push((id) => { log.push('ensure ' + id); return settle(); });
        api.hooks.module.push((module) => { module.hot = 'hot:' + module.id; });
        const exports = await api.start('src/index.js');
        assert.equal(exports.hot, 'hot:src/index.js');
        assert.equal((await api.e('src/lazy.js')).ok, true);
        assert.deepEqual(log, ['share scope ready', 'ensure src/lazy.js']);
      });

      test('an entry that throws rejects the start promise', async () => {
        const api = registry({ 'src/index.js': () => { throw new Error('entry failed'); } });
        await assert.rejects(api.start('src/index.js'), /entry failed/);
      });

      test('a failing initial file rejects before the entry runs', async () => {
        const api = nodeRuntime(join(tempDir(), 'main.js'), { initial: ['nope.js'] });
        let ran = false;
        api.register({ 'src/index.js': () => { ran = true; } });
        const err = await rejection(api.start('src/index.js'));
        assert.match(err.message, /nope\.js/);
        assert.equal(ran, false);
      });
    });

    describe('web (fake document)', () => {
      const chunk = (name, id, value) =>
        `(globalThis.__mfbuild_app = globalThis.__mfbuild_app || []).push([${JSON.stringify(name)}, {
${JSON.stringify(id)}: function (module, exports, require, __mf) { __mf.d(exports, { value: () => ${JSON.stringify(value)} }); }
}]);`;
      const config = {
        chunks: { Lazy: ['Lazy.1.js', 'Lazy.1.css'] },
        asyncDeps: { 'src/Lazy.js': ['Lazy'] },
      };
      const base = 'http://localhost/app/';

      test('import() adds a script and a stylesheet, once for concurrent calls', async () => {
        const web = fakeWeb({ config, files: { [base + 'Lazy.1.js']: chunk('Lazy', 'src/Lazy.js', 'lazy'), [base + 'Lazy.1.css']: '' } });
        const api = web.make();
        const [a, b] = await Promise.all([api.e('src/Lazy.js'), api.e('src/Lazy.js')]);
        assert.equal(a, b);
        assert.equal(a.value, 'lazy');
        assert.deepEqual(web.appended.map((el) => [el.tagName, el.src || el.href, el.rel]),
          [['script', base + 'Lazy.1.js', undefined], ['link', base + 'Lazy.1.css', 'stylesheet']]);
        await api.e('src/Lazy.js');
        assert.equal(web.appended.length, 2, 'a loaded chunk is not fetched again');
        assert.equal(web.timers.size, 0, 'the timeouts are cleared');
      });

      test('a failed script rejects naming the file and URL; a retry inserts a new script', async () => {
        const web = fakeWeb({ config, files: { [base + 'Lazy.1.css']: '' } });
        const api = web.make();
        const err = await rejection(api.e('src/Lazy.js'));
        assert.equal(err.name, 'ChunkLoadError');
        assert.ok(err.message.includes('Lazy.1.js'), err.message);
        assert.ok(err.message.includes(base + 'Lazy.1.js'), err.message);
        assert.ok(web.appended[0].removed, 'the failed script is removed');
        web.files[base + 'Lazy.1.js'] = chunk('Lazy', 'src/Lazy.js', 'second try');
        assert.equal((await api.e('src/Lazy.js')).value, 'second try');
        assert.equal(web.appended.filter((el) => el.tagName == 'script').length, 2);
      });

      test('a script that loads without registering its chunk is an error', async () => {
        const web = fakeWeb({ config, files: { [base + 'Lazy.1.js']: '/* an HTML fallback page, say */', [base + 'Lazy.1.css']: '' } });
        const err = await rejection(web.make().e('src/Lazy.js'));
        assert.match(err.message, /Lazy\.1\.js.*missing/);
      });

      test('a script that never answers times out after 120 s', async () => {
        const web = fakeWeb({ config, files: { [base + 'Lazy.1.js']: null, [base + 'Lazy.1.css']: '' } });
        const p = web.make().e('src/Lazy.js');
        await settle();
        const timeouts = [...web.timers.values()].filter((t) => t.ms == 120000);
        assert.equal(timeouts.length, 1);
        timeouts[0].fn();
        const err = await rejection(p);
        assert.match(err.message, /timeout/);
        assert.ok(err.message.includes(base + 'Lazy.1.js'));
      });

      test('a failed stylesheet rejects and is removed', async () => {
        const web = fakeWeb({ config, files: { [base + 'Lazy.1.js']: chunk('Lazy', 'src/Lazy.js', 'v') } });
        const err = await rejection(web.make().e('src/Lazy.js'));
        assert.ok(err.message.includes(base + 'Lazy.1.css'), err.message);
        assert.ok(web.appended.find((el) => el.tagName == 'link').removed);
      });

      test('chunks pushed before the runtime exists are registered', async () => {
        const web = fakeWeb({ config });
        web.run(chunk('Lazy', 'src/Lazy.js', 'early'));
        const api = web.make();
        assert.equal(api.r('src/Lazy.js').value, 'early');
        assert.equal((await api.e('src/Lazy.js')).value, 'early');
        assert.equal(web.appended.length, 0, 'nothing to fetch');
      });

      test('a chunk pushed after the runtime registers at once; a second runtime sees it too', () => {
        const web = fakeWeb();
        const first = web.make();
        const second = web.make();
        web.run(chunk('X', 'src/x.js', 'x'));
        assert.equal(first.r('src/x.js').value, 'x');
        assert.equal(second.r('src/x.js').value, 'x');
        const third = web.make();
        assert.equal(third.r('src/x.js').value, 'x', 'pushes stay in the array for later runtimes');
      });

      test('start loads the entry CSS unless a link to it exists, then runs the entry', async () => {
        const existing = { rel: 'stylesheet', href: base + 'main.1.css', getAttribute: () => 'main.1.css' };
        const web = fakeWeb({
          links: [existing],
          files: { [base + 'main.1.css']: '', [base + 'extra.1.css']: '' },
          config: { initial: ['main.1.css', 'extra.1.css'] },
        });
        const api = web.make();
        let ran = 0;
        api.register({ 'src/index.js': () => { ran++; } });
        const p = api.start('src/index.js');
        assert.equal(ran, 0);
        await p;
        assert.equal(ran, 1);
        assert.deepEqual(web.appended.map((el) => el.href), [base + 'extra.1.css']);
      });

      test('a start failure is logged with console.error and rethrown', async () => {
        const web = fakeWeb();
        const api = web.make();
        api.register({ 'src/index.js': () => { throw new Error('entry failed'); } });
        const err = await rejection(api.start('src/index.js'));
        assert.match(err.message, /entry failed/);
        assert.equal(web.errors.length, 1);
        assert.equal(web.errors[0][0], err);
      });
    });

    test('a real entry chunk run by node: import(), u, p and a failing start', () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'dist'));
      const entry = (start, modules) => `(function () {
var __mf = (${text}
)({"name":"app","target":"node","publicPath":"auto",
"chunks":{"Lazy":["Lazy.abcd1234.js","Lazy.abcd1234.css"]},
"asyncDeps":{"src/Lazy.js":["Lazy"]},
"initial":["main.abcd1234.css"]});
__mf.register({
${modules}
});
__mf.start(${JSON.stringify(start)});
})();
`;
      writeFileSync(join(dir, 'dist', 'Lazy.abcd1234.js'), `exports.id = "Lazy";
exports.modules = {
"src/Lazy.js": function (module, exports, require, __mf) {
__mf.d(exports, { default: () => __mf$default });
var __mf$default = function Lazy() { return "lazy " + require("path").basename(__mf.p); };
},
};
`);
      writeFileSync(join(dir, 'dist', 'main.js'), entry('src/index.js', `"src/index.js": function (module, exports, require, __mf) {
__mf.d(exports, {});
console.log("url", __mf.u.endsWith("/dist/main.js"), __mf.u.startsWith("file://"));
__mf.e("src/Lazy.js").then(function (ns) { console.log(ns.default()); });
},`));
      const ok = spawnSync(process.execPath, [join(dir, 'dist', 'main.js')], { cwd: tmpdir(), encoding: 'utf8' });
      assert.equal(ok.stderr, '');
      assert.equal(ok.stdout, 'url true true\nlazy dist\n');
      assert.equal(ok.status, 0);

      writeFileSync(join(dir, 'dist', 'bad.js'), entry('src/index.js', `"src/index.js": function () { throw new Error("entry exploded"); },`));
      const bad = spawnSync(process.execPath, [join(dir, 'dist', 'bad.js')], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /entry exploded/);
    });
  });
}
