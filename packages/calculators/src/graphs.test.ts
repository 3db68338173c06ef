import {
  type AnyCalculatorDefinition,
  CalculatorRegistry,
  defineCalculator,
  type GraphRun,
  loadGraphFromString,
  t,
} from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

// Cross-node semantics of the general calculators, on whole graphs: bounds through PassThrough,
// Gate, a PreviousLoopback running sum, FlowLimiter under load, BeginLoop/EndLoop, Mux.

/** Records, per input set, which of A and B had a packet: `ts:a,b` with `-` for empty. */
const RecorderCalculator = defineCalculator({
  name: 'RecorderCalculator',
  description: 'Test helper: emits a summary of each input set.',
  inputs: { A: { type: t.any() }, B: { type: t.any() } },
  outputs: { OUT: { type: t.string() } },
  create: () => ({
    process(ctx) {
      const show = (v: unknown) => (v === undefined ? '-' : String(v));
      ctx
        .output('OUT')
        .add(`${ctx.inputTimestamp}:${show(ctx.input('A')?.value)},${show(ctx.input('B')?.value)}`);
    },
  }),
});

/** A + B, an empty B counting as 0 (the loop body of the running sum). */
const AddCalculator = defineCalculator({
  name: 'AddCalculator',
  description: 'Test helper: A + (B or 0).',
  inputs: { A: { type: t.number() }, B: { type: t.any() } },
  outputs: { SUM: { type: t.number() } },
  create: () => ({
    process(ctx) {
      const a = ctx.input('A');
      if (a !== undefined)
        ctx.output('SUM').add(a.value + ((ctx.input('B')?.value as number | undefined) ?? 0));
    },
  }),
});

/** Permits handed out by the test, so "slow" work finishes exactly when the test says. */
class Permits {
  #waiting: (() => void)[] = [];
  #available = 0;
  take(): Promise<void> {
    if (this.#available > 0) {
      this.#available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#available++;
  }
}

function slowCalculator(permits: Permits) {
  return defineCalculator({
    name: 'SlowCalculator',
    description: 'Test helper: forwards each packet once the test releases a permit.',
    inputs: { '': { type: t.any() } },
    outputs: { '': { type: t.any() } },
    create: () => ({
      async process(ctx) {
        await permits.take();
        ctx.output('').addPacket(ctx.input('')!);
      },
    }),
  });
}

async function load(yaml: string, extra: AnyCalculatorDefinition[] = []) {
  const registry = new CalculatorRegistry();
  registerBuiltinCalculators(registry);
  registry.register(RecorderCalculator, AddCalculator, ...extra);
  return loadGraphFromString(yaml, { file: 'test.yaml', registry });
}

/** Pulls packets of one output stream one at a time, as `ts:value`. */
function reader(run: GraphRun, stream: string) {
  const it = run.output(stream)[Symbol.asyncIterator]();
  return {
    async next(n = 1): Promise<string[]> {
      const got: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await it.next();
        if (r.done) throw new Error(`stream "${stream}" ended after ${got.join(' ')}`);
        got.push(`${r.value.timestamp}:${JSON.stringify(r.value.value)}`);
      }
      return got;
    },
    async rest(): Promise<string[]> {
      const got: string[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) {
        got.push(`${r.value.timestamp}:${JSON.stringify(r.value.value)}`);
      }
      return got;
    },
  };
}

