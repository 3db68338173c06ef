import { describe, expect, test } from 'vitest';
import { defineCalculator, Stop } from '../calculator/contract.js';
import { t } from '../calculator/port-type.js';
import { CalculatorRegistry } from '../calculator/registry.js';
import { Timestamp } from '../timestamp/timestamp.js';
import { loadGraphFromString } from './load-graph.js';

// Behaviours ported from MediaPipe's framework tests; each test names the one it follows.

const fmt = (ts: Timestamp) =>
  Timestamp.isRangeValue(ts) && ts !== Timestamp.Max ? String(ts) : Timestamp.format(ts);

/** MediaPipe's SummaryPacketCalculator (calculator_graph_summary_packet_test.cc). */
const Summary = defineCalculator({
  name: 'SummaryPacketCalculator',
  description: 'Sums IN; emits the sum on SUMMARY at Timestamp.Max once IN is done.',
  inputs: { IN: { type: t.number() } },
  outputs: { SUMMARY: { type: t.number() } },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  create() {
    let sum = 0;
    let set = false;
    return {
      process(ctx) {
        const packet = ctx.input('IN');
        if (packet !== undefined) {
          sum += packet.value;
          set = true;
        }
        const out = ctx.output('SUMMARY');
        if (out.isClosed) return;
        const done = ctx.inputBound('IN') === Timestamp.Done;
        if (done || Timestamp.nextAllowedInStream(ctx.inputTimestamp) > Timestamp.Max) {
          if (set) out.add(sum, Timestamp.Max);
          out.close();
        }
      },
    };
  },
});

/** Records every call: `ts [inputs with a packet] {bounds}`, to show how sets were formed. */
const Recorder = defineCalculator({
  name: 'ImmediateRecorder',
  description: 'Reports each process call.',
  inputs: { A: { type: t.any() }, B: { type: t.any() }, C: { type: t.any() } },
  outputs: { CALLS: { type: t.string() } },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  create() {
    let call = 0;
    return {
      process(ctx) {
        const had = (['A', 'B', 'C'] as const).filter((tag) => ctx.input(tag) !== undefined);
        ctx.output('CALLS').add(`${fmt(ctx.inputTimestamp)} [${had.join(',')}]`, call++);
      },
    };
  },
});

/** MediaPipe's CheckInputTimestampSourceCalculator: InputTimestamp() is 0 in every Process of a source. */
const CheckSource = defineCalculator({
  name: 'CheckInputTimestampSourceCalculator',
  description: 'Emits 0..4 and records its input timestamps.',
  outputs: { '': { type: t.number() } },
  outputSidePackets: { SEEN: { type: t.any() } },
  create() {
    let count = 0;
    const seen: string[] = [];
    return {
      open(ctx) {
        seen.push(`open ${fmt(ctx.inputTimestamp)}`);
        ctx.setOutputSidePacket('SEEN', seen);
      },
      process(ctx) {
        seen.push(`process ${fmt(ctx.inputTimestamp)}`);
        ctx.output('').add(count, count);
        return ++count >= 5 ? Stop : undefined;
      },
      close(ctx) {
        seen.push(`close ${fmt(ctx.inputTimestamp)}`);
      },
    };
  },
});

/** Copies IN to OUT:0 and OUT:1 in one process call. */
const FanOut = defineCalculator({
  name: 'TestFanOut',
  description: 'IN to every OUT:i.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any(), multiple: true } },
  timestampOffset: 0,
  create: () => ({
    process(ctx) {
      const packet = ctx.input('IN')!;
      for (let i = 0; i < ctx.outputCount('OUT'); i++) ctx.output('OUT', i).addPacket(packet);
    },
  }),
});

/** MediaPipe's ProcessBoundToPacketCalculator: a packet at T for every input settled at T (packet or bound). */
const BoundToPacket = defineCalculator({
  name: 'ProcessBoundToPacketCalculator',
  description: 'Emits, on output i, the timestamp at which input i became settled.',
  inputs: { '': { type: t.any(), multiple: true } },
  outputs: { '': { type: t.any(), multiple: true } },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  create: () => ({
    process(ctx) {
      for (let i = 0; i < ctx.outputCount(''); i++) {
        const settled =
          ctx.input('', i)?.timestamp ?? Timestamp.previousAllowedInStream(ctx.inputBound('', i));
        const out = ctx.output('', i);
        if (settled === ctx.inputTimestamp && settled >= out.nextTimestampBound) out.add(settled, settled);
      }
    },
  }),
});

/** MediaPipe's ImmediatePassthroughCalculator: relays packets, and bounds as bounds. */
const ImmediatePassthrough = defineCalculator({
  name: 'ImmediatePassthroughCalculator',
  description: 'Relays each input packet and each input bound to output i.',
  inputs: { '': { type: t.any(), multiple: true } },
  outputs: { '': { type: t.any(), multiple: true } },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  create: () => ({
    process(ctx) {
      for (let i = 0; i < ctx.outputCount(''); i++) {
        const packet = ctx.input('', i);
        if (packet !== undefined) ctx.output('', i).addPacket(packet);
        else ctx.output('', i).setNextTimestampBound(ctx.inputBound('', i));
      }
    },
  }),
});

