// The playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// a production build of web-demo served by `vite preview` on 127.0.0.1 at a free port, started
// and stopped by this test. Elements are found by data-testid. Screenshots go to
// target/screenshots/ so a person can look at what the test saw.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readmeBlock } from '../js/readme.mjs';
import { launchChromium, openPage as openPageAt } from './chromium.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const vite = join(repoRoot, 'node_modules', '.bin', 'vite');
const screenshots = join(repoRoot, 'target', 'screenshots');

let server;
let baseUrl;
let context;
let browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms`);
}

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  execFileSync(vite, ['build', '--logLevel', 'warn', 'web-demo'], { cwd: repoRoot, stdio: 'inherit' });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}/`;
  server = spawn(vite, ['preview', 'web-demo', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server.stdout.resume();
  await waitForServer(baseUrl, server);
  browser = await launchChromium({ width: 1440, height: 900 });
  context = browser.context;
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

/** A fresh page that fails the test on any uncaught error or console error. */
function openPage(url = baseUrl) {
  return openPageAt(context, url);
}

/** Selects the first occurrence of `text` in the editor, as a person would with the mouse. */
async function selectInEditor(page, text) {
  await page.getByTestId('editor').locator('.cm-content').focus();
  await page.evaluate((needle) => {
    const content = document.querySelector('[data-testid="editor"] .cm-content');
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at >= 0) {
        getSelection().setBaseAndExtent(node, at, node, at + needle.length);
        return;
      }
    }
    throw new Error(`'${needle}' is not in the editor`);
  }, text);
  // CodeMirror picks the DOM selection up on 'selectionchange'.
  await page.waitForFunction((needle) => getSelection().toString() === needle, text);
}

test('the playground renders the production overlay, and shows a diagnostic for broken YAML', async () => {
  const { page, problems } = await openPage();
  const rendered = page.getByTestId('rendered');
  const overlay = page.getByTestId('overlay-select');

  // The engine answers from a worker, and the production overlay is the one shown first.
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('kind: Deployment'));
  assert.equal(await overlay.inputValue(), 'apps/payment-service/production');
  const text = await rendered.textContent();
  assert.match(text, /image: registry\.example\.com\/payment-service:9f8e7d6/);
  assert.match(text, /namespace: payments-production/);
  assert.match(text, /replicas: 5/);
  assert.ok(page.workers().length >= 1, 'the engine runs in a Web Worker');
  await assert.doesNotReject(page.getByTestId('diagnostics').getByText('No problems').waitFor());
  await page.screenshot({ path: join(screenshots, 'playground-production.png') });

  // The file tree and the overlay picker list the example repository.
  const tree = page.getByTestId('file-tree');
  for (const path of ['apps/payment-service/base/deployment.yaml', 'apps/ledger-api/production/kustomization.yaml']) {
    assert.equal(await tree.locator(`[data-path="${path}"]`).count(), 1, `${path} is in the tree`);
  }
  await overlay.selectOption('apps/ledger-api/production');
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('ledger-api:2.3.0'));
  assert.match(await rendered.textContent(), /prom\/statsd-exporter:v0\.26\.1/);
  // Provenance: the ledger-api image line leads to the base, where production inherits it from.
  const imageLine = rendered.locator('.image-line', { hasText: 'ledger-api:2.3.0' });
  assert.equal(await imageLine.getAttribute('data-source'), 'apps/ledger-api/base/deployment.yaml');
  await imageLine.scrollIntoViewIfNeeded();
  await imageLine.click();
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'apps/ledger-api/base/deployment.yaml');
  assert.match(await page.locator('[data-testid="editor"] .cm-activeLine').textContent(), /image: registry\.example\.com\/ledger-api:2\.3\.0/);
  await page.screenshot({ path: join(screenshots, 'playground-provenance.png') });
  await overlay.selectOption('apps/payment-service/production');
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:9f8e7d6'));

  // Editing: a changed tag shows in the rendered output.
  await tree.locator('[data-path="apps/payment-service/production/image-patch.yaml"]').click();
  const editor = page.getByTestId('editor').locator('.cm-content');
  await assert.doesNotReject(editor.getByText('9f8e7d6').waitFor());
  await selectInEditor(page, '9f8e7d6');
  await page.keyboard.type('1a2b3c4');
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:1a2b3c4'));

  // Breaking the YAML gives a diagnostic in the list; a click jumps to it in the editor.
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('broken: [oops\n');
  const item = page.getByTestId('diagnostic-item').filter({ hasText: 'apps/payment-service/production/image-patch.yaml' });
  await item.first().waitFor();
  const label = await item.first().textContent();
  assert.match(label, /Y\d{3}/);
  assert.match(label, /image-patch\.yaml:\d+:\d+/);
  await page.screenshot({ path: join(screenshots, 'playground-diagnostic.png') });

  await page.getByTestId('overlay-select').focus();
  await item.first().click();
  const [, line] = label.match(/image-patch\.yaml:(\d+):/);
  // The document is short, so CodeMirror has every line in the DOM.
  const { activeLine, lines } = await page.evaluate(() => ({
    activeLine: document.querySelector('[data-testid="editor"] .cm-activeLine')?.textContent ?? null,
    lines: [...document.querySelectorAll('[data-testid="editor"] .cm-line')].map((l) => l.textContent),
  }));
  assert.equal(activeLine, lines[Number(line) - 1], 'the cursor is on the diagnostic line');
  assert.ok(await editor.evaluate((el) => el.contains(document.activeElement) || el === document.activeElement), 'the editor has focus');

  assert.deepEqual(problems, []);
  await page.close();
});

