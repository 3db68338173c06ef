/**
 * `pnpm bench:server`: `weft serve` (graphs/tiny-llama.yaml on the `bench` preset model) through the
 * official `openai` client, against the bare `session.run` loop (bench/bare-loop.ts) and
 * transformers.js `generate` behind express (transformers-server.ts, through the same client), each
 * in its own process with the malloc settings and the same threads. Non-streamed greedy completions
 * of `--tokens` new tokens from token-id prompts of 64, 512 and 1,536 tokens, at 1 and 8 concurrent
 * requests; the bare loop runs the same streams as one lockstep batch, timed over prefill plus
 * decode (what a client waits for). Best and median of `--rounds` alternating rounds, ratios to the
 * better of the bare loop with and without onnxruntime's spin-waiting (each round), and the goals. A `weft json_schema` side sends the same requests with a
 * `response_format` JSON schema to the same server: its ratio to `weft serve` is the cost of
 * constrained decoding (goal ≥ 0.90 at 8 streams).
 *
 *   pnpm build && pnpm bench:server [--model DIR] [--threads 2] [--tokens 64] [--prompts 64,512,1536]
 *                                   [--streams 1,8] [--rounds 3] [--sides "bare loop,weft serve"] [--attention gqa|append]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadModelInfo } from '../../packages/llm/dist/index.js';
// The official client is a dev dependency of @weft/server, reached through its node_modules.
import OpenAI from '../../packages/server/node_modules/openai/index.mjs';
import {
  type BenchCase,
  type BenchSide,
  benchPrompt,
  bestAndMedian,
  caseKey,
  casesOf,
  matrixArgs,
  printGoals,
  printMatrix,
  runMatrix,
  strongestOf,
  timedStreams,
} from '../bench-matrix.js';
import {
  ensureBenchModel,
  forkSide,
  listenForUrl,
  MALLOC,
  originalBenchModel,
  repo,
} from '../bench-setup.js';

const args = matrixArgs();
const TOKENS = args.tokens;
const modelDir = args.model ? resolve(args.model) : await ensureBenchModel(args.attention);
// With an optimized model (--attention append): the bare loop also runs on the model as downloaded.
const original = await originalBenchModel(args.attention, args.model);
const vocab = loadModelInfo(modelDir).vocabSize;

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** A server process answering `/v1/completions`, measured through the official client. */
/** Server processes to stop at the end (a server may serve several sides). */
const cleanups: (() => Promise<void>)[] = [];

async function serverSide(name: string, url: string, model: string, extra: object): Promise<BenchSide> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0, timeout: 600_000 });
  return {
    name,
    run: (c: BenchCase) =>
      timedStreams(c, TOKENS, async (s) => {
        const answer = await client.completions.create({
          model,
          prompt: benchPrompt(vocab, c.prompt, s),
          max_tokens: TOKENS,
          temperature: 0,
          ...extra,
        } as never);
        const got = (answer as { usage?: { completion_tokens: number } }).usage?.completion_tokens;
        if (got !== TOKENS) throw new Error(`${name}: expected ${TOKENS} tokens, got ${got}`);
      }),
  };
}

/** One `weft serve` process per model for the Weft sides, started on first use. */
const weft = new Map<string, Promise<string>>();
function weftUrl(model = modelDir): Promise<string> {
  if (!weft.has(model)) weft.set(model, startWeft(model));
  return weft.get(model)!;
}

async function startWeft(model: string): Promise<string> {
  const graph = (await readFile(join(repo, 'graphs', 'tiny-llama.yaml'), 'utf8')).replace(
    /model_dir: \.\.\/models\/tiny-llama/,
    // Prefix caching off: rounds repeat the same prompts (bench:engine:prefix measures the cache).
    `model_dir: ${JSON.stringify(model)}, threads: ${args.threads}, prefix_caching: false`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-server-'));
  await writeFile(join(dir, 'tiny-llama.yaml'), graph);
  const child = spawn(
    process.execPath,
    ['packages/server/bin/weft.js', 'serve', '--graphs', dir, '--port', '0', '--log-level', 'warn'],
    { cwd: repo, env: { ...process.env, ...MALLOC } },
  );
  cleanups.push(async () => {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  });
  return listenForUrl(child, 'weft serve');
}

// The cost of constrained decoding: a JSON schema (an array of small objects that cannot close within
// the token budget, so every request still makes exactly `--tokens` tokens, each under the grammar's
// mask) against the same requests unconstrained. Goal at 8 streams: ≥ 0.90 of plain `weft serve`.
const ITEMS_SCHEMA = {
  type: 'array',
  minItems: 200,
  maxItems: 200,
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 12 },
      age: { type: 'integer', minimum: 0, maximum: 120 },
      role: { enum: ['admin', 'user', 'guest'] },
    },
    required: ['name', 'age', 'role'],
    additionalProperties: false,
  },
};
const JSON_SCHEMA_FORMAT = { type: 'json_schema', json_schema: { name: 'items', schema: ITEMS_SCHEMA } };

