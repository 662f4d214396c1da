// Builds the language server and the VS Code extension (esbuild), and packages the extension.
//
//   node scripts/build-lsp.mjs          lsp/dist/server.js, editors/vscode/dist/
//   node scripts/build-lsp.mjs --vsix   the above, then target/baton-vscode.vsix (offline)
//
// The server is one CommonJS file with its npm dependencies bundled and the engine left as
// `require('@baton/engine')`: in this package (its `baton-language-server` bin) that resolves
// to the package itself through its `exports`, so the server uses the engine exactly as any
// host does. The extension ships the same server file and a copy of the engine package (its
// `package.json` and `files`) under `dist/node_modules/@baton/engine`, where the same
// `require` finds it. Run `scripts/build-wasm.sh node` first: the engine must be built.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extension = join(root, 'editors', 'vscode');
const vsix = process.argv.includes('--vsix');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  legalComments: 'none',
};

// 1. The server: the package's bin.
const server = join(root, 'lsp', 'dist', 'server.js');
await build({
  ...common,
  entryPoints: [join(root, 'lsp', 'src', 'server.ts')],
  outfile: server,
  external: ['@baton/engine'],
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(server, 0o755);

// 2. The extension: its activation code, the same server, the engine, the baton.yaml schema.
const dist = join(extension, 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [join(extension, 'src', 'extension.ts')],
  outfile: join(dist, 'extension.js'),
  external: ['vscode'],
});
cpSync(server, join(dist, 'server.js'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const engine = join(dist, 'node_modules', '@baton', 'engine');
mkdirSync(engine, { recursive: true });
writeFileSync(join(engine, 'package.json'), JSON.stringify(enginePackage(pkg), null, 2) + '\n');
for (const entry of pkg.files) {
  const from = join(root, entry);
  if (!existsSync(from)) throw new Error(`build-lsp: ${entry} is missing; run scripts/build-wasm.sh first`);
  if (entry.replace(/\/$/, '') === 'lsp/dist') continue;
  cpSync(from, join(engine, entry), { recursive: true });
}
cpSync(join(root, 'schemas', 'baton.schema.json'), join(dist, 'baton.schema.json'));
console.log(`build-lsp: ${server}, ${dist}`);

// 3. The .vsix, packaged offline (`--no-dependencies`: everything needed is in dist/).
if (vsix) {
  const out = join(root, 'target', 'baton-vscode.vsix');
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: extension, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

/** The engine's package.json as the extension ships it: the package without its tools. */
function enginePackage(pkg) {
  const { name, version, license, main, types, module, exports, files } = pkg;
  return { name, version, license, main, types, module, exports, files: files.filter((f) => !f.startsWith('lsp/')) };
}
