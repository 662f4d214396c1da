// The playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// a production build of web-demo served by `vite preview` on 127.0.0.1 at a free port, started
// and stopped by this test. Elements are found by data-testid. Screenshots go to
// target/screenshots/ so a person can look at what the test saw.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readmeBlock } from '../js/readme.mjs';
import { launchChromium, openPage as openPageAt } from './chromium.mjs';

const require = createRequire(import.meta.url);
const { zipSync, strToU8 } = require('fflate');

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

/**
 * Selects the first occurrence of `text` in the editor, as a person would with the mouse.
 * CodeMirror may write its own selection back to the DOM after ours (its focus handling runs
 * asynchronously, and a slow machine lets it land later), so the selection is set again until it holds.
 */
async function selectInEditor(page, text) {
  await page.getByTestId('editor').locator('.cm-content').focus();
  for (let attempt = 1; ; attempt += 1) {
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
    // CodeMirror picks the DOM selection up on 'selectionchange'; its state must agree, so the
    // selection must still be there after a frame.
    try {
      await page.waitForFunction((needle) => getSelection().toString() === needle, text, { timeout: 3000 });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      if ((await page.evaluate(() => getSelection().toString())) === text) return;
    } catch (error) {
      if (attempt >= 8) throw error;
    }
    if (attempt >= 8) throw new Error(`the editor did not keep the selection of '${text}'`);
  }
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
  assert.deepEqual(await matrix.locator('thead .env-name').allTextContents(), ['dev', 'staging', 'production']);
  assert.equal((await staging.locator('.img.main').textContent()).trim(), 'abc1234');
  assert.equal((await production.locator('.img.main').textContent()).trim(), '9f8e7d6');
  // Staging waits for dev (Flux keeps dev on the newest 2.x tag; staging runs a git SHA).
  assert.equal(await staging.getByTestId('pending-marker').getAttribute('data-from'), 'dev');
  assert.equal(await marker.getAttribute('data-from'), 'staging');
  assert.match(await marker.textContent(), /⟵\s*abc1234\s*from staging/);
  // Other containers are listed after the main one.
  const ledger = cell('ledger-api', 'production');
  assert.deepEqual(
    (await ledger.locator('.img').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()),
    ['2.3.0', 'metrics v0.26.1'],
  );
  assert.equal(await page.locator('#pending-count').textContent(), '4');

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
  assert.equal(await page.locator('#pending-count').textContent(), '3');
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

/** Waits until the page has checked the repository (the status bar no longer says busy). */
async function settled(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="status"]');
    return status && status.dataset.kind !== 'busy' && /validated/.test(status.textContent);
  });
}

