import type { CalculatorRegistry } from '../calculator/registry.js';
import { validateGraphFile, validateGraphString } from '../config/validate-graph.js';
import type { LoadOptions } from '../graph/graph-api.js';
import { GraphValidationError } from '../graph/validated-graph.js';
import { Graph } from './graph.js';

/** Validates a graph file (every problem at once, thrown as `GraphValidationError`) and compiles it. */
export async function loadGraph(file: string, options: LoadOptions = {}): Promise<Graph> {
  const result = await validateGraphFile(file, options);
  if (result.graph === undefined) throw new GraphValidationError(result.problems);
  return Graph.create(result.graph);
}

export interface LoadStringOptions {
  /** Name used in problem locations; relative paths start from its directory unless `baseDir` is set. */
  readonly file: string;
  readonly baseDir?: string;
  readonly registry?: CalculatorRegistry;
}

/** Like `loadGraph`, for YAML text (tests, generated graphs). */
export async function loadGraphFromString(text: string, options: LoadStringOptions): Promise<Graph> {
  const result = await validateGraphString(text, options);
  if (result.graph === undefined) throw new GraphValidationError(result.problems);
  return Graph.create(result.graph);
}
