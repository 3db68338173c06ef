import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { type CliIo, defaultRegistry, parseCommandArgs, runSubcommand } from '@weft/framework';
import { calculatorNameProblem, calculatorNames } from '../scaffold/calculator-name.js';
import { hasVitestConfig, missingSetup } from '../scaffold/project-setup.js';
import { scaffoldFiles } from '../scaffold/scaffold-files.js';

const USAGE = `usage: weft calculator new NAME [--dir DIR] (see: weft calculator new --help)`;

const NEW = {
  command: 'weft calculator new',
  usage: `usage: weft calculator new NAME [--dir DIR]
  Writes NAME's calculator (.ts), its CalculatorRunner test, an example graph and a sample input.
  NAME   e.g. shout_text, redact-words or Scale; it becomes PascalCase ending in "Calculator"
  --dir  where to write the files (default: the current directory; created when missing)`,
  options: { dir: { type: 'string', default: '.' } },
  positionals: { name: 'NAME', min: 1, max: 1 },
} as const;

/** `weft calculator ...`; returns the process exit code. */
export function calculatorCommand(args: string[], io: CliIo): Promise<number> {
  return runSubcommand('weft calculator', USAGE, { new: calculatorNew }, args, io);
}

async function calculatorNew(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, NEW, io);
  if (typeof parsed === 'number') return parsed;
  const name = parsed.positionals[0]!;
  const given = parsed.values.dir;
  const problem = calculatorNameProblem(name);
  if (problem) {
    io.stderr(`weft calculator new: ${problem}\n`);
    return 2;
  }
  const names = calculatorNames(name);
  if (defaultRegistry.has(names.calculator)) {
    io.stderr(
      `weft calculator new: "${names.calculator}" is already a built-in calculator; calculator names are global, choose another NAME (example: "My${names.calculator}")\n`,
    );
    return 1;
  }

  const dir = resolve(io.cwd, given);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    io.stderr(
      `weft calculator new: --dir "${given}" is a file, not a directory; give a directory (it is created when missing)\n`,
    );
    return 2;
  }
  const files = scaffoldFiles(names, dir);
  const shown = (file: string) => relative(io.cwd, resolve(dir, file)) || file;
  const taken = files.filter((f) => existsSync(resolve(dir, f.path)));
  if (taken.length > 0) {
    for (const f of taken) {
      io.stderr(
        `weft calculator new: "${shown(f.path)}" already exists; nothing was written (choose another NAME or --dir)\n`,
      );
    }
    return 1;
  }

  await mkdir(dir, { recursive: true });
  // `wx` refuses to overwrite a file created between the check above and this write.
  for (const f of files) await writeFile(resolve(dir, f.path), f.content, { flag: 'wx' });
  for (const f of files) io.stdout(`created ${shown(f.path)}\n`);
  const graph = files.find((f) => f.role === 'graph')!;
  const test = files.find((f) => f.role === 'test')!;
  const input = files.find((f) => f.role === 'input')!;
  const stem = shown(graph.path).replace(/\.graph\.yaml$/, '');
  const steps = [
    ...missingSetup(dir),
    `npx vitest run ${shown(test.path)}`,
    `npx weft graph run ${shown(graph.path)} --input in=${shown(input.path)}`,
    `npx weft graph draw ${shown(graph.path)} --format svg > ${stem}.svg`,
  ];
  io.stdout(`\nnext steps:\n${steps.map((s) => `  ${s}\n`).join('')}`);
  // A vitest \`include\` that does not match the file fails as "No test files found": say it up front.
  if (hasVitestConfig(dir))
    io.stdout('(vitest runs the test only when its `include` patterns match the file)\n');
  return 0;
}
