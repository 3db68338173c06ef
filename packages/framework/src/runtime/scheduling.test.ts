import { describe, expect, it } from 'vitest';
import { GraphRunError, Timestamp } from '../index.js';
import { collect, load } from './runtime.test-helpers.js';

describe('graph runs: packets flow through a chain', () => {
  it('passes packets through two nodes in order, then finishes', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: TestPass
    input_stream: [in]
    output_stream: [mid]
  - calculator: TestPass
    input_stream: [mid]
    output_stream: [out]
`);
    const run = graph.start();
    await run.addPacket('in', 'a', 0);
    await run.addPacket('in', 'b', 10);
    run.closeAllInputs();
    await run.done();
    expect(await collect(run, 'out')).toEqual([
      [0, 'a'],
      [10, 'b'],
    ]);
    expect(run.stats().map((s) => [s.node, s.processCalls, s.packetsOut])).toEqual([
      ['TestPass_1', 2, 2],
      ['TestPass_2', 2, 2],
    ]);
  });
});

describe('timestamp monotonicity is checked at the producer', () => {
  it('fails the run naming node, calculator and port with a stable code', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: TestFixedTimestamp
    name: stuck
    input_stream: [IN:in]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.addPacket('in', 1, 0);
    await run.addPacket('in', 2, 1);
    run.closeAllInputs();
    const error = (await run.done().catch((e: unknown) => e)) as GraphRunError;
    expect(error).toBeInstanceOf(GraphRunError);
    expect(error.code).toBe('WEFT_ERR_TIMESTAMP_NOT_INCREASING');
    expect(error.node).toBe('stuck');
    expect(error.calculator).toBe('TestFixedTimestamp');
    expect((error.cause as Error).message).toBe(
      'node "stuck" (TestFixedTimestamp) output "OUT:out": packet at 5 is below the stream\'s next timestamp bound 6; timestamps on a stream must strictly increase',
    );
  });

  it('rejects a graph input packet that goes back in time without failing the run', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: TestPass
    input_stream: [in]
    output_stream: [out]
`);
    const run = graph.start();
    await run.addPacket('in', 'a', 3);
    await expect(run.addPacket('in', 'b', 3)).rejects.toMatchObject({
      code: 'WEFT_ERR_TIMESTAMP_NOT_INCREASING',
    });
    await run.addPacket('in', 'c', 4);
    run.closeAllInputs();
    await run.done();
    expect(await collect(run, 'out')).toEqual([
      [3, 'a'],
      [4, 'c'],
    ]);
  });
});

describe('default input stream handler', () => {
  it('syncs two inputs arriving at different rates: a set per settled timestamp, empty inputs absent', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPair
    input_stream: [A:a, B:b]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    // a every timestamp, b every third: sets at 0..6 where b is present only at 0, 3, 6.
    for (let ts = 0; ts <= 6; ts++) await run.addPacket('a', `a${ts}`, ts);
    const before = run.outputPackets('out').length;
    for (const ts of [0, 3, 6]) await run.addPacket('b', `b${ts}`, ts);
    run.closeAllInputs();
    await run.done();
    // Nothing could be processed while b's bound was still Unstarted.
    expect(before).toBe(0);
    expect((await collect(run, 'out')).map(([, v]) => v)).toEqual([
      [0, 'a0', 'b0'],
      [1, 'a1', null],
      [2, 'a2', null],
      [3, 'a3', 'b3'],
      [4, 'a4', null],
      [5, 'a5', null],
      [6, 'a6', 'b6'],
    ]);
  });

  it('waits for a timestamp to settle on every input before processing it', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPair
    input_stream: [A:a, B:b]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.addPacket('a', 'a5', 5);
    await run.addPacket('b', 'b2', 2);
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([[2, null, 'b2']]);
    run.setInputBound('b', 5); // settles 0..4 on b; 5 is still open
    expect(run.outputPackets('out')).toHaveLength(1);
    run.setInputBound('b', 6);
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([
      [2, null, 'b2'],
      [5, 'a5', null],
    ]);
    run.closeAllInputs();
    await run.done();
  });
});

