#!/usr/bin/env node
import { type CliIo, defaultRegistry, graphCommand } from '@weft/framework';
import { generateCommand, modelCommand } from '@weft/llm';
import { registerAllBuiltins } from '../bootstrap.js';
import { calculatorCommand } from './calculator-command.js';
import { serveCommand } from './serve-command.js';

const USAGE = `usage: weft <command> [options]

commands:
  graph check|draw|run   validate, render or run a graph file
  model create|inspect   build a tiny test model, or describe a model directory
  generate DIR           generate text from a model directory
  serve                  serve graphs/ as an OpenAI-compatible API
  calculator new NAME    scaffold a custom calculator, its test and an example graph
`;

/** Runs one CLI command; returns the exit code. Exported for in-process tests. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  registerAllBuiltins();
  switch (command) {
    case 'graph':
      return graphCommand(args, io, defaultRegistry);
    case 'model':
      return modelCommand(args, io);
    case 'generate':
      return generateCommand(args, io);
    case 'serve':
      return serveCommand(args, io);
    case 'calculator':
      return calculatorCommand(args, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

const io: CliIo = {
  // `pnpm weft` runs from the repo root; INIT_CWD is where the user typed the command.
  cwd: process.env.INIT_CWD ?? process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // A stopped server exits even if a calculator that ignored cancellation still holds a handle.
      if (process.argv[2] === 'serve') process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`weft: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
