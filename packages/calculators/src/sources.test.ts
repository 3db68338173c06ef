import { CalculatorRegistry, loadGraphFromString, type Packet } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

// Sources and side packets across nodes: SequenceSource feeding Map and PacketCloner,
// SidePacketToStream turning a run's side packet into a stream, and back-pressure on a source.

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

async function collect(run: { output(s: string): AsyncIterable<Packet> }, stream: string): Promise<string[]> {
  const out: string[] = [];
  for await (const p of run.output(stream)) out.push(`${p.timestamp}:${JSON.stringify(p.value)}`);
  return out;
}

describe('general calculators in source-driven graphs', () => {
  test('SequenceSource → Map(add) runs to completion without graph inputs', async () => {
    const graph = await loadGraphFromString(
      `
output_stream: [plus_ten]
nodes:
  - calculator: SequenceSourceCalculator
    output_stream: [numbers]
    options: { count: 4, start: 1, timestamp_step: 100 }
  - calculator: MapCalculator
    input_stream: [numbers]
    output_stream: [plus_ten]
    options: { function: add, args: 10 }
`,
      { file: 'seq.yaml', registry },
    );
    const run = graph.start();
    expect(await collect(run, 'plus_ten')).toEqual(['0:11', '100:12', '200:13', '300:14']);
    await run.done();
  });

  test('SidePacketToStream AT_ZERO + PacketCloner: the side packet is cloned onto every tick', async () => {
    const graph = await loadGraphFromString(
      `
input_side_packet: [greeting]
input_stream: [ticks]
output_stream: [greeting_per_tick]
nodes:
  - calculator: SidePacketToStreamCalculator
    input_side_packet: [greeting]
    output_stream: [AT_ZERO:greeting_stream]
  - calculator: PacketClonerCalculator
    input_stream: [greeting_stream, TICK:ticks]
    output_stream: [greeting_per_tick]
`,
      { file: 'clone.yaml', registry },
    );
    for (const greeting of ['hello', 'bonjour']) {
      // The source runs as the run starts, so its packet is there before the first tick.
      const run = graph.start({ sidePackets: { greeting } });
      for (const ts of [5, 10, 15]) await run.addPacket('ticks', null, ts);
      run.closeAllInputs();
      const g = JSON.stringify(greeting);
      expect(await collect(run, 'greeting_per_tick')).toEqual([`5:${g}`, `10:${g}`, `15:${g}`]);
      await run.done();
    }
  });

  test('a fast source is throttled by max_queue_size and still delivers everything in order', async () => {
    const graph = await loadGraphFromString(
      `
max_queue_size: 2
output_stream: [doubled]
nodes:
  - calculator: SequenceSourceCalculator
    output_stream: [numbers]
    options: { count: 200 }
  - calculator: MapCalculator
    input_stream: [numbers]
    output_stream: [doubled]
    options: { function: multiply, args: 2 }
`,
      { file: 'throttle.yaml', registry },
    );
    const run = graph.start();
    const out = await collect(run, 'doubled');
    await run.done();
    expect(out).toHaveLength(200);
    expect(out.slice(0, 3)).toEqual(['0:0', '1:2', '2:4']);
    expect(out.at(-1)).toBe('199:398');
  });

  test('BeginLoop CLONE carries per-batch data into the loop body', async () => {
    const graph = await loadGraphFromString(
      `
input_stream: [lists, scale]
output_stream: [scaled_lists]
nodes:
  - calculator: BeginLoopCalculator
    input_stream: [ITERABLE:lists, CLONE:scale]
    output_stream: [ITEM:item, BATCH_END:end, CLONE:item_scale]
  - calculator: PassThroughCalculator
    input_stream: [item, item_scale]
    output_stream: [item_out, scale_out]
  - calculator: EndLoopCalculator
    input_stream: [ITEM:scale_out, BATCH_END:end]
    output_stream: [ITERABLE:scaled_lists]
`,
      { file: 'clone-loop.yaml', registry },
    );
    const run = graph.start();
    await run.addPacket('lists', [1, 2, 3], 7);
    await run.addPacket('scale', 'x', 7);
    await run.addPacket('lists', [4], 8);
    await run.addPacket('scale', 'y', 8);
    run.closeAllInputs();
    expect(await collect(run, 'scaled_lists')).toEqual(['7:["x","x","x"]', '8:["y"]']);
    await run.done();
  });
});
