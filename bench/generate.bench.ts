/**
 * `pnpm bench:generate`: decode tokens/s of (a) a bare loop of `session.run` calls (the practical
 * limit), (b) our `generate()`, (c) transformers.js `generate`, all on the same model directory with
 * the same threads, measured side by side in rounds; then the engine driven directly at 1 and 8
 * concurrent sequences against bare batch-1 and batch-8 loops. Ratios within one run are what count
 * on a shared machine; each method's best round is reported.
 *
 *   pnpm bench:generate [--model DIR] [--threads 2] [--tokens 128] [--rounds 3] [--prompt 32]
 */
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startModuleWorker } from '../packages/framework/src/worker/module-worker.js';
import {
  argmax,
  bareDecodeRate,
  Engine,
  ensureModelDir,
  generate,
  ModelSession,
} from '../packages/llm/src/index.js';
import { benchModel, decodeBenchArgs, printLoadAverage, repo, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const {
  model: modelArg,
  threads,
  tokens: TOKENS,
  rounds: ROUNDS,
  prompt: PROMPT,
} = decodeBenchArgs({ rounds: 3 });

async function modelDir(): Promise<string> {
  if (modelArg) return resolve(modelArg);
  let last = '';
  return ensureModelDir(benchModel.dir, {
    ...benchModel.spec,
    onProgress: (p: unknown) => {
      const line = JSON.stringify(p);
      if (line !== last) process.stderr.write(`\rbuilding bench model: ${line.slice(0, 100)}`);
      last = line;
    },
  });
}

async function ours(model: ModelSession, prompt: number[], tokens: number): Promise<number> {
  const start = performance.now();
  const [r] = await generate(model, prompt, { maxTokens: tokens, ignoreEos: true });
  if (r!.tokenIds.length !== tokens) throw new Error(`generate() stopped after ${r!.tokenIds.length} tokens`);
  return tokens / ((performance.now() - start) / 1000);
}

async function openTransformers(dir: string) {
  // A dev dependency of @weft/llm, resolved from there (the root does not depend on it).
  const require = createRequire(join(repo, 'packages', 'llm', 'package.json'));
  const tf: any = await import(pathToFileURL(require.resolve('@huggingface/transformers')).href);
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = dirname(dir);
  const model = await tf.AutoModelForCausalLM.from_pretrained(basename(dir), {
    dtype: 'fp32',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  } as never);
  return { tf, model };
}

async function transformersRate(
  t: Awaited<ReturnType<typeof openTransformers>>,
  prompt: number[],
  tokens: number,
): Promise<number> {
  const ids = new t.tf.Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
  const mask = new t.tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
  const start = performance.now();
  await t.model.generate({
    input_ids: ids,
    attention_mask: mask,
    max_new_tokens: tokens,
    min_new_tokens: tokens,
    do_sample: false,
  } as never);
  return tokens / ((performance.now() - start) / 1000);
}

async function engineRate(engine: Engine, prompts: number[][], tokens: number): Promise<number> {
  const vocab = engine.model.vocabSize;
  const start = performance.now();
  await Promise.all(
    prompts.map(async (p) => {
      const group = engine.submit(p, { maxTokens: tokens });
      for (let n = 1; ; n++) {
        const { logits } = await group.next();
        const token = argmax(logits.subarray(0, vocab));
        if (n === tokens) break;
        group.append([token]);
      }
      group.finish();
    }),
  );
  return (prompts.length * tokens) / ((performance.now() - start) / 1000);
}

/** The bare loop in a worker thread, like the engine's onnxruntime. */
async function openBareWorker(dir: string) {
  const worker = startModuleWorker(import.meta.url, 'generate-bare-worker', { workerData: { dir, threads } });
  await new Promise((resolve) => worker.once('message', resolve));
  return {
    rate: (prompts: number[][], tokens: number) =>
      new Promise<number>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage({ prompts, tokens });
      }),
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

function promptIds(vocab: number, length: number, salt: number): number[] {
  return Array.from({ length }, (_, i) => (i * 7919 + salt * 104729 + 13) % vocab);
}

const dir = await modelDir();
process.stderr.write('\n');
const session = await ModelSession.open(dir, { threads });
const vocab = session.vocabSize;
const prompt = promptIds(vocab, PROMPT, 0);
const batch8 = Array.from({ length: 8 }, (_, i) => promptIds(vocab, PROMPT, i + 1));
console.log(
  `model ${dir}: ${session.io.numLayers} layers, ${session.io.kvHeads} KV heads × ${session.io.headSize}, vocab ${vocab}; threads ${threads}; prompt ${PROMPT}; ${TOKENS} new tokens; ${ROUNDS} rounds`,
);

const best: Record<string, number> = {};
const record = (name: string, rate: number) => {
  best[name] = Math.max(best[name] ?? 0, rate);
};
const hf = await openTransformers(dir);
const engine = await Engine.start(dir, { threads, maxNumSeqs: 16 });
const bareWorker = await openBareWorker(dir);
// Warm-up (allocator, thread pools) before anything is timed.
await bareDecodeRate(session, [prompt], 8);
await ours(session, prompt, 8);
await transformersRate(hf, prompt, 8);
await engineRate(engine, [prompt], 8);
const methods: [string, () => Promise<number>][] = [
  ['bare loop, batch 1', () => bareDecodeRate(session, [prompt], TOKENS)],
  ['weft generate()', () => ours(session, prompt, TOKENS)],
  ['transformers.js generate', () => transformersRate(hf, prompt, TOKENS)],
  ['engine, 1 sequence', () => engineRate(engine, [prompt], TOKENS)],
  ['bare loop, batch 8', () => bareDecodeRate(session, batch8, TOKENS)],
  ['engine, 8 concurrent', () => engineRate(engine, batch8, TOKENS)],
  ['bare loop in a worker, batch 1', () => bareWorker.rate([prompt], TOKENS)],
  ['bare loop in a worker, batch 8', () => bareWorker.rate(batch8, TOKENS)],
];
printLoadAverage('before');
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order each round so no method always runs right after the same neighbour.
  for (let m = 0; m < methods.length; m++) {
    const [name, run] = methods[(m + r) % methods.length]!;
    record(name, await run());
  }
}
printLoadAverage('after', ' (on 2 cores; ratios only mean something when it stays low)');
await engine.close();
await bareWorker.close();
await hf.model.dispose();
await session.close();

