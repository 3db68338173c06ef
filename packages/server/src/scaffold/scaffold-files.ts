import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalculatorNames } from './calculator-name.js';
import { calculatorTemplate } from './calculator-template.js';
import { graphTemplate, inputTemplate } from './graph-template.js';
import { testTemplate } from './test-template.js';

export interface ScaffoldFile {
  readonly role: 'calculator' | 'test' | 'graph' | 'input';
  /** Relative to the target directory. */
  readonly path: string;
  readonly content: string;
}

/** The files `weft calculator new` writes into `dir` (absolute), in the order they are listed. */
export function scaffoldFiles(names: CalculatorNames, dir: string): ScaffoldFile[] {
  const stem = names.fileStem;
  return [
    { role: 'calculator', path: `${stem}.ts`, content: calculatorTemplate(names) },
    { role: 'test', path: `${stem}.test.ts`, content: testTemplate(names) },
    { role: 'graph', path: `${stem}.graph.yaml`, content: graphTemplate(names, editorSchemaFrom(dir)) },
    { role: 'input', path: `${stem}.input.jsonl`, content: inputTemplate() },
  ];
}

/**
 * The graph schema relative to `dir`, for the `yaml-language-server` modeline: the repository's
 * docs/schema in a Weft checkout, else the copy the installed @weft/server ships in schema/;
 * undefined when neither is there.
 */
function editorSchemaFrom(dir: string): string | undefined {
  // dist/scaffold/ or src/scaffold/ → the package → (in a checkout) packages/ → the repository
  const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [
    join(pkg, '..', '..', 'docs', 'schema', 'graph.schema.json'),
    join(pkg, 'schema', 'graph.schema.json'),
  ];
  const schema = candidates.find((file) => existsSync(file));
  if (schema === undefined) return undefined;
  const rel = relative(dir, schema).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}
