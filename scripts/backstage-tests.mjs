// Runs the tests of a Backstage plugin package with Node's test runner:
//
//   node scripts/backstage-tests.mjs backstage-backend   (or: backstage)
//
// Each `src/**/*.test.ts(x)` is compiled by esbuild into target/backstage-tests/<package>/ and
// run by `node --test`. The backend's dependencies stay external (Backstage's backend packages
// are CommonJS and load as they do in a backend). The frontend's are bundled: Backstage's
// frontend packages publish ES modules in `.esm.js` files that Node cannot `require`, which a
// bundler (webpack in an app, esbuild here) reads; the engine, jsdom and React stay external, and
// `test/setup-dom.cjs` gives the bundle a jsdom window before it loads. Types are checked by
// `tsc -p tsconfig.test.json` in each package, not here.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const packages = {
  'backstage-backend': { packages: 'external', setup: 'test/setup.cjs' },
  backstage: {
    // React stays external too: its act() finds Node's timers through `module.require`, which
    // a bundle's module shim lacks (it would fall back to MessageChannels that keep Node alive).
    external: ['@baton/engine', 'jsdom', 'react', 'react-dom', 'scheduler'],
    // Images become data URLs, as an app's bundler makes them URLs; stylesheets do nothing in jsdom.
    loader: { '.css': 'empty', '.svg': 'dataurl', '.png': 'dataurl' },
    jsx: 'automatic',
    setup: 'test/setup-dom.cjs',
  },
};
const settings = packages[name];
if (!settings) {
  console.error(`usage: node scripts/backstage-tests.mjs ${Object.keys(packages).join('|')}`);
  process.exit(2);
}

const dir = join(root, 'plugins', name);
const outdir = join(root, 'target', 'backstage-tests', name);

function testFiles(at) {
  return readdirSync(at).flatMap((entry) => {
    const full = join(at, entry);
    if (statSync(full).isDirectory()) return testFiles(full);
    return /\.test\.tsx?$/.test(entry) ? [full] : [];
  });
}

const entryPoints = testFiles(join(dir, 'src'));
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  outbase: join(dir, 'src'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  packages: settings.packages,
  external: settings.external,
  loader: settings.loader,
  jsx: settings.jsx,
  // Tests find their fixtures relative to their source, not to the bundle.
  define: { __dirname: JSON.stringify(join(dir, 'src')) },
});

const bundles = entryPoints.map((f) => join(outdir, relative(join(dir, 'src'), f)).replace(/\.tsx?$/, '.cjs'));
const args = [...(settings.setup ? ['--require', join(dir, settings.setup)] : []), '--test', ...bundles];
const run = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
process.exit(run.status ?? 1);
