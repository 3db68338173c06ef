import { describe, expect, it } from 'vitest';
import { DeadlockError, defineCalculator, GraphCancelledError, GraphRunError, Stop, t } from '../index.js';
import { collect, load, registry } from './runtime.test-helpers.js';

type Log = string[];

/** Logs its lifecycle into the LOG side packet and forwards IN to OUT. */
const Recorder = defineCalculator({
  name: 'TestRecorder',
  description: 'Logs open/process/close and forwards IN.',
  inputs: { IN: { type: t.any(), optional: true } },
  outputs: { OUT: { type: t.any(), optional: true } },
  inputSidePackets: {
    LOG: { type: t.named<Log>('Log', Array.isArray) },
    VALUE: { type: t.any(), optional: true },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { label: { type: 'string' } },
  } as const,
  create: () => ({
    open(ctx) {
      const extra = ctx.hasSidePacket('VALUE') ? `=${JSON.stringify(ctx.sidePacket('VALUE'))}` : '';
      ctx.sidePacket('LOG').push(`open ${ctx.options.label}${extra}`);
    },
    process(ctx) {
      const p = ctx.input('IN');
      ctx.sidePacket('LOG').push(`process ${ctx.options.label}@${ctx.inputTimestamp}`);
      if (p !== undefined && ctx.outputCount('OUT') > 0) ctx.output('OUT').addPacket(p);
    },
    close(ctx) {
      ctx.sidePacket('LOG').push(`close ${ctx.options.label}${ctx.signal.aborted ? ' (aborted)' : ''}`);
    },
  }),
});

/** Sets side packet OUT to options.value (plus IN when given) in open. */
const MakeSide = defineCalculator({
  name: 'TestMakeSide',
  description: 'Produces a side packet in open.',
  inputSidePackets: { IN: { type: t.any(), optional: true } },
  outputSidePackets: { OUT: { type: t.any() } },
  options: { type: 'object', additionalProperties: false, properties: { value: {} } } as const,
  create: () => ({
    open(ctx) {
      const base = ctx.hasSidePacket('IN') ? `${ctx.sidePacket('IN')}+` : '';
      ctx.setOutputSidePacket('OUT', `${base}${ctx.options.value}`);
    },
  }),
});

/** Sets side packet OUT from the first packet it processes (during the run, not in open). */
const SideFromStream = defineCalculator({
  name: 'TestSideFromStream',
  description: 'Turns its first input packet into a side packet.',
  inputs: { IN: { type: t.any() } },
  outputSidePackets: { OUT: { type: t.any() } },
  create: () => {
    let set = false;
    return {
      process(ctx) {
        if (set) return;
        set = true;
        ctx.setOutputSidePacket('OUT', ctx.input('IN')!.value);
      },
    };
  },
});

/** Waits options.ms (or until aborted) per packet, then forwards it. */
const Slow = defineCalculator({
  name: 'TestSlow',
  description: 'Async forward after a delay that honours the abort signal.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  inputSidePackets: { LOG: { type: t.named<Log>('Log', Array.isArray), optional: true } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { ms: { type: 'integer', default: 20 } },
  } as const,
  create: () => ({
    async process(ctx) {
      const p = ctx.input('IN')!;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ctx.options.ms as number);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
      ctx.output('OUT').addPacket(p);
    },
    close(ctx) {
      if (ctx.hasSidePacket('LOG')) ctx.sidePacket('LOG').push(`close slow (aborted: ${ctx.signal.aborted})`);
    },
  }),
});

/** Throws in the lifecycle method named by options.phase; with options.stop_at, returns Stop there. */
const Faulty = defineCalculator({
  name: 'TestFaulty',
  description: 'Fails in open, process or close; or stops early.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { phase: { enum: ['open', 'process', 'close', 'none'] }, stop_at: { type: 'integer' } },
  } as const,
  create: () => ({
    open(ctx) {
      if (ctx.options.phase === 'open') throw new Error('cannot open');
    },
    process(ctx) {
      if (ctx.options.phase === 'process') throw new Error('cannot process');
      if (ctx.inputTimestamp === ctx.options.stop_at) return Stop;
      ctx.output('OUT').addPacket(ctx.input('IN')!);
    },
    async close(ctx) {
      await Promise.resolve();
      if (ctx.options.phase === 'close') throw new Error('cannot close');
    },
  }),
});

const reg = () => registry().register(Recorder, MakeSide, SideFromStream, Slow, Faulty);

