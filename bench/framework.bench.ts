/**
 * Framework benchmark: 100k packets through a chain of 10 PassThrough nodes, and in the same
 * process through 10 chained async functions (the floor any async pipeline pays). Prints both rates
 * and their ratio; the goal is a ratio of at least 0.25. Run with `pnpm bench:framework` (after
 * `pnpm build`: it measures the compiled packages).
 */
// The built packages (what users run); `pnpm install` builds them (root `prepare` runs `tsc -b`).
import { PassThroughCalculator } from '../packages/calculators/dist/index.js';
import {
  type AnyCalculatorDefinition,
  CalculatorRegistry,
  loadGraphFromString,
} from '../packages/framework/dist/index.js';

const PACKETS = Number(process.env.BENCH_PACKETS ?? 100_000);
const STAGES = 10;
const ROUNDS = 7;

// The type-check maps the calculators' own `@weft/framework` import to src, this file's to dist:
// the same definition, two declarations of its type.
const registry = new CalculatorRegistry().register(
  PassThroughCalculator as unknown as AnyCalculatorDefinition,
);
const yaml = [
  'name: bench_chain',
  'input_stream: [s0]',
  `output_stream: [s${STAGES}]`,
  'nodes:',
  ...Array.from({ length: STAGES }, (_, i) =>
    [
      `  - calculator: PassThroughCalculator`,
      `    input_stream: [s${i}]`,
      `    output_stream: [s${i + 1}]`,
    ].join('\n'),
  ),
].join('\n');
const graph = await loadGraphFromString(yaml, { file: 'bench.yaml', registry });

async function graphRun(): Promise<number> {
  const start = performance.now();
  let received = 0;
  const run = graph.start({ onOutput: () => received++ });
  for (let i = 0; i < PACKETS; i++) await run.addPacket('s0', i, i);
  run.closeAllInputs();
  await run.done();
  if (received !== PACKETS) throw new Error(`graph delivered ${received} packets, expected ${PACKETS}`);
  return performance.now() - start;
}

// The baseline: what a hand-written pipeline of async stages costs per packet.
const stages = Array.from(
  { length: STAGES },
  () =>
    async (v: number): Promise<number> =>
      v,
);
async function plainRun(): Promise<number> {
  const start = performance.now();
  let received = 0;
  for (let i = 0; i < PACKETS; i++) {
    let v = i;
    for (const stage of stages) v = await stage(v);
    if (v === i) received++;
  }
  if (received !== PACKETS) throw new Error(`chain delivered ${received} packets, expected ${PACKETS}`);
  return performance.now() - start;
}

await plainRun(); // warm-up both paths before measuring
await graphRun();
// Rounds alternate so that both sides see the same machine load; the best round of each counts.
let plainMs = Number.POSITIVE_INFINITY;
let graphMs = Number.POSITIVE_INFINITY;
for (let r = 0; r < ROUNDS; r++) {
  plainMs = Math.min(plainMs, await plainRun());
  graphMs = Math.min(graphMs, await graphRun());
}
const rate = (ms: number) => Math.round((PACKETS / ms) * 1000);
console.log(`packets: ${PACKETS}, stages: ${STAGES}, best of ${ROUNDS} rounds`);
console.log(
  `plain async chain: ${rate(plainMs).toLocaleString('en-US')} packets/s (${plainMs.toFixed(1)} ms)`,
);
console.log(
  `weft graph:        ${rate(graphMs).toLocaleString('en-US')} packets/s (${graphMs.toFixed(1)} ms)`,
);
console.log(`ratio graph/plain: ${(plainMs / graphMs).toFixed(2)} (goal ≥ 0.25)`);
