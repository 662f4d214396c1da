// The README's "JS in Node" example runs as written and prints what the README says.
// (The "Browser" example runs in Chromium, in tests/browser/playground.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './helpers.mjs';
import { readmeBlock } from './readme.mjs';

test('README: JS in Node', () => {
  const { code, output } = readmeBlock('JS in Node', 'js');
  // Inside the package's folder, so that `require('@baton/engine')` resolves to this package.
  const dir = join(repoRoot, 'target', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'node-example.cjs');
  writeFileSync(file, code);
  const printed = execFileSync(process.execPath, [file], { cwd: repoRoot }).toString();
  assert.equal(printed.trim(), output.trim());
});
