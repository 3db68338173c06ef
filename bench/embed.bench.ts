/**
 * `pnpm bench:embed`: embeddings per second of the `bench` preset encoder (a MiniLM-L6-sized BERT,
 * 22M parameters) three ways, on the same model, texts and onnxruntime threads:
 *   - through `weft serve` (graphs/tiny-embed.yaml pointed at the model, its own process), with 1 and
 *     16 concurrent clients each sending one text per request (batching across requests is the
 *     server's job);
 *   - a bare `session.run` loop in this process at batch 1 and batch 16 (texts padded per batch);
 *   - transformers.js `pipeline('feature-extraction')` (mean pooling, normalize) at batch 1 and 16.
 * Rounds alternate between the three so that a burst of load on the shared machine does not fall on
 * one side only; best and median per setting, and the ratios server / bare (goal ≥ 0.9 at 16).
 *
 *   pnpm build && pnpm bench:embed [--threads 2] [--seconds 4] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureEmbeddingModelDir, Tokenizer } from '../packages/llm/dist/index.js';
import { listenForUrl, MALLOC, printLoadAverage, repo } from './bench-setup.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const THREADS = Number(values.threads);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CLIENTS = 16;

const WORDS =
  'the quick brown fox jumps over a lazy dog while seven wizards quietly judge every boxer near old forest rivers'.split(
    ' ',
  );
/** 512 different sentences of 8 to 24 words. */
const TEXTS = Array.from({ length: 512 }, (_, i) =>
  Array.from({ length: 8 + (i % 17) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
);

const modelDir = await ensureEmbeddingModelDir(join(repo, '.weft', 'models', 'embed-mean-bench-0'), {
  preset: 'bench',
  pooling: 'mean',
});
const onnxPath = join(modelDir, 'onnx', 'model.onnx');
const require = createRequire(join(repo, 'packages', 'onnx', 'package.json'));
const ort =
  require('onnxruntime-node') as typeof import('../packages/onnx/node_modules/onnxruntime-node/dist/index.js');
const tokenizer = Tokenizer.load(join(modelDir, 'tokenizer.json'));
const ids = await Promise.all(TEXTS.map((t) => tokenizer.encode(t, { addSpecialTokens: true })));

/** Runs `step` (which embeds `perStep` texts) for SECONDS; embeddings per second. */
async function rate(perStep: number, step: (i: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  for (let i = 0; performance.now() < end; i++) {
    await step(i);
    done += perStep;
  }
  return done / ((performance.now() - start) / 1000);
}

// --- bare session.run loop --------------------------------------------------------------------
const session = await ort.InferenceSession.create(onnxPath, {
  intraOpNumThreads: THREADS,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
function feeds(rows: number[][]) {
  const longest = Math.max(...rows.map((r) => r.length));
  const input = new BigInt64Array(rows.length * longest);
  const mask = new BigInt64Array(rows.length * longest);
  for (const [r, row] of rows.entries()) {
    for (const [c, id] of row.entries()) {
      input[r * longest + c] = BigInt(id);
      mask[r * longest + c] = 1n;
    }
  }
  return {
    input_ids: new ort.Tensor('int64', input, [rows.length, longest]),
    attention_mask: new ort.Tensor('int64', mask, [rows.length, longest]),
  };
}
const bare = (batch: number) =>
  rate(batch, (i) =>
    session.run(feeds(Array.from({ length: batch }, (_, k) => ids[(i * batch + k) % ids.length]!))),
  );

// --- transformers.js feature-extraction ---------------------------------------------------------
const tfRequire = createRequire(join(repo, 'packages', 'llm', 'package.json'));
const tf: any = await import(pathToFileURL(tfRequire.resolve('@huggingface/transformers')).href);
tf.env.allowRemoteModels = false;
tf.env.localModelPath = `${dirname(modelDir)}/`;
const extract = await tf.pipeline('feature-extraction', basename(modelDir), {
  dtype: 'fp32',
  session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 },
});
const transformers = (batch: number) =>
  rate(batch, (i) =>
    extract(
      Array.from({ length: batch }, (_, k) => TEXTS[(i * batch + k) % TEXTS.length]!),
      { pooling: 'mean', normalize: true },
    ),
  );

// --- weft serve ----------------------------------------------------------------------------------
const graphsDir = await mkdtemp(join(tmpdir(), 'weft-embed-bench-'));
const graph = (await readFile(join(repo, 'graphs', 'tiny-embed.yaml'), 'utf8'))
  .replaceAll('../models/tiny-embed', modelDir)
  .replace('max_batch_size: 64', `max_batch_size: 64\n      threads: ${THREADS}`);
await writeFile(join(graphsDir, 'tiny-embed.yaml'), graph);
const child = spawn(
  process.execPath,
  [
    join(repo, 'packages/server/bin/weft.js'),
    'serve',
    '--graphs',
    graphsDir,
    '--port',
    '0',
    '--log-level',
    'warn',
  ],
  { env: { ...process.env, ...MALLOC }, stdio: ['ignore', 'pipe', 'pipe'] },
);
const url = await listenForUrl(child, 'weft serve');
async function embedOne(text: string): Promise<void> {
  const res = await fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny-embed', input: text }),
  });
  if (res.status !== 200) throw new Error(`server answered ${res.status}: ${await res.text()}`);
  await res.json();
}
async function served(clients: number): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end; i += clients) {
        await embedOne(TEXTS[i % TEXTS.length]!);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

// --- rounds -----------------------------------------------------------------------------------------
const settings: [string, () => Promise<number>][] = [
  ['server c=1', () => served(1)],
  ['bare batch 1', () => bare(1)],
  ['transformers.js batch 1', () => transformers(1)],
  [`server c=${CLIENTS}`, () => served(CLIENTS)],
  [`bare batch ${CLIENTS}`, () => bare(CLIENTS)],
  [`transformers.js batch ${CLIENTS}`, () => transformers(CLIENTS)],
];
printLoadAverage('before', `; ${THREADS} threads, ${SECONDS}s per measurement, ${ROUNDS} rounds`);
await served(CLIENTS); // warm-up: first session runs and JIT
await bare(1);
const results = new Map<string, number[]>(settings.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, measure] of settings) results.get(name)!.push(await measure());
}
printLoadAverage('after');
const best = (name: string) => Math.max(...results.get(name)!);
const median = (name: string) => [...results.get(name)!].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
for (const [name] of settings) {
  console.log(
    `${name.padEnd(28)} best ${best(name).toFixed(1).padStart(7)} emb/s  median ${median(name).toFixed(1).padStart(7)}  rounds ${results
      .get(name)!
      .map((r) => r.toFixed(0))
      .join(' ')}`,
  );
}
for (const c of [1, CLIENTS]) {
  const server = `server c=${c}`;
  console.log(
    `server / bare at ${c}: best ${(best(server) / best(`bare batch ${c}`)).toFixed(2)}, median ${(median(server) / median(`bare batch ${c}`)).toFixed(2)}` +
      `; server / transformers.js: best ${(best(server) / best(`transformers.js batch ${c}`)).toFixed(2)}` +
      (c === CLIENTS ? '  (goal ≥ 0.9 of bare)' : ''),
  );
}
child.kill();
await rm(graphsDir, { recursive: true, force: true });
process.exit(0);
