import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkErrorCodeTable, parseErrorsDoc } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { errorTableSources, loadErrorTables } from './error-tables.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');

describe('docs/errors.md', () => {
  it('lists exactly the codes of every package error table (run `pnpm run docs` to regenerate)', async () => {
    const tables = await loadErrorTables();
    expect(tables.map((t) => t.package)).toContain('@weft/framework');
    const listed = parseErrorsDoc(doc);
    for (const table of tables) {
      checkErrorCodeTable(table.entries);
      const codes = table.entries.map((e) => e.code);
      const inDoc = listed.get(table.package) ?? [];
      const missing = codes.filter((c) => !inDoc.includes(c));
      const extra = inDoc.filter((c) => !codes.includes(c));
      expect(
        { package: table.package, missing, extra },
        'run `pnpm run docs` to regenerate docs/errors.md',
      ).toEqual({
        package: table.package,
        missing: [],
        extra: [],
      });
    }
  });

  it('has a section only for packages listed in error-tables.ts, and no code twice', () => {
    const listed = parseErrorsDoc(doc);
    expect([...listed.keys()].filter((p) => !errorTableSources.some((t) => t.package === p))).toEqual([]);
    const all = [...listed.values()].flat();
    expect(all.filter((c, i) => all.indexOf(c) !== i)).toEqual([]);
  });
});
