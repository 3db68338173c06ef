import type { InputStreamHandlerConfig } from '../calculator/contract.js';
import type { CalculatorRegistry } from '../calculator/registry.js';
import type { NodeSpec, PortRef, SourceLocation } from '../graph/validated-graph.js';

// The types one graph file's build passes around, apart from build-graph.ts so that build-node.ts
// and subgraph.ts (which build-graph.ts calls) do not import it back.

/** A graph's own streams and side packets, as its file declares them. */
export interface GraphIo {
  readonly inputStreams: readonly PortRef[];
  readonly outputStreams: readonly PortRef[];
  readonly inputSidePackets: readonly PortRef[];
  readonly outputSidePackets: readonly PortRef[];
}

/** What a graph file inherits from the file that includes it. */
export interface BuildScope {
  readonly registry: CalculatorRegistry;
  /** Subgraph name → absolute file. */
  readonly subgraphs: ReadonlyMap<string, string>;
  readonly handler: InputStreamHandlerConfig | undefined;
  /** Absolute files being expanded, outermost first (to refuse recursive inclusion). */
  readonly stack: readonly string[];
  /** Folders `calculators:` paths must lie in (the top graph's folder first); undefined: anywhere. */
  readonly moduleRoots: readonly string[] | undefined;
  /** Largest graph file read (see `LoadOptions.maxGraphBytes`). */
  readonly maxGraphBytes: number | undefined;
}

export interface BuiltGraph {
  readonly io: GraphIo;
  readonly nodes: NodeSpec[];
  readonly handler: InputStreamHandlerConfig;
  /** Location of each node's `name:` value (or of the node when generated), for duplicate reports. */
  readonly nameLocations: Map<NodeSpec, SourceLocation>;
}
