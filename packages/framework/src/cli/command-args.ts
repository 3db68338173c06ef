import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggest } from '../errors/did-you-mean.js';
import type { CliIo } from '../graph/graph-api.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What a `weft` command accepts; the one description its parser, its errors and its `--help` come from. */
export interface CommandSpec<O extends OptionSpecs> {
  /** The command as typed, e.g. `weft graph draw`: it prefixes every usage error. */
  readonly command: string;
  /** Printed on stdout by `--help`/`-h`, and on stderr after a usage error. */
  readonly usage: string;
  readonly options: O;
  /** The positional arguments: their name in messages (e.g. `FILE`) and how many are allowed. */
  readonly positionals: { readonly name: string; readonly min: number; readonly max: number };
}

type Values<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>['values'];

export interface CommandArgs<O extends OptionSpecs> {
  readonly values: Values<O>;
  readonly positionals: string[];
}

/**
 * Parses a command's arguments with `node:util` `parseArgs` (`--name value`, `--name=value`, short
 * aliases, `--` ends the options). Returns the parsed arguments, or the exit code when it has
 * already answered: 0 after printing the usage for `--help`/`-h`, 2 after a usage error naming the
 * problem (with a did-you-mean for a misspelled option).
 */
export function parseCommandArgs<const O extends OptionSpecs>(
  args: readonly string[],
  spec: CommandSpec<O>,
  io: CliIo,
): CommandArgs<O> | number {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout(`${spec.usage}\n`);
    return 0;
  }
  const problem = (message: string): number => {
    io.stderr(`${spec.command}: ${message}\n${spec.usage}\n`);
    return 2;
  };
  let parsed: CommandArgs<O>;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    return problem(parseArgsProblem(error as Error & { code?: string }, spec.options, args));
  }
  const { name, min, max } = spec.positionals;
  const count = parsed.positionals.length;
  if (count < min) return problem(`missing ${name}`);
  if (count > max) {
    const extra = parsed.positionals.slice(max).map((p) => `"${p}"`);
    return problem(
      `unexpected argument ${extra.join(' ')} (${max === 0 ? `no ${name} is` : max === 1 ? `one ${name} is` : `at most ${max} ${name} are`} allowed)`,
    );
  }
  return parsed;
}

/** Node's parseArgs messages, rewritten as `weft` states problems: the flag quoted, then the rule. */
function parseArgsProblem(
  error: Error & { code?: string },
  options: OptionSpecs,
  args: readonly string[],
): string {
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  const known = Object.entries(options).flatMap(([name, o]) => [
    `--${name}`,
    ...(o.short === undefined ? [] : [`-${o.short}`]),
  ]);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option "${flag}"${suggest(flag, [...known, '--help'], 'one of')}`;
  }
  if (/argument is ambiguous/.test(error.message)) {
    const next = args[args.indexOf(flag) + 1] ?? '';
    return `${flag} "${next}" looks like an option; write ${flag}=${next} if it is the value`;
  }
  if (/argument missing/.test(error.message)) return `${flag} needs a value`;
  if (/does not take an argument/.test(error.message)) return `${flag} is a switch and takes no value`;
  return error.message;
}
