import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { llmCalculators } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/models.js';

// The embedding calculators are documented with the embeddings endpoint.
const doc = ['llm-calculators.md', 'embeddings.md']
  .map((file) => readFileSync(join(repoRoot, 'docs', file), 'utf8'))
  .join('\n');

/** The first ```yaml block of the `## name` section. */
function docExample(name: string): string | undefined {
  const start = doc.indexOf(`\n## ${name}\n`);
  if (start < 0) return undefined;
  const end = doc.indexOf('\n## ', start + 4);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return /```yaml\n([\s\S]*?)```/.exec(section)?.[1]?.trim();
}

describe('docs/llm-calculators.md and docs/embeddings.md', () => {
  it.each(llmCalculators.map((c) => [c.name, c] as const))(
    '%s: documented with the contract’s Example config',
    (name, c) => {
      const fromContract = /Example config:\n```yaml\n([\s\S]*?)```/.exec(c.description)?.[1]?.trim();
      expect(fromContract).toMatch(new RegExp(`^- calculator: ${name}\\n`));
      expect(docExample(name)).toBe(fromContract);
    },
  );
});
