import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateGraphFile } from '@weft/framework';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeft } from '../examples/run-weft.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = join(root, '.weft', 'tmp', `calculator-new-${process.pid}-${Date.now()}`);

const weft = (argv: string[]) => runWeft(argv, root);

// Scaffold while the file is collected, so the generated test can be imported and run as part of this one.
await mkdir(tmp, { recursive: true });
const rel = relative(root, join(tmp, 'calcs'));
const scaffolded = await weft(['calculator', 'new', 'Scale', '--dir', rel]);
const dir = join(tmp, 'calcs');
if (scaffolded.code === 0) await import(pathToFileURL(join(dir, 'scale-calculator.test.ts')).href);

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('weft calculator new', () => {
  it('writes the calculator, its test, an example graph and a sample input, and says what to run next', () => {
    expect(scaffolded.stderr).toBe('');
    expect(scaffolded.code).toBe(0);
    expect(scaffolded.stdout).toBe(
      [
        `created ${rel}/scale-calculator.ts`,
        `created ${rel}/scale-calculator.test.ts`,
        `created ${rel}/scale-calculator.graph.yaml`,
        `created ${rel}/scale-calculator.input.jsonl`,
        '',
        'next steps:',
        `  npx vitest run ${rel}/scale-calculator.test.ts`,
        `  npx weft graph run ${rel}/scale-calculator.graph.yaml --input in=${rel}/scale-calculator.input.jsonl`,
        `  npx weft graph draw ${rel}/scale-calculator.graph.yaml --format svg > ${rel}/scale-calculator.svg`,
        '(vitest runs the test only when its `include` patterns match the file)',
        '',
      ].join('\n'),
    );
  });

  it('generates TypeScript that type-checks under the repo settings', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.check.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    const files = [join(dir, 'scale-calculator.ts'), join(dir, 'scale-calculator.test.ts')];
    const program = ts.createProgram(files, config!.options);
    const problems = files.flatMap((f) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
        const at =
          d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return `${d.file?.fileName}:${at ? at.line + 1 : '?'} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
    expect(problems).toEqual([]);
  }, 180_000); // a cold type-check of the framework sources on a busy machine

  it('generates code already formatted the way the repo formats it (biome)', () => {
    for (const file of ['scale-calculator.ts', 'scale-calculator.test.ts']) {
      const source = readFileSync(join(dir, file), 'utf8');
      const formatted = execFileSync(
        join(root, 'node_modules', '.bin', 'biome'),
        ['format', `--stdin-file-path=${file}`],
        {
          cwd: root,
          input: source,
          encoding: 'utf8',
        },
      );
      expect(formatted).toBe(source);
    }
  });

  it('generates a graph that validates and loads the calculator through its `calculators:` list', async () => {
    const result = await validateGraphFile(join(dir, 'scale-calculator.graph.yaml'));
    expect(result.problems).toEqual([]);
    expect(result.graph?.nodes.map((n) => n.calculator.name)).toEqual(['ScaleCalculator']);
    expect(result.graph?.nodes[0]?.options).toEqual({ factor: 3 });
    const check = await weft(['graph', 'check', join(rel, 'scale-calculator.graph.yaml')]);
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe(`${join(rel, 'scale-calculator.graph.yaml')}: ok\n`);
    expect(check.code).toBe(0);
  });

  it('runs the generated graph on the sample input with `weft graph run`', async () => {
    const run = await weft([
      'graph',
      'run',
      join(rel, 'scale-calculator.graph.yaml'),
      '--input',
      `in=${join(rel, 'scale-calculator.input.jsonl')}`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      '{"stream":"out","timestamp":0,"value":3}\n{"stream":"out","timestamp":1,"value":6}\n{"stream":"out","timestamp":2,"value":15}\n',
    );
  });

  it('appends "Calculator" to the name only when it is missing', async () => {
    const r = await weft(['calculator', 'new', 'HTTPHeaderCalculator', '--dir', join(rel, 'other')]);
    expect(r.code).toBe(0);
    const source = await readFile(join(tmp, 'calcs', 'other', 'http-header-calculator.ts'), 'utf8');
    expect(source).toContain(
      "export const HTTPHeaderCalculator = defineCalculator({\n  name: 'HTTPHeaderCalculator',",
    );
  });

  it.each([
    ['shout_text', 'ShoutTextCalculator', 'shout-text-calculator'],
    ['shout-text', 'ShoutTextCalculator', 'shout-text-calculator'],
    ['shoutText', 'ShoutTextCalculator', 'shout-text-calculator'],
    ['shout_text_calculator', 'ShoutTextCalculator', 'shout-text-calculator'],
    ['json_to_text2', 'JsonToText2Calculator', 'json-to-text2-calculator'],
  ])('normalizes %s to %s', async (name, calculator, stem) => {
    const sub = join(rel, 'names', name);
    const r = await weft(['calculator', 'new', name, '--dir', sub]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const source = await readFile(join(root, sub, `${stem}.ts`), 'utf8');
    expect(source).toContain(`export const ${calculator} = defineCalculator({\n  name: '${calculator}',`);
  });

  it.each(['my calc', '2fast', 'shout__text', '-x', 'calculator', 'über'])(
    'refuses the NAME %j, quoting it with the rule and examples',
    async (name) => {
      const r = await weft(['calculator', 'new', '--dir', join(rel, 'bad'), '--', name]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`^weft calculator new: invalid calculator name "${name.replace(/[-]/g, '\\-')}": `),
      );
      expect(r.stderr).toContain('(examples: "Scale", "shout_text", "redact-words")');
      expect(existsSync(join(tmp, 'calcs', 'bad'))).toBe(false);
    },
  );

  it('refuses the name of a built-in calculator', async () => {
    const r = await weft(['calculator', 'new', 'PassThrough', '--dir', join(rel, 'builtin')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'weft calculator new: "PassThroughCalculator" is already a built-in calculator; calculator names are global, choose another NAME (example: "MyPassThroughCalculator")\n',
    );
  });

  it('overwrites nothing when one of the files exists, and names it', async () => {
    const sub = join(tmp, 'calcs', 'taken');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'scale-calculator.graph.yaml'), 'mine\n');
    const r = await weft(['calculator', 'new', 'Scale', '--dir', join(rel, 'taken')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `weft calculator new: "${rel}/taken/scale-calculator.graph.yaml" already exists; nothing was written (choose another NAME or --dir)\n`,
    );
    expect(await readFile(join(sub, 'scale-calculator.graph.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(sub, 'scale-calculator.ts'))).toBe(false);
  });

  it('explains usage mistakes with exit code 2', async () => {
    const missing = await weft(['calculator', 'new']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^weft calculator new: missing NAME\nusage: weft calculator new NAME/);
    const noDir = await weft(['calculator', 'new', 'Scale', '--dir']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/^weft calculator new: --dir needs a value\n/);
    const onFile = await weft(['calculator', 'new', 'Scale', '--dir', join(rel, 'scale-calculator.ts')]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toBe(
      `weft calculator new: --dir "${join(rel, 'scale-calculator.ts')}" is a file, not a directory; give a directory (it is created when missing)\n`,
    );
    const unknown = await weft(['calculator', 'create', 'Scale']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^weft calculator: unknown subcommand "create" \(expected one of "new"\)\nusage: weft calculator new NAME/,
    );
    for (const args of [
      ['calculator', '--help'],
      ['calculator', 'new', '-h'],
    ]) {
      const help = await weft(args);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^usage: weft calculator new NAME \[--dir DIR\]/);
    }
  });
});