describe('side packets and open order', () => {
  it('opens nodes in topological order once their side packets exist, whatever the YAML order', async () => {
    const graph = await load(
      `
input_stream: [in]
output_stream: [out]
input_side_packet: [log]
nodes:
  - calculator: TestRecorder
    input_stream: [IN:mid]
    output_stream: [OUT:out]
    input_side_packet: [LOG:log, VALUE:second]
    options: { label: last }
  - calculator: TestMakeSide
    input_side_packet: [IN:first]
    output_side_packet: [OUT:second]
    options: { value: b }
  - calculator: TestRecorder
    input_stream: [IN:in]
    output_stream: [OUT:mid]
    input_side_packet: [LOG:log]
    options: { label: head }
  - calculator: TestMakeSide
    output_side_packet: [OUT:first]
    options: { value: a }
`,
      reg(),
    );
    const log: Log = [];
    const run = graph.start({ sidePackets: { log } });
    await run.addPacket('in', 'x', 0);
    run.closeAllInputs();
    await run.done();
    expect(log).toEqual([
      'open head',
      'open last="a+b"',
      'process head@0',
      'process last@0',
      'close head',
      'close last',
    ]);
    expect(run.outputSidePacket('second')).toBe('a+b');
  });

  it('opens a node late when its side packet is set during the run; its packets wait', async () => {
    const graph = await load(
      `
input_stream: [in, config]
output_stream: [out]
input_side_packet: [log]
nodes:
  - calculator: TestSideFromStream
    input_stream: [IN:config]
    output_side_packet: [OUT:setting]
  - calculator: TestRecorder
    input_stream: [IN:in]
    output_stream: [OUT:out]
    input_side_packet: [LOG:log, VALUE:setting]
    options: { label: user }
`,
      reg(),
    );
    const log: Log = [];
    const run = graph.start({ sidePackets: { log } });
    await run.addPacket('in', 'x', 0);
    await run.addPacket('in', 'y', 1);
    expect(log).toEqual([]);
    await run.addPacket('config', 'fast', 0);
    run.closeAllInputs();
    await run.done();
    expect(log).toEqual(['open user="fast"', 'process user@0', 'process user@1', 'close user']);
    expect(await collect(run, 'out')).toEqual([
      [0, 'x'],
      [1, 'y'],
    ]);
  });

  it('a late node with an async open gets its waiting packets once open', async () => {
    const SlowOpen = defineCalculator({
      name: 'TestSlowOpen',
      description: 'Forwards IN after an async open that reads side packet VALUE.',
      inputs: { IN: { type: t.any() } },
      outputs: { OUT: { type: t.any() } },
      inputSidePackets: { VALUE: { type: t.string() } },
      create: () => {
        let prefix = '';
        return {
          async open(ctx) {
            await new Promise((r) => setTimeout(r, 5));
            prefix = ctx.sidePacket('VALUE');
          },
          process(ctx) {
            ctx.output('OUT').add(`${prefix}:${ctx.input('IN')!.value}`);
          },
        };
      },
    });
    const graph = await load(
      `
input_stream: [in, config]
output_stream: [out]
nodes:
  - calculator: TestSideFromStream
    input_stream: [IN:config]
    output_side_packet: [OUT:setting]
  - calculator: TestSlowOpen
    input_stream: [IN:in]
    output_stream: [OUT:out]
    input_side_packet: [VALUE:setting]
`,
      reg().register(SlowOpen),
    );
    const run = graph.start();
    await run.addPacket('in', 'x', 0);
    await run.addPacket('config', 'late', 0);
    const out = collect(run, 'out');
    await new Promise((r) => setTimeout(r, 50));
    expect(run.outputPackets('out').map((p) => p.value)).toEqual(['late:x']);
    run.closeAllInputs();
    await run.done();
    expect(await out).toEqual([[0, 'late:x']]);
  });

  it('refuses to start without a required graph side packet, naming it', async () => {
    const graph = await load(
      'input_stream: [a]\ninput_side_packet: [scale]\nnodes:\n  - calculator: TestScale\n    input_stream: [IN:a]\n    output_stream: [OUT:b]\n    input_side_packet: [SCALE:scale]\n',
    );
    expect(() => graph.start()).toThrow(
      'graph "test" needs input side packet "scale"; pass them to start({ sidePackets: { scale: ... } })',
    );
    expect(() => graph.start({ sidePackets: { scale: 'two' } })).toThrow(
      'node "TestScale_1" (TestScale): side packet "scale" must be number: expected number, got string',
    );
  });
});

