import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('PassThroughCalculator', () => {
  test('forwards each input to the output of the same index, timestamps unchanged', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PassThroughCalculator
      input_stream: [a, b]
      output_stream: [a_out, b_out]
      `,
      { registry },
    );
    runner.addPacket('a', 'x', 0).addPacket('b', 1, 0).addPacket('a', 'y', 5).addPacket('b', 2, 9);
    await runner.run();
    expect(runner.outputValues('a_out')).toEqual(['x', 'y']);
    expect(runner.outputTimestamps('a_out')).toEqual([0, 5]);
    expect(runner.outputValues('b_out')).toEqual([1, 2]);
    expect(runner.outputTimestamps('b_out')).toEqual([0, 9]);
  });

  test('forwards the packet object itself (payloads are shared, never copied)', async () => {
    const payload = { big: [1, 2, 3] };
    const runner = new CalculatorRunner(
      '{ calculator: PassThroughCalculator, input_stream: [a], output_stream: [b] }',
      {
        registry,
      },
    );
    await runner.addPacket('a', payload, 3).run();
    expect(runner.outputValues('b')[0]).toBe(payload);
  });

  test('refuses unequal input and output counts when the run starts', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: PassThroughCalculator, input_stream: [a, b], output_stream: [a_out] }',
      { registry },
    );
    await expect(runner.run()).rejects.toThrow(
      'PassThroughCalculator node "PassThroughCalculator_1" has 2 untagged input stream(s) but 1 untagged output stream(s)',
    );
  });

  test('forwards side packets by index', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PassThroughCalculator
      input_stream: [a]
      output_stream: [b]
      input_side_packet: [config, seed]
      output_side_packet: [config_out, seed_out]
      `,
      { registry },
    );
    await runner.setSidePacket('config', { depth: 2 }).setSidePacket('seed', 7).run();
    expect(runner.outputSidePacket('config_out')).toEqual({ depth: 2 });
    expect(runner.outputSidePacket('seed_out')).toBe(7);
  });
});
