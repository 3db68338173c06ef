import { describe, expect, it } from 'vitest';
import { defineCalculator, Stop } from '../calculator/contract.js';
import { t } from '../calculator/port-type.js';
import { CalculatorRegistry } from '../calculator/registry.js';
import { GraphValidationError } from '../graph/validated-graph.js';
import { CalculatorRunner } from './calculator-runner.js';

const Scale = defineCalculator({
  name: 'ScaleCalculator',
  description: 'Multiplies VALUE by the FACTOR side packet and options.extra.',
  inputs: { VALUE: { type: t.number(), multiple: true } },
  outputs: { SCALED: { type: t.number(), multiple: true } },
  inputSidePackets: { FACTOR: { type: t.number() } },
  outputSidePackets: { SEEN: { type: t.number(), optional: true } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { extra: { type: 'number', default: 1 } },
  } as const,
  create: () => {
    let seen = 0;
    return {
      process(ctx) {
        for (let i = 0; i < ctx.inputCount('VALUE'); i++) {
          const p = ctx.input('VALUE', i);
          if (p === undefined) continue;
          if (p.value < 0) throw new Error(`negative value ${p.value}`);
          seen++;
          ctx.output('SCALED', i).add(p.value * ctx.sidePacket('FACTOR') * ctx.options.extra);
        }
      },
      close(ctx) {
        ctx.setOutputSidePacket('SEEN', seen); // a no-op when the optional port is not connected
      },
    };
  },
});

const Ticks = defineCalculator({
  name: 'TicksCalculator',
  description: 'A source emitting three ticks.',
  outputs: { TICK: { type: t.string() } },
  create: () => {
    let n = 0;
    return {
      process(ctx) {
        if (n === 3) return Stop;
        ctx.output('TICK').add(`tick${n++}`);
      },
    };
  },
});

const registry = new CalculatorRegistry().register(Scale, Ticks);

