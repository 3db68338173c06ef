import {
  CalculatorRegistry,
  CalculatorRunner,
  defineCalculator,
  loadGraphFromString,
  Timestamp,
  t,
} from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const limiter = (options: string, inputs = '[frames, FINISHED:finished]', outputs = '[out, ALLOW:allowed]') =>
  new CalculatorRunner(
    `
    calculator: FlowLimiterCalculator
    input_stream: ${inputs}
    input_stream_info:
      - { tag_index: FINISHED, back_edge: true }
    output_stream: ${outputs}
    options: ${options}
    `,
    { registry },
  );

describe('FlowLimiterCalculator', () => {
  test('max_in_flight 1, no queue: frames arriving while one is in flight are dropped', async () => {
    const runner = limiter('{ max_in_flight: 1, max_in_queue: 0 }');
    runner
      .addPacket('frames', 'f1', 1)
      .addPacket('frames', 'f2', 2)
      .addPacket('frames', 'f3', 3)
      .addPacket('FINISHED', 'f1 done', 1)
      .addPacket('frames', 'f4', 4);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f4']);
    expect(runner.outputTimestamps('allowed')).toEqual([1, 2, 3, 4]);
    expect(runner.outputValues('allowed')).toEqual([true, false, false, true]);
  });

  test('queued frames are released by FINISHED, oldest first; overflow drops the oldest', async () => {
    const runner = limiter('{ max_in_flight: 1, max_in_queue: 2 }');
    runner
      .addPacket('frames', 'f1', 1) // released
      .addPacket('frames', 'f2', 2) // queued
      .addPacket('frames', 'f3', 3) // queued
      .addPacket('frames', 'f4', 4) // queue over 2: f2 dropped
      .addPacket('FINISHED', null, 1) // f3 released
      .addPacket('FINISHED', null, 3); // f4 released
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f3', 'f4']);
    expect(runner.outputTimestamps('out')).toEqual([1, 3, 4]);
    expect(runner.outputTimestamps('allowed')).toEqual([1, 2, 3, 4]);
    expect(runner.outputValues('allowed')).toEqual([true, false, true, true]);
  });

  test('max_in_flight 2 lets two frames through before FINISHED', async () => {
    const runner = limiter('{ max_in_flight: 2 }');
    runner
      .addPackets('frames', ['a', 'b', 'c'], 10)
      .addPacket('FINISHED', null, 11)
      .addPacket('frames', 'd', 13);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['a', 'b', 'd']);
  });

  test('a second input travels with the main input of the same timestamp', async () => {
    const runner = limiter('{ max_in_flight: 1 }', '[frames, meta, FINISHED:finished]', '[out, meta_out]');
    runner
      .addPacket('meta', 'm1', 1) // before its frame: held until the frame's fate is known
      .addPacket('frames', 'f1', 1)
      .addPacket('frames', 'f2', 2)
      .addPacket('meta', 'm2', 2)
      .addPacket('FINISHED', null, 1)
      .addPacket('frames', 'f3', 3)
      .addPacket('meta', 'm3', 3);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f3']);
    expect(runner.outputValues('meta_out')).toEqual(['m1', 'm3']);
    expect(runner.outputTimestamps('meta_out')).toEqual([1, 3]);
  });

  test('rejects max_in_flight 0 before the run', async () => {
    await expect(limiter('{ max_in_flight: 0 }').run()).rejects.toThrow('max_in_flight');
  });
});

/** MediaPipe's DropCalculator (flow_limiter_calculator_test.cc): drops its 3rd packet, and with DROP_TIMESTAMPS its bound too. */
const DropCalculator = defineCalculator({
  name: 'DropCalculator',
  description: 'Test helper: forwards PACKET, dropping the third one (and with DROP_TIMESTAMPS its bound).',
  inputs: { PACKET: { type: t.any() } },
  outputs: { PACKET: { type: t.any() } },
  inputSidePackets: { DROP_TIMESTAMPS: { type: t.boolean() } },
  processTimestampBounds: true,
  create() {
    let count = 0;
    return {
      process(ctx) {
        const packet = ctx.input('PACKET');
        if (packet !== undefined) count++;
        const drop = count === 3;
        if (!drop && packet !== undefined) ctx.output('PACKET').addPacket(packet);
        if (!drop || !ctx.sidePacket('DROP_TIMESTAMPS')) {
          ctx.output('PACKET').setNextTimestampBound(Timestamp.nextAllowedInStream(ctx.inputTimestamp));
        }
      },
    };
  },
});
registry.register(DropCalculator);