/** Puts the selection of the textarea on the first `needle` (as a person would), or fails. */
async function selectInTextarea(locator, needle) {
  await locator.evaluate((textarea, text) => {
    const at = textarea.value.indexOf(text);
    if (at < 0) throw new Error(`'${text}' is not in the textarea`);
    textarea.focus();
    textarea.setSelectionRange(at, at + text.length);
  }, needle);
}

test('Promotions: the status matrix, a plan whose gates flip with the context, and Apply', async () => {
  const { page, problems } = await openPage();
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('kind: Deployment'));
  await page.getByTestId('tab-promotions').click();
  const promotions = page.getByTestId('promotions');
  await promotions.waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('rendered').isVisible(), false, 'the tabs show one view at a time');

  // The matrix: environments in promotion order, the tag each runs, pending promotions.
  const matrix = page.getByTestId('status-matrix');
  const cell = (app, env) => matrix.locator(`[data-testid="status-cell"][data-app="${app}"][data-env="${env}"]`);
  const staging = cell('payment-service', 'staging');
  const production = cell('payment-service', 'production');
  const marker = production.getByTestId('pending-marker');
  await marker.waitFor();
  assert.deepEqual(await matrix.locator('thead .env-name').allTextContents(), ['staging', 'production']);
  assert.equal((await staging.locator('.img.main').textContent()).trim(), 'abc1234');
  assert.equal((await production.locator('.img.main').textContent()).trim(), '9f8e7d6');
  assert.equal(await staging.getByTestId('pending-marker').count(), 0);
  assert.equal(await marker.getAttribute('data-from'), 'staging');
  assert.match(await marker.textContent(), /⟵\s*abc1234\s*from staging/);
  // Other containers are listed after the main one.
  const ledger = cell('ledger-api', 'production');
  assert.deepEqual(
    (await ledger.locator('.img').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()),
    ['2.3.0', 'metrics v0.26.1'],
  );
  assert.equal(await page.locator('#pending-count').textContent(), '2');

  // A cell opens the file and line that set the image.
  await production.locator('.img.main').click();
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'apps/payment-service/production/image-patch.yaml');
  assert.match(await page.locator('[data-testid="editor"] .cm-activeLine').textContent(), /payment-service:9f8e7d6/);
  await ledger.locator('.img.main').click();
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'apps/ledger-api/base/deployment.yaml');
  assert.match(await page.locator('[data-testid="editor"] .cm-activeLine').textContent(), /ledger-api:2\.3\.0/);
  await page.screenshot({ path: join(screenshots, 'promotions-status.png') });

  // The context starts with the browser's clock as "now" (the engine has none).
  const contextBox = page.getByTestId('context');
  const initialText = await contextBox.inputValue();
  const initial = JSON.parse(initialText);
  assert.ok(Math.abs(Date.parse(initial.now) - Date.now()) < 10 * 60_000, `now is the current time: ${initial.now}`);
  assert.deepEqual(initial.approvals, ['alice']);

  // The plan of the pending promotion.
  await marker.click();
  const plan = page.getByTestId('plan');
  const edit = plan.getByTestId('plan-edit');
  await edit.first().waitFor();
  assert.equal(await edit.count(), 1);
  assert.equal(await edit.getAttribute('data-path'), 'apps/payment-service/production/image-patch.yaml');
  assert.deepEqual(await edit.locator('.dl-del').allTextContents(), [
    '-          image: registry.example.com/payment-service:9f8e7d6  # ← CI updates this\n',
  ]);
  assert.deepEqual(await edit.locator('.dl-add').allTextContents(), [
    '+          image: registry.example.com/payment-service:abc1234  # ← CI updates this\n',
  ]);
  assert.match(await plan.getByTestId('rendered-diff').textContent(), /\+\s+image: registry\.example\.com\/payment-service:abc1234/);
  assert.match(await plan.getByTestId('pull-request').textContent(), /promote\(payment-service\): staging → production \(abc1234\)/);
  assert.match(await plan.getByTestId('pull-request').textContent(), /promote\/payment-service\/production-abc1234/);
  const gate = (name) => plan.locator(`[data-testid="gate"][data-name="${name}"]`);
  assert.deepEqual(
    await plan.getByTestId('gate').evaluateAll((gates) => gates.map((g) => g.dataset.name)),
    ['order', 'requiredChecks', 'approvals', 'codeowners', 'immutableTags', 'soak', 'windows'],
  );
  assert.equal(await gate('requiredChecks').getAttribute('data-status'), 'pending');
  assert.match(await gate('requiredChecks').textContent(), /waiting for e2e-staging \(pending\)/);
  assert.equal(await gate('approvals').getAttribute('data-status'), 'pass');
  assert.equal(await gate('codeowners').getAttribute('data-status'), 'pass');

  // A fixed time inside the window (2026-11-24 is a Tuesday), so only the check is missing.
  const fixedTime = initialText
    .replace(initial.now, '2026-11-24T10:00:00Z')
    .replace(initial.since.staging, '2026-11-24T07:00:00Z');
  await contextBox.fill(fixedTime);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="gate"][data-name="windows"]')?.dataset.status === 'pass');
  assert.equal(await gate('soak').getAttribute('data-status'), 'pass');
  assert.equal(await gate('requiredChecks').getAttribute('data-status'), 'pending');
  assert.match(await plan.getByTestId('plan-allowed').textContent(), /blocked/);
  // The plan from its head down, on a taller screen so the edits and diffs are in the picture.
  await page.setViewportSize({ width: 1440, height: 1700 });
  await plan.locator('.plan-head').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(screenshots, 'promotions-plan.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Broken JSON is reported and does not re-plan.
  await selectInTextarea(contextBox, '"approvals"');
  await page.keyboard.type('"approvals" oops');
  await page.getByTestId('context-error').getByText('not JSON').waitFor();
  await page.keyboard.press('Control+Z');
  await contextBox.fill(fixedTime);
  // The check finishes: the gate flips to pass and the promotion is allowed.
  await selectInTextarea(contextBox, '"pending"');
  await page.keyboard.type('"success"');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="gate"][data-name="requiredChecks"]')?.dataset.status === 'pass');
  assert.equal(await page.getByTestId('context-error').isVisible(), false);
  assert.match(await plan.getByTestId('plan-allowed').textContent(), /allowed/);
  assert.ok(await plan.locator('[data-testid="gate"]').evaluateAll((gates) => gates.every((g) => g.dataset.status === 'pass')));

  // Apply: the edit lands in the repository, the promotion is no longer pending.
  const apply = plan.getByTestId('apply');
  assert.equal(await apply.isEnabled(), true);
  await apply.click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="status-cell"][data-app="payment-service"][data-env="production"] [data-testid="pending-marker"]') === null);
  assert.equal((await production.locator('.img.main').textContent()).trim(), 'abc1234');
  await plan.getByText('nothing to promote').waitFor();
  assert.equal(await plan.getByTestId('plan-allowed').textContent(), 'nothing to do');
  assert.equal(await edit.count(), 0);
  assert.equal(await apply.isEnabled(), false);
  assert.equal(await page.locator('#pending-count').textContent(), '1');
  assert.equal(await ledger.getByTestId('pending-marker').count(), 1, 'the other app is still pending');
  await promotions.evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, 'promotions-applied.png') });

  // Any app and target can be planned: ledger-api's release candidate is not an immutable tag.
  await promotions.getByLabel('App to promote').selectOption('ledger-api');
  await promotions.getByLabel('Environment to promote into').selectOption('production');
  await promotions.getByTestId('plan-button').click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="plan-edit"]')?.dataset.path === 'apps/ledger-api/production/kustomization.yaml');
  assert.equal(await gate('immutableTags').getAttribute('data-status'), 'fail');
  assert.match(await gate('immutableTags').textContent(), /not immutable: '2\.4\.0-rc\.1'/);
  assert.equal(await plan.getByTestId('plan-allowed').textContent(), '✖ blocked');
  assert.equal(await apply.textContent(), 'Apply anyway');

  // The production render changed, and the edited file shows the new tag.
  await page.getByTestId('tab-rendered').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:abc1234'));
  assert.doesNotMatch(await page.getByTestId('rendered').textContent(), /9f8e7d6/);
  await page.getByTestId('file-tree').locator('[data-path="apps/payment-service/production/image-patch.yaml"]').click();
  assert.match(await page.getByTestId('editor').locator('.cm-content').textContent(), /payment-service:abc1234  # ← CI updates this/);
  await assert.doesNotReject(page.getByTestId('diagnostics').getByText('No problems').waitFor());

  assert.deepEqual(problems, []);
  await page.close();
});