async function transformersSide(): Promise<BenchSide> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/server/transformers-server.ts',
      '--model',
      // transformers.js runs what it can read: the original of an optimized model.
      original ?? modelDir,
      '--threads',
      String(args.threads),
    ],
    { cwd: repo, env: { ...process.env, ...MALLOC } },
  );
  cleanups.push(() => stop(child));
  return serverSide('transformers.js', await listenForUrl(child, 'transformers-server'), 'hf', {});
}

const all: Record<string, () => Promise<BenchSide>> = {
  'bare loop': () => forkSide('bare loop', 'bare', modelDir, args.threads, TOKENS),
  'bare loop no spin': () => forkSide('bare loop no spin', 'bare-no-spin', modelDir, args.threads, TOKENS),
  'weft serve': async () => serverSide('weft serve', await weftUrl(), 'tiny-llama', { ignore_eos: true }),
  'weft json_schema': async () =>
    serverSide('weft json_schema', await weftUrl(), 'tiny-llama', { response_format: JSON_SCHEMA_FORMAT }),
  'transformers.js': transformersSide,
  ...(original && {
    'bare loop (original model)': () =>
      forkSide('bare loop (original model)', 'bare', original, args.threads, TOKENS),
    'bare loop no spin (original model)': () =>
      forkSide('bare loop no spin (original model)', 'bare-no-spin', original, args.threads, TOKENS),
    'weft serve (original model)': async () =>
      serverSide('weft serve (original model)', await weftUrl(original), 'tiny-llama', { ignore_eos: true }),
  }),
};
const names = args.sides ?? Object.keys(all);
const sides: BenchSide[] = [];
try {
  for (const name of names) {
    const open = all[name];
    if (!open) throw new Error(`--sides: unknown side "${name}" (known: ${Object.keys(all).join(', ')})`);
    sides.push(await open());
  }
  const cases = casesOf(args);
  console.log(
    `model ${modelDir}; threads ${args.threads}; ${TOKENS} new tokens per request (greedy, non-streamed); best and median of ${args.rounds} rounds`,
  );
  for (const side of sides) await side.run({ prompt: 16, streams: 2 }); // warm-up
  const results = await runMatrix(sides, cases, args.rounds);
  // The reference: the better bare loop of each round, onnxruntime's spin-waiting on or off.
  const reference = strongestOf(results, ['bare loop', 'bare loop no spin'], 'best bare loop');
  printMatrix(results, cases, reference);
  printGoals(results, 'weft serve', reference);
  const downloaded = strongestOf(
    results,
    ['bare loop (original model)', 'bare loop no spin (original model)'],
    'best bare loop (original model)',
  );
  if (results.has(downloaded)) printGoals(results, 'weft serve', downloaded);
  const plain = results.get('weft serve')?.get(caseKey({ prompt: 64, streams: 8 }));
  const constrained = results.get('weft json_schema')?.get(caseKey({ prompt: 64, streams: 8 }));
  if (plain && constrained) {
    const p = bestAndMedian(plain);
    const j = bestAndMedian(constrained);
    console.log(
      `goal weft json_schema / weft serve, prompt 64, 8 streams: best ${(j.best / p.best).toFixed(3)}, median ${(j.median / p.median).toFixed(3)} (goal ≥ 0.9: ${j.best / p.best >= 0.9 ? 'met' : 'NOT met'})`,
    );
  }
} finally {
  for (const side of sides) await side.close?.();
  for (const cleanup of cleanups) await cleanup();
}
