/**
 * Part of `pnpm bench:engine:all`: the same dims (the `bench` preset llama: 8 layers, 768 wide,
 * 12 / 4 heads, head size 64) written with standard opset-23 attention, with
 * `com.microsoft::GroupQueryAttention`, and the standard one after `weft model optimize
 * --append-kv` (KV outputs of the new positions only), run through the engine (GQA with and
 * without share-buffer KV) and through a bare `session.run` loop (bare-loop.ts; onnxruntime's
 * threads not spin-waiting, as in the engine's worker). All sides stay open and every round runs
 * each of them once, in an order that rotates, so load on the shared machine falls on all alike.
 * Reported per side, best and median of the rounds: prefill ms (until every stream has its first
 * token), decode tokens/s after that, and tokens/s over both (what a client waits for).
 *
 *   pnpm bench:engine:attention [--threads 2] [--tokens 64] [--prompts 64,1536] [--streams 1]
 *                               [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { argmax, Engine, ModelSession } from '../packages/llm/dist/index.js';
import { bareLoop } from './bare-loop.js';
import { bestAndMedian } from './bench-matrix.js';
import { benchArgv, ensureBenchModel, printLoadAverage, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '64' },
    prompts: { type: 'string', default: '64,1536' },
    streams: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
  },
});
const THREADS = Number(values.threads);
const TOKENS = Number(values.tokens);
const PROMPTS = values.prompts.split(',').map(Number);
const STREAMS = values.streams.split(',').map(Number);
const ROUNDS = Number(values.rounds);

const promptOf = (length: number, salt: number): number[] =>
  Array.from({ length }, (_, i) => (i * 131 + salt * 977 + 7) % 800);

interface Timing {
  prefillMs: number;
  totalMs: number;
}

interface Side {
  name: string;
  run(prompt: number, streams: number): Promise<Timing>;
  close(): Promise<void>;
}

/** `streams` greedy groups submitted at once, timed until all have a first token and until the end. */
async function engineSide(name: string, dir: string, shareBuffer: boolean): Promise<Side> {
  const engine = await Engine.start(dir, {
    threads: THREADS,
    maxNumSeqs: 8,
    shareBuffer,
    prefixCaching: false,
    readyWaitMs: 2,
  });
  const vocab = engine.model.vocabSize;
  return {
    name,
    async run(prompt, streams) {
      const start = performance.now();
      let firstDone = 0;
      let allFirst = 0;
      await Promise.all(
        Array.from({ length: streams }, async (_, s) => {
          const group = engine.submit(promptOf(prompt, s), { maxTokens: TOKENS });
          for (let t = 0; t < TOKENS; t++) {
            const { logits } = await group.next();
            if (t === 0 && ++firstDone === streams) allFirst = performance.now();
            if (t < TOKENS - 1) group.append([argmax(logits.subarray(0, vocab))]);
          }
          group.finish();
        }),
      );
      return { prefillMs: allFirst - start, totalMs: performance.now() - start };
    },
    close: () => engine.close(),
  };
}

/** The bare loop, prefilling in chunks of 512 tokens over all rows as the engine does. */
async function bareSide(name: string, dir: string): Promise<Side> {
  const model = await ModelSession.open(dir, { threads: THREADS, spinning: false });
  return {
    name,
    run: (prompt, streams) =>
      bareLoop(
        model,
        Array.from({ length: streams }, (_, s) => promptOf(prompt, s)),
        TOKENS,
      ),
    close: () => model.close(),
  };
}

const [standard, gqa, append] = [
  await ensureBenchModel('standard'),
  await ensureBenchModel('gqa'),
  await ensureBenchModel('append'),
];
const sides = [
  await bareSide('bare loop, standard Attention', standard),
  await bareSide('bare loop, GroupQueryAttention', gqa),
  await bareSide('bare loop, appended KV', append),
  await engineSide('engine, standard Attention (left)', standard, true),
  await engineSide('engine, GQA (right), share-buffer', gqa, true),
  await engineSide('engine, GQA (right), no share-buffer', gqa, false),
  await engineSide('engine, appended KV', append, true),
];

printLoadAverage('before', ' (the machine is shared: compare rows of one run, not runs)');
console.log(`bench preset llama, threads ${THREADS}, ${TOKENS} new tokens per stream, ${ROUNDS} rounds\n`);
for (const side of sides) await side.run(16, 1); // warm-up
const rows = [
  '| prompt | streams | side | prefill ms best / median | decode tok/s best / median | total tok/s best / median |',
];
rows.push('| ---: | ---: | --- | ---: | ---: | ---: |');
for (const prompt of PROMPTS) {
  for (const streams of STREAMS) {
    const timings = sides.map((): Timing[] => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < sides.length; i++) {
        const k = (i + r) % sides.length;
        timings[k]!.push(await sides[k]!.run(prompt, streams));
      }
    }
    sides.forEach((side, k) => {
      const t = timings[k]!;
      const prefill = bestAndMedian(t.map((x) => -x.prefillMs));
      const decode = bestAndMedian(
        t.map((x) => (streams * (TOKENS - 1)) / ((x.totalMs - x.prefillMs) / 1000)),
      );
      const total = bestAndMedian(t.map((x) => (streams * TOKENS) / (x.totalMs / 1000)));
      const line = `| ${prompt} | ${streams} | ${side.name} | ${(-prefill.best).toFixed(0)} / ${(-prefill.median).toFixed(0)} | ${decode.best.toFixed(1)} / ${decode.median.toFixed(1)} | ${total.best.toFixed(1)} / ${total.median.toFixed(1)} |`;
      rows.push(line);
      console.log(line);
    });
  }
}
console.log(`\n${rows.join('\n')}`);
printLoadAverage('after');
for (const side of sides) await side.close();