describe('CalculatorRunner', () => {
  it('runs a node from a YAML snippet: inputs by tag/index or name, outputs, side packets', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: ScaleCalculator
      input_stream: [VALUE:0:a, VALUE:1:b]
      output_stream: [SCALED:0:a_out, SCALED:1:b_out]
      input_side_packet: [FACTOR:factor]
      output_side_packet: [SEEN:seen]
      options: { extra: 10 }
      `,
      { registry },
    );
    runner.setSidePacket('FACTOR', 2);
    runner.addPacket('VALUE', 1, 0).addPacket('VALUE:1', 5, 0).addPacket('a', 3, 7);
    await runner.run();
    expect(runner.outputValues('SCALED')).toEqual([20, 60]);
    expect(runner.outputTimestamps('a_out')).toEqual([0, 7]);
    expect(runner.outputValues('SCALED:1')).toEqual([100]);
    expect(runner.outputSidePacket('SEEN')).toBe(3);
    expect(runner.stats()).toMatchObject({ node: 'ScaleCalculator_1', processCalls: 2, packetsOut: 3 });
  });

  it('accepts a node object and a node copied from a nodes list', async () => {
    const fromObject = new CalculatorRunner(
      {
        calculator: 'ScaleCalculator',
        input_stream: 'VALUE:v',
        output_stream: 'SCALED:s',
        input_side_packet: 'FACTOR:f',
      },
      { registry },
    );
    fromObject.setSidePacket('f', 3).addPackets('v', [1, 2, 3]);
    await fromObject.run();
    expect(fromObject.outputs('s').map((p) => [p.timestamp, p.value])).toEqual([
      [0, 3],
      [1, 6],
      [2, 9],
    ]);
    const fromList = new CalculatorRunner('- calculator: TicksCalculator\n  output_stream: [TICK:t]\n', {
      registry,
    });
    await fromList.run();
    expect(fromList.outputValues('TICK')).toEqual(['tick0', 'tick1', 'tick2']);
    // A source's add(value) without a timestamp continues from the stream's bound, from 0.
    expect(fromList.outputTimestamps('TICK')).toEqual([0, 1, 2]);
  });

  it('reports validation problems with lines of the snippet', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: ScaleCalculator
      input_stream: [VALUE:v]
      output_stream: [SCALED:s]
      input_side_packet: [FACTOR:f]
      options: { extar: 1 }
      `,
      { registry },
    );
    const error = (await runner.run().catch((e: unknown) => e)) as GraphValidationError;
    expect(error).toBeInstanceOf(GraphValidationError);
    expect(error.problems.map((p) => [p.code, p.location.line])).toEqual([['WEFT_ERR_INVALID_OPTIONS', 5]]);
  });

  it('names the ports that exist when addressed wrongly', () => {
    const runner = new CalculatorRunner('calculator: ScaleCalculator\ninput_stream: [VALUE:v]\n', {
      registry,
    });
    expect(() => runner.addPacket('VALUES', 1, 0)).toThrow(
      'CalculatorRunner: no input stream "VALUES"; the node has VALUE:0 (v) (address a port as TAG, TAG:index or by its name)',
    );
  });

  it('rejects run() with the node error, or a missing side packet', async () => {
    const yaml =
      'calculator: ScaleCalculator\ninput_stream: [VALUE:v]\noutput_stream: [SCALED:s]\ninput_side_packet: [FACTOR:f]\n';
    const failing = new CalculatorRunner(yaml, { registry });
    failing.setSidePacket('f', 1).addPacket('v', 1, 0).addPacket('v', -1, 1);
    await expect(failing.run()).rejects.toMatchObject({
      name: 'GraphRunError',
      code: 'WEFT_ERR_NODE_FAILED',
      node: 'ScaleCalculator_1',
      message:
        'node "ScaleCalculator_1" (ScaleCalculator) failed in process in graph "runner_ScaleCalculator": negative value -1',
    });
    const missing = new CalculatorRunner(yaml, { registry });
    await expect(missing.run()).rejects.toMatchObject({
      name: 'RunError',
      code: 'WEFT_ERR_MISSING_SIDE_PACKET',
    });
  });

  it('checks packets against their port types', async () => {
    const Liar = defineCalculator({
      name: 'LiarCalculator',
      description: 'Declares numbers, emits strings.',
      inputs: { IN: { type: t.number() } },
      outputs: { OUT: { type: t.number() } },
      create: () => ({
        process(ctx) {
          // Breaks its own contract on purpose (as untyped JS code could).
          ctx.output('OUT').add(String(ctx.input('IN')!.value) as unknown as number);
        },
      }),
    });
    const runner = new CalculatorRunner(
      'calculator: LiarCalculator\ninput_stream: [IN:i]\noutput_stream: [OUT:o]\n',
      {
        registry: new CalculatorRegistry().register(Liar),
      },
    );
    runner.addPacket('i', 1, 0);
    await expect(runner.run()).rejects.toMatchObject({
      code: 'WEFT_ERR_PACKET_TYPE',
      message:
        'node "LiarCalculator_1" (LiarCalculator) failed in process in graph "runner_LiarCalculator": node "LiarCalculator_1" (LiarCalculator) output "OUT:o": packet at 0 must be number: expected number, got string',
    });
    await runner.run({ checkTypes: false });
    expect(runner.outputValues('o')).toEqual(['1']);
    const strict = new CalculatorRunner(
      'calculator: LiarCalculator\ninput_stream: [IN:i]\noutput_stream: [OUT:o]\n',
      {
        registry: new CalculatorRegistry().register(Liar),
      },
    );
    strict.addPacket('IN', 'x', 0);
    await expect(strict.run()).rejects.toThrow(
      'addPacket: graph input "i" feeds node "LiarCalculator_1" (LiarCalculator) input "IN:i", which must be number: expected number, got string',
    );
  });

  it('opens a graph-scoped calculator once; its side packets live until dispose()', async () => {
    const events: string[] = [];
    const Model = defineCalculator({
      name: 'ModelCalculator',
      description: 'A shared resource.',
      scope: 'graph',
      outputSidePackets: { MODEL: { type: t.any() } },
      options: {
        type: 'object',
        additionalProperties: false,
        properties: { size: { type: 'integer' } },
      } as const,
      create: () => ({
        open(ctx) {
          events.push('open');
          ctx.setOutputSidePacket('MODEL', { size: ctx.options.size });
        },
        close() {
          events.push('close');
        },
      }),
    });
    const runner = new CalculatorRunner(
      'calculator: ModelCalculator\noutput_side_packet: [MODEL:model]\noptions: { size: 3 }\n',
      {
        registry: new CalculatorRegistry().register(Model),
      },
    );
    await runner.run();
    await runner.run();
    expect(runner.outputSidePacket('MODEL')).toEqual({ size: 3 });
    expect(events).toEqual(['open']);
    await runner.dispose();
    expect(events).toEqual(['open', 'close']);
  });
});
