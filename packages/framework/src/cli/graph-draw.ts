import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { validateGraphFile } from '../config/validate-graph.js';
import type { CliIo } from '../graph/graph-api.js';
import { RENDER_FORMATS, type RenderFormat, renderGraph } from '../render/render-graph.js';
import { parseCommandArgs } from './command-args.js';
import { formatProblems } from './graph-check.js';

const DRAW = {
  command: 'weft graph draw',
  usage: `usage: weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]
  -f, --format   mermaid (default), dot or svg
  -o, --output   write the picture to OUT instead of stdout
Validates the graph first; an invalid graph prints its problems on stderr and exits 1.`,
  options: {
    format: { type: 'string', short: 'f', default: 'mermaid' },
    output: { type: 'string', short: 'o' },
  },
  positionals: { name: 'FILE', min: 1, max: 1 },
} as const;

/**
 * `weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]`: validates the graph and prints
 * (or writes) its picture; an invalid graph prints its problems and exits 1.
 */
export async function graphDraw(args: string[], io: CliIo, registry: CalculatorRegistry): Promise<number> {
  const parsed = parseCommandArgs(args, DRAW, io);
  if (typeof parsed === 'number') return parsed;
  const format = parsed.values.format;
  if (!RENDER_FORMATS.includes(format as RenderFormat)) {
    io.stderr(
      `weft graph draw: unknown format "${format}" (expected one of ${RENDER_FORMATS.join(', ')})\n${DRAW.usage}\n`,
    );
    return 2;
  }
  const file = parsed.positionals[0]!;
  const result = await validateGraphFile(resolve(io.cwd, file), { registry });
  if (!result.graph) {
    io.stderr(formatProblems(result.problems, io, file));
    return 1;
  }
  const picture = renderGraph(result.graph, format as RenderFormat);
  const out = parsed.values.output;
  if (out === undefined) {
    io.stdout(picture);
  } else {
    await writeFile(resolve(io.cwd, out), picture);
    io.stderr(`wrote ${out}\n`);
  }
  return 0;
}