describe('PassThroughCalculator bounds', () => {
  test('a bound on the input reaches a synchronising node through a chain of PassThroughs, without packets', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [sets]
nodes:
  - { calculator: PassThroughCalculator, input_stream: [a], output_stream: [a1] }
  - { calculator: PassThroughCalculator, input_stream: [a1], output_stream: [a2] }
  - { calculator: PassThroughCalculator, input_stream: [a2], output_stream: [a3] }
  - { calculator: RecorderCalculator, input_stream: [A:a3, B:b], output_stream: [OUT:sets] }
`);
    const run = graph.start();
    const sets = reader(run, 'sets');
    await run.addPacket('a', 'x', 1);
    await run.addPacket('b', 'p', 1);
    await run.addPacket('b', 'q', 5);
    await run.addPacket('b', 'r', 9);
    expect(await sets.next()).toEqual(['1:"1:x,p"']);
    // Without the bound, 5 and 9 cannot be processed: a might still carry packets there.
    run.setInputBound('a', 10);
    expect(await sets.next(2)).toEqual(['5:"5:-,q"', '9:"9:-,r"']);
    run.closeAllInputs();
    expect(await sets.rest()).toEqual([]);
    await run.done();
  });

  test('forwards several streams index by index', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [a_out, b_out]
nodes:
  - { calculator: PassThroughCalculator, input_stream: [a, b], output_stream: [a_out, b_out] }
`);
    const run = graph.start();
    await run.addPacket('a', 1, 0);
    await run.addPacket('b', 'two', 3);
    await run.addPacket('a', 3, 7);
    run.closeAllInputs();
    expect(await reader(run, 'a_out').rest()).toEqual(['0:1', '7:3']);
    expect(await reader(run, 'b_out').rest()).toEqual(['3:"two"']);
    await run.done();
  });
});

describe('GateCalculator', () => {
  test('passes packets while ALLOW is true and advances bounds while closed', async () => {
    const graph = await load(`
input_stream: [data, allow]
output_stream: [gated, sets, changes]
nodes:
  - calculator: GateCalculator
    input_stream: [data, ALLOW:allow]
    output_stream: [gated, STATE_CHANGE:changes]
  - { calculator: RecorderCalculator, input_stream: [A:gated, B:data], output_stream: [OUT:sets] }
`);
    const run = graph.start();
    const sets = reader(run, 'sets');
    const states = [true, false, false];
    for (let ts = 1; ts <= 3; ts++) {
      await run.addPacket('data', ts * 10, ts);
      await run.addPacket('allow', states[ts - 1], ts);
    }
    // Processed before the inputs close: a closed gate settles its output without a packet.
    expect(await sets.next(3)).toEqual(['1:"1:10,10"', '2:"2:-,20"', '3:"3:-,30"']);
    await run.addPacket('data', 40, 4);
    await run.addPacket('allow', true, 4);
    expect(await sets.next()).toEqual(['4:"4:40,40"']);
    run.closeAllInputs();
    expect(await reader(run, 'gated').rest()).toEqual(['1:10', '4:40']);
    expect(await reader(run, 'changes').rest()).toEqual(['2:false', '4:true']);
    await run.done();
  });

  test('an empty ALLOW counts as closed unless empty_packets_as_allow', async () => {
    const yaml = (asAllow: boolean) => `
input_stream: [data, allow]
output_stream: [gated]
nodes:
  - calculator: GateCalculator
    input_stream: [data, ALLOW:allow]
    output_stream: [gated]
    options: { empty_packets_as_allow: ${asAllow} }
`;
    for (const [asAllow, expected] of [
      [false, ['1:"a"']],
      [true, ['1:"a"', '2:"b"']],
    ] as const) {
      const run = (await load(yaml(asAllow))).start();
      await run.addPacket('data', 'a', 1);
      await run.addPacket('allow', true, 1);
      await run.addPacket('data', 'b', 2);
      run.closeAllInputs();
      expect(await reader(run, 'gated').rest()).toEqual(expected);
      await run.done();
    }
  });

  test('a DISALLOW side packet closes the gate for the whole run', async () => {
    const graph = await load(`
input_stream: [data]
input_side_packet: [closed]
output_stream: [gated]
nodes:
  - { calculator: GateCalculator, input_stream: [data], input_side_packet: [DISALLOW:closed], output_stream: [gated] }
`);
    for (const [closed, expected] of [
      [true, []],
      [false, ['1:"a"']],
    ] as const) {
      const run = graph.start({ sidePackets: { closed } });
      await run.addPacket('data', 'a', 1);
      run.closeAllInputs();
      expect(await reader(run, 'gated').rest()).toEqual(expected);
      await run.done();
    }
  });
});

