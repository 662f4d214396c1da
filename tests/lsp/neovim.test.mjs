// Neovim as the client: headless Neovim 0.7 (Debian's; `scripts/bootstrap.sh --test` installs
// it) attaches baton-language-server with `vim.lsp.start_client`, opens a broken
// kustomization, edits it, hovers, jumps to a definition and runs the promote code lens
// (`nvim/client.lua`). This test checks what Neovim received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exampleRepo, repoRoot, serverPath } from './helpers.mjs';

const NVIM = process.env.BATON_NVIM ?? 'nvim';

function nvimVersion() {
  try {
    return execFileSync(NVIM, ['--version']).toString().split('\n')[0];
  } catch {
    throw new Error(`Neovim (${NVIM}) is missing: run scripts/bootstrap.sh --test, which installs it from Debian`);
  }
}

test('Neovim shows Baton diagnostics, hover, definition, and applies a promotion', () => {
  assert.match(nvimVersion(), /^NVIM v0\.\d+/);
  const root = exampleRepo({
    'apps/broken/prod/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - missing.yaml\n',
    'apps/broken/prod/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
  });
  const scratch = mkdtempSync(join(tmpdir(), 'baton-nvim-'));
  const report = join(scratch, 'report.json');
  try {
    const run = spawnSync(NVIM, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${join(repoRoot, 'tests/lsp/nvim/client.lua')}`], {
      env: {
        ...process.env,
        BATON_NODE: process.execPath,
        BATON_SERVER: serverPath,
        BATON_ROOT: root,
        BATON_REPORT: report,
        // Neovim's LSP log and state stay in the scratch directory.
        XDG_CACHE_HOME: scratch,
        XDG_STATE_HOME: scratch,
        XDG_DATA_HOME: scratch,
        XDG_CONFIG_HOME: scratch,
      },
      timeout: 120000,
      encoding: 'utf8',
    });
    let data;
    try {
      data = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      assert.fail(`Neovim wrote no report (exit ${run.status}, signal ${run.signal}): ${run.stderr}`);
    }
    assert.equal(data.error, undefined, data.error);
    assert.equal(run.status, 0, run.stderr);
    const { steps } = data;

    // 1. The diagnostic, as vim.diagnostic.get() gives it (0-based lines and columns).
    assert.deepEqual(steps.broken.map(({ lnum, col, end_lnum, end_col, code, source, severity }) => ({ lnum, col, end_lnum, end_col, code, source, severity })), [
      { lnum: 2, col: 4, end_lnum: 2, end_col: 16, code: 'K003', source: 'baton', severity: 1 },
    ]);
    assert.match(steps.broken[0].message, /^resource 'missing.yaml' not found/);
    // 2. Cleared by the edit.
    assert.deepEqual(steps.fixed, []);
    // 3. A syntax error after typing: at the `[` left open on line 1, not where the parser gave up.
    assert.deepEqual(steps.syntax.map((d) => [d.code, d.lnum]), [['Y001', 0]]);

    // 4. The hover window's text (Neovim's rendering of the markdown).
    const hover = steps.hover.join('\n');
    assert.match(hover, /payment-service/);
    assert.match(hover, /staging \| `?abc1234`? \| `?apps\/payment-service\/staging\/image-patch.yaml:11/);
    assert.match(hover, /production ◀ \| `?9f8e7d6`?/);
    assert.match(hover, /Pending promotion/);

    // 5. The jump.
    assert.equal(steps.definition.file, join(root, 'apps/payment-service/base/kustomization.yaml'));
    assert.deepEqual(steps.definition.cursor, [1, 0]);

    // 6. The code lens, and its edit applied to Neovim's buffer (not saved).
    assert.deepEqual(steps.codelens, [{ line: 0, title: 'promote from staging (abc1234)', command: 'baton.promote' }]);
    assert.match(data.message_request.message, /^promote\(payment-service\): staging → production \(abc1234\)/);
    assert.deepEqual(data.message_request.actions.map((a) => a.title), ['Apply edits', 'Cancel']);
    const before = readFileSync(join(root, 'apps/payment-service/production/image-patch.yaml'), 'utf8');
    assert.equal(steps.promoted.join('\n') + '\n', before.replace('payment-service:9f8e7d6', 'payment-service:abc1234'));
    assert.equal(steps.promoted_modified, true);

    // 7. Symbols.
    assert.deepEqual(steps.symbols, ['apiVersion', 'kind', 'namespace', 'resources', 'patches']);
    assert.equal(data.exit_code, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
});
