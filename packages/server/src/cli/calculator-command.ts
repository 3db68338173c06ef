import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { type CliIo, defaultRegistry } from '@weft/framework';
import { calculatorNameProblem, calculatorNames } from '../scaffold/calculator-name.js';
import { scaffoldFiles } from '../scaffold/scaffold-files.js';

const USAGE = `usage: weft calculator new NAME [--dir DIR]
  NAME  PascalCase calculator name, e.g. Scale or RedactWordsCalculator ("Calculator" is appended when missing)
  --dir where to write the files (default: the current directory; created when missing)
`;

/** `weft calculator ...`; returns the process exit code. */
export async function calculatorCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'new') return calculatorNew(rest, io);
  if (sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  io.stderr(
    `weft calculator: ${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}\n${USAGE}`,
  );
  return 2;
}

async function calculatorNew(args: string[], io: CliIo): Promise<number> {
  const parsed = parseNewArgs(args);
  if ('error' in parsed) {
    io.stderr(`weft calculator new: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const problem = calculatorNameProblem(parsed.name);
  if (problem) {
    io.stderr(`weft calculator new: ${problem}\n`);
    return 2;
  }
  const names = calculatorNames(parsed.name);
  if (defaultRegistry.has(names.calculator)) {
    io.stderr(
      `weft calculator new: "${names.calculator}" is already a built-in calculator; calculator names are global, choose another NAME (example: "My${names.calculator}")\n`,
    );
    return 1;
  }

  const dir = resolve(io.cwd, parsed.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    io.stderr(
      `weft calculator new: --dir "${parsed.dir}" is a file, not a directory; give a directory (it is created when missing)\n`,
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
  io.stdout(
    `\nnext steps:\n` +
      `  npx vitest run ${shown(test.path)}\n` +
      `  pnpm weft graph run ${shown(graph.path)} --input in=${shown(input.path)}\n` +
      // A vitest include mismatch fails in a way that is hard to diagnose, so say it up front.
      `(vitest runs the test only when its \`include\` patterns match the file; \`weft\` imports a .ts calculator through tsx)\n`,
  );
  return 0;
}

type NewArgs = { name: string; dir: string } | { error: string };

function parseNewArgs(args: string[]): NewArgs {
  let name: string | undefined;
  let dir = '.';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dir' || arg.startsWith('--dir=')) {
      const value = arg === '--dir' ? args[++i] : arg.slice('--dir='.length);
      if (!value) return { error: '--dir needs a directory (example: --dir calculators)' };
      dir = value;
    } else if (arg.startsWith('-')) {
      return { error: `unknown option "${arg}"` };
    } else if (name === undefined) {
      name = arg;
    } else {
      return { error: `unexpected argument "${arg}" (only one NAME is allowed)` };
    }
  }
  if (name === undefined) return { error: 'missing NAME (example: weft calculator new Scale)' };
  return { name, dir };
}
