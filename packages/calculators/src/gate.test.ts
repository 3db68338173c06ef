import { CalculatorRegistry, CalculatorRunner, Timestamp } from '@weft/framework';
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

// Ported from MediaPipe's gate_calculator_test.cc (GateCalculatorTest.*): one data stream of
// booleans, the control as a side packet, stream or option; each step feeds timestamp 42, 43, ...
describe('GateCalculator (MediaPipe GateCalculatorTest)', () => {
  const gate = (node: string) => new CalculatorRunner(`calculator: GateCalculator\n${node}`, { registry });
  /** RunTimeStep(ts, payload): a data packet only. */
  const steps = (runner: CalculatorRunner, payloads: boolean[]) => {
    for (const [i, payload] of payloads.entries()) runner.addPacket('test_input', payload, 42 + i);
    return runner;
  };
  /** RunTimeStep(ts, control_tag, control): data true plus the control, at the same timestamp. */
  const controlled = (runner: CalculatorRunner, tag: string, controls: boolean[], data = true) => {
    for (const [i, control] of controls.entries()) {
      if (data) runner.addPacket('test_input', true, 42 + i);
      runner.addPacket(tag, control, 42 + i);
    }
    return runner;
  };

  test('AllowByALLOWOptionToTrue', async () => {
    const runner = steps(
      gate('input_stream: [test_input]\noutput_stream: [test_output]\noptions: { allow: true }'),
      [true, false],
    );
    await runner.run();
    expect(runner.outputValues('test_output')).toEqual([true, false]);
    expect(runner.outputTimestamps('test_output')).toEqual([42, 43]);
  });

  test('DisallowByALLOWOptionSetToFalse and DisallowByALLOWOptionNotSet', async () => {
    for (const options of ['options: { allow: false }', '']) {
      const runner = steps(gate(`input_stream: [test_input]\noutput_stream: [test_output]\n${options}`), [
        true,
        false,
      ]);
      await runner.run();
      expect(runner.outputValues('test_output')).toEqual([]);
    }
  });

  test.each([
    ['AllowByALLOWSidePacketSetToTrue', 'ALLOW', true, [true, false]],
    ['AllowByDisallowSidePacketSetToFalse', 'DISALLOW', false, [true, false]],
    ['DisallowByALLOWSidePacketSetToFalse', 'ALLOW', false, []],
    ['DisallowByDISALLOWSidePacketSetToTrue', 'DISALLOW', true, []],
  ] as const)('%s', async (_name, tag, value, expected) => {
    const runner = steps(
      gate(
        `input_side_packet: [${tag}:gating_stream]\ninput_stream: [test_input]\noutput_stream: [test_output]`,
      ),
      [true, false],
    );
    runner.setSidePacket(tag, value);
    await runner.run();
    expect(runner.outputValues('test_output')).toEqual(expected);
    expect(runner.outputTimestamps('test_output')).toEqual(expected.length > 0 ? [42, 43] : []);
  });

  test('Allow and Disallow', async () => {
    const allow = controlled(
      gate('input_stream: [test_input, ALLOW:gating_stream]\noutput_stream: [test_output]'),
      'ALLOW',
      [true, false, true, false],
    );
    await allow.run();
    expect(allow.outputTimestamps('test_output')).toEqual([42, 44]);
    const disallow = controlled(
      gate('input_stream: [test_input, DISALLOW:gating_stream]\noutput_stream: [test_output]'),
      'DISALLOW',
      [true, false, true, false],
    );
    await disallow.run();
    expect(disallow.outputTimestamps('test_output')).toEqual([43, 45]);
    expect(disallow.outputValues('test_output')).toEqual([true, true]);
  });

  test.each([
    ['AllowWithStateChange', 'ALLOW', [false, true, true, false], true],
    ['AllowWithStateChangeNoDataStreams', 'ALLOW', [false, true, true, false], false],
    ['DisallowWithStateChange', 'DISALLOW', [true, false, false, true], true],
    ['DisallowWithStateChangeNoDataStreams', 'DISALLOW', [true, false, false, true], false],
  ] as const)('%s', async (_name, tag, controls, data) => {
    const ports = data
      ? `input_stream: [test_input, ${tag}:gating_stream]\noutput_stream: [test_output, STATE_CHANGE:state_changed]`
      : `input_stream: [${tag}:gating_stream]\noutput_stream: [STATE_CHANGE:state_changed]`;
    const runner = controlled(gate(ports), tag, [...controls], data);
    await runner.run();
    expect(runner.outputTimestamps('STATE_CHANGE')).toEqual([43, 45]);
    expect(runner.outputValues('STATE_CHANGE')).toEqual([true, false]);
  });

  test('DisallowInitialNoStateTransition and AllowInitialNoStateTransition', async () => {
    for (const [tag, control] of [
      ['DISALLOW', false],
      ['ALLOW', true],
    ] as const) {
      const runner = controlled(
        gate(
          `input_stream: [test_input, ${tag}:gating_stream]\noutput_stream: [test_output, STATE_CHANGE:state_changed]`,
        ),
        tag,
        [control],
      );
      await runner.run();
      expect(runner.outputValues('STATE_CHANGE')).toEqual([]);
    }
  });

  test('StateChangeTriggeredWithInitialGateStateOption', async () => {
    const runner = controlled(
      gate(
        'input_stream: [test_input, ALLOW:allow]\noutput_stream: [test_output, STATE_CHANGE:state_change]\noptions: { initial_gate_state: disallow }',
      ),
      'ALLOW',
      [true],
    );
    await runner.run();
    expect(runner.outputValues('STATE_CHANGE')).toEqual([true]);
    expect(runner.outputTimestamps('STATE_CHANGE')).toEqual([42]);
  });

  test('InvalidInputs: two controls are refused before the run, whichever pair', async () => {
    const pairs = [
      'input_stream: [test_input, ALLOW:g, DISALLOW:g]',
      'input_stream: [test_input]\ninput_side_packet: [ALLOW:g, DISALLOW:g]',
      'input_stream: [test_input, ALLOW:g]\ninput_side_packet: [ALLOW:h]',
      'input_stream: [test_input, DISALLOW:g]\ninput_side_packet: [DISALLOW:h]',
      'input_stream: [test_input, ALLOW:g]\ninput_side_packet: [DISALLOW:h]',
      'input_stream: [test_input, DISALLOW:g]\ninput_side_packet: [ALLOW:h]',
    ];
    for (const ports of pairs) {
      await expect(gate(`${ports}\noutput_stream: [test_output]`).run()).rejects.toMatchObject({
        code: 'WEFT_ERR_GRAPH_INVALID',
        problems: [expect.objectContaining({ code: 'WEFT_ERR_PORT_RULE' })],
      });
    }
  });

  test('a gate closed by its side packet closes its outputs at the first packet (gate_calculator.cc)', async () => {
    const runner = steps(
      gate('input_side_packet: [DISALLOW:closed]\ninput_stream: [test_input]\noutput_stream: [test_output]'),
      [true, false],
    );
    runner.setSidePacket('DISALLOW', true);
    await runner.run();
    // Closed at once (Done), not first advanced to 43 and 44 by each packet.
    expect(runner.outputBounds('test_output')).toEqual([Timestamp.Done]);
  });

  test('a gate closed by its ALLOW stream only advances bounds, and reopens', async () => {
    const runner = controlled(
      gate('input_stream: [test_input, ALLOW:gating_stream]\noutput_stream: [test_output]'),
      'ALLOW',
      [false, true],
    );
    await runner.run();
    expect(runner.outputBounds('test_output')).toEqual([43, Timestamp.Done]);
    expect(runner.outputTimestamps('test_output')).toEqual([43]);
  });
});