/** axe-core in the page: violations that are serious or critical, as `id: target` lines. */
async function axeViolations(page) {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

test('Pipeline board: images, strategies, arrows with direction; an arrow opens the plan with its rollout timeline and drift', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  const board = page.getByTestId('board');
  await board.waitFor({ state: 'visible' });
  const cell = (app, env) => board.locator(`[data-testid="board-cell"][data-app="${app}"][data-env="${env}"]`);
  await cell('payment-service', 'production').waitFor();
  assert.equal((await cell('payment-service', 'production').getByTestId('board-image').first().textContent()).trim(), '9f8e7d6');
  assert.equal((await cell('payment-service', 'staging').getByTestId('board-image').first().textContent()).trim(), 'abc1234');
  assert.ok((await board.getByTestId('strategy').count()) > 0, 'each environment shows its strategy');
  // ledger-api's production runs newer versions than staging: ahead, not a pending promotion.
  const ledgerArrow = (to) => board.locator(`[data-testid="board-row"][data-app="ledger-api"] [data-testid="board-arrow"][data-to="${to}"]`);
  assert.equal(await ledgerArrow('production').getAttribute('data-relation'), 'ahead');
  // dev runs 2.4.0, staging its release candidate: staging is behind (semver).
  assert.equal(await ledgerArrow('staging').getAttribute('data-relation'), 'behind');
  // Flux image automation keeps payment-service's dev up to date.
  const flux = cell('payment-service', 'dev').getByTestId('flux');
  assert.match(await flux.getAttribute('title'), /flux-system\/payment-service: semver >=2\.0\.0 <3\.0\.0/);
  assert.equal(await board.getByTestId('flux').count(), 1);
  const arrow = board.locator('[data-testid="board-row"][data-app="payment-service"] [data-testid="board-arrow"][data-to="production"]');
  assert.deepEqual([await arrow.getAttribute('data-from'), await arrow.getAttribute('data-to')], ['staging', 'production']);
  await page.screenshot({ path: join(screenshots, 'view-board.png') });

  // The walkthrough's steps lead to the views; the first one plans the pending promotion.
  const tour = board.getByTestId('tour');
  assert.match(await tour.textContent(), /Flux bumps dev.*semver >=2\.0\.0 <3\.0\.0/);
  assert.match(await tour.textContent(), /staging of ledger-api waits for dev's version/);
  assert.equal(await tour.getByTestId('tour-step').count(), 7);

  // The arrow opens the promotion view on that plan, with the rollout timeline of the workload.
  await arrow.click();
  await page.getByTestId('promotions').waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('tab-promotions').getAttribute('aria-selected'), 'true');
  const plan = page.getByTestId('plan');
  const timeline = plan.getByTestId('timeline');
  await timeline.first().waitFor();
  // Production runs payment-service as the seed's canary: a Rollout through workloadRef.
  assert.match(await timeline.first().locator('figcaption').textContent(), /^Rollout payment-service · canary · 5 replicas · at least 15m/);
  assert.ok((await timeline.first().locator('svg rect.canary').count()) >= 4, 'one bar per state');
  const waits = await timeline.first().locator('svg text.wait').allTextContents();
  assert.ok(waits.includes('‖ 5m') && waits.includes('analysis') && waits.includes('‖ 10m'), waits.join(' | '));
  assert.match(await plan.getByTestId('timelines').textContent(), /Deployment\/payment-service rolled out by Rollout\/payment-service/);
  // What the promotion does not carry: the Rollout and its analysis exist in production only,
  // where the Deployment it references is scaled to 0.
  const drift = plan.getByTestId('plan-drift');
  await drift.waitFor();
  assert.match(await drift.locator('[data-category="replicas"]').textContent(), /spec\.replicas.*2.*0/);
  assert.match(await drift.textContent(), /Rollout\/payment-service\s*only in production/);
  await page.setViewportSize({ width: 1440, height: 1700 });
  await timeline.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'view-promotion-timeline.png') });
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Environment diff: drift stands out, expected differences collapsed, live as files change', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  // The walkthrough's comparison: checkout, which keeps its overlays under overlays/.
  await page.getByTestId('tour').getByRole('button', { name: 'Compare' }).click();
  const view = page.getByTestId('envdiff');
  await view.waitFor({ state: 'visible' });
  await page.waitForFunction(() => /production differs from staging/.test(document.querySelector('[data-testid="envdiff-summary"]')?.textContent ?? ''));
  assert.equal(await view.getByTestId('envdiff-app').inputValue(), 'apps/checkout');
  const categories = await view.locator('[data-testid="envdiff-resource"] > table [data-testid="difference"]').evaluateAll((rows) => rows.map((r) => r.dataset.category).sort());
  assert.deepEqual(categories, ['config', 'replicas', 'resources']);
  assert.match(await view.getByTestId('envdiff-summary').textContent(), /3 ways beyond the expected: 1 replicas, 1 resources\/limits, 1 config data/);
  await page.screenshot({ path: join(screenshots, 'view-envdiff-checkout.png') });

  await view.getByTestId('envdiff-app').selectOption({ label: 'payment-service' });
  await page.waitForFunction(() => /only in production/.test(document.querySelector('[data-testid="envdiff-summary"]')?.textContent ?? ''));
  assert.equal(await view.getByTestId('envdiff-from').inputValue(), 'staging');
  assert.equal(await view.getByTestId('envdiff-to').inputValue(), 'production');
  const deployment = view.locator('[data-testid="envdiff-resource"][data-kind="Deployment"]');
  // Production's Deployment is the Rollout's template (scaled to 0); the Rollout is production's alone.
  assert.match(await deployment.locator('[data-testid="difference"][data-category="replicas"]').textContent(), /spec\.replicas\s*replicas\s*2\s*0/);
  assert.match(await view.locator('[data-testid="envdiff-resource"][data-kind="Rollout"]').textContent(), /only in production/);
  // Expected differences are there, folded away.
  const expected = deployment.getByTestId('envdiff-expected');
  assert.match(await expected.locator('summary').textContent(), /expected differences? \(.*promoted image/);
  assert.equal(await expected.evaluate((d) => d.open), false);
  await page.screenshot({ path: join(screenshots, 'view-envdiff.png') });

  // Live: checkout's production gets staging's replica count, and that drift is gone.
  await view.getByTestId('envdiff-app').selectOption({ label: 'checkout' });
  await page.waitForFunction(() => /1 replicas/.test(document.querySelector('[data-testid="envdiff-summary"]')?.textContent ?? ''));
  await page.getByTestId('file-tree').locator('[data-path="apps/checkout/overlays/production/kustomization.yaml"]').click();
  await page.getByTestId('editor').locator('.cm-content').getByText('PAYMENT_TIMEOUT=10s').waitFor();
  // The number is a token of its own in the editor's highlighting.
  await selectInEditor(page, '4');
  await page.keyboard.type('2');
  await page.waitForFunction(() => /2 ways beyond the expected: 1 resources\/limits, 1 config data/.test(document.querySelector('[data-testid="envdiff-summary"]')?.textContent ?? ''));
  assert.equal(await view.locator('[data-testid="difference"][data-category="replicas"]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Image updates: registry tags in, the policy pick, the setter edit and the commit message out; Apply', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  await page.getByTestId('tour').getByRole('button', { name: 'Image updates' }).click();
  const view = page.getByTestId('images');
  await view.waitFor({ state: 'visible' });
  const tags = view.locator('[data-testid="tags"][data-image="registry.example.com/payment-service"]');
  await tags.waitFor();
  // Sample tags around what dev runs (2.0.0), to edit: the registry is never contacted.
  assert.deepEqual((await tags.inputValue()).split('\n'), ['2.0.0', '2.0.1', '2.1.0', '2.1.1-rc.1', '3.0.0']);
  const policy = view.locator('[data-testid="policy"][data-name="flux-system/payment-service"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="policy"] .pick')?.textContent?.endsWith(':2.1.0'));
  assert.match(await view.getByTestId('setter-changes').textContent(), /apps\/payment-service\/dev\/image-patch\.yaml.*flux-system:payment-service.*payment-service:2\.0\.0 → registry\.example\.com\/payment-service:2\.1\.0/);
  assert.equal(await view.getByTestId('commit-message').textContent(), 'chore: update registry.example.com/payment-service:2.1.0\n\n');

  // A new tag in the registry: the pick follows as you type.
  await tags.fill('2.0.0\n2.1.0\n2.2.0\n3.0.0');
  await page.waitForFunction(() => document.querySelector('[data-testid="policy"] .pick')?.textContent?.endsWith(':2.2.0'));
  assert.match(await policy.textContent(), /semver/);
  await page.screenshot({ path: join(screenshots, 'view-image-updates.png') });

  // Apply writes Flux's edit into the repository: dev runs 2.2.0 and nothing is left to do.
  await view.getByTestId('imageupdate-apply').click();
  await page.waitForFunction(() => /Every marked value already runs/.test(document.querySelector('[data-testid="imageupdate-result"]')?.textContent ?? ''));
  await page.getByTestId('tab-board').click();
  const dev = page.getByTestId('board').locator('[data-testid="board-cell"][data-app="payment-service"][data-env="dev"]');
  assert.equal((await dev.getByTestId('board-image').first().textContent()).trim(), '2.2.0');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Previews: the example PR 42, a preview opened for another pull request and closed again', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  // The board lists the app's previews; a chip opens the view.
  const chip = page.getByTestId('board').locator('[data-testid="board-row"][data-app="payment-service"] [data-testid="board-previews"] button');
  assert.deepEqual(await chip.allTextContents(), ['PR #42']);
  await chip.click();
  const view = page.getByTestId('previews');
  await view.waitFor({ state: 'visible' });
  const row = view.locator('[data-testid="preview-row"][data-number="42"]');
  assert.match(await row.textContent(), /apps\/payment-service\/preview\/pr-42.*preview-pr-42/);

  // Open one for PR 43, built from commit c0ffee1.
  await view.getByLabel('App of the preview').selectOption({ label: 'payment-service' });
  await view.getByTestId('preview-number').fill('43');
  await view.getByTestId('preview-sha').fill('c0ffee1');
  await view.getByTestId('preview-open').click();
  const plan = view.getByTestId('preview-plan');
  await plan.getByTestId('preview-edit').first().waitFor();
  assert.match(await plan.textContent(), /Preview of PR #43: create/);
  assert.match(await plan.textContent(), /https:\/\/pr-43\.payment-service\.preview\.example\.com/);
  const created = plan.getByTestId('preview-edit');
  assert.equal(await created.first().getAttribute('data-path'), 'apps/payment-service/preview/pr-43/kustomization.yaml');
  assert.match(await created.first().textContent(), /created/);
  assert.match(await created.first().textContent(), /newTag: pr-43-c0ffe/);
  // The Application the seed's pull-request ApplicationSet (web-demo/example/argocd/
  // payment-service-previews.yaml) generates for PR 43 applies it; the rendered diff is what
  // it applies: all added, with the PR's image tag.
  const deployments = plan.getByTestId('preview-deployment');
  assert.deepEqual(await deployments.evaluateAll((rows) => rows.map((r) => r.dataset.id)), ['argo:argocd/payment-service-pr-43']);
  assert.deepEqual((await deployments.first().locator('td').allTextContents()).map((t) => t.trim()), [
    'argo:argocd/payment-service-pr-43',
    'https://staging.k8s.example.com',
    'preview-pr-43',
    'ApplicationSet payment-service-previews',
  ]);
  assert.equal(await plan.getByTestId('preview-no-deployment').count(), 0);
  const rendered = plan.getByTestId('preview-rendered-diff');
  assert.match(await rendered.textContent(), /^\+ +image: registry\.example\.com\/payment-service:pr-43-c0ffe$/m);
  assert.doesNotMatch(await rendered.textContent(), /^-(?!-- a\/)/m, 'a new preview removes nothing');
  assert.ok((await rendered.locator('.dl-add').count()) > 10, 'a new preview: every rendered line is added');
  await page.screenshot({ path: join(screenshots, 'view-previews.png') });
  await deployments.first().evaluate((row) => row.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshots, 'view-previews-rendered-diff.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe on the Previews view with a planned preview');
  await plan.getByTestId('preview-apply').click();
  await page.getByTestId('file-tree').locator('[data-path="apps/payment-service/preview/pr-43/kustomization.yaml"]').waitFor();
  await view.locator('[data-testid="preview-row"][data-number="43"]').waitFor();

  // Close it: the change set deletes its files.
  await view.locator('[data-testid="preview-row"][data-number="43"] [data-testid="preview-close"]').click();
  await plan.getByText('Close the preview of PR #43').waitFor();
  assert.match(await plan.getByTestId('preview-edit').first().textContent(), /deleted/);
  await plan.getByTestId('preview-apply').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-tree"] [data-path="apps/payment-service/preview/pr-43/kustomization.yaml"]'));
  await page.waitForFunction(() => !document.querySelector('[data-testid="preview-row"][data-number="43"]'));
  assert.equal(await view.locator('[data-testid="preview-row"][data-number="42"]').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('ApplicationSets: the seed\'s Applications with destinations and verdicts, the PR list adds a preview, a refused input says why', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  // The walkthrough leads to the view.
  await page.getByTestId('tour').getByRole('button', { name: 'ApplicationSets' }).click();
  const view = page.getByTestId('appsets-view');
  await view.waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('tab-appsets').getAttribute('aria-selected'), 'true');
  const app = (name) => view.locator(`[data-testid="generated-app"][data-name="${name}"]`);
  await app('payment-service-staging').waitFor();
  // The seed's list generator (web-demo/example/argocd/payment-service-appset.yaml): one
  // Application per element, its destination from the element, its path rendered.
  const seed = view.locator('[data-testid="appset"][data-name="payment-service-all-envs"] [data-testid="generated-app"]');
  assert.deepEqual(await seed.evaluateAll((rows) => rows.map((r) => r.dataset.name)), ['payment-service-staging', 'payment-service-production']);
  const row = async (name) => (await app(name).locator('td').allTextContents()).map((t) => t.trim());
  assert.deepEqual(await row('payment-service-staging'), ['payment-service-staging', 'https://staging.k8s.example.com', 'payments-staging', 'apps/payment-service/staging', 'renders']);
  assert.deepEqual(await row('payment-service-production'), ['payment-service-production', 'https://prod.k8s.example.com', 'payments-production', 'apps/payment-service/production', 'renders']);
  // Without pull requests the pullRequest generator makes nothing, and says so.
  const previews = view.locator('[data-testid="appset"][data-name="payment-service-previews"]');
  assert.equal(await previews.getByTestId('generated-app').count(), 0);
  assert.match(await previews.textContent(), /A005 no pull request list was given/);

  // PR 42, labelled preview, in the pull request list: its preview Application appears.
  const pulls = view.getByTestId('appset-pulls');
  await pulls.fill(JSON.stringify([{ number: 42, branch: 'feature/faster-checkout', targetBranch: 'main', headSha: 'ab1cd2e', labels: ['preview'] }]));
  await app('payment-service-pr-42').waitFor();
  assert.deepEqual(await row('payment-service-pr-42'), ['payment-service-pr-42', 'https://staging.k8s.example.com', 'preview-pr-42', 'apps/payment-service/preview/pr-42', 'renders']);
  // A pull request without the label is not selected by the generator's label filter.
  await pulls.fill(JSON.stringify([{ number: 42, branch: 'feature/faster-checkout', targetBranch: 'main', headSha: 'ab1cd2e', labels: ['preview'] }, { number: 7, branch: 'docs', targetBranch: 'main', headSha: 'c0ffee1' }]));
  await page.waitForFunction(() => /expanded/.test(document.querySelector('[data-testid="appsets"]')?.textContent ?? ''));
  await page.waitForTimeout(400);
  assert.equal(await app('payment-service-pr-7').count(), 0);
  assert.equal(await app('payment-service-pr-42').count(), 1);
  await page.screenshot({ path: join(screenshots, 'view-appsets.png') });

  // Cluster JSON that does not parse: the message is next to the field, the Applications stay.
  const clusters = view.getByTestId('appset-clusters');
  const clustersError = view.getByTestId('appset-clusters-error');
  await clusters.fill('[{"name": "staging",');
  await page.waitForFunction(() => /input\.clusters is not JSON/.test(document.querySelector('[data-testid="appset-clusters-error"]')?.textContent ?? ''));
  assert.equal(await clusters.getAttribute('aria-invalid'), 'true');
  assert.equal(await app('payment-service-staging').count(), 1, 'the last expansion stays on screen');
  // JSON the engine refuses: its own message, naming the field.
  await clusters.fill('[{"name": "staging"}]');
  await page.waitForFunction(() => document.querySelector('[data-testid="appset-clusters-error"]')?.textContent === 'input.clusters[0].server is required');
  await page.screenshot({ path: join(screenshots, 'view-appsets-error.png') });
  await clusters.fill('[{"name": "staging", "server": "https://staging.k8s.example.com"}]');
  await page.waitForFunction(() => document.querySelector('[data-testid="appset-clusters-error"]')?.textContent === '');
  assert.equal(await clusters.getAttribute('aria-invalid'), 'false');
  assert.equal(await clustersError.isVisible(), false);
  // No pull request again, then the example's PR 42 from its button.
  await pulls.fill('[]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="generated-app"][data-name="payment-service-pr-42"]'));
  await view.getByTestId('appset-add-pull').click();
  await app('payment-service-pr-42').waitFor();
  assert.deepEqual(JSON.parse(await pulls.inputValue()).map((p) => [p.number, p.labels]), [[42, ['preview']]]);

  // Live: a broken path fails its Application's verdict, with the diagnostic.
  await app('payment-service-staging').getByRole('button', { name: 'apps/payment-service/staging' }).click();
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'apps/payment-service/staging/kustomization.yaml');
  await selectInEditor(page, '../base');
  await page.keyboard.type('../nowhere');
  await page.waitForFunction(() => document.querySelector('[data-testid="generated-app"][data-name="payment-service-staging"] [data-testid="source-status"]')?.textContent === 'fails');
  assert.match(await app('payment-service-staging').getByTestId('app-diagnostic').textContent(), /^A015 apps\/payment-service\/staging does not render/);
  assert.equal(await app('payment-service-production').getByTestId('source-status').textContent(), 'renders');
  assert.deepEqual(await axeViolations(page), [], 'axe on the ApplicationSets view');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Clusters on the board and what a cluster applies: the staging cluster\'s render with its substituted values', async () => {
  const { page, problems } = await openPage(`${baseUrl}#board`);
  await settled(page);
  const board = page.getByTestId('board');
  const cell = (app, env) => board.locator(`[data-testid="board-cell"][data-app="${app}"][data-env="${env}"]`);
  await cell('payment-service', 'staging').getByTestId('deployed-by').first().waitFor();
  // payment-service's staging is applied by the staging cluster's Flux Kustomization
  // (web-demo/example/clusters/staging-cluster/apps.yaml) and generated by the seed's
  // ApplicationSet for the staging server; both land in payments-staging.
  const staging = await cell('payment-service', 'staging').getByTestId('deployed-by').allTextContents();
  assert.deepEqual(staging.map((t) => t.trim()), ['⎈ staging-cluster · payments-staging', 'A https://staging.k8s.example.com · payments-staging']);
  assert.equal(await cell('payment-service', 'production').getByTestId('deployed-by').first().getAttribute('data-id'), 'flux:flux-system/payment-service@production-cluster');
  // The generated Application leads to the ApplicationSets view.
  await cell('payment-service', 'staging').locator('[data-testid="deployed-by"][data-application="payment-service-staging"]').click();
  await page.getByTestId('appsets-view').locator('[data-testid="generated-app"][data-name="payment-service-staging"]').waitFor();
  await page.getByTestId('tab-board').click();
  assert.deepEqual((await cell('ledger-api', 'production').getByTestId('deployed-by').allTextContents()).map((t) => t.trim()), ['⎈ production-cluster · ledger-production']);
  // dev is applied by the dev cluster (web-demo/example/clusters/dev-cluster/apps.yaml).
  assert.deepEqual((await cell('payment-service', 'dev').getByTestId('deployed-by').allTextContents()).map((t) => t.trim()), ['⎈ dev-cluster · payments-dev']);
  assert.equal(await board.getByTestId('undeployed').count(), 0);

  // The clusters strip: each cluster's deployments in apply order (the bootstrap
  // Kustomization first, ledger-api dependsOn payment-service, the rest by id).
  const clusters = board.getByTestId('board-clusters');
  assert.deepEqual(await clusters.getByTestId('cluster').evaluateAll((c) => c.map((x) => x.dataset.name)), ['dev-cluster', 'https://prod.k8s.example.com', 'https://staging.k8s.example.com', 'production-cluster', 'staging-cluster']);
  const order = clusters.locator('[data-testid="cluster"][data-name="staging-cluster"] [data-testid="cluster-deployment"]');
  assert.deepEqual(await order.allTextContents(), ['flux-system/flux-system', 'flux-system/checkout', 'flux-system/payment-service', 'flux-system/ledger-api']);

  // Point the dev cluster's payment-service elsewhere: dev is deployed by nothing, the D020
  // warning, visibly.
  await page.getByTestId('file-tree').locator('[data-path="clusters/dev-cluster/apps.yaml"]').click();
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'clusters/dev-cluster/apps.yaml');
  await selectInEditor(page, './apps/payment-service/dev');
  await page.keyboard.type('./apps/payment-service/gone');
  await page.getByTestId('tab-board').click();
  const dev = cell('payment-service', 'dev').getByTestId('undeployed');
  await dev.waitFor();
  assert.equal((await dev.textContent()).trim(), '▲ D020 deployed by nothing');
  assert.match(await dev.getAttribute('title'), /payment-service in dev \(apps\/payment-service\/dev\) is deployed by no Flux Kustomization or Argo CD Application/);
  assert.equal(await board.getByTestId('undeployed').count(), 1);
  await clusters.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'view-board-clusters.png') });

  // A deployment opens its render: the overlay with the Flux Kustomization's patch and
  // postBuild substitutions (substitute: cluster_name, log_level; ConfigMap cluster-vars:
  // cluster_region), as kustomize-controller applies it.
  await order.filter({ hasText: 'flux-system/payment-service' }).click();
  const view = page.getByTestId('deployments');
  await view.waitFor({ state: 'visible' });
  assert.equal(await page.getByTestId('tab-deployments').getAttribute('aria-selected'), 'true');
  assert.equal(await view.getByTestId('deployment-select').inputValue(), 'flux:flux-system/payment-service@staging-cluster');
  const yaml = view.getByTestId('deployment-yaml');
  await yaml.waitFor();
  const text = await yaml.textContent();
  assert.match(text, /example\.com\/region: eu-west-1/);
  assert.match(text, /example\.com\/cluster: staging-cluster/);
  assert.match(text, /- name: LOG_LEVEL\n\s+value: debug/);
  assert.doesNotMatch(text, /\$\{/, 'every variable is substituted');
  const variables = await view.getByTestId('variable').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(variables, [
    ['${cluster_region}', 'eu-west-1', 'ConfigMap/cluster-vars'],
    ['${cluster_name}', 'staging-cluster', 'substitute'],
    ['${log_level}', 'debug', 'substitute'],
  ]);
  // The substituted lines are marked with their variable.
  const region = yaml.locator('.subst-line[data-variable="cluster_region"]');
  assert.match(await region.first().textContent(), /example\.com\/region: eu-west-1/);
  assert.match(await view.getByTestId('deployment-verdict').textContent(), /^renders: \d+ resources? in payments-staging/);
  await region.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'view-deployment-render.png') });

  // Live: a new value in the cluster's ConfigMap is what the render substitutes.
  await view.getByRole('button', { name: 'clusters/staging-cluster/apps.yaml' }).waitFor();
  await page.getByTestId('file-tree').locator('[data-path="clusters/staging-cluster/cluster-vars.yaml"]').click();
  // The editor shows the file before the selection is made (else opening it drops the selection).
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'clusters/staging-cluster/cluster-vars.yaml');
  await selectInEditor(page, 'eu-west-1');
  await page.keyboard.type('us-east-2');
  await page.waitForFunction(() => /example\.com\/region: us-east-2/.test(document.querySelector('[data-testid="deployment-yaml"]')?.textContent ?? ''));
  assert.deepEqual(await axeViolations(page), [], 'axe on the Deployments view');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Open a folder: read in the browser, .git and binaries skipped and counted; a .zip too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-folder-'));
  const write = (path, content) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  write('shop/apps/cart/base/kustomization.yaml', 'resources: [deployment.yaml]\n');
  write('shop/apps/cart/base/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  template:\n    spec:\n      containers:\n      - name: cart\n        image: reg.example.com/cart:1.0.0\n');
  write('shop/apps/cart/dev/kustomization.yaml', 'resources: [../base]\nnamespace: cart-dev\nimages:\n- name: reg.example.com/cart\n  newTag: 1.1.0\n');
  write('shop/apps/cart/prod/kustomization.yaml', 'resources: [../base]\nnamespace: cart-prod\n');
  write('shop/.git/HEAD', 'ref: refs/heads/main\n');
  write('shop/.git/config', '[core]\n');
  write('shop/docs/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x01]));
  try {
    const { page, problems } = await openPage(`${baseUrl}#board`);
    await settled(page);
    assert.match(await page.getByTestId('privacy').textContent(), /nothing is uploaded/);
    await page.getByTestId('open-folder').setInputFiles(join(dir, 'shop'));
    await page.waitForFunction(() => document.querySelector('[data-testid="repo-name"]')?.textContent === 'shop');
    await settled(page);
    const summary = await page.getByTestId('load-summary').textContent();
    assert.match(summary, /shop: 4 files read · skipped \.git \(2 entries\), 1 binary/);
    assert.match(await page.getByTestId('notice').textContent(), /Nothing was uploaded/);
    const paths = await page.getByTestId('file-item').evaluateAll((items) => items.map((i) => i.dataset.path));
    assert.deepEqual(paths.sort(), ['apps/cart/base/deployment.yaml', 'apps/cart/base/kustomization.yaml', 'apps/cart/dev/kustomization.yaml', 'apps/cart/prod/kustomization.yaml']);
    const arrow = page.getByTestId('board').locator('[data-testid="board-row"][data-app="cart"] [data-testid="board-arrow"]');
    await arrow.waitFor();
    assert.equal(await arrow.getAttribute('data-from'), 'dev');
    await page.screenshot({ path: join(screenshots, 'open-folder.png') });

    // A .zip of the same repository (as GitHub serves it: one top directory).
    const zip = zipSync({
      'cart-main/apps/cart/base/kustomization.yaml': strToU8('resources: [deployment.yaml]\n'),
      'cart-main/apps/cart/base/deployment.yaml': strToU8(readFileSync(join(dir, 'shop/apps/cart/base/deployment.yaml'), 'utf8')),
      'cart-main/apps/cart/prod/kustomization.yaml': strToU8('resources: [../base]\n'),
      'cart-main/.git/HEAD': strToU8('ref: refs/heads/main\n'),
    });
    await page.getByTestId('open-zip').setInputFiles({ name: 'cart-main.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    await page.waitForFunction(() => document.querySelector('[data-testid="repo-name"]')?.textContent === 'cart-main');
    assert.match(await page.getByTestId('load-summary').textContent(), /cart-main: 3 files read · skipped \.git \(1 entry\)/);
    await settled(page);
    assert.equal(await page.getByTestId('file-item').count(), 3);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Share: a link carries the changed files and restores them; a repository too large says so', async () => {
  const { page, problems } = await openPage();
  await settled(page);
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.getByText('9f8e7d6').waitFor();
  await selectInEditor(page, '9f8e7d6');
  await page.keyboard.type('5e5e5e5');
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:5e5e5e5'));
  await page.getByTestId('share').click();
  const link = page.getByTestId('share-link');
  await link.waitFor({ state: 'visible' });
  const url = await link.inputValue();
  assert.match(url, /#share=[A-Za-z0-9_-]+$/);
  assert.match(await page.getByTestId('notice').textContent(), /1 changed and 0 deleted files/);
  await page.screenshot({ path: join(screenshots, 'share-link.png') });

  // The link, in a new page: the same edit, and the rest of the example.
  const { page: opened, problems: openedProblems } = await openPage(url);
  await settled(opened);
  await opened.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:5e5e5e5'));
  assert.match(await opened.getByTestId('notice').textContent(), /Opened a shared link: 1 file differs from the example/);
  assert.ok(!opened.url().includes('#share='), 'the fragment is consumed');
  assert.equal(await opened.getByTestId('file-item').count(), await page.getByTestId('file-item').count());
  await opened.close();

  // A damaged link says so and falls back to the example.
  const { page: damaged, problems: damagedProblems } = await openPage(`${baseUrl}#share=AAAA`);
  await settled(damaged);
  assert.match(await damaged.getByTestId('notice').textContent(), /Could not open the shared link: the link is damaged/);
  await damaged.close();

  // Too much for a link: an incompressible file of 60 KB, opened as a folder.
  const dir = mkdtempSync(join(tmpdir(), 'baton-big-'));
  try {
    mkdirSync(join(dir, 'big', 'apps', 'web', 'prod'), { recursive: true });
    writeFileSync(join(dir, 'big', 'apps', 'web', 'prod', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
    // Random bytes do not compress: 60 KB of base64 stays over 32 KB deflated.
    const noise = randomBytes(45_000).toString('base64');
    writeFileSync(join(dir, 'big', 'apps', 'web', 'prod', 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  noise: ${noise}\n`);
    await page.getByTestId('open-folder').setInputFiles(join(dir, 'big'));
    await page.waitForFunction(() => document.querySelector('[data-testid="repo-name"]')?.textContent === 'big');
    await settled(page);
    await page.getByTestId('share').click();
    await page.getByTestId('notice').getByText('Too large for a link').waitFor();
    assert.equal(await link.isVisible(), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual([...problems, ...openedProblems, ...damagedProblems], []);
  await page.close();
});

test('Watchdog: a hung or crashed engine is restarted with a visible message, and the edits are kept', async () => {
  const { page, problems } = await openPage(`${baseUrl}?watchdog=1500`);
  await settled(page);
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.getByText('9f8e7d6').waitFor();
  await selectInEditor(page, '9f8e7d6');
  await page.keyboard.type('7d7d7d7');
  await page.waitForFunction(() => document.querySelector('[data-testid="rendered"]')?.textContent?.includes('payment-service:7d7d7d7'));

  // The engine stops answering: after the deadline the page says so and starts a new worker.
  const hung = await page.evaluate(() => window.baton.engine.call('hang', 20_000).then(() => 'answered', (e) => e.message));
  assert.match(hung, /did not answer hang within 1\.\d s/);
  await page.getByTestId('notice').getByText(/restarted with your files/).waitFor();
  await settled(page);
  assert.match(await page.getByTestId('rendered').textContent(), /payment-service:7d7d7d7/, 'the edit survived the restart');
  assert.match(await editor.textContent(), /7d7d7d7/);
  await page.screenshot({ path: join(screenshots, 'watchdog-restarted.png') });

  // The worker dies: the same recovery.
  await page.getByTestId('notice').locator('#notice-close').click();
  const restarts = await page.evaluate(() => window.baton.engine.restarts);
  await page.evaluate(() => window.baton.engine.call('crash'));
  await page.waitForFunction((n) => window.baton.engine.restarts > n, restarts);
  await page.getByTestId('notice').getByText(/engine worker failed/).waitFor();
  await settled(page);
  assert.match(await page.getByTestId('rendered').textContent(), /payment-service:7d7d7d7/);
  // The crash is the test's own doing: Chromium reports the worker's uncaught error.
  assert.deepEqual(problems.filter((p) => !/crashed \(on request\)/.test(p)), []);
  await page.close();
});

test('Accessibility: keyboard, focus kept in the tree, buttons for diagnostics, an exit from the editor, no serious axe violations', async () => {
  const { page, problems } = await openPage();
  await settled(page);
  // The editor has an accessible name; Escape then Tab leaves it.
  const content = page.getByTestId('editor').locator('.cm-content');
  assert.equal(await content.getAttribute('aria-label'), 'Editor: apps/payment-service/production/image-patch.yaml');
  await content.click();
  await page.keyboard.press('Tab');
  assert.ok(await content.evaluate((el) => el.contains(document.activeElement)), 'Tab indents inside the editor');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.ok(await content.evaluate((el) => !el.contains(document.activeElement)), 'Escape then Tab leaves the editor');
  await page.keyboard.press('Control+Z');

  // The file tree: a collapsed directory stays collapsed and the focused file keeps focus
  // while the tree is drawn again (after each check).
  const tree = page.getByTestId('file-tree');
  await tree.locator('summary[data-dir="apps/ledger-api"]').click();
  const file = tree.locator('[data-path="apps/payment-service/base/service.yaml"]');
  await file.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#editor-title')?.textContent === 'apps/payment-service/base/service.yaml');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'apps/payment-service/base/service.yaml');
  assert.equal(await tree.locator('summary[data-dir="apps/ledger-api"]').evaluate((s) => s.parentElement.open), false);
  assert.equal(await content.getAttribute('aria-label'), 'Editor: apps/payment-service/base/service.yaml');

  // The views are tabs: arrows move between them.
  await page.getByTestId('tab-rendered').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('tab-board').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tab-board');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tab-deployments');

  // The live region announces the verdict of each check; diagnostics are buttons.
  assert.equal(await page.getByTestId('status').getAttribute('aria-live'), 'polite');
  await page.getByTestId('tab-rendered').click();
  await tree.locator('[data-path="apps/payment-service/production/image-patch.yaml"]').click();
  await content.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('broken: [oops\n');
  const item = page.getByTestId('diagnostic-item').first();
  await item.waitFor();
  assert.equal(await item.evaluate((el) => el.tagName), 'BUTTON');
  await page.waitForFunction(() => /\d+ errors?/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''));
  await item.focus();
  await page.keyboard.press('Enter');
  assert.ok(await content.evaluate((el) => el.contains(document.activeElement)), 'Enter on a diagnostic jumps into the editor');

  // axe-core on every view.
  for (const view of ['rendered', 'board', 'promotions', 'images', 'envdiff', 'previews', 'appsets', 'deployments']) {
    await page.getByTestId(`tab-${view}`).click();
    await page.waitForTimeout(200);
    assert.deepEqual(await axeViolations(page), [], `axe on the ${view} view`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
