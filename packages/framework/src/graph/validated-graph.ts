import type { AnyCalculatorDefinition, InputStreamHandlerConfig } from '../calculator/contract.js';
import { V } from '../errors/validation-codes.js';
import { WeftError } from '../errors/weft-error.js';
import type { PortRef, SourceLocation } from './port-ref.js';

// Defined apart so that calculator contracts can name ports without importing the graph.
export type { PortRef, SourceLocation } from './port-ref.js';

export interface NodeSpec {
  /** Unique within the (expanded) graph; generated as `CalculatorName_N` when not given. */
  readonly name: string;
  readonly calculator: AnyCalculatorDefinition;
  /** Options after schema validation with defaults applied. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly inputs: readonly PortRef[];
  readonly outputs: readonly PortRef[];
  readonly inputSidePackets: readonly PortRef[];
  readonly outputSidePackets: readonly PortRef[];
  readonly inputStreamHandler: InputStreamHandlerConfig;
  readonly location: SourceLocation;
}

/**
 * The output of validation and the input of the runtime: subgraphs expanded, every reference
 * resolved, nodes in topological order (back edges ignored). Immutable and shared by all runs.
 */
export interface ValidatedGraph {
  readonly name: string;
  /** Absolute path of the graph file, or a virtual name for graphs parsed from strings. */
  readonly file: string;
  /**
   * Directory that relative paths in the graph start from (the graph file's directory, or `baseDir`).
   * Calculators resolving files given in options (e.g. an LLM `model_dir`) resolve them against it.
   */
  readonly dir?: string;
  readonly inputStreams: readonly PortRef[];
  readonly outputStreams: readonly PortRef[];
  readonly inputSidePackets: readonly PortRef[];
  readonly outputSidePackets: readonly PortRef[];
  /** Graph-wide default; undefined means unbounded. */
  readonly maxQueueSize: number | undefined;
  readonly inputStreamHandler: InputStreamHandlerConfig;
  readonly nodes: readonly NodeSpec[];
}

/** One validation problem. `code` is a stable `WEFT_ERR_...` code documented in docs/errors.md. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly location: SourceLocation;
}

export function formatProblem(p: Problem): string {
  return `${p.location.file}:${p.location.line}:${p.location.col} error ${p.code} ${p.message}`;
}

/** Validation found problems; `problems` lists every one with its location. */
export class GraphValidationError extends WeftError<typeof V.GRAPH_INVALID> {
  constructor(readonly problems: readonly Problem[]) {
    super(
      V.GRAPH_INVALID,
      `graph is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`,
    );
  }
}