describe('errors stop the run', () => {
  const yaml = `
input_stream: [in]
output_stream: [out]
input_side_packet: [log]
nodes:
  - calculator: TestFailOn
    name: checker
    input_stream: [IN:in]
    output_stream: [OUT:checked]
    options: { value: bad }
  - calculator: TestRecorder
    input_stream: [IN:checked]
    output_stream: [OUT:out]
    input_side_packet: [LOG:log]
    options: { label: after }
`;

  it('rejects done() with a GraphRunError naming node, calculator and cause; closes opened nodes', async () => {
    const graph = await load(yaml, reg());
    const log: Log = [];
    const run = graph.start({ sidePackets: { log } });
    const outputs = collect(run, 'out');
    await run.addPacket('in', 'ok', 0);
    await run.addPacket('in', 'bad', 1);
    const error = (await run.done().catch((e: unknown) => e)) as GraphRunError;
    expect(error).toBeInstanceOf(GraphRunError);
    expect([error.code, error.node, error.calculator, error.phase]).toEqual([
      'WEFT_ERR_NODE_FAILED',
      'checker',
      'TestFailOn',
      'process',
    ]);
    expect((error.cause as Error).message).toBe('cannot handle "bad"');
    expect(log).toEqual(['open after', 'process after@0', 'close after (aborted)']);
    await expect(outputs).rejects.toBe(error);
    await expect(run.addPacket('in', 'late', 2)).rejects.toBe(error);
  });

  it('leaves the compiled graph reusable: the next run is clean', async () => {
    const graph = await load(yaml, reg());
    const first = graph.start({ sidePackets: { log: [] } });
    await first.addPacket('in', 'bad', 0);
    await expect(first.done()).rejects.toBeInstanceOf(GraphRunError);
    const log: Log = [];
    const second = graph.start({ sidePackets: { log } });
    await second.addPacket('in', 'fine', 0);
    second.closeAllInputs();
    await second.done();
    expect(await collect(second, 'out')).toEqual([[0, 'fine']]);
    expect(log).toEqual(['open after', 'process after@0', 'close after']);
  });
});

describe('errors in each lifecycle method', () => {
  const graphFor = (options: string) =>
    load(
      `input_stream: [in]\noutput_stream: [out]\nnodes:\n  - calculator: TestFaulty\n    name: faulty\n    input_stream: [IN:in]\n    output_stream: [OUT:out]\n    options: ${options}\n`,
      reg(),
    );

  it.each(['open', 'process', 'close'] as const)(
    'a throw in %s rejects done() naming the phase',
    async (phase) => {
      const run = (await graphFor(`{ phase: ${phase} }`)).start();
      await run.addPacket('in', 1, 0).catch(() => {});
      run.closeAllInputs();
      await expect(run.done()).rejects.toMatchObject({
        name: 'GraphRunError',
        phase,
        message: `node "faulty" (TestFaulty) failed in ${phase} in graph "test": cannot ${phase}`,
      });
    },
  );

  it('Stop from a node with inputs closes that node: its outputs end, later inputs are dropped', async () => {
    const run = (await graphFor('{ phase: none, stop_at: 2 }')).start();
    for (let ts = 0; ts < 5; ts++) await run.addPacket('in', ts, ts);
    const out = await collect(run, 'out');
    expect(out).toEqual([
      [0, 0],
      [1, 1],
    ]);
    run.closeAllInputs();
    await run.done();
  });
});

describe('cancellation', () => {
  const yaml = `
input_stream: [in]
output_stream: [out]
input_side_packet: [log]
nodes:
  - calculator: TestSlow
    input_stream: [IN:in]
    output_stream: [OUT:out]
    input_side_packet: [LOG:log]
    options: { ms: 10000 }
`;

  it('aborts ctx.signal, closes the nodes and rejects done() when the start signal aborts mid-run', async () => {
    const graph = await load(yaml, reg());
    const controller = new AbortController();
    const log: Log = [];
    const run = graph.start({ sidePackets: { log }, signal: controller.signal });
    await run.addPacket('in', 1, 0);
    setTimeout(() => controller.abort(new Error('client went away')), 5);
    const started = Date.now();
    const error = (await run.done().catch((e: unknown) => e)) as GraphCancelledError;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(GraphCancelledError);
    expect(error.code).toBe('WEFT_ERR_RUN_CANCELLED');
    expect(error.message).toBe('run of graph "test" was cancelled: client went away');
    expect(log).toEqual(['close slow (aborted: true)']);
  });

  it('cancel() works the same; an already aborted signal cancels at start', async () => {
    const graph = await load(yaml, reg());
    const run = graph.start({ sidePackets: { log: [] } });
    await run.addPacket('in', 1, 0);
    run.cancel();
    await expect(run.done()).rejects.toMatchObject({ code: 'WEFT_ERR_RUN_CANCELLED' });
    const aborted = graph.start({ sidePackets: { log: [] }, signal: AbortSignal.abort() });
    await expect(aborted.done()).rejects.toBeInstanceOf(GraphCancelledError);
  });
});

