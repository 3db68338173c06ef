/**
 * Part of `pnpm bench:engine`: the same dims (the `bench` preset llama: 8 layers, 768 wide, 12 / 4
 * heads, head size 64) written with standard opset-23 attention and with
 * `com.microsoft::GroupQueryAttention`, run through the engine (GQA with and without share-buffer
 * KV) and through a bare `session.run` loop, at prompts of 64, 512 and 1,536 tokens and 1 and 4
 * streams. Reported per row: prefill seconds (until every stream has its first token) and decode
 * tokens/s after that. Ratios measured side by side in one process are what count on a shared
 * machine.
 *
 *   pnpm bench:engine:attention [--threads 2] [--tokens 16] [--prompts 64,512,1536] [--streams 1,4]
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { argmax, Engine, ensureModelDir, ModelSession } from '../packages/llm/dist/index.js';
import { keepOne } from './bare-loop.js';
import { printLoadAverage, repo, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

// onnxruntime-node is a dependency of @weft/llm, not of the repository root: load it from there.
type Tensor = Awaited<ReturnType<ModelSession['session']['run']>>[string];
const ort = createRequire(join(repo, 'packages', 'llm', 'package.json'))('onnxruntime-node') as {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
};

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

const standardDir = await ensureModelDir(join(repo, '.weft', 'models', 'llama-bench-0'), {
  arch: 'llama',
  preset: 'bench',
  seed: 0,
});
const gqaDir = await ensureModelDir(join(repo, '.weft', 'models', 'llama-bench-0-gqa'), {
  arch: 'llama',
  preset: 'bench',
  seed: 0,
  kind: { attention: 'gqa' },
});

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

/** The bare loop: rows in lockstep, present fed back as past, all-ones mask, argmax. */
async function bareTiming(model: ModelSession, prompt: number, streams: number): Promise<Timing> {
  const { io, session } = model;
  const ids = (v: number[]) => (io.idDtype === 'int64' ? BigInt64Array.from(v, BigInt) : Int32Array.from(v));
  const ones = (n: number) =>
    io.maskDtype === 'int64' ? new BigInt64Array(n).fill(1n) : new Int32Array(n).fill(1);
  let past: Record<string, Tensor> = {};
  for (const kv of io.kv) {
    past[kv.input] = new ort.Tensor(io.kvDtype, new Float32Array(0), [streams, io.kvHeads, 0, io.headSize]);
  }
  let input = Array.from({ length: streams }, (_, s) => promptOf(prompt, s)).flat();
  let width = prompt;
  let seen = 0;
  const start = performance.now();
  let prefilled = 0;
  for (let t = 0; t < TOKENS; t++) {
    const feeds: Record<string, Tensor> = {
      ...past,
      [io.inputIds]: new ort.Tensor(io.idDtype, ids(input) as never, [streams, width]),
      [io.attentionMask]: new ort.Tensor(io.maskDtype, ones(streams * (seen + width)) as never, [
        streams,
        seen + width,
      ]),
    };
    if (io.positionIds) {
      const pos = Array.from({ length: streams * width }, (_, i) => seen + (i % width));
      feeds[io.positionIds] = new ort.Tensor(io.positionDtype, ids(pos) as never, [streams, width]);
    }
    if (io.logitsToKeep) feeds[io.logitsToKeep.name] = keepOne(io.logitsToKeep);
    const out = await session.run(feeds);
    past = {};
    for (const kv of io.kv) past[kv.input] = out[kv.output]!;
    const logits = out[io.logits]!.data as Float32Array;
    const vocab = model.vocabSize;
    const kept = io.logitsToKeep ? 1 : width;
    input = Array.from({ length: streams }, (_, r) =>
      argmax(logits.subarray(((r + 1) * kept - 1) * vocab, (r + 1) * kept * vocab)),
    );
    seen += width;
    width = 1;
    if (t === 0) prefilled = performance.now();
  }
  const end = performance.now();
  return {
    prefillS: (prefilled - start) / 1000,
    decodeTokS: (streams * (TOKENS - 1)) / ((end - prefilled) / 1000),
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
    const standard = await ModelSession.open(standardDir, { threads: THREADS });
    results.push(['bare loop, standard Attention', await bareTiming(standard, prompt, streams)]);
    await standard.close();
    const gqaBare = await ModelSession.open(gqaDir, { threads: THREADS });
    results.push(['bare loop, GroupQueryAttention', await bareTiming(gqaBare, prompt, streams)]);
    await gqaBare.close();
    const configs: [string, string, boolean][] = [
      ['engine, standard Attention (left)', standardDir, true],
      ['engine, GQA (right), share-buffer', gqaDir, true],
      ['engine, GQA (right), no share-buffer', gqaDir, false],
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
