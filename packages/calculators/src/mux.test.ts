import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('MuxCalculator', () => {
  test('SELECT stream picks the input per timestamp', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: MuxCalculator, input_stream: [SELECT:s, INPUT:0:a, INPUT:1:b], output_stream: [OUTPUT:out] }',
      { registry },
    );
    for (const [ts, select] of [
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      runner
        .addPacket('INPUT:0', `a${ts}`, ts)
        .addPacket('INPUT:1', `b${ts}`, ts)
        .addPacket('SELECT', select, ts);
    }
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['b0', 'a1', 'b2']);
    expect(runner.outputTimestamps('out')).toEqual([0, 1, 2]);
  });

  test('SELECT side packet picks one input for the run', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: MuxCalculator
      input_stream: [INPUT:0:a, INPUT:1:b]
      input_side_packet: [SELECT:which]
      output_stream: [OUTPUT:out]
      `,
      { registry },
    );
    runner.setSidePacket('SELECT', 1).addPacket('a', 'a0', 0).addPacket('b', 'b0', 0).addPacket('b', 'b1', 1);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['b0', 'b1']);
  });

  test('needs exactly one SELECT', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: MuxCalculator, input_stream: [INPUT:0:a], output_stream: [OUTPUT:out] }',
      { registry },
    );
    await expect(runner.run()).rejects.toThrow(
      'has neither a SELECT stream nor a SELECT side packet; connect exactly one',
    );
  });
});
