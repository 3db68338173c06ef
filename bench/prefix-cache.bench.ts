/**
 * Part of `pnpm bench:engine:all`: time to first token of a prompt whose first `--prefix` tokens an
 * earlier prompt computed (prefix caching) against the same prompt cold, side by side in one run.
 * Each round takes a new random prefix P and two suffixes A, B of `--suffix` tokens:
 *   off  — P+B on an engine with `prefixCaching: false` (what every prompt costs without the cache)
 *   cold — P+A on the caching engine (a miss; it also stores P's blocks)
 *   warm — P+B on the caching engine (P's blocks reused: only B and the last block run)
 * TTFT = submit → first logits through the engine API. Goal (issue 16): warm ≤ 0.25 × cold.
 *
 *   pnpm bench:engine:prefix [--threads 2] [--prefix 1024] [--suffix 32] [--rounds 5] [--attention standard|gqa]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../packages/llm/dist/index.js';
import {
  BENCH_ATTENTION,
  benchArgv,
  ensureBenchModel,
  printLoadAverage,
  rerunWithMalloc,
} from './bench-setup.js';

rerunWithMalloc();

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    prefix: { type: 'string', default: '1024' },
    suffix: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '5' },
    attention: { type: 'string', default: 'standard' },
  },
});
const THREADS = Number(values.threads);
const PREFIX = Number(values.prefix);
const SUFFIX = Number(values.suffix);
const ROUNDS = Number(values.rounds);
const ATTENTION = BENCH_ATTENTION.find((a) => a === values.attention);
if (!ATTENTION)
  throw new Error(`--attention: "${values.attention}" is not one of ${BENCH_ATTENTION.join(', ')}`);

const dir = await ensureBenchModel(ATTENTION);

let seed = 12345;
/** Deterministic pseudo-random token ids (each round's prefix is new to the cache). */
function tokens(count: number): number[] {
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 3 + (seed % 797);
  });
}

async function ttft(engine: Engine, prompt: number[]): Promise<number> {
  const started = performance.now();
  const group = engine.submit(prompt, { maxTokens: 1 });
  await group.next();
  const ms = performance.now() - started;
  group.finish();
  return ms;
}

const options = { threads: THREADS, maxNumSeqs: 4 };
const off = await Engine.start(dir, { ...options, prefixCaching: false });
const on = await Engine.start(dir, options);
// Warm-up: first runs pay for allocations the later ones reuse.
for (const engine of [off, on]) await ttft(engine, tokens(PREFIX + SUFFIX));

printLoadAverage('before', ' (the machine is shared: compare columns of one run, not runs)');
const times = { off: [] as number[], cold: [] as number[], warm: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  const prefix = tokens(PREFIX);
  const [a, b] = [tokens(SUFFIX), tokens(SUFFIX)];
  times.off.push(await ttft(off, [...prefix, ...b]));
  times.cold.push(await ttft(on, [...prefix, ...a]));
  times.warm.push(await ttft(on, [...prefix, ...b]));
}
const hit = on.metrics().prefixCache;
await off.close();
await on.close();

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(
  `bench preset llama (${ATTENTION} attention), threads ${THREADS}, ${PREFIX}-token cached prefix + ${SUFFIX} new tokens, ${ROUNDS} rounds\n`,
);
console.log('| side | TTFT best ms | TTFT median ms |\n| --- | ---: | ---: |');
for (const [side, xs] of Object.entries(times)) {
  console.log(`| ${side} | ${best(xs).toFixed(1)} | ${median(xs).toFixed(1)} |`);
}
const ratio = (f: (xs: number[]) => number) => (f(times.warm) / f(times.cold)).toFixed(3);
console.log(
  `\nwarm / cold: best ${ratio(best)}, median ${ratio(median)} (goal ≤ 0.25); cold / off median ${(median(times.cold) / median(times.off)).toFixed(3)}`,
);
console.log(
  `prefix cache: ${hit.hitTokens} of ${hit.queriedTokens} prompt tokens hit, ${hit.blocks} blocks (${(hit.bytes / 2 ** 20).toFixed(1)} MiB) held`,
);
printLoadAverage('after');
