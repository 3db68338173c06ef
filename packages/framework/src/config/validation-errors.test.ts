import { describe, expect, it } from 'vitest';
import { formatProblem, validateGraphString } from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

/** Validates YAML given as lines and returns the problems formatted as the CLI prints them. */
async function problems(...lines: string[]): Promise<string[]> {
  const result = await validateGraphString(`${lines.join('\n')}\n`, {
    file: 'g.yaml',
    registry: testRegistry(),
  });
  if (result.problems.length === 0) expect(result.graph).toBeDefined();
  return result.problems.map(formatProblem);
}

describe('graph validation: one test per problem code, with exact positions', () => {
  it('WEFT_ERR_YAML_SYNTAX', async () => {
    expect(await problems('nodes:', '  - calculator: [a', '    name: x')).toEqual([
      expect.stringMatching(/^g\.yaml:3:5 error WEFT_ERR_YAML_SYNTAX invalid YAML: /),
    ]);
  });

  it('WEFT_ERR_YAML_SYNTAX explains duplicate keys and extra documents', async () => {
    expect(await problems('nodes: []', 'nodes: []')).toEqual([
      'g.yaml:2:1 error WEFT_ERR_YAML_SYNTAX invalid YAML: Map keys must be unique (a key may appear once per mapping; remove or rename the repeated key)',
    ]);
    expect(await problems('nodes: []', '---', 'nodes: []')).toEqual([
      'g.yaml:2:1 error WEFT_ERR_YAML_SYNTAX invalid YAML: Source contains multiple documents (a graph file holds one YAML document; remove the extra `---`)',
    ]);
  });

  it('WEFT_ERR_GRAPH_SCHEMA: an empty file, and the branch of an alternative that fits the value', async () => {
    expect(await problems('')).toEqual([
      'g.yaml:1:1 error WEFT_ERR_GRAPH_SCHEMA the graph file is empty; a graph needs at least `nodes:` (see docs/graph-format.md)',
    ]);
    expect(await problems('input_stream_handler: inmediate', 'nodes: []')).toEqual([
      'g.yaml:1:23 error WEFT_ERR_GRAPH_SCHEMA input_stream_handler is "inmediate" but must be one of "default", "immediate", "sync_set" (did you mean "immediate"?)',
    ]);
    expect(await problems('input_stream_handler: {handler: sync_set, sync_set: []}', 'nodes: []')).toEqual([
      'g.yaml:1:43 error WEFT_ERR_UNKNOWN_FIELD unknown key "sync_set" in input_stream_handler (did you mean "sync_sets"?)',
    ]);
  });

  it('WEFT_ERR_GRAPH_SCHEMA quotes the value and the expected type', async () => {
    expect(await problems('max_queue_size: ten', 'nodes: []')).toEqual([
      'g.yaml:1:17 error WEFT_ERR_GRAPH_SCHEMA max_queue_size is "ten" but must be integer',
    ]);
    expect(await problems('nodes:', '  - name: x')).toEqual([
      'g.yaml:2:5 error WEFT_ERR_GRAPH_SCHEMA nodes[0] is missing required key "calculator" (add it)',
    ]);
  });

  it('WEFT_ERR_UNKNOWN_FIELD points at the key, with a did-you-mean', async () => {
    expect(
      await problems('nodes:', '  - calculator: PassThroughCalculator', '    input_streem: [a]'),
    ).toEqual([
      'g.yaml:3:5 error WEFT_ERR_UNKNOWN_FIELD unknown key "input_streem" in nodes[0] (did you mean "input_stream"?)',
    ]);
  });

  it('WEFT_ERR_PORT_SYNTAX', async () => {
    expect(
      await problems(
        'input_stream: [in]',
        'nodes:',
        '  - calculator: PassThroughCalculator',
        '    input_stream: [in, Bad-Name]',
      ),
    ).toEqual([
      'g.yaml:4:24 error WEFT_ERR_PORT_SYNTAX node "PassThroughCalculator_1" (PassThroughCalculator) input_stream: "Bad-Name" does not match TAG:index:name, TAG:name or name (tags UPPER_SNAKE, names lower_snake, index 0, 1, 2...; examples: "TAG:name", "VIDEO:2:name_b", "frames")',
    ]);
  });

  it('WEFT_ERR_PORT_INDEX: repeated and non-contiguous indexes', async () => {
    expect(
      await problems(
        'input_stream: [a, b]',
        'nodes:',
        '  - calculator: AddCalculator',
        "    input_stream: ['IN:0:a', 'IN:a']",
        '    output_stream: SUM:s',
        '  - calculator: AddCalculator',
        "    input_stream: ['IN:0:a', 'IN:2:b']",
        '    output_stream: SUM:t',
      ),
    ).toEqual([
      'g.yaml:4:30 error WEFT_ERR_PORT_INDEX node "AddCalculator_1" (AddCalculator) input_stream: "IN:a" uses IN:0 already taken by "a" at line 4; give each port of a tag its own index (e.g. "IN:1:a")',
      'g.yaml:7:30 error WEFT_ERR_PORT_INDEX node "AddCalculator_2" (AddCalculator) input_stream: IN:2 ("b") leaves a gap; indexes of a tag must be 0, 1, 2... (expected index 1)',
    ]);
  });

  it('WEFT_ERR_UNKNOWN_CALCULATOR with a did-you-mean', async () => {
    expect(await problems('nodes:', '  - calculator: PassThruCalculator')).toEqual([
      'g.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "PassThruCalculator_1": unknown calculator "PassThruCalculator"; a calculator must be registered, loaded by `calculators:` or be a subgraph (did you mean "PassThroughCalculator"?)',
    ]);
  });

  it('an unknown calculator still produces its outputs, so its readers get no follow-on errors', async () => {
    expect(
      await problems(
        'nodes:',
        '  - calculator: Nope',
        '    output_stream: OUT:x',
        '  - calculator: TextSinkCalculator',
        '    input_stream: TEXT:x',
        '  - calculator: ./missing-subgraph.yaml',
        '    name: sub',
        '    output_stream: OUT:y',
        '  - calculator: TextSinkCalculator',
        '    input_stream: TEXT:y',
      ),
    ).toEqual([
      'g.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "Nope_1": unknown calculator "Nope"; a calculator must be registered, loaded by `calculators:` or be a subgraph',
      expect.stringMatching(
        /^g\.yaml:6:17 error WEFT_ERR_FILE_READ cannot read graph file ".*missing-subgraph\.yaml": no such file/,
      ),
    ]);
  });

  it('WEFT_ERR_UNKNOWN_PORT, WEFT_ERR_MISSING_PORT, WEFT_ERR_PORT_NOT_MULTIPLE', async () => {
    expect(
      await problems(
        'input_stream: [t, u]',
        'nodes:',
        '  - calculator: TextSinkCalculator',
        '    name: sink',
        "    input_stream: ['TXT:t']",
        '  - calculator: TextSinkCalculator',
        '    name: sink2',
        "    input_stream: ['TEXT:0:t', 'TEXT:1:u']",
      ),
    ).toEqual([
      'g.yaml:3:5 error WEFT_ERR_MISSING_PORT node "sink" (TextSinkCalculator) is missing required input_stream tag "TEXT" (add e.g. "TEXT:a_name" to input_stream)',
      'g.yaml:5:20 error WEFT_ERR_UNKNOWN_PORT node "sink" (TextSinkCalculator) has no input_stream tag "TXT" (in "TXT:t") (did you mean "TEXT"?)',
      'g.yaml:8:32 error WEFT_ERR_PORT_NOT_MULTIPLE node "sink2" (TextSinkCalculator) accepts one input_stream for tag "TEXT", but "TEXT:1:u" adds another index; connect a single stream to TEXT',
    ]);
  });

  it('WEFT_ERR_STREAM_PRODUCED_TWICE and WEFT_ERR_STREAM_NOT_PRODUCED', async () => {
    expect(
      await problems(
        'input_stream: [in]',
        'output_stream: [ouput]',
        'nodes:',
        '  - calculator: PassThroughCalculator',
        '    name: a',
        '    input_stream: [in]',
        '    output_stream: [output]',
        '  - calculator: PassThroughCalculator',
        '    name: b',
        '    input_stream: [inn]',
        '    output_stream: [output]',
      ),
    ).toEqual([
      'g.yaml:2:17 error WEFT_ERR_STREAM_NOT_PRODUCED graph output_stream "ouput" (ouput) is not produced by any node (did you mean "output"?)',
      'g.yaml:10:20 error WEFT_ERR_STREAM_NOT_PRODUCED node "b" reads stream "inn" (inn), which no node produces and which is not a graph input_stream (did you mean "in"?)',
      'g.yaml:11:21 error WEFT_ERR_STREAM_PRODUCED_TWICE stream "output" is produced by node "b" (output) and already by node "a" (output) at line 7; every stream has exactly one producer (rename one of them)',
    ]);
  });

  it('a graph input stream written again by a node is produced twice', async () => {
    expect(
      await problems(
        'input_stream: [in]',
        'nodes:',
        '  - calculator: PassThroughCalculator',
        '    input_stream: [in]',
        '    output_stream: [in]',
      ),
    ).toEqual([
      'g.yaml:5:21 error WEFT_ERR_STREAM_PRODUCED_TWICE stream "in" is produced by node "PassThroughCalculator_1" (in) and already by the graph input "in" at line 1; every stream has exactly one producer (rename one of them)',
    ]);
  });

  it('WEFT_ERR_TYPE_MISMATCH: number into string; any connects to everything', async () => {
    expect(
      await problems(
        'nodes:',
        '  - calculator: NumberSourceCalculator',
        '    name: src',
        '    output_stream: OUT:n',
        '  - calculator: TextSinkCalculator',
        '    name: sink',
        "    input_stream: ['TEXT:n']",
        '  - calculator: PassThroughCalculator',
        '    input_stream: n',
        '    output_stream: m',
        '  - calculator: TextSinkCalculator',
        "    input_stream: ['TEXT:m']",
      ),
    ).toEqual([
      'g.yaml:7:20 error WEFT_ERR_TYPE_MISMATCH stream "n": node "sink" (TextSinkCalculator) reads TEXT:n as string, but node "src" (OUT:n) produces number; types must be equal or one of them "any" (insert a converting calculator or fix the connection)',
    ]);
  });

  it('WEFT_ERR_TYPE_MISMATCH on a side packet', async () => {
    expect(
      await problems(
        'input_stream: [t]',
        'nodes:',
        '  - calculator: ModelCalculator',
        '    name: model',
        '    output_side_packet: MODEL:m',
        '  - calculator: TextSinkCalculator',
        '    name: sink',
        '    input_stream: TEXT:t',
        '    input_side_packet: PREFIX:m',
      ),
    ).toEqual([
      'g.yaml:9:24 error WEFT_ERR_TYPE_MISMATCH side packet "m": node "sink" (TextSinkCalculator) reads PREFIX:m as string, but node "model" (MODEL:m) produces Model; types must be equal or one of them "any" (insert a converting calculator or fix the connection)',
    ]);
  });

  it('WEFT_ERR_INVALID_OPTIONS: wrong type and unknown key, at the option; defaults applied when valid', async () => {
    expect(
      await problems(
        'nodes:',
        '  - calculator: NumberSourceCalculator',
        '    name: src',
        '    output_stream: OUT:n',
        '    options:',
        "      count: '3'",
        '      lable: x',
      ),
    ).toEqual([
      'g.yaml:6:14 error WEFT_ERR_INVALID_OPTIONS options of node "src" (NumberSourceCalculator): nodes[0].options.count is "3" but must be integer',
      'g.yaml:7:7 error WEFT_ERR_INVALID_OPTIONS options of node "src" (NumberSourceCalculator): unknown key "lable" in nodes[0].options (did you mean "label"?)',
    ]);
    const ok = await validateGraphString(
      'nodes:\n  - calculator: NumberSourceCalculator\n    output_stream: OUT:n\n',
      {
        file: 'g.yaml',
        registry: testRegistry(),
      },
    );
    expect(ok.graph?.nodes[0]?.options).toEqual({ count: 3 });
  });

  it('WEFT_ERR_CYCLE names the nodes on the loop; a back edge makes it legal', async () => {
    const loop = (info: string[]) =>
      problems(
        'input_stream: [in]',
        'nodes:',
        '  - calculator: AddCalculator',
        '    name: add',
        "    input_stream: ['IN:in', 'LOOP:prev']",
        ...info,
        '    output_stream: SUM:sum',
        '  - calculator: PassThroughCalculator',
        '    name: delay',
        '    input_stream: sum',
        '    output_stream: prev',
      );
    expect(await loop([])).toEqual([
      `g.yaml:5:29 error WEFT_ERR_CYCLE nodes "add" → "delay" → "add" form a cycle with no back edge; mark the input that closes the loop, e.g. on node "add": input_stream_info: [{tag_index: 'LOOP:0', back_edge: true}]`,
    ]);
    expect(await loop(['    input_stream_info: [{tag_index: LOOP, back_edge: true}]'])).toEqual([]);
  });

  it('WEFT_ERR_BACK_EDGE: tag_index that is not an input of the node', async () => {
    expect(
      await problems(
        'input_stream: [in]',
        'nodes:',
        '  - calculator: PassThroughCalculator',
        '    input_stream: in',
        '    output_stream: out',
        "    input_stream_info: [{tag_index: 'LOOP', back_edge: true}]",
      ),
    ).toEqual([
      'g.yaml:6:37 error WEFT_ERR_BACK_EDGE node "PassThroughCalculator_1" (PassThroughCalculator) input_stream_info tag_index "LOOP" names no input port of this node; use `TAG`, `TAG:index` or `:index` of one of its input_stream entries (:0)',
    ]);
  });

  it('WEFT_ERR_UNKNOWN_SIDE_PACKET and WEFT_ERR_SIDE_PACKET_PRODUCED_TWICE', async () => {
    expect(
      await problems(
        'input_stream: [t]',
        'input_side_packet: [prefix]',
        'output_side_packet: [MODEL:modle]',
        'nodes:',
        '  - calculator: TextSinkCalculator',
        "    input_stream: ['TEXT:t']",
        "    input_side_packet: ['PREFIX:prefx']",
        '  - calculator: ModelCalculator',
        "    output_side_packet: ['MODEL:prefix']",
      ),
    ).toEqual([
      'g.yaml:3:22 error WEFT_ERR_UNKNOWN_SIDE_PACKET graph output_side_packet "modle" (MODEL:modle) is not produced by any node (produce it with a node output, or declare it in the graph\'s input_stream)',
      'g.yaml:7:25 error WEFT_ERR_UNKNOWN_SIDE_PACKET node "TextSinkCalculator_1" reads side packet "prefx" (PREFIX:prefx), which no node produces and which is not a graph input_side_packet (did you mean "prefix"?)',
      'g.yaml:9:26 error WEFT_ERR_SIDE_PACKET_PRODUCED_TWICE side packet "prefix" is produced by node "ModelCalculator_1" (MODEL:prefix) and already by the graph input "prefix" at line 2; every side packet has exactly one producer (rename one of them)',
    ]);
  });

  it('WEFT_ERR_DUPLICATE_NODE_NAME points at the second name', async () => {
    expect(
      await problems(
        'input_stream: [a]',
        'nodes:',
        '  - calculator: PassThroughCalculator',
        '    name: same',
        '    input_stream: a',
        '    output_stream: b',
        '  - calculator: PassThroughCalculator',
        '    name: same',
        '    input_stream: b',
        '    output_stream: c',
      ),
    ).toEqual([
      'g.yaml:8:11 error WEFT_ERR_DUPLICATE_NODE_NAME node name "same" is already used by the node at line 4; node names must be unique (rename one, e.g. "same_2")',
    ]);
  });

  it('WEFT_ERR_GRAPH_SCOPED_NODE: streams on a graph-scoped node, and run-scoped side packets into it', async () => {
    expect(
      await problems(
        'input_stream: [in]',
        'input_side_packet: [cfg]',
        'nodes:',
        '  - calculator: ModelCalculator',
        '    input_stream: in',
        "    input_side_packet: ['CONFIG:cfg']",
        "    output_side_packet: ['MODEL:model']",
      ),
    ).toEqual([
      'g.yaml:5:19 error WEFT_ERR_UNKNOWN_PORT node "ModelCalculator_1" (ModelCalculator) has no input_stream untagged ports (in "in") (it declares no input_stream; remove "in")',
      'g.yaml:5:19 error WEFT_ERR_GRAPH_SCOPED_NODE node "ModelCalculator_1" (ModelCalculator) is graph-scoped (opens once when the graph loads) and cannot have streams, but "in" is connected; pass data to it through side packets and take its output side packets',
      'g.yaml:6:25 error WEFT_ERR_GRAPH_SCOPED_NODE node "ModelCalculator_1" is graph-scoped (opens once when the graph loads) but reads side packet "cfg" from the graph input "cfg", which exists only per run; use options, or a side packet of another graph-scoped node',
    ]);
  });

  it('WEFT_ERR_SYNC_SET', async () => {
    expect(
      await problems(
        'input_stream: [a, b]',
        'nodes:',
        '  - calculator: AddCalculator',
        "    input_stream: ['IN:0:a', 'IN:1:b']",
        '    output_stream: SUM:s',
        "    input_stream_handler: {handler: sync_set, sync_sets: [['IN:0'], ['IN:2']]}",
      ),
    ).toEqual([
      'g.yaml:6:27 error WEFT_ERR_SYNC_SET node "AddCalculator_1" (AddCalculator) sync_sets entry "IN:2" names no input port of this node; use TAG or TAG:index of its inputs (IN, IN:1)',
    ]);
  });

  it('schema problems do not hide the others; graph-wide follow-ons wait until they are fixed', async () => {
    expect(
      await problems(
        'max_queue_size: ten',
        'nodes:',
        '  - calculator: PassThruCalculator',
        '    output_streem: OUT:x',
        '  - calculator: TextSinkCalculator',
        '    input_stream: TEXT:x',
        '  - calculator: NumberSourceCalculator',
        '    output_stream: OUT:n',
        '    options: {count: 0}',
        '  - name: no_calculator',
      ),
    ).toEqual([
      'g.yaml:1:17 error WEFT_ERR_GRAPH_SCHEMA max_queue_size is "ten" but must be integer',
      'g.yaml:3:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "PassThruCalculator_1": unknown calculator "PassThruCalculator"; a calculator must be registered, loaded by `calculators:` or be a subgraph (did you mean "PassThroughCalculator"?)',
      'g.yaml:4:5 error WEFT_ERR_UNKNOWN_FIELD unknown key "output_streem" in nodes[0] (did you mean "output_stream"?)',
      'g.yaml:9:22 error WEFT_ERR_INVALID_OPTIONS options of node "NumberSourceCalculator_1" (NumberSourceCalculator): nodes[2].options.count is 0 but must be >= 1',
      'g.yaml:10:5 error WEFT_ERR_GRAPH_SCHEMA nodes[3] is missing required key "calculator" (add it)',
    ]);
  });

  it('reports every problem of a graph at once, in file order', async () => {
    const found = await problems(
      'nodes:',
      '  - calculator: Nope',
      '  - calculator: TextSinkCalculator',
      "    input_stream: ['TEXT:missing']",
      '  - calculator: NumberSourceCalculator',
      '    output_stream: OUT:n',
      '    options: {count: 0}',
    );
    expect(found.map((p) => p.split(' ').slice(0, 3).join(' '))).toEqual([
      'g.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR',
      'g.yaml:4:20 error WEFT_ERR_STREAM_NOT_PRODUCED',
      'g.yaml:7:22 error WEFT_ERR_INVALID_OPTIONS',
    ]);
  });
});
