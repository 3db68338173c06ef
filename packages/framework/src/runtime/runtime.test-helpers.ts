import {
  CalculatorRegistry,
  defineCalculator,
  type Graph,
  type GraphRun,
  loadGraphFromString,
  type Packet,
  Stop,
  t,
} from '../index.js';

/** Test-only calculators, registered fresh per test file. */

export const Pass = defineCalculator({
  name: 'TestPass',
  description: 'Forwards input i to output i (offset 0).',
  inputs: { '': { type: t.any(), multiple: true } },
  outputs: { '': { type: t.any(), multiple: true } },
  timestampOffset: 0,
  create: () => ({
    process(ctx) {
      for (let i = 0; i < ctx.inputCount(''); i++) {
        const p = ctx.input('', i);
        if (p !== undefined) ctx.output('', i).addPacket(p);
      }
    },
  }),
});

/** Forwards packets and declares no offset: bounds do not propagate. */
export const PassNoOffset = defineCalculator({
  name: 'TestPassNoOffset',
  description: 'Forwards IN to OUT without an offset.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  create: () => ({
    process(ctx) {
      const p = ctx.input('IN');
      if (p !== undefined) ctx.output('OUT').addPacket(p);
    },
  }),
});

/** Emits `[timestamp, a?, b?]` for every input set: shows exactly what the handler grouped. */
export const Pair = defineCalculator({
  name: 'TestPair',
  description: 'Reports each input set as [timestamp, A value or null, B value or null].',
  inputs: { A: { type: t.any() }, B: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  create: () => ({
    process(ctx) {
      ctx
        .output('OUT')
        .add([ctx.inputTimestamp, ctx.input('A')?.value ?? null, ctx.input('B')?.value ?? null]);
    },
  }),
});

/** Same as TestPair but with process-on-bounds and an explicit output timestamp. */
export const PairOnBounds = defineCalculator({
  name: 'TestPairOnBounds',
  description: 'Like TestPair, also called when only bounds advanced.',
  inputs: { A: { type: t.any() }, B: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  processTimestampBounds: true,
  create: () => ({
    process(ctx) {
      ctx
        .output('OUT')
        .add([ctx.inputTimestamp, ctx.input('A')?.value ?? null, ctx.input('B')?.value ?? null]);
    },
  }),
});

/** Source: emits 0..count-1 at timestamps 0..count-1, then stops. */
export const Count = defineCalculator({
  name: 'TestCount',
  description: 'Emits options.count packets.',
  outputs: { OUT: { type: t.number() } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { count: { type: 'integer', default: 3 } },
  } as const,
  create: () => {
    let next = 0;
    return {
      process(ctx) {
        if (next >= (ctx.options.count as number)) return Stop;
        ctx.output('OUT').add(next, next);
        next++;
      },
    };
  },
});

/** Doubles numbers after awaiting a timer (an "engine step"). */
export const AsyncDouble = defineCalculator({
  name: 'TestAsyncDouble',
  description: 'Doubles IN after options.delay_ms.',
  inputs: { IN: { type: t.number() } },
  outputs: { OUT: { type: t.number() } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { delay_ms: { type: 'integer', default: 1 } },
  } as const,
  create: () => ({
    async process(ctx) {
      const p = ctx.input('IN')!;
      await new Promise((r) => setTimeout(r, ctx.options.delay_ms as number));
      ctx.output('OUT').add(p.value * 2);
    },
  }),
});

/** Running sum kept in the instance: shows that state is per run. */
export const Sum = defineCalculator({
  name: 'TestSum',
  description: 'Emits the running sum of IN.',
  inputs: { IN: { type: t.number() } },
  outputs: { OUT: { type: t.number() } },
  create: () => {
    let total = 0;
    return {
      process(ctx) {
        total += ctx.input('IN')!.value;
        ctx.output('OUT').add(total);
      },
    };
  },
});

export const FailOn = defineCalculator({
  name: 'TestFailOn',
  description: 'Forwards IN; throws when the value equals options.value.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { value: {} },
  } as const,
  create: () => ({
    process(ctx) {
      const p = ctx.input('IN')!;
      if (p.value === ctx.options.value) throw new Error(`cannot handle ${JSON.stringify(p.value)}`);
      ctx.output('OUT').addPacket(p);
    },
  }),
});

/** Emits every packet at timestamp 5: the second one breaks monotonicity. */
export const FixedTimestamp = defineCalculator({
  name: 'TestFixedTimestamp',
  description: 'Emits each input at timestamp 5.',
  inputs: { IN: { type: t.any() } },
  outputs: { OUT: { type: t.any() } },
  create: () => ({
    process(ctx) {
      ctx.output('OUT').add(ctx.input('IN')!.value, 5);
    },
  }),
});

/** Multiplies IN by the SCALE side packet. */
export const Scale = defineCalculator({
  name: 'TestScale',
  description: 'Multiplies IN by side packet SCALE.',
  inputs: { IN: { type: t.number() } },
  outputs: { OUT: { type: t.number() } },
  inputSidePackets: { SCALE: { type: t.number() } },
  create: () => ({
    process(ctx) {
      ctx.output('OUT').add(ctx.input('IN')!.value * ctx.sidePacket('SCALE'));
    },
  }),
});

export function registry(): CalculatorRegistry {
  return new CalculatorRegistry().register(
    Pass,
    PassNoOffset,
    Pair,
    PairOnBounds,
    Count,
    AsyncDouble,
    Sum,
    FailOn,
    FixedTimestamp,
    Scale,
  );
}

export function load(yaml: string, reg: CalculatorRegistry = registry()): Promise<Graph> {
  return loadGraphFromString(yaml, { file: 'test.yaml', registry: reg });
}

/** Collects every packet of a graph output as [timestamp, value]. */
export async function collect(run: GraphRun, stream: string): Promise<[number, unknown][]> {
  const out: [number, unknown][] = [];
  for await (const p of run.output(stream) as AsyncIterable<Packet>) out.push([p.timestamp, p.value]);
  return out;
}
