import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, validateGraphFile } from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

const frameworkRoot = fileURLToPath(new URL('../..', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'weft-trust-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

const calcModule = (name: string, description: string) =>
  `export const C = { name: '${name}', description: '${description}', inputs: { IN: { type: { name: 'any', check: () => undefined } } }, outputs: { OUT: { type: { name: 'any', check: () => undefined } } }, create: () => ({}) };\n`;

const graph = (module: string, calculator: string) =>
  `calculators: ['${module}']\ninput_stream: [a]\nnodes:\n  - calculator: ${calculator}\n    input_stream: IN:a\n    output_stream: OUT:b\n`;

write('elsewhere/outside.js', calcModule('OutsideCalculator', 'outside'));
write('graphs/inside.js', calcModule('InsideCalculator', 'inside'));
symlinkSync(join(root, 'elsewhere/outside.js'), join(root, 'graphs/linked.js'));

describe('calculators: modules under a confining loader (moduleRoots)', () => {
  it("imports a module in the graph's folder", async () => {
    const file = write('graphs/ok.yaml', graph('./inside.js', 'InsideCalculator'));
    const result = await validateGraphFile(file, { registry: testRegistry(), moduleRoots: [] });
    expect(result.problems.map(formatProblem)).toEqual([]);
  });

  it('refuses ../ paths and symlinks that lead outside, without importing them', async () => {
    for (const spec of ['../elsewhere/outside.js', './linked.js', join(root, 'elsewhere/outside.js')]) {
      const file = write('graphs/out.yaml', graph(spec, 'OutsideCalculator'));
      const result = await validateGraphFile(file, { registry: testRegistry(), moduleRoots: [] });
      const [first] = result.problems;
      expect(first?.code).toBe('WEFT_ERR_MODULE_NOT_ALLOWED');
      expect(first?.message).toContain(
        `(${join(root, 'elsewhere/outside.js')}) is outside the graph's folder`,
      );
      expect(first?.location).toEqual({ file, line: 1, col: 15 });
    }
  });

  it('imports from an allowed folder, and anywhere when the loader does not confine (CLI tools)', async () => {
    const file = write('graphs/allowed.yaml', graph('../elsewhere/outside.js', 'OutsideCalculator'));
    const allowed = await validateGraphFile(file, {
      registry: testRegistry(),
      moduleRoots: [join(root, 'elsewhere')],
    });
    expect(allowed.problems).toEqual([]);
    const unconfined = await validateGraphFile(file, { registry: testRegistry() });
    expect(unconfined.problems).toEqual([]);
  });

  it('picks up an edit to the module on the next load (plain Node, as `weft serve` runs from dist)', () => {
    write('graphs/edited.yaml', graph('./edited.js', 'EditedCalculator'));
    // Loads the graph, edits the module, loads again: prints both descriptions.
    const framework = pathToFileURL(join(frameworkRoot, 'dist/index.js')).href;
    const script = write(
      'reload.mjs',
      `import { utimesSync, writeFileSync } from 'node:fs';
import { CalculatorRegistry, validateGraphFile } from ${JSON.stringify(framework)};
const module = ${JSON.stringify(join(root, 'graphs/edited.js'))};
const file = ${JSON.stringify(join(root, 'graphs/edited.yaml'))};
const load = async () => (await validateGraphFile(file, { registry: new CalculatorRegistry(), moduleRoots: [] })).graph?.nodes[0]?.calculator.description;
writeFileSync(module, ${JSON.stringify(calcModule('EditedCalculator', 'version 1'))});
const first = await load();
writeFileSync(module, ${JSON.stringify(calcModule('EditedCalculator', 'version 2'))});
const later = new Date(Date.now() + 5000);
utimesSync(module, later, later);
console.log(JSON.stringify([first, await load()]));
`,
    );
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['version 1', 'version 2']);
  });

  it('refuses an edited module with a message where the loader would serve the old code (here: vitest)', async () => {
    const module = write('graphs/stale.js', calcModule('StaleCalculator', 'version 1'));
    const file = write('graphs/stale.yaml', graph('./stale.js', 'StaleCalculator'));
    const first = await validateGraphFile(file, { registry: testRegistry(), moduleRoots: [] });
    expect(first.graph?.nodes[0]?.calculator.description).toBe('version 1');
    writeFileSync(module, calcModule('StaleCalculator', 'version 2'));
    const later = new Date(Date.now() + 5000);
    utimesSync(module, later, later);
    const second = await validateGraphFile(file, { registry: testRegistry(), moduleRoots: [] });
    expect(second.problems.map((p) => [p.code, p.message])[0]).toEqual([
      'WEFT_ERR_MODULE_STALE',
      'calculator module "./stale.js": it changed on disk after this process imported it, and the module loader serves the old code; restart the process to load the edit',
    ]);
  });
});
