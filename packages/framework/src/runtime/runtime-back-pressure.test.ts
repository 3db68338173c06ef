import { describe, expect, it } from 'vitest';
import { GraphCancelledError } from '../index.js';
import { load } from './runtime.test-helpers.js';

const settle = () => new Promise((r) => setTimeout(r, 20));

const yaml = `
output_stream: [out]
nodes:
  - calculator: TestCount
    name: source
    output_stream: [OUT:mid]
    options: { count: 1000 }
  - calculator: TestPass
    name: pass
    input_stream: [mid]
    output_stream: [out]
`;

describe('maxBufferedOutput: a reader that does not read pauses the run', () => {
  it('stops scheduling at the limit and resumes as the reader takes packets, in order, nothing lost', async () => {
    const graph = await load(yaml);
    const run = graph.start({ maxBufferedOutput: 4 });
    await settle();
    expect(run.outputPackets('out')).toHaveLength(4);
    const calls = () => Object.fromEntries(run.stats().map((s) => [s.node, s.processCalls]));
    expect(calls().pass).toBe(4);
    expect(calls().source).toBeLessThan(10);

    const values: unknown[] = [];
    const reader = run.output('out')[Symbol.asyncIterator]();
    values.push((await reader.next()).value.value);
    await settle();
    // One read makes room for one more packet, and the read one is dropped.
    expect(run.outputPackets('out').map((p) => p.value)).toEqual([1, 2, 3, 4]);
    expect(calls().pass).toBe(5);

    for (let r = await reader.next(); !r.done; r = await reader.next()) values.push(r.value.value);
    await run.done();
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('keeps every packet without a limit (the default)', async () => {
    const run = (await load(yaml)).start();
    await run.done();
    expect(run.outputPackets('out')).toHaveLength(1000);
  });

  it('a paused run can be cancelled', async () => {
    const run = (await load(yaml)).start({ maxBufferedOutput: 2 });
    await settle();
    run.cancel('client went away');
    await expect(run.done()).rejects.toBeInstanceOf(GraphCancelledError);
  });

  it('rejects a limit that is not a positive integer', async () => {
    const graph = await load(yaml);
    expect(() => graph.start({ maxBufferedOutput: 0 })).toThrow(
      'start(): maxBufferedOutput = 0 must be an integer ≥ 1 (packets waiting unread per graph output stream)',
    );
  });
});
