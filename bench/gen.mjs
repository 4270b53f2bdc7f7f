#!/usr/bin/env node
// bench/gen.mjs — a deterministic generator of federated workspaces.
//
//   node bench/gen.mjs OUT_DIR [--remotes K] [--modules N] [--seed S] [--port P]
//
// Writes a host and K remotes (default 3), each with N modules (default
// 1000) of realistic React code: JSX component trees with fan-in, TS utility
// modules with types, hooks, CSS, JSON, and some import() splits.  Each
// remote exposes 5 components, the host imports them all (two statically,
// the rest lazily), and react / react-dom are shared singletons.
//
// Same arguments, same bytes: the only randomness is a seeded xorshift.
// Each app gets an mfbuild.json and a package.json pinning React 18.3.1;
// apps resolve react from the nearest node_modules up the tree.  For the
// peer tools each app also gets a webpack.config.js (webpack 5 +
// @module-federation/enhanced) and an rspack.config.js
// (@module-federation/enhanced/rspack) with the same options as
// mfbuild.json: same entry, exposes, remotes (same URLs), react / react-dom
// shared singletons, [name].[contenthash].js, no minification, manifest on,
// shareStrategy 'loaded-first'.  They require tools and loaders from the
// nearest node_modules up the tree (generate under bench/ to use
// bench/node_modules), or from $BENCH_NODE_MODULES when set; output goes
// to ./dist, or $BENCH_OUT when set.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function parseArgs(argv) {
  const o = { out: null, remotes: 3, modules: 1000, seed: 1, port: 3001 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--remotes') o.remotes = +argv[++i];
    else if (a === '--modules') o.modules = +argv[++i];
    else if (a === '--seed') o.seed = +argv[++i];
    else if (a === '--port') o.port = +argv[++i];
    else if (!a.startsWith('-') && !o.out) o.out = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.out || !(o.modules >= 60) || !(o.remotes >= 0)) {
    throw new Error('usage: node bench/gen.mjs OUT_DIR [--remotes K] [--modules N>=60] [--seed S] [--port P]');
  }
  return o;
}

function rng(seed) {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', 'cargo', 'delta', 'ember', 'fable', 'gamma', 'harbor', 'indigo',
  'jasper', 'kepler', 'lumen', 'mosaic', 'nectar', 'orbit', 'prism', 'quartz', 'raven', 'sable',
  'tundra', 'umber', 'vortex', 'willow', 'xenon', 'yonder', 'zephyr'];

