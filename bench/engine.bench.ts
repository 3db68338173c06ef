/**
 * `pnpm bench:engine`: aggregate generated tokens/s of the served LLM graph (graphs/tiny-llama.yaml
 * pointed at the `bench` preset model) at 1, 4, 8 and 16 concurrent graph runs (streaming greedy
 * completions, every token going through executor → sampler → detokenizer → response), and, in
 * the same process with the same threads, a bare `session.run` loop at batch 1 and batch 8 (the
 * practical limits). Each figure is the best of `--rounds`; the ratios are what count on a shared
 * machine. Goals: c=1 ≥ 0.95 of bare batch 1; c=8 ≥ 0.8 of bare batch 8.
 *
 *   pnpm bench:engine [--model DIR] [--threads 2] [--tokens 128] [--prompt 32] [--rounds 2]
 *
 * Runs the built packages (`dist/`, as `pnpm install` or `pnpm build` leave them), like production.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  CalculatorRegistry,
  type CompiledGraph,
  loadGraphFromString,
} from '../packages/framework/dist/index.js';
import { ensureModelDir, ModelSession, registerLlmCalculators } from '../packages/llm/dist/index.js';
import { benchModel, decodeBenchArgs, repo, rerunWithMalloc } from './bench-setup.js';

rerunWithMalloc();

const {
  model: modelArg,
  threads: THREADS,
  tokens: TOKENS,
  prompt: PROMPT,
  rounds: ROUNDS,
} = decodeBenchArgs({ rounds: 2 });
// onnxruntime-node is a dependency of @weft/llm, not of the repository root: load it from there.
type Tensor = ModelSession['session'] extends { run(f: any): Promise<Record<string, infer T>> } ? T : never;
const ort = createRequire(join(repo, 'packages', 'llm', 'package.json'))('onnxruntime-node') as {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
};

const dir = modelArg ? resolve(modelArg) : await ensureModelDir(benchModel.dir, benchModel.spec);

const promptOf = (vocab: number, salt: number): number[] =>
  Array.from({ length: PROMPT }, (_, i) => (i * 131 + salt * 977 + 7) % Math.min(vocab, 800));

/** `session.run` in a loop with present fed back as past: batch rows in lockstep, argmax, nothing else. */
async function bare(model: ModelSession, rows: number): Promise<number> {
  const { io, session } = model;
  const ids = (values: number[]) =>
    io.idDtype === 'int64' ? BigInt64Array.from(values, BigInt) : Int32Array.from(values);
  const vocab = model.vocabSize;
  let past: Record<string, Tensor> = {};
  for (const kv of io.kv) {
    const dims = kv.packed ? [2, rows, io.kvHeads, 0, io.headSize] : [rows, io.kvHeads, 0, io.headSize];
    past[kv.input] = new ort.Tensor(
      io.kvDtype,
      io.kvDtype === 'float16' ? new Uint16Array(0) : new Float32Array(0),
      dims,
    );
  }
  // A mask of ones sized for the whole run; each step feeds a prefix of it (zero-copy).
  const maxLen = PROMPT + TOKENS;
  const ones =
    io.maskDtype === 'int64'
      ? new BigInt64Array(rows * maxLen).fill(1n)
      : new Int32Array(rows * maxLen).fill(1);
  let input = Array.from({ length: rows }, (_, r) => promptOf(vocab, r)).flat();
  let width = PROMPT;
  let seen = 0;
  const start = performance.now();
  for (let t = 0; t < TOKENS; t++) {
    const feeds: Record<string, Tensor> = {
      ...past,
      [io.inputIds]: new ort.Tensor(io.idDtype, ids(input) as never, [rows, width]),
      [io.attentionMask]: new ort.Tensor(io.maskDtype, ones.subarray(0, rows * (seen + width)), [
        rows,
        seen + width,
      ]),
    };
    if (io.positionIds) {
      const pos = Array.from({ length: rows * width }, (_, i) => seen + (i % width));
      feeds[io.positionIds] = new ort.Tensor(io.positionDtype, ids(pos) as never, [rows, width]);
    }
    const out = await session.run(feeds);
    past = {};
    for (const kv of io.kv) past[kv.input] = out[kv.output]!;
    const logits = out[io.logits]!.data as Float32Array;
    input = [];
    for (let r = 0; r < rows; r++) {
      const base = (r * width + width - 1) * vocab;
      let best = 0;
      for (let v = 1; v < vocab; v++) if (logits[base + v]! > logits[base + best]!) best = v;
      input.push(best);
    }
    seen += width;
    width = 1;
  }
  return (rows * TOKENS) / ((performance.now() - start) / 1000);
}