const b1 = best['bare loop, batch 1']!;
const b8 = best['bare loop, batch 8']!;
const w1 = best['bare loop in a worker, batch 1']!;
const w8 = best['bare loop in a worker, batch 8']!;
const of = (name: string, ref: number, refName: string) => `${(best[name]! / ref).toFixed(3)} of ${refName}`;
const rows: [string, string][] = [
  ['bare loop, batch 1', '1.00 (limit, main thread)'],
  ['weft generate()', of('weft generate()', b1, 'bare batch 1')],
  ['transformers.js generate', of('transformers.js generate', b1, 'bare batch 1')],
  ['bare loop in a worker, batch 1', of('bare loop in a worker, batch 1', b1, 'bare batch 1')],
  [
    'engine, 1 sequence',
    `${of('engine, 1 sequence', b1, 'bare batch 1')}; ${of('engine, 1 sequence', w1, 'bare batch 1 in a worker')}`,
  ],
  ['bare loop, batch 8', `${(b8 / b1).toFixed(2)}x bare batch 1`],
  ['bare loop in a worker, batch 8', of('bare loop in a worker, batch 8', b8, 'bare batch 8')],
  [
    'engine, 8 concurrent',
    `${of('engine, 8 concurrent', b8, 'bare batch 8')}; ${of('engine, 8 concurrent', w8, 'bare batch 8 in a worker')}`,
  ],
];
for (const [name, ratio] of rows)
  console.log(`${name.padEnd(31)} ${best[name]!.toFixed(1).padStart(8)} tok/s   ${ratio}`);