function write(root, rel, text) {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

// One app: N modules split as ~15% utils (TS), ~10% hooks, rest components.
function genApp(root, app, n, rand, { exposes, remotes }) {
  const pick = (k) => Math.floor(rand() * k);
  const nUtil = Math.max(3, Math.floor(n * 0.15));
  const nHook = Math.max(2, Math.floor(n * 0.10));
  // Routes are reached only through import(): each one is its own async
  // chunk, as a lazily loaded page is in a real app.
  const nRoute = Math.max(1, Math.floor(n * 0.025));
  const nComp = n - nUtil - nHook - nRoute - 3; // index, App, styles.css counted below
  const word = (i) => WORDS[i % WORDS.length] + Math.floor(i / WORDS.length);

  for (let i = 0; i < nUtil; i++) {
    const deps = i > 0 ? [pick(i)] : [];
    write(root, `src/utils/util${i}.ts`, [
      ...deps.map((d) => `import { compute${d} } from './util${d}';`),
      `export interface Shape${i} { id: number; label: string; weight?: number }`,
      `export type Mapper${i} = (value: Shape${i}) => string;`,
      `export const UTIL_${i}_NAME: string = '${word(i)}';`,
      `export function compute${i}(items: Shape${i}[], factor: number = ${i % 7 + 1}): number {`,
      `  let total = ${deps.length ? `compute${deps[0]}([], factor)` : '0'};`,
      '  for (const item of items) total += (item.weight ?? 1) * factor + item.label.length;',
      '  return total;',
      '}',
      `export const format${i}: Mapper${i} = (v) => \`\${v.id}:\${v.label}\`;`,
      '',
    ].join('\n'));
  }
  for (let i = 0; i < nHook; i++) {
    const u = pick(nUtil);
    write(root, `src/hooks/useThing${i}.js`, [
      "import { useState, useEffect, useMemo } from 'react';",
      `import { compute${u} } from '../utils/util${u}';`,
      '',
      `export function useThing${i}(initial = ${i}) {`,
      '  const [value, setValue] = useState(initial);',
      `  const derived = useMemo(() => compute${u}([{ id: value, label: 'h${i}' }]), [value]);`,
      `  useEffect(() => { if (value > ${1000 + i}) setValue(initial); }, [value, initial]);`,
      '  return [derived, () => setValue((v) => v + 1)];',
      '}',
      '',
    ].join('\n'));
  }
  // Components: each imports up to 3 components with a higher index (a DAG
  // with fan-in), a hook and a util; every 40th is loaded with import().
  for (let i = 0; i < nComp; i++) {
    // i+1 first: every component is reachable from Comp0.
    const children = i + 1 < nComp ? [i + 1] : [];
    for (let k = 0; k < 2 && i + 2 < nComp; k++) {
      const c = i + 1 + pick(Math.min(60, nComp - i - 1));
      if (!children.includes(c)) children.push(c);
    }
    const route = i % 40 === 0 && i / 40 < nRoute ? i / 40 : null;
    // Cycling through hooks and utils makes every one of them reachable.
    const h = i % nHook, u = i % nUtil;
    const ts = i % 3 === 0;
    const ext = ts ? 'tsx' : 'jsx';
    const lines = [];
    if (route !== null) lines.push("import { lazy, Suspense } from 'react';");
    lines.push(`import { useThing${h} } from '../hooks/useThing${h}';`);
    lines.push(`import { format${u}, UTIL_${u}_NAME } from '../utils/util${u}';`);
    for (const c of children) lines.push(`import Comp${c} from './Comp${c}';`);
    if (route !== null) lines.push(`const Route${route} = lazy(() => import('../routes/Route${route}'));`);
    lines.push('');
    if (ts) lines.push(`type Props${i} = { depth?: number; title?: string };`, '');
    lines.push(`export default function Comp${i}(${ts ? `{ depth = 0, title = '${word(i)}' }: Props${i}` : `{ depth = 0, title = '${word(i)}' }`}) {`);
    lines.push(`  const [count, bump] = useThing${h}(${i});`);
    lines.push(`  if (depth > 3) return <span className="leaf">{title}</span>;`);
    lines.push('  return (');
    lines.push(`    <section className="comp-${i}" data-name={UTIL_${u}_NAME}>`);
    lines.push(`      <h3 onClick={bump}>{format${u}({ id: ${i}, label: title })} {count}</h3>`);
    for (const c of children) lines.push(`      <Comp${c} depth={depth + 1} />`);
    if (route !== null) {
      lines.push('      <Suspense fallback={<em>loading</em>}>');
      lines.push(`        <Route${route} depth={depth + 1} />`);
      lines.push('      </Suspense>');
    }
    lines.push('    </section>');
    lines.push('  );');
    lines.push('}');
    lines.push('');
    write(root, `src/components/Comp${i}.${ext}`, lines.join('\n'));
  }
  const compExt = (i) => (i % 3 === 0 ? 'tsx' : 'jsx');
  // Each route renders two components that the main tree also uses (so the
  // chunker must share, not duplicate them) and content of its own.
  for (let r = 0; r < nRoute; r++) {
    const a = pick(nComp), b = pick(nComp), u = r % nUtil;
    write(root, `src/routes/Route${r}.jsx`, [
      `import Comp${a} from '../components/Comp${a}';`,
      ...(b !== a ? [`import Comp${b} from '../components/Comp${b}';`] : []),
      `import { compute${u} } from '../utils/util${u}';`,
      '',
      `export default function Route${r}({ depth = 0 }) {`,
      '  return (',
      `    <article className="route-${r}">`,
      `      <h2>Route ${r}: {compute${u}([{ id: ${r}, label: '${word(r)}' }])}</h2>`,
      `      <Comp${a} depth={depth + 1} />`,
      ...(b !== a ? [`      <Comp${b} depth={depth + 1} />`] : []),
      '    </article>',
      '  );',
      '}',
      '',
    ].join('\n'));
  }

  write(root, 'src/styles.css', `.comp-0 { font-family: sans-serif; }\n.leaf { color: #555; }\n`);
  const appLines = ["import './styles.css';", "import Comp0 from './components/Comp0';"];
  const remoteImports = [];
  remotes.forEach((r, ri) => {
    r.exposes.forEach((key, ei) => {
      const spec = `${r.name}/${key.slice(2)}`;
      const local = `R${ri}E${ei}`;
      if (ei < 2) appLines.push(`import ${local} from '${spec}';`);
      else appLines.push(`const ${local} = lazy(() => import('${spec}'));`);
      remoteImports.push(local);
    });
  });
  if (remotes.length) appLines.unshift("import { lazy, Suspense } from 'react';");
  appLines.push('', 'export default function App() {', '  return (', '    <div className="app">', '      <Comp0 />');
  if (remoteImports.length) {
    appLines.push('      <Suspense fallback={<p>loading remote</p>}>');
    for (const l of remoteImports) appLines.push(`        <${l} />`);
    appLines.push('      </Suspense>');
  }
  appLines.push('    </div>', '  );', '}', '');
  write(root, 'src/App.jsx', appLines.join('\n'));
  write(root, 'src/index.jsx', [
    "import { createRoot } from 'react-dom/client';",
    "import App from './App';",
    '',
    "createRoot(document.getElementById('root')).render(<App />);",
    '',
  ].join('\n'));

  const cfg = {
    name: app,
    entry: './src/index.jsx',
    shared: { react: { singleton: true }, 'react-dom': { singleton: true } },
  };
  if (exposes.length) {
    cfg.exposes = {};
    for (const [key, comp] of exposes) cfg.exposes[key] = `./src/components/Comp${comp}.${compExt(comp)}`;
  }
  if (remotes.length) {
    cfg.remotes = {};
    for (const r of remotes) cfg.remotes[r.name] = `${r.name}@http://127.0.0.1:${r.port}/mf-manifest.json`;
  }
  write(root, 'mfbuild.json', JSON.stringify(cfg, null, 2) + '\n');
  write(root, 'webpack.config.js', peerConfig('webpack', cfg));
  write(root, 'rspack.config.js', peerConfig('rspack', cfg));
  write(root, 'package.json', JSON.stringify({
    name: `bench-${app}`, version: '1.0.0', private: true,
    dependencies: { react: '18.3.1', 'react-dom': '18.3.1' },
  }, null, 2) + '\n');
  return nComp;
}

// webpack.config.js / rspack.config.js equivalent to mfbuild.json `cfg`.
function peerConfig(tool, cfg) {
  const mf = {
    name: cfg.name,
    ...(cfg.exposes ? { filename: 'remoteEntry.js', exposes: cfg.exposes } : {}),
    ...(cfg.remotes ? { remotes: cfg.remotes } : {}),
    shared: {
      react: { singleton: true, requiredVersion: '^18.3.1' },
      'react-dom': { singleton: true, requiredVersion: '^18.3.1' },
    },
    manifest: true,
    dts: false,
    shareStrategy: 'loaded-first',
    experiments: { asyncStartup: true },
  };
  const head = [
    `// ${tool}.config.js — generated by bench/gen.mjs; equivalent to mfbuild.json.`,
    "const path = require('node:path');",
    "const { createRequire } = require('node:module');",
    'const nm = process.env.BENCH_NODE_MODULES;',
    "const req = nm ? createRequire(path.join(nm, 'noop.js')) : require;",
    "const modules = nm ? [nm, 'node_modules'] : ['node_modules'];",
  ];
  const common = (rules, pluginExpr) => [
    'module.exports = {',
    "  mode: 'production',",
    '  context: __dirname,',
    `  entry: { main: '${cfg.entry}' },`,
    '  devtool: false,',
    "  output: { path: process.env.BENCH_OUT || path.join(__dirname, 'dist'), publicPath: 'auto',",
    `    uniqueName: '${cfg.name}', filename: '[name].[contenthash].js', chunkFilename: '[name].[contenthash].js',`,
    "    cssFilename: '[name].[contenthash].css', cssChunkFilename: '[name].[contenthash].css', clean: true },",
    '  optimization: { minimize: false },',
    '  performance: { hints: false },',
    "  resolve: { modules, extensions: ['.tsx', '.ts', '.jsx', '.js', '.json'] },",
    '  resolveLoader: { modules },',
    '  module: { rules: [',
    ...rules.map((r) => `    ${r},`),
    '  ] },',
    `  plugins: [${pluginExpr}],`,
    '};',
    '',
  ];
  const mfText = JSON.stringify(mf, null, 2).replace(/\n/g, '\n  ');
  if (tool === 'webpack') {
    return [...head,
      "const { ModuleFederationPlugin } = req('@module-federation/enhanced/webpack');",
      "const babel = { loader: req.resolve('babel-loader'), options: { babelrc: false, configFile: false,",
      "  presets: [[req.resolve('@babel/preset-react'), { runtime: 'automatic' }], req.resolve('@babel/preset-typescript')] } };",
      '',
      ...common([
        '{ test: /\\.[jt]sx?$/, exclude: /node_modules/, use: babel }',
        "{ test: /\\.css$/, use: [req.resolve('style-loader'), req.resolve('css-loader')] }",
      ], `new ModuleFederationPlugin(${mfText})`),
    ].join('\n');
  }
  const swc = (syntax, ext) => `{ test: /\\.${ext}$/, exclude: /node_modules/, loader: 'builtin:swc-loader', options: { jsc: { parser: ${syntax}, transform: { react: { runtime: 'automatic' } } } } }`;
  return [...head,
    "const { ModuleFederationPlugin } = req('@module-federation/enhanced/rspack');",
    '',
    ...common([
      swc("{ syntax: 'ecmascript', jsx: true }", 'jsx?'),
      swc("{ syntax: 'typescript', tsx: true }", 'tsx'),
      swc("{ syntax: 'typescript' }", 'ts'),
      "{ test: /\\.css$/, use: [req.resolve('style-loader'), req.resolve('css-loader')] }",
    ], `new ModuleFederationPlugin(${mfText})`),
  ].join('\n');
}

// The host is meant to be served on `port`, remote r (0-based) on port + 1 + r.
export function generate({ out, remotes = 3, modules = 1000, seed = 1, port = 3001 }) {
  rmSync(out, { recursive: true, force: true });
  const rand = rng(seed);
  const remoteInfo = [];
  for (let r = 0; r < remotes; r++) {
    const name = `remote${r + 1}`;
    const root = join(out, name);
    // Expose 5 components spread over the tree (Comp1 .. near the middle).
    const exposes = [];
    for (let e = 0; e < 5; e++) exposes.push([`./Widget${e}`, 1 + e * 7]);
    genApp(root, name, modules, rand, { exposes, remotes: [] });
    remoteInfo.push({ name, port: port + 1 + r, exposes: exposes.map(([k]) => k) });
  }
  genApp(join(out, 'host'), 'host', modules, rand, { exposes: [], remotes: remoteInfo });
  return { apps: ['host', ...remoteInfo.map((r) => r.name)] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const o = parseArgs(process.argv.slice(2));
  const { apps } = generate(o);
  console.log(`wrote ${apps.length} apps x ${o.modules} modules to ${o.out}: ${apps.join(', ')}`);
}
