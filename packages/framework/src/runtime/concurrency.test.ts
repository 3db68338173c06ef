import { describe, expect, it } from 'vitest';
import { defineCalculator, type Graph, Stop, t } from '../index.js';
import { collect, load, registry } from './runtime.test-helpers.js';

/** A graph-scoped "engine": opened once per compiled graph, shared by every run. */
function sharedEngine() {
  const events: string[] = [];
  let opened = 0;
  const Engine = defineCalculator({
    name: 'TestEngine',
    description: 'A shared resource.',
    scope: 'graph',
    outputSidePackets: { ENGINE: { type: t.named<{ id: number; calls: number }>('TestEngine') } },
    create: () => ({
      open(ctx) {
        opened++;
        events.push(`open ${opened}`);
        ctx.setOutputSidePacket('ENGINE', { id: opened, calls: 0 });
      },
      close() {
        events.push('close');
      },
    }),
  });
  const UseEngine = defineCalculator({
    name: 'TestUseEngine',
    description: 'Tags each packet with the engine id.',
    inputs: { IN: { type: t.any() } },
    outputs: { OUT: { type: t.any() } },
    inputSidePackets: { ENGINE: { type: t.named<{ id: number; calls: number }>('TestEngine') } },
    create: () => ({
      process(ctx) {
        const engine = ctx.sidePacket('ENGINE');
        engine.calls++;
        ctx.output('OUT').add(`${ctx.input('IN')!.value}@engine${engine.id}`);
      },
    }),
  });
  return { Engine, UseEngine, events };
}

describe('graph-scoped nodes', () => {
  it('are opened once when the graph loads, shared by every run, closed by dispose()', async () => {
    const { Engine, UseEngine, events } = sharedEngine();
    const graph = await load(
      `
input_stream: [in]
output_stream: [out]
output_side_packet: [engine]
nodes:
  - calculator: TestEngine
    output_side_packet: [ENGINE:engine]
  - calculator: TestUseEngine
    input_stream: [IN:in]
    output_stream: [OUT:out]
    input_side_packet: [ENGINE:engine]
`,
      registry().register(Engine, UseEngine),
    );
    expect(events).toEqual(['open 1']);
    const outputs = await Promise.all(
      ['a', 'b', 'c'].map(async (value) => {
        const run = graph.start();
        await run.addPacket('in', value, 0);
        run.closeAllInputs();
        await run.done();
        return collect(run, 'out');
      }),
    );
    expect(outputs).toEqual([[[0, 'a@engine1']], [[0, 'b@engine1']], [[0, 'c@engine1']]]);
    expect(graph.sharedSidePacket('engine')).toEqual({ id: 1, calls: 3 });
    await graph.dispose();
    expect(events).toEqual(['open 1', 'close']);
    expect(() => graph.start()).toThrow('graph "test" was disposed; load it again to start runs');
  });
});

describe('concurrent runs', () => {
  it('1,000 concurrent runs of one compiled graph keep their state isolated', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [sums, doubled]
nodes:
  - calculator: TestSum
    input_stream: [IN:in]
    output_stream: [OUT:sums]
  - calculator: TestAsyncDouble
    input_stream: [IN:sums]
    output_stream: [OUT:doubled]
    options: { delay_ms: 1 }
`);
    const runs = Array.from({ length: 1000 }, () => graph.start());
    // Interleave the runs packet by packet so that any shared state would show.
    for (let step = 0; step < 3; step++) {
      await Promise.all(runs.map((run, i) => run.addPacket('in', i + step, step)));
    }
    for (const run of runs) run.closeAllInputs();
    await Promise.all(runs.map((run) => run.done()));
    runs.forEach((run, i) => {
      expect(run.outputPackets('sums').map((p) => p.value)).toEqual([i, 2 * i + 1, 3 * i + 3]);
      expect(run.outputPackets('doubled').map((p) => p.value)).toEqual([2 * i, 4 * i + 2, 6 * i + 6]);
    });
    expect((graph as Graph).activeRuns).toBe(0);
  });

  it('an awaiting node blocks neither the other nodes of its run nor other runs', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [slow, fast]
nodes:
  - calculator: TestAsyncDouble
    input_stream: [IN:in]
    output_stream: [OUT:slow]
    options: { delay_ms: 200 }
  - calculator: TestSum
    input_stream: [IN:in]
    output_stream: [OUT:fast]
`);
    const order: string[] = [];
    const slowRun = graph.start({ onOutput: (s, p) => order.push(`run1 ${s}@${p.timestamp}`) });
    await slowRun.addPacket('in', 1, 0);
    await slowRun.addPacket('in', 2, 1);
    expect(order).toEqual(['run1 fast@0', 'run1 fast@1']);
    const quick = graph.start({ onOutput: (s, p) => order.push(`run2 ${s}@${p.timestamp}`) });
    await quick.addPacket('in', 5, 0);
    quick.closeAllInputs();
    // run2 cannot finish before its own slow node, but its fast branch is out at once.
    expect(order).toEqual(['run1 fast@0', 'run1 fast@1', 'run2 fast@0']);
    slowRun.closeAllInputs();
    await Promise.all([slowRun.done(), quick.done()]);
    expect(order.slice(3).sort()).toEqual(['run1 slow@0', 'run1 slow@1', 'run2 slow@0']);
  });
});

describe('back edges', () => {
  /** Emits IN + the last LOOP value it saw (0 at first): a running total through a loop. */
  const Accumulate = defineCalculator({
    name: 'TestAccumulate',
    description: 'OUT = IN + last LOOP value.',
    inputs: { IN: { type: t.number() }, LOOP: { type: t.number() } },
    outputs: { OUT: { type: t.number() } },
    create: () => {
      let last = 0;
      return {
        process(ctx) {
          const loop = ctx.input('LOOP');
          if (loop !== undefined) last = loop.value;
          const p = ctx.input('IN');
          if (p !== undefined) ctx.output('OUT').add(p.value + last);
        },
      };
    },
  });

  it('back-edge inputs do not block the first input sets; the loop closes when its inputs end', async () => {
    const graph = await load(
      `
input_stream: [in]
output_stream: [total]
nodes:
  - calculator: TestAccumulate
    input_stream: [IN:in, LOOP:previous]
    output_stream: [OUT:total]
    input_stream_info: [{ tag_index: LOOP, back_edge: true }]
  - calculator: TestPass
    input_stream: [total]
    output_stream: [previous]
`,
      registry().register(Accumulate),
    );
    const run = graph.start();
    for (const [ts, v] of [
      [0, 1],
      [1, 10],
      [2, 100],
    ] as const) {
      await run.addPacket('in', v, ts);
    }
    run.closeAllInputs();
    await run.done();
    expect(await collect(run, 'total')).toEqual([
      [0, 1],
      [1, 11],
      [2, 111],
    ]);
  });
});

describe('sources', () => {
  it('a source that stops at once still lets the graph finish', async () => {
    const Empty = defineCalculator({
      name: 'TestEmpty',
      description: 'Stops immediately.',
      outputs: { OUT: { type: t.any() } },
      create: () => ({ process: () => Stop }),
    });
    const graph = await load(
      'output_stream: [out]\nnodes:\n  - calculator: TestEmpty\n    output_stream: [OUT:s]\n  - calculator: TestPass\n    input_stream: [s]\n    output_stream: [out]\n',
      registry().register(Empty),
    );
    const run = graph.start();
    await run.done();
    expect(await collect(run, 'out')).toEqual([]);
  });
});
