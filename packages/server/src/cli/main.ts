import { type CliIo, defaultRegistry, graphCommand, runSubcommand } from '@weft/framework';
import { generateCommand, modelCommand } from '@weft/llm';
import { registerAllBuiltins } from '../bootstrap.js';
import { calculatorCommand } from './calculator-command.js';
import { serveCommand } from './serve-command.js';

const USAGE = `usage: weft <command> [options]

commands:
  graph check|draw|run   validate, render or run a graph file
  model create|inspect|optimize
                         build a tiny test model, describe a model directory, or
                         give its decoder num_logits_to_keep (faster prefill)
  generate DIR           generate text from a model directory
  serve                  serve graphs/ as an OpenAI-compatible API
  calculator new NAME    scaffold a custom calculator, its test and an example graph

Every command takes --help.`;

/** Runs one CLI command; returns the exit code. Exported for in-process tests. */
export function main(argv: string[], io: CliIo): Promise<number> {
  registerAllBuiltins();
  return runSubcommand(
    'weft',
    USAGE,
    {
      graph: (args, io) => graphCommand(args, io, defaultRegistry),
      model: modelCommand,
      generate: generateCommand,
      serve: (args, io) => serveCommand(args, io),
      calculator: calculatorCommand,
    },
    argv,
    io,
    'command',
  );
}
