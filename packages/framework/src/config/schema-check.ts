import { Ajv } from 'ajv';
import { V } from '../errors/validation-codes.js';
import type { Problem } from '../graph/validated-graph.js';
import { ajvProblems } from './ajv-problems.js';
import { graphSchema } from './graph-schema.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

let graphValidator: ReturnType<Ajv['compile']> | undefined;

/**
 * Validates a parsed graph file against the graph schema. `paths` are where the offending values
 * sit, so the caller can drop them and still check the rest of the graph.
 */
export function checkGraphSchema(source: YamlSource): { problems: Problem[]; paths: YamlPath[] } {
  // Compiled on first use, once per process (as Fastify does at start-up).
  graphValidator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(graphSchema);
  if (source.value === null || source.value === undefined) {
    const problem: Problem = {
      code: V.GRAPH_SCHEMA,
      message: 'the graph file is empty; a graph needs at least `nodes:` (see docs/graph-format.md)',
      location: source.locate([]),
    };
    return { problems: [problem], paths: [[]] };
  }
  if (graphValidator(source.value)) return { problems: [], paths: [] };
  const paths: YamlPath[] = [];
  const problems = ajvProblems(graphValidator.errors ?? [], {
    source,
    base: [],
    code: V.GRAPH_SCHEMA,
    unknownKeyCode: V.UNKNOWN_FIELD,
    value: source.value,
    paths,
  });
  return { problems, paths };
}