describe('immediate input stream handler', () => {
  const yaml = (handler: string) => `
input_stream: [a, b]
output_stream: [oa, ob]
nodes:
  - calculator: TestPass
    input_stream: [a, b]
    output_stream: [oa, ob]
    input_stream_handler: ${handler}
`;
  const feed = async (handler: string) => {
    const graph = await load(yaml(handler));
    const order: string[] = [];
    const run = graph.start({ onOutput: (stream, p) => order.push(`${stream}@${p.timestamp}`) });
    await run.addPacket('a', 'a0', 0);
    await run.addPacket('a', 'a1', 1);
    const early = [...order];
    await run.addPacket('b', 'b1', 1);
    await run.addPacket('b', 'b2', 2);
    run.closeAllInputs();
    await run.done();
    return { early, order };
  };

  it('processes every packet as it arrives, without waiting for the other inputs', async () => {
    expect(await feed('immediate')).toEqual({
      early: ['oa@0', 'oa@1'],
      order: ['oa@0', 'oa@1', 'ob@1', 'ob@2'],
    });
  });

  it('(the default handler waits for b to settle instead)', async () => {
    expect(await feed('default')).toEqual({
      early: [],
      order: ['oa@0', 'oa@1', 'ob@1', 'ob@2'],
    });
  });
});

describe('sync_set input stream handler', () => {
  it('synchronises inputs inside a set, not across sets', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPair
    input_stream: [A:a, B:b]
    output_stream: [OUT:out]
    input_stream_handler: { handler: sync_set, sync_sets: [[A], [B]] }
`);
    const run = graph.start();
    await run.addPacket('b', 'b0', 0);
    await run.addPacket('b', 'b1', 1);
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([
      [0, null, 'b0'],
      [1, null, 'b1'],
    ]);
    run.closeAllInputs();
    await run.done();
  });
});

describe('timestamp offset and bounds', () => {
  it('propagates bounds without packets through offset nodes, so a downstream sync can proceed', async () => {
    // a → pass (offset 0) → x; b → x. A bound on a passes through `pass` and settles x's A input.
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPass
    input_stream: [a]
    output_stream: [a2]
  - calculator: TestPair
    input_stream: [A:a2, B:b]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.addPacket('b', 'b3', 3);
    expect(run.outputPackets('out')).toHaveLength(0);
    run.setInputBound('a', 4);
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([[3, null, 'b3']]);
    run.closeAllInputs();
    await run.done();
  });

  it('makes output bounds visible: a bound on the input settles the output without a packet', async () => {
    const graph = await load(`
input_stream: [a]
output_stream: [out]
nodes:
  - calculator: TestPass
    input_stream: [a]
    output_stream: [out]
`);
    const run = graph.start();
    expect(run.outputBound('out')).toBe(Timestamp.Unstarted);
    await run.addPacket('a', 'x', 3);
    expect(run.outputBound('out')).toBe(4);
    run.setInputBound('a', 10);
    expect(run.outputBound('out')).toBe(10);
    run.closeAllInputs();
    await run.done();
    expect(run.outputBound('out')).toBe(Timestamp.Done);
  });

  it('does not propagate bounds through a node without an offset', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPassNoOffset
    input_stream: [IN:a]
    output_stream: [OUT:a2]
  - calculator: TestPair
    input_stream: [A:a2, B:b]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.addPacket('b', 'b3', 3);
    run.setInputBound('a', 4);
    expect(run.outputPackets('out')).toHaveLength(0);
    run.closeInput('a'); // Done still propagates: the node closes and closes its output
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([[3, null, 'b3']]);
    run.closeAllInputs();
    await run.done();
  });

  it('calls process on bounds alone when the calculator asks for it', async () => {
    const graph = await load(`
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: TestPairOnBounds
    input_stream: [A:a, B:b]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.addPacket('a', 'a0', 0);
    run.setInputBound('b', 1);
    run.setInputBound('a', 3);
    run.setInputBound('b', 3);
    await run.addPacket('b', 'b3', 3);
    run.closeAllInputs();
    await run.done();
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([
      [0, 'a0', null],
      [2, null, null],
      [3, null, 'b3'],
    ]);
  });
});

describe('sources', () => {
  it('calls a source until it returns Stop, then closes the graph', async () => {
    const graph = await load(`
output_stream: [out]
nodes:
  - calculator: TestCount
    output_stream: [OUT:numbers]
    options: { count: 4 }
  - calculator: TestSum
    input_stream: [IN:numbers]
    output_stream: [OUT:out]
`);
    const run = graph.start();
    await run.done();
    expect(await collect(run, 'out')).toEqual([
      [0, 0],
      [1, 1],
      [2, 3],
      [3, 6],
    ]);
    expect(run.stats()[0]).toMatchObject({ node: 'TestCount_1', processCalls: 5, packetsOut: 4 });
  });
});

describe('special timestamps', () => {
  it('formats special values in errors', () => {
    expect(Timestamp.format(Timestamp.Done)).toBe('Timestamp.Done');
  });
});
