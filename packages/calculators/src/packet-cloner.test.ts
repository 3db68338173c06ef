import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
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
