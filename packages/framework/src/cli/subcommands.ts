import { suggest } from '../errors/did-you-mean.js';
import type { CliIo } from '../graph/graph-api.js';

type Subcommand = (args: string[], io: CliIo) => Promise<number>;

/**
 * Runs `COMMAND SUB ARGS...`: `--help`/`-h` (or `help`) prints `usage` on stdout and exits 0; a
 * missing or unknown subcommand is a usage error on stderr, exit 2.
 */
export function runSubcommand(
  command: string,
  usage: string,
  subcommands: Readonly<Record<string, Subcommand>>,
  args: readonly string[],
  io: CliIo,
  noun = 'subcommand',
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(`${usage}\n`);
    return Promise.resolve(0);
  }
  const run = sub === undefined ? undefined : subcommands[sub];
  if (run !== undefined && Object.hasOwn(subcommands, sub!)) return run(rest, io);
  const names = Object.keys(subcommands);
  const problem =
    sub === undefined
      ? `missing ${noun} (one of ${names.join(', ')})`
      : `unknown ${noun} "${sub}"${suggest(sub, names)}`;
  io.stderr(`${command}: ${problem}\n${usage}\n`);
  return Promise.resolve(2);
}