describe('PreviousLoopbackCalculator', () => {
  const runningSum = `
input_stream: [numbers]
output_stream: [sum, previous_sum]
nodes:
  - calculator: PreviousLoopbackCalculator
    input_stream: [MAIN:numbers, LOOP:sum]
    input_stream_info:
      - { tag_index: LOOP, back_edge: true }
    output_stream: [PREV_LOOP:previous_sum]
  - { calculator: AddCalculator, input_stream: [A:numbers, B:previous_sum], output_stream: [SUM:sum] }
`;

  test('a back-edge loop computes a running sum, packet by packet', async () => {
    const run = (await load(runningSum)).start();
    const sum = reader(run, 'sum');
    await run.addPacket('numbers', 1, 10);
    expect(await sum.next()).toEqual(['10:1']);
    await run.addPacket('numbers', 2, 20);
    expect(await sum.next()).toEqual(['20:3']);
    await run.addPacket('numbers', 3, 30);
    await run.addPacket('numbers', 4, 40);
    expect(await sum.next(2)).toEqual(['30:6', '40:10']);
    run.closeAllInputs();
    expect(await sum.rest()).toEqual([]);
    expect(await reader(run, 'previous_sum').rest()).toEqual(['20:1', '30:3', '40:6']);
    await run.done();
  });

  test('many numbers fed at once', async () => {
    const run = (await load(runningSum)).start();
    for (let i = 1; i <= 100; i++) await run.addPacket('numbers', i, i);
    run.closeAllInputs();
    const sums = await reader(run, 'sum').rest();
    expect(sums).toHaveLength(100);
    expect(sums.at(-1)).toBe('100:5050');
    await run.done();
  });
});

describe('FlowLimiterCalculator', () => {
  const limited = (maxInQueue: number) => `
input_stream: [frames]
output_stream: [allowed, done]
nodes:
  - calculator: FlowLimiterCalculator
    input_stream: [frames, FINISHED:done]
    input_stream_info:
      - { tag_index: FINISHED, back_edge: true }
    output_stream: [limited, ALLOW:allowed]
    options: { max_in_flight: 1, max_in_queue: ${maxInQueue} }
  - { calculator: SlowCalculator, input_stream: [limited], output_stream: [done] }
`;

  test('drops frames that arrive while one is in flight (max_in_queue 0)', async () => {
    const permits = new Permits();
    const run = (await load(limited(0), [slowCalculator(permits)])).start();
    const allowed = reader(run, 'allowed');
    const done = reader(run, 'done');
    await run.addPacket('frames', 'f1', 1);
    expect(await allowed.next()).toEqual(['1:true']);
    await run.addPacket('frames', 'f2', 2);
    await run.addPacket('frames', 'f3', 3);
    expect(await allowed.next(2)).toEqual(['2:false', '3:false']);
    permits.release();
    expect(await done.next()).toEqual(['1:"f1"']);
    await run.addPacket('frames', 'f4', 4);
    expect(await allowed.next()).toEqual(['4:true']);
    permits.release();
    expect(await done.next()).toEqual(['4:"f4"']);
    run.closeAllInputs();
    expect(await allowed.rest()).toEqual([]);
    await run.done();
  });

  test('queues up to max_in_queue frames, dropping the oldest beyond that', async () => {
    const permits = new Permits();
    const run = (await load(limited(1), [slowCalculator(permits)])).start();
    const allowed = reader(run, 'allowed');
    const done = reader(run, 'done');
    await run.addPacket('frames', 'f1', 1);
    expect(await allowed.next()).toEqual(['1:true']);
    await run.addPacket('frames', 'f2', 2); // queued
    await run.addPacket('frames', 'f3', 3); // queue over 1: f2 dropped, f3 waits
    expect(await allowed.next()).toEqual(['2:false']);
    permits.release();
    expect(await done.next()).toEqual(['1:"f1"']);
    expect(await allowed.next()).toEqual(['3:true']);
    permits.release();
    expect(await done.next()).toEqual(['3:"f3"']);
    run.closeAllInputs();
    expect(await allowed.rest()).toEqual([]);
    expect(await done.rest()).toEqual([]);
    await run.done();
  });
});

