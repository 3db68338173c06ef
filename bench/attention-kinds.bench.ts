/**
 * Part of `pnpm bench:engine`: the same dims (the `bench` preset llama: 8 layers, 768 wide, 12 / 4
 * heads, head size 64) written with standard opset-23 attention and with
 * `com.microsoft::GroupQueryAttention`, and the standard one after `weft model optimize --append-kv`
 * (KV outputs of the new positions only), run through the engine (GQA with and without
 * share-buffer KV) and through a bare `session.run` loop (bare-loop.ts), at prompts of 64, 512 and 1,536 tokens and 1 and 4
 * streams. Reported per row: prefill seconds (until every stream has its first token) and decode
 * tokens/s after that. Ratios measured side by side in one process are what count on a shared
 * machine.
 *
 *   pnpm bench:engine:attention [--threads 2] [--tokens 16] [--prompts 64,512,1536] [--streams 1,4]
 */
import { parseArgs } from 'node:util';
import { argmax, Engine, ModelSession } from '../packages/llm/dist/index.js';
import { bareLoop } from './bare-loop.js';
import { ensureBenchModel, printLoadAverage, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '16' },
    prompts: { type: 'string', default: '64,512,1536' },
    streams: { type: 'string', default: '1,4' },
  },
});
const THREADS = Number(values.threads);
const TOKENS = Number(values.tokens);
const PROMPTS = values.prompts.split(',').map(Number);
const STREAMS = values.streams.split(',').map(Number);

const standardDir = await ensureBenchModel('standard');
const gqaDir = await ensureBenchModel('gqa');
const appendDir = await ensureBenchModel('append');

const promptOf = (length: number, salt: number): number[] =>
  Array.from({ length }, (_, i) => (i * 131 + salt * 977 + 7) % 800);

interface Timing {
  prefillS: number;
  decodeTokS: number;
}

/** `streams` greedy groups submitted at once; prefill until all have a first token, then decode rate. */
async function engineTiming(engine: Engine, prompt: number, streams: number): Promise<Timing> {
  const vocab = engine.model.vocabSize;
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
  const end = performance.now();
  return {
    prefillS: (allFirst - start) / 1000,
    decodeTokS: (streams * (TOKENS - 1)) / ((end - allFirst) / 1000),
  };
}

/** The bare loop (bare-loop.ts), the whole prompt in one run as the engines here prefill it. */
async function bareTiming(model: ModelSession, prompt: number, streams: number): Promise<Timing> {
  const prompts = Array.from({ length: streams }, (_, s) => promptOf(prompt, s));
  const { prefillMs, totalMs } = await bareLoop(model, prompts, TOKENS, streams * prompt);
  return {
    prefillS: prefillMs / 1000,
    decodeTokS: (streams * (TOKENS - 1)) / ((totalMs - prefillMs) / 1000),
  };
}

printLoadAverage('before', ' (the machine is shared: compare rows of one run, not runs)');
console.log(`bench preset llama, threads ${THREADS}, ${TOKENS} new tokens per stream\n`);
const rows: string[] = [];
const header = '| prompt | streams | row | prefill s | decode tok/s | decode vs bare standard |';
rows.push(header, '| ---: | ---: | --- | ---: | ---: | ---: |');
for (const prompt of PROMPTS) {
  for (const streams of STREAMS) {
    const results: [string, Timing][] = [];
    const bares: [string, string][] = [
      ['bare loop, standard Attention', standardDir],
      ['bare loop, GroupQueryAttention', gqaDir],
      ['bare loop, standard Attention, appended KV', appendDir],
    ];
    for (const [name, dir] of bares) {
      const model = await ModelSession.open(dir, { threads: THREADS });
      results.push([name, await bareTiming(model, prompt, streams)]);
      await model.close();
    }
    const configs: [string, string, boolean][] = [
      ['engine, standard Attention (left)', standardDir, true],
      ['engine, GQA (right), share-buffer', gqaDir, true],
      ['engine, GQA (right), no share-buffer', gqaDir, false],
      ['engine, standard Attention, appended KV', appendDir, true],
    ];
    for (const [name, dir, shareBuffer] of configs) {
      const engine = await Engine.start(dir, {
        threads: THREADS,
        maxNumSeqs: 4,
        maxNumBatchedTokens: 2048,
        shareBuffer,
        readyWaitMs: 5,
      });
      await engineTiming(engine, 8, 1); // warm-up
      results.push([name, await engineTiming(engine, prompt, streams)]);
      await engine.close();
    }
    const base = results[0]![1].decodeTokS;
    for (const [name, t] of results) {
      const line = `| ${prompt} | ${streams} | ${name} | ${t.prefillS.toFixed(2)} | ${t.decodeTokS.toFixed(1)} | ${(t.decodeTokS / base).toFixed(2)} |`;
      rows.push(line);
      console.log(line);
    }
  }
}
console.log(`\n${rows.join('\n')}`);
printLoadAverage('after');