async function loadGraph(): Promise<CompiledGraph> {
  const file = join(repo, 'graphs', 'tiny-llama.yaml');
  const options = { model_dir: dir, threads: THREADS, max_num_seqs: 16 };
  const text = readFileSync(file, 'utf8').replace(
    'options: { model_dir: ../models/tiny-llama, max_num_seqs: 16 }',
    `options: ${JSON.stringify(options)}`,
  );
  if (!text.includes(JSON.stringify(dir)))
    throw new Error('graphs/tiny-llama.yaml changed: update the bench');
  const registry = new CalculatorRegistry();
  // dist and src types of the registry differ only nominally under tsconfig.check.json's paths.
  registerLlmCalculators(registry as unknown as Parameters<typeof registerLlmCalculators>[0]);
  return loadGraphFromString(text, { file, registry });
}

/** `c` concurrent streaming runs of the graph; returns aggregate generated tokens/s. */
async function graphRate(graph: CompiledGraph, vocab: number, c: number, tokens = TOKENS): Promise<number> {
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: c }, async (_, i) => {
      const run = graph.start();
      const body = {
        model: 'tiny-llama',
        prompt: promptOf(vocab, i),
        max_tokens: tokens,
        temperature: 0,
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
      };
      await run.addPacket('request', { endpoint: 'completions', model: 'tiny-llama', body }, 0);
      run.closeInput('request');
      let generated = 0;
      for await (const p of run.output<any>('response')) {
        if (p.value.kind === 'usage') generated = p.value.completionTokens;
        if (p.value.kind === 'error') throw new Error(JSON.stringify(p.value));
      }
      await run.done();
      if (generated !== tokens) throw new Error(`run ${i} generated ${generated} tokens, not ${tokens}`);
      return generated;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000);
}

const session = await ModelSession.open(dir, { threads: THREADS });
const vocab = session.vocabSize;
const graph = await loadGraph();
console.log(
  `model ${dir}: ${session.io.numLayers} layers, vocab ${vocab}; threads ${THREADS}; prompt ${PROMPT} tokens; ${TOKENS} new tokens per run; best of ${ROUNDS} rounds`,
);
// Warm-up: thread pools, allocator, JIT.
await bare(session, 1);
await graphRate(graph, vocab, 2, 16);

const best: Record<string, number> = {};
const record = (name: string, rate: number) => {
  best[name] = Math.max(best[name] ?? 0, rate);
};
for (let r = 0; r < ROUNDS; r++) {
  record('bare session.run, batch 1', await bare(session, 1));
  record('graph, 1 concurrent run', await graphRate(graph, vocab, 1));
  record('bare session.run, batch 8', await bare(session, 8));
  record('graph, 8 concurrent runs', await graphRate(graph, vocab, 8));
  record('graph, 4 concurrent runs', await graphRate(graph, vocab, 4));
  record('graph, 16 concurrent runs', await graphRate(graph, vocab, 16));
}
await graph.dispose();
await session.close();

const b1 = best['bare session.run, batch 1']!;
const b8 = best['bare session.run, batch 8']!;
const line = (name: string, note: string) =>
  console.log(`${name.padEnd(27)} ${best[name]!.toFixed(1).padStart(8)} tok/s   ${note}`);
line('bare session.run, batch 1', 'limit at c=1');
line('bare session.run, batch 8', `limit at c=8 (${(b8 / b1).toFixed(2)}x batch 1)`);
line(
  'graph, 1 concurrent run',
  `${(best['graph, 1 concurrent run']! / b1).toFixed(3)} of bare batch 1 (goal ≥ 0.95)`,
);
line('graph, 4 concurrent runs', `${(best['graph, 4 concurrent runs']! / b1).toFixed(2)}x bare batch 1`);
line(
  'graph, 8 concurrent runs',
  `${(best['graph, 8 concurrent runs']! / b8).toFixed(3)} of bare batch 8 (goal ≥ 0.8)`,
);
line('graph, 16 concurrent runs', `${(best['graph, 16 concurrent runs']! / b8).toFixed(3)} of bare batch 8`);
