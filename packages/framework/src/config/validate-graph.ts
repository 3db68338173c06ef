import { dirname, resolve } from 'node:path';
import { type CalculatorRegistry, defaultRegistry } from '../calculator/registry.js';
import { V } from '../errors/validation-codes.js';
import type { NodeSpec, Problem, SourceLocation, ValidatedGraph } from '../graph/validated-graph.js';
import { checkEdges } from '../validate/edges.js';
import { topologicalOrder } from '../validate/topology.js';
import { buildGraph } from './build-graph.js';
import { parseGraphText, readGraphText } from './graph-source.js';

export interface ValidateOptions {
  /** Where calculator names are looked up; defaults to `defaultRegistry`. Never modified: graph modules register into a child. */
  readonly registry?: CalculatorRegistry;
  /** See `LoadOptions.moduleRoots`: folders (besides the graph's own) that `calculators:` paths may come from. */
  readonly moduleRoots?: readonly string[];
  /** See `LoadOptions.maxGraphBytes`. */
  readonly maxGraphBytes?: number;
}

export interface ValidateStringOptions extends ValidateOptions {
  /** File name used in problem locations (and, unless `baseDir` is given, the base of relative paths). */
  readonly file: string;
  /** Directory that relative `calculators:` / `subgraphs:` paths start from; defaults to the file's directory. */
  readonly baseDir?: string;
}

export interface ValidationResult {
  /** Set only when there are no problems. */
  readonly graph?: ValidatedGraph;
  /** Every problem found, in file order. */
  readonly problems: readonly Problem[];
}

/** Reads and validates a graph file. Never throws for problems in the graph; they are returned. */
export async function validateGraphFile(
  file: string,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const abs = resolve(file);
  const text = await readGraphText(abs, file, 'check the path', { file: abs, line: 1, col: 1 });
  if (typeof text !== 'string') return { problems: [text] };
  return validateGraphString(text, { ...options, file: abs });
}

/** Validates graph YAML text: every problem at once, or the validated graph. */
export async function validateGraphString(
  text: string,
  options: ValidateStringOptions,
): Promise<ValidationResult> {
  const parsed = await parseGraphText(text, options.file, options.maxGraphBytes);
  if (!parsed.source) return { problems: sortProblems(parsed.problems) };
  const problems: Problem[] = [...parsed.problems];
  const dir = resolve(options.baseDir ?? dirname(resolve(options.file)));
  const built = await buildGraph(
    parsed.source,
    dir,
    {
      registry: options.registry ?? defaultRegistry,
      subgraphs: new Map(),
      handler: undefined,
      stack: [resolve(options.file)],
      moduleRoots: options.moduleRoots === undefined ? undefined : [dir, ...options.moduleRoots],
      maxGraphBytes: options.maxGraphBytes,
    },
    problems,
  );
  checkUniqueNames(built.nodes, built.nameLocations, problems);
  checkEdges(built.io, built.nodes, problems);
  const nodes = topologicalOrder(built.nodes, problems, {
    streams: built.io.inputStreams.map((p) => p.name),
    sidePackets: built.io.inputSidePackets.map((p) => p.name),
  });
  if (problems.length > 0) return { problems: sortProblems(withoutFollowOns(problems), options.file) };
  const raw = parsed.source.raw;
  const graph: ValidatedGraph = {
    name: parsed.source.name,
    file: options.file,
    dir,
    inputStreams: built.io.inputStreams,
    outputStreams: built.io.outputStreams,
    inputSidePackets: built.io.inputSidePackets,
    outputSidePackets: built.io.outputSidePackets,
    maxQueueSize: raw.max_queue_size,
    inputStreamHandler: built.handler,
    nodes,
  };
  return { graph, problems: [] };
}

/**
 * After schema problems some fields were dropped (see sanitizeGraph): streams they produced look
 * unproduced, back-edge marks they held look missing. Those graph-wide reports could be follow-ons,
 * so they wait until the schema problems are fixed.
 */
function withoutFollowOns(problems: readonly Problem[]): readonly Problem[] {
  const schema = problems.some((p) => p.code === V.GRAPH_SCHEMA || p.code === V.UNKNOWN_FIELD);
  if (!schema) return problems;
  const followOns: ReadonlySet<string> = new Set([V.STREAM_NOT_PRODUCED, V.UNKNOWN_SIDE_PACKET, V.CYCLE]);
  return problems.filter((p) => !followOns.has(p.code));
}

/** Names must be unique after subgraph expansion too (`a__b` written by hand can meet an expanded one). */
function checkUniqueNames(
  nodes: readonly NodeSpec[],
  at: Map<NodeSpec, SourceLocation>,
  problems: Problem[],
): void {
  const seen = new Map<string, NodeSpec>();
  for (const n of nodes) {
    const first = seen.get(n.name);
    if (!first) {
      seen.set(n.name, n);
      continue;
    }
    const loc = at.get(n) ?? n.location;
    const firstLoc = at.get(first) ?? first.location;
    // The same pair inside one file was already reported by assignNodeNames.
    if (loc.file === firstLoc.file && !n.name.includes('__')) continue;
    problems.push({
      code: V.DUPLICATE_NODE_NAME,
      message: `node name "${n.name}" is used twice (also at ${firstLoc.file}:${firstLoc.line}); names must be unique in the expanded graph, where subgraph nodes are named "node__inner" (rename one)`,
      location: loc,
    });
  }
}

/**
 * Problems of the validated file first, then those of other files (subgraphs, in the order they were
 * met), each by line and column; duplicates removed (a subgraph used twice reports its problems once).
 */
function sortProblems(problems: readonly Problem[], mainFile?: string): Problem[] {
  const seen = new Set<string>();
  const rank = new Map<string, number>(mainFile === undefined ? [] : [[mainFile, 0]]);
  const unique = problems.filter((p) => {
    const key = `${p.location.file}:${p.location.line}:${p.location.col}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (!rank.has(p.location.file)) rank.set(p.location.file, rank.size);
    return true;
  });
  return unique.sort(
    (a, b) =>
      rank.get(a.location.file)! - rank.get(b.location.file)! ||
      a.location.line - b.location.line ||
      a.location.col - b.location.col,
  );
}
