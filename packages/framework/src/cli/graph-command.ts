import type { CalculatorRegistry } from '../calculator/registry.js';
import type { CliIo } from '../graph/graph-api.js';
import { graphCheck } from './graph-check.js';
import { graphDraw } from './graph-draw.js';
import { graphRun } from './graph-run.js';

const USAGE = `usage: weft graph <check|draw|run> ...
  weft graph check FILE...
  weft graph draw FILE [--format mermaid|dot|svg]
  weft graph run FILE [--side NAME=JSON]... [--script FILE.jsonl | --input STREAM=FILE.jsonl...] [--bounds] [--trace FILE]
  (weft graph run --help: the input and output line formats)`;

/** `weft graph ...`; returns the process exit code. */
export async function graphCommand(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'check':
      return graphCheck(rest, io, registry);
    case 'draw':
      return graphDraw(rest, io, registry);
    case 'run':
      return graphRun(rest, io, registry);
    default:
      io.stderr(`${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}\n${USAGE}\n`);
      return 2;
  }
}
