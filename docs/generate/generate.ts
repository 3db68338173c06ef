/**
 * `pnpm run docs`: regenerates every doc derived from code — docs/schema/graph.schema.json (editor
 * schema with every built-in calculator's options), docs/graph-format.md, docs/errors.md and
 * docs/calculators.md. `pnpm run docs --check` writes nothing and exits 1 when a file is out of date
 * (the tests in tests/docs check the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinCalculators } from '@weft/calculators';
import {
  buildEditorSchema,
  CalculatorRegistry,
  renderErrorsDoc,
  renderGraphFormatDoc,
} from '@weft/framework';
import { httpShapeOf, httpShapes, registerAllBuiltins } from '@weft/server';
import { loadErrorTables } from '../../tests/docs/error-tables.js';
import { readCalculatorDocs } from './calculator-docs.js';
import { renderCalculatorsPage } from './calculators-page.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every generated file (path relative to the repo root) with its expected content. */
export async function generatedDocs(): Promise<Record<string, string>> {
  const registry = registerAllBuiltins(new CalculatorRegistry());
  const calculators = await readCalculatorDocs(builtinCalculators, `${root}packages/calculators/src`);
  return {
    'docs/schema/graph.schema.json': `${JSON.stringify(buildEditorSchema(registry), null, 2)}\n`,
    'docs/graph-format.md': renderGraphFormatDoc(),
    'docs/errors.md': renderErrorsDoc(await loadErrorTables(), (code) =>
      code in httpShapes ? httpShapeOf(code) : undefined,
    ),
    'docs/calculators.md': renderCalculatorsPage(calculators),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, content] of Object.entries(await generatedDocs())) {
    const file = root + path;
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) {
      stale++;
      process.stdout.write(`${path} is out of date (run pnpm run docs)\n`);
    } else {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
