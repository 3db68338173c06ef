import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defineCalculator,
  GraphCancelledError,
  GraphRunError,
  GraphValidationError,
  loadGraph,
  t,
} from '../index.js';
import { load, registry } from './runtime.test-helpers.js';

const WhereAmI = defineCalculator({
  name: 'TestWhereAmI',
  description: 'Emits ctx.graphDir (run scope) and sets it as a side packet (graph scope).',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  create: () => ({
    process(ctx) {
      ctx.output('OUT').add(ctx.graphDir ?? null);
    },
  }),
});

const BrokenEngine = defineCalculator({
  name: 'TestBrokenEngine',
  description: 'A graph-scoped node whose open fails.',
  scope: 'graph',
  outputSidePackets: { ENGINE: { type: t.any() } },
  create: () => ({
    open() {
      throw new Error('model file is corrupt');
    },
  }),
});

describe('loadGraph', () => {
  it('validates a file and exposes its directory to calculators as ctx.graphDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-load-'));
    try {
      await writeFile(
        join(dir, 'where.yaml'),
        'input_stream: [in]\noutput_stream: [out]\nnodes:\n  - calculator: TestWhereAmI\n    input_stream: [IN:in]\n    output_stream: [OUT:out]\n',
      );
      const graph = await loadGraph(join(dir, 'where.yaml'), { registry: registry().register(WhereAmI) });
      const run = graph.start();
      await run.addPacket('in', 1, 0);
      run.closeAllInputs();
      await run.done();
      expect(run.outputPackets('out').map((p) => p.value)).toEqual([dir]);
      await writeFile(join(dir, 'bad.yaml'), 'nodes:\n  - calculator: Nope\n');
      const error = await loadGraph(join(dir, 'bad.yaml'), { registry: registry() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphValidationError);
      expect(
        (error as GraphValidationError).problems.map((p) => [p.code, p.location.line, p.location.col]),
      ).toEqual([['WEFT_ERR_UNKNOWN_CALCULATOR', 2, 17]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects with a GraphRunError when a graph-scoped node fails to open', async () => {
    const error = (await load(
      'nodes:\n  - calculator: TestBrokenEngine\n    name: engine\n    output_side_packet: [ENGINE:engine]\n',
      registry().register(BrokenEngine),
    ).catch((e: unknown) => e)) as GraphRunError;
    expect(error).toBeInstanceOf(GraphRunError);
    expect(error.message).toBe(
      'node "engine" (TestBrokenEngine) failed in open in graph "test": model file is corrupt',
    );
  });
});

describe('Graph', () => {
  const yaml = `
input_stream: [REQUEST:in]
output_stream: [RESPONSE:out]
nodes:
  - calculator: TestAsyncDouble
    input_stream: [IN:in]
    output_stream: [OUT:out]
    options: { delay_ms: 30 }
`;

  it('maps stream tags to names', async () => {
    const graph = await load(yaml);
    expect([
      graph.inputStreamName('REQUEST'),
      graph.outputStreamName('RESPONSE'),
      graph.inputStreamName('X'),
    ]).toEqual(['in', 'out', undefined]);
  });

  it('dispose() cancels the runs in flight', async () => {
    const graph = await load(yaml);
    const run = graph.start();
    await run.addPacket('in', 1, 0);
    await graph.dispose();
    const error = (await run.done().catch((e: unknown) => e)) as GraphCancelledError;
    expect(error).toBeInstanceOf(GraphCancelledError);
    expect(error.message).toBe('run of graph "test" was cancelled: graph "test" was disposed');
  });

  it('measures per-node time with `timing`, and records Chrome trace events with `trace`', async () => {
    const graph = await load(yaml);
    const run = graph.start({ trace: true });
    await run.addPacket('in', 1, 0);
    await run.addPacket('in', 2, 1);
    run.closeAllInputs();
    await run.done();
    const [stats] = run.stats();
    expect(stats).toMatchObject({ node: 'TestAsyncDouble_1', processCalls: 2, packetsOut: 2 });
    expect(stats!.totalMs).toBeGreaterThanOrEqual(50);
    expect(stats!.maxMs).toBeGreaterThanOrEqual(25);
    const events = run.traceEvents() as {
      ph: string;
      name: string;
      dur?: number;
      args?: Record<string, unknown>;
    }[];
    expect(events.filter((e) => e.ph === 'X').map((e) => [e.name, e.args?.input_timestamp])).toEqual([
      ['TestAsyncDouble_1', '0'],
      ['TestAsyncDouble_1', '1'],
    ]);
    const untimed = graph.start();
    untimed.closeAllInputs();
    await untimed.done();
    expect(untimed.stats()[0]!.totalMs).toBe(0);
  });

  it('reports unknown streams with a suggestion', async () => {
    const graph = await load(yaml);
    const run = graph.start();
    await expect(run.addPacket('inn', 1, 0)).rejects.toThrow(
      'addPacket: "inn" is not an input stream of graph "test" (did you mean "in"?)',
    );
    expect(() => run.output('outt')).toThrow(
      'output: "outt" is not an output stream of graph "test" (did you mean "out"?)',
    );
    run.cancel();
    await run.done().catch(() => {});
  });
});
