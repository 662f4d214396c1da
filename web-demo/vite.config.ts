// The playground: a static app whose engine runs in a worker. The worker loads the engine the
// way any host does, through the package's own exports (`@baton/engine/web` and
// `@baton/engine/wasm`, resolved by the package's self-reference): no aliases, no paths into pkg/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  server: {
    host: '127.0.0.1',
    // The engine package (the repository root) and the example repository live outside web-demo/.
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
