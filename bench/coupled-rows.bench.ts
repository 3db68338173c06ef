/**
 * Part of `pnpm bench:engine:all`: the cost of batch invariance for a row-coupled model. The `bench`
 * preset llama written as q8 dynamic quantization (`model_quantized.onnx`, `DynamicQuantizeLinear`)
 * runs through the engine with `coupledRows: 'per-row'` (default: one session run per row, answers
 * independent of the batch) and `'batched'` (rows share runs: faster, answers move with the batch),
 * at 1 and 4 streams. Reported: decode tokens/s after every stream has its first token.
 *
 *   pnpm bench:engine:coupled [--threads 2] [--tokens 16] [--prompt 64] [--streams 1,4]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { argmax, type CoupledRowsMode, Engine, ensureModelDir } from '../packages/llm/dist/index.js';
import { benchArgv, printLoadAverage, repo, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '16' },
    prompt: { type: 'string', default: '64' },
    streams: { type: 'string', default: '1,4' },
  },
});
const THREADS = Number(values.threads);
const TOKENS = Number(values.tokens);
const PROMPT = Number(values.prompt);
const STREAMS = values.streams.split(',').map(Number);

const dir = await ensureModelDir(join(repo, '.weft', 'models', 'llama-bench-0-q8'), {
  arch: 'llama',
  preset: 'bench',
  seed: 0,
  kind: { quant: 'q8' },
});

/** Decode tokens/s of `streams` greedy groups once all of them have their first token. */
async function decodeRate(engine: Engine, streams: number): Promise<number> {
  const vocab = engine.model.vocabSize;
  let firsts = 0;
  let allFirst = 0;
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 131 + s * 977 + 7) % 800);
      const group = engine.submit(prompt, { maxTokens: TOKENS });
      for (let t = 0; t < TOKENS; t++) {
        const { logits } = await group.next();
        if (t === 0 && ++firsts === streams) allFirst = performance.now();
        if (t < TOKENS - 1) group.append([argmax(logits.subarray(0, vocab))]);
      }
      group.finish();
    }),
  );
  return (streams * (TOKENS - 1)) / ((performance.now() - allFirst) / 1000);
}

printLoadAverage('before', ' (the machine is shared: compare rows of one run, not runs)');
const rows = ['| streams | coupledRows | decode tok/s | vs per-row |', '| ---: | --- | ---: | ---: |'];
for (const streams of STREAMS) {
  const rates: [CoupledRowsMode, number][] = [];
  for (const coupledRows of ['per-row', 'batched'] as const) {
    const engine = await Engine.start(dir, { dtype: 'q8', threads: THREADS, maxNumSeqs: 4, coupledRows });
    await decodeRate(engine, 1); // warm-up
    rates.push([coupledRows, await decodeRate(engine, streams)]);
    await engine.close();
  }
  for (const [mode, rate] of rates) {
    rows.push(`| ${streams} | ${mode} | ${rate.toFixed(1)} | ${(rate / rates[0]![1]).toFixed(2)} |`);
  }
}
console.log(`bench preset llama q8, threads ${THREADS}, prompt ${PROMPT}, ${TOKENS} new tokens per stream\n`);
console.log(rows.join('\n'));
printLoadAverage('after');
