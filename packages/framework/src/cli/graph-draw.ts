import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { validateGraphFile } from '../config/validate-graph.js';
import type { CliIo } from '../graph/graph-api.js';
import { RENDER_FORMATS, type RenderFormat, renderGraph } from '../render/render-graph.js';
import { formatProblems } from './graph-check.js';

const USAGE = 'usage: weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]';

/** Splits `--name value` / `--name=value` options from positional arguments. */
function parseArgs(args: string[]): { files: string[]; options: Map<string, string>; error?: string } {
  const files: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag === '-o' ? '--output' : flag === '-f' ? '--format' : flag;
    if (name !== '--format' && name !== '--output')
      return { files, options, error: `unknown option "${arg}"` };
    const value = inline ?? args[++i];
    if (value === undefined) return { files, options, error: `option ${name} needs a value` };
    options.set(name, value);
  }
  return { files, options };
}

/**
 * `weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]`: validates the graph and prints
 * (or writes) its picture; an invalid graph prints its problems and exits 1.
 */
export async function graphDraw(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  const { files, options, error } = parseArgs(args);
  const format = options.get('--format') ?? 'mermaid';
  const problem =
    error ??
    (files.length !== 1
      ? files.length === 0
        ? 'missing FILE'
        : `expected one FILE, got ${files.length}`
      : undefined) ??
    (RENDER_FORMATS.includes(format as RenderFormat)
      ? undefined
      : `unknown format "${format}" (expected one of ${RENDER_FORMATS.join(', ')})`);
  if (problem) {
    io.stderr(`${problem}\n${USAGE}\n`);
    return 2;
  }
  const file = files[0]!;
  const result = await validateGraphFile(resolve(io.cwd, file), { registry });
  if (!result.graph) {
    io.stderr(formatProblems(result.problems, io, file));
    return 1;
  }
  const picture = renderGraph(result.graph, format as RenderFormat);
  const out = options.get('--output');
  if (out === undefined) {
    io.stdout(picture);
  } else {
    await writeFile(resolve(io.cwd, out), picture);
    io.stderr(`wrote ${out}\n`);
  }
  return 0;
}
