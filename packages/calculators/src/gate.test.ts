import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const feed = (runner: CalculatorRunner, control: string, states: (boolean | undefined)[]) => {
  states.forEach((state, ts) => {
    runner.addPacket('data', `d${ts}`, ts);
    if (state !== undefined) runner.addPacket(control, state, ts);
  });
  return runner;
};

describe('GateCalculator', () => {
  test('ALLOW stream: passes packets at timestamps where ALLOW is true; reports state changes', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: GateCalculator
      input_stream: [data, ALLOW:allow]
      output_stream: [gated, STATE_CHANGE:changes]
      `,
      { registry },
    );
    await feed(runner, 'ALLOW', [true, true, false, undefined, true]).run();
    expect(runner.outputValues('gated')).toEqual(['d0', 'd1', 'd4']);
    expect(runner.outputTimestamps('gated')).toEqual([0, 1, 4]);
    expect(runner.outputValues('changes')).toEqual([false, true]);
    expect(runner.outputTimestamps('changes')).toEqual([2, 4]);
  });

  test('DISALLOW stream, with empty packets treated as allow', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: GateCalculator
      input_stream: [data, DISALLOW:stop]
      output_stream: [gated]
      options: { empty_packets_as_allow: true }
      `,
      { registry },
    );
    await feed(runner, 'DISALLOW', [false, true, undefined, true]).run();
    expect(runner.outputValues('gated')).toEqual(['d0', 'd2']);
  });

  test('ALLOW side packet fixes the state for the run', async () => {
    for (const allow of [true, false]) {
      const runner = new CalculatorRunner(
        `
        calculator: GateCalculator
        input_stream: [data]
        input_side_packet: [ALLOW:enabled]
        output_stream: [gated]
        `,
        { registry },
      );
      runner.setSidePacket('ALLOW', allow);
      await feed(runner, 'unused', [undefined, undefined]).run();
      expect(runner.outputValues('gated')).toEqual(allow ? ['d0', 'd1'] : []);
    }
  });

  test('without a control, the `allow` option decides', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: GateCalculator, input_stream: [data], output_stream: [gated], options: { allow: true } }',
      { registry },
    );
    await feed(runner, 'unused', [undefined]).run();
    expect(runner.outputValues('gated')).toEqual(['d0']);
  });
});
