// The Backstage EntityBatonCard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): plugins/backstage/test/screenshot.tsx bundled by esbuild for the browser,
// fed the engine's status and plan of the example repository (web-demo/example), opened from a
// file. Screenshots go to target/screenshots/; docs/backstage-card.png in the README is a copy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

import { baton, readTree, repoRoot } from '../js/helpers.mjs';
import { launchChromium, openPage } from './chromium.mjs';

const screenshots = join(repoRoot, 'target', 'screenshots');
const example = join(repoRoot, 'web-demo', 'example');
// A Thursday inside the example's deployment window, so the window gate reads as it would then.
const NOW = '2026-12-03T10:00:00Z';

let browser;
let pageDir;

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
  const ws = new baton.Workspace(readTree(example));
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
  browser = await launchChromium({ width: 800, height: 700 });
});

after(async () => {
  await browser?.close();
  if (pageDir) rmSync(pageDir, { recursive: true, force: true });
});

test('the EntityBatonCard renders the example repository, and its dialog the plan', async () => {
  const { page, problems } = await openPage(browser.context, pathToFileURL(join(pageDir, 'index.html')).href);

  const card = page.getByTestId('card');
  await card.getByTestId('baton-environments').waitFor();
  assert.equal(await card.getByTestId('baton-env-staging').getByText('abc1234').count(), 1);
  assert.equal(await card.getByTestId('baton-env-production').getByText('9f8e7d6').count(), 1);
  assert.match(await card.getByTestId('baton-pending-production').innerText(), /payment-service: 9f8e7d6 → abc1234/);
  await card.screenshot({ path: join(screenshots, 'backstage-card.png') });

  await card.getByTestId('baton-pending-production').getByRole('button', { name: 'Preview promotion' }).click();
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
