/**
 * `pnpm bench:engine`: the engine without HTTP against the bare loop, at prompts of 64, 512 and
 * 1,536 tokens and 1 and 8 concurrent streams (greedy, `--tokens` new tokens each, timed over
 * prefill plus decode). Sides:
 *   - bare loop: `session.run` in a loop (bare-loop.ts) in its own process, malloc settings on,
 *     with onnxruntime's intra-op spin-waiting on (its default) and off (as the engine runs it);
 *     the reference of every ratio is the better of the two in each round ("best bare loop");
 *   - engine API: `Engine.submit` / `next` / argmax / `append` per stream, in this process (and the
 *     same with onnxruntime's intra-op threads spin-waiting between runs, its default);
 *   - engine sampled: `Engine.submit` with `sampling` (greedy): the worker picks the tokens;
 *   - graph runs: concurrent runs of graphs/tiny-llama.yaml (request → tokenizer → executor ⇄
 *     sampler → detokenizer → response), streaming, as the server runs them minus HTTP (and, named
 *     in --sides, "graph runs (graph sampling)": the executor's `sampling: graph`, logits every step);
 *   - transformers.js: `generate` per stream in its own process.
 * Best and median of `--rounds` alternating rounds, ratios to the bare loop, and the goals.
 *
 *   pnpm build && pnpm bench:engine [--model DIR] [--threads 2] [--tokens 64] [--prompts 64,512,1536]
 *                                   [--streams 1,8] [--rounds 3] [--sides "bare loop,graph runs"] [--attention gqa|append]
 *
 * Runs the built packages (`dist/`, as `pnpm install` or `pnpm build` leave them), like production.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CalculatorRegistry,
  type CompiledGraph,
  loadGraphFromString,
} from '../packages/framework/dist/index.js';
import {
  argmax,
  DEFAULT_SAMPLING_PARAMS,
  Engine,
  registerLlmCalculators,
} from '../packages/llm/dist/index.js';
import {
  type BenchCase,
  type BenchSide,
  benchPrompt,
  casesOf,
  matrixArgs,
  printGoals,
  printMatrix,
  runMatrix,
  strongestOf,
  timedStreams,
} from './bench-matrix.js';
import { ensureBenchModel, forkSide, originalBenchModel, repo } from './bench-setup.js';

const args = matrixArgs();
const dir = args.model ? resolve(args.model) : await ensureBenchModel(args.attention);
// With an optimized model (--attention append): the bare loop also runs on the model as downloaded.
const original = await originalBenchModel(args.attention, args.model);
const TOKENS = args.tokens;

async function engineSide(name: string, spinning: boolean, sampled = false, model = dir): Promise<BenchSide> {
  // Prefix caching off: every round repeats the same prompts, and a cache hit would skip the prefill
  // the bare loop pays (bench:engine:prefix measures the cache).
  const engine = await Engine.start(model, {
    threads: args.threads,
    maxNumSeqs: 16,
    spinning,
    prefixCaching: false,
  });
  const vocab = engine.model.vocabSize;
  return {
    name,
    run: (c: BenchCase) =>
      timedStreams(c, TOKENS, async (s) => {
        const prompt = benchPrompt(vocab, c.prompt, s);
        if (sampled) {
          const params = { ...DEFAULT_SAMPLING_PARAMS, temperature: 0, seed: 0 };
          const sampling = { params, eosIds: [], maxTokens: TOKENS, stream: 0 };
          const group = engine.submit(prompt, { maxTokens: TOKENS, sampling });
          while (!(await group.next()).sampled.finish);
          group.finish();
          return;
        }
        const group = engine.submit(prompt, { maxTokens: TOKENS });
        for (let n = 1; ; n++) {
          const { logits } = await group.next();
          if (n === TOKENS) break;
          group.append([argmax(logits.subarray(0, vocab))]);
        }
        group.finish();
      }),
    close: () => engine.close(),
  };
}

async function graphSide(name: string, sampling: 'engine' | 'graph'): Promise<BenchSide> {
  const file = join(repo, 'graphs', 'tiny-llama.yaml');
  const text = readFileSync(file, 'utf8')
    .replace(
      /model_dir: \.\.\/models\/tiny-llama/,
      `model_dir: ${JSON.stringify(dir)}, threads: ${args.threads}, prefix_caching: false`,
    )
    .replace('options: { sampling: engine }', `options: { sampling: ${sampling} }`);
  if (!text.includes(JSON.stringify(dir)) || !text.includes(`sampling: ${sampling}`))
    throw new Error('graphs/tiny-llama.yaml changed: update the bench');
  const registry = new CalculatorRegistry();
  // dist and src types of the registry differ only nominally under tsconfig.check.json's paths.
  registerLlmCalculators(registry as unknown as Parameters<typeof registerLlmCalculators>[0]);
  const graph: CompiledGraph = await loadGraphFromString(text, { file, registry });
  const vocab = (graph.sharedSidePacket('engine') as Engine).model.vocabSize;
  return {
    name,
    run: (c: BenchCase) =>
      timedStreams(c, TOKENS, async (s) => {
        const run = graph.start();
        const body = {
          model: 'tiny-llama',
          prompt: benchPrompt(vocab, c.prompt, s),
          max_tokens: TOKENS,
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
        if (generated !== TOKENS) throw new Error(`run ${s} generated ${generated} tokens, not ${TOKENS}`);
      }),
    close: () => graph.dispose(),
  };
}

const all: Record<string, () => Promise<BenchSide>> = {
  'bare loop': () => forkSide('bare loop', 'bare', dir, args.threads, TOKENS),
  'bare loop no spin': () => forkSide('bare loop no spin', 'bare-no-spin', dir, args.threads, TOKENS),
  'engine API': () => engineSide('engine API', false),
  'engine API spinning': () => engineSide('engine API spinning', true),
  'engine sampled': () => engineSide('engine sampled', false, true),
  'graph runs': () => graphSide('graph runs', 'engine'),
  'graph runs (graph sampling)': () => graphSide('graph runs (graph sampling)', 'graph'),
  // transformers.js runs what it can read: the original of an optimized model.
  'transformers.js': () =>
    forkSide('transformers.js', 'transformers.js', original ?? dir, args.threads, TOKENS),
  ...(original && {
    'bare loop (original model)': () =>
      forkSide('bare loop (original model)', 'bare', original, args.threads, TOKENS),
    'bare loop no spin (original model)': () =>
      forkSide('bare loop no spin (original model)', 'bare-no-spin', original, args.threads, TOKENS),
    'engine API (original model)': () => engineSide('engine API (original model)', false, false, original),
  }),
};
// The reference is the better bare loop of each round, spin-waiting or not (strongestOf); the
// engine-spinning variant answers one question (what spinning costs): name it in --sides to run it.
const names = args.sides ?? [
  'bare loop',
  'bare loop no spin',
  'engine API',
  'engine sampled',
  'graph runs',
  'transformers.js',
  ...(original ? ['bare loop (original model)', 'bare loop no spin (original model)'] : []),
];
const sides: BenchSide[] = [];
for (const name of names) {
  const open = all[name];
  if (!open) throw new Error(`--sides: unknown side "${name}" (known: ${Object.keys(all).join(', ')})`);
  sides.push(await open());
}
const cases = casesOf(args);
console.log(
  `model ${dir}; threads ${args.threads}; ${TOKENS} new tokens per stream (greedy); best and median of ${args.rounds} rounds`,
);
try {
  for (const side of sides) await side.run({ prompt: 16, streams: 2 }); // warm-up: thread pools, allocator, JIT
  const results = await runMatrix(sides, cases, args.rounds);
  const reference = strongestOf(results, ['bare loop', 'bare loop no spin'], 'best bare loop');
  printMatrix(results, cases, reference);
  const downloaded = strongestOf(
    results,
    ['bare loop (original model)', 'bare loop no spin (original model)'],
    'best bare loop (original model)',
  );
  for (const subject of ['engine API', 'engine sampled', 'graph runs']) {
    printGoals(results, subject, reference);
    if (results.has(downloaded)) printGoals(results, subject, downloaded);
  }
} finally {
  for (const side of sides) await side.close?.();
}
