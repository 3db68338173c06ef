import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { validateGraphFile } from '../config/validate-graph.js';
import type { CliIo } from '../graph/graph-api.js';
import type { Problem } from '../graph/validated-graph.js';
import { parseCommandArgs } from './command-args.js';

/** Shows `abs` as the user wrote `given` when it is that file, else relative to cwd when below it. */
function displayPath(abs: string, cwd: string, given?: string): string {
  if (given !== undefined && resolve(cwd, given) === abs) return given;
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** One `FILE:LINE:COL error CODE message` line per problem. */
export function formatProblems(problems: readonly Problem[], io: CliIo, given?: string): string {
  return problems
    .map((p) => {
      const file = displayPath(p.location.file, io.cwd, given);
      return `${file}:${p.location.line}:${p.location.col} error ${p.code} ${p.message}\n`;
    })
    .join('');
}

/** A directory argument stands for the graph files directly in it (`*.yaml`, `*.yml`), sorted. */
async function expandDirectories(args: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const info = await stat(resolve(cwd, arg)).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(arg);
      continue;
    }
    const names = (await readdir(resolve(cwd, arg))).filter((n) => /\.ya?ml$/i.test(n)).sort();
    out.push(...names.map((n) => join(arg, n)));
  }
  return out;
}

const CHECK = {
  command: 'weft graph check',
  usage: `usage: weft graph check FILE|DIR...
  Validates each graph file (a DIR stands for its *.yaml files) without running anything.
  Prints "FILE: ok", or one "FILE:LINE:COL error CODE message" line per problem.`,
  options: {},
  positionals: { name: 'FILE', min: 1, max: Number.POSITIVE_INFINITY },
} as const;

/**
 * `weft graph check FILE|DIR...`: validates each file (or each graph file of a directory); prints `FILE: ok` per valid file, one line per
 * problem otherwise. Exit 0 when all are valid, 1 when any is not, 2 on a usage error.
 */
export async function graphCheck(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  const parsed = parseCommandArgs(args, CHECK, io);
  if (typeof parsed === 'number') return parsed;
  let failed = false;
  for (const file of await expandDirectories(parsed.positionals, io.cwd)) {
    const result = await validateGraphFile(resolve(io.cwd, file), { registry });
    if (result.problems.length === 0) {
      io.stdout(`${file}: ok\n`);
    } else {
      failed = true;
      io.stdout(formatProblems(result.problems, io, file));
    }
  }
  return failed ? 1 : 0;
}
