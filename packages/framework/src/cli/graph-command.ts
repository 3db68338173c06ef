import type { CalculatorRegistry } from '../calculator/registry.js';
import type { CliIo } from '../graph/graph-api.js';
import { graphCheck } from './graph-check.js';
import { graphDraw } from './graph-draw.js';
import { graphRun } from './graph-run.js';
import { runSubcommand } from './subcommands.js';

const USAGE = `usage: weft graph <check|draw|run> ... (each takes --help)
  weft graph check FILE|DIR...
  weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]
  weft graph run FILE [--side NAME=JSON]... [--script FILE.jsonl | --input STREAM=FILE.jsonl...] [--bounds] [--trace FILE]
  (weft graph run --help: the input and output line formats)`;

/** `weft graph ...`; returns the process exit code. */
export function graphCommand(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  return runSubcommand(
    'weft graph',
    USAGE,
    {
      check: (rest, io) => graphCheck(rest, io, registry),
      draw: (rest, io) => graphDraw(rest, io, registry),
      run: (rest, io) => graphRun(rest, io, registry),
    },
    args,
    io,
  );
}
