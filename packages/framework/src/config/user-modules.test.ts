import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, validateGraphFile } from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

// Plain-object definitions: the shape defineCalculator returns, without importing the framework.
const calc = (name: string, extra = '') =>
  `{ name: '${name}', description: 'test', inputs: { IN: { type: { name: 'any', check: () => undefined } } }, outputs: { OUT: { type: { name: 'any', check: () => undefined } } }${extra}, create: () => ({}) }`;

write('calcs/upper.js', `export const Upper = ${calc('UpperCalculator')};\nexport const helper = 42;\n`);
write('calcs/many.js', `export default [${calc('LowerCalculator')}, ${calc('TrimCalculator')}];\n`);
write('calcs/none.js', 'export const value = 1;\n');
write('calcs/bad-array.js', `export const list = [${calc('GoodCalculator')}, 'oops'];\n`);
write('calcs/shout.ts', `export const Shout = ${calc('ShoutCalculator')} as const;\n`);
write('calcs/both.js', `export const Both = ${calc('BothJsCalculator')};\n`);
write('calcs/both.ts', `export const Both = ${calc('BothTsCalculator')};\n`);
write('calcs/clash.js', `export const Pass = ${calc('PassThroughCalculator')};\n`);
write(
  'node_modules/weft-test-calcs/package.json',
  JSON.stringify({ name: 'weft-test-calcs', type: 'module', exports: { '.': { import: './esm/index.js' } } }),
);
write('node_modules/weft-test-calcs/esm/index.js', `export const Reverse = ${calc('ReverseCalculator')};\n`);

const chain = (calculators: string[], names: string[]) =>
  [
    `calculators: [${calculators.map((c) => `'${c}'`).join(', ')}]`,
    'input_stream: [s0]',
    'nodes:',
    ...names.flatMap((n, i) => [
      `  - calculator: ${n}`,
      `    input_stream: IN:s${i}`,
      `    output_stream: OUT:s${i + 1}`,
    ]),
    '',
  ].join('\n');

describe('calculators: user modules loaded by a graph', () => {
  it('registers every exported definition (named, default arrays, npm packages) for that graph only', async () => {
    const file = write(
      'graphs/ok.yaml',
      chain(
        ['../calcs/upper.js', '../calcs/many.js', 'weft-test-calcs'],
        ['UpperCalculator', 'LowerCalculator', 'TrimCalculator', 'ReverseCalculator'],
      ),
    );
    const registry = testRegistry();
    const result = await validateGraphFile(file, { registry });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.graph?.nodes.map((n) => n.calculator.name)).toEqual([
      'UpperCalculator',
      'LowerCalculator',
      'TrimCalculator',
      'ReverseCalculator',
    ]);
    expect(result.graph?.dir).toBe(join(dir, 'graphs'));
    expect(registry.has('UpperCalculator')).toBe(false);
  });

  it('loads `./x.js` from `./x.ts` when only the TypeScript source exists, as nodenext resolves it', async () => {
    const file = write(
      'graphs/ts.yaml',
      chain(['../calcs/shout.js', '../calcs/both.js'], ['ShoutCalculator', 'BothJsCalculator']),
    );
    const result = await validateGraphFile(file, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.graph?.nodes.map((n) => n.calculator.name)).toEqual([
      'ShoutCalculator',
      'BothJsCalculator',
    ]);
  });

  it('reports a missing module, a module without calculators, a non-calculator in an array and a name clash at their entries', async () => {
    const file = write(
      'graphs/bad.yaml',
      [
        'calculators:',
        '  - ../calcs/missing.js',
        '  - ../calcs/none.js',
        '  - ../calcs/bad-array.js',
        '  - ../calcs/clash.js',
        '  - not-installed-pkg',
        'nodes: []',
        '',
      ].join('\n'),
    );
    const result = await validateGraphFile(file, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([
      `${file}:2:5 error WEFT_ERR_MODULE_NOT_FOUND calculator module "../calcs/missing.js" not found (looked for ${join(dir, 'calcs/missing.js')}); paths must start with ./ or ../ and are relative to the graph file, package names must be installed`,
      `${file}:3:5 error WEFT_ERR_MODULE_EXPORT calculator module "../calcs/none.js" exports no calculator definition (exports: value); export the result of defineCalculator({...})`,
      `${file}:4:5 error WEFT_ERR_MODULE_EXPORT export "list" of calculator module "../calcs/bad-array.js" holds something that is not a calculator definition; export only definitions made with defineCalculator (or arrays of them)`,
      `${file}:5:5 error WEFT_ERR_DUPLICATE_CALCULATOR calculator "PassThroughCalculator" from module "../calcs/clash.js" clashes with a calculator already registered under that name; rename it`,
      `${file}:6:5 error WEFT_ERR_MODULE_NOT_FOUND calculator module "not-installed-pkg" not found (looked for package "not-installed-pkg" in node_modules above ${join(dir, 'graphs')}); paths must start with ./ or ../ and are relative to the graph file, package names must be installed`,
    ]);
  });
});