/** MediaPipe's OffsetBoundCalculator: no packets, offset 0, so only bounds come out. */
const OffsetBound = defineCalculator({
  name: 'OffsetBoundCalculator',
  description: 'Emits nothing; its output bound follows its input (offset 0).',
  inputs: { '': { type: t.any() } },
  outputs: { '': { type: t.any() } },
  timestampOffset: 0,
  create: () => ({ process() {} }),
});

const registry = new CalculatorRegistry().register(
  Summary,
  Recorder,
  CheckSource,
  FanOut,
  BoundToPacket,
  ImmediatePassthrough,
  OffsetBound,
);
const load = (yaml: string) => loadGraphFromString(yaml, { file: 'mediapipe.yaml', registry });

describe('SummaryPacketCalculatorUseCaseTest (immediate handler, processing bounds, Timestamp.Max on close)', () => {
  const graph = () =>
    load(`
input_stream: [input]
output_stream: [output]
nodes:
  - calculator: SummaryPacketCalculator
    input_stream: [IN:input]
    output_stream: [SUMMARY:output]
`);
  const values = (run: { outputPackets(s: string): readonly { value: unknown; timestamp: number }[] }) =>
    run.outputPackets('output').map((p) => [p.value, fmt(p.timestamp)]);

  test('ProducesSummaryPacketOnClosingAllPacketSources', async () => {
    const run = (await graph()).start();
    await run.addPacket('input', 10, 10);
    await run.addPacket('input', 20, 11);
    expect(values(run)).toEqual([]);
    run.closeAllInputs();
    await run.done();
    expect(values(run)).toEqual([[30, 'Timestamp.Max']]);
  });

  test('ProducesSummaryPacketOnMaxTimestamp', async () => {
    const run = (await graph()).start();
    await run.addPacket('input', 10, 10);
    await run.addPacket('input', 20, Timestamp.Max);
    expect(values(run)).toEqual([[30, 'Timestamp.Max']]);
    run.closeAllInputs();
    await run.done();
    expect(values(run)).toEqual([[30, 'Timestamp.Max']]); // nothing more when the input closes
  });

  test.each([
    ['ProducesSummaryPacketOnPreStreamTimestamp', Timestamp.PreStream],
    ['ProducesSummaryPacketOnPostStreamTimestamp', Timestamp.PostStream],
  ])('%s: nothing can follow, so the summary comes at once', async (_name, ts) => {
    const run = (await graph()).start();
    await run.addPacket('input', 10, ts);
    expect(values(run)).toEqual([[10, 'Timestamp.Max']]);
    run.closeAllInputs();
    await run.done();
    expect(values(run)).toEqual([[10, 'Timestamp.Max']]);
  });

  test('a summary node whose input never had a packet closes without output', async () => {
    const run = (await graph()).start();
    run.closeAllInputs();
    await run.done();
    expect(values(run)).toEqual([]);
  });
});

describe('ImmediateInputStreamHandlerTest', () => {
  const graph = () =>
    load(`
input_stream: [a, b, c]
output_stream: [calls]
nodes:
  - calculator: ImmediateRecorder
    input_stream: [A:a, B:b, C:c]
    output_stream: [CALLS:calls]
`);
  const calls = (run: { outputPackets(s: string): readonly { value: unknown }[] }) =>
    run.outputPackets('calls').map((p) => p.value);

  test('ProcessTimestampBounds: each input set that closes is processed once at Timestamp.Max', async () => {
    const run = (await graph()).start();
    await run.addPacket('b', 'packet 1', 1);
    run.closeInput('b');
    expect(calls(run)).toEqual(['1 [B]', 'Timestamp.Max []']);
    run.closeInput('a');
    run.closeInput('c');
    await run.done();
    // a and c close in turn here (each close is handled before the next call), so each gets its call.
    expect(calls(run)).toEqual(['1 [B]', 'Timestamp.Max []', 'Timestamp.Max []', 'Timestamp.Max []']);
  });

  test('sets ready at the same timestamp are filled together (one process call)', async () => {
    const graph = await loadGraphFromString(
      `
input_stream: [in, c]
output_stream: [calls]
nodes:
  - calculator: TestFanOut
    input_stream: [IN:in]
    output_stream: [OUT:0:a, OUT:1:b]
  - calculator: ImmediateRecorder
    input_stream: [A:a, B:b, C:c]
    output_stream: [CALLS:calls]
`,
      { file: 'fan.yaml', registry },
    );
    const run = graph.start();
    await run.addPacket('in', 'x', 3);
    // A and B got their packets at 3 in one step of the producer: one call sees both.
    expect(calls(run)).toEqual(['3 [A,B]']);
    run.closeAllInputs();
    await run.done();
    // A and B close together (one Max call), then C.
    expect(calls(run)).toEqual(['3 [A,B]', 'Timestamp.Max []', 'Timestamp.Max []']);
  });

  test('StreamDoneReady: without processing bounds a closing input calls nothing', async () => {
    const Plain = defineCalculator({
      name: 'PlainImmediate',
      description: 'Immediate handler, no bound processing.',
      inputs: { A: { type: t.any() }, B: { type: t.any() } },
      outputs: { CALLS: { type: t.string() } },
      inputStreamHandler: 'immediate',
      create: () => ({
        process(ctx) {
          ctx.output('CALLS').add(`${fmt(ctx.inputTimestamp)}`);
        },
      }),
    });
    const graph = await loadGraphFromString(
      'input_stream: [a, b]\noutput_stream: [calls]\nnodes:\n  - { calculator: PlainImmediate, input_stream: [A:a, B:b], output_stream: [CALLS:calls] }\n',
      { file: 'plain.yaml', registry: registry.extend().register(Plain) },
    );
    const run = graph.start();
    await run.addPacket('a', 'packet 1', 10);
    run.closeInput('b');
    run.setInputBound('a', 200);
    run.closeInput('a');
    await run.done();
    expect(calls(run)).toEqual(['10']);
  });
});