describe('BeginLoopCalculator and EndLoopCalculator', () => {
  test('map over array elements and collect them back at the outer timestamps', async () => {
    const graph = await load(`
input_stream: [words]
output_stream: [word, words_end, upper_words]
nodes:
  - calculator: BeginLoopCalculator
    input_stream: [ITERABLE:words]
    output_stream: [ITEM:word, BATCH_END:words_end]
  - { calculator: MapCalculator, input_stream: [word], output_stream: [upper_word], options: { function: to_upper } }
  - calculator: EndLoopCalculator
    input_stream: [ITEM:upper_word, BATCH_END:words_end]
    output_stream: [ITERABLE:upper_words]
`);
    const run = graph.start();
    await run.addPacket('words', ['a', 'b'], 10);
    await run.addPacket('words', [], 20);
    await run.addPacket('words', ['c'], 30);
    run.closeAllInputs();
    expect(await reader(run, 'word').rest()).toEqual(['0:"a"', '1:"b"', '3:"c"']);
    expect(await reader(run, 'words_end').rest()).toEqual(['1:10', '2:20', '3:30']);
    expect(await reader(run, 'upper_words').rest()).toEqual(['10:["A","B"]', '30:["C"]']);
    await run.done();
  });
});

describe('MuxCalculator', () => {
  const mux = `
input_stream: [select, a, b]
output_stream: [out]
nodes:
  - { calculator: MuxCalculator, input_stream: [SELECT:select, INPUT:0:a, INPUT:1:b], output_stream: [OUTPUT:out] }
`;

  test('forwards the input SELECT names at each timestamp', async () => {
    const run = (await load(mux)).start();
    for (let ts = 1; ts <= 4; ts++) {
      await run.addPacket('a', `a${ts}`, ts);
      await run.addPacket('b', `b${ts}`, ts);
    }
    await run.addPacket('select', 0, 1);
    await run.addPacket('select', 1, 2);
    await run.addPacket('select', 1, 4); // no SELECT at 3: nothing at 3
    run.closeAllInputs();
    expect(await reader(run, 'out').rest()).toEqual(['1:"a1"', '2:"b2"', '4:"b4"']);
    await run.done();
  });

  test('a SELECT without a matching input fails the run and names the node', async () => {
    const run = (await load(mux)).start();
    await run.addPacket('a', 'x', 1);
    await run.addPacket('b', 'y', 1);
    await run.addPacket('select', 2, 1);
    run.closeAllInputs();
    await expect(run.done()).rejects.toThrow(
      /MuxCalculator.*got SELECT 2 \(packet at 1\); SELECT must be an integer from 0 to 1/,
    );
  });
});

describe('PreviousLoopbackCalculator bounds', () => {
  test('a MAIN bound without packets advances PREV_LOOP, so a node synchronising on it proceeds', async () => {
    const graph = await load(`
input_stream: [main, loop, other]
output_stream: [sets]
nodes:
  - calculator: PreviousLoopbackCalculator
    input_stream: [MAIN:main, LOOP:loop]
    input_stream_info:
      - { tag_index: LOOP, back_edge: true }
    output_stream: [PREV_LOOP:prev]
  - { calculator: RecorderCalculator, input_stream: [A:prev, B:other], output_stream: [OUT:sets] }
`);
    const run = graph.start();
    const sets = reader(run, 'sets');
    await run.addPacket('main', 'm', 1);
    await run.addPacket('loop', 'l1', 1);
    await run.addPacket('main', 'm', 2);
    await run.addPacket('other', 'o', 2);
    await run.addPacket('other', 'p', 6);
    expect(await sets.next()).toEqual(['2:"2:l1,o"']);
    run.setInputBound('main', 10); // no MAIN packets from 3 to 9
    expect(await sets.next()).toEqual(['6:"6:-,p"']);
    run.closeAllInputs();
    expect(await sets.rest()).toEqual([]);
    await run.done();
  });
});
