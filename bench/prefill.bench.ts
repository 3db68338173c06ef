/**
 * Part of `pnpm bench:engine:all`: time to first token of one stream with and without
 * `num_logits_to_keep` — the same weights (the `bench` preset llama) written once with the input
 * (the LM head runs on the last position of each prefill chunk only) and once without it (logits
 * for every prompt position, the engine picks the last). Both engines stay open and the rounds
 * alternate between them, so the machine's load hits both sides alike; reported are the best and
 * the median TTFT of the rounds. Run for the builder's own vocabulary (838 tokens: the LM head is
 * ~1% of a position's work) and padded to 32,000 (Llama 2's; the head is then ~30%).
 *
 *   pnpm bench:engine:prefill [--threads 2] [--rounds 5] [--prompts 512,1536] [--vocab 838,32000]
 *                             [--attention standard|gqa] [--max-batched 512]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine, ensureModelDir, TOKENIZER_VOCAB } from '../packages/llm/dist/index.js';
import { benchArgv, printLoadAverage, repo, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    prompts: { type: 'string', default: '512,1536' },
    attention: { type: 'string', default: 'standard' },
    vocab: { type: 'string', default: '838,32000' },
    'max-batched': { type: 'string', default: '512' },
  },
});
const THREADS = Number(values.threads);
const ROUNDS = Number(values.rounds);
const PROMPTS = values.prompts.split(',').map(Number);
const ATTENTION = values.attention as 'standard' | 'gqa';
const MAX_BATCHED = Number(values['max-batched']);
const VOCABS = values.vocab.split(',').map(Number);
if (ATTENTION !== 'standard' && ATTENTION !== 'gqa') throw new Error('--attention is standard or gqa');

const modelDir = (logitsToKeep: boolean, vocab: number) => {
  const padded = vocab === TOKENIZER_VOCAB ? '' : `-vocab${vocab}`;
  const name = `llama-bench-0${ATTENTION === 'gqa' ? '-gqa' : ''}${padded}${logitsToKeep ? '' : '-no-logitsToKeep'}`;
  return ensureModelDir(join(repo, '.weft', 'models', name), {
    arch: 'llama',
    preset: 'bench',
    seed: 0,
    kind: { attention: ATTENTION, logitsToKeep },
    ...(vocab === TOKENIZER_VOCAB ? {} : { vocabSize: vocab }),
  });
};

const promptOf = (length: number, salt: number): number[] =>
  Array.from({ length }, (_, i) => (i * 131 + salt * 977 + 7) % 800);

/** Milliseconds from submit to the first token's logits. */
async function ttft(engine: Engine, length: number, salt: number): Promise<number> {
  const start = performance.now();
  const group = engine.submit(promptOf(length, salt), { maxTokens: 1 });
  await group.next();
  const ms = performance.now() - start;
  group.finish();
  return ms;
}

/** The two sides at one vocabulary: rounds alternate between them; one table row per side and prompt. */
async function measure(vocab: number, rows: string[]): Promise<void> {
  const sides: [string, Engine][] = [];
  for (const [name, keep] of [
    ['all positions', false],
    ['last position (num_logits_to_keep)', true],
  ] as const) {
    const engine = await Engine.start(await modelDir(keep, vocab), {
      threads: THREADS,
      maxNumBatchedTokens: MAX_BATCHED,
    });
    await ttft(engine, 16, 0); // warm-up: thread pool, allocator, JIT
    sides.push([name, engine]);
  }
  for (const prompt of PROMPTS) {
    const times = sides.map((): number[] => []);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side goes first, so neither always runs right after the other.
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const s of order) times[s]!.push(await ttft(sides[s]![1], prompt, r + 1));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = times[0]!;
    sides.forEach(([name], s) => {
      const t = times[s]!;
      rows.push(
        `| ${vocab} | ${prompt} | ${name} | ${Math.min(...t).toFixed(0)} | ${median(t).toFixed(0)} | ${(Math.min(...t) / Math.min(...base)).toFixed(2)} | ${(median(t) / median(base)).toFixed(2)} |`,
      );
      console.log(rows.at(-1));
    });
  }
  for (const [, engine] of sides) await engine.close();
}

printLoadAverage('before', ' (the machine is shared: compare rows of one run, not runs)');
console.log(
  `bench preset llama (${ATTENTION} attention), threads ${THREADS}, prefill chunks of ${MAX_BATCHED} tokens, ${ROUNDS} rounds, TTFT of one stream\n`,
);
const rows = [
  '| vocab | prompt | logits computed | TTFT best ms | TTFT median ms | best vs all | median vs all |',
  '| ---: | ---: | --- | ---: | ---: | ---: | ---: |',
];
for (const vocab of VOCABS) await measure(vocab, rows);
console.log(`\n${rows.join('\n')}`);
printLoadAverage('after');
