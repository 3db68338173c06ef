import { describe, expect, it } from 'vitest';
import { defineCalculator, GraphRunError, Stop, Timestamp, t } from '../index.js';
import { collect, load, registry } from './runtime.test-helpers.js';

const special = { pre: Timestamp.PreStream, post: Timestamp.PostStream } as const;

/** A source that adds one packet per entry of `emit` (an integer, "pre" or "post"), then stops. */
const EmitAt = defineCalculator({
  name: 'TestEmitAt',
  description: 'Emits packets at the given timestamps.',
  outputs: { OUT: { type: t.string() } },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['emit'],
    properties: {
      emit: { type: 'array', items: { anyOf: [{ type: 'integer' }, { enum: ['pre', 'post'] }] } },
    },
  },
  create: () => ({
    process(ctx) {
      for (const e of ctx.options.emit as (number | 'pre' | 'post')[]) {
        ctx.output('OUT').add(String(e), typeof e === 'number' ? e : special[e]);
      }
      return Stop;
    },
  }),
});

async function runEmit(emit: string): Promise<[number, unknown][] | GraphRunError> {
  const graph = await load(
    `
output_stream: [out]
nodes:
  - calculator: TestEmitAt
    name: emitter
    output_stream: [OUT:out]
    options: { emit: ${emit} }
`,
    registry().register(EmitAt),
  );
  const run = graph.start();
  const packets = collect(run, 'out');
  packets.catch(() => {}); // rejects with the run's error, which done() reports below
  const error = await run.done().then(
    () => undefined,
    (e: unknown) => e as GraphRunError,
  );
  return error ?? packets;
}

const where = 'node "emitter" (TestEmitAt) output "OUT:out"';

describe('a PreStream or PostStream packet must be the only packet of its stream (checked at the producer)', () => {
  it('a lone PreStream or PostStream packet is fine', async () => {
    expect(await runEmit('[pre]')).toEqual([[Timestamp.PreStream, 'pre']]);
    expect(await runEmit('[post]')).toEqual([[Timestamp.PostStream, 'post']]);
  });

  it.each([
    [
      '[3, post]',
      'packet at Timestamp.PostStream follows a packet at 3; a PostStream packet must be the only packet of its stream (use setNextTimestampBound or close() to end a stream)',
    ],
    [
      '[pre, 3]',
      'packet at 3 follows the packet at Timestamp.PreStream, which must be the only packet of its stream',
    ],
    [
      '[pre, post]',
      'packet at Timestamp.PostStream follows the packet at Timestamp.PreStream, which must be the only packet of its stream',
    ],
  ])('%s fails the run with WEFT_ERR_PRE_POST_STREAM_PACKET naming node and port', async (emit, why) => {
    const error = (await runEmit(emit)) as GraphRunError;
    expect(error).toBeInstanceOf(GraphRunError);
    expect(error.code).toBe('WEFT_ERR_PRE_POST_STREAM_PACKET');
    expect(error.node).toBe('emitter');
    expect((error.cause as Error).message).toBe(`${where}: ${why}`);
  });

  it('a packet below a PostStream packet is still a plain monotonicity error', async () => {
    const error = (await runEmit('[5, 4]')) as GraphRunError;
    expect(error.code).toBe('WEFT_ERR_TIMESTAMP_NOT_INCREASING');
  });

  it('graph inputs follow the same rule: the packet is refused, the run goes on', async () => {
    const graph = await load(`
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: TestPass
    input_stream: [in]
    output_stream: [out]
`);
    const run = graph.start();
    const packets = collect(run, 'out');
    await run.addPacket('in', 'a', 7);
    await expect(run.addPacket('in', 'b', Timestamp.PostStream)).rejects.toMatchObject({
      code: 'WEFT_ERR_PRE_POST_STREAM_PACKET',
      message:
        'addPacket: graph input "in": packet at Timestamp.PostStream follows a packet at 7; a PostStream packet must be the only packet of its stream (use setNextTimestampBound or close() to end a stream)',
    });
    run.closeAllInputs();
    await run.done();
    expect(await packets).toEqual([[7, 'a']]);
  });
});
