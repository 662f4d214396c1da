// The Backstage EntityBatonCard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): plugins/backstage/test/screenshot.tsx bundled by esbuild for the browser,
// fed the engine's status and plan of the example repository (web-demo/example), opened from a
// file. Screenshots go to target/screenshots/; docs/backstage-card.png in the README is a copy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { Workspace } = require('@baton/engine');

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const screenshots = join(repoRoot, 'target', 'screenshots');
const example = join(repoRoot, 'web-demo', 'example');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// A Thursday inside the example's deployment window, so the window gate reads as it would then.
const NOW = '2026-12-03T10:00:00Z';

let context;
let userDataDir;
let pageDir;

function readRepo(dir, files = {}) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) readRepo(full, files);
    else files[relative(example, full).split('\\').join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  pageDir = mkdtempSync(join(tmpdir(), 'baton-backstage-card-'));
  await build({
    entryPoints: [join(repoRoot, 'plugins', 'backstage', 'test', 'screenshot.tsx')],
    outfile: join(pageDir, 'card.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    minify: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'empty', '.svg': 'dataurl', '.png': 'dataurl' },
  });
  const ws = new Workspace(readRepo(example));
  const status = ws.status();
  const plans = {};
  for (const app of status.apps) {
    for (const pending of app.pending) {
      plans[`${app.name}:${pending.to}`] = ws.planPromotion({ app: app.name, to: pending.to, context: { now: NOW } });
    }
  }
  const data = {
    status,
    plans,
    repository: {
      repository: 'https://github.com/acme/gitops',
      branch: 'main',
      treeUrl: 'https://github.com/acme/gitops/tree/main',
      etag: 'example',
    },
  };
  writeFileSync(
    join(pageDir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Baton card</title></head>
<body style="margin:0;background:#f8f8f8"><div id="root"></div>
<script>window.BATON_DATA = ${JSON.stringify(data).replaceAll('<', '\\u003c')};</script>
<script src="card.js"></script></body></html>`,
  );
  userDataDir = mkdtempSync(join(tmpdir(), 'baton-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 800, height: 700 },
  });
});

after(async () => {
  await context?.close();
  for (const dir of [userDataDir, pageDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the EntityBatonCard renders the example repository, and its dialog the plan', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(pathToFileURL(join(pageDir, 'index.html')).href);

  const card = page.getByTestId('card');
  await card.getByTestId('baton-environments').waitFor();
  assert.equal(await card.getByTestId('baton-env-staging').getByText('abc1234').count(), 1);
  assert.equal(await card.getByTestId('baton-env-production').getByText('9f8e7d6').count(), 1);
  assert.match(await card.getByTestId('baton-pending-production').innerText(), /payment-service: 9f8e7d6 → abc1234/);
  await card.screenshot({ path: join(screenshots, 'backstage-card.png') });

  await card.getByRole('button', { name: 'Preview promotion' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('baton-plan-gates').waitFor();
  assert.match(await dialog.getByTestId('baton-gate-approvals').innerText(), /pending\s+approvals\s+0 of 1 approvals/);
  assert.equal(
    await dialog.getByTestId('baton-pr-title').innerText(),
    'promote(payment-service): staging → production (abc1234)',
  );
  await dialog.getByText('+          image: registry.example.com/payment-service:abc1234', { exact: false }).first().waitFor();
  await page.screenshot({ path: join(screenshots, 'backstage-dialog.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
