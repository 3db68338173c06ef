import { defineErrorCodes } from './error-codes.js';

/** Graph validation problems, by short key; the code is `WEFT_ERR_` + key. */
const defined = defineErrorCodes({
  FILE_READ: {
    title: 'Graph file cannot be read',
    description: 'The graph (or an included subgraph) file does not exist or cannot be read. Check the path.',
  },
  YAML_SYNTAX: {
    title: 'YAML syntax error',
    description:
      'The file is not valid YAML (bad indentation, tab characters, unclosed quotes, duplicate keys).',
  },
  GRAPH_TOO_LARGE: {
    title: 'Graph file too large',
    description:
      "The graph (or an included subgraph) file is larger than the limit (`maxGraphBytes`; the server's `max_graph_bytes`, 256 KiB by default). Real graphs are a few KB; raise the limit only for generated graphs you trust.",
  },
  GRAPH_SCHEMA: {
    title: 'Graph file does not match its schema',
    description:
      'A field has the wrong type or value (e.g. `max_queue_size: "ten"`). See docs/graph-format.md for every field.',
  },
  UNKNOWN_FIELD: {
    title: 'Unknown field',
    description:
      'A key that the graph format does not define, usually a typo; the message suggests the closest field.',
  },
  PORT_SYNTAX: {
    title: 'Malformed port',
    description:
      'A stream or side packet is not `TAG:index:name`, `TAG:name` or `name` (tags UPPER_SNAKE, names lower_snake, index a non-negative integer).',
  },
  PORT_INDEX: {
    title: 'Bad port index',
    description:
      'The same `TAG:index` is used twice in one list, or the indexes of a tag are not 0, 1, 2... without gaps.',
  },
  UNKNOWN_CALCULATOR: {
    title: 'Unknown calculator',
    description:
      'A node names a calculator that is not registered, not loaded by `calculators:` and not a subgraph. The message suggests the closest name.',
  },
  UNKNOWN_PORT: {
    title: 'Port not declared by the calculator',
    description: "A node connects a tag that its calculator's contract does not declare.",
  },
  MISSING_PORT: {
    title: 'Required port not connected',
    description:
      "A port that the calculator's contract declares as required (not `optional`) is not connected.",
  },
  PORT_RULE: {
    title: 'Ports break a rule of the calculator',
    description:
      "The node's ports pass the per-tag checks but break a rule the calculator states about them as a whole (its contract's `validatePorts`), e.g. `PassThroughCalculator` needs the same `TAG:index` set on its inputs and outputs. The message says what to add or remove.",
  },
  PORT_NOT_MULTIPLE: {
    title: 'Several indexes on a single port',
    description:
      'A tag is used with more than one index, but the contract does not declare it `multiple`. Use one stream, or a calculator that accepts several.',
  },
  STREAM_PRODUCED_TWICE: {
    title: 'Stream produced twice',
    description:
      'Two outputs (or a graph input and an output) write the same stream. Every stream has exactly one producer; rename one of them.',
  },
  STREAM_NOT_PRODUCED: {
    title: 'Stream consumed but never produced',
    description:
      'A node input or a graph output stream names a stream that no node outputs and that is not a graph `input_stream`.',
  },
  TYPE_MISMATCH: {
    title: 'Type mismatch on an edge',
    description:
      'The producer and consumer of a stream or side packet declare different port types. Types connect when their names are equal or either is `any`.',
  },
  INVALID_OPTIONS: {
    title: 'Invalid node options',
    description:
      "A node's `options` do not match the calculator's options schema (wrong type, unknown key, missing required value), or break a rule the calculator states about them (its contract's `validateOptions`), e.g. `MapCalculator`'s `function` must name a registered map function. The message suggests the closest valid value.",
  },
  CYCLE: {
    title: 'Cycle without a back edge',
    description:
      'Nodes form a loop that no input marks as `back_edge: true` in `input_stream_info`. The message names the nodes on the loop.',
  },
  BACK_EDGE: {
    title: 'Bad input_stream_info entry',
    description: "`input_stream_info` names a `tag_index` that is not one of the node's input ports.",
  },
  UNKNOWN_SIDE_PACKET: {
    title: 'Unknown side packet',
    description:
      'A side packet is consumed but is neither a graph `input_side_packet` nor produced by a node `output_side_packet`.',
  },
  SIDE_PACKET_PRODUCED_TWICE: {
    title: 'Side packet produced twice',
    description: 'Two nodes (or a node and the graph inputs) produce the same side packet.',
  },
  DUPLICATE_NODE_NAME: {
    title: 'Duplicate node name',
    description: 'Two nodes have the same `name`; names must be unique within the expanded graph.',
  },
  GRAPH_SCOPED_NODE: {
    title: 'Graph-scoped node misused',
    description:
      'A calculator with `scope: graph` opens once when the graph is loaded: it cannot have streams, and its input side packets must come from other graph-scoped nodes.',
  },
  SYNC_SET: {
    title: 'Bad input stream handler',
    description:
      'A `sync_set` handler lists a port that the node does not have, lists one twice, or another handler is given `sync_sets`.',
  },
  MODULE_NOT_FOUND: {
    title: 'Calculator module not found',
    description:
      'An entry of `calculators:` cannot be resolved (relative paths are resolved from the graph file, package names from its directory) or fails to import.',
  },
  MODULE_NOT_ALLOWED: {
    title: 'Calculator module outside the allowed folders',
    description:
      "A `calculators:` path resolves (symlinks followed) outside the graph file's folder while the loader confines modules (`weft serve` does): importing a module runs its code. Move the module into the graph's folder, or allow its folder (`calculator_module_dirs` in the server config, `--allow-modules DIR`).",
  },
  MODULE_STALE: {
    title: 'Calculator module changed but cannot be re-imported',
    description:
      'A `calculators:` module was edited after this process imported it, and the module loader in use (tsx, vitest) serves the cached old code. Rather than run the old code silently, the graph is refused; restart the process to load the edit. Plain Node re-imports an edited module.',
  },
  MODULE_EXPORT: {
    title: 'Module exports no calculator',
    description:
      'A module in `calculators:` exports no calculator definition, or its default export / an exported array holds something that is not a calculator.',
  },
  DUPLICATE_CALCULATOR: {
    title: 'Duplicate calculator name',
    description:
      'A calculator (or subgraph) is registered under a name that is already taken by a different definition. Rename one of them.',
  },
  SUBGRAPH: {
    title: 'Bad subgraph',
    description:
      'A subgraph cannot be used: it includes itself (directly or through others), it declares a port twice, or a node gives it options.',
  },
  GRAPH_INVALID: {
    title: 'Graph is invalid',
    description:
      'Thrown by `loadGraph` and friends when validation found problems; `error.problems` lists every one with its location.',
  },
});

export type ValidationErrorCode = (typeof defined.entries)[number]['code'];

/** Codes by short key: `V.CYCLE === 'WEFT_ERR_CYCLE'`. */
export const V = defined.codes;

/** The graph validation error codes (documented in docs/errors.md). */
export const validationErrorCodes = defined.entries;