// Ported from MediaPipe's flow_limiter_calculator_test.cc (FlowLimiterCalculatorTest.*).
describe('FlowLimiterCalculator (MediaPipe FlowLimiterCalculatorTest)', () => {
  test('FinishedTimestamps: FINISHED given by a timestamp bound frees the slot like a packet', async () => {
    const runner = limiter(
      '{ max_in_flight: 1, max_in_queue: 1 }',
      '[in_1, FINISHED:out_1]',
      '[in_1_sampled, ALLOW:allow]',
    );
    runner.addPacket('in_1', 0, 0); // released
    for (let i = 1; i < 8; i += 2) {
      runner.addPacket('in_1', i, i * 10000); // queued
      runner.addPacket('in_1', i + 1, (i + 1) * 10000); // queued; the older one is dropped
      runner.setInputBound('FINISHED', (i - 1) * 10000 + 1); // the frame in flight finished, bound only
    }
    await runner.run();
    expect(runner.outputValues('in_1_sampled')).toEqual([0, 2, 4, 6, 8]);
    expect(runner.outputValues('ALLOW')).toEqual([true, false, true, false, true, false, true, false, true]);
    expect(runner.outputTimestamps('ALLOW')).toEqual([
      0, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000,
    ]);
  });

  const loop = (options: string, dropTimestamps: boolean) =>
    loadGraphFromString(
      `
input_stream: [in_1]
input_side_packet: [drop_timestamps]
output_stream: [out_1, allow]
nodes:
  - calculator: FlowLimiterCalculator
    input_stream: [in_1, FINISHED:out_1]
    input_stream_info: [{ tag_index: FINISHED, back_edge: true }]
    output_stream: [in_1_sampled, ALLOW:allow]
    options: ${options}
  - calculator: DropCalculator
    input_side_packet: [DROP_TIMESTAMPS:drop_timestamps]
    input_stream: [PACKET:in_1_sampled]
    output_stream: [PACKET:out_1]
`,
      { file: 'limiter.yaml', registry },
    ).then(async (graph) => {
      const run = graph.start({ sidePackets: { drop_timestamps: dropTimestamps } });
      for (let i = 0; i < 8; i++) await run.addPacket('in_1', i, i * 10000);
      run.closeAllInputs();
      await run.done();
      return run;
    });

  test('FinishedTimestamps in a loop: the dropped frame advances the bound, the next frames flow', async () => {
    const run = await loop('{ max_in_flight: 1, max_in_queue: 1 }', false);
    // The 3rd frame (2) is dropped by DropCalculator, which still advances its bound.
    expect(run.outputPackets('out_1').map((p) => p.value)).toEqual([0, 1, 3, 4, 5, 6, 7]);
    expect(run.outputPackets('allow').map((p) => p.value)).toEqual(Array(8).fill(true));
  });

  test('FinishedLost: without FINISHED for a frame its slot stays taken until in_flight_timeout', async () => {
    const lost = await loop('{ max_in_flight: 1, max_in_queue: 1 }', true);
    expect(lost.outputPackets('out_1').map((p) => p.value)).toEqual([0, 1]);
    const timeout = await loop('{ max_in_flight: 1, max_in_queue: 1, in_flight_timeout: 25000 }', true);
    // Frame 2 is lost; frame 3 waits in the queue and frame 4 replaces it; frame 5 (30000 newer than
    // the lost one) expires it, which releases the queued frame 4 (MediaPipe: "packet-4 expires and
    // queued packet-14 is released").
    expect(timeout.outputPackets('out_1').map((p) => p.value)).toEqual([0, 1, 4, 5, 6, 7]);
    expect(timeout.outputPackets('allow').map((p) => [p.value, p.timestamp])).toEqual([
      [true, 0],
      [true, 10000],
      [true, 20000],
      [false, 30000],
      [true, 40000],
      [true, 50000],
      [true, 60000],
      [true, 70000],
    ]);
  });

  test('TwoInputStreams: auxiliary packets follow the ALLOW ranges, early or late', async () => {
    const runner = limiter(
      '{ max_in_flight: 1, max_in_queue: 0 }',
      '[in_1, in_2, FINISHED:finished]',
      '[out_1, out_2, ALLOW:allow]',
    );
    runner
      .addPacket('in_2', 'a0', 0) // before its main packet
      .addPacket('in_1', 0, 0) // released
      .addPacket('in_1', 1, 10) // dropped: 0 still in flight
      .addPacket('in_2', 'a10', 10)
      .addPacket('in_2', 'a15', 15) // inside the dropped range
      .addPacket('FINISHED', null, 0)
      .addPacket('in_1', 2, 20) // released
      .addPacket('in_2', 'a25', 25); // inside the allowed range
    await runner.run();
    expect(runner.outputValues('out_1')).toEqual([0, 2]);
    expect(runner.outputValues('out_2')).toEqual(['a0', 'a25']);
  });
});