describe('max_queue_size', () => {
  it('throttles graph inputs: addPacket waits while the queue is full', async () => {
    const graph = await load(
      'max_queue_size: 2\ninput_stream: [in]\noutput_stream: [out]\nnodes:\n  - calculator: TestSlow\n    input_stream: [IN:in]\n    output_stream: [OUT:out]\n    options: { ms: 5 }\n',
      reg(),
    );
    const run = graph.start();
    const accepted: number[] = [];
    const adds = [0, 1, 2, 3, 4].map((i) => run.addPacket('in', i, i).then(() => accepted.push(i)));
    await Promise.resolve();
    await Promise.resolve();
    // 0 is being processed, 1 and 2 fill the queue; 3 and 4 wait.
    expect(accepted).toEqual([0, 1, 2]);
    await Promise.all(adds);
    expect(accepted).toEqual([0, 1, 2, 3, 4]);
    run.closeAllInputs();
    await run.done();
    expect((await collect(run, 'out')).map(([ts]) => ts)).toEqual([0, 1, 2, 3, 4]);
  });

  it('applies closeInput after the packets still waiting for room', async () => {
    const graph = await load(
      'max_queue_size: 1\ninput_stream: [in]\noutput_stream: [out]\nnodes:\n  - calculator: TestSlow\n    input_stream: [IN:in]\n    output_stream: [OUT:out]\n    options: { ms: 2 }\n',
      reg(),
    );
    const run = graph.start();
    const adds = [0, 1, 2, 3].map((i) => run.addPacket('in', i, i));
    run.closeInput('in');
    await expect(run.addPacket('in', 9, 9)).rejects.toMatchObject({ code: 'WEFT_ERR_INPUT_CLOSED' });
    await Promise.all(adds);
    await run.done();
    expect((await collect(run, 'out')).map(([ts]) => ts)).toEqual([0, 1, 2, 3]);
  });

  it('throttles sources so that queues stay bounded', async () => {
    const Watch = defineCalculator({
      name: 'TestWatch',
      description: 'Records how far the source ran ahead of it.',
      inputs: { IN: { type: t.number() } },
      outputs: { OUT: { type: t.number() } },
      create: () => ({
        async process(ctx) {
          await new Promise((r) => setTimeout(r, 1));
          ctx.output('OUT').add(ctx.input('IN')!.value);
        },
      }),
    });
    const graph = await load(
      'max_queue_size: 3\noutput_stream: [out]\nnodes:\n  - calculator: TestCount\n    output_stream: [OUT:n]\n    options: { count: 30 }\n  - calculator: TestWatch\n    input_stream: [IN:n]\n    output_stream: [OUT:out]\n',
      reg().register(Watch),
    );
    let maxAhead = 0;
    const run = graph.start({
      onOutput: (_s, p) => {
        maxAhead = Math.max(maxAhead, run.stats()[0]!.packetsOut - 1 - (p.value as number));
      },
    });
    await run.done();
    expect(run.outputPackets('out')).toHaveLength(30);
    // At most one packet in process plus a full queue of 3 ahead of the consumer.
    expect(maxAhead).toBeLessThanOrEqual(4);
    expect(maxAhead).toBeGreaterThanOrEqual(3);
  });

  it('reports a deadlock (every queue full, nothing can run) with the full streams, instead of hanging', async () => {
    const graph = await load(
      'max_queue_size: 2\ninput_stream: [a, b]\noutput_stream: [out]\nnodes:\n  - calculator: TestPair\n    name: pair\n    input_stream: [A:a, B:b]\n    output_stream: [OUT:out]\n',
    );
    const run = graph.start();
    await run.addPacket('a', 0, 0);
    await run.addPacket('a', 1, 1);
    const blocked = run.addPacket('a', 2, 2);
    const error = (await run.done().catch((e: unknown) => e)) as DeadlockError;
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.code).toBe('WEFT_ERR_DEADLOCK');
    expect(error.message).toBe(
      'graph "test" deadlocked: nothing can run while these input queues are full (max_queue_size 2): "a" → node "pair" (TestPair): 2 queued; raise max_queue_size, or feed the other inputs of the blocked nodes',
    );
    await expect(blocked).rejects.toBe(error);
  });

  it('reports a deadlock of a throttled source too', async () => {
    const graph = await load(
      'max_queue_size: 2\ninput_stream: [b]\noutput_stream: [out]\nnodes:\n  - calculator: TestCount\n    output_stream: [OUT:n]\n    options: { count: 10 }\n  - calculator: TestPair\n    input_stream: [A:n, B:b]\n    output_stream: [OUT:out]\n',
    );
    const run = graph.start();
    await expect(run.done()).rejects.toMatchObject({
      code: 'WEFT_ERR_DEADLOCK',
      fullStreams: [{ stream: 'n', node: 'TestPair_1', calculator: 'TestPair', size: 2 }],
    });
  });
});
