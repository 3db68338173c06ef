import {
  CalculatorRegistry,
  CalculatorRunner,
  type GraphRun,
  loadGraphFromString,
  Timestamp,
} from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('PacketClonerCalculator', () => {
  test('each tick re-emits the latest packet of every input at the tick timestamp', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PacketClonerCalculator
      input_stream: [settings, TICK:requests]
      output_stream: [settings_per_request]
      `,
      { registry },
    );
    runner
      .addPacket('TICK', 'r0', 0) // nothing received yet: no clone
      .addPacket('settings', 'a', 1)
      .addPacket('TICK', 'r1', 2)
      .addPacket('TICK', 'r2', 3)
      .addPacket('settings', 'b', 4)
      .addPacket('TICK', 'r3', 4) // same timestamp as the data: the new packet is cloned
      .addPacket('TICK', 'r4', 8);
    await runner.run();
    expect(runner.outputValues('settings_per_request')).toEqual(['a', 'a', 'b', 'b']);
    expect(runner.outputTimestamps('settings_per_request')).toEqual([2, 3, 4, 8]);
  });

  test('output_only_when_all_inputs_received waits for every input', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PacketClonerCalculator
      input_stream: [x, y, TICK:tick]
      output_stream: [x_out, y_out]
      options: { output_only_when_all_inputs_received: true }
      `,
      { registry },
    );
    runner
      .addPacket('x', 'x0', 0)
      .addPacket('TICK', null, 1)
      .addPacket('y', 'y0', 2)
      .addPacket('TICK', null, 3);
    await runner.run();
    expect(runner.outputTimestamps('x_out')).toEqual([3]);
    expect(runner.outputValues('y_out')).toEqual(['y0']);
  });

  test('without the option, inputs that have seen a packet are cloned alone', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PacketClonerCalculator
      input_stream: [x, y, TICK:tick]
      output_stream: [x_out, y_out]
      `,
      { registry },
    );
    runner.addPacket('x', 'x0', 0).addPacket('TICK', null, 1);
    await runner.run();
    expect(runner.outputTimestamps('x_out')).toEqual([1]);
    expect(runner.outputTimestamps('y_out')).toEqual([]);
  });
});

// Ported from MediaPipe's packet_cloner_calculator_test.cc. Each test runs with the tick tagged
// (TICK:tick) and untagged (the last input), as MediaPipe's parameterised suite does. Outputs are
// read while the inputs are still open (MediaPipe's WaitUntilIdle): the default handler decides
// when a tick may be answered.
describe.each([
  ['TICK:tick', 'tagged tick'],
  ['tick', 'untagged tick'],
])('PacketClonerCalculator (MediaPipe PacketClonerCalculatorTest, %s)', (tick) => {
  const start = async (inputs: string[], handler = '') => {
    const outputs = inputs.map((_, i) => `out${i + 1}`);
    const graph = await loadGraphFromString(
      `input_stream: [${[...inputs, 'tick'].join(', ')}]\noutput_stream: [${outputs.join(', ')}]\nnodes:\n  - calculator: PacketClonerCalculator\n    input_stream: [${[...inputs, tick].join(', ')}]\n    output_stream: [${outputs.join(', ')}]\n${handler}`,
      { file: 'cloner.yaml', registry },
    );
    return graph.start();
  };
  const seen = (run: GraphRun, stream: string) =>
    run.outputPackets(stream).map((p) => [p.value, p.timestamp]);

  test('ClonesSingleInputSameTimestamps', async () => {
    const run = await start(['in1']);
    await run.addPacket('in1', 1, 10000);
    await run.addPacket('tick', 1000, 10000);
    expect(seen(run, 'out1')).toEqual([[1, 10000]]);
    run.closeAllInputs();
    await run.done();
  });

  test('ClonesSingleInputEarlierTimestamps: a tick waits until the data stream is settled there', async () => {
    const run = await start(['in1']);
    await run.addPacket('in1', 1, 5000);
    await run.addPacket('tick', 1000, 10000);
    await run.addPacket('tick', 1001, 10001);
    await run.addPacket('tick', 1002, 10002);
    expect(seen(run, 'out1')).toEqual([]); // in1 may still send something before 10000
    await run.addPacket('in1', 2, 15000);
    expect(seen(run, 'out1')).toEqual([
      [1, 10000],
      [1, 10001],
      [1, 10002],
    ]);
    run.closeAllInputs();
    await run.done();
  });

  test('ClonesFiveInputs', async () => {
    const ins = ['in1', 'in2', 'in3', 'in4', 'in5'];
    const run = await start(ins);
    for (const [i, name] of ins.entries()) await run.addPacket(name, (i + 1) * 10, 10000);
    await run.addPacket('tick', 1000, 10000);
    await run.addPacket('tick', 1001, 10001);
    await run.addPacket('tick', 1002, 10002);
    for (const [i] of ins.entries()) expect(seen(run, `out${i + 1}`)).toEqual([[(i + 1) * 10, 10000]]);
    for (const [i, name] of ins.entries()) await run.addPacket(name, (i + 1) * 100, 20000);
    await run.addPacket('tick', 2000, 20000);
    for (const [i] of ins.entries()) {
      const v = (i + 1) * 10;
      expect(seen(run, `out${i + 1}`)).toEqual([
        [v, 10000],
        [v, 10001],
        [v, 10002],
        [v * 10, 20000],
      ]);
    }
    run.closeAllInputs();
    await run.done();
  });

  test('ClonesTwoInputsWithImmediateInputStreamHandler', async () => {
    const run = await start(['in1', 'in2'], '    input_stream_handler: { handler: immediate }\n');
    await run.addPacket('tick', 0, 0); // nothing to clone yet
    await run.addPacket('in1', 1, 10000);
    await run.addPacket('in2', 10, 10000);
    await run.addPacket('tick', 1000, 10000);
    await run.addPacket('tick', 1500, 15000); // clones past packets
    await run.addPacket('in1', 2, 10001);
    await run.addPacket('in2', 20, 10001);
    await run.addPacket('tick', 2000, 20000);
    await run.addPacket('in1', 3, 30000); // future packets arrive before the tick
    await run.addPacket('in2', 30, 30000);
    await run.addPacket('tick', 3000, 25000);
    await run.addPacket('in1', 4, 38000);
    await run.addPacket('in2', 40, 39000);
    await run.addPacket('tick', 4000, 40000);
    expect(seen(run, 'out1')).toEqual([
      [1, 10000],
      [1, 15000],
      [2, 20000],
      [3, 25000],
      [4, 40000],
    ]);
    expect(seen(run, 'out2').map(([v]) => v)).toEqual([10, 10, 20, 30, 40]);
    run.closeAllInputs();
    await run.done();
  });
});

// MediaPipe's PacketClonerCalculatorGatedInputTest: the tick and the data each pass a Gate; the
// output's timestamp bounds are observed (MediaPipe's empty packets at bound - 1).
describe('PacketClonerCalculator behind gates (MediaPipe PacketClonerCalculatorGatedInputTest)', () => {
  const start = async () => {
    const graph = await loadGraphFromString(
      `
input_stream: [input, input_enabled, tick, tick_enabled]
output_stream: [output]
nodes:
  - calculator: GateCalculator
    input_stream: [tick, ALLOW:tick_enabled]
    output_stream: [tick_gated]
  - calculator: GateCalculator
    input_stream: [input, ALLOW:input_enabled]
    output_stream: [input_gated]
  - calculator: PacketClonerCalculator
    input_stream: [input_gated, TICK:tick_gated]
    output_stream: [output]
`,
      { file: 'gated.yaml', registry },
    );
    const events: string[] = [];
    const run = graph.start({
      onOutput: (_s, p) => events.push(`${p.value}@${p.timestamp}`),
      onOutputBound: (_s, bound) => events.push(`empty@${Timestamp.previousAllowedInStream(bound)}`),
    });
    const send = async (stream: string, value: unknown, ts: number) => run.addPacket(stream, value, ts);
    return { run, events, send };
  };

  test('PropagatesTimestampBoundsWithEmptyInput', async () => {
    const { run, events, send } = await start();
    await send('tick_enabled', false, 100);
    await send('tick', 0, 100);
    await send('input_enabled', false, 200);
    await send('input', 1, 200);
    expect(events).toEqual(['empty@100']);
    run.closeAllInputs();
    await run.done();
  });

  test('PropagatesTimestampBoundsWithInput', async () => {
    const { run, events, send } = await start();
    await send('input_enabled', true, 100);
    await send('input', 1, 100);
    await send('tick_enabled', true, 100);
    await send('tick', 0, 100);
    await send('tick_enabled', false, 110);
    await send('tick', 0, 110);
    await send('input_enabled', false, 200);
    await send('input', 2, 200);
    expect(events).toEqual(['1@100', 'empty@110']);
    run.closeAllInputs();
    await run.done();
  });

  test('PropagatesTimestampBoundsFromTick', async () => {
    const { run, events, send } = await start();
    await send('input_enabled', true, 100);
    await send('input', 1, 100);
    await send('tick_enabled', true, 100);
    await send('tick', 0, 100);
    await send('input_enabled', true, 110);
    await send('input', 2, 110);
    await send('tick_enabled', false, 200);
    await send('tick', 0, 200);
    await send('input_enabled', false, 200);
    await send('input', 2, 200);
    expect(events).toEqual(['1@100', 'empty@200']);
    run.closeAllInputs();
    await run.done();
  });
});