describe('CalculatorGraph.CheckInputTimestamp', () => {
  test("a source's InputTimestamp is Unstarted in open, 0 in every process, Done in close", async () => {
    const graph = await load(`
output_stream: [integer]
output_side_packet: [seen]
nodes:
  - calculator: CheckInputTimestampSourceCalculator
    output_stream: [integer]
    output_side_packet: [SEEN:seen]
`);
    const run = graph.start();
    await run.done();
    expect(run.outputPackets('integer').map((p) => p.timestamp)).toEqual([0, 1, 2, 3, 4]);
    expect(run.outputSidePacket('seen')).toEqual([
      'open Timestamp.Unstarted',
      'process 0',
      'process 0',
      'process 0',
      'process 0',
      'process 0',
      'close Timestamp.Done',
    ]);
  });
});

describe('CalculatorGraphBoundsTest (processing timestamp bounds)', () => {
  const timestamps = (run: { outputPackets(s: string): readonly { timestamp: number }[] }, stream: string) =>
    run.outputPackets(stream).map((p) => p.timestamp);

  test('SetInputStreamTimestampBound: every graph input bound becomes a packet', async () => {
    const graph = await load(`
input_stream: [input_0]
output_stream: [output_0]
nodes:
  - { calculator: ProcessBoundToPacketCalculator, input_stream: [input_0], output_stream: [output_0] }
`);
    const run = graph.start();
    for (let i = 0; i < 9; i++) run.setInputBound('input_0', Timestamp.nextAllowedInStream(10 + i * 10));
    expect(timestamps(run, 'output_0')).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    run.closeAllInputs();
    await run.done();
  });

  test('PostStreamPacketToSetProcessTimestampBound', async () => {
    const graph = await load(`
input_stream: [input_0]
output_stream: [output_0]
nodes:
  - { calculator: ProcessBoundToPacketCalculator, input_stream: [input_0], output_stream: [output_0] }
`);
    const run = graph.start();
    await run.addPacket('input_0', 0, Timestamp.PostStream);
    expect(timestamps(run, 'output_0')).toEqual([Timestamp.PostStream]);
    run.closeAllInputs();
    await run.done();
  });

  test.each(['default', 'immediate', 'sync_set'])(
    'ProcessTimestampBounds (%s handler): process is called for input sets without packets',
    async (handler) => {
      const graph = await load(`
input_stream: [input]
output_stream: [bounds_ts]
nodes:
  - { calculator: OffsetBoundCalculator, input_stream: [input], output_stream: [bounds] }
  - calculator: ProcessBoundToPacketCalculator
    input_stream: [bounds]
    output_stream: [bounds_ts]
    input_stream_handler: { handler: ${handler} }
`);
      const run = graph.start();
      for (let i = 0; i < 4; i++) await run.addPacket('input', i, i * 10);
      expect(timestamps(run, 'bounds_ts')).toEqual([0, 10, 20, 30]);
      run.closeAllInputs();
      await run.done();
    },
  );

  test('ProcessTimestampBounds_Passthrough: packets and bounds relayed, each reported as a packet', async () => {
    const graph = await load(`
input_stream: [input_0, input_1]
output_stream: [output_0, output_1]
nodes:
  - { calculator: OffsetBoundCalculator, input_stream: [input_1], output_stream: [bound_1] }
  - calculator: ImmediatePassthroughCalculator
    input_stream: [input_0, bound_1]
    output_stream: [same_0, same_1]
  - calculator: ProcessBoundToPacketCalculator
    input_stream: [same_0, same_1]
    output_stream: [output_0, output_1]
`);
    const run = graph.start();
    for (let i = 0; i < 4; i++) await run.addPacket('input_0', i, i * 10);
    expect(timestamps(run, 'output_0')).toEqual([0, 10, 20, 30]);
    expect(timestamps(run, 'output_1')).toEqual([]);
    for (let i = 0; i < 2; i++) await run.addPacket('input_1', i, 10 + i * 10);
    expect(timestamps(run, 'output_0')).toEqual([0, 10, 20, 30]);
    expect(timestamps(run, 'output_1')).toEqual([10, 20]);
    run.closeAllInputs();
    await run.done();
  });
});
