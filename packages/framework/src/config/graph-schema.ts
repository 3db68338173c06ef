/**
 * JSON Schema of a graph YAML file. The validator, the editor schema (docs/schema/graph.schema.json)
 * and the format reference (docs/graph-format.md) are all generated from this object, so every field
 * carries a `description`.
 */

const portList = (what: string, example: string) =>
  ({
    type: ['string', 'array'],
    items: { type: 'string' },
    description: `${what}. One port or a list of ports, each \`TAG:index:name\`, \`TAG:name\` or \`name\` (tags UPPER_SNAKE, names lower_snake). Example: \`${example}\`.`,
  }) as const;

const handlerName = {
  type: 'string',
  enum: ['default', 'immediate', 'sync_set'],
  description:
    '`default`: process timestamp T once T is settled on every input and at least one has a packet. `immediate`: process every packet as soon as it arrives. `sync_set`: like default, but only within each group of `sync_sets`.',
} as const;

export const inputStreamHandlerSchema = {
  description:
    'How input streams are grouped into input sets: a handler name, or an object with `handler` and `sync_sets`.',
  anyOf: [
    handlerName,
    {
      type: 'object',
      additionalProperties: false,
      required: ['handler'],
      properties: {
        handler: handlerName,
        sync_sets: {
          type: 'array',
          description:
            'For `sync_set`: groups of input ports (`TAG` or `TAG:index`) synchronised together; ports in no group form one more group.',
          items: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  ],
} as const;

export const nodeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['calculator'],
  description: 'One node: an instance of a calculator (or of a subgraph) and its connections.',
  properties: {
    calculator: {
      type: 'string',
      description:
        'Registered calculator name (e.g. `PassThroughCalculator`), the `name` of a subgraph listed in `subgraphs:`, or a path to a subgraph YAML file relative to this file (e.g. `./sub.yaml`).',
    },
    name: {
      type: 'string',
      description:
        'Unique node name, used in errors, traces and drawings. Defaults to the calculator name with a counter (`PassThroughCalculator_1`).',
    },
    input_stream: portList('Streams this node reads', 'IN:0:frames'),
    output_stream: portList(
      'Streams this node writes; each stream has exactly one producer',
      'OUT:frames_out',
    ),
    input_side_packet: portList('Side packets this node reads once, before `open`', 'MODEL:model'),
    output_side_packet: portList('Side packets this node sets (in `open`, usually)', 'ENGINE:engine'),
    options: {
      type: 'object',
      description:
        "Calculator options, validated against the calculator's options schema; defaults are applied and unknown keys are errors.",
    },
    input_stream_info: {
      type: 'array',
      description:
        'Per-input settings. Mark the input that closes a loop with `back_edge: true`; it is then ignored when ordering nodes.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tag_index'],
        properties: {
          tag_index: {
            type: 'string',
            description: 'The input port: `TAG` (index 0), `TAG:index`, or `:index` for untagged inputs.',
          },
          back_edge: { type: 'boolean', description: 'This input closes a loop (MediaPipe back edge).' },
        },
      },
    },
    input_stream_handler: inputStreamHandlerSchema,
  },
} as const;

export const graphSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://weft.dev/schema/graph.schema.json',
  title: 'Weft graph',
  description:
    'A Weft calculator graph: nodes (calculators) connected by streams and side packets. The file name without extension is the default graph name.',
  type: 'object',
  additionalProperties: false,
  required: ['nodes'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$',
      description:
        'Graph name (the OpenAI `model` name when served; the node type when used as a subgraph). Defaults to the file name without extension.',
    },
    description: { type: 'string', description: 'Free text shown by tools; ignored by the runtime.' },
    calculators: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Modules defining calculators for this graph: paths relative to this file (`./my-calculators.js`) or package names resolved from its directory. Every exported calculator definition (or array of them) is registered. As in TypeScript `nodenext` imports, `./x.js` loads `./x.ts` when only the TypeScript source exists; `.ts` modules load through tsx.',
    },
    subgraphs: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Graph files (relative to this file) usable as node types under their `name`, e.g. `calculator: MySubgraph`.',
    },
    input_stream: portList('Graph input streams, fed by the caller', 'REQUEST:request'),
    output_stream: portList('Graph output streams, observed by the caller', 'RESPONSE:response'),
    input_side_packet: portList('Side packets given when a run starts', 'SEED:seed'),
    output_side_packet: portList(
      'Side packets the graph exposes (must be produced by a node)',
      'ENGINE:engine',
    ),
    max_queue_size: {
      type: 'integer',
      minimum: 1,
      description:
        'Most packets queued on any node input before sources and graph inputs are throttled. Unbounded when absent. A graph that cannot progress under this limit reports a deadlock.',
    },
    input_stream_handler: {
      ...inputStreamHandlerSchema,
      description: `Default input stream handler of every node (a node's own setting wins). ${inputStreamHandlerSchema.description}`,
    },
    nodes: {
      type: 'array',
      items: nodeSchema,
      description: 'The nodes, in any order; they are run in topological order.',
    },
  },
} as const;
