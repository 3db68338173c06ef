import { CalculatorRegistry, CalculatorRunner, loadGraphFromString, Timestamp } from '@weft/framework';
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

  test('forwards tagged ports TAG:i to TAG:i, with untagged ports alongside (MediaPipe any-tag ports)', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: PassThroughCalculator
      input_stream: [VIDEO:v, AUDIO:0:left, AUDIO:1:right, plain]
      output_stream: [plain_out, AUDIO:1:right_out, VIDEO:v_out, AUDIO:0:left_out]
      input_side_packet: [CONFIG:config]
      output_side_packet: [CONFIG:config_out]
      `,
      { registry },
    );
    runner
      .setSidePacket('config', 'c')
      .addPacket('v', 'frame', 1)
      .addPacket('left', 'l', 1)
      .addPacket('right', 'r', 2)
      .addPacket('plain', 7, 3);
    await runner.run();
    expect(runner.outputValues('v_out')).toEqual(['frame']);
    expect(runner.outputTimestamps('left_out')).toEqual([1]);
    expect(runner.outputValues('right_out')).toEqual(['r']);
    expect(runner.outputTimestamps('right_out')).toEqual([2]);
    expect(runner.outputValues('plain_out')).toEqual([7]);
    expect(runner.outputSidePacket('config_out')).toBe('c');
  });

  test('refuses, at validation, a port without the same TAG:index on the other side', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: PassThroughCalculator, input_stream: [a, VIDEO:v], output_stream: [a_out, AUDIO:x] }',
      { registry },
    );
    await expect(runner.run()).rejects.toThrow(
      [
        'graph is invalid (2 problems):',
        'node:1:56 error WEFT_ERR_PORT_RULE node "PassThroughCalculator_1" (PassThroughCalculator): input_stream "VIDEO:v" has no output_stream with the same tag and index; input TAG:i is forwarded to output TAG:i (add e.g. "VIDEO:v_out" to output_stream)',
        'node:1:89 error WEFT_ERR_PORT_RULE node "PassThroughCalculator_1" (PassThroughCalculator): output_stream "AUDIO:x" has no input_stream with the same tag and index; it would never receive anything (remove it, or add an input_stream "AUDIO:a_stream")',
      ].join('\n'),
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

// MediaPipe's CalculatorGraphBoundsTest.TimestampBoundsForInfrequentInput: PassThroughCalculator
// (default handler, offset 0) over a frequent and an infrequent stream, observed with bounds
// (each bound move shows as MediaPipe's empty packet at bound - 1).
test('TimestampBoundsForInfrequentInput (MediaPipe CalculatorGraphBoundsTest)', async () => {
  const graph = await loadGraphFromString(
    `
input_stream: [INFREQUENT:config, FREQUENT:frame]
output_stream: [output_frame, output_config]
nodes:
  - calculator: PassThroughCalculator
    input_stream: [CONFIG:config, VIDEO:frame]
    output_stream: [VIDEO:output_frame, CONFIG:output_config]
`,
    { file: 'infrequent.yaml', registry },
  );
  const seen: Record<string, string[]> = { output_frame: [], output_config: [] };
  const run = graph.start({
    onOutput: (stream, p) => seen[stream]!.push(`${p.value}@${p.timestamp}`),
    onOutputBound: (stream, bound) =>
      seen[stream]!.push(`empty@${Timestamp.format(Timestamp.previousAllowedInStream(bound))}`),
  });
  await run.addPacket('frame', 'frame_0', 0);
  expect(seen.output_frame).toEqual([]); // not processed until config is settled at 0
  run.setInputBound('config', 10000);
  expect(seen.output_frame).toEqual(['frame_0@0']);
  await run.addPacket('frame', 'frame_1', 20000);
  expect(seen.output_frame).toEqual(['frame_0@0', 'empty@9999']);
  run.setInputBound('config', 30000);
  expect(seen.output_frame).toEqual(['frame_0@0', 'empty@9999', 'frame_1@20000']);
  await run.addPacket('frame', 'frame_2', 40000);
  expect(seen.output_frame).toEqual(['frame_0@0', 'empty@9999', 'frame_1@20000', 'empty@29999']);
  await run.addPacket('config', 'config_1', 50000);
  await run.addPacket('frame', 'frame_3', 60000);
  run.setInputBound('config', 70000);
  expect(seen.output_frame).toEqual([
    'frame_0@0',
    'empty@9999',
    'frame_1@20000',
    'empty@29999',
    'frame_2@40000',
    'empty@50000',
    'frame_3@60000',
  ]);
  expect(seen.output_config).toEqual([
    'empty@0',
    'empty@9999',
    'empty@20000',
    'empty@29999',
    'empty@40000',
    'config_1@50000',
    'empty@60000',
  ]);
  run.closeAllInputs();
  await run.done();
});