test('README: Browser example runs in Chromium', async () => {
  // The README's code, served as a module with an import map for '@baton/engine/web', from a
  // made-up origin that Playwright answers from disk: nothing goes to the network.
  const { code, output } = readmeBlock('Browser', 'js');
  const origin = 'http://baton.test';
  const html = `<!doctype html><meta charset="utf-8">
    <script type="importmap">{"imports": {"@baton/engine/web": "/pkg/web/baton_wasm.js"}}</script>
    <script type="module">${code}</script>`;
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const page = await context.newPage();
  await page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
    if (path.startsWith('/pkg/web/') || path === '/pkg/baton_wasm_bg.wasm') {
      return route.fulfill({ contentType: types[extname(path)] ?? 'application/octet-stream', body: readFileSync(join(repoRoot, path)) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  const logs = [];
  const errors = [];
  page.on('console', (m) => (m.type() === 'error' ? errors : logs).push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const expected = output.trim().split('\n');
  const done = new Promise((resolve) => {
    page.on('console', () => {
      if (logs.join('\n').split('\n').length >= expected.length) resolve();
    });
  });
  await page.goto(`${origin}/`);
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out; logs: ${logs.join('\n')}; errors: ${errors.join('\n')}`)), 15_000))]);
  assert.deepEqual(errors, []);
  assert.equal(logs.join('\n').trim(), output.trim());
  await page.close();
});
