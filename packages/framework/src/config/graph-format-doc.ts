import { graphSchema, inputStreamHandlerSchema, nodeSchema } from './graph-schema.js';

type Json = Record<string, any>;

function typeText(s: Json): string {
  if (s.enum) return s.enum.map((v: unknown) => `\`${String(v)}\``).join(' \\| ');
  if (s.anyOf) return (s.anyOf as Json[]).map(typeText).join(' or ');
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return types
    .map((t) =>
      t === 'array'
        ? `list of ${s.items ? typeText(s.items) : 'values'}`
        : t === 'object' && s.properties
          ? 'object (below)'
          : t,
    )
    .join(' or ');
}

function table(title: string, schema: Json, intro: string): string {
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries(schema.properties as Record<string, Json>).map(
    ([key, s]) =>
      `| \`${key}\` | ${typeText(s)} | ${required.has(key) ? 'yes' : 'no'} | ${String(s.description ?? '')
        .replace(/\|/g, '\\|')
        .replace(
          /\n/g,
          ' ',
        )}${s.minimum !== undefined ? ` Minimum ${s.minimum}.` : ''}${s.pattern ? ` Pattern \`${s.pattern}\`.` : ''} |`,
  );
  return [
    `## ${title}`,
    '',
    intro,
    '',
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Renders docs/graph-format.md from the graph schema's descriptions (same source as the validator). */
export function renderGraphFormatDoc(): string {
  const handlerObject = (inputStreamHandlerSchema.anyOf[1] as Json) ?? {};
  const info = (nodeSchema.properties.input_stream_info as Json).items as Json;
  return [
    '# Graph file format',
    '',
    `${graphSchema.description} This page is generated from the schema the validator uses (\`pnpm run docs\`); editors get the same text from \`docs/schema/graph.schema.json\`: put \`# yaml-language-server: $schema=../docs/schema/graph.schema.json\` (path relative to the graph file) on the first line.`,
    '',
    'Ports are written `TAG:index:name`, `TAG:name` (index 0) or `name` (untagged; indexes follow the order written). Tags are UPPER_SNAKE, stream and side packet names lower_snake. `weft graph check FILE` lists every problem with its `FILE:LINE:COL` and code (see errors.md).',
    '',
    '```yaml',
    'name: hello',
    'input_stream: [numbers]',
    'output_stream: [copied]',
    'nodes:',
    '  - calculator: PassThroughCalculator',
    '    name: copy',
    '    input_stream: [numbers]',
    '    output_stream: [copied]',
    '```',
    '',
    table('Graph fields', graphSchema, 'Top-level keys of a graph file. Unknown keys are errors.'),
    table('Node fields', nodeSchema, 'Each entry of `nodes`.'),
    table('`input_stream_info` entries', info, "Each entry of a node's `input_stream_info`."),
    table('`input_stream_handler` object', handlerObject, `${inputStreamHandlerSchema.description}`),
    '## Validation',
    '',
    'Every graph is validated before it runs (`weft graph check FILE...` does only that), and every problem is reported at once as `FILE:LINE:COL error CODE message`: YAML syntax, this schema, unknown calculators (with a did-you-mean), ports the calculator does not declare or required ports left out, several indexes on a single port, a stream or side packet produced twice or never produced, type mismatches on an edge (types connect when their names are equal or one is `any`), invalid options, loops without a back edge, graph-scoped nodes with streams, and errors in `calculators:` modules and subgraphs. The codes are listed in [errors.md](errors.md).',
    '',
    '```text',
    'graphs/demo.yaml:7:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "copy": unknown calculator "PassThruCalculator"; a calculator must be registered, loaded by `calculators:` or be a subgraph (did you mean "PassThroughCalculator"?)',
    '```',
    '',
    '`weft graph draw FILE [--format mermaid|dot|svg] [--output OUT]` draws a valid graph: streams as labelled arrows, back edges dashed, side packets dotted (hexagons for graph side packets), graph inputs and outputs as rounded boxes.',
    '',
    '## Calculator modules are code',
    '',
    "A graph's `calculators:` entries are imported, and importing a module runs its top-level code with the process's rights (environment variables, API keys, files). So a graph folder is code: give write access to it only to people you would let run code. Every command that loads a graph imports its modules: `weft graph check`, `weft graph draw`, `weft graph run` and `weft serve` (at start and on every hot reload). The CLI tools import whatever the file names (they trust the file you give them); `weft serve` confines paths: a module must lie, symlinks followed, in the graph file's own folder or in a folder allowed with `--allow-modules DIR` or `calculator_module_dirs` in the server config, else it is refused without being imported (`WEFT_ERR_MODULE_NOT_ALLOWED`). Installed package names are allowed (installing them was the operator's choice). An edited module is re-imported when its graph reloads (the file's modification time is part of the import URL); files it imports itself are not, so restart for those. Where the module loader cannot re-import (tsx, vitest), the graph is refused with `WEFT_ERR_MODULE_STALE` rather than run the old code.",
    '',
    '## Subgraphs',
    '',
    "A node whose `calculator` is a subgraph (a name from `subgraphs:` or a path to a YAML file) is replaced, at validation, by the subgraph's nodes named `node__inner`. The subgraph's `input_stream`, `output_stream`, `input_side_packet` and `output_side_packet` ports are matched by tag and index to the node's ports; inner streams not bound to a port are prefixed like node names. A subgraph cannot include itself.",
    '',
  ].join('\n');
}
