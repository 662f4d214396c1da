// Reads code blocks out of README.md, so the tests run the examples people read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './helpers.mjs';

/**
 * The first code block of language `lang` in the README section titled `heading`, and the
 * `text` block after it, if any (the output the example prints).
 */
export function readmeBlock(heading, lang) {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section '## ${heading}'`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
  const index = blocks.findIndex((b) => b.lang === lang);
  if (index < 0) throw new Error(`README section '${heading}' has no ${lang} block`);
  const output = blocks.slice(index + 1).find((b) => b.lang === 'text');
  return { code: blocks[index].text, output: output?.text ?? '' };
}
