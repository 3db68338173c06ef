import { describe, expect, it } from 'vitest';
import {
  CalculatorRegistry,
  defineCalculator,
  GraphValidationError,
  t,
  validateGraphString,
} from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

describe('validateGraphString: the ValidatedGraph of a valid file', () => {
  it('parses graph ports, names unnamed nodes, applies options defaults, and orders nodes topologically', async () => {
    const text = [
      'name: demo',
      'input_stream: [IN:0:first, IN:1:second]',
      'output_stream: SUM:total',
      'input_side_packet: [prefix]',
      'max_queue_size: 4',
      'input_stream_handler: immediate',
      'nodes:',
      '  - calculator: AddCalculator',
      '    name: add',
      "    input_stream: ['IN:0:a', 'IN:1:b']",
      '    output_stream: SUM:total',
      '  - calculator: PassThroughCalculator',
      '    name: PassThroughCalculator_1',
      '    input_stream: [first, second]',
      '    output_stream: [a, b]',
      '  - calculator: PassThroughCalculator',
      '    input_stream: total',
      '    output_stream: copy',
      '    input_stream_handler: {handler: sync_set, sync_sets: [[":0"]]}',
      '  - calculator: NumberSourceCalculator',
      '    output_stream: OUT:numbers',
      '',
    ].join('\n');
    const { graph, problems } = await validateGraphString(text, {
      file: '/graphs/demo.yaml',
      registry: testRegistry(),
    });
    expect(problems).toEqual([]);
    expect(graph!.name).toBe('demo');
    expect(graph!.file).toBe('/graphs/demo.yaml');
    expect(graph!.dir).toBe('/graphs');
    expect(graph!.maxQueueSize).toBe(4);
    expect(graph!.inputStreamHandler).toEqual({ handler: 'immediate' });
    expect(graph!.inputStreams.map((p) => [p.tag, p.index, p.name, p.location.line, p.location.col])).toEqual(
      [
        ['IN', 0, 'first', 2, 16],
        ['IN', 1, 'second', 2, 28],
      ],
    );
    expect(graph!.inputSidePackets.map((p) => p.name)).toEqual(['prefix']);
    expect(
      graph!.nodes.map((n) => ({
        name: n.name,
        handler: n.inputStreamHandler,
        options: n.options,
        line: n.location.line,
      })),
    ).toEqual([
      { name: 'PassThroughCalculator_1', handler: { handler: 'immediate' }, options: {}, line: 12 },
      { name: 'add', handler: { handler: 'immediate' }, options: {}, line: 8 },
      {
        name: 'PassThroughCalculator_2',
        handler: { handler: 'sync_set', sync_sets: [[':0']] },
        options: {},
        line: 16,
      },
      {
        name: 'NumberSourceCalculator_1',
        handler: { handler: 'immediate' },
        options: { count: 3 },
        line: 20,
      },
    ]);
  });

  it("takes the calculator's own handler over the graph default, and the node's over both", async () => {
    const registry = new CalculatorRegistry().register(
      defineCalculator({
        name: 'ImmediateCalculator',
        description: 'Declares the immediate handler.',
        inputs: { IN: { type: t.any() } },
        inputStreamHandler: 'immediate',
        create: () => ({}),
      }),
    );
    const text = (handler: string) =>
      `input_stream: [a]\ninput_stream_handler: sync_set\nnodes:\n  - calculator: ImmediateCalculator\n    input_stream: IN:a\n${handler}`;
    const plain = await validateGraphString(text(''), { file: 'g.yaml', registry });
    expect(plain.graph!.nodes[0]!.inputStreamHandler).toEqual({ handler: 'immediate' });
    const own = await validateGraphString(text('    input_stream_handler: default\n'), {
      file: 'g.yaml',
      registry,
    });
    expect(own.graph!.nodes[0]!.inputStreamHandler).toEqual({ handler: 'default' });
  });

  it('resolves relative paths from baseDir and names the graph after the file by default', async () => {
    const { graph } = await validateGraphString('nodes: []\n', {
      file: 'virtual/my-graph.yaml',
      baseDir: '/somewhere',
      registry: testRegistry(),
    });
    expect(graph!.name).toBe('my-graph');
    expect(graph!.dir).toBe('/somewhere');
  });

  it('never registers into the registry it is given', async () => {
    const registry = testRegistry();
    const before = registry.names();
    await validateGraphString('subgraphs: []\ncalculators: []\nnodes: []\n', { file: 'g.yaml', registry });
    expect(registry.names()).toEqual(before);
  });

  it('GraphValidationError lists every problem in the CLI format', async () => {
    const { problems } = await validateGraphString('nodes:\n  - calculator: Nope\n', {
      file: 'g.yaml',
      registry: new CalculatorRegistry(),
    });
    const error = new GraphValidationError(problems);
    expect(error.message).toBe(
      'graph is invalid (1 problem):\ng.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "Nope_1": unknown calculator "Nope"; a calculator must be registered, loaded by `calculators:` or be a subgraph',
    );
  });
});
