// The playground: a static app whose engine (the `web` build in ../pkg/web) runs in a worker.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pkgWeb = fileURLToPath(new URL('../pkg/web/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      // The engine's wasm, as a URL the worker hands to `init` (works in dev and in builds).
      { find: /^@baton\/engine\/web\/wasm(?=\?|$)/, replacement: `${pkgWeb}baton_wasm_bg.wasm` },
      { find: /^@baton\/engine\/web$/, replacement: `${pkgWeb}baton_wasm.js` },
    ],
  },
  server: {
    host: '127.0.0.1',
    // The engine package and the example repository live outside web-demo/.
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
